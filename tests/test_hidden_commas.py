"""Hidden phrase commas: not on paper, but in the PDF's text (copy, search, screen readers).

A phrase comma hidden at a line end (`hide_line_end_comma`) or turned into a banner gap
(`inline_comma = "gap"`) is an invisible glyph: the layout places it where it logically
belongs, raster and SVG skip it, the PDF writes it in text render mode 3. Text is read
back with pypdf and with poppler's pdftotext (independent of reportlab); "the picture
is unchanged" is checked against the same page with the invisible glyphs removed, on
our PNG, on poppler's rendering of the PDF and on the SVG.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from dataclasses import replace

import pypdf
import pytest
from helpers import BLACK, RED, heavy_font_id, pdftoppm

from qmposter.errors import MissingGlyphsError
from qmposter.layout.page import Glyph, GlyphRun, Page
from qmposter.layout.textbox import Box, TextStyle, layout_text
from qmposter.render.pdf import render_pdf
from qmposter.render.raster import render_image
from qmposter.render.svg import render_svg

BANNER = "抓质量水平提升，促发展方式转变"  # one line, the comma a gap
POSTER = "关注民生，重视质量"  # two lines, the comma hidden at the first line's end


@pytest.fixture(scope="module")
def font_id() -> str:
    return heavy_font_id()


def style(font_id: str, **kw: object) -> TextStyle:
    return replace(TextStyle(font_id, RED, min_size=10, max_size=60), **kw)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def page(font_id) -> Page:
    """A banner line with a gapped comma above a poster block with a hidden line-end comma."""
    banner = layout_text(BANNER, Box(30, 30, 540, 60), style(font_id, max_lines=1, inline_comma="gap",
                                                               align="distribute"))
    poster = layout_text(POSTER, Box(30, 150, 300, 200), style(font_id, max_lines=2, max_size=70))
    assert banner.lines == ("抓质量水平提升促发展方式转变",)  # preconditions: both commas are hidden
    assert poster.lines == ("关注民生", "重视质量")
    return Page(600, 400, (*banner.runs, *poster.runs))


def without_invisible(page: Page) -> Page:
    """The same page as it was drawn before hidden commas became invisible glyphs."""
    items = tuple(
        replace(item, glyphs=tuple(g for g in item.glyphs if g.visible)) if isinstance(item, GlyphRun) else item
        for item in page.items
    )
    return replace(page, items=items)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_layout_keeps_the_commas_as_invisible_glyphs(page):
    runs = [item for item in page.items if isinstance(item, GlyphRun)]
    assert [run.text for run in runs] == [BANNER, "关注民生，", "重视质量"]
    hidden = [g for run in runs for g in run.glyphs if not g.visible]
    assert [g.source for g in hidden] == ["，", "，"]
    banner, first = runs[0].glyphs, runs[1].glyphs
    # the gapped comma lies between 升 and 促, the hidden one after 生, on their baselines
    i = [g.source for g in banner].index("，")
    assert banner[i - 1].x < banner[i].x < banner[i + 1].x and banner[i].y == banner[i - 1].y
    assert first[-1].source == "，" and first[-1].x > first[-2].x and first[-1].y == first[-2].y


def test_pypdf_extracts_the_full_text_in_order(page):
    text = pypdf.PdfReader(io.BytesIO(render_pdf([page]))).pages[0].extract_text()
    assert squeeze(text) == BANNER + POSTER


def test_pdftotext_extracts_the_full_text_in_order(page, tmp_path):
    exe = shutil.which("pdftotext")
    assert exe, "pdftotext (poppler-utils) is needed: scripts/test installs it"
    pdf = tmp_path / "page.pdf"
    pdf.write_bytes(render_pdf([page]))
    text = subprocess.run([exe, "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True, timeout=60).stdout
    assert squeeze(text.decode("utf-8")) == BANNER + POSTER


def test_png_is_pixel_identical_without_the_invisible_glyphs(page):
    for dpi in (72, 150):
        assert render_image(page, dpi).tobytes() == render_image(without_invisible(page), dpi).tobytes()


def test_pdf_draws_the_same_picture_and_marks_only_the_commas_invisible(page):
    pdf, old = render_pdf([page]), render_pdf([without_invisible(page)])
    assert pdftoppm(pdf, 100).tobytes() == pdftoppm(old, 100).tobytes()
    content = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].get_contents().get_data()
    assert content.count(b"3 Tr") == 2 and content.count(b"0 Tr") == 1  # back to fill after the gap
    assert b" Tr" not in pypdf.PdfReader(io.BytesIO(old)).pages[0].get_contents().get_data()


def test_svg_draws_the_same_outlines_and_labels_the_full_text(page):
    svg, old = render_svg(page), render_svg(without_invisible(page))
    assert re.findall(r"<use [^>]*>", svg) == re.findall(r"<use [^>]*>", old)
    assert re.findall(r'aria-label="([^"]*)"', svg) == [BANNER, "关注民生，", "重视质量"]


def test_vertical_hidden_comma_sits_below_the_last_character(font_id):
    block = layout_text(POSTER, Box(0, 0, 200, 300), style(font_id, vertical=True, max_lines=2))
    first = block.runs[0].glyphs
    assert block.lines == ("关注民生", "重视质量") and block.runs[0].text == "关注民生，"
    comma, last = first[-1], first[-2]
    assert not comma.visible and comma.source == "，" and comma.y > last.y
    assert comma.y - last.y == pytest.approx(first[1].y - first[0].y)  # one cell further down


def test_invisible_glyphs_must_exist_in_the_font(font_id):
    """The PDF writes invisible glyphs too, so they are checked like drawn ones (no tofu)."""
    run = GlyphRun(font_id, 40, BLACK, (Glyph("质", 10, 50, source="质"), Glyph("龘", 50, 50, visible=False)), "质龘")
    page = Page(200, 100, (run,))
    for render in (lambda: render_pdf([page]), lambda: render_image(page, 72), lambda: render_svg(page)):
        with pytest.raises(MissingGlyphsError):
            render()
