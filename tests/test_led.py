"""LED strips (issue 10 item 4): dot-matrix type on the pixel grid, one line, scrolling when long.

The bitmaps are checked against the dot-matrix font's own dots, read straight from its outlines
(each dot a 64-unit square), not through FreeType: if the renderer blurred, hinted or moved a
single dot, the comparison fails.
"""

from __future__ import annotations

import io
import itertools
from functools import cache

import pytest
from fontTools.pens.recordingPen import RecordingPen
from fontTools.ttLib import TTFont
from PIL import Image

from qmposter.campaign import load_campaign
from qmposter.catalogue.catalogue import load_catalogue
from qmposter.content import Content
from qmposter.fonts import load_font
from qmposter.layout.engine import layout_page
from qmposter.layout.page import GlyphRun, Page
from qmposter.render.output import render_bytes
from qmposter.render.raster import render_image
from qmposter.templates import load_template

LED = "led-red-384x32"
DOT_FONT = "unifont-dots"
PANEL = 384
LONG = "坚持质量第一，保障质量安全，促进科学发展，全面提高质量安全水平"


@cache
def template():
    return load_template(LED)


@cache
def campaign():
    return load_campaign(None)


def catalogue_texts() -> list[str]:
    return [entry.text for entry in load_catalogue(None).entries]


def page_for(text: str) -> Page:
    return layout_page(template(), Content.from_campaign(campaign(), text))


def runs(page: Page) -> list[GlyphRun]:
    return [item for item in page.items if isinstance(item, GlyphRun)]


@cache
def outline_rects(ch: str) -> tuple[tuple[int, int, int, int], ...]:
    """The glyph's contours as (xMin, yMin, xMax, yMax) in font units: the font's own dots."""
    font = TTFont(load_font(DOT_FONT).path, lazy=True)
    pen = RecordingPen()
    font.getGlyphSet()[font.getBestCmap()[ord(ch)]].draw(pen)
    rects, points = [], []
    for op, args in pen.value:
        if op in ("moveTo", "lineTo"):
            points.append(args[0])
        elif op == "closePath":
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            assert len(points) == 4, f"{ch}: a contour that is not a dot rectangle"
            rects.append((min(xs), min(ys), max(xs), max(ys)))
            points = []
        else:
            raise AssertionError(f"{ch}: curve {op} in a dot-matrix glyph")
    return tuple(rects)


def expected_mask(page: Page) -> Image.Image:
    """Lit pixels drawn from the outlines' rectangles at each glyph's origin (no FreeType)."""
    mask = Image.new("L", (round(page.width), round(page.height)), 0)
    upem = load_font(DOT_FONT).units_per_em
    for run in runs(page):
        scale = run.size / upem
        for g in run.glyphs:
            if not g.visible:
                continue
            for x0, y0, x1, y1 in outline_rects(g.char):
                box = (g.x + x0 * scale, g.y - y1 * scale, g.x + x1 * scale, g.y - y0 * scale)
                assert all(v == int(v) for v in box), f"{g.char}: a dot off the pixel grid at {box}"
                mask.paste(255, tuple(int(v) for v in box))
    return mask


def rendered_mask(page: Page) -> Image.Image:
    return render_image(page, template().page.dpi).convert("L")


# -- the font ---------------------------------------------------------------------------------


def test_dot_font_is_a_16_dot_grid_with_its_licence() -> None:
    face = load_font(DOT_FONT)
    assert face.units_per_em == 1024 and face.info is not None and face.info.licence == "OFL-1.1"
    assert face.advance("中") == 1.0 and face.advance("A") == 0.5  # 16 and 8 dots
    for ch in "自目员量质，A":
        for x0, y0, x1, y1 in outline_rects(ch):
            assert all(v % 64 == 0 for v in (x0, y0, x1, y1)), ch
    assert outline_rects("自") != outline_rects("目")


@pytest.mark.parametrize(("text", "size"), [("自", 32), ("自目员量" * 3 + "员", 16)])
def test_a_glyph_rendered_is_the_fonts_own_dots(text: str, size: int) -> None:
    """Render through the template and the raster backend, and from the outlines: the same pixels."""
    page = page_for(text)
    assert {run.size for run in runs(page)} == {size}
    assert rendered_mask(page).tobytes() == expected_mask(page).tobytes()


def test_enclosed_counters_stay_open() -> None:
    """员 and 量 kept their counters; 自 keeps its stroke above the box (it once read as 目)."""
    page = page_for("员量自目")
    mask = rendered_mask(page)
    glyph = {g.char: g for g in runs(page)[0].glyphs}
    dot = runs(page)[0].size / 16
    for ch in "员量自目":
        g = glyph[ch]
        cells = [(int(g.x + c * dot), int(g.y - (14 - r) * dot)) for r in range(16) for c in range(16)]
        lit = sum(1 for x, y in cells if mask.getpixel((x, y)))
        assert 0.15 < lit / 256 < 0.6, (ch, lit)  # strokes, not a filled block
    top_row = [bool(mask.getpixel((int(glyph[ch].x + c * dot), int(glyph[ch].y - 14 * dot)))) for ch in "自目"
               for c in range(16)]  # fmt: skip
    assert top_row[:16] != top_row[16:]


def test_every_catalogue_slogan_is_the_fonts_own_pixels() -> None:
    for text in [*catalogue_texts(), LONG]:
        page = page_for(text)
        assert all(run.font_id == DOT_FONT for run in runs(page)), text
        assert rendered_mask(page).tobytes() == expected_mask(page).tobytes(), text


# -- one line: 32 dots, 16 dots, or a scrolling strip -------------------------------------------


def test_one_line_sized_by_length() -> None:
    for text in [*catalogue_texts(), LONG]:
        page = page_for(text)
        lines = runs(page)
        assert len(lines) == 1, f"{text}: {len(lines)} lines"
        assert len({g.y for g in lines[0].glyphs}) == 1
        cells = len(text)  # a phrase comma becomes a 1-em gap
        size = lines[0].size
        if cells <= PANEL // 32:
            assert (size, page.width, page.viewport) == (32, PANEL, 0.0), text
        elif cells <= PANEL // 16:
            assert (size, page.width, page.viewport) == (16, PANEL, 0.0), text
            assert lines[0].glyphs[0].y == 8 + 14  # centred: 8 dots above and below
        else:
            assert size == 32 and page.viewport == PANEL and page.width == 32 + cells * 32 + 32, text


def test_spacing_is_even() -> None:
    page = page_for("抓质量水平提升，促发展方式转变")
    xs = [g.x for g in runs(page)[0].glyphs if g.visible]
    steps = {b - a for a, b in itertools.pairwise(xs)}
    assert steps == {16.0, 32.0}  # 1 em between characters, 2 em across the phrase gap


def test_scrolling_strip_and_its_gif_preview() -> None:
    page = page_for(LONG)
    png = Image.open(io.BytesIO(render_bytes(page, "png", dpi=72)))
    bmp = Image.open(io.BytesIO(render_bytes(page, "bmp", dpi=72)))
    assert png.mode == bmp.mode == "1" and png.size == bmp.size == (page.width, 32)
    assert png.tobytes() == bmp.tobytes()
    gif = Image.open(io.BytesIO(render_bytes(page, "gif", dpi=72)))
    assert gif.size == (PANEL, 32) and gif.n_frames == page.width // 4 and gif.info["loop"] == 0
    strip = png.convert("L")
    for frame in (0, 37, gif.n_frames - 1):  # the last frame wraps round to the start
        gif.seek(frame)
        lit = gif.convert("RGB").split()[0].point(lambda v: 255 if v else 0)
        offset = frame * 4
        twice = Image.new("L", (page.width * 2, 32))
        twice.paste(strip, (0, 0))
        twice.paste(strip, (page.width, 0))
        assert lit.tobytes() == twice.crop((offset, 0, offset + PANEL, 32)).tobytes(), frame
        assert {rgb for _, rgb in gif.convert("RGB").getcolors()} == {(0, 0, 0), (255, 0, 0)}


def test_gif_of_a_strip_that_fits_is_one_frame_and_red() -> None:
    gif = Image.open(io.BytesIO(render_bytes(page_for("关注民生，重视质量"), "gif", dpi=72)))
    assert gif.size == (PANEL, 32) and getattr(gif, "n_frames", 1) == 1
    colours = {rgb for _, rgb in gif.convert("RGB").getcolors()}
    assert colours == {(0, 0, 0), (255, 0, 0)}


def test_led_output_is_deterministic() -> None:
    page = page_for(LONG)
    for fmt in ("png", "bmp", "gif"):
        assert render_bytes(page, fmt, dpi=72) == render_bytes(page_for(LONG), fmt, dpi=72)


def test_gif_is_refused_for_a_colour_page() -> None:
    from qmposter.errors import InputError

    poster = layout_page(load_template("image-square-1080"), Content.from_campaign(campaign(), "关注民生，重视质量"))
    with pytest.raises(InputError, match="GIF 只用于 LED"):
        render_bytes(poster, "gif", dpi=72)
