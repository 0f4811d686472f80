"""FreeType glyph bitmaps rendered once and reused, with the pixels ImageDraw.text would give.

`ImageDraw.text(xy, char, anchor="ls")` asks FreeType to rasterise the glyph twice on every call
(once to find its extent, once to draw) — ~90 % of a glyph's cost, 0.5 ms for a 131-px character,
4 ms at 470 px. Yet the bitmap it blends depends on `xy` only through a few small integers: Pillow
(9.4 and later) rasterises a glyph at the pen origin and places it on whole pixels; the fractional
part of `xy` (its "start") shifts it by round-to-nearest pixels and widens the mask by one column
or row. `getmask2(char, mode, anchor="ls", start=(fx, fy))` is therefore a function of the *phase*

    (PIXEL(round(64·fx)), ceil(fx), PIXEL(round(−64·fy)), ceil(fy))     (fx, fy as C floats)

— at most 16 masks per glyph — and blending a cached mask with `draw_bitmap` at
`(int(x) + offset_x, int(y) + offset_y)` is exactly what `ImageDraw.text` does. Starts within 1/4096
pixel of a rounding boundary (where Pillow's float32 pen arithmetic could tip the other way) and
very large glyphs are left to `ImageDraw.text`; a self-check at first use falls back to it for the
whole process if the installed Pillow does not behave like this. tests/test_glyph_masks.py sweeps
positions, fonts and sizes against `ImageDraw.text`.

The masks also outlive the process (`DiskPacks`, in the user cache folder through pixel_store):
a mask is a function of the font file, pixel size, mode, character and phase only, so the next
process — the next build, a `qmposter render` — reads what FreeType made before (~5 µs instead of
0.1–1 ms a glyph).
"""

from __future__ import annotations

import math
import os
import struct
import threading
from dataclasses import dataclass, field

from PIL import Image, ImageDraw, ImageFont

from qmposter.disk_cache import at_exit, files_version
from qmposter.memo import LRU
from qmposter.render import pixel_store

GLYPH_CACHE_BYTES = 16 * 2**20  # mask pixels per thread; glyphs recur within a template: no reuse lost in a build
MAX_CACHED_SIZE_PX = 2048  # bigger glyphs: ImageDraw.text (the float32 margin below assumes |pen| < 4096 px)
PACKS_IN_MEMORY = 64  # disk packs (one font, size and mode each) held by a process
PACK_ENTRIES = 4096  # masks in one pack: one size of one font rarely needs more characters
FLUSH_AFTER = 512  # new masks kept in memory before they are written (and at the process's end)
_MARGIN = 1 / 64  # in 1/64 px: Pillow's float32 pen error stays below this for pens under 4096 px
_F32 = struct.Struct("f")


def _f32(v: float) -> float:
    """`v` as the C float Pillow parses its start into."""
    return _F32.unpack(_F32.pack(v))[0]


def _pixel(v: int) -> int:
    """Pillow's PIXEL(): a 26.6 coordinate rounded to the nearest whole pixel."""
    return (v + 32) >> 6


def _shift(q: float) -> int | None:
    """Whole-pixel shift of the pen for a start whose 64ths are `q`; None near a boundary.

    The shift changes where round(q) crosses 31.5 (→ 32) and −32.5 (→ −33); there Pillow's sum of
    the glyph's pixel extent and the start, in float32, may round either way.
    """
    if abs(q - 31.5) <= _MARGIN or abs(q + 32.5) <= _MARGIN:
        return None
    r = math.floor(q + 0.5) if q >= 0 else -math.floor(-q + 0.5)  # C round(): half away from zero
    return _pixel(r)


def phase(x: float, y: float) -> tuple[int, int, int, int] | None:
    """The phase of a glyph origin (pixels), or None where only ImageDraw.text is sure."""
    fx, fy = _f32(math.modf(x)[0]), _f32(math.modf(y)[0])
    dx, dy = _shift(64 * fx), _shift(-64 * fy)
    if dx is None or dy is None:
        return None
    return dx, math.ceil(fx), dy, math.ceil(fy)


@dataclass
class GlyphMasks:
    """One thread's masks: (font file, size, mode, char, phase) → (mask, offset), least recently used out."""

    masks: LRU = field(default_factory=lambda: LRU(None, budget=GLYPH_CACHE_BYTES))  # bytes = mask pixels
    rendered: int = 0  # masks FreeType made (misses), for tests and benchmarks
    loaded: int = 0  # masks read from the user cache folder instead

    def mask(self, font: ImageFont.FreeTypeFont, mode: str, char: str, x: float, y: float, where: tuple):
        """(mask, top-left pixel) of `char` with its origin at (x, y), whose phase is `where`."""
        key = (font.path, font.size, mode, char, where)
        hit = self.masks.get(key)
        if hit is None:
            hit = PACKS.find(font, mode, char, where)
            if hit is None:
                hit = font.getmask2(char, mode, anchor="ls", start=(math.modf(x)[0], math.modf(y)[0]))
                self.rendered += 1
                PACKS.add(font, mode, char, where, hit)
            else:
                self.loaded += 1
            self.masks.put(key, hit, hit[0].size[0] * hit[0].size[1])
        mask, (dx, dy) = hit
        return mask, (int(x) + dx, int(y) + dy)


class DiskPacks:
    """Masks kept in the user cache folder across processes, one file (a "pack") per font file
    version, pixel size and mode, holding {(char, phase): (mode, width, height, dx, dy, zlib bytes)}.

    A glyph is a function of those alone (see the module docstring), so a mask read back is the
    one FreeType would make; zlib's checksum and a size check turn a damaged entry into a miss.
    New masks are written in batches (`flush`: every FLUSH_AFTER masks, and when the process ends),
    merged with what another process may have written meanwhile; pixel_store bounds the files'
    total bytes. Batches, not a write per page: replacing an existing file on ext4 waits for its
    data (~2.6 ms wall against 0.3 ms for a new file), and a page per write added ~4 s of wall
    time to a first full build.
    """

    def __init__(self) -> None:
        self._packs: LRU = LRU(PACKS_IN_MEMORY)  # pack key → entries as read from disk or added
        self._dirty: dict[tuple, dict] = {}  # pack key → entries added since the last flush
        self._unsaved = 0  # masks in _dirty
        self._exit_hook = False
        self._fonts: dict[str, tuple | None] = {}  # font path → file identity (fonts do not change mid-run)
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._packs.clear()
            self._dirty.clear()
            self._unsaved = 0
            self._fonts.clear()

    def _pack_key(self, font: ImageFont.FreeTypeFont, mode: str) -> tuple | None:
        path = str(font.path)
        if path not in self._fonts:
            self._fonts[path] = files_version([os.path.abspath(path)], "")  # the font file's version
        identity = self._fonts[path]
        return None if identity is None else (identity, font.size, font.index, mode)

    def _pack(self, key: tuple) -> dict:
        pack = self._packs.get(key)
        if pack is None:
            stored = pixel_store.load("glyphs", key)
            pack = self._packs.put(key, dict(stored) if isinstance(stored, dict) else {})
        return pack

    def find(self, font: ImageFont.FreeTypeFont, mode: str, char: str, where: tuple) -> tuple | None:
        """(mask, offset) of the glyph as stored, or None."""
        key = self._pack_key(font, mode)
        if key is None:
            return None
        with self._lock:
            entry = self._pack(key).get((char, where))
        if entry is None:
            return None
        images = pixel_store.unpack_pixels((entry[:3] + entry[5:],), 1)  # the pack is sealed: as `add` made it
        if images is None:
            return None
        return images[0].im, (entry[3], entry[4])

    def add(self, font: ImageFont.FreeTypeFont, mode: str, char: str, where: tuple, hit: tuple) -> None:
        key = self._pack_key(font, mode)
        if key is None:
            return
        ((mask_mode, width, height, data),) = pixel_store.pack_pixels(Image.Image()._new(hit[0]))
        entry = (mask_mode, width, height, hit[1][0], hit[1][1], data)
        with self._lock:
            pack = self._pack(key)
            if len(pack) < PACK_ENTRIES:
                pack[(char, where)] = entry
                self._dirty.setdefault(key, {})[(char, where)] = entry
                self._unsaved += 1
            due = self._unsaved >= FLUSH_AFTER  # a long build or a studio session: write a batch now
            hook, self._exit_hook = not self._exit_hook, True
        if hook:
            at_exit(self.flush)
        if due:
            self.flush()

    def flush(self) -> None:
        """Write the packs that gained masks (what is on disk now, plus ours)."""
        with self._lock:
            dirty, self._dirty, self._unsaved = self._dirty, {}, 0
        for key, added in dirty.items():
            stored = pixel_store.load("glyphs", key, peek=True)  # merging: not a use of the pack
            pack = dict(stored) if isinstance(stored, dict) and len(stored) < PACK_ENTRIES else {}
            pack.update(added)
            pixel_store.save("glyphs", key, pack)


PACKS = DiskPacks()


_local = threading.local()
_trusted: bool | None = None  # does this Pillow place glyphs as the module docstring says?
_check_lock = threading.Lock()


def clear() -> None:
    """Forget this thread's masks, the packs read from disk and the masks not yet written (tests
    start from an empty cache; call PACKS.flush() first to end a "process" as it would end)."""
    _local.masks = GlyphMasks()
    PACKS.clear()


def glyph_masks() -> GlyphMasks:
    """This thread's cache (FreeType faces, and so their masks, are kept per thread)."""
    cache = getattr(_local, "masks", None)
    if cache is None:
        cache = _local.masks = GlyphMasks()
    return cache


def usable(font: ImageFont.FreeTypeFont) -> bool:
    """True when cached masks give ImageDraw.text's pixels for this font (self-check once per process)."""
    global _trusted
    if font.size > MAX_CACHED_SIZE_PX:
        return False
    if _trusted is None:
        with _check_lock:
            if _trusted is None:
                _trusted = _self_check(font)
    return _trusted


def _self_check(font: ImageFont.FreeTypeFont) -> bool:
    """Starts of one phase must give one mask, and that mask must be what ImageDraw.text blends."""
    probe = ImageFont.truetype(font.path, 37.3, layout_engine=ImageFont.Layout.BASIC)
    char = "量"  # a font without it draws its .notdef box: as good a test
    groups = (((0.1, 0.2), (0.45, 0.3)), ((0.6, 0.7), (0.95, 0.55)), ((-0.3, -0.2), (-0.05, -0.45)))
    for starts in groups:
        masks = {bytes(probe.getmask2(char, "L", anchor="ls", start=s)[0]) for s in starts}
        if len(masks) != 1 or len({phase(*s) for s in starts}) != 1:
            return False
    return _same_as_text(probe, char)


def _same_as_text(font: ImageFont.FreeTypeFont, char: str) -> bool:
    for x, y in ((20.3, 40.6), (20.7, 40.2), (21.0, 40.0)):
        drawn, blended = Image.new("L", (80, 80)), Image.new("L", (80, 80))
        ImageDraw.Draw(drawn).text((x, y), char, fill=200, font=font, anchor="ls")
        mask, (dx, dy) = font.getmask2(char, "L", anchor="ls", start=(math.modf(x)[0], math.modf(y)[0]))
        ImageDraw.Draw(blended).draw.draw_bitmap((int(x) + dx, int(y) + dy), mask, 200)
        if drawn.tobytes() != blended.tobytes():
            return False
    return True
