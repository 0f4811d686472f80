"""The deliverable PNG encoder (qmposter/render/png.py): banded deflate with a per-process band cache.

The bytes of a PNG must not depend on what was encoded before it in the process (cache state,
order, --jobs), the file must be a valid PNG for independent decoders, and the pixels must be the
rendered ones. Checked on real renders of a stock template with real campaign slogans.
"""

from __future__ import annotations

import io
import itertools
import os
import random
import struct
import zlib
from collections.abc import Iterator

import pytest
from helpers import SQUARE_SLOGANS, square_images
from PIL import Image, PngImagePlugin
from zlib_ng import zlib_ng

from qmposter.campaign import load_campaign
from qmposter.content import Content
from qmposter.layout.engine import layout_page
from qmposter.render import band_store, png
from qmposter.render.raster import encode_png, render_image
from qmposter.templates import load_template


@pytest.fixture(scope="module")
def squares(tmp_path_factory: pytest.TempPathFactory) -> list[Image.Image]:
    return square_images(tmp_path_factory.mktemp("cache"))


@pytest.fixture(autouse=True)
def empty_cache_folder(tmp_path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No bands from an earlier run's band store (render/band_store.py, tests/test_band_store.py),
    and none written into the user's cache folder when the test process ends."""
    monkeypatch.setenv("QMPOSTER_CACHE_DIR", str(tmp_path / "cache"))
    _fresh(monkeypatch)
    yield
    band_store.STORE.clear()


def _fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    """A new process: no image remembered, no band store read yet (the old store's bands forgotten)."""
    band_store.STORE.clear()
    monkeypatch.setattr(png, "_BANDS", png._BandCache(png.CACHE_IMAGES))
    monkeypatch.setattr(band_store, "STORE", band_store.BandStore())


def _chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """(kind, data) of every chunk, each CRC checked with zlib's crc32."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, pos = [], 8
    while pos < len(data):
        (length,) = struct.unpack_from(">I", data, pos)
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        assert struct.unpack_from(">I", data, pos + 8 + length)[0] == zlib.crc32(kind + body), kind
        chunks.append((kind, body))
        pos += 12 + length
    assert pos == len(data)
    return chunks


def test_png_bytes_do_not_depend_on_what_the_process_encoded_before(
    squares: list[Image.Image], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each image alone in a fresh process state, then every order of the three: same bytes, and
    the cache really served bands (so the test compares reused bands with fresh ones)."""
    alone = []
    for image in squares:
        _fresh(monkeypatch)
        alone.append(encode_png(image, 72))
    assert len(set(alone)) == 3
    for order in itertools.permutations(range(3)):
        _fresh(monkeypatch)
        for i in order:
            assert encode_png(squares[i], 72) == alone[i], order
    _fresh(monkeypatch)
    compressed = []
    real = png._zlib_ng_flushed
    monkeypatch.setattr(
        png, "_zlib_ng_flushed", lambda data, strategy: compressed.append(len(data)) or real(data, strategy)
    )
    encode_png(squares[0], 72)
    first = len(compressed)
    encode_png(squares[1], 72)
    second = len(compressed)
    assert 0 < second - first < first / 2  # most bands of the second image came from the cache
    assert encode_png(squares[1], 72) == alone[1] and len(compressed) == second  # the same image again: every band


def test_png_is_valid_with_the_rendered_pixels_dpi_and_chunks(squares: list[Image.Image]) -> None:
    """CRCs and the zlib stream (adler32 of the bands combined) checked by zlib, the filtered rows
    have the right length, Pillow decodes the same pixels, and the ancillary chunks are today's."""
    image = squares[0]
    data = encode_png(image, 150)
    chunks = _chunks(data)
    assert [k for k, _ in chunks] == [b"IHDR", b"sRGB", b"pHYs", b"IDAT", b"IEND"]
    assert chunks[0][1] == struct.pack(">IIBBBBB", 1080, 1080, 8, 2, 0, 0, 0)
    rows = zlib.decompress(chunks[3][1])  # checks the adler32 too
    assert len(rows) == 1080 * (1 + 1080 * 3)
    assert {rows[y * (1 + 3240)] for y in range(1080)} <= {0, 1, 2, 3, 4}
    pillow = io.BytesIO()
    info = PngImagePlugin.PngInfo()
    info.add(b"sRGB", b"\x00")
    image.save(pillow, "PNG", dpi=(150, 150), pnginfo=info, compress_level=6)
    assert [c for c in chunks if c[0] != b"IDAT"] == [c for c in _chunks(pillow.getvalue()) if c[0] != b"IDAT"]
    assert len(data) <= 1.05 * len(pillow.getvalue())
    with Image.open(io.BytesIO(data)) as back, Image.open(pillow) as reference:
        back.load()
        assert (back.mode, back.size, back.info["dpi"]) == ("RGB", (1080, 1080), reference.info["dpi"])
        assert back.tobytes() == image.tobytes()


def test_images_too_big_to_remember_get_the_same_bytes(
    squares: list[Image.Image], monkeypatch: pytest.MonkeyPatch
) -> None:
    _fresh(monkeypatch)
    remembered = [encode_png(image, 72) for image in squares]
    _fresh(monkeypatch)
    monkeypatch.setattr(png, "CACHE_MAX_BYTES", 1080 * 1080 * 3 - 1)
    assert [encode_png(image, 72) for image in squares] == remembered
    assert len(png._BANDS._last) == 0


@pytest.mark.parametrize("mode", ["RGBA", "L", "P"])
def test_other_modes_keep_pillows_png(mode: str, squares: list[Image.Image]) -> None:
    image = squares[0].convert(mode)
    with Image.open(io.BytesIO(encode_png(image, 72))) as back:
        assert back.mode == mode and back.tobytes() == image.tobytes()


def _inflate(stream: bytes) -> bytes:
    inflater = zlib.decompressobj(-15)
    out = inflater.decompress(stream + b"\x03\x00")
    assert inflater.eof and not inflater.unused_data
    return out


def test_band_streams_end_byte_aligned_and_concatenate(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every way a band is compressed (plain ground: runs only, or also the default strategy;
    other bands: the default strategy only where it shrinks them little, else also runs) gives
    a non-final stream that any other band's stream can follow; where both were tried, the
    smaller is kept."""
    rng = random.Random(7)
    zero_row = bytes([2]) + bytes(3240)  # a row equal to the row above
    noisy_row = bytes([1]) + bytes(rng.randrange(256) for _ in range(3240))
    samples = [
        (zero_row * 40, 3241),  # plain ground: runs only
        (zero_row * 36 + noisy_row * 4, 3241),  # mostly plain ground, runs shrink it little: both
        (os.urandom(20_000), 20_000),  # detail everywhere: the default strategy only
        (bytes(rng.randrange(256) for _ in range(300)) * 200, 60_000),  # repeats far apart: both, default smaller
        (b"".join(bytes([rng.randrange(256)]) * rng.randrange(100, 400) for _ in range(300)), 1000),  # runs smaller
    ]
    samples += [(bytes(rng.randrange(4) for _ in range(n)), n) for n in (1, 2, 3, 5, 50, 999, 4000)]
    real = png._zlib_ng_flushed
    tried: list[int] = []
    monkeypatch.setattr(png, "_zlib_ng_flushed", lambda data, strategy: tried.append(strategy) or real(data, strategy))
    paths = set()
    for data, stride in samples:
        tried.clear()
        stream = png._band_stream(data, stride)
        path = tuple(tried)
        assert stream == png._band_stream(data, stride)  # a pure function of the data
        assert _inflate(stream) == data
        runs, full = real(data, zlib_ng.Z_RLE), real(data, zlib_ng.Z_DEFAULT_STRATEGY)
        if len(path) == 2:
            assert len(stream) == min(len(runs), len(full))
            path += ("runs" if stream == runs and len(runs) < len(full) else "default",)
        paths.add(path)
    rle, default = zlib_ng.Z_RLE, zlib_ng.Z_DEFAULT_STRATEGY
    assert {(rle,), (default,), (rle, default, "default"), (default, rle, "default"), (default, rle, "runs")} <= paths
    joined = b"".join(png._band_stream(d, stride) for d, stride in samples)
    assert _inflate(joined) == b"".join(d for d, _ in samples)


def _encoded_with_trial_ratio(images: list[Image.Image], ratio: float, monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    monkeypatch.setattr(png, "FILTER_TRIAL_RATIO", ratio)
    _fresh(monkeypatch)
    return [encode_png(image, 72) for image in images]


def test_changed_bands_are_stored_plain_unless_pillows_filters_are_tried_and_smaller(
    squares: list[Image.Image], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Plain rows only (filters never tried), the filters tried where plain rows shrink 30× (the
    default), tried everywhere: every file decodes to the rendered pixels, plain-only files hold
    only unfiltered and Up rows, and each step that tries more is never larger."""
    ratio = png.FILTER_TRIAL_RATIO
    never = _encoded_with_trial_ratio(squares, float("inf"), monkeypatch)
    default = _encoded_with_trial_ratio(squares, ratio, monkeypatch)
    always = _encoded_with_trial_ratio(squares, 0, monkeypatch)
    for image, *files in zip(squares, never, default, always, strict=True):
        for data in files:
            with Image.open(io.BytesIO(data)) as back:
                assert back.tobytes() == image.tobytes()
        rows = zlib.decompress(dict(_chunks(files[0]))[b"IDAT"])
        assert {rows[y * 3241] for y in range(1080)} == {0, 2}
        assert len(files[2]) <= len(files[1]) <= len(files[0])
    assert default != never  # the filters were tried and won some bands


def test_gradient_ground_is_no_larger_than_pillows_png(monkeypatch: pytest.MonkeyPatch) -> None:
    """The 横批's left-to-right gradient: plain rows alone would be far larger than Pillow's zlib 6
    (each row differs from its neighbour pixel by pixel); trying the filters keeps it small."""
    template = load_template("couplet-hengpi")
    content = Content.from_campaign(load_campaign(None), SQUARE_SLOGANS[0], "test")
    image = render_image(layout_page(template, content), template.page.dpi)
    pillow = io.BytesIO()
    image.save(pillow, "PNG", compress_level=6)
    ratio = png.FILTER_TRIAL_RATIO
    [plain] = _encoded_with_trial_ratio([image], float("inf"), monkeypatch)
    [mixed] = _encoded_with_trial_ratio([image], ratio, monkeypatch)
    assert len(plain) > 1.05 * len(pillow.getvalue())
    assert len(mixed) <= len(pillow.getvalue())


def test_a_changed_band_filters_again_only_the_rows_that_changed(
    squares: list[Image.Image], monkeypatch: pytest.MonkeyPatch
) -> None:
    """After image A, image B = A with one row changed at the top and one in the middle of a band:
    only those rows and the rows below them go through Pillow's filter, the other rows of their
    bands keep A's filtered bytes, and B's bytes are those B gets alone."""
    monkeypatch.setattr(png, "FILTER_TRIAL_RATIO", 0)  # every changed band tries Pillow's filters
    before = squares[0]
    after = before.copy()
    after.paste((1, 2, 3), (500, 0, 520, 1))
    after.paste((1, 2, 3), (500, 100, 520, 101))
    _fresh(monkeypatch)
    alone = encode_png(after, 72)
    _fresh(monkeypatch)
    encode_png(before, 72)
    filtered: list[tuple[int, int]] = []
    real = png._pillow_filtered
    monkeypatch.setattr(png, "_pillow_filtered", lambda image, y0, y1: filtered.append((y0, y1)) or real(image, y0, y1))
    assert encode_png(after, 72) == alone
    assert filtered == [(0, 2), (100, 102)]


def test_adler32_combine_is_zlibs() -> None:
    rng = random.Random(3)
    for _ in range(50):
        a = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 3000)))
        b = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 70_000, 7)))
        assert png._adler32_combine(zlib.adler32(a), zlib.adler32(b), len(b)) == zlib.adler32(a + b)


def test_stored_level_0_rows_are_read_like_inflate() -> None:
    data = os.urandom(200_000)
    for level0 in (zlib.compress(data, 0), zlib.compress(b"", 0), zlib.compress(data, 1)):
        assert png._stored_data(level0) == zlib.decompress(level0)
