"""Compressed PNG bands kept across processes, for the images a process has no neighbour for.

png.py takes a band from the previous image of the same size when its rows are equal. The first
image of a size in a process, and an image whose layout took another branch (a build's theme
page, then its first slogan page), have no such neighbour: every band is compressed, ~13 ms for
1080², the largest part of the first two files of a PNG build. Yet those images hardly change from
one run to the next: the template's ground, header, QR code and footer. A band's deflate bytes are
a pure function of its rows (png.py), so they are stored here under a SHA-256 of the rows and read
back by the next process: the bytes are the same whether a band came from here or was compressed.

One store entry (pixel_store kind "bands") per design: image row length, height and mode, and
the first band's rows (a template's ground, the same for all its pages). It holds
{digest: (deflate bytes, adler32, length)}. Only png.py's images with no neighbour (more than half
their bands changed), and only the first FIRST_IMAGES of a design in a process, look here; later
images of the design hash their first band only. When the process ends, an entry that gained
bands is written back: what is on disk plus the bands this process used, or only the latter once
that passes MAX_DESIGN_BYTES, so an entry holds the pages that recur in every run, not a history.
"""

from __future__ import annotations

import functools
import hashlib
import os
import threading
from pathlib import Path

from zlib_ng import zlib_ng

from qmposter import disk_cache
from qmposter.disk_cache import at_exit
from qmposter.render import pixel_store

FIRST_IMAGES = 2  # of a design per process: a build's first page and the first of another layout branch
MAX_DESIGN_BYTES = 4 << 20  # one entry's deflate bytes (two 1080² pages: ~0.3 MB; two A3 pages at 150 dpi: ~3 MB)
Stored = tuple[bytes, int, int]  # deflate bytes, adler32 of the rows they hold, their length


@functools.cache
def _code_version() -> str:
    """The band encoder's code, zlib-ng's version (built and running) and the machine: deflate's
    bytes may differ between CPU architectures, and a cache folder can be shared (an NFS home)."""
    here = Path(__file__).resolve().parent
    extra = f"{zlib_ng.ZLIBNG_VERSION}\0{zlib_ng.ZLIBNG_RUNTIME_VERSION}\0{os.uname().machine}"
    return disk_cache.code_version(here / "png.py", here / "band_store.py", extra=extra)


def band_digest(raw: memoryview, row: int, y0: int, y1: int) -> bytes:
    """SHA-256 of rows y0..y1 and the row above (a band's bytes depend on it), with their shape."""
    top = max(0, y0 - 1)
    digest = hashlib.sha256(b"%d,%d,%d;" % (row, y0 - top, y1 - y0))
    digest.update(raw[top * row : y1 * row])
    return digest.digest()


class BandStore:
    """The stored bands of the designs this process looks up, and the bands it used."""

    def __init__(self) -> None:
        self._designs: dict[tuple, dict[bytes, Stored]] = {}  # entries read, while still looked up
        self._used: dict[tuple, dict[bytes, Stored]] = {}  # bands this process read or made, per design
        self._added: set[tuple] = set()  # designs that gained bands: written at exit
        self._seen: dict[tuple, int] = {}  # images of each design met by this process
        self._exit_hook = False
        self._lock = threading.Lock()

    def design(self, raw: memoryview, row: int, height: int, first_rows: int, mode: str) -> tuple | None:
        """The key of an image's design (its shape and the SHA-256 of its first band's rows), or None
        past its first FIRST_IMAGES images in this process: a template whose every page changes most
        bands (a tall slogan block) would otherwise hash and store every page, each seen once."""
        ground = hashlib.sha256(raw[: first_rows * row]).hexdigest()
        design = (row, height, mode, ground, _code_version())
        with self._lock:
            seen = self._seen[design] = self._seen.get(design, 0) + 1
            if seen <= FIRST_IMAGES:
                return design
            self._designs.pop(design, None)  # never looked up again: the studio runs for hours
            return None

    def find(self, design: tuple, digest: bytes) -> Stored | None:
        with self._lock:
            band = self._bands(design).get(digest)
            if band is not None:
                self._used.setdefault(design, {})[digest] = band
        return band

    def add(self, design: tuple, digest: bytes, band: Stored) -> None:
        with self._lock:
            self._used.setdefault(design, {})[digest] = band
            self._added.add(design)
            first = not self._exit_hook
            self._exit_hook = True
        if first:
            at_exit(self.flush)

    def flush(self) -> None:
        """Write the designs that gained bands (see the module doc)."""
        with self._lock:
            designs, self._added = self._added, set()
            used = {design: dict(self._used.get(design, {})) for design in designs}
        for design, bands in used.items():
            merged = {**_sound(pixel_store.load("bands", design, peek=True)), **bands}
            if sum(len(band[0]) for band in merged.values()) > MAX_DESIGN_BYTES:
                merged = bands
            pixel_store.save("bands", design, merged)

    def clear(self) -> None:
        """Forget what was read, used and added (tests start from an empty cache)."""
        with self._lock:
            self._designs.clear()
            self._used.clear()
            self._added.clear()
            self._seen.clear()

    def _bands(self, design: tuple) -> dict[bytes, Stored]:
        bands = self._designs.get(design)
        if bands is None:
            bands = self._designs[design] = _sound(pixel_store.load("bands", design))
        return bands


def _sound(payload: object) -> dict[bytes, Stored]:
    """The stored dict (pixel_store checked its seal), or an empty one when there is none."""
    return payload if isinstance(payload, dict) else {}


STORE = BandStore()
