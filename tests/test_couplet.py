"""Couplets (issue 10 item 6): equal halves, 上仄下平 order, a 横批, heavy type.

The tone check uses a hand-written table of the final characters (today's Mandarin tones),
not the library the code uses, so a wrong reading or a swapped pair fails here.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache

import pytest

from qmposter.campaign import load_campaign
from qmposter.catalogue.catalogue import load_catalogue
from qmposter.content import Content
from qmposter.couplet import Couplet, couplet, hengpi, problem, tone_class
from qmposter.fonts import load_font
from qmposter.layout.engine import TemplateNotApplicable, layout_page
from qmposter.layout.page import GlyphRun
from qmposter.templates import load_template
from qmposter.text import split_phrases

MM = 72 / 25.4
# Tones of the last characters of the catalogue's two-phrase slogans (《现代汉语词典》 readings).
TONES = {
    "升": 1, "变": 4, "与": 3, "平": 2, "性": 4, "阶": 1, "牌": 2, "益": 4, "生": 1, "量": 4, "荣": 2,
    "耻": 3, "念": 4, "识": 2, "产": 3, "活": 2, "展": 3, "础": 3, "信": 4, "任": 4, "他": 1, "家": 1,
    "堤": 1, "胜": 4, "全": 2, "谐": 2, "品": 3, "会": 4, "中": 1, "新": 1, "质": 4, "效": 4, "命": 4,
    "康": 1,
}  # fmt: skip


@cache
def campaign():
    return load_campaign(None)


def content(text: str, **changes) -> Content:
    return replace(Content.from_campaign(campaign(), text), **changes)


def slogan_text(template: str, text: str) -> str:
    page = layout_page(load_template(template), content(text))
    return "".join(g.source or g.char for item in page.items if isinstance(item, GlyphRun) for g in item.glyphs
                   if g.visible)  # fmt: skip


def two_phrase_slogans() -> list[str]:
    return [e.text for e in load_catalogue(None).entries if len(split_phrases(e.text)) == 2]


def test_tone_classes_read_words_in_context() -> None:
    assert tone_class("抓质量水平提升") == "平" and tone_class("促发展方式转变") == "仄"
    assert tone_class("重视质量") == "仄"  # 质量 zhìliàng
    assert tone_class("精确测量") == "平"  # 测量 cèliáng: same character, other reading
    assert tone_class("2010") is None


def test_only_equal_halves_with_opposite_tones_are_couplets() -> None:
    assert problem(["夯实质量安全基础", "促进经济又好又快发展"]) == "上下联字数须相等，这条两句分别是 8 字和 10 字"
    assert "都是仄声" in problem(["恪守质量诚信", "践行社会责任"])
    assert "都是平声" in problem(["共筑质量大堤", "共享和谐生活"])
    assert "3 句" in problem(["抓质量", "讲诚信", "树品牌"])
    with pytest.raises(ValueError, match="字数须相等"):
        couplet(["夯实质量安全基础", "促进经济又好又快发展"])


def test_2010_theme_is_swapped_so_the_oblique_line_hangs_right() -> None:
    assert couplet(["抓质量水平提升", "促发展方式转变"]) == Couplet(upper="促发展方式转变", lower="抓质量水平提升")
    assert couplet(["精益生产", "精致生活"]) == Couplet(upper="精益生产", lower="精致生活")


def test_every_catalogue_couplet_is_equal_and_tone_correct() -> None:
    upper, lower = load_template("couplet-upper"), load_template("couplet-lower")
    made = 0
    for text in two_phrase_slogans():
        first, second = split_phrases(text)
        reason = problem([first, second])
        if reason is not None:
            for template in (upper, lower, load_template("couplet-hengpi")):
                with pytest.raises(TemplateNotApplicable) as caught:
                    layout_page(template, content(text))
                assert caught.value.reason == reason
            continue
        right, left = slogan_text("couplet-upper", text), slogan_text("couplet-lower", text)
        assert {right, left} == {first, second}
        assert len(right) == len(left)
        assert TONES[right[-1]] in (3, 4) and TONES[left[-1]] in (1, 2), (text, right, left)
        made += 1
    assert made >= 8


def test_strips_share_a_heavy_size_that_reads_from_a_distance() -> None:
    for text in two_phrase_slogans():
        if problem(split_phrases(text)) is not None:
            continue
        sizes = set()
        for name in ("couplet-upper", "couplet-lower"):
            template = load_template(name)
            page = layout_page(template, content(text))
            (run,) = [item for item in page.items if isinstance(item, GlyphRun)]
            assert load_font(run.font_id).info.weight >= 900
            assert run.size >= 0.4 * template.page.width, f"{text}: {run.size / MM:.0f} mm on a 500 mm strip"
            sizes.add(round(run.size, 3))
        assert len(sizes) == 1, f"{text}: the two strips differ in size"


def test_hengpi_is_the_themes_four_characters_or_the_closest_choice() -> None:
    choices = load_template("couplet-hengpi").hengpi
    assert all(len(c) == 4 for c in choices) and len(choices) >= 8
    assert hengpi("抓质量水平提升，促发展方式转变", choices) == "质量提升"
    assert hengpi("全员全过程全方位参与，全面提高质量安全水平", choices) == "质量安全"
    assert hengpi("关注民生  重视质量", choices) == "关注民生"  # a four-character phrase of the theme itself
    assert hengpi("", ()) == ""


def test_hengpi_strip_sets_four_characters_on_one_line() -> None:
    page = layout_page(load_template("couplet-hengpi"), content("抓质量水平提升，促发展方式转变"))
    (run,) = [item for item in page.items if isinstance(item, GlyphRun)]
    assert run.text == "质量提升" and len({g.y for g in run.glyphs}) == 1
    assert run.size >= 200 * MM and load_font(run.font_id).info.weight >= 900
    other = layout_page(load_template("couplet-hengpi"), content("精益生产，精致生活", theme="关注民生  重视质量"))
    assert [i.text for i in other.items if isinstance(i, GlyphRun)] == ["关注民生"]
