"""SVG backend: outlines (转曲) that need no font, QR that decodes, same picture as the PNG.

The SVG is rasterized by cairosvg (independent of qmposter) and compared with the PNG
of the same Page: mean absolute difference under 2 % of full scale (measured ~0.4 %).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from helpers import QR_DATA, decode_qr, heavy_font_id, mean_abs_diff, poster_page, save_debug, set_line, svg_to_image

from qmposter.errors import MissingGlyphsError
from qmposter.layout.page import Color, Fill, Glyph, GlyphRun, Page
from qmposter.render.raster import render_image
from qmposter.render.svg import render_svg

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"
MM = 72 / 25.4
TOLERANCE = 0.02


@pytest.fixture(scope="module")
def font_id() -> str:
    return heavy_font_id()


@pytest.fixture(scope="module")
def poster(font_id) -> Page:
    return poster_page(font_id)


def test_document_structure(poster):
    root = ET.fromstring(render_svg(poster))
    assert root.tag == f"{SVG}svg"
    assert root.get("width") == "210mm" and root.get("height") == "148mm"
    assert root.get("viewBox") == "0 0 595.2756 419.5276"  # 210 × 148 mm in points
    assert root.find(f"{SVG}title").text == "质量月测试海报"
    assert not list(root.iter(f"{SVG}text"))  # text is converted to outlines: no font needed to view it


def test_every_run_keeps_its_text_for_accessibility(poster):
    root = ET.fromstring(render_svg(poster))
    labels = [g.get("aria-label") for g in root.iter(f"{SVG}g") if g.get("aria-label")]
    assert labels == [item.text for item in poster.items if isinstance(item, GlyphRun)]


def test_glyph_outlines_are_defined_once(font_id):
    run = set_line("质量质量", font_id, 30, 10, 50, Color(0, 0, 0))
    root = ET.fromstring(render_svg(Page(width=200, height=100, items=(run,))))
    defs = root.find(f"{SVG}defs")
    assert len(defs.findall(f"{SVG}path")) == 2
    uses = list(root.iter(f"{SVG}use"))
    assert len(uses) == 4
    assert uses[0].get(f"{XLINK}href") == uses[2].get(f"{XLINK}href")


@pytest.mark.parametrize("dpi", [72, 150])
def test_svg_and_png_are_the_same_picture(poster, dpi):
    png = render_image(poster, dpi)
    svg = svg_to_image(render_svg(poster), png.size)
    save_debug(svg, f"svg-{dpi}.png")
    diff = mean_abs_diff(png, svg)
    assert diff < TOLERANCE, f"SVG and PNG differ by {diff:.2%} at {dpi} dpi"


@pytest.mark.parametrize("dpi", [72, 150, 300])
def test_qr_in_rasterized_svg_decodes(poster, dpi):
    png_size = render_image(Page(width=poster.width, height=poster.height, items=()), dpi).size
    assert decode_qr(svg_to_image(render_svg(poster), png_size)) == [QR_DATA]


def test_rotated_glyph_matches_the_png(font_id):
    run = GlyphRun(font_id, 60, Color(0, 0, 0), (Glyph("A", 50, 20, rotate=90, source="A"),), "A")
    page = Page(width=120, height=100, items=(Fill(0, 0, 120, 100, Color(255, 255, 255)), run))
    png = render_image(page, 144)
    assert mean_abs_diff(png, svg_to_image(render_svg(page), png.size)) < 0.01


def test_deterministic(poster):
    assert render_svg(poster) == render_svg(poster)


def test_missing_glyph_is_a_user_error(font_id):
    run = GlyphRun(font_id, 20, Color(0, 0, 0), (Glyph("𠀀", 10, 30, source="𠀀"),), "𠀀")
    with pytest.raises(MissingGlyphsError) as err:
        render_svg(Page(width=100, height=50, items=(run,)))
    assert "U+20000" in str(err.value)


def test_pictures_are_embedded_and_match_the_png(tmp_path):
    from PIL import Image

    from qmposter.layout.page import Picture

    photo = Image.new("RGB", (60, 30), (30, 120, 200))
    photo.paste((250, 200, 0), (0, 0, 20, 30))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise when shown
    photo.save(tmp_path / "photo.jpg", quality=95, exif=exif)
    logo = Image.new("RGBA", (40, 40), (0, 0, 0, 0))
    logo.paste((200, 16, 46, 255), (10, 10, 30, 30))
    logo.save(tmp_path / "logo.png")
    page = Page(
        width=200,
        height=200,
        items=(
            Fill(0, 0, 200, 200, Color(255, 255, 255)),
            Picture(20, 20, 60, 120, str(tmp_path / "photo.jpg")),
            Picture(110, 110, 80, 80, str(tmp_path / "logo.png"), opacity=0.5),
        ),
    )
    svg = render_svg(page)
    assert svg.count("data:image/png;base64,") == 2  # the rotated JPEG is normalised like the PNG backend does
    png = render_image(page, 144)
    assert mean_abs_diff(png, svg_to_image(svg, png.size)) < TOLERANCE
