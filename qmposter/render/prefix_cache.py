"""Canvases after the items every page of a design shares, to start the next page from.

A build draws one template for every slogan, and its display lists begin alike: the ground, the
gradient, pictures, the sunburst and 回纹 ornaments, the campaign name — only then the slogan.
Those shared items are most of a poster preview's drawing (100 of 140 ms on an A2 red poster).
The raster backend asks this cache for the longest stored canvas whose items are a prefix of the
new page's, starts from a copy of it and draws only the rest. Drawing is deterministic and depends
only on the canvas so far, so the pixels are those of drawing from scratch
(tests/test_prefix_cache.py renders every template's pages in build order, shuffled and fresh).

What to store is learnt, not declared: a page that shares with the previous page of the same
canvas, beyond what the cache already holds, at least one item slower to draw than a canvas is to
copy (a gradient, picture or ornament: `_slow`; text runs, QR codes and lines are pasted from
tiles) stores the canvas at the end of the shared run; the first page on a canvas stores it after
its decorations (the items before its first text), and a page that shares nothing slow with the
previous one (another layout branch) after its first `Page.fixed_items` items, if those hold a
slow one. Entries are bounded in number and bytes (least recently used out); pictures are
re-checked by file version, as `scaled_picture` does.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from qmposter.layout.page import Color, Fill, GlyphRun, Item, Picture, Shape
from qmposter.memo import LRU
from qmposter.render import pixel_store

PREFIX_CACHE_BYTES = 32 * 2**20  # 2 A2 previews at 100 dpi (RGB is 4 bytes a pixel); a build needs one a template
PREFIX_CACHE_ENTRIES = 4
_REMEMBERED_CANVASES = 16  # canvases whose previous page is remembered (a build has one per template and dpi)

CanvasKey = tuple  # (width px, height px, scale, offset pt, monochrome)


@dataclass(frozen=True)
class _Entry:
    """A canvas drawn up to the end of `items` (a page's first items), with the picture versions it holds."""

    items: tuple[Item, ...]
    image: Image.Image
    files: tuple[tuple[str, tuple[int, int] | None], ...]  # pictures drawn and their versions

    @property
    def nbytes(self) -> int:
        return self.image.width * self.image.height * 4


@dataclass
class PrefixCache:
    """Per-process store of canvases keyed by canvas geometry and the items drawn on them."""

    entries: LRU = field(default_factory=lambda: LRU(PREFIX_CACHE_ENTRIES, budget=PREFIX_CACHE_BYTES))
    last: OrderedDict = field(default_factory=OrderedDict)  # key -> items of the previous page on that canvas
    reused_items: int = 0  # items not drawn because a stored canvas had them: for tests, benchmarks
    loaded: int = 0  # decorations read from the user cache folder
    _pending: dict = field(default_factory=dict)  # canvas key -> (decorations, disk key) to save
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def start(self, key: CanvasKey, items: Sequence[Item]) -> tuple[Image.Image | None, int]:
        """A private copy of the longest stored canvas whose items begin `items`, and their count."""
        with self._lock:
            best_id, best = None, None
            for entry_id, entry in self.entries.items():
                if entry_id[0] != key or (best and len(entry.items) <= len(best.items)):
                    continue
                if _common_length(entry.items, items) == len(entry.items) and _files_unchanged(entry.files):
                    best_id, best = entry_id, entry
            if best is None:
                return None, 0
            self.entries.get(best_id)  # now the most recently used
            self.reused_items += len(best.items)
            return best.image.copy(), len(best.items)

    def store_point(self, key: CanvasKey, items: Sequence[Item], done: int, fixed: int = 0) -> int:
        """Where to store this page's canvas (0: nowhere): the end of its decorations when `load`
        found them missing from the cache folder (storing them there), else of what it shares with
        the last page on this canvas. A guess lets the next page, e.g. the next live preview,
        skip the ornaments already: for the first page its decorations; for one sharing nothing
        slow with the last (another layout branch: the pages after a theme slogan's), its first
        `fixed` items (those made before the slogan's, Page.fixed_items)."""
        with self._lock:
            previous = self.last.pop(key, None)
            self.last[key] = tuple(items)
            if len(self.last) > _REMEMBERED_CANVASES:
                self.last.popitem(last=False)
            missing = key in self._pending
        if missing or previous is None:
            return self._worth(items, done, _decorations(items))
        shared = self._worth(items, done, _common_length(previous, items))
        return shared or self._worth(items, done, max(fixed, _decorations(items)))

    @staticmethod
    def _worth(items: Sequence[Item], done: int, end: int) -> int:
        """`end`, if items[done:end] hold a gradient, picture or ornament: text runs drawn before
        are pasted from their tiles (run_tiles), QR codes from theirs, and lines are a few
        rectangles, each for less than a copy of the canvas costs."""
        return end if end > done and any(map(_slow, items[done:end])) else 0

    def store(self, key: CanvasKey, items: Sequence[Item], image: Image.Image) -> None:
        """Keep a copy of `image`, the canvas after `items` (a page's first items); the first page
        on a canvas that found no decorations on disk also leaves them there for the next process."""
        with self._lock:
            pending = self._pending.get(key)
            if pending is not None and pending[0] == tuple(items):
                del self._pending[key]
            else:
                pending = None
        if pending is not None:
            pixel_store.save("canvas", pending[1], pixel_store.pack_pixels(image))
        if image.width * image.height * 4 > self.entries.budget:
            return
        entry = _Entry(tuple(items), image.copy(), _picture_versions(items))
        with self._lock:
            self.entries.put((key, len(items), id(entry)), entry, entry.nbytes)

    def load(self, key: CanvasKey, items: Sequence[Item]) -> tuple[Image.Image | None, int]:
        """The canvas after this page's decorations (the items before its first text) as an earlier
        process left it in the user cache folder, and their count; (None, 0) if it is not there."""
        count = _decorations(items)
        if not any(map(_slow, items[:count])):  # store_point would never store them: nothing to find
            return None, 0
        head = tuple(items[:count])
        with self._lock:
            self._pending.pop(key, None)
        disk_key = (key, hashlib.sha256(repr(head).encode()).hexdigest(), _picture_versions(head))
        stored = pixel_store.unpack_pixels(pixel_store.load("canvas", disk_key), 1)
        if stored is None or stored[0].mode != "RGB" or stored[0].size != key[0]:
            with self._lock:
                self._pending[key] = (head, disk_key)
            return None, 0
        self.store(key, head, stored[0])
        with self._lock:
            self.reused_items += count
            self.loaded += 1
        return stored[0], count

    def clear(self) -> None:
        with self._lock:
            self.entries.clear()
            self.last.clear()
            self._pending.clear()


def _slow(item: Item) -> bool:
    """Worth a stored canvas: drawing it again costs more than copying one."""
    return isinstance(item, Picture | Shape) or (isinstance(item, Fill) and not isinstance(item.paint, Color))


def _decorations(items: Sequence[Item]) -> int:
    """How many items come before the first text: ground, gradient, pictures, ornaments."""
    return next((n for n, item in enumerate(items) if isinstance(item, GlyphRun)), len(items))


def _common_length(a: Sequence[Item], b: Sequence[Item]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if not (x is y or x == y):
            break
        n += 1
    return n


def _picture_versions(items: Sequence[Item]) -> tuple[tuple[str, tuple[int, int] | None], ...]:
    return tuple((i.path, _version(i.path)) for i in items if isinstance(i, Picture))


def _files_unchanged(files: tuple[tuple[str, tuple[int, int] | None], ...]) -> bool:
    return all(_version(path) == version for path, version in files)


def _version(path: str) -> tuple[int, int] | None:
    try:
        st = Path(path).stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


PREFIXES = PrefixCache()
