"""Stable IDs, the similarity rule, variant grouping and aliases (qmposter.catalogue.dedupe)."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qmposter.catalogue import dedupe
from qmposter.catalogue.dedupe import Join, Split, Wording, group_variants, similarity
from qmposter.errors import CatalogueError


def w(text: str, *years: int) -> Wording:
    return Wording(dedupe.assign_ids([text])[text], text, frozenset(years))


def families_of(wordings: list[Wording], **kwargs) -> set[frozenset[str]]:
    """The multi-member families as sets of texts."""
    by_id = {x.id: x.text for x in wordings}
    result = group_variants(wordings, **kwargs)
    return {frozenset(by_id[m] for m in f.members) for f in result.values() if len(f.members) > 1}


# --- IDs ------------------------------------------------------------------------------------


def test_id_is_prefix_and_eight_hex_of_sha256_of_text() -> None:
    text = "质量是企业的信誉和生命"
    expected = "s" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
    assert dedupe.assign_ids([text]) == {text: expected}


def test_ids_do_not_change_when_other_slogans_are_added() -> None:
    base = ["关注民生，重视质量", "精益生产，精致生活"]
    before = dedupe.assign_ids(base)
    after = dedupe.assign_ids([*base, "提高可靠性，质量上台阶", "质量第一"])
    assert {t: after[t] for t in base} == before


def test_prefix_collision_is_resolved_by_longer_ids_deterministically() -> None:
    # Two texts whose sha256 share the first 8 hex digits (found by a birthday search).
    a, b = "质量口号53849", "质量口号84607"
    da, db = (hashlib.sha256(t.encode()).hexdigest() for t in (a, b))
    assert da[:8] == db[:8] and da[:9] != db[:9]
    ids = dedupe.assign_ids([a, b, "关注民生，重视质量"])
    assert ids[a] == "s" + da[:9] and ids[b] == "s" + db[:9]
    assert ids["关注民生，重视质量"] == dedupe.assign_ids(["关注民生，重视质量"])["关注民生，重视质量"]
    assert dedupe.assign_ids([b, a]) == {a: ids[a], b: ids[b]}


# --- similarity -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("质量是企业的信誉和生命", "质量诚信是企业的信誉和生命", 11 / 13),  # all 11 kept, longer has 13
        ("讲求质量诚信，践行社会责任", "恪守质量诚信，践行社会责任", 10 / 12),
        ("抓质量，讲诚信，树品牌形象", "抓质量，讲诚信，树品牌", 9 / 11),
        ("质量缔造中国品牌", "质量缔造品牌，品牌提升效益", 6 / 12),
        ("抓质量，保增长，促发展", "抓质量水平提升，促发展方式转变", 6 / 14),
        ("抓质量，讲诚信", "抓质量、讲诚信", 1.0),  # punctuation does not count
    ],
)
def test_similarity_is_shared_characters_over_longer_wording(a: str, b: str, expected: float) -> None:
    assert similarity(a, b) == pytest.approx(expected)
    assert similarity(b, a) == pytest.approx(expected)


def test_threshold_sits_between_the_seed_variants_and_the_look_alikes() -> None:
    assert similarity("抓质量，讲诚信，树品牌形象", "抓质量，讲诚信，树品牌") >= dedupe.SIMILARITY_THRESHOLD
    assert similarity("抓质量，保增长，促发展", "抓质量，讲诚信，树品牌") < dedupe.SIMILARITY_THRESHOLD
    assert similarity("夯实质量安全基础，促进经济又好又快发展", "夯实质量安全基础，促进经济社会和谐发展") == 14 / 18
    assert similarity("质量缔造中国品牌", "质量缔造品牌，品牌提升效益") < dedupe.SIMILARITY_THRESHOLD


# --- grouping -------------------------------------------------------------------------------

Y2009_ONLY = [
    "抓质量，保增长，促发展",
    "质量是企业的生命，安全是人民的生命",
    "质量是企业的信誉和生命",
    "讲求质量诚信，践行社会责任",
    "精益生产，精致生活",
    "坚持质量第一，保障质量安全，促进科学发展",
    "抓质量，讲诚信，树品牌形象",
    "质量缔造中国品牌",
    "提高标准意识，促进科学发展",
    "保障食品安全，保障大众健康",
]
Y2010_ONLY = [
    "抓质量水平提升，促发展方式转变",
    "质量诚信是企业的信誉和生命",
    "恪守质量诚信，践行社会责任",
    "提高可靠性，质量上台阶",
    "抓质量，讲诚信，树品牌",
    "质量缔造品牌，品牌提升效益",
]
BOTH = [
    "夯实质量安全基础，促进经济又好又快发展",
    "夯实质量安全基础，促进经济社会和谐发展",
    "全员全过程全方位参与，全面提高质量安全水平",
    "关注民生，重视质量",
    "重视质量安全，促进社会和谐",
    "坚持以质取胜，推动科学发展",
]
SEED_FAMILIES = {
    frozenset({"质量是企业的信誉和生命", "质量诚信是企业的信誉和生命"}),
    frozenset({"讲求质量诚信，践行社会责任", "恪守质量诚信，践行社会责任"}),
    frozenset({"抓质量，讲诚信，树品牌形象", "抓质量，讲诚信，树品牌"}),
}


def seed_wordings() -> list[Wording]:
    return [w(t, 2009) for t in Y2009_ONLY] + [w(t, 2010) for t in Y2010_ONLY] + [w(t, 2009, 2010) for t in BOTH]


def test_seed_lists_give_exactly_the_three_families() -> None:
    assert families_of(seed_wordings()) == SEED_FAMILIES


def test_newest_wording_is_current_and_names_the_family() -> None:
    wordings = seed_wordings()
    result = group_variants(wordings)
    old, new = w("讲求质量诚信，践行社会责任", 2009), w("恪守质量诚信，践行社会责任", 2010)
    assert result[old.id].current == new.id == result[old.id].id == result[new.id].id
    assert result[old.id].members == (old.id, new.id)


def test_slogans_printed_in_the_same_list_are_never_variants() -> None:
    # Very similar, but both printed in 2009 (and in 2010): never one family.
    a = w("提高标准意识，促进科学发展", 2009, 2010)
    b = w("提高标准意识，推进科学发展", 2009, 2010)
    assert similarity(a.text, b.text) >= dedupe.SIMILARITY_THRESHOLD
    assert families_of([a, b]) == set()
    # The same two printed in different years would be grouped.
    assert families_of([w(a.text, 2009), w(b.text, 2010)]) == {frozenset({a.text, b.text})}


def test_short_template_slogans_with_a_new_key_word_are_not_variants() -> None:
    a, b = w("质量兴鲁，人人有责", 2013), w("质量强区，人人有责", 2017)
    assert similarity(a.text, b.text) == pytest.approx(6 / 8)
    assert families_of([a, b]) == set()
    assert families_of([a, w("质量兴鲁，人人尽责", 2017)]) != set()  # one changed character of eight is


def test_each_slogan_gets_at_most_one_partner_per_other_year_best_first() -> None:
    old = w("提高标准意识，促进科学发展", 2009)
    close = w("提高标准意识，推进科学发展", 2010)
    further = w("提高质量意识，促进科学发展", 2010)
    assert similarity(old.text, close.text) > similarity(old.text, further.text) >= dedupe.SIMILARITY_THRESHOLD
    assert families_of([further, old, close]) == {frozenset({old.text, close.text})}


def test_a_wording_can_evolve_over_several_years() -> None:
    wordings = [
        w("讲求质量诚信，践行社会责任", 2009),
        w("恪守质量诚信，践行社会责任", 2010),
        w("恪守质量诚信，履行社会责任", 2011, 2012),
    ]
    result = group_variants(wordings)
    assert len({f.id for f in result.values()}) == 1
    assert result[wordings[0].id].current == wordings[2].id


def test_grouping_does_not_depend_on_input_order() -> None:
    wordings = seed_wordings()
    assert group_variants(wordings) == group_variants(list(reversed(wordings)))


def test_join_forces_a_family_and_may_choose_current() -> None:
    a, b = w("质量缔造中国品牌", 2009), w("质量缔造品牌，品牌提升效益", 2010)
    result = group_variants([a, b], joins=[Join((a.id, b.id))])
    assert result[a.id] is result[b.id] and result[a.id].current == b.id and result[a.id].manual
    chosen = group_variants([a, b], joins=[Join((a.id, b.id), current=a.id)])
    assert chosen[b.id].current == a.id == chosen[b.id].id


def test_split_stops_an_automatic_family() -> None:
    old, new = w("抓质量，讲诚信，树品牌形象", 2009), w("抓质量，讲诚信，树品牌", 2010)
    assert families_of([old, new]) == {frozenset({old.text, new.text})}
    assert families_of([old, new], splits=[Split((old.id, new.id))]) == set()


def test_split_holds_transitively_through_a_chain() -> None:
    a = w("恪守质量诚信，践行社会责任", 2009)
    b = w("恪守质量诚信，履行社会责任", 2010)
    c = w("恪守质量诚信，履行企业责任", 2011)
    assert families_of([a, b, c]) == {frozenset({a.text, b.text, c.text})}
    # a-b is the best pair and is joined; b-c would then bring c next to a, which the split forbids.
    assert families_of([a, b, c], splits=[Split((a.id, c.id))]) == {frozenset({a.text, b.text})}


def test_join_and_split_of_the_same_pair_is_an_error() -> None:
    a, b = w("质量缔造中国品牌", 2009), w("质量缔造品牌，品牌提升效益", 2010)
    with pytest.raises(CatalogueError, match="矛盾"):
        group_variants([a, b], joins=[Join((a.id, b.id), where="variants.toml 第 1 个 [[join]]")],
                       splits=[Split((b.id, a.id))])


# --- aliases --------------------------------------------------------------------------------


def test_year_alias_only_when_that_year_has_one_source() -> None:
    aliases = dedupe.build_aliases(
        [("s1", "2009-national", 2009, 7), ("s1", "2010-jiangsu", 2010, 5), ("s1", "2010-zhejiang", 2010, 3)],
        {2009: ["2009-national"], 2010: ["2010-jiangsu", "2010-zhejiang"]},
    )
    assert aliases == {"s1": ["2009-07", "2009-national-07", "2010-jiangsu-05", "2010-zhejiang-03"]}


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("2010-5", "2010-05"), (" 2010-JIANGSU-005 ", "2010-jiangsu-05"), ("2010-05", "2010-05"), ("2010-0", None),
     ("s1a2b3c4d", None), ("2010-123", "2010-123")],
)
def test_normalize_alias(typed: str, expected: str | None) -> None:
    assert dedupe.normalize_alias(typed) == expected


# --- properties -----------------------------------------------------------------------------

_slogan_text = st.text(alphabet="质量安全诚信品牌，", min_size=4, max_size=12).map(str.strip)
_wordings = st.dictionaries(_slogan_text, st.frozensets(st.integers(2009, 2013), min_size=1, max_size=3), max_size=12)


@settings(max_examples=60, deadline=None)
@given(_wordings)
def test_families_have_one_wording_per_year_and_the_newest_is_current(data: dict[str, frozenset[int]]) -> None:
    wordings = [Wording(dedupe.assign_ids([t])[t], t, years) for t, years in data.items() if t]
    by_id = {x.id: x for x in wordings}
    result = group_variants(wordings)
    assert set(result) == set(by_id)
    for family in {f.id: f for f in result.values()}.values():
        members = [by_id[m] for m in family.members]
        years = [y for m in members for y in m.years]
        assert len(years) == len(set(years))  # no two wordings of one family share a year
        assert max(by_id[family.current].years) == max(years)
        assert family.id == family.current and all(result[m] is family for m in family.members)
        if len(members) > 1:  # every member is linked to the family by at least one similar pair
            for m in members:
                assert any(similarity(m.text, o.text) >= dedupe.SIMILARITY_THRESHOLD for o in members if o is not m)
