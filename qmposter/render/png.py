"""PNG, JPEG and BMP bytes of a rendered image (the raster backend's encoder half).

A deliverable RGB PNG is written here, not by Pillow's PNG plugin: Pillow's adaptive row filter
(its C encoder, stored at zlib level 0) picks each row's filter, libdeflate compresses the rows in
fixed horizontal bands, and a band whose rows (and the row above them, which the Up/Average/Paeth
filters read) equal the same band of the previous image of that size is not filtered nor
compressed again. A build draws one template for many slogans and most bands (background,
ornaments, header, QR code, footer) are the same from one image to the next.

Every band's compressed bytes are a pure function of its rows: a band is raw deflate ending
byte-aligned with no reference into the band before it (like zlib's full flush), so the file is
the same whether a band came from the cache or was compressed now (docs/rendering.md).
"""

from __future__ import annotations

import io
import struct
import threading
import zlib
from collections import OrderedDict
from dataclasses import dataclass

import deflate
from PIL import Image, PngImagePlugin
from zlib_ng import zlib_ng

JPEG_QUALITY = 92
PNG_LEVEL = 6  # deliverables: libdeflate/zlib-ng (RGB) or zlib (1-bit); lower levels cost size (docs/rendering.md)
PNG_FAST_LEVEL = 1  # previews a person looks at once: about 40 % less time, 20–35 % more bytes
BAND_BYTES = 1 << 18  # at most: wider bands make libdeflate split blocks
BAND_ROWS = 48  # rows per band: fewer reuse more, but each band costs ~100 bytes of tables and history
CACHE_IMAGES = 2  # image sizes remembered: a build does one template's slogans one after the other
CACHE_MAX_BYTES = 64 << 20  # a bigger image is not remembered (its rows would stay in memory)
_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_ZLIB_HEADER = b"\x78\x9c"  # deflate, 32 KiB window, default level
_LAST_BLOCK = b"\x03\x00"  # an empty final block with fixed codes: ends the deflate stream
_ADLER_BASE = 65521


def encode_png(image: Image.Image, dpi: float, *, one_bit: bool = False, fast: bool = False) -> bytes:
    """PNG bytes: fixed compression, dpi (pHYs) and an sRGB chunk, no timestamp.

    `fast` is for previews (live preview, contact sheets), not for files people keep: Pillow's
    zlib 1. 1-bit pages (LED) are tiny and libdeflate made them 3–5 % larger: Pillow's zlib 6.
    No indexed colour: one template has ≤ 256 colours, and its exact palette halves the bytes but
    costs more time than it saves and changes the mode (docs/rendering.md).
    """
    if fast or one_bit or image.mode != "RGB":
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
    """One band: its raw rows with the row above (the cache key), its deflate bytes and checksum."""

    raw: bytes
    stream: bytes
    adler: int  # adler32 of the filtered rows (filter byte + row each)
    length: int  # bytes of filtered rows


class _BandCache:
    """The bands of the last image of each size, compared by equality (never by a hash)."""

    def __init__(self, images: int) -> None:
        self._images = images
        self._last: OrderedDict[tuple[int, int, str], list[_Band]] = OrderedDict()
        self._lock = threading.Lock()  # the studio encodes in threads

    def zlib_stream(self, image: Image.Image) -> bytes:
        """The zlib stream of the filtered rows: header, every band's deflate, final block, adler32."""
        key = (*image.size, image.mode)
        raw = image.tobytes()
        remember = len(raw) <= CACHE_MAX_BYTES
        with self._lock:
            old = self._last.get(key) if remember else None
        bands = _encode_bands(image, raw, old, keep_rows=remember)
        if remember:
            with self._lock:
                self._last[key] = bands
                self._last.move_to_end(key)
                while len(self._last) > self._images:
                    self._last.popitem(last=False)
        adler = 1
        for band in bands:
            adler = _adler32_combine(adler, band.adler, band.length)
        return b"".join([_ZLIB_HEADER, *(band.stream for band in bands), _LAST_BLOCK, struct.pack(">I", adler)])


def _encode_bands(image: Image.Image, raw: bytes, old: list[_Band] | None, *, keep_rows: bool) -> list[_Band]:
    """Every band of `image`: `old`'s where the rows are equal, else filtered and compressed now."""
    row = len(raw) // image.size[1]
    rows = max(1, min(BAND_ROWS, BAND_BYTES // row))
    bounds = [(y, min(y + rows, image.size[1])) for y in range(0, image.size[1], rows)]
    starts = [max(0, y0 - 1) * row for y0, _ in bounds]  # a band's key starts at the row above it
    # startswith compares in place (memcmp): no copy of the new rows unless the band changed
    bands: list[_Band | None] = [
        old[i] if old is not None and raw.startswith(old[i].raw, start) else None for i, start in enumerate(starts)
    ]
    for first, stop in _runs([i for i, band in enumerate(bands) if band is None]):
        y0, y1 = bounds[first][0], bounds[stop - 1][1]
        filtered = _filtered_rows(image, raw, y0, y1)
        for i in range(first, stop):
            a, b = bounds[i]
            part = filtered[(a - y0) * (row + 1) : (b - y0) * (row + 1)]
            key = raw[starts[i] : b * row] if keep_rows else b""
            bands[i] = _Band(key, _band_stream(part), deflate.adler32(part), len(part))
    return [band for band in bands if band is not None]


_BANDS = _BandCache(CACHE_IMAGES)


def _runs(indices: list[int]) -> list[tuple[int, int]]:
    """Consecutive indices as [start, stop) runs: each run is filtered in one call."""
    runs: list[tuple[int, int]] = []
    for i in indices:
        if runs and runs[-1][1] == i:
            runs[-1] = (runs[-1][0], i + 1)
        else:
            runs.append((i, i + 1))
    return runs


def _filtered_rows(image: Image.Image, raw: bytes, y0: int, y1: int) -> bytes:
    """Rows y0..y1 as PNG stores them before compression (filter type byte + filtered row each).

    A row equal to the row above is Up-filtered to zeros here (a flat banner has 65 % such rows,
    a couplet 50 %); the others go to Pillow's row filter in runs.
    """
    row = len(raw) // image.size[1]
    view = memoryview(raw)
    up = b"\x02" + bytes(row)
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


def _band_stream(data: bytes) -> bytes:
    """Raw deflate of `data` as non-final blocks that end on a byte boundary (a zlib full flush).

    libdeflate level 6 when it makes one block, else zlib-ng level 6 with a full flush (as fast,
    a few % larger on flat pictures). Either way the result depends on `data` alone.
    """
    stream = _libdeflate_flushed(data)
    if stream is not None:
        return stream
    compressor = zlib_ng.compressobj(PNG_LEVEL, zlib_ng.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib_ng.Z_FULL_FLUSH)


def _libdeflate_flushed(data: bytes) -> bytes | None:
    """libdeflate level 6 as a flushed stream, or None when it made several blocks.

    libdeflate has no flush. When it makes a single block, that block's "final" bit (the stream's
    first bit) is cleared and an empty stored block pads to the byte boundary; after 0–2 padding
    bits it needs one zero byte more, which a trial decode finds (and so checks the stream). With
    several blocks the last one's start is unknown.
    """
    stream = deflate.deflate_compress(data, PNG_LEVEL)
    if not stream[0] & 1:
        return None
    body = bytes([stream[0] & 0xFE]) + stream[1:]
    for pad in (b"\x00\x00\xff\xff", b"\x00\x00\x00\xff\xff"):
        try:
            if deflate.deflate_decompress(body + pad + _LAST_BLOCK, len(data)) == data:
                return body + pad
        except deflate.DeflateError:
            pass
    return None


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
