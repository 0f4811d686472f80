"""Pixels worked out from files that do not change between runs, kept in the user cache folder.

A new process used to decode and resize a template's picture (~20 ms) and let FreeType rasterise
every glyph it draws (0.1–1 ms each, 4–14 new ones a slogan) before its first file; both are
functions of static inputs only — the picture file and its box, the font file, pixel size,
character and sub-pixel phase — like the font metrics qmposter/fonts.py keeps on disk. These
depend on no slogan and no output file: a glyph is stored per character. One kind is output
bytes: render/band_store.py keeps a design's first PNG bands here ("bands"), each under the
SHA-256 of its rows, so that only equal rows ever read one.

Each entry is one marshal file `KIND-HASH.marshal` holding its payload sealed by
`disk_cache.seal`, salted with the key and versions. The hash and the salted checksum cover the
source file's path, size and mtime, the parameters, this format's version, the Pillow and
FreeType versions and a hash of the drawing code, so an edited picture, another font file, a
Pillow upgrade or a change to how qmposter draws reads nothing stale. A missing, damaged,
foreign or unwritable file only costs the work again. Each kind is bounded in bytes: past its
budget the least recently used files go (a hit touches its file).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import threading
from pathlib import Path

from PIL import Image, ImageFont
from zlib_ng import zlib_ng

from qmposter import disk_cache
from qmposter.disk_cache import cache_dir, read_marshal, write_marshal

FORMAT = 2  # bump when a payload's layout changes (2: sealed with a CRC-32, disk_cache.seal)
# bytes on disk per kind
BUDGETS = {"picture": 64 * 2**20, "glyphs": 64 * 2**20, "canvas": 128 * 2**20, "bands": 64 * 2**20}
_PRUNE_EVERY = 8  # of a budget written by this process between two prunes of that kind

_written: dict[str, int] = {}  # bytes written per kind since this process last pruned it
hits: dict[str, int] = {}  # entries read back per kind, for tests and benchmarks
_lock = threading.Lock()


_DRAWING_CODE = ("render/raster.py", "render/glyph_masks.py", "render/prefix_cache.py", "render/_common.py",
                 "render/pixel_store.py", "layout/page.py", "images.py")  # what the stored pixels come from


def _versions() -> tuple:
    return (FORMAT, Image.__version__, getattr(ImageFont.core, "freetype2_version", ""), _code_version())


@functools.cache
def _code_version() -> str:
    """Hash of the modules that draw what is stored: edited drawing code reads no old pixels."""
    package = Path(__file__).resolve().parent.parent
    return disk_cache.code_version(*(package / name for name in _DRAWING_CODE))


def entry_path(kind: str, key: tuple) -> Path:
    return _path(kind, _identity(kind, key))


def _identity(kind: str, key: tuple) -> str:
    """What an entry is: its kind, key and versions. It names the file and salts the checksum, so a
    file named by a colliding hash, or bits flipped anywhere (a glyph's offset is a bare int), reads
    as nothing."""
    return repr((kind, _versions(), key))


def _path(kind: str, identity: str) -> Path:
    return cache_dir() / f"{kind}-{hashlib.sha256(identity.encode()).hexdigest()[:32]}.marshal"


def load(kind: str, key: tuple, *, peek: bool = False) -> object | None:
    """The payload stored under `key`, or None (missing, damaged, another key or version). A `peek`
    (a writer merging with what is there) neither counts as a hit nor marks the file as used."""
    identity = _identity(kind, key)
    path = _path(kind, identity)
    payload = disk_cache.unseal(read_marshal(path), identity)
    if payload is None or peek:
        return payload
    with contextlib.suppress(OSError):
        os.utime(path)  # recently used: pruned last
    hits[kind] = hits.get(kind, 0) + 1
    return payload


def save(kind: str, key: tuple, payload: object) -> None:
    """Store `payload` (builtin types) under `key`; keep the kind within its budget."""
    identity = _identity(kind, key)
    path = _path(kind, identity)
    try:
        write_marshal(path, disk_cache.seal(payload, identity))
        nbytes = path.stat().st_size
    except (OSError, ValueError):
        return  # not written (unwritable folder, not a marshal type): nothing to prune
    budget = BUDGETS[kind]
    with _lock:
        due = kind not in _written or _written[kind] + nbytes >= budget // _PRUNE_EVERY
        _written[kind] = 0 if due else _written[kind] + nbytes
    if due:
        prune(kind, budget)


def prune(kind: str, budget: int) -> None:
    """Delete the least recently used `kind` files beyond `budget` bytes."""
    disk_cache.prune(kind, max_bytes=budget)


def pack_pixels(*images: Image.Image) -> tuple:
    """Images as (mode, width, height, zlib bytes) each, for `save` (checksummed by zlib). zlib-ng
    level 1: a glyph mask in ~11 µs (4× zlib's), ~1/11 of its pixels' size."""
    return tuple((im.mode, im.width, im.height, zlib_ng.compress(im.tobytes(), 1)) for im in images)


def unpack_pixels(payload: object, count: int) -> list[Image.Image] | None:
    """The images `pack_pixels` stored, or None if the payload is not `count` sound images."""
    if not isinstance(payload, tuple) or len(payload) != count:
        return None
    images = []
    for part in payload:
        try:
            mode, width, height, data = part
            raw = zlib_ng.decompress(data)
            if len(raw) != width * height * Image.getmodebands(mode):
                return None
            images.append(Image.frombytes(mode, (width, height), raw))
        except (TypeError, ValueError, KeyError, zlib_ng.error):
            return None
    return images
