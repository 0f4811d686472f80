"""Bounded, thread-safe per-process caches with hit counters (issue 12: work kept per process).

Two kinds, both counting hits and misses so tests can check a cache is really used:

- `LRU`: by an equal key, least recently used out past `size` entries or, given a `budget`, past
  that many bytes (the raster caches hold images: glyph masks, stored canvases, run tiles);
- `ByIdentity`: by an object's identity (plus numbers placing it), for results computed from
  immutable objects that come back as the very same objects (a template's boxes, the
  ornament polygons, a QR matrix). The entry holds the object, so its id cannot be reused
  while the entry exists; past `size` entries the cache starts over.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class _Cache:
    """Size bound, counters, lock and the items' container shared by both kinds."""

    def __init__(self, size: int | None, items: dict) -> None:
        self.size = size
        self.hits = self.misses = 0
        self._items = items
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.hits = self.misses = 0


class LRU(_Cache, Generic[V]):
    """Values by key, at most `size` of them (None: no count bound) and, with a `budget`, at most
    `budget` bytes as each `put` reports them; a value bigger than the whole budget is not kept."""

    def __init__(self, size: int | None, budget: int | None = None) -> None:
        super().__init__(size, OrderedDict())
        self.budget = budget
        self.used = 0  # bytes held, as reported to put

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                self.misses += 1
                return None
            self.hits += 1
            self._items.move_to_end(key)
            return found[0]

    def put(self, key: Hashable, value: V, nbytes: int = 0) -> V:
        with self._lock:
            if self.budget is not None and nbytes > self.budget:
                return value
            old = self._items.pop(key, None)
            self.used += nbytes - (old[1] if old else 0)
            self._items[key] = (value, nbytes)
            while (self.size is not None and len(self._items) > self.size) or (
                self.budget is not None and self.used > self.budget
            ):
                _, (_, gone) = self._items.popitem(last=False)
                self.used -= gone
        return value

    def get_or_make(self, key: Hashable, make: Callable[[], V]) -> V:
        found = self.get(key)
        return self.put(key, make()) if found is None else found

    def items(self) -> list[tuple[Hashable, V]]:
        """(key, value) pairs, least recently used first (a copy: safe to use while putting)."""
        with self._lock:
            return [(key, value) for key, (value, _) in self._items.items()]

    def __contains__(self, key: Hashable) -> bool:
        return key in self._items

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.hits = self.misses = self.used = 0


class ByIdentity(_Cache, Generic[V]):
    """Values by (identity of a source object, extra hashable numbers), at most `size` of them."""

    def __init__(self, size: int) -> None:
        super().__init__(size, {})

    def find(self, source: object, extra: tuple[Hashable, ...] = ()) -> V | None:
        """The value stored for this very object (and extra), else None; counts nothing."""
        with self._lock:
            found = self._items.get((id(source), *extra))
        return found[1] if found is not None and found[0] is source else None

    def put(self, source: object, extra: tuple[Hashable, ...], value: V) -> V:
        with self._lock:
            if len(self._items) >= self.size:
                self._items.clear()
            self._items[(id(source), *extra)] = (source, value)
        return value

    def count(self, hit: bool) -> None:
        with self._lock:
            if hit:
                self.hits += 1
            else:
                self.misses += 1

    def get_or_make(self, source: object, extra: tuple[Hashable, ...], make: Callable[[], V]) -> V:
        found = self.find(source, extra)
        self.count(found is not None)
        return self.put(source, extra, make()) if found is None else found
