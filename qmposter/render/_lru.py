"""A mapping that forgets its least recently used entries beyond a byte budget: the raster caches' bound."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Iterator
from typing import Any


class BoundedLRU:
    """Entries with their sizes in bytes; adding one evicts the oldest until the total fits `budget`
    (and the count fits `max_entries`). An entry bigger than the whole budget is not kept. Not
    thread-safe: callers that share one hold their own lock."""

    def __init__(self, budget: int, max_entries: int | None = None) -> None:
        self.budget = budget
        self.max_entries = max_entries
        self.used = 0
        self._entries: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()

    def get(self, key: Hashable) -> Any:
        """The value (now the most recently used), or None."""
        hit = self._entries.get(key)
        if hit is None:
            return None
        self._entries.move_to_end(key)
        return hit[0]

    def put(self, key: Hashable, value: Any, nbytes: int) -> None:
        if nbytes > self.budget:
            return
        old = self._entries.pop(key, None)
        self.used += nbytes - (old[1] if old else 0)
        self._entries[key] = (value, nbytes)
        while self.used > self.budget or (self.max_entries is not None and len(self._entries) > self.max_entries):
            _, (_, gone) = self._entries.popitem(last=False)
            self.used -= gone

    def items(self) -> Iterator[tuple[Hashable, Any]]:
        """(key, value), least recently used first."""
        return ((key, value) for key, (value, _) in self._entries.items())

    def __contains__(self, key: Hashable) -> bool:
        return key in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        self._entries.clear()
        self.used = 0
