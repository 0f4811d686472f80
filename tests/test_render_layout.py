"""Backends on pages made by the real layout code (layout_text and the provisional templates).

Same checks as the hand-built pages: PDF (poppler) and SVG (cairosvg) look like the PNG
within 2 % mean absolute difference, QR codes decode at 72 dpi in all three, the PDF's
fonts are embedded and its text extracts in order, renders are byte-identical.
"""

from __future__ import annotations

import io
import unicodedata

import pypdf
import pytest
from helpers import decode_qr, mean_abs_diff, pdftoppm, save_debug, svg_to_image

from qmposter.layout.page import Color, Fill, GlyphRun, Page
from qmposter.layout.qr import qr_item
from qmposter.layout.textbox import Box, TextStyle, layout_text
from qmposter.render.pdf import render_pdf
from qmposter.render.raster import render_image
from qmposter.render.svg import render_svg

MM = 72 / 25.4
TOLERANCE = 0.02
URL = "https://www.samr.gov.cn/"


def normalised(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def drawn(run: GlyphRun) -> str:
    return "".join(g.char for g in run.glyphs)


def runs(page: Page) -> list[GlyphRun]:
    return [i for i in page.items if isinstance(i, GlyphRun)]


@pytest.fixture(scope="module")
def text_page() -> Page:
    """A slogan set horizontally and a vertical couplet-style column, by layout_text."""
    w, h = 297 * MM, 210 * MM
    red = Color(204, 15, 22)
    horizontal = layout_text(
        "质量第一，效益优先：2010年QC小组活动",
        Box(15 * MM, 15 * MM, 200 * MM, 60 * MM),
        TextStyle(font_id="noto-sans-sc-black", color=red, min_size=20, max_size=60, max_lines=2),
        label="测试横排",
    )
    vertical = layout_text(
        "抓质量水平提升，促发展方式转变",
        Box(230 * MM, 15 * MM, 50 * MM, 180 * MM),
        TextStyle(font_id="noto-serif-sc-bold", color=Color(0, 0, 0), min_size=14, max_size=40, vertical=True),
        label="测试竖排",
    )
    items = (
        Fill(0, 0, w, h, Color(255, 250, 240)),
        *horizontal.runs,
        *vertical.runs,
        qr_item(URL, 15 * MM, 150 * MM, 40 * MM, label="测试"),
    )
    return Page(width=w, height=h, items=items)


def template_page(name: str) -> Page:
    from qmposter.campaign import load_campaign
    from qmposter.catalogue.catalogue import load_catalogue
    from qmposter.content import Content
    from qmposter.layout.engine import layout_page
    from qmposter.templates import load_template

    entry = load_catalogue().resolve("2010-05")
    return layout_page(load_template(name), Content.from_campaign(load_campaign(), entry.text, "2010-05"))


def check_same_picture(page: Page, dpi: float, name: str) -> None:
    png = render_image(page, dpi)
    pdf = pdftoppm(render_pdf([page], include_bleed=False), dpi, png.size)
    svg = svg_to_image(render_svg(page), png.size)
    save_debug(png, f"{name}-png.png")
    save_debug(pdf, f"{name}-pdf.png")
    assert mean_abs_diff(png, pdf) < TOLERANCE
    assert mean_abs_diff(png, svg) < TOLERANCE


def check_text(page: Page) -> None:
    data = render_pdf([page])
    doc = pypdf.PdfReader(io.BytesIO(data))
    text = normalised(doc.pages[0].extract_text())
    position = 0
    for run in runs(page):
        want = normalised(drawn(run))
        found = text.find(want, position)
        assert found >= 0, (want, text)
        position = found + len(want)
    for ref in doc.pages[0]["/Resources"]["/Font"].values():
        assert "/FontFile2" in ref.get_object()["/FontDescriptor"].get_object()
    assert data == render_pdf([page])


def test_layout_text_page_renders_the_same_everywhere(text_page):
    check_same_picture(text_page, 100, "layout-text")


def test_layout_text_page_text_and_fonts(text_page):
    check_text(text_page)


def test_layout_text_page_qr_decodes_at_72_dpi(text_page):
    png = render_image(text_page, 72)
    assert decode_qr(png) == [URL]
    assert decode_qr(pdftoppm(render_pdf([text_page]), 72)) == [URL]
    assert decode_qr(svg_to_image(render_svg(text_page), png.size)) == [URL]


def test_a3_poster_template():
    page = template_page("poster-a3-red")
    check_same_picture(page, 72, "poster-a3")
    check_text(page)
    qr = next(i for i in page.items if type(i).__name__ == "QRCode")
    png = render_image(page, 72)
    assert decode_qr(png) == [qr.data]
    assert decode_qr(pdftoppm(render_pdf([page]), 72)) == [qr.data]
    assert decode_qr(svg_to_image(render_svg(page), png.size)) == [qr.data]


def test_banner_template():
    page = template_page("banner-red-0.9x6m")
    check_same_picture(page, 12, "banner")  # 6 m × 0.9 m at 12 dpi: 2835 × 425 px
    check_text(page)


def test_vertical_banner_pdf_text_has_the_slogans_own_punctuation():
    """The 竖幅 draws ， as its vertical form U+FE10; copying or searching the PDF must
    still give ，, and the picture must stay the vertical glyph."""
    from qmposter.campaign import load_campaign
    from qmposter.content import Content
    from qmposter.layout.engine import layout_page
    from qmposter.templates import load_template

    slogan = "创造高质量，奉献高质量，享受高质量"
    page = layout_page(load_template("vertical-red-0.8x3m"), Content.from_campaign(load_campaign(), slogan))
    assert any(g.char == "\ufe10" for run in runs(page) for g in run.glyphs)  # drawn vertically
    text = pypdf.PdfReader(io.BytesIO(render_pdf([page]))).pages[0].extract_text()
    assert slogan in "".join(text.split())  # no NFKC needed: ， not ︐ (which NFKC makes ",")
    assert not any(0xFE10 <= ord(ch) <= 0xFE4F for ch in text)
    check_same_picture(page, 10, "vertical-banner")  # 0.8 × 3 m at 10 dpi: 315 × 1181 px
