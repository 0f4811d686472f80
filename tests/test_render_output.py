"""write_page: backend by suffix, atomic writes, parents created, nothing half-written."""

from __future__ import annotations

import io
import os

import pytest
from helpers import QR_DATA, decode_qr, heavy_font_id, poster_page
from PIL import Image

from qmposter.errors import InputError, QmposterError
from qmposter.layout.page import Page, Picture
from qmposter.render.output import format_for, write_page


@pytest.fixture(scope="module")
def poster() -> Page:
    return poster_page(heavy_font_id())


@pytest.mark.parametrize(
    ("name", "magic"),
    [
        ("a.png", b"\x89PNG"),
        ("b.JPG", b"\xff\xd8\xff"),
        ("c.jpeg", b"\xff\xd8\xff"),
        ("d.pdf", b"%PDF-"),
        ("e.svg", b"<?xml"),
        ("f.bmp", b"BM"),
    ],
)
def test_backend_is_chosen_by_suffix(tmp_path, poster, name, magic):
    path = tmp_path / "deep" / "er" / name
    write_page(poster, path, dpi=72)
    assert path.read_bytes().startswith(magic)
    assert sorted(os.listdir(path.parent)) == [name]  # no temporary file left behind


def test_explicit_format_overrides_suffix(tmp_path, poster):
    path = tmp_path / "poster.bin"
    write_page(poster, path, dpi=72, fmt="png")
    img = Image.open(path)
    assert img.format == "PNG" and img.size == (595, 420)
    assert decode_qr(img.convert("RGB")) == [QR_DATA]


def test_unknown_suffix_is_refused_before_writing(tmp_path, poster):
    with pytest.raises(InputError) as err:
        write_page(poster, tmp_path / "x.gif", dpi=72)
    assert ".png" in str(err.value)
    assert list(tmp_path.iterdir()) == []
    assert format_for(tmp_path / "x.JPEG") == "jpeg"


def test_failed_render_keeps_the_old_file_and_leaves_no_temp(tmp_path, poster):
    path = tmp_path / "poster.png"
    write_page(poster, path, dpi=72)
    before = path.read_bytes()
    broken = Page(width=100, height=100, items=(Picture(0, 0, 10, 10, str(tmp_path / "missing.png")),))
    with pytest.raises(QmposterError):
        write_page(broken, path, dpi=72)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["poster.png"]


def test_unwritable_target_is_a_user_error(tmp_path, poster):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(InputError):
        write_page(poster, blocker / "poster.png", dpi=72)


def test_files_are_deterministic_and_png_has_dpi(tmp_path, poster):
    for suffix in ("png", "pdf", "svg", "jpg"):
        a, b = tmp_path / f"a.{suffix}", tmp_path / f"b.{suffix}"
        write_page(poster, a, dpi=150)
        write_page(poster, b, dpi=150)
        assert a.read_bytes() == b.read_bytes(), suffix
    img = Image.open(io.BytesIO((tmp_path / "a.png").read_bytes()))
    assert round(img.info["dpi"][0]) == 150 and img.size == (1240, 874)


def test_pdf_defaults_to_bleed_and_png_to_trim(tmp_path):
    page = poster_page(heavy_font_id(), bleed=9)
    write_page(page, tmp_path / "p.png", dpi=72)
    write_page(page, tmp_path / "b.png", dpi=72, include_bleed=True)
    assert Image.open(tmp_path / "p.png").size == (595, 420)
    assert Image.open(tmp_path / "b.png").size == (613, 438)
    write_page(page, tmp_path / "p.pdf", dpi=72)
    assert b"/TrimBox" in (tmp_path / "p.pdf").read_bytes()


def test_monochrome_page_is_written_as_a_one_bit_png(tmp_path, poster):
    from dataclasses import replace

    write_page(replace(poster, monochrome=True), tmp_path / "led.png", dpi=72)
    img = Image.open(tmp_path / "led.png")
    assert img.mode == "1" and img.size == (595, 420)


def test_bmp_for_led_controllers_has_the_pngs_pixels(tmp_path, poster):
    """Older LED controller programs import only BMP: 1-bit for a monochrome page, same pixels, stable bytes."""
    from dataclasses import replace

    led = replace(poster, monochrome=True)
    write_page(led, tmp_path / "led.png", dpi=72)
    write_page(led, tmp_path / "led.bmp", dpi=72)
    with Image.open(tmp_path / "led.bmp") as bmp, Image.open(tmp_path / "led.png") as png:
        assert bmp.format == "BMP" and bmp.mode == "1" and bmp.size == (595, 420)
        assert bmp.tobytes() == png.tobytes()
        assert round(bmp.info["dpi"][0]) == 72
    first = (tmp_path / "led.bmp").read_bytes()
    write_page(led, tmp_path / "led.bmp", dpi=72)
    assert (tmp_path / "led.bmp").read_bytes() == first
    write_page(poster, tmp_path / "colour.bmp", dpi=36)
    with Image.open(tmp_path / "colour.bmp") as colour:
        assert colour.mode == "RGB"
        assert decode_qr(colour) == [QR_DATA]


@pytest.mark.parametrize("fmt", ["png", "jpeg", "bmp", "pdf", "svg"])
def test_a_glyph_missing_from_the_font_is_refused_by_every_backend(tmp_path, fmt):
    from qmposter.errors import MissingGlyphsError
    from qmposter.layout.page import Color, Glyph, GlyphRun

    run = GlyphRun(heavy_font_id(), 20, Color(0, 0, 0), (Glyph("质", 10, 30), Glyph("𠀀", 30, 30)), "质𠀀")
    path = tmp_path / f"out.{fmt}"
    with pytest.raises(MissingGlyphsError) as err:
        write_page(Page(width=100, height=50, items=(run,)), path, dpi=72)
    assert "U+20000" in str(err.value) and "质𠀀" in str(err.value)
    assert not path.exists()


def test_concurrent_renders_in_threads_equal_serial_ones(poster):
    from concurrent.futures import ThreadPoolExecutor

    from qmposter.render.output import render_bytes

    jobs = [(fmt, dpi) for fmt in ("png", "pdf", "svg") for dpi in (72, 96)] * 2
    serial = [render_bytes(poster, fmt, dpi=dpi) for fmt, dpi in jobs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        parallel = list(pool.map(lambda job: render_bytes(poster, job[0], dpi=job[1]), jobs))
    assert parallel == serial
