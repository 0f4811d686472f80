"""The leaflet (qmposter leaflet), checked as a reader, a print shop and a typesetter would.

The PDFs are built from the bundled catalogue (slogans/2009-national.toml and
slogans/2010-jiangsu.toml, imported from the seed notices) and the bundled campaign,
and from a short county notice written for the tests (tests/leaflet_short: 3
activities, 3 slogans besides the theme), in both layouts, and inspected with
independent tools: pypdf (text, fonts, boxes), poppler's pdftotext (line boxes),
pdftoppm + Pillow (ink coverage of every panel) and zxing-cpp (the QR code scans).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner
from PIL import Image, ImageChops

from qmposter.campaign import load_campaign
from qmposter.catalogue.catalogue import load_catalogue
from qmposter.cli import cli
from qmposter.errors import LayoutError, MissingGlyphsError, TemplateError
from qmposter.layout.breaking import NO_END, NO_START
from qmposter.products.leaflet import (
    LeafletActivity,
    LeafletGroup,
    build_leaflet,
    first_sentences,
    leaflet_content,
    sentences,
    short_text,
    write_leaflet,
)
from qmposter.products.leaflet_layouts import render_leaflet
from qmposter.products.leaflet_pages import Kit, resolve_fonts
from qmposter.products.leaflet_style import load_style, read_style, style_path
from qmposter.products.leaflet_text import MAX_SQUEEZE_EM, han_count

MM = 72 / 25.4
A4_W, A4_H = 595.2756, 841.8898
SEEDS = ("2009-national", "2010-jiangsu")
LAYOUTS = ("a4", "trifold")
CASES = [(s, lay) for s in SEEDS for lay in LAYOUTS]
SHORT = Path(__file__).parent / "leaflet_short"
COUNTY = Path(__file__).parent / "leaflet_county"
NOTICES = ("2009-national", "2010-jiangsu", "short", "county", "many")

needs_poppler = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) not installed")


@pytest.fixture(scope="module")
def campaign():
    return load_campaign()


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


@pytest.fixture(scope="module")
def leaflets(campaign, catalogue, tmp_path_factory):
    """Each (source, layout) built once: the Leaflet and its PDF on disk."""
    folder = tmp_path_factory.mktemp("leaflets")
    out = {}
    for source, layout in CASES:
        result = build_leaflet(campaign, catalogue, source_id=source, layout=layout)
        path = folder / f"{source}-{layout}.pdf"
        path.write_bytes(result.pdf)
        out[source, layout] = (result, path)
    return out


def both_layouts(folder: Path, name: str, campaign_dir: Path) -> dict[str, Path]:
    """The leaflet of the campaign in `campaign_dir` (its own slogans/ catalogue) in both layouts."""
    campaign = load_campaign(campaign_dir / "campaign.toml")
    catalogue = load_catalogue(campaign_dir / "slogans")
    out = {}
    for layout in LAYOUTS:
        out[layout] = folder / f"{name}-{layout}.pdf"
        out[layout].write_bytes(build_leaflet(campaign, catalogue, layout=layout).pdf)
    return out


@pytest.fixture(scope="module")
def short_leaflets(tmp_path_factory):
    """The short county notice (3 activities, 3 slogans) under its own county campaign, both layouts."""
    return both_layouts(tmp_path_factory.mktemp("short"), "short", SHORT)


@pytest.fixture(scope="module")
def county_leaflets(tmp_path_factory):
    """A provincial notice as a county reuses it (tests/leaflet_county): a theme, 3 one-sentence
    activities under a group named 活动内容, 6 slogans, no 指导思想; both layouts."""
    return both_layouts(tmp_path_factory.mktemp("county"), "county", COUNTY)


def many_content(catalogue):
    """The county content with 20 activities (the seeds' titles, one sentence each), 30 slogans
    and no 指导思想: the long end of what a notice brings."""
    county = leaflet_content(load_campaign(COUNTY / "campaign.toml"), load_catalogue(COUNTY / "slogans"))
    pool = [*catalogue.sources["2010-jiangsu"].activities, *catalogue.sources["2009-national"].activities]
    activities = []
    for number, activity in enumerate(pool[:20], start=1):
        rest = sentences(activity.text.removeprefix(activity.title).lstrip("。："))
        activities.append(LeafletActivity(number, activity.title, f"{activity.title}。{rest[0] if rest else ''}"))
    slogans = tuple(dict.fromkeys(e.text for e in catalogue.entries))[:30]
    assert len(slogans) == 30
    return replace(county, groups=(LeafletGroup("活动内容", tuple(activities)),), slogans=slogans, guiding_idea=None)


@pytest.fixture(scope="module")
def many_leaflets(catalogue, tmp_path_factory):
    folder = tmp_path_factory.mktemp("many")
    out = {}
    for layout in LAYOUTS:
        path = folder / f"many-{layout}.pdf"
        path.write_bytes(render_leaflet(many_content(catalogue), load_style(layout))[0])
        out[layout] = path
    return out


@pytest.fixture(scope="module")
def leaflet_path(leaflets, short_leaflets, county_leaflets, many_leaflets):
    """The PDF of any notice (seed id, "short", "county" or "many") in a layout."""

    def path(notice: str, layout: str) -> Path:
        extra = {"short": short_leaflets, "county": county_leaflets, "many": many_leaflets}
        return extra[notice][layout] if notice in extra else leaflets[notice, layout][1]

    return path


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_text(path: Path) -> str:
    return "".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


def poppler_lines(path: Path) -> list[tuple[int, str, float, float, float, float]]:
    """(page, text, xMin, yMin, xMax, yMax) of every line poppler finds, in media-box points (y down)."""
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(path), "-"], check=True, capture_output=True).stdout
    xml = re.sub(rb"<!DOCTYPE[^>]*>", b"", xml)
    root = ET.fromstring(xml)
    ns = {"h": "http://www.w3.org/1999/xhtml"}
    lines = []
    for number, page in enumerate(root.iter("{http://www.w3.org/1999/xhtml}page"), start=1):
        for line in page.iterfind(".//h:line", ns):
            words = [w.text or "" for w in line.iterfind("h:word", ns)]
            box = [float(line.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")]
            lines.append((number, "".join(words), *box))
    return lines


# -- what a reader finds -------------------------------------------------------------------------


@pytest.mark.parametrize(("source", "layout"), CASES)
def test_campaign_theme_and_every_activity_title_in_order(leaflets, campaign, catalogue, source, layout):
    """The theme is the campaign's whichever notice supplies the plan; the plan keeps every title."""
    _result, path = leaflets[source, layout]
    text = squash(pdf_text(path))
    notice = catalogue.sources[source]
    assert squash(campaign.theme) in text
    position = text.index("活动内容")
    for activity in notice.activities:
        found = text.find(squash(activity.title), position)
        assert found >= 0, f"{activity.title} missing or out of order"
        position = found + len(squash(activity.title))
    for group in dict.fromkeys(a.group for a in notice.activities if a.group):
        assert squash(group) in text


@pytest.mark.parametrize("layout", LAYOUTS)
def test_jiangsu_leaflet_prints_the_hotline_issuers_and_slogans(leaflets, campaign, layout):
    result, path = leaflets["2010-jiangsu", layout]
    text = squash(pdf_text(path))
    assert "质量投诉举报电话" in text and "12365" in text
    for issuer in campaign.issuers:
        assert issuer in text
    assert result.slogans >= 6
    assert "恪守质量诚信，践行社会责任" in text or result.slogans < 5


def test_the_theme_is_not_repeated_as_a_slogan(campaign, catalogue):
    content = leaflet_content(campaign, catalogue, "2010-jiangsu")
    assert content.theme == "抓质量水平提升，促发展方式转变"
    assert all(squash(s).replace("，", "") != "抓质量水平提升促发展方式转变" for s in content.slogans)
    assert content.kicker == "2010年全省“质量月”活动"
    assert content.date is None  # the Jiangsu notice carries no date: none is printed


def test_a_leaflet_from_another_notice_still_speaks_for_the_campaign(campaign, catalogue):
    """--source picks whose plan and slogans are printed; year, name, 落款 stay the campaign's,
    and the borrowed plan carries a line naming the notice's issuer, title and 文号."""
    content = leaflet_content(campaign, catalogue, "2009-national")
    assert content.kicker == campaign.name and content.year == campaign.year == 2010
    assert content.theme == "抓质量水平提升，促发展方式转变"
    assert content.issuers == campaign.issuers
    assert content.date is None  # the campaign gives no date: none is printed (not the notice's 2009-07-15)
    assert content.credit == (
        "指导思想和活动内容摘自中共中央宣传部等六部门《关于开展2009年全国“质量月”活动的通知》（国质检质联〔2009〕322号）"
    )
    assert content.slogans[0] == "夯实质量安全基础，促进经济又好又快发展"
    assert content.hotline == "12365"


def test_the_campaigns_own_plan_and_date_replace_the_notices(tmp_path, catalogue):
    """[leaflet] guiding_idea/activities and date in campaign.toml: printed, with no attribution line."""
    text = (SHORT / "campaign.toml").read_text(encoding="utf-8").replace('source = "2026-qingshui"\n', "")
    text += '\n[leaflet]\nguiding_idea = "让群众买得放心、用得安心。"\n'
    text += 'activities = ["质量咨询日：9月10日在人民广场设咨询台。", "开放日：请群众走进企业检验室。"]\n'
    (tmp_path / "campaign.toml").write_text(text, encoding="utf-8")
    own = load_campaign(tmp_path / "campaign.toml")
    content = leaflet_content(own, load_catalogue(SHORT / "slogans"))
    assert content.credit is None and content.guiding_idea == "让群众买得放心、用得安心。"
    assert [(a.title, a.text) for a in content.activities] == [
        ("质量咨询日", "质量咨询日。9月10日在人民广场设咨询台。"),
        ("开放日", "开放日。请群众走进企业检验室。"),
    ]
    assert content.date == "2026年9月1日"
    pdf = tmp_path / "own.pdf"
    pdf.write_bytes(build_leaflet(own, load_catalogue(SHORT / "slogans"), layout="trifold").pdf)
    printed = squash(pdf_text(pdf))
    assert "摘自" not in printed and "9月10日在人民广场设咨询台" in printed and "2026年9月1日" in printed


def test_a_bad_campaign_date_is_refused(tmp_path):
    bad = tmp_path / "campaign.toml"
    bad.write_text((SHORT / "campaign.toml").read_text(encoding="utf-8").replace("2026-09-01", "2026-13-01"),
                   encoding="utf-8")  # fmt: skip
    result = CliRunner().invoke(cli, ["leaflet", "--campaign", str(bad), "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2 and "date" in result.output and "Traceback" not in result.output


def test_metadata(leaflets):
    _result, path = leaflets["2010-jiangsu", "a4"]
    meta = pypdf.PdfReader(path).metadata
    assert meta.title == "2010年全省“质量月”活动宣传单"
    assert meta.author.startswith("江苏省质量技术监督局")
    assert "抓质量水平提升" in meta.subject
    assert meta.creator.startswith("qmposter")


# -- what a print shop checks ------------------------------------------------------------------------


@pytest.mark.parametrize(("source", "layout"), CASES)
def test_two_pages_a4_trim_and_3mm_bleed(leaflets, source, layout):
    _result, path = leaflets[source, layout]
    reader = pypdf.PdfReader(path)
    assert len(reader.pages) == 2
    want = (A4_W, A4_H) if layout == "a4" else (A4_H, A4_W)
    for page in reader.pages:
        trim, bleed, media = page.trimbox, page.bleedbox, page.mediabox
        assert (float(trim.width), float(trim.height)) == pytest.approx(want, abs=0.01)
        assert float(bleed.left) == pytest.approx(float(trim.left) - 3 * MM, abs=0.01)
        assert float(bleed.top) == pytest.approx(float(trim.top) + 3 * MM, abs=0.01)
        assert float(bleed.width) == pytest.approx(float(trim.width) + 6 * MM, abs=0.01)
        assert float(media.left) <= float(bleed.left) and float(media.top) >= float(bleed.top)


@pytest.mark.parametrize(("source", "layout"), CASES)
def test_fonts_are_embedded_truetype(leaflets, source, layout):
    _result, path = leaflets[source, layout]
    seen = 0
    for page in pypdf.PdfReader(path).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            if font.get("/Subtype") == "/Type0":
                font = font["/DescendantFonts"][0].get_object()
            assert "/FontFile2" in font["/FontDescriptor"], font.get("/BaseFont")
            seen += 1
    assert seen >= 3


@needs_poppler
@pytest.mark.parametrize(("source", "layout"), CASES)
def test_qr_code_scans_after_rasterising(leaflets, campaign, source, layout, tmp_path):
    import zxingcpp

    _result, path = leaflets[source, layout]
    page = 2 if layout == "a4" else 1
    subprocess.run(["pdftoppm", "-r", "200", "-png", "-f", str(page), "-l", str(page), str(path), str(tmp_path / "p")],
                   check=True)  # fmt: skip
    image = Image.open(next(tmp_path.glob("p*.png")))
    found = zxingcpp.read_barcodes(image)
    assert [b.text for b in found] == [campaign.qr_url]
    if layout == "trifold":  # on the back panel (the middle third of the outside page)
        x = sum(p.x for p in (found[0].position.top_left, found[0].position.bottom_right)) / 2 / 200 * 72
        left = 10 * MM  # media margin before the trim box
        assert left + 97 * MM < x < left + 197 * MM


@needs_poppler
@pytest.mark.parametrize(("source", "layout"), CASES)
def test_text_stays_inside_the_safe_area_and_its_panel(leaflets, source, layout):
    _result, path = leaflets[source, layout]
    style = load_style(layout)
    offset = 10 * MM
    safe = 5 * MM - 0.5
    trim_w, trim_h = style.width_mm * MM, style.height_mm * MM
    lines = poppler_lines(path)
    assert lines
    for page, text, x0, y0, x1, y1 in lines:
        assert offset + safe <= x0 and x1 <= offset + trim_w - safe, (page, text, x0, x1)
        assert offset + safe <= y0 and y1 <= offset + trim_h - safe, (page, text, y0, y1)
        if layout == "trifold":
            widths = style.panel_widths_mm if page == 1 else tuple(reversed(style.panel_widths_mm))
            folds = [offset + sum(widths[:i]) * MM for i in (1, 2)]
            for fold in folds:  # entirely on one side of each fold, 5 mm away from it
                assert x1 <= fold - safe or x0 >= fold + safe, (page, text, fold, x0, x1)


@needs_poppler
def test_trifold_panels_are_in_folding_order(leaflets):
    _result, path = leaflets["2010-jiangsu", "trifold"]
    offset = 10 * MM
    lines = poppler_lines(path)

    def panel(page: int, needle: str) -> int:
        widths = (97, 100, 100) if page == 1 else (100, 100, 97)
        x = next(x0 for p, text, x0, *_ in lines if p == page and needle in text)
        edges = [offset + sum(widths[:i]) * MM for i in range(4)]
        return next(i for i in range(3) if edges[i] <= x < edges[i + 1])

    # outside page, left to right: inner flap (the public part) | back | front cover
    assert panel(1, "什么是") == 0 and panel(1, "您可以这样做") == 0
    assert panel(1, "质量投诉举报电话") == 1 and panel(1, "共青团江苏省委") == 1
    assert panel(1, "质量月") == 2 or any(p == 1 and "质量月" in t for p, t, *_ in lines)
    assert panel(1, "2010年全省“质量月”活动") == 2
    assert panel(1, "抓质量水平提升") == 2
    # inside page: theme and guiding idea | the plan | the slogans
    assert panel(2, "指导思想") == 0
    assert panel(2, "活动内容") == 1 and panel(2, "开展联合宣传") == 1
    assert panel(2, "宣传口号") == 2


# -- what a typesetter checks --------------------------------------------------------------------


@needs_poppler
@pytest.mark.parametrize(("source", "layout"), CASES)
def test_no_line_starts_with_closing_punctuation_or_ends_with_an_opening_one(leaflets, source, layout):
    _result, path = leaflets[source, layout]
    lines = [text for _p, text, *_ in poppler_lines(path) if text]
    assert len(lines) > 60
    for text in lines:
        assert text[0] not in NO_START, text
        assert text[-1] not in NO_END, text


@needs_poppler
@pytest.mark.parametrize(("source", "layout"), CASES)
def test_headings_are_followed_by_their_text_in_the_same_column(leaflets, catalogue, source, layout):
    _result, path = leaflets[source, layout]
    lines = poppler_lines(path)
    headings = {a.group for a in catalogue.sources[source].activities if a.group} | {"活动内容", "宣传口号"}
    checked = 0
    for page, text, x0, _y0, _x1, y1 in lines:
        if text not in headings:
            continue
        below = [ly0 - y1 for p, t, lx0, ly0, *_ in lines if p == page and abs(lx0 - x0) < 30 and ly0 > y1 and t]
        assert below and min(below) < 25, f"heading {text} is not followed by its text"
        checked += 1
    assert checked >= 2


@pytest.mark.parametrize(("source", "layout"), CASES)
def test_the_same_input_gives_the_same_bytes(leaflets, campaign, catalogue, source, layout):
    result, _path = leaflets[source, layout]
    again = build_leaflet(campaign, catalogue, source_id=source, layout=layout)
    assert again.pdf == result.pdf


def test_paragraph_wrapping_keeps_the_clreq_rules_at_every_width(campaign, catalogue):
    """The guiding idea is full of 、，“” — set it at 90 widths and check every line."""
    style = load_style("a4")
    kit = Kit(style, resolve_fonts(style), 10)
    text = catalogue.sources["2010-jiangsu"].guiding_idea
    for font in ("body", "quote"):
        para = kit.para(text, font=font)
        for width in range(60, 330, 3):
            lines = para.lines_for(width)
            assert "".join(para.text[line.start : line.end] for line in lines) == text
            for line in lines:
                chars = para.text[line.start : line.end]
                assert chars[0] not in NO_START and chars[-1] not in NO_END, (width, chars)
                gaps = max(1, line.end - line.start - 1)
                assert line.width + line.indent <= width + MAX_SQUEEZE_EM * 10 * gaps + 1e-6, (width, chars)


def test_quotes_fill_a_full_width_cell_even_in_a_font_that_draws_them_narrow():
    style = load_style("a4")
    kit = Kit(style, resolve_fonts(style), 10)
    para = kit.para("以“质量”为", font="quote")  # 霞鹜文楷 draws “” 0.35 em wide
    # 以 “ 质 量 ” 为: six full-width cells of 10 pt
    assert sum(para._widths) == pytest.approx(60, abs=0.01)
    assert para.line_texts(40) == ["以“质", "量”为"]


def test_slogans_break_between_phrases():
    style = load_style("trifold")
    kit = Kit(style, resolve_fonts(style), 10)
    para = kit.para("夯实质量安全基础，促进经济又好又快发展", phrase=True)
    assert para.line_texts(150) == ["夯实质量安全基础，", "促进经济又好又快发展"]


# -- fitting -----------------------------------------------------------------------------------------


def _longer(content, times: int):
    """The Jiangsu content with its activities repeated `times` times (numbers continue)."""
    groups, number = [], 0
    for _ in range(times):
        for group in content.groups:
            items = []
            for activity in group.activities:
                number += 1
                items.append(LeafletActivity(number, f"{activity.title}{number}", activity.text))
            groups.append(LeafletGroup(group.heading, tuple(items)))
    return replace(content, groups=tuple(groups))


@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_long_plan_is_condensed_to_its_titles_and_keeps_every_one(campaign, catalogue, tmp_path, layout):
    content = _longer(leaflet_content(campaign, catalogue, "2010-jiangsu"), 2)
    pdf, attempt = render_leaflet(content, load_style(layout))
    assert attempt.detail == -1  # 32 activities: titles only, not a wall of government instructions
    path = tmp_path / "long.pdf"
    path.write_bytes(pdf)
    text = squash(pdf_text(path))
    position = 0
    for activity in content.activities:
        position = text.index(squash(activity.title), position)
    assert len(pypdf.PdfReader(path).pages) == 2


def test_a_short_plan_is_printed_whole(short_leaflets):
    text = squash(pdf_text(short_leaflets["trifold"]))
    assert "9月上旬，在县城和各乡镇设立质量咨询点" in text  # the whole activity text, not only its title
    assert "摘自清水县市场监督管理局《关于开展2026年全县“质量月”活动的通知》（清市监〔2026〕18号）" in text


def test_a_character_the_fonts_lack_is_refused_by_name(campaign, catalogue):
    content = leaflet_content(campaign, catalogue, "2010-jiangsu")
    group = content.groups[0]
    odd = LeafletActivity(99, "开展𠀀活动", "开展𠀀活动。说明。")  # U+20000 is outside the bundled subsets
    content = replace(content, groups=(LeafletGroup(group.heading, (*group.activities, odd)), *content.groups[1:]))
    with pytest.raises(MissingGlyphsError, match="U\\+20000"):
        render_leaflet(content, load_style("a4"))


def test_content_that_cannot_fit_is_refused_not_clipped(campaign, catalogue):
    content = _longer(leaflet_content(campaign, catalogue, "2010-jiangsu"), 8)
    with pytest.raises(LayoutError, match="排不下"):
        render_leaflet(content, load_style("a4"))


def test_sentences_and_short_text():
    assert sentences("开展联合宣传。根据“纲领”协定，启动活动。好吗？") == [
        "开展联合宣传。",
        "根据“纲领”协定，启动活动。",
        "好吗？",
    ]
    assert sentences("他说：“好。”然后走了") == ["他说：“好。”", "然后走了"]
    assert first_sentences("甲。乙。丙。", 2) == ("甲。乙。", True)
    assert first_sentences("甲。乙。", 0) == ("甲。乙。", False)
    assert first_sentences("甲。乙。", 2) == ("甲。乙。", False)
    assert short_text("一二三。四五六。", 5) == "一二三。"
    # a first sentence longer than the limit is cut after its last clause that fits, marked ……
    assert short_text("一二三四，五六七八，九十一二。", 11) == "一二三四，五六七八……"


# -- bad input -----------------------------------------------------------------------------------


def test_style_files_are_checked(tmp_path):
    good = style_path("a4").read_text(encoding="utf-8")
    bad = tmp_path / "leaflet-a4.toml"
    bad.write_text(good.replace('kind = "leaflet"', 'kind = "poster"'), encoding="utf-8")
    with pytest.raises(TemplateError, match="kind"):
        read_style(bad)
    bad.write_text(good.replace("margin_mm = 14", "margin_mm = 3"), encoding="utf-8")
    with pytest.raises(TemplateError, match="margin_mm"):
        read_style(bad)
    bad.write_text(good + "\nwhatever = 1\n", encoding="utf-8")
    with pytest.raises(TemplateError, match="whatever"):
        read_style(bad)


def test_cli_writes_the_pdf_and_reports_what_it_chose(tmp_path):
    out = tmp_path / "传单.pdf"
    result = CliRunner().invoke(cli, ["leaflet", "--source", "2009-national", "--layout", "trifold", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "A4 三折页" in result.output and "2009-national" in result.output
    assert out.read_bytes().startswith(b"%PDF")
    assert [p.name for p in tmp_path.iterdir()] == ["传单.pdf"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--source", "2011-nowhere"], "口号库中没有来源通知"),
        (["--layout", "a5"], "a5"),
        (["--campaign", "{bad}"], "campaign"),
    ],
)
def test_cli_refuses_bad_input_with_exit_2_and_writes_nothing(tmp_path, args, message):
    bad = tmp_path / "campaign.toml"
    bad.write_text('year = "二〇一〇"\n', encoding="utf-8")
    out = tmp_path / "out.pdf"
    out.write_bytes(b"old")
    args = [a.replace("{bad}", str(bad)) for a in args]
    result = CliRunner().invoke(cli, ["leaflet", *args, "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert out.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["campaign.toml", "out.pdf"]


@pytest.mark.parametrize(
    ("name", "message"), [("x.png", ".pdf"), ("a-file/x.pdf", "不是文件夹"), ("a-dir.pdf", "是一个文件夹")]
)
def test_cli_refuses_a_bad_output_path(tmp_path, name, message):
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    (tmp_path / "a-dir.pdf").mkdir()
    result = CliRunner().invoke(cli, ["leaflet", "-o", str(tmp_path / name)])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-dir.pdf", "a-file"]


def test_missing_output_folders_are_created(tmp_path):
    write_leaflet(b"%PDF-1.4 test", tmp_path / "new" / "sub" / "x.pdf")
    assert (tmp_path / "new" / "sub" / "x.pdf").read_bytes() == b"%PDF-1.4 test"
    assert [p.name for p in (tmp_path / "new" / "sub").iterdir()] == ["x.pdf"]


@needs_poppler
def test_headline_comma_at_a_line_end_is_not_printed_but_stays_in_the_text(leaflets):
    """The tri-fold cover sets the theme on two lines: the phrase comma ending the first line is
    invisible on paper (as on the posters) yet still copied and searched."""
    from pypdf import PdfReader

    _result, path = leaflets["2010-jiangsu", "trifold"]
    cover_lines = [text for page, text, *_ in poppler_lines(path) if page == 1 and "质量水平提升" in text]
    assert cover_lines and cover_lines[0].strip().endswith("抓质量水平提升，")
    content = PdfReader(path).pages[0].get_contents().get_data()
    assert b"3 Tr" in content  # the comma is drawn in invisible text render mode


# -- balanced pages: short notices and long ones -------------------------------------------------

INK_DPI = 50
SLUG_MM = 10.0  # media margin outside the trim


def ink_masks(path: Path, tmp_path: Path) -> list[Image.Image]:
    """Each page rasterised by poppler, as a mask of printed pixels: type, rules, codes (any
    channel below 200), not the pale tint under the slogans and the hotline."""
    subprocess.run(["pdftoppm", "-r", str(INK_DPI), "-png", str(path), str(tmp_path / "ink")], check=True)
    masks = []
    for file in sorted(tmp_path.glob("ink-*.png")):
        red, green, blue = Image.open(file).convert("RGB").split()
        darkest = ImageChops.darker(red, ImageChops.darker(green, blue))
        masks.append(darkest.point(lambda v: 255 if v < 200 else 0))
    return masks


def inked_rows(mask: Image.Image, x0_mm: float, x1_mm: float, y0_mm: float, y1_mm: float) -> list[bool]:
    """For each pixel row of the trim-relative box, whether it holds any ink."""
    scale = INK_DPI / 25.4
    left, right = round((SLUG_MM + x0_mm) * scale), round((SLUG_MM + x1_mm) * scale)
    top, bottom = round((SLUG_MM + y0_mm) * scale), round((SLUG_MM + y1_mm) * scale)
    return [mask.crop((left, y, right, y + 1)).getbbox() is not None for y in range(top, bottom)]


def largest_empty_run(rows: list[bool]) -> float:
    """The tallest stretch of rows without ink, as a share of all rows: one line of text or a crop
    mark does not make a panel full, a hole anywhere in it shows."""
    best = run = 0
    for inked in rows:
        run = 0 if inked else run + 1
        best = max(best, run)
    return best / len(rows)


@needs_poppler
@pytest.mark.parametrize("notice", NOTICES)
def test_every_trifold_panel_is_filled_without_a_hole(leaflet_path, notice, tmp_path):
    """Inside each panel's text area (8 mm in from trim and folds) no empty stretch is taller than
    30 % of it (the back panel, hotline | QR code | 落款, a third): the county notice with 3
    one-sentence activities once left 70 % of the first inside panel empty."""
    masks = ink_masks(leaflet_path(notice, "trifold"), tmp_path)
    margin = load_style("trifold").margin_mm
    for page, widths in ((0, (97, 100, 100)), (1, (100, 100, 97))):
        edges = [sum(widths[:i]) for i in range(4)]
        for index in range(3):
            rows = inked_rows(masks[page], edges[index] + margin, edges[index + 1] - margin, margin, 210 - margin)
            share = largest_empty_run(rows)
            limit = 1 / 3 if (page, index) == (0, 1) else 0.3
            assert share <= limit, (notice, page + 1, index + 1, round(share, 2))


@needs_poppler
@pytest.mark.parametrize("notice", NOTICES)
def test_a4_pages_have_no_hole_and_the_plan_columns_end_together(leaflet_path, notice, tmp_path):
    """No empty stretch taller than a fifth of either A4 page; on the back the two plan columns
    (above the slogan panel) end within 6 mm of each other: balanced by height, not 1 | 2+3."""
    masks = ink_masks(leaflet_path(notice, "a4"), tmp_path)
    margin = load_style("a4").margin_mm
    for page, mask in enumerate(masks, start=1):
        share = largest_empty_run(inked_rows(mask, margin, 210 - margin, margin, 297 - margin))
        assert share <= 0.2, (notice, page, round(share, 2))
    back = Image.open(sorted(tmp_path.glob("ink-*.png"))[1]).convert("RGB")
    panel_top = slogan_panel_top(back)
    column = (210 - 2 * margin - 7) / 2
    bottoms = []
    for x0 in (margin, margin + column + 7):
        rows = inked_rows(masks[1], x0, x0 + column, margin, panel_top - 1)
        bottoms.append(max(i for i, inked in enumerate(rows) if inked) / INK_DPI * 25.4)
    assert abs(bottoms[0] - bottoms[1]) <= 6, (notice, bottoms)


def slogan_panel_top(page: Image.Image) -> float:
    """Trim-relative top (mm) of the tinted slogan panel on the A4 back: the first row that is
    pale tint (not paper, not ink) across the middle of the page."""
    scale = INK_DPI / 25.4
    x = round((SLUG_MM + 105) * scale)
    for y in range(round(SLUG_MM * scale), page.height):
        if 200 <= min(page.getpixel((x, y))) < 245 and min(page.getpixel((x - 30, y))) >= 200:
            return y / scale - SLUG_MM
    raise AssertionError("no slogan panel")


@needs_poppler
@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_group_named_like_its_section_is_not_printed_twice(county_leaflets, layout):
    """The notice's only group is "活动内容": under the 活动内容 label it is not printed again."""
    lines = [text for _page, text, *_ in poppler_lines(county_leaflets[layout])]
    assert lines.count("活动内容") == 1
    text = squash(pdf_text(county_leaflets[layout]))
    for title in ("开展质量强省建设宣传", "开展质量提升行动", "开展质量惠民活动"):
        assert title in text


@needs_poppler
def test_a_notice_without_guiding_idea_shows_the_theme_inside(county_leaflets):
    """No 指导思想: the tri-fold's first inside panel opens with 活动主题, not with the plan."""
    lines = poppler_lines(county_leaflets["trifold"])
    inside = [(text, x0) for page, text, x0, *_ in lines if page == 2]
    assert not any("指导思想" in text for text, _x in inside)
    first_panel = [text for text, x0 in inside if x0 < (10 + 100) * MM]
    assert first_panel[0] == "活动主题"
    assert "加快质量强省建设" in "".join(first_panel)


def test_many_activities_without_guiding_idea_keep_every_title_in_order(many_leaflets, catalogue):
    for layout in LAYOUTS:
        text = squash(pdf_text(many_leaflets[layout]))
        position = 0
        for activity in many_content(catalogue).activities:
            position = text.index(squash(activity.title), position)


@needs_poppler
@pytest.mark.parametrize("layout", LAYOUTS)
def test_the_short_county_leaflet_speaks_only_for_the_county(short_leaflets, layout):
    text = squash(pdf_text(short_leaflets[layout]))
    assert "2026" in text and "清水县市场监督管理局" in text and "质量强县，品质惠民" in text
    assert "2026年9月1日" in text  # the campaign's date, not the notice's 2026-08-20
    assert "12315" in text
    for foreign in ("江苏", "2010", "12365", "2026年8月20日"):
        assert foreign not in text, foreign


@needs_poppler
@pytest.mark.parametrize("notice", NOTICES)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_no_line_of_text_holds_a_lone_han_character(leaflet_path, notice, layout):
    """A paragraph never ends on a line of one Han character ("全。", "道。")."""
    for page, text, *_ in poppler_lines(leaflet_path(notice, layout)):
        count = han_count(text)
        assert count == 0 or count >= 2, (page, text)


def test_a_lone_last_character_is_taken_back_or_joined_by_another(campaign, catalogue):
    """At every column width, no paragraph ends on a line of one Han character: the line above is
    tightened by at most MAX_SQUEEZE_EM per gap to take it back, or gives up characters to it."""
    style = load_style("a4")
    kit = Kit(style, resolve_fonts(style), 10)
    notice = catalogue.sources["2010-jiangsu"]
    texts = [notice.guiding_idea, *(a.text for a in notice.activities)]
    squeezed = moved = 0
    for text in texts:
        para = kit.para(text)
        for width in range(80, 300, 7):
            lines = para.lines_for(width)
            assert "".join(para.text[line.start : line.end] for line in lines) == text
            last = para.text[lines[-1].start : lines[-1].end]
            assert len(lines) == 1 or han_count(last) >= 2, (width, last)
            for line in lines:
                gaps = max(1, line.end - line.start - 1)
                assert line.width + line.indent <= width + MAX_SQUEEZE_EM * 10 * gaps + 1e-6, (width, line)
            squeezed += lines[-1].width > width + 1e-6 or (len(lines) > 1 and lines[-2].width > width + 1e-6)
            moved += len(lines) > 1 and han_count(last) == 2 and len(last) <= 3
    assert squeezed and moved  # both ways are exercised


def test_the_tip_with_a_lone_character_is_tightened_onto_one_line():
    style = load_style("a4")
    kit = Kit(style, resolve_fonts(style), 14)
    para = kit.para("选购看标识：查看生产者名称、地址、合格证和执行标准，认准强制性产品认证（CCC）等标志。")
    assert para.line_texts(70 * MM)[-1] == "强制性产品认证（CCC）等标志。"  # not "…等标" over "志。"


def test_a_campaign_leaflet_file_rewords_the_public_part(tmp_path):
    """[leaflet] file: the keys it gives replace the bundled wording; {hotline} is the campaign's."""
    (tmp_path / "传单文字.toml").write_text(
        'activities = ["清水县质量集市：9月20日在人民广场举办。"]\n'
        '[about]\ntext = "清水县每年9月开展“质量月”活动，欢迎群众参与。"\n'
        '[complaint]\nheading = "清水县质量投诉"\ntext = "请拨打 {hotline}"\n',
        encoding="utf-8",
    )
    text = (SHORT / "campaign.toml").read_text(encoding="utf-8") + '\n[leaflet]\nfile = "传单文字.toml"\n'
    (tmp_path / "campaign.toml").write_text(text, encoding="utf-8")
    content = leaflet_content(load_campaign(tmp_path / "campaign.toml"), load_catalogue(SHORT / "slogans"))
    words = content.words
    assert words.about == "清水县每年9月开展“质量月”活动，欢迎群众参与。"
    assert words.about_heading == "什么是“质量月”"  # not given: the bundled wording
    assert (words.complaint_heading, words.complaint) == ("清水县质量投诉", "请拨打 12315")
    assert any("12315" in tip.text for tip in words.tips)
    assert [a.title for a in content.activities] == ["清水县质量集市"]
    notice = "《关于开展2026年全县“质量月”活动的通知》（清市监〔2026〕18号）"
    assert content.credit == f"指导思想摘自清水县市场监督管理局{notice}"  # the plan is the campaign's own


@pytest.mark.parametrize(
    ("wording", "message"),
    [
        ('[tips]\nitems = ["只有标题"]\n', "tips.items"),
        ('[about]\ntext = "拨打 {电话}"\n', "占位符"),
        ("whatever = 1\n", "whatever"),
        ('[about]\ntext = "没有结尾的引号\n', "第 2 行"),
    ],
)
def test_a_bad_leaflet_file_is_refused_with_exit_2(tmp_path, wording, message):
    (tmp_path / "words.toml").write_text(wording, encoding="utf-8")
    text = (SHORT / "campaign.toml").read_text(encoding="utf-8") + '\n[leaflet]\nfile = "words.toml"\n'
    (tmp_path / "campaign.toml").write_text(text, encoding="utf-8")
    out = tmp_path / "x.pdf"
    args = ["leaflet", "--campaign", str(tmp_path / "campaign.toml"), "--catalogue", str(SHORT / "slogans"), "-o",
            str(out)]  # fmt: skip
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert message in result.output and "words.toml" in result.output
    assert "Traceback" not in result.output and not out.exists()


def test_cli_reports_what_the_fitting_chose(tmp_path):
    result = CliRunner().invoke(cli, ["leaflet", "-o", str(tmp_path / "传单.pdf")])
    assert result.exit_code == 0, result.output
    assert "活动内容只列标题" in result.output  # the 16-item Jiangsu plan, condensed for the public
    args = ["leaflet", "--campaign", str(SHORT / "campaign.toml"), "--catalogue", str(SHORT / "slogans"), "-o",
            str(tmp_path / "短.pdf")]  # fmt: skip
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "活动内容为全文" in result.output and "口号 3/3 条" in result.output


def test_a_leaflet_file_saved_as_gbk_is_read(tmp_path):
    (tmp_path / "words.toml").write_bytes('[about]\ntext = "本县每年9月开展质量月活动。"\n'.encode("gbk"))
    text = (SHORT / "campaign.toml").read_text(encoding="utf-8") + '\n[leaflet]\nfile = "words.toml"\n'
    (tmp_path / "campaign.toml").write_text(text, encoding="utf-8")
    content = leaflet_content(load_campaign(tmp_path / "campaign.toml"), load_catalogue(SHORT / "slogans"))
    assert content.words.about == "本县每年9月开展质量月活动。"
