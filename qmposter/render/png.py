"""PNG, JPEG and BMP bytes of a rendered image (the raster backend's encoder half).

A deliverable RGB PNG is written here, not by Pillow's PNG plugin: the rows are compressed by
zlib-ng in fixed horizontal bands, and a band whose rows (and the row above them, which the
Up/Average/Paeth filters read) equal the same band of the previous image of that size is not
filtered nor compressed again. A build draws one template for many slogans and most bands
(background, ornaments, header, QR code, footer) are the same from one image to the next.

A changed band is first stored plain: every row unfiltered, a row equal to the row above
Up-filtered to zeros. Flat colour with text compresses best that way (the pixel patterns repeat
exactly, across rows too) and needs no filtering at all. Only where plain rows shrink many times
(`FILTER_TRIAL_RATIO`: gradients, big glyphs, plain ground) are Pillow's adaptive row filters
tried as well, and the smaller stream kept; in such a band only the rows that changed (or whose
row above did) are filtered again.

Every band's compressed bytes are a pure function of its rows: a band is raw deflate ending
byte-aligned with no reference into the band before it (like zlib's full flush), so the file is
the same whether a band came from the cache or was compressed now (docs/rendering.md). An image
with no such neighbour (the first of its size in a process, or a new layout branch) reads its
bands from band_store, where the previous process left them.
"""

from __future__ import annotations

import functools
import io
import itertools
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image
from zlib_ng import zlib_ng

from qmposter.memo import LRU
from qmposter.render import band_store

JPEG_QUALITY = 92
PNG_LEVEL = 6  # Pillow's writer (1-bit LED pages, other modes)
BAND_LEVEL = 5  # deliverable RGB bands, zlib-ng: 6 is 3.5 % smaller and 20 % slower (docs/rendering.md)
PNG_FAST_LEVEL = 1  # previews a person looks at once: about 40 % less time, 20–35 % more bytes
BAND_BYTES = 1 << 18  # at most: a changed band's unchanged rows still go through deflate
BAND_ROWS = 48  # rows per band: fewer reuse more, but each band costs ~100 bytes of tables and history
FLAT_ROWS = 0.9  # a band with this share of rows equal to the row above is plain ground
FILTER_TRIAL_RATIO = 30  # plain rows shrunk this many times: Pillow's row filters may do better, try them
FLAT_RATIO = 200  # plain ground that run-length deflate shrinks this many times is not tried otherwise
DETAIL_RATIO = 30  # a band that default deflate shrinks less than this is not tried with runs only
CACHE_IMAGES = 2  # image sizes remembered: a build does one template's slogans one after the other
CACHE_MAX_BYTES = 64 << 20  # a bigger image is not remembered (its rows would stay in memory)
_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_ZLIB_HEADER = b"\x78\x9c"  # deflate, 32 KiB window, default level
_LAST_BLOCK = b"\x03\x00"  # an empty final block with fixed codes: ends the deflate stream
_ADLER_BASE = 65521


def encode_png(image: Image.Image, dpi: float, *, one_bit: bool = False, fast: bool = False) -> bytes:
    """PNG bytes: fixed compression, dpi (pHYs) and an sRGB chunk, no timestamp.

    `fast` is for previews (live preview, contact sheets), not for files people keep: Pillow's
    zlib 1. 1-bit pages (LED) are tiny (384×32): Pillow's zlib 6.
    No indexed colour: one template has ≤ 256 colours, and its exact palette halves the bytes but
    costs more time than it saves and changes the mode (docs/rendering.md).
    """
    if fast or one_bit or image.mode != "RGB":
        from PIL import PngImagePlugin  # only here: a build's deliverables never load Pillow's PNG plugin

        info = PngImagePlugin.PngInfo()
        info.add(b"sRGB", b"\x00")  # perceptual rendering intent: the pixels are sRGB
        out = io.BytesIO()
        img = _one_bit(image) if one_bit else image
        level = PNG_FAST_LEVEL if fast else PNG_LEVEL
        img.save(out, "PNG", dpi=(dpi, dpi), pnginfo=info, optimize=False, compress_level=level)
        return out.getvalue()
    width, height = image.size
    per_metre = int(dpi / 0.0254 + 0.5)  # Pillow's rounding, so the dpi reads back the same
    return b"".join([
        _SIGNATURE,
        _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)),  # 8-bit RGB
        _chunk(b"sRGB", b"\x00"),
        _chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),
        _chunk(b"IDAT", _BANDS.zlib_stream(image)),
        _chunk(b"IEND", b""),
    ])


def _chunk(kind: bytes, data: bytes) -> bytes:
    return b"".join([struct.pack(">I", len(data)), kind, data, struct.pack(">I", zlib.crc32(data, zlib.crc32(kind)))])


@dataclass(frozen=True)
class _Band:
    """One band: its deflate bytes, their adler32 and length, and Pillow's filtered rows if made.

    `filtered` (filter byte + row each, as Pillow's row filters chose) is kept so that the band
    of the next image filters again only its changed rows; empty when the band was stored
    plain without trying the filters, or the image is not remembered.
    """

    filtered: bytes
    stream: bytes
    adler: int
    length: int  # bytes of the rows the stream holds (plain or filtered)


@dataclass(frozen=True)
class _Encoded:
    """What is remembered of the last image of a size: its raw rows and its bands."""

    raw: bytes
    bands: list[_Band]


class _BandCache:
    """The last image of each size, its rows compared by equality (never by a hash)."""

    def __init__(self, images: int) -> None:
        self._last: LRU[_Encoded] = LRU(images)  # by (width, height, mode); locked: the studio encodes in threads

    def zlib_stream(self, image: Image.Image) -> bytes:
        """The zlib stream of the filtered rows: header, every band's deflate, final block, adler32."""
        key = (*image.size, image.mode)
        raw = image.tobytes()
        remember = len(raw) <= CACHE_MAX_BYTES
        old = self._last.get(key) if remember else None
        bands = _encode_bands(image, raw, old, keep_rows=remember)
        if remember:
            self._last.put(key, _Encoded(raw, bands))
        adler = 1
        for band in bands:
            adler = _adler32_combine(adler, band.adler, band.length)
        return b"".join([_ZLIB_HEADER, *(band.stream for band in bands), _LAST_BLOCK, struct.pack(">I", adler)])


def _encode_bands(image: Image.Image, raw: bytes, old: _Encoded | None, *, keep_rows: bool) -> list[_Band]:
    """Every band of `image`: `old`'s where its rows and the row above are equal, else compressed
    now, or read from band_store when the image has no neighbour (most of its bands changed)."""
    height = image.size[1]
    row = len(raw) // height
    rows = max(1, min(BAND_ROWS, BAND_BYTES // row))
    spans = [(y0, min(y0 + rows, height)) for y0 in range(0, height, rows)]
    old_rows = memoryview(old.raw) if old is not None else None
    kept = [_unchanged(raw, old_rows, row, y0, y1) for y0, y1 in spans]
    view = memoryview(raw)
    no_neighbour = kept.count(False) * 2 > len(spans)
    design = band_store.STORE.design(view, row, height, spans[0][1], image.mode) if no_neighbour else None
    bands: list[_Band] = []
    for i, (y0, y1) in enumerate(spans):
        if kept[i]:
            bands.append(old.bands[i])
            continue
        old_band = old.bands[i] if old is not None else None
        make = functools.partial(_changed_band, image, raw, old_rows, old_band, y0, y1, keep_rows=keep_rows)
        bands.append(make() if design is None else _through_store(design, view, row, y0, y1, make))
    return bands


def _through_store(design: tuple, raw: memoryview, row: int, y0: int, y1: int, make: Callable[[], _Band]) -> _Band:
    """Band y0..y1 as stored for `design`, or `make()`'s, which is stored for the next process."""
    digest = band_store.band_digest(raw, row, y0, y1)
    stored = band_store.STORE.find(design, digest)
    if stored is not None:
        return _Band(b"", *stored)  # no filtered rows: the next image filters this band afresh if needed
    band = make()
    band_store.STORE.add(design, digest, (band.stream, band.adler, band.length))
    return band


def _unchanged(raw: bytes, old_rows: memoryview | None, row: int, y0: int, y1: int) -> bool:
    """Rows y0..y1 and the row above (a band depends on it too) equal those of `old_rows`."""
    top = max(0, y0 - 1) * row
    return old_rows is not None and raw.startswith(old_rows[top : y1 * row], top)  # in place (memcmp), no copy


def _changed_band(
    image: Image.Image,
    raw: bytes,
    old_rows: memoryview | None,
    old_band: _Band | None,
    y0: int,
    y1: int,
    *,
    keep_rows: bool,
) -> _Band:
    """Rows y0..y1 stored plain, or filtered by Pillow where that was tried and came out smaller.

    The choice depends on the rows alone (both streams are pure functions of them), so a band
    gets the same bytes whatever the cache held. Where the filters are tried, only the rows that
    changed, or whose row above changed, are filtered again; the others keep `old_band`'s
    filtered bytes (a row's filter depends on it and the row above only).
    """
    row = len(raw) // image.size[1]
    plain = _plain_rows(raw, row, y0, y1)
    stream = _zlib_ng_flushed(plain, zlib_ng.Z_DEFAULT_STRATEGY)
    if len(stream) * FILTER_TRIAL_RATIO > len(plain):
        return _Band(b"", stream, zlib_ng.adler32(plain), len(plain))
    if old_rows is not None and old_band is not None and old_band.filtered:
        filtered = _refiltered_rows(image, raw, old_rows, old_band.filtered, y0, y1)
    else:
        filtered = _filtered_rows(image, raw, y0, y1)
    kept = filtered if keep_rows else b""
    other = _band_stream(filtered, row + 1)
    if len(other) < len(stream):
        return _Band(kept, other, zlib_ng.adler32(filtered), len(filtered))
    return _Band(kept, stream, zlib_ng.adler32(plain), len(plain))


def _plain_rows(raw: bytes, row: int, y0: int, y1: int) -> bytes:
    """Rows y0..y1 unfiltered (filter type 0), except a row equal to the row above: Up, all zeros."""
    view = memoryview(raw)
    up = _up_zeros(row)
    parts: list[bytes | memoryview] = []
    for y in range(y0, y1):
        start = y * row
        if y and raw.startswith(view[start - row : start], start):  # in place, no copy
            parts.append(up)
        else:
            parts.append(b"\x00")
            parts.append(view[start : start + row])
    return b"".join(parts)


@functools.lru_cache(maxsize=8)
def _up_zeros(row: int) -> bytes:
    """A filtered row equal to the row above: filter type 2 (Up), then zeros."""
    return b"\x02" + bytes(row)


def _refiltered_rows(image: Image.Image, raw: bytes, old_raw: memoryview, old: bytes, y0: int, y1: int) -> bytes:
    """Rows y0..y1 filtered, taking `old`'s filtered row where the row and the row above are unchanged."""
    row = len(raw) // image.size[1]
    # same[k]: row y0 - 1 + k is unchanged (the first row has nothing above: unchanged)
    same = [y < 0 or raw.startswith(old_raw[y * row : (y + 1) * row], y * row) for y in range(y0 - 1, y1)]
    parts: list[bytes] = []
    y = y0
    for again, run in itertools.groupby(not (same[k] and same[k + 1]) for k in range(y1 - y0)):
        stop = y + sum(1 for _ in run)
        if again:
            parts.append(_filtered_rows(image, raw, y, stop))
        else:
            parts.append(old[(y - y0) * (row + 1) : (stop - y0) * (row + 1)])
        y = stop
    return b"".join(parts)


_BANDS = _BandCache(CACHE_IMAGES)


def _filtered_rows(image: Image.Image, raw: bytes, y0: int, y1: int) -> bytes:
    """Rows y0..y1 as PNG stores them before compression (filter type byte + filtered row each).

    A row equal to the row above is Up-filtered to zeros here (a flat banner has 65 % such rows,
    a couplet 50 %); the others go to Pillow's row filter in runs.
    """
    row = len(raw) // image.size[1]
    view = memoryview(raw)
    up = _up_zeros(row)
    parts: list[bytes] = []
    start = y0  # first row of the current run for Pillow
    for y in range(max(y0, 1), y1):
        if raw.startswith(view[(y - 1) * row : y * row], y * row):  # in place, no copy
            if start < y:
                parts.append(_pillow_filtered(image, start, y))
            parts.append(up)
            start = y + 1
    if start < y1:
        parts.append(_pillow_filtered(image, start, y1))
    return b"".join(parts)


def _pillow_filtered(image: Image.Image, y0: int, y1: int) -> bytes:
    """Rows y0..y1 filtered by Pillow's C zip encoder, stored at zlib level 0.

    It chooses each row's filter (None/Sub/Up/Paeth, least sum of absolute values). It is given
    one row more above so that the first row is filtered against its real neighbour, and that
    extra row is dropped.
    """
    top = max(0, y0 - 1)
    encoder = Image._getencoder(image.mode, "zip", image.mode, (False, 0, -1, b""))
    try:
        encoder.setimage(image.im, (0, top, image.size[0], y1))
        parts = []
        while True:
            _, status, data = encoder.encode(1 << 16)
            parts.append(data)
            if status:
                break
    finally:
        encoder.cleanup()
    if status < 0:
        raise OSError(f"Pillow's PNG row filter failed ({status})")
    filtered = _stored_data(b"".join(parts))
    return filtered[len(filtered) // (y1 - top) :] if top < y0 else filtered


def _stored_data(stream: bytes) -> bytes:
    """The data of a zlib stream made at level 0 (stored blocks), read without inflating.

    zlib stores byte-aligned blocks (a header byte, LEN, NLEN, the bytes): slicing them out
    is ~10× faster than inflate and its adler32. Anything else is inflated as usual.
    """
    view, parts, pos = memoryview(stream), [], 2
    while pos + 5 <= len(stream) and stream[pos] in (0, 1):
        length, inverse = struct.unpack_from("<HH", stream, pos + 1)
        if length ^ inverse != 0xFFFF:
            break
        parts.append(view[pos + 5 : pos + 5 + length])
        pos += 5 + length
        if stream[pos - 5 - length] == 1:
            if pos + 4 == len(stream):
                return b"".join(parts)
            break
    return zlib.decompress(stream)


def _band_stream(data: bytes, stride: int) -> bytes:
    """Raw deflate of `data` as non-final blocks that end on a byte boundary (a zlib full flush).

    zlib-ng at BAND_LEVEL, with run-length matches only (Z_RLE: 3–5× faster, and often smaller on
    filtered rows, which are mostly runs of zeros) or its default strategy (matches at any
    distance: gradients, small text), the smaller of the two. One of them is skipped where the
    other is sure to win: a band of plain ground (FLAT_ROWS of its `stride`-byte rows equal to the
    row above) tries runs first and keeps them if they shrank the band FLAT_RATIO times; any other
    band tries the default strategy first and keeps it if it shrank the band less than
    DETAIL_RATIO times (detail everywhere, where runs lose). Either way the result depends on
    `data` alone.
    """
    rows = len(data) // stride
    zeros = _up_zeros(stride - 1)  # a row equal to the row above, Up-filtered
    if sum(data.startswith(zeros, k * stride) for k in range(rows)) >= FLAT_ROWS * rows:
        runs = _zlib_ng_flushed(data, zlib_ng.Z_RLE)
        if len(runs) * FLAT_RATIO <= len(data):
            return runs
        full = _zlib_ng_flushed(data, zlib_ng.Z_DEFAULT_STRATEGY)
    else:
        full = _zlib_ng_flushed(data, zlib_ng.Z_DEFAULT_STRATEGY)
        if len(full) * DETAIL_RATIO > len(data):
            return full
        runs = _zlib_ng_flushed(data, zlib_ng.Z_RLE)
    return full if len(full) <= len(runs) else runs


def _zlib_ng_flushed(data: bytes, strategy: int) -> bytes:
    compressor = zlib_ng.compressobj(BAND_LEVEL, zlib_ng.DEFLATED, -15, 8, strategy)
    return compressor.compress(data) + compressor.flush(zlib_ng.Z_FULL_FLUSH)


def _adler32_combine(adler1: int, adler2: int, length2: int) -> int:
    """adler32 of A + B from adler32(A), adler32(B) and len(B) (zlib's adler32_combine)."""
    a = ((adler1 & 0xFFFF) + (adler2 & 0xFFFF) - 1) % _ADLER_BASE
    b = ((adler1 >> 16) + (adler2 >> 16) + length2 * ((adler1 & 0xFFFF) - 1)) % _ADLER_BASE
    return a | b << 16


def encode_bmp(image: Image.Image, dpi: float, *, one_bit: bool = False) -> bytes:
    """Uncompressed BMP: the one format every LED controller program imports (灵信, 仰邦, 诺瓦 …).

    A monochrome page becomes a 1-bit BMP (lit = white); anything else 24-bit RGB. BMP carries
    no timestamp, so the bytes depend on the pixels and the dpi only.
    """
    out = io.BytesIO()
    img = _one_bit(image) if one_bit else image.convert("RGB")
    img.save(out, "BMP", dpi=(round(dpi), round(dpi)))
    return out.getvalue()


def _one_bit(image: Image.Image) -> Image.Image:
    """Mode "1" without dithering: an already thresholded page keeps its exact pixels."""
    return image.convert("1", dither=Image.Dither.NONE)


def encode_jpeg(image: Image.Image, dpi: float) -> bytes:
    """Baseline RGB JPEG, quality 92, 4:4:4 so red text keeps sharp edges, dpi in JFIF."""
    out = io.BytesIO()
    image.convert("RGB").save(
        out, "JPEG", quality=JPEG_QUALITY, subsampling=0, dpi=(round(dpi), round(dpi)), optimize=False
    )
    return out.getvalue()
