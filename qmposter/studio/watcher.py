"""Designer mode: template files changing on disk → a version number every open page follows.

watchfiles (inotify and friends) watches the template folders; each change bumps the
version and wakes the server-sent-event streams, whose pages then reload their previews.
The debounce is short (50 ms) so a save shows within a second.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

from watchfiles import awatch

KEEPALIVE_SECONDS = 15.0


class TemplateWatcher:
    """Counts template changes and lets any number of listeners wait for the next one."""

    def __init__(self, folders: list[Path], on_change) -> None:
        self.folders = [f for f in folders if f.is_dir()]
        self.version = 0
        self.on_change = on_change
        self._changed = asyncio.Condition()
        self._stop = asyncio.Event()

    async def run(self) -> None:
        if not self.folders:
            return
        visible = lambda _change, path: not Path(path).name.startswith(".")  # noqa: E731 — editors' swap files
        async for changes in awatch(*self.folders, stop_event=self._stop, debounce=50, step=20, watch_filter=visible):
            if changes:
                self.on_change()
                async with self._changed:
                    self.version += 1
                    self._changed.notify_all()

    def stop(self) -> None:
        self._stop.set()

    async def halt(self) -> None:
        """Stop watching and end every event stream now (the server is shutting down)."""
        self._stop.set()
        async with self._changed:
            self._changed.notify_all()

    async def events(self, stopping: asyncio.Event) -> AsyncIterator[str]:
        """Server-sent events: the current version first, then one per change, with keep-alives."""
        yield f"event: templates\ndata: {self.version}\n\n"
        seen = self.version
        while not stopping.is_set() and not self._stop.is_set():
            if not await self._wait_past(seen):
                yield ": keep-alive\n\n"
                continue
            if self._stop.is_set():
                break
            seen = self.version
            yield f"event: templates\ndata: {seen}\n\n"

    async def _wait_past(self, seen: int) -> bool:
        """True once the version differs from `seen`; False after the keep-alive interval."""
        async with self._changed:
            try:
                changed = lambda: self.version != seen or self._stop.is_set()  # noqa: E731
                await asyncio.wait_for(self._changed.wait_for(changed), KEEPALIVE_SECONDS)
            except TimeoutError:
                return False
        return True
