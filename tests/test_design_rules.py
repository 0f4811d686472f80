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

import dataclasses
import math
import re

import pytest
from pypdf import PdfReader
from test_template_library import glyph_box, plain, runs, slogan_runs

from qmposter.campaign import load_campaign
from qmposter.catalogue.catalogue import load_catalogue
from qmposter.content import Content, chinese_count, issuer_group
from qmposter.layout.engine import TemplateNotApplicable, layout_page
from qmposter.layout.page import Fill, LinearGradient, QRCode, Shape
from qmposter.products.preview import stress_samples
from qmposter.render.pdf import render_pdf
from qmposter.render.raster import render_image
from qmposter.templates import load_template, template_names
from qmposter.text import canonical, split_phrases

NAMES = template_names()
PRINT_PPI = 300
MM = 72 / 25.4


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


RAYS_TEMPLATE = """title = "测试"
kind = "poster"
[page]
size = "A4"
[background]
color = "#c8161d"
[[element]]
type = "ornament"
pattern = "rays"
count = 12
origin = [0.5, 0.5]
opacity = 0.4
x = "0"
y = "0"
width = "100%"
height = "100%"
[[element]]
type = "slogan"
x = "10%"
y = "90%"
width = "80%"
height = "5%"
"""


def test_rays_fade_from_the_centre_alike_in_png_pdf_and_svg(tmp_path, campaign):
    """The sunburst is brightest at its centre: stepped vector rings whose alphas the PDF and
    the SVG carry unchanged, and the PNG shows a ray lighter near the centre than far out."""
    from qmposter.render.svg import render_svg

    (tmp_path / "t.toml").write_text(RAYS_TEMPLATE, encoding="utf-8")
    page = layout_page(load_template(tmp_path / "t.toml"), Content.from_campaign(campaign, "质量第一"))
    rays = [item for item in page.items if isinstance(item, Shape)]
    alphas = [round(r.opacity, 4) for r in rays]
    assert len(rays) >= 10 and alphas == sorted(alphas, reverse=True) and alphas[0] > 5 * alphas[-1]
    pdf_alphas = set()
    for pdf_page in PdfReader(_stream(render_pdf([page]))).pages:
        for state in (pdf_page["/Resources"].get("/ExtGState") or {}).values():
            if "/ca" in state.get_object():
                pdf_alphas.add(round(float(state.get_object()["/ca"]), 4))
    assert set(alphas) <= pdf_alphas
    svg_alphas = {round(float(v), 4) for v in re.findall(r'fill-opacity="([0-9.]+)"', render_svg(page))}
    assert set(alphas) <= svg_alphas
    dpi = 30
    image = render_image(page, dpi).convert("RGB")
    cx, cy = page.width / 2, page.height / 2
    reach = cx  # rays pointing right, a little below the horizontal, stay on the page

    def lift(fraction: float) -> int:
        """How much lighter a ray is than the gap beside it, at this fraction of the way to the edge."""
        step = 2 * math.pi / 12
        on, off = [
            image.getpixel((round((cx + fraction * reach * math.cos(a)) * dpi / 72),
                            round((cy + fraction * reach * math.sin(a)) * dpi / 72)))[1]
            for a in (step / 4, 3 * step / 4)
        ]  # fmt: skip
        return on - off

    assert lift(0.1) > lift(0.5) > lift(0.9) >= 0
    assert lift(0.1) > 1.4 * lift(0.9)  # alpha 0.94 → 0.39 at these distances


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


@pytest.mark.parametrize("text", ["创造高质量，奉献高质量，享受高质量", "抓质量，讲诚信，树品牌",
                                  "坚持质量第一，保障质量安全，促进科学发展"])  # fmt: skip
def test_vertical_banner_sets_three_phrases_in_equal_columns(campaign, text):
    """Whole phrases, the same number in every column (one column, or one phrase each), never
    one long and one short column (10 + 5); characters stay large."""
    template = load_template("vertical-red-0.8x3m")
    lines = slogan_runs(layout_page(template, Content.from_campaign(campaign, text)), text)
    phrases = [plain(p) for p in split_phrases(text)]
    assert [plain(r.text) for r in lines] in (phrases, ["".join(phrases)])
    assert lines[0].size >= 190 * MM, f"{lines[0].size / MM:.0f} mm characters"


@pytest.mark.parametrize("text", ["抓质量水平提升，促发展方式转变", "创造高质量，奉献高质量，享受高质量"])
def test_vertical_banner_centres_its_block_of_columns(campaign, text):
    """Columns start level and the block's ink sits mid-way in the slogan area, not hanging from the top."""
    template = load_template("vertical-red-0.8x3m")
    page = layout_page(template, Content.from_campaign(campaign, text))
    cells = [glyph_box(r, g) for r in slogan_runs(page, text) for g in r.glyphs if g.visible]
    top, bottom = min(c[1] for c in cells), max(c[3] for c in cells)
    area = next(e for e in template.elements if e.type == "slogan").box
    assert abs((top + bottom) / 2 - (area.y + area.height / 2)) < 0.02 * area.height


def test_issuer_group_never_ends_in_a_bare_deng(campaign, samples):
    assert issuer_group(tuple(campaign.issuers)) == "江苏省质量技术监督局等七部门"
    assert issuer_group(("江苏省总工会",)) == "江苏省总工会"
    assert [chinese_count(n) for n in (2, 10, 12, 20, 23)] == ["二", "十", "十二", "二十", "二十三"]
    for name in NAMES:
        for _, page in pages(load_template(name), campaign, samples[:1]):
            for run in runs(page):
                assert not run.text.rstrip().endswith("等"), f"{name}: “{run.text}” ends in a bare 等"


# -- square image ----------------------------------------------------------------------------------


def test_square_slogan_sits_mid_red_clear_of_the_name_and_leaves_no_empty_band(campaign, samples):
    """The slogan block is centred between the activity name and the red block's foot, at least
    a third of a line below the name (three lines used to touch it); the cream part under the
    block starts within 100 px of its first text (with slogan = theme the block grows instead
    of leaving the theme's empty band)."""
    template = load_template("image-square-1080")
    for text, page in pages(template, campaign, samples):
        lines = slogan_runs(page, text)
        cells = [glyph_box(r, g) for r in lines for g in r.glyphs if g.visible]
        top, bottom = min(c[1] for c in cells), max(c[3] for c in cells)
        name = next(r for r in runs(page) if r.text == campaign.name)
        name_bottom = max(glyph_box(name, g)[3] for g in name.glyphs)
        block = next(i for i in page.items if isinstance(i, Fill) and isinstance(i.paint, LinearGradient))
        red_bottom = block.y + block.height
        assert top - name_bottom >= lines[0].size / 3, f"{text}: slogan crowds the name"
        assert abs((top + bottom) / 2 - (name_bottom + red_bottom) / 2) < 0.04 * (red_bottom - name_bottom), text
        below = [glyph_box(r, g)[1] for r in runs(page) for g in r.glyphs if glyph_box(r, g)[1] > red_bottom]
        assert min(below) - red_bottom < 100, f"{text}: {min(below) - red_bottom:.0f} px of empty cream"


# -- posters: slogan weight and the 落款 ----------------------------------------------------------

POSTERS = [n for n in NAMES if load_template(n).kind == "poster"]


@pytest.mark.parametrize("name", POSTERS)
def test_poster_slogans_fill_their_area(name, campaign, samples):
    """The slogan's ink covers ≥ 28 % of the slogan area for every sample: a short slogan is set
    in two large lines (it was one width-limited line, 20 % on the red poster, with empty red
    above and below); the longest, 21 characters, is limited by the width at about 30 %."""
    template = load_template(name)
    area = [e for e in template.elements if e.type == "slogan"][-1].box
    for text, page in pages(template, campaign, samples):
        cells = [glyph_box(r, g) for r in slogan_runs(page, text) for g in r.glyphs if g.visible]
        width = max(c[2] for c in cells) - min(c[0] for c in cells)
        height = max(c[3] for c in cells) - min(c[1] for c in cells)
        assert width * height >= 0.28 * area.width * area.height, f"{name}: {text} floats small in its area"


@pytest.mark.parametrize("name", POSTERS)
def test_poster_issuers_are_readable_from_a_step_back(name, campaign, samples):
    """The issuing bodies' Han characters stand ≥ 4 mm high in ink on A3, in proportion on A2."""
    from qmposter.fonts import load_font

    template = load_template(name)
    page = layout_page(template, Content.from_campaign(campaign, samples[0]))
    issuers = [run for run in runs(page) if run.text in campaign.issuers]
    assert len(issuers) == len(campaign.issuers)
    need = 4 * MM * template.page.width / (297 * MM)
    for run in issuers:
        _, y0, _, y1 = load_font(run.font_id).ink_bounds("江")
        ink = (y1 - y0) * run.size
        assert ink >= need, f"{name}: {run.text} is {ink / MM:.1f} mm high, needs {need / MM:.1f} mm"


COUNTY_ISSUERS = (
    "杭州市临安区市场监督管理局", "中共杭州市临安区委宣传部", "杭州市临安区经济和信息化局",
    "杭州市临安区人民政府国有资产监督管理办公室", "杭州市临安区住房和城乡建设局",
)  # fmt: skip


@pytest.mark.parametrize("name", ["poster-a3-red", "poster-a2-red"])
def test_red_poster_foot_scales_the_issuers_with_their_number(name, campaign, samples):
    """One county 落款 is a large line level with the QR code (it was one 5 mm line in an empty
    dark band); two, three or four bodies are one large column; seven keep the two-column list.
    Every body is printed once, inside the band, left of the QR code, above the hotline."""
    from qmposter.fonts import load_font

    template = load_template(name)
    heights = {}
    for count in (1, 2, 4, 7):
        issuers = COUNTY_ISSUERS[:count] if count < 7 else campaign.issuers
        page = layout_page(template, Content.from_campaign(dataclasses.replace(campaign, issuers=issuers), samples[0]))
        shown = [run for run in runs(page) if run.text in issuers]
        assert sorted(run.text for run in shown) == sorted(issuers), f"{name}: {count} issuers"
        _, y0, _, y1 = load_font(shown[0].font_id).ink_bounds("江")
        heights[count] = min((y1 - y0) * run.size for run in shown)
        cells = [glyph_box(run, g) for run in shown for g in run.glyphs if g.visible]
        qr = next(i for i in page.items if isinstance(i, QRCode))
        label = next(r for r in runs(page) if plain(r.text) == "主办单位")
        hotline = next(r for r in runs(page) if r.text.startswith("质量投诉举报电话"))
        band = next(e for e in template.elements if e.id == "band").box
        assert min(c[0] for c in cells) >= band.x + 10 * MM and max(c[2] for c in cells) < qr.x, name
        assert min(c[1] for c in cells) > max(glyph_box(label, g)[3] for g in label.glyphs), f"{name}: {count}"
        assert max(c[3] for c in cells) < min(glyph_box(hotline, g)[1] for g in hotline.glyphs), f"{name}: {count}"
        if count == 1:  # the line's foot is level with the QR code's
            assert abs(max(c[3] for c in cells) - (qr.y + qr.size)) < 0.05 * qr.size, name
    assert heights[1] >= 2.5 * heights[7], f"{name}: one issuer {heights[1] / MM:.1f} mm, seven {heights[7] / MM:.1f}"
    assert heights[1] > heights[2] > heights[4] > heights[7], {n: round(h / MM, 1) for n, h in heights.items()}


def test_wechat_cover_right_side_keeps_content_when_the_theme_is_the_slogan(campaign, samples):
    """The theme column right of the centre square shows the hotline instead of standing empty
    above the date when the theme is not printed (slogan = theme); otherwise the theme."""
    template = load_template("image-wechat-cover-900x383")
    right = (template.page.width + template.page.height) / 2
    for text, page in pages(template, campaign, samples):
        shown = [plain(r.text) for r in runs(page) if min(glyph_box(r, g)[0] for g in r.glyphs) >= right]
        is_theme = words(text) == words(campaign.theme)
        assert (campaign.hotline in shown) == is_theme, f"{text}: right side shows {shown}"
        assert any("二〇" in s for s in shown), f"{text}: the date is missing"


@pytest.mark.parametrize("name", POSTERS)
def test_poster_hierarchy_reads_mark_name_theme_slogan_then_the_foot(name, campaign, samples):
    """Top to bottom: the 质量月 mark, the activity name, the theme, the slogan, then issuers,
    hotline, date and QR code in the foot; the slogan is the largest Chinese type (the modern
    poster's big "2010" is a numeral graphic, not a line of text competing with it)."""
    template = load_template(name)
    for text, page in pages(template, campaign, samples):
        all_runs = runs(page)
        lines = slogan_runs(page, text)

        def top(run) -> float:
            return min(glyph_box(run, g)[1] for g in run.glyphs)

        mark = next(r for r in all_runs if r.text == "质量月")
        title = next(r for r in all_runs if r.text.endswith("活动") and r is not mark)
        theme = [r for r in all_runs if words(r.text) == words(campaign.theme) and r not in lines]
        foot = [r for r in all_runs if r.text in campaign.issuers or campaign.hotline in r.text or "二〇" in r.text]
        qr = next(i for i in page.items if isinstance(i, QRCode))
        order = [top(mark), top(title), *(top(r) for r in theme), min(top(r) for r in lines)]
        assert order == sorted(order), f"{name}: {text}: head out of order {order}"
        bottom = max(glyph_box(r, g)[3] for r in lines for g in r.glyphs if g.visible)
        assert bottom < min(min(top(r) for r in foot), qr.y), f"{name}: {text}: slogan runs into the foot"
        han = [r for r in all_runs if r not in lines and re.search(r"[\u4e00-\u9fff]", r.text)]
        assert lines[0].size > max(r.size for r in han), f"{name}: {text}: the slogan is not the largest Chinese type"


@pytest.mark.parametrize("name", POSTERS)
def test_poster_theme_is_a_heading_not_a_footnote(name, campaign, samples):
    """The year's theme stands ≥ 10 mm (em) on A3, in proportion on A2 (it was an 8.5 mm subtitle)."""
    template = load_template(name)
    page = layout_page(template, Content.from_campaign(campaign, samples[0]))
    theme = [r for r in runs(page) if words(r.text) == words(campaign.theme)]
    assert len(theme) == 1
    need = 10 * MM * template.page.width / (297 * MM)
    assert theme[0].size >= need, f"{name}: theme {theme[0].size / MM:.1f} mm"
