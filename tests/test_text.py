"""The canonical form of a slogan (qmposter.text): the rule, case by case, and idempotence."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qmposter.text import (
    NOT_AT_LINE_END,
    NOT_AT_LINE_START,
    canonical,
    is_cjk_punct,
    is_han,
    is_latin_or_digit,
    split_phrases,
)


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        # the first 2010 Jiangsu slogan: a no-break space and a space between the phrases
        ("抓质量水平提升\u00a0 促发展方式转变", "抓质量水平提升，促发展方式转变"),
        ("抓质量水平提升  促发展方式转变", "抓质量水平提升，促发展方式转变"),
        ("加强质量基础设施建设\u3000推动质量强县建设", "加强质量基础设施建设，推动质量强县建设"),
        ("质量安全 你我共享", "质量安全，你我共享"),
        ("质量第一,诚信为本", "质量第一，诚信为本"),
        ("质量第一 , 诚信为本", "质量第一，诚信为本"),
        ("质量第一，，诚信为本", "质量第一，诚信为本"),
        ("质量第一﹐诚信为本", "质量第一，诚信为本"),
        # trimmed, trailing 。 (and list punctuation) removed, ！ kept
        ("\u3000\u3000 全员全过程全方位参与，全面提高质量安全水平。 ", "全员全过程全方位参与，全面提高质量安全水平"),
        ("质量第一，诚信为本；", "质量第一，诚信为本"),
        ("，质量第一，", "质量第一"),
        ("质量第一!", "质量第一！"),
        ("质量第一.", "质量第一"),
        ("质量强区 人人有责！", "质量强区，人人有责！"),
        # ASCII punctuation next to Chinese becomes full-width
        ("质量月(九月)", "质量月（九月）"),
        ("主题:质量提升", "主题：质量提升"),
        ("你我同行?!", "你我同行？！"),
        ('弘扬"工匠精神"', "弘扬“工匠精神”"),
        # whitespace next to other Chinese punctuation is just dropped
        ("质量第一。 诚信为本", "质量第一。诚信为本"),
        ("质量第一！ 诚信为本", "质量第一！诚信为本"),
        # Latin and digits: one space inside Latin stays, one space Latin–Han is spacing only
        ("ISO 9001 认证, 企业质量通行证!", "ISO 9001认证，企业质量通行证！"),
        ("拨打12365  维护您的权益", "拨打12365，维护您的权益"),
        ("组织1,000家企业", "组织1,000家企业"),
        ("质量投诉请拨打１２３６５", "质量投诉请拨打12365"),
        ("ＱＣ小组", "QC小组"),
        # "." after a Han character (U+3400–U+9FFF) is a full stop, unless a letter or digit follows
        ("质量第一.诚信为本", "质量第一。诚信为本"),
        ("㐀.完", "㐀。完"),
        ("质量第一.com", "质量第一.com"),
        ("版本2.0发布", "版本2.0发布"),
        (".质量", ".质量"),
        # a phrase comma before or after a stop is dropped
        ("质量第一，。诚信为本", "质量第一。诚信为本"),
        ("质量第一。，诚信为本", "质量第一。诚信为本"),
        ("质量，，。好", "质量。好"),
        ("质量、，好", "质量、好"),
        # invisible characters
        ("\ufeff质量\u200b第一", "质量第一"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_canonical_rule(printed: str, expected: str) -> None:
    assert canonical(printed) == expected


def test_canonical_keeps_enumeration_commas_and_quotes() -> None:
    text = "开展“进社区、进农村、进学校”活动"
    assert canonical(text) == text


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=40))
def test_canonical_is_idempotent_on_any_text(text: str) -> None:
    once = canonical(text)
    assert canonical(once) == once


_SLOGANISH = st.text(
    alphabet=st.sampled_from(list('质量月诚信第一强国 \u3000\u00a0\t\n,，。.;；:!?！？()（）"“”、aZ19０Ａ…—·')),
    max_size=40,
)


@settings(max_examples=600, deadline=None)
@given(_SLOGANISH)
def test_canonical_is_idempotent_on_slogan_like_text(text: str) -> None:
    once = canonical(text)
    assert canonical(once) == once
    assert once == once.strip()
    assert not once.endswith("。")
    assert "\u3000" not in once and "\u00a0" not in once and "  " not in once


def test_split_phrases() -> None:
    assert split_phrases("抓质量水平提升  促发展方式转变") == ["抓质量水平提升", "促发展方式转变"]
    assert split_phrases("抓质量，讲诚信，树品牌") == ["抓质量", "讲诚信", "树品牌"]
    assert split_phrases("质量缔造中国品牌") == ["质量缔造中国品牌"]
    assert split_phrases("") == []


def test_character_classes() -> None:
    assert is_han("质") and is_han("〇") and not is_han("，") and not is_han("a")
    assert is_cjk_punct("，") and is_cjk_punct("“") and is_cjk_punct("》") and not is_cjk_punct("质")
    assert is_latin_or_digit("Q") and is_latin_or_digit("9") and not is_latin_or_digit("９")
    assert "，" in NOT_AT_LINE_START and "。" in NOT_AT_LINE_START and "”" in NOT_AT_LINE_START
    assert "“" in NOT_AT_LINE_END and "（" in NOT_AT_LINE_END and "，" not in NOT_AT_LINE_END
