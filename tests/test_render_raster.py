"""Raster backend: sizes, exact placement, pixel-exact QR codes, monochrome, determinism."""

from __future__ import annotations

import io

import pytest
from helpers import QR_DATA, decode_qr, heavy_font_id, poster_page, save_debug, set_line
from PIL import Image, ImageOps

from qmposter.fonts import load_font
from qmposter.layout.page import Color, Fill, Glyph, GlyphRun, Line, LinearGradient, Page, Picture
from qmposter.layout.qr import qr_item
from qmposter.render.raster import encode_jpeg, encode_png, pixel_size, render_image

MM = 72 / 25.4
BLACK = Color(0, 0, 0)
WHITE = Color(255, 255, 255)


@pytest.fixture(scope="module")
def font_id() -> str:
    return heavy_font_id()


def page_of(*items, w=200.0, h=200.0, **kw) -> Page:
    return Page(width=w, height=h, items=(Fill(0, 0, w, h, WHITE), *items), **kw)


def ink_bbox(img: Image.Image) -> tuple[int, int, int, int]:
    """Bounding box of pixels darker than 50 % grey."""
    mask = ImageOps.invert(img.convert("L")).point(lambda v: 255 if v >= 128 else 0)
    box = mask.getbbox()
    assert box is not None, "nothing was drawn"
    return box


def test_pixel_size_rounds_points_at_dpi():
    a4 = Page(width=210 * MM, height=297 * MM, items=())
    assert pixel_size(a4, 300) == (2480, 3508)  # 8.2677 in × 300 = 2480.3; 11.693 in × 300 = 3507.9
    assert pixel_size(a4, 72) == (595, 842)
    bleed = Page(width=210 * MM, height=297 * MM, items=(), bleed=3 * MM)
    assert pixel_size(bleed, 300, include_bleed=True) == (2551, 3579)  # 216 mm, 303 mm
    assert render_image(a4, 96).size == (794, 1123)


def test_solid_fill_edges_snap_to_whole_pixels():
    img = render_image(page_of(Fill(10.4, 10.6, 20, 20, Color(10, 120, 200))), 72)
    blue = (10, 120, 200)
    assert img.getpixel((10, 11)) == blue and img.getpixel((29, 30)) == blue
    assert img.getpixel((9, 11)) == (255, 255, 255) and img.getpixel((30, 30)) == (255, 255, 255)
    assert img.getpixel((10, 10)) == (255, 255, 255) and img.getpixel((10, 31)) == (255, 255, 255)


def test_horizontal_gradient_matches_linear_interpolation():
    grad = LinearGradient(0, 0, 256, 0, ((0.0, BLACK), (1.0, WHITE)))
    img = render_image(page_of(Fill(0, 0, 256, 10, grad), w=256, h=10), 72)
    for i in range(256):
        expected = 255 * (i + 0.5) / 256  # t at the pixel centre
        assert abs(img.getpixel((i, 5))[0] - expected) <= 1, i


def test_diagonal_multi_stop_gradient():
    grad = LinearGradient(0, 0, 100, 100, ((0.0, Color(255, 0, 0)), (0.5, Color(0, 255, 0)), (1.0, Color(0, 0, 255))))
    img = render_image(page_of(Fill(0, 0, 100, 100, grad), w=100, h=100), 72)
    for i, j in [(0, 0), (10, 30), (49, 49), (70, 20), (99, 99), (25, 25)]:
        t = ((i + 0.5) + (j + 0.5)) / 200
        if t <= 0.5:
            u = t / 0.5
            expected = (255 * (1 - u), 255 * u, 0)
        else:
            u = (t - 0.5) / 0.5
            expected = (0, 255 * (1 - u), 255 * u)
        got = img.getpixel((i, j))
        assert all(abs(g - e) <= 1.5 for g, e in zip(got, expected, strict=True)), (i, j, got, expected)


def test_gradient_is_clamped_outside_its_axis():
    grad = LinearGradient(20, 0, 40, 0, ((0.0, BLACK), (1.0, WHITE)))
    img = render_image(page_of(Fill(0, 0, 60, 4, grad), w=60, h=4), 72)
    assert img.getpixel((5, 1)) == (0, 0, 0) and img.getpixel((55, 1)) == (255, 255, 255)


def test_lines_have_their_width_and_butt_caps():
    img = render_image(page_of(Line(10, 50, 90, 50, 2, BLACK), Line(120, 20, 120, 80, 4, BLACK)), 72)
    assert img.getpixel((10, 49)) == (0, 0, 0) and img.getpixel((89, 50)) == (0, 0, 0)
    assert img.getpixel((50, 48)) == (255, 255, 255) and img.getpixel((50, 51)) == (255, 255, 255)
    assert img.getpixel((9, 49)) == (255, 255, 255) and img.getpixel((90, 49)) == (255, 255, 255)
    assert ink_bbox(img.crop((100, 0, 200, 200))) == (18, 20, 22, 80)  # x 118..121, y 20..79


@pytest.mark.parametrize("dpi", [72, 150])
def test_glyph_is_drawn_at_its_origin_on_the_baseline(font_id, dpi):
    face = load_font(font_id)
    x0, y0, x1, y1 = face.ink_bounds("国")
    size, ox, oy = 100.0, 50.3, 150.6
    run = GlyphRun(font_id, size, BLACK, (Glyph("国", ox, oy, source="国"),), "国")
    img = render_image(page_of(run), dpi)
    s = dpi / 72
    left, top, right, bottom = ink_bbox(img)
    expected = ((ox + x0 * size) * s, (oy - y1 * size) * s, (ox + x1 * size) * s, (oy - y0 * size) * s)
    tolerance = 1.5  # pixels: anti-aliasing threshold and hinting
    for got, want in zip((left, top, right, bottom), expected, strict=True):
        assert abs(got - want) <= tolerance, ((left, top, right, bottom), expected)


def test_rotated_glyph_turns_clockwise_about_its_origin(font_id):
    face = load_font(font_id)
    x0, y0, x1, y1 = face.ink_bounds("A")
    size, ox, oy = 100.0, 60.0, 40.0
    run = GlyphRun(font_id, size, BLACK, (Glyph("A", ox, oy, rotate=90, source="A"),), "A")
    img = render_image(page_of(run), 72)
    # clockwise by 90° on a y-down page: a point (dx, dy) from the origin goes to (-dy, dx);
    # a font point (u, v) sits at (u, -v), so it lands at (v, u): ascenders point right.
    expected = (ox + y0 * size, oy + x0 * size, ox + y1 * size, oy + x1 * size)
    got = ink_bbox(img)
    assert all(abs(g - e) <= 2 for g, e in zip(got, expected, strict=True)), (got, expected)


def test_qr_modules_are_pixel_exact_and_decode_at_72_dpi():
    qr = qr_item(QR_DATA, 20.3, 30.7, 30 * MM)  # 85 px for 37 modules: 2–3 px each
    img = render_image(page_of(qr, w=150, h=150), 72)
    box = (round(20.3), round(30.7), round(20.3 + 30 * MM), round(30.7 + 30 * MM))
    colours = {c for _, c in img.crop(box).getcolors(1 << 16)}
    assert colours == {(0, 0, 0), (255, 255, 255)}  # no anti-aliased module edges
    assert decode_qr(img) == [QR_DATA]


def test_poster_renders_and_its_qr_decodes(font_id):
    page = poster_page(font_id)
    for dpi in (72, 150):
        img = render_image(page, dpi)
        save_debug(img, f"raster-poster-{dpi}.png")
        assert decode_qr(img) == [QR_DATA]


def test_include_bleed_paints_the_bleed_and_shifts_the_trim(font_id):
    page = poster_page(font_id, bleed=3 * MM)
    trim = render_image(page, 150)
    full = render_image(page, 150, include_bleed=True)
    assert trim.size == (1240, 874)  # 210 × 148 mm at 150 dpi: 1240.2, 874.0
    assert full.size == (1276, 909)  # 216 × 154 mm: 1275.6, 909.4
    assert full.getpixel((1, full.height - 2)) == (255, 248, 235)  # background reaches into the bleed
    assert decode_qr(full) == [QR_DATA]


def test_monochrome_has_two_colours_and_no_antialiasing(font_id):
    red = Color(255, 0, 0)
    run = set_line("质量月", font_id, 48, 10, 80, red)
    page = Page(width=200, height=100, items=(Fill(0, 0, 200, 100, BLACK), run), monochrome=True)
    img = render_image(page, 72)
    colours = {c for _, c in img.getcolors(1 << 16)}
    assert colours == {(0, 0, 0), (255, 255, 255)}  # red LEDs are lit
    lit = sum(1 for v in img.convert("L").get_flattened_data() if v)
    assert 500 < lit < 200 * 100 // 2
    png = Image.open(io.BytesIO(encode_png(img, 72, one_bit=True)))
    assert png.mode == "1"


def test_picture_is_scaled_into_its_box_with_opacity(tmp_path):
    src = Image.new("RGB", (2, 2))
    src.putpixel((0, 0), (255, 0, 0))
    src.putpixel((1, 0), (0, 255, 0))
    src.putpixel((0, 1), (0, 0, 255))
    src.putpixel((1, 1), (255, 255, 255))
    path = tmp_path / "logo.png"
    src.save(path)
    img = render_image(page_of(Picture(10, 10, 40, 40, str(path)), Picture(100, 10, 40, 40, str(path), 0.5)), 72)

    def near(a, b, tol=12):
        return all(abs(x - y) <= tol for x, y in zip(a, b, strict=True))

    assert near(img.getpixel((20, 20)), (255, 0, 0)) and near(img.getpixel((40, 20)), (0, 255, 0))
    assert near(img.getpixel((20, 40)), (0, 0, 255)) and near(img.getpixel((40, 40)), (255, 255, 255))
    assert near(img.getpixel((110, 20)), (255, 128, 128), tol=8)  # half-transparent red over white
    assert img.getpixel((9, 9)) == (255, 255, 255) and img.getpixel((50, 50)) == (255, 255, 255)


def test_png_is_deterministic_with_dpi_and_no_timestamp(font_id):
    page = poster_page(font_id)
    a = encode_png(render_image(page, 150), 150)
    b = encode_png(render_image(page, 150), 150)
    assert a == b
    assert b"tIME" not in a and b"sRGB" in a
    img = Image.open(io.BytesIO(a))
    assert img.mode == "RGB" and round(img.info["dpi"][0]) == 150


def test_jpeg_is_rgb_with_dpi(font_id):
    data = encode_jpeg(render_image(poster_page(font_id), 100), 100)
    img = Image.open(io.BytesIO(data))
    assert img.format == "JPEG" and img.mode == "RGB" and img.info["dpi"] == (100, 100)
    assert data == encode_jpeg(render_image(poster_page(font_id), 100), 100)


def test_zero_dpi_is_a_user_error():
    from qmposter.errors import QmposterError

    with pytest.raises(QmposterError):
        render_image(page_of(), 0)
