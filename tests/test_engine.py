"""The engine: Template + Content → Page, checked on the bundled templates and small test templates."""

from __future__ import annotations

import textwrap
from dataclasses import replace
from pathlib import Path

import pytest

from qmposter.campaign import load_campaign
from qmposter.catalogue.catalogue import load_catalogue
from qmposter.content import Content
from qmposter.errors import MissingGlyphsError, TextOverflowError
from qmposter.layout.engine import TemplateNotApplicable, layout_page, skip_reason
from qmposter.layout.page import Fill, GlyphRun, Line, Picture, QRCode
from qmposter.templates import load_template

MM = 72 / 25.4
LONG = "全员全过程全方位参与，全面提高质量安全水平"
SHORT = "关注民生，重视质量"


@pytest.fixture(scope="module")
def campaign():
    return load_campaign()


def content(campaign, text: str, **changes) -> Content:
    return replace(Content.from_campaign(campaign, text, "测试"), **changes)


def runs(page) -> list[GlyphRun]:
    return [item for item in page.items if isinstance(item, GlyphRun)]


def slogan_runs(page) -> list[GlyphRun]:
    """The slogan is the largest text on both provisional templates."""
    biggest = max(run.size for run in runs(page))
    return [run for run in runs(page) if run.size == biggest]


def set_as(text: str, lines: list[str], *, inline_gap: bool) -> bool:
    """Whether `lines` are `text` minus hidden commas (at line ends, or inside lines when gapped)."""
    source = text.replace("，", "") if inline_gap else text
    if inline_gap and any("，" in line for line in lines):
        return False
    i = 0
    for line in lines:
        if source[i : i + len(line)] != line:
            return False
        i += len(line)
        if i < len(source) and source[i] == "，":
            i += 1
    return i == len(source)


def drawn(run: GlyphRun) -> str:
    """What the run shows: its visible glyphs (a hidden comma is an invisible glyph)."""
    return "".join(g.source or g.char for g in run.glyphs if g.visible)


@pytest.mark.parametrize("name", ["poster-a3-red", "banner-red-0.9x6m"])
@pytest.mark.parametrize("text", [LONG, SHORT, "质量诚信是企业的信誉和生命"])
def test_text_sits_inside_the_safe_area_and_everything_inside_the_bleed(campaign, name, text):
    template = load_template(name)
    page = layout_page(template, content(campaign, text))
    spec = template.page
    m, b, eps = spec.safe_margin, spec.bleed, 0.01
    for run in runs(page):
        for glyph in (g for g in run.glyphs if g.visible):  # a hidden comma is no ink
            # the glyph's em cell: origin on the baseline, about 0.88 em above and 0.12 em below
            assert m - eps <= glyph.x and glyph.x + run.size <= spec.width - m + eps, (run.text, glyph)
            assert m - eps <= glyph.y - 0.88 * run.size and glyph.y + 0.12 * run.size <= spec.height - m + eps
    for item in page.items:
        if isinstance(item, Fill | Picture | QRCode):
            w = item.width if not isinstance(item, QRCode) else item.size
            h = item.height if not isinstance(item, QRCode) else item.size
            assert -b - eps <= item.x and item.x + w <= spec.width + b + eps
            assert -b - eps <= item.y and item.y + h <= spec.height + b + eps
        if isinstance(item, Line):
            assert all(-b - eps <= v <= spec.width + b + eps for v in (item.x0, item.x1))
            assert all(-b - eps <= v <= spec.height + b + eps for v in (item.y0, item.y1))


@pytest.mark.parametrize("name", ["poster-a3-red", "banner-red-0.9x6m"])
def test_every_catalogue_slogan_is_set_whole(campaign, name):
    template = load_template(name)
    for entry in load_catalogue().entries:  # every wording, not only the current ones
        page = layout_page(template, content(campaign, entry.text))
        lines = [drawn(run) for run in slogan_runs(page)]
        # every character in order; a comma ending a line is hidden, one inside a line is kept on the
        # poster and turned into a gap on the banner
        assert set_as(entry.text, lines, inline_gap=name.startswith("banner")), (entry.text, lines)


def test_poster_sets_a_two_phrase_slogan_on_two_balanced_lines(campaign):
    page = layout_page(load_template("poster-a3-red"), content(campaign, LONG))
    lines = slogan_runs(page)
    assert [drawn(run) for run in lines] == ["全员全过程全方位参与", "全面提高质量安全水平"]
    # the hidden line-end comma is still in the run's text (copy, search, screen readers)
    assert [run.text for run in lines] == ["全员全过程全方位参与，", "全面提高质量安全水平"]


def test_poster_carries_campaign_fields(campaign):
    page = layout_page(load_template("poster-a3-red"), content(campaign, SHORT))
    texts = [run.text for run in runs(page)]
    assert "2010年全省“质量月”活动" in texts
    assert "质量投诉举报电话：12365" in texts
    assert "扫码了解质量月活动" in texts
    assert all(issuer in texts for issuer in campaign.issuers)  # the 落款 grid lists every body
    qr = [item for item in page.items if isinstance(item, QRCode)]
    assert len(qr) == 1 and qr[0].data == campaign.qr_url
    assert qr[0].size >= 10 * MM


def test_page_geometry_and_metadata(campaign):
    page = layout_page(load_template("poster-a3-red"), content(campaign, SHORT))
    assert (page.width / MM, page.height / MM) == pytest.approx((297, 420))
    assert page.bleed == pytest.approx(3 * MM) and page.crop_marks and not page.monochrome
    assert page.meta.title == SHORT
    assert page.meta.author == "、".join(campaign.issuers)
    assert campaign.theme in page.meta.subject and campaign.name in page.meta.subject
    background = page.items[0]
    assert isinstance(background, Fill) and background.x == pytest.approx(-3 * MM)  # runs into the bleed


def test_hotline_follows_the_campaign(campaign):
    page = layout_page(load_template("poster-a3-red"), content(campaign, SHORT, hotline="12315"))
    assert "质量投诉举报电话：12315" in [run.text for run in runs(page)]


def test_no_qr_url_drops_qr_and_its_caption(campaign):
    page = layout_page(load_template("poster-a3-red"), content(campaign, SHORT, qr_url=""))
    assert not [item for item in page.items if isinstance(item, QRCode)]
    assert "扫码了解质量月活动" not in [run.text for run in runs(page)]


def test_banner_short_slogan_is_large_centred_and_unsigned(campaign):
    """Banners carry the slogan alone, so a street's set looks the same whatever the slogan's length."""
    template = load_template("banner-red-0.9x6m")
    page = layout_page(template, content(campaign, SHORT))
    slogan = slogan_runs(page)
    # one line, characters 60–75 % of the banner height (domain.md)
    assert len(slogan) == 1 and 0.60 <= slogan[0].size / page.height <= 0.75
    assert [run for run in runs(page) if run not in slogan] == []
    glyphs = slogan[0].glyphs
    centre = (glyphs[0].x + glyphs[-1].x + slogan[0].size) / 2
    assert centre == pytest.approx(page.width / 2, abs=0.005 * page.width)


def test_banner_long_slogan_uses_the_full_width_without_issuer(campaign):
    page = layout_page(load_template("banner-red-0.9x6m"), content(campaign, LONG))
    assert [drawn(run) for run in runs(page)] == [LONG.replace("，", "")]
    assert [run.text for run in runs(page)] == [LONG]  # the gapped comma is an invisible glyph
    glyphs = runs(page)[0].glyphs
    assert glyphs[0].y == glyphs[-1].y  # one line
    assert glyphs[-1].x + runs(page)[0].size > 0.9 * page.width  # distributed to the far end


def test_banner_without_issuers(campaign):
    page = layout_page(load_template("banner-red-0.9x6m"), content(campaign, SHORT, issuers=()))
    assert len(runs(page)) == 1


def test_deterministic(campaign):
    template = load_template("poster-a3-red")
    assert layout_page(template, content(campaign, LONG)) == layout_page(template, content(campaign, LONG))


def test_missing_glyph_is_an_error_naming_the_character(campaign):
    with pytest.raises(MissingGlyphsError) as caught:
        layout_page(load_template("poster-a3-red"), content(campaign, "质量𠀀第一"))
    assert "𠀀" in str(caught.value)


def test_overflow_is_an_error_unless_allowed(campaign):
    template = load_template("banner-red-0.9x6m")
    text = "质量" * 100
    with pytest.raises(TextOverflowError) as caught:
        layout_page(template, content(campaign, text))
    assert "banner-red-0.9x6m" in str(caught.value)
    page = layout_page(template, content(campaign, text), allow_overflow=True)
    assert "".join(drawn(run) for run in runs(page)) == text  # smaller, never clipped


COUPLET = """
title = "对联测试"
kind = "couplet"
when = "phrases == 2"
skip_reason = "对联需要两句的口号"
[page]
width = "1.2m"
height = "2.4m"
safe_margin = "30mm"
[background]
color = "#ffffff"
[[element]]
id = "right"
type = "rect"
x = "60%"
y = "0mm"
width = "40%"
height = "100%"
color = "#cc0000"
bleed = true
[[element]]
id = "first"
type = "slogan"
phrase = 1
vertical = true
max_lines = 1
x = "65%"
y = "5%"
width = "30%"
height = "90%"
max_size = "90%"
[[element]]
id = "second"
type = "slogan"
phrase = 2
vertical = true
max_lines = 1
x = "5%"
y = "5%"
width = "30%"
height = "90%"
max_size = "90%"
[[element]]
id = "unit"
type = "text"
text = "{unit}"
x = "40%"
y = "90%"
width = "20%"
height = "5%"
"""


def test_template_when_and_phrases(campaign, tmp_path):
    (tmp_path / "couplet.toml").write_text(textwrap.dedent(COUPLET), encoding="utf-8")
    template = load_template("couplet", tmp_path)
    assert skip_reason(template, content(campaign, SHORT)) is None
    assert skip_reason(template, content(campaign, "质量诚信是企业的信誉和生命")) == "对联需要两句的口号"
    with pytest.raises(TemplateNotApplicable) as caught:
        layout_page(template, content(campaign, "创造高质量，奉献高质量，享受高质量"))
    assert "对联需要两句的口号" in str(caught.value)
    page = layout_page(template, content(campaign, SHORT))
    assert [run.text for run in runs(page)] == ["关注民生", "重视质量"]  # no {unit}: that element is skipped
    first, second = runs(page)
    assert first.glyphs[0].x > second.glyphs[0].x  # 上联 on the right
    assert first.glyphs[1].y > first.glyphs[0].y and first.glyphs[1].x == first.glyphs[0].x  # top to bottom
    red = [item for item in page.items if isinstance(item, Fill)][1]
    assert red.y == pytest.approx(-page.bleed) and red.x + red.width == pytest.approx(page.width + page.bleed)
    with_unit = layout_page(template, content(campaign, SHORT, unit="南京市质量技术监督局"))
    assert "南京市质量技术监督局" in [run.text for run in runs(with_unit)]


GROUPS = """
title = "分组测试"
kind = "image"
[page]
width = "1080px"
height = "1080px"
dpi = 72
[[element]]
id = "big"
type = "slogan"
group = "s"
max_lines = 1
x = "10%"
y = "10%"
width = "80%"
height = "30%"
min_size = "60%"
max_size = "100%"
[[element]]
id = "small"
type = "slogan"
group = "s"
max_lines = 1
x = "10%"
y = "10%"
width = "80%"
height = "30%"
min_size = "10pt"
[[element]]
id = "badge"
type = "text"
requires = "big"
text = "{year}"
x = "10%"
y = "60%"
width = "80%"
height = "10%"
[[element]]
id = "note"
type = "text"
optional = true
text = "{theme}{theme}{theme}"
x = "10%"
y = "80%"
width = "10%"
height = "5%"
min_size = "20pt"
[[element]]
id = "bar"
type = "rect"
when = "chars > 10"
x = "0%"
y = "95%"
width = "100%"
height = "5%"
color = "#000000"
"""


def test_groups_requires_optional_and_when(campaign, tmp_path):
    (tmp_path / "groups.toml").write_text(textwrap.dedent(GROUPS), encoding="utf-8")
    template = load_template("groups", tmp_path)
    short = layout_page(template, content(campaign, "质量第一"))
    assert [run.text for run in runs(short)] == ["质量第一", "2010"]  # big fits, so the badge shows
    assert not [item for item in short.items if isinstance(item, Fill)]  # 4 chars: no bar
    long = layout_page(template, content(campaign, LONG))
    # big cannot hold 21 characters at ≥ 60 % of its height: small wins, the badge (requires big) is dropped,
    # the optional note never fits and is dropped silently
    assert [drawn(run) for run in runs(long)] == [LONG]
    assert runs(long)[0].size < 0.6 * 0.3 * 1080
    assert len([item for item in long.items if isinstance(item, Fill)]) == 1


def test_image_template_renders_to_its_pixel_size(campaign, tmp_path):
    from qmposter.render.raster import render_image

    (tmp_path / "groups.toml").write_text(textwrap.dedent(GROUPS), encoding="utf-8")
    template = load_template("groups", tmp_path)
    image = render_image(layout_page(template, content(campaign, "质量第一")), template.page.dpi)
    assert image.size == (1080, 1080)


def test_campaign_without_issuers_drops_the_issuers_grid(campaign):
    page = layout_page(load_template("poster-a3-red"), content(campaign, SHORT, issuers=()))
    assert not any(run.text.startswith("江苏省") for run in runs(page))


def test_label_names_slogan_and_template(campaign, tmp_path):
    (tmp_path / "tiny.toml").write_text(
        textwrap.dedent(
            """
            title = "小"
            kind = "image"
            [page]
            width = "200px"
            height = "100px"
            [[element]]
            type = "slogan"
            x = "0%"
            y = "0%"
            width = "100%"
            height = "100%"
            min_size = "40pt"
            max_lines = 1
            """
        ),
        encoding="utf-8",
    )
    with pytest.raises(TextOverflowError) as caught:
        layout_page(load_template("tiny", tmp_path), replace(content(campaign, LONG), slogan_ref="2010-04"))
    message = str(caught.value)
    assert "2010-04" in message and "tiny" in message


def test_background_image_is_a_picture(campaign, tmp_path):
    from PIL import Image

    (tmp_path / "assets").mkdir()
    Image.new("RGB", (20, 10), "#123456").save(tmp_path / "assets" / "bg.png")
    (tmp_path / "pic.toml").write_text(
        textwrap.dedent(
            """
            title = "图"
            kind = "image"
            [page]
            width = "400px"
            height = "400px"
            [background]
            image = "assets/bg.png"
            [[element]]
            type = "image"
            src = "assets/bg.png"
            x = "0%"
            y = "0%"
            width = "100%"
            height = "100%"
            """
        ),
        encoding="utf-8",
    )
    page = layout_page(load_template("pic", tmp_path), content(campaign, SHORT))
    background, logo = [item for item in page.items if isinstance(item, Picture)]
    assert (background.width, background.height) == (400, 400)
    assert (logo.width, logo.height, logo.y) == (400, 200, 100)  # contain: 2:1 image centred
    assert Path(logo.path) == (tmp_path / "assets" / "bg.png").resolve()
