"""Glyph runs that come back page after page, pasted as the pixels they left last time.

The issuer line, the hotline, the QR caption: every page of a build draws the same runs at the
same places, after the slogan. A run blends its glyph masks, each inside its own rectangle, so
everything it does happens inside the union of those rectangles, its box: what the box holds
afterwards is a function of what it held before, and nothing outside changes. When the same
run comes back on a canvas of the same geometry and its box holds exactly the pixels it held
last time (compared byte for byte), the pixels the run left last time are pasted instead.

A run is recorded the second time it is seen (slogans, seen once, cost nothing); tiles are bounded
in bytes, least recently used out. tests/test_run_tiles.py checks the pixels against drawing.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from PIL import Image

from qmposter.memo import LRU

RUN_TILE_BYTES = 16 * 2**20
_SEEN = 512  # runs remembered as seen once


@dataclass(frozen=True)
class _Tile:
    """A text run's pixels: the box, the background under it, and the box with the run drawn."""

    box: tuple[int, int, int, int]
    before: bytes
    after: Image.Image

    @property
    def nbytes(self) -> int:
        return 2 * len(self.before)


@dataclass
class RunTiles:
    """(canvas geometry, run) → the run's box with its pixels before and after drawing it."""

    tiles: LRU = field(default_factory=lambda: LRU(None, budget=RUN_TILE_BYTES))
    seen: OrderedDict = field(default_factory=OrderedDict)
    pasted: int = 0  # runs pasted instead of drawn: for tests and benchmarks
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def paste(self, key: tuple, image: Image.Image) -> bool:
        """Paste the run's stored pixels if its box holds what it held when they were made."""
        with self._lock:
            tile = self.tiles.get(key)
        if tile is None or image.crop(tile.box).tobytes() != tile.before:
            return False
        image.paste(tile.after, tile.box[:2])
        self.pasted += 1
        return True

    def wants(self, key: tuple) -> bool:
        """True the second time a run is drawn on this geometry: worth recording."""
        with self._lock:
            if key in self.seen:
                del self.seen[key]
                return True
            self.seen[key] = None
            if len(self.seen) > _SEEN:
                self.seen.popitem(last=False)
            return False

    def store(self, key: tuple, box: tuple[int, int, int, int], before: bytes, after: Image.Image) -> None:
        tile = _Tile(box, before, after)
        with self._lock:
            self.tiles.put(key, tile, tile.nbytes)

    def clear(self) -> None:
        with self._lock:
            self.tiles.clear()
            self.seen.clear()


RUN_TILES = RunTiles()
