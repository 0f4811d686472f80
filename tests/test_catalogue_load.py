"""Loading the catalogue: merging, provenance, families, aliases, resolve, variants.toml, bad files."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from catalogue_support import REPO, copy_seeds, write_source

from qmposter.catalogue.catalogue import Catalogue, Occurrence, load_catalogue
from qmposter.catalogue.importing import import_notices
from qmposter.errors import CatalogueError

SEED_FAMILIES = {
    ("质量是企业的信誉和生命", "质量诚信是企业的信誉和生命"),
    ("讲求质量诚信，践行社会责任", "恪守质量诚信，践行社会责任"),
    ("抓质量，讲诚信，树品牌形象", "抓质量，讲诚信，树品牌"),
}


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A catalogue made from the two real seed notices by the real parser and import."""
    root = tmp_path_factory.mktemp("catalogue")
    import_notices(copy_seeds(root / "notices"), root / "slogans")
    return root / "slogans"


@pytest.fixture
def folder(imported: Path, tmp_path: Path) -> Path:
    """A private copy of the imported catalogue a test may edit."""
    return Path(shutil.copytree(imported, tmp_path / "slogans"))


def families(catalogue: Catalogue) -> set[tuple[str, ...]]:
    return {tuple(e.text for e in family) for family in catalogue.families()}


@pytest.mark.parametrize("where", ["imported", "bundled"])
def test_seed_catalogue_has_31_slogans_28_current_and_the_3_families(where: str, imported: Path) -> None:
    catalogue = load_catalogue(imported if where == "imported" else None)
    assert len(catalogue.entries) == 31
    assert len(catalogue.current()) == 28
    assert families(catalogue) == SEED_FAMILIES  # oldest wording first, current last
    for old, new in SEED_FAMILIES:
        assert catalogue.get(new).current and not catalogue.get(old).current
        assert catalogue.get(old).family == catalogue.get(new).family == catalogue.get(new).id


def test_bundled_slogans_are_what_importing_the_seeds_gives(imported: Path) -> None:
    for path in sorted(imported.glob("*.toml")):
        assert (REPO / "slogans" / path.name).read_bytes() == path.read_bytes(), path.name


def test_identical_slogans_merge_with_every_occurrence(imported: Path) -> None:
    entry = load_catalogue(imported).get("关注民生，重视质量")
    # Positions counted by hand in the seeds: 15th in the 2009 list, 12th in the 2010 list.
    assert entry.occurrences == (
        Occurrence("2009-national", 2009, 15, None),
        Occurrence("2010-jiangsu", 2010, 12, None),
    )
    assert entry.years == (2009, 2010)
    assert entry.sources == ("2009-national", "2010-jiangsu")
    assert entry.aliases == ("2009-15", "2010-12", "2009-national-15", "2010-jiangsu-12")


def test_both_hangshi_slogans_stay_distinct_current_and_in_both_years(imported: Path) -> None:
    catalogue = load_catalogue(imported)
    a = catalogue.get("夯实质量安全基础，促进经济又好又快发展")
    b = catalogue.get("夯实质量安全基础，促进经济社会和谐发展")
    assert a.id != b.id and a.family != b.family and a.current and b.current
    assert a.years == b.years == (2009, 2010)


def test_look_alikes_are_not_grouped(imported: Path) -> None:
    catalogue = load_catalogue(imported)
    look_alikes = ("抓质量，保增长，促发展", "质量缔造中国品牌", "质量缔造品牌，品牌提升效益",
                   "抓质量水平提升，促发展方式转变")
    for text in look_alikes:
        entry = catalogue.get(text)
        assert entry.current and len(catalogue.family(entry.id)) == 1, text


def test_original_printed_form_is_kept(imported: Path) -> None:
    entry = load_catalogue(imported).resolve("2010-01")
    assert entry.text == "抓质量水平提升，促发展方式转变"
    assert len(entry.originals) == 1 and "，" not in entry.originals[0]
    assert entry.occurrences[0].original == entry.originals[0]


@pytest.mark.parametrize(
    ("ref", "text"),
    [
        ("2010-05", "质量诚信是企业的信誉和生命"),
        ("2010-jiangsu-05", "质量诚信是企业的信誉和生命"),
        ("2010-5", "质量诚信是企业的信誉和生命"),
        ("2009-07", "讲求质量诚信，践行社会责任"),
        ("2009-national-07", "讲求质量诚信，践行社会责任"),
        ("2009-12", "抓质量，讲诚信，树品牌形象"),
    ],
)
def test_resolve_aliases(imported: Path, ref: str, text: str) -> None:
    assert load_catalogue(imported).resolve(ref).text == text


def test_resolve_ids_and_catalogue_order(imported: Path) -> None:
    catalogue = load_catalogue(imported)
    for entry in catalogue.entries:
        assert catalogue.resolve(entry.id) is entry
        assert catalogue.resolve(entry.id.upper()) is entry
    # Newest list first, in its printed order.
    assert [e.text for e in catalogue.entries[:2]] == [
        "抓质量水平提升，促发展方式转变",
        "夯实质量安全基础，促进经济又好又快发展",
    ]


@pytest.mark.parametrize(
    ("ref", "needle"),
    [("2010-99", "只有 21 条"), ("sdeadbeef", "没有 sdeadbeef"), ("2011-01", "没有 2011-01"), ("", "空的")],
)
def test_unknown_refs_give_a_chinese_error_with_a_hint(imported: Path, ref: str, needle: str) -> None:
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(imported).resolve(ref)
    assert needle in caught.value.message
    assert "slogans list" in (caught.value.hint or "")


def test_year_alias_is_ambiguous_when_a_year_has_two_sources(folder: Path) -> None:
    write_source(folder, "2010-zhejiang", 2010, ["质量第一，信誉至上", "关注民生，重视质量"])
    catalogue = load_catalogue(folder)
    with pytest.raises(CatalogueError, match="有歧义") as caught:
        catalogue.resolve("2010-02")
    assert "2010-jiangsu-02" in caught.value.message and "2010-zhejiang-02" in caught.value.message
    assert catalogue.resolve("2010-zhejiang-02").text == "关注民生，重视质量"
    assert catalogue.resolve("2009-15") is catalogue.resolve("2010-zhejiang-02")


def test_ids_and_old_aliases_do_not_change_when_slogans_are_added(imported: Path, folder: Path) -> None:
    before = {e.text: (e.id, e.aliases) for e in load_catalogue(imported).entries}
    write_source(folder, "2011-national", 2011, ["质量第一，信誉至上", "恪守质量诚信，践行社会责任"])
    after = load_catalogue(folder)
    assert len(after.entries) == 32
    for text, (entry_id, aliases) in before.items():
        entry = after.get(text)
        assert entry.id == entry_id
        assert set(aliases) <= set(entry.aliases)


def test_people_may_type_slogans_in_any_spacing(folder: Path) -> None:
    write_source(folder, "2011-national", 2011, ["关注民生　　重视质量", "关注民生，重视质量"])
    entry = load_catalogue(folder).get("关注民生，重视质量")
    assert [o.source for o in entry.occurrences] == ["2009-national", "2010-jiangsu", "2011-national", "2011-national"]
    assert entry.aliases[:3] == ("2009-15", "2010-12", "2011-01")


def test_a_later_wording_becomes_current(folder: Path) -> None:
    write_source(folder, "2011-national", 2011, ["恪守质量诚信，履行社会责任"])
    catalogue = load_catalogue(folder)
    family = catalogue.family("2011-01")
    assert [e.text for e in family] == [
        "讲求质量诚信，践行社会责任",
        "恪守质量诚信，践行社会责任",
        "恪守质量诚信，履行社会责任",
    ]
    assert family[-1].current and len(catalogue.current()) == 28


def test_current_for_a_year_lists_that_years_families_in_printed_order(imported: Path) -> None:
    catalogue = load_catalogue(imported)
    assert [e.text for e in catalogue.in_year(2010)][:3] == [
        "抓质量水平提升，促发展方式转变",
        "夯实质量安全基础，促进经济又好又快发展",
        "夯实质量安全基础，促进经济社会和谐发展",
    ]
    assert len(catalogue.in_year(2009)) == 25 and len(catalogue.current(2010)) == 21
    current_2009 = catalogue.current(2009)
    assert len(current_2009) == 25 and current_2009[5].text == "质量诚信是企业的信誉和生命"


def test_sources_carry_the_notice_metadata(imported: Path) -> None:
    source = load_catalogue(imported).sources["2010-jiangsu"]
    assert (source.year, source.scope, source.region, source.doc_number) == (2010, "provincial", "江苏", None)
    assert source.theme == "抓质量水平提升，促发展方式转变" and len(source.activities) == 16
    assert [e.text for e in load_catalogue(imported).by_source("2010-jiangsu")][4] == "质量诚信是企业的信誉和生命"


# --- variants.toml --------------------------------------------------------------------------


def test_variants_toml_join_groups_two_slogans(folder: Path) -> None:
    (folder / "variants.toml").write_text(
        '# 人工合并\n[[join]]\nids = ["质量缔造中国品牌", "2010-11"]\n', encoding="utf-8"
    )
    catalogue = load_catalogue(folder)
    assert families(catalogue) == SEED_FAMILIES | {("质量缔造中国品牌", "质量缔造品牌，品牌提升效益")}
    assert len(catalogue.current()) == 27
    assert catalogue.is_manual_family(catalogue.resolve("2010-11").family)


def test_variants_toml_split_separates_an_automatic_family(folder: Path) -> None:
    catalogue = load_catalogue(folder)
    old, new = catalogue.resolve("2009-12"), catalogue.resolve("2010-10")
    (folder / "variants.toml").write_text(f'[[split]]\nids = ["{old.id}", "{new.id}"]\n', encoding="utf-8")
    catalogue = load_catalogue(folder)
    assert families(catalogue) == SEED_FAMILIES - {("抓质量，讲诚信，树品牌形象", "抓质量，讲诚信，树品牌")}
    assert len(catalogue.current()) == 29 and catalogue.resolve("2009-12").current


def test_variants_toml_may_choose_the_current_wording(folder: Path) -> None:
    (folder / "variants.toml").write_text(
        '[[join]]\nids = ["2009-07", "2010-06"]\ncurrent = "2009-07"\n', encoding="utf-8"
    )
    catalogue = load_catalogue(folder)
    assert catalogue.resolve("2009-07").current and not catalogue.resolve("2010-06").current
    assert catalogue.resolve("2010-06").family == catalogue.resolve("2009-07").id


def test_variants_toml_unknown_ref_names_the_file(folder: Path) -> None:
    (folder / "variants.toml").write_text('[[split]]\nids = ["s00000000", "2010-10"]\n', encoding="utf-8")
    with pytest.raises(CatalogueError, match=re.escape("variants.toml 第 1 个 [[split]]")):
        load_catalogue(folder)


def test_bundled_variants_toml_only_has_comments() -> None:
    text = (REPO / "slogans" / "variants.toml").read_text(encoding="utf-8")
    assert all(not line.strip() or line.startswith("#") for line in text.splitlines())
    assert "[[join]]" in text and "[[split]]" in text


# --- bad files ------------------------------------------------------------------------------


def test_malformed_toml_names_file_and_line(folder: Path) -> None:
    path = folder / "2010-jiangsu.toml"
    lines = path.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines, start=1) if line.startswith("[[slogan]]")) + 1
    lines[number - 1] = 'text = "关注民生，重视质量'  # unterminated string
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(folder)
    assert "2010-jiangsu.toml" in caught.value.message and f"第 {number} 行" in caught.value.message


def test_missing_folder_and_missing_year_are_reported(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="不存在"):
        load_catalogue(tmp_path / "nowhere")
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "x.toml").write_text('[source]\ntitle = "无年份"\n', encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"x\.toml.*year"):
        load_catalogue(tmp_path / "c")


def test_empty_slogan_text_is_reported(tmp_path: Path) -> None:
    write_source(tmp_path, "2011-national", 2011, ["质量第一", "  "])
    with pytest.raises(CatalogueError, match="第 2 个 \\[\\[slogan\\]\\]"):
        load_catalogue(tmp_path)
