"""PDF backend: same picture as the PNG, embedded fonts, text, boxes, marks, CMYK, determinism.

The PDF is rasterized by poppler's pdftoppm (independent of reportlab and Pillow) and
compared with qmposter's own PNG of the same Page. Tolerance: mean absolute difference
under 2 % of full scale (measured about 0.3–0.9 %: only anti-aliased edges differ).
"""

from __future__ import annotations

import hashlib
import io
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pypdf
import pytest
from helpers import (
    BLACK,
    QR_DATA,
    RED,
    all_font_ids,
    decode_qr,
    heavy_font_id,
    mean_abs_diff,
    pdftoppm,
    poster_page,
    save_debug,
    set_line,
)

from qmposter import __version__
from qmposter.layout.page import Color, Fill, GlyphRun, Page, PageMeta, Picture
from qmposter.render.pdf import render_pdf
from qmposter.render.raster import render_image

MM = 72 / 25.4
TOLERANCE = 0.02  # mean absolute difference, fraction of full scale


@pytest.fixture(scope="module")
def font_id() -> str:
    return heavy_font_id()


@pytest.fixture(scope="module")
def poster(font_id) -> Page:
    return poster_page(font_id)


def reader(data: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(data))


def box(page: pypdf.PageObject, name: str) -> tuple[float, ...]:
    return tuple(float(v) for v in page[name])


def normalised(text: str) -> str:
    """Whitespace removed, presentation forms folded (NFKC) — how a reader searches."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def runs(page: Page) -> list[GlyphRun]:
    return [item for item in page.items if isinstance(item, GlyphRun)]


@pytest.mark.parametrize("dpi", [72, 150])
def test_pdf_and_png_are_the_same_picture(poster, dpi):
    png = render_image(poster, dpi)
    pdf = pdftoppm(render_pdf([poster], include_bleed=False), dpi, png.size)
    save_debug(png, f"pdf-vs-png-{dpi}-png.png")
    save_debug(pdf, f"pdf-vs-png-{dpi}-pdf.png")
    diff = mean_abs_diff(png, pdf)
    assert diff < TOLERANCE, f"PDF and PNG differ by {diff:.2%} at {dpi} dpi"


def test_pdf_with_bleed_matches_png_with_bleed(font_id):
    page = poster_page(font_id, bleed=9)  # 1/8 in: whole pixels at 72 and 144 dpi
    png = render_image(page, 144, include_bleed=True)
    pdf = pdftoppm(render_pdf([page]), 144, png.size)  # no crop marks: MediaBox = BleedBox
    assert mean_abs_diff(png, pdf) < TOLERANCE


@pytest.mark.parametrize("dpi", [72, 150, 300])
def test_qr_in_rasterized_pdf_decodes(poster, dpi):
    assert decode_qr(pdftoppm(render_pdf([poster]), dpi)) == [QR_DATA]


def test_qr_modules_are_vectors_without_stroke(poster):
    page = reader(render_pdf([poster])).pages[0]
    assert "/XObject" not in page["/Resources"]  # no image anywhere: QR is paths
    content = page.get_contents().get_data().decode("latin-1")
    qr = next(i for i in poster.items if type(i).__name__ == "QRCode")
    dark_runs = sum(1 for row in qr.modules for a, b in zip((False, *row), row, strict=False) if b and not a)
    # one rectangle per row run of dark modules, plus: each Fill, the QR's light ground, the bleed clip
    assert content.count(" re") == dark_runs + sum(1 for i in poster.items if isinstance(i, Fill)) + 2


def test_every_font_is_embedded_with_tounicode(font_id):
    fonts = all_font_ids()
    items = [Fill(0, 0, 400, 40 * len(fonts) + 40, Color(255, 255, 255))]
    items += [set_line(f"质量月{i}号 QC", fid, 20, 10, 40 * (i + 1), BLACK) for i, fid in enumerate(fonts)]
    page = Page(width=400, height=40 * len(fonts) + 40, items=tuple(items))
    doc = reader(render_pdf([page, poster_page(font_id)]))
    seen = 0
    for pdf_page in doc.pages:
        for ref in pdf_page["/Resources"]["/Font"].values():
            font = ref.get_object()
            if font["/Subtype"] == "/Type0":
                descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            else:
                descriptor = font["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor, font["/BaseFont"]
            assert "/ToUnicode" in font
            assert re.match(r"^/[A-Z]{6}\+", font["/BaseFont"]), font["/BaseFont"]  # a subset
            seen += 1
    assert seen >= len(fonts)
    text = normalised(doc.pages[0].extract_text())
    for i in range(len(fonts)):
        assert f"质量月{i}号QC" in text


def test_extracted_text_has_every_run_in_order(poster):
    text = normalised(reader(render_pdf([poster])).pages[0].extract_text())
    position = 0
    for run in runs(poster):
        found = text.find(normalised(run.text), position)
        assert found >= 0, (run.text, text)
        position = found + len(normalised(run.text))


def test_boxes_with_bleed_and_crop_marks(font_id):
    page = poster_page(font_id, bleed=3 * MM, crop_marks=True)
    pdf_page = reader(render_pdf([page])).pages[0]
    # hand-computed: trim 210 × 148 mm, 3 mm bleed, 10 mm slug outside the bleed for marks
    margin = 13 * MM
    expected = {
        "/MediaBox": (0, 0, 236 * MM, 174 * MM),
        "/TrimBox": (margin, margin, margin + 210 * MM, margin + 148 * MM),
        "/BleedBox": (10 * MM, 10 * MM, 226 * MM, 164 * MM),
    }
    for name, want in expected.items():
        got = box(pdf_page, name)
        assert all(abs(g - w) < 0.01 for g, w in zip(got, want, strict=True)), (name, got, want)


def test_without_bleed_media_is_the_trim(poster):
    pdf_page = reader(render_pdf([poster])).pages[0]
    for name in ("/MediaBox", "/TrimBox", "/BleedBox"):
        assert all(abs(g - w) < 0.01 for g, w in zip(box(pdf_page, name), (0, 0, 210 * MM, 148 * MM), strict=True))
    bleed_page = reader(render_pdf([poster_page(heavy_font_id(), bleed=3 * MM)], include_bleed=False)).pages[0]
    assert abs(float(bleed_page.mediabox.width) - 210 * MM) < 0.01


def test_crop_marks_lie_outside_the_bleed_in_registration_colour(font_id):
    page = poster_page(font_id, bleed=3 * MM, crop_marks=True)
    data = render_pdf([page])
    colour_spaces = reader(data).pages[0]["/Resources"]["/ColorSpace"]
    separations = [cs.get_object() for cs in colour_spaces.values()]
    assert any(cs[0] == "/Separation" and cs[1] == "/All" for cs in separations)

    dpi = 150
    img = pdftoppm(data, dpi).convert("L")
    s = dpi / 72
    media_h = 174 * MM
    bleed = (10 * MM * s, (media_h - 164 * MM) * s, 226 * MM * s, (media_h - 10 * MM) * s)  # pixels, y down
    trim_x = (13 * MM * s, 223 * MM * s)
    trim_y = (13 * MM * s, 161 * MM * s)
    mask = img.point(lambda v: 255 if v < 200 else 0)  # hairlines render grey at 150 dpi
    mask.paste(0, (round(bleed[0]) - 2, round(bleed[1]) - 2, round(bleed[2]) + 3, round(bleed[3]) + 3))
    width = mask.width
    dark_outside = [(k % width, k // width) for k, v in enumerate(mask.get_flattened_data()) if v]
    assert dark_outside, "no crop marks drawn"

    def on_a_mark(x: int, y: int) -> bool:
        near_x = any(abs(x - t) <= 2 for t in trim_x)
        near_y = any(abs(y - t) <= 2 for t in trim_y)
        return near_x or near_y

    assert all(on_a_mark(x, y) for x, y in dark_outside)
    for tx in trim_x:  # each vertical mark is present above and below the bleed
        assert any(abs(x - tx) <= 2 and y < bleed[1] for x, y in dark_outside)
        assert any(abs(x - tx) <= 2 and y > bleed[3] for x, y in dark_outside)
    for ty in trim_y:
        assert any(abs(y - ty) <= 2 and x < bleed[0] for x, y in dark_outside)
        assert any(abs(y - ty) <= 2 and x > bleed[2] for x, y in dark_outside)


def test_metadata(poster):
    meta = reader(render_pdf([poster])).metadata
    assert meta.title == "质量月测试海报"
    assert meta.author == "江苏省质量技术监督局"
    assert meta.subject == "2010年质量月"
    assert meta.creator == f"qmposter {__version__}"
    assert meta["/Keywords"] == "质量月, 2010"


def test_two_renders_are_byte_identical(poster):
    assert render_pdf([poster]) == render_pdf([poster])


def test_render_is_identical_in_a_fresh_process(poster, font_id):
    """No dependence on hash seeds, registration order or the clock."""
    here = hashlib.sha256(render_pdf([poster])).hexdigest()
    tests_dir = Path(__file__).parent
    code = (
        "import hashlib, sys; sys.path[:0] = [sys.argv[1], sys.argv[3]];"
        "from helpers import poster_page; from qmposter.render.pdf import render_pdf;"
        "print(hashlib.sha256(render_pdf([poster_page(sys.argv[2])])).hexdigest())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(tests_dir), font_id, str(tests_dir.parent)],
        capture_output=True,
        text=True,
        check=True,
        env={**__import__("os").environ, "PYTHONHASHSEED": "12345"},
        timeout=300,
    )
    assert out.stdout.strip() == here


def cmyk_fills(content: str) -> set[tuple[float, ...]]:
    return {tuple(float(v) for v in m) for m in re.findall(r"([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) k\b", content)}


def test_cmyk_output(poster):
    data = render_pdf([poster], cmyk=True)
    page = reader(data).pages[0]
    content = page.get_contents().get_data().decode("latin-1")
    assert not re.search(r"\brg\b", content) and not re.search(r"\bRG\b", content)  # no RGB colour at all
    fills = cmyk_fills(content)
    assert RED.cmyk in fills  # the template's own CMYK wins over conversion
    assert (0.5, 0.5, 0.5, 1.0) in fills  # the 60 × 15 mm black block is rich black
    assert (0.0, 0.0, 0.0, 1.0) in fills  # black text and QR modules stay K only
    shading = next(iter(page["/Resources"]["/Shading"].values())).get_object()
    assert shading["/ColorSpace"] == "/DeviceCMYK"
    assert decode_qr(pdftoppm(data, 150)) == [QR_DATA]


def test_small_black_fill_is_not_rich_black():
    page = Page(width=100, height=100, items=(Fill(10, 10, 80, 5 * MM, Color(0, 0, 0)),))
    content = reader(render_pdf([page], cmyk=True)).pages[0].get_contents().get_data().decode("latin-1")
    assert cmyk_fills(content) == {(0.0, 0.0, 0.0, 1.0)}


def test_several_pages_in_one_document(font_id):
    pages = [poster_page(font_id), poster_page(font_id, bleed=3 * MM, crop_marks=True)]
    doc = reader(render_pdf(pages))
    assert len(doc.pages) == 2
    assert float(doc.pages[1].mediabox.width) > float(doc.pages[0].mediabox.width)


def test_empty_metadata_and_no_pages():
    from qmposter.errors import QmposterError

    with pytest.raises(QmposterError):
        render_pdf([])
    data = render_pdf([Page(width=100, height=100, items=(), meta=PageMeta())])
    assert reader(data).metadata.creator == f"qmposter {__version__}"
    assert pdftoppm(data, 72).size == (100, 100)


def test_pictures_match_the_png_including_exif_rotation_and_alpha(tmp_path):
    from PIL import Image

    photo = Image.new("RGB", (60, 30), (30, 120, 200))
    photo.paste((250, 200, 0), (0, 0, 20, 30))  # yellow stripe on the left of the stored pixels
    exif = Image.Exif()
    exif[0x0112] = 6  # viewer must rotate 90° clockwise: the stripe ends up on top
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
            Picture(110, 20, 80, 80, str(tmp_path / "logo.png")),
            Picture(110, 110, 80, 80, str(tmp_path / "logo.png"), opacity=0.5),
        ),
    )
    png = render_image(page, 144)
    data = render_pdf([page])
    pdf = pdftoppm(data, 144, png.size)
    assert mean_abs_diff(png, pdf) < TOLERANCE
    assert png.getpixel((100, 50))[2] < 100  # top of the rotated photo is the yellow stripe
    assert pdf.getpixel((100, 50))[2] < 100
    assert pdf.getpixel((2 * 115, 2 * 115)) == (255, 255, 255)  # transparent corner of the logo
    assert data == render_pdf([page])


def test_file_id_depends_on_the_content(font_id):
    a = reader(render_pdf([poster_page(font_id)]))
    b = reader(render_pdf([poster_page(font_id, bleed=9)]))
    assert a.trailer["/ID"][0] != b.trailer["/ID"][0]
    assert a.trailer["/ID"][0] == a.trailer["/ID"][1]
    strict = pypdf.PdfReader(io.BytesIO(render_pdf([poster_page(font_id)])), strict=True)
    assert len(strict.pages) == 1 and strict.xref  # cross-reference table still valid
