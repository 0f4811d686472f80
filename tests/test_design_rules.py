"""Issue 10's design rules for the bundled templates, checked on the display list and the files.

Each template is set with the four slogans that stress a design (shortest, longest,
three phrases, and the one that *is* the campaign theme) and must: never print the same
text twice on a page; in print PDFs, hold no raster image under 300 ppi at its placed
size (ornaments are vectors); on the WeChat cover, keep the whole slogan inside the
centre square the share card shows; on banners, centre the slogan on the full width the
same way for every slogan; in vertical text, start every column at the same height;
never end an issuer with a bare 等.
"""

from __future__ import annotations

import math
import re

import pytest
from pypdf import PdfReader
from test_template_library import glyph_box, plain, runs, slogan_runs

from qmposter.campaign import load_campaign
from qmposter.catalogue.catalogue import load_catalogue
from qmposter.content import Content, chinese_count, issuer_group
from qmposter.layout.engine import TemplateNotApplicable, layout_page
from qmposter.layout.page import Shape
from qmposter.products.preview import stress_samples
from qmposter.render.pdf import render_pdf
from qmposter.render.raster import render_image
from qmposter.templates import load_template, template_names
from qmposter.text import canonical

NAMES = template_names()
PRINT_PPI = 300


@pytest.fixture(scope="module")
def campaign():
    return load_campaign()


@pytest.fixture(scope="module")
def samples(campaign):
    """Shortest, longest, three-phrase, and slogan = theme (2010-01)."""
    catalogue = load_catalogue()
    texts = [s.text for s in stress_samples(catalogue, extra_file=None)[:3]]
    theme = [e.text for e in catalogue.current() if canonical(e.text) == canonical(campaign.theme)]
    assert theme, "the catalogue holds the 2010 theme as a slogan"
    return [*texts, theme[0]]


def pages(template, campaign, texts):
    for text in texts:
        try:
            yield text, layout_page(template, Content.from_campaign(campaign, text))
        except TemplateNotApplicable:
            continue


def words(text: str) -> str:
    return re.sub(r"[\W_]", "", text)


@pytest.mark.parametrize("name", NAMES)
def test_no_text_is_printed_twice_on_a_page(name, campaign, samples):
    """No line (≥ 4 characters) is repeated or contained in another: theme = slogan, 2010 twice."""
    template = load_template(name)
    for text, page in pages(template, campaign, samples):
        lines = {id(run) for run in slogan_runs(page, text)}
        shown = [(words(run.text), id(run) in lines) for run in runs(page)]
        for i, (a, a_slogan) in enumerate(shown):
            for j, (b, b_slogan) in enumerate(shown):
                if i == j or len(a) < 4 or (a_slogan and b_slogan):
                    continue  # the slogan's own lines may share words (创造高质量，奉献高质量)
                assert a not in b, f"{name}: “{a}” is printed again in “{b}” (slogan {text})"


def test_slogan_equal_to_theme_drops_the_theme(campaign, samples):
    theme_slogan = samples[-1]
    page = layout_page(load_template("poster-a3-red"), Content.from_campaign(campaign, theme_slogan))
    assert sum(words(campaign.theme) in words(run.text) for run in runs(page)) == 0  # lines are split
    assert "".join(plain(r.text) for r in slogan_runs(page, theme_slogan)) == plain(theme_slogan)
    other = layout_page(load_template("poster-a3-red"), Content.from_campaign(campaign, samples[0]))
    assert any(words(run.text) == words(campaign.theme) for run in runs(other)), "the theme is shown otherwise"


# -- print resolution ----------------------------------------------------------------------------


def placed_images(pdf: bytes) -> list[tuple[int, int, float, float]]:
    """Every image drawn in the PDF: its pixels and its placed size in points (from the CTM at `Do`)."""
    found: list[tuple[int, int, float, float]] = []
    for page in PdfReader(_stream(pdf)).pages:
        xobjects = page.get("/Resources", {}).get("/XObject", {}) or {}

        def visit(op, args, cm, tm, xobjects=xobjects):
            if op != b"Do":
                return
            obj = xobjects[args[0]].get_object()
            if obj.get("/Subtype") == "/Image":
                found.append(
                    (int(obj["/Width"]), int(obj["/Height"]), math.hypot(cm[0], cm[1]), math.hypot(cm[2], cm[3]))
                )

        page.extract_text(visitor_operand_before=visit)
    return found


def _stream(data: bytes):
    import io

    return io.BytesIO(data)


def low_resolution(pdf: bytes) -> list[str]:
    out = []
    for w, h, pw, ph in placed_images(pdf):
        ppi = min(w / (pw / 72), h / (ph / 72))
        if ppi < PRINT_PPI - 0.5:
            out.append(f"{w}×{h} px placed at {pw / 72 * 25.4:.0f}×{ph / 72 * 25.4:.0f} mm = {ppi:.0f} ppi")
    return out


def test_the_resolution_check_finds_a_bitmap_stretched_over_a_poster(tmp_path, campaign):
    """The checker itself: a 200-px picture over an A3 page is ~17 ppi and must be caught."""
    from PIL import Image

    Image.new("RGB", (200, 200), (200, 20, 20)).save(tmp_path / "small.png")
    (tmp_path / "t.toml").write_text(
        'title = "测试"\nkind = "poster"\n[page]\nsize = "A3"\n'
        '[[element]]\ntype = "image"\nsrc = "small.png"\nfit = "stretch"\nx = "0"\ny = "0"\nwidth = "100%"\n'
        'height = "100%"\n[[element]]\ntype = "slogan"\nx = "10%"\ny = "40%"\nwidth = "80%"\nheight = "20%"\n',
        encoding="utf-8",
    )
    page = layout_page(load_template(tmp_path / "t.toml"), Content.from_campaign(campaign, "质量第一"))
    problems = low_resolution(render_pdf([page]))
    assert len(problems) == 1 and "12 ppi" in problems[0]


@pytest.mark.parametrize("name", [n for n in NAMES if load_template(n).is_print])
def test_print_pdfs_have_no_raster_under_300_ppi(name, campaign, samples):
    template = load_template(name)
    for _, page in list(pages(template, campaign, samples))[:1]:
        assert low_resolution(render_pdf([page])) == [], f"{name}: low-resolution raster in the print PDF"


def test_red_poster_ornaments_are_vector_paths(campaign, samples):
    page = layout_page(load_template("poster-a2-red"), Content.from_campaign(campaign, samples[0]))
    shapes = [item for item in page.items if isinstance(item, Shape)]
    assert len(shapes) >= 6  # rays, four 回纹 corners, the mark's ring and disc
    pdf = render_pdf([page])
    assert placed_images(pdf) == []
    content = b"".join(p.get_contents().get_data() for p in PdfReader(_stream(pdf)).pages)
    assert content.count(b" l\n") + content.count(b" l ") > 100  # ray and 回纹 outlines as path segments


def test_a_ring_has_a_hole_in_png_like_in_pdf(campaign, samples):
    """Raster paints a reversed polygon as a hole, as the PDF's non-zero fill does."""
    template = load_template("poster-a3-modern")
    page = layout_page(template, Content.from_campaign(campaign, samples[0]))
    ring = next(e for e in template.elements if e.id == "mark-ring")
    dpi = 40
    image = render_image(page, dpi)
    scale = dpi / 72
    cx, cy = (ring.box.x + ring.box.width / 2) * scale, (ring.box.y + ring.box.height / 2) * scale
    r = ring.box.width / 2 * scale
    rim = image.getpixel((round(cx + r - 1), round(cy)))
    inside = image.getpixel((round(cx), round(cy - r * 0.75)))
    assert min(rim) > 235, f"ring rim should be white, got {rim}"
    assert inside[1] < 120, f"inside the ring is the red ground, got {inside}"


# -- WeChat cover --------------------------------------------------------------------------------


def test_wechat_cover_slogan_stays_in_the_centre_square(campaign):
    """Every catalogue slogan (current and old wordings) lies inside the centre H×H square."""
    template = load_template("image-wechat-cover-900x383")
    width, height = template.page.width, template.page.height
    left, right = (width - height) / 2, (width + height) / 2
    for entry in load_catalogue().entries:
        page = layout_page(template, Content.from_campaign(campaign, entry.text))
        lines = slogan_runs(page, entry.text)
        assert "".join(plain(r.text) for r in lines) == plain(entry.text)
        for run in lines:
            for glyph in run.glyphs:
                if glyph.visible:
                    x0, y0, x1, y1 = glyph_box(run, glyph)
                    assert left <= x0 and x1 <= right and y0 >= 0 and y1 <= height, (
                        f"“{glyph.char}” of {entry.text} leaves the centre square"
                    )
        name = next(r for r in runs(page) if "质量月" in r.text and "活动" in r.text)
        assert all(left <= glyph_box(name, g)[0] and glyph_box(name, g)[2] <= right for g in name.glyphs)


# -- banners, vertical text, issuers -------------------------------------------------------------


@pytest.mark.parametrize("name", [n for n in NAMES if load_template(n).kind == "banner"])
def test_banners_are_the_same_for_every_slogan_and_centred(name, campaign):
    template = load_template(name)
    kinds = set()
    for entry in load_catalogue().current():
        page = layout_page(template, Content.from_campaign(campaign, entry.text))
        lines = slogan_runs(page, entry.text)
        cells = [glyph_box(r, g) for r in lines for g in r.glyphs if g.visible]
        left, right = min(c[0] for c in cells), max(c[2] for c in cells)
        assert abs((left + right) / 2 - template.page.width / 2) < 0.01 * template.page.width, entry.text
        kinds.add(tuple(sorted({r.text for r in runs(page)} - {r.text for r in lines})))
    assert len(kinds) == 1, f"{name}: the other texts change with the slogan: {kinds}"


@pytest.mark.parametrize("name", ["image-phone-1080x1920", "vertical-red-0.8x3m"])
def test_vertical_columns_start_at_the_same_height(name, campaign, samples):
    template = load_template(name)
    for text, page in pages(template, campaign, samples):
        tops = {round(run.glyphs[0].y, 1) for run in slogan_runs(page, text)}
        assert len(tops) == 1, f"{name}: columns of {text} start at {sorted(tops)}"


def test_vertical_banner_keeps_three_phrase_slogans_large(campaign):
    template = load_template("vertical-red-0.8x3m")
    text = "创造高质量，奉献高质量，享受高质量"
    lines = slogan_runs(layout_page(template, Content.from_campaign(campaign, text)), text)
    assert lines[0].size >= 200 * 72 / 25.4 - 0.01
    assert len(lines) == 2


def test_issuer_group_never_ends_in_a_bare_deng(campaign, samples):
    assert issuer_group(tuple(campaign.issuers)) == "江苏省质量技术监督局等七部门"
    assert issuer_group(("江苏省总工会",)) == "江苏省总工会"
    assert [chinese_count(n) for n in (2, 10, 12, 20, 23)] == ["二", "十", "十二", "二十", "二十三"]
    for name in NAMES:
        for _, page in pages(load_template(name), campaign, samples[:1]):
            for run in runs(page):
                assert not run.text.rstrip().endswith("等"), f"{name}: “{run.text}” ends in a bare 等"
