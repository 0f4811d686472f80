"""`slogans import`: one TOML file per notice, idempotent, keeps people's edits, refuses conflicts."""

from __future__ import annotations

import hashlib
import os
import tomllib
from pathlib import Path

import pytest
from catalogue_support import copy_seeds

from qmposter.catalogue.catalogue import load_catalogue
from qmposter.catalogue.importing import atomic_write, import_notices, region_slug
from qmposter.errors import CatalogueError, InputError


@pytest.fixture
def seeds(tmp_path: Path) -> list[Path]:
    return copy_seeds(tmp_path / "notices")


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


def test_import_writes_one_file_per_notice_with_source_activities_and_slogans(tmp_path: Path, seeds) -> None:
    catalogue = tmp_path / "slogans"
    import_notices(seeds, catalogue)
    assert sorted(p.name for p in catalogue.iterdir()) == ["2009-national.toml", "2010-jiangsu.toml"]

    national = tomllib.loads((catalogue / "2009-national.toml").read_text(encoding="utf-8"))
    source = national["source"]
    assert source["year"] == 2009 and source["scope"] == "national" and "region" not in source
    assert source["doc_number"] == "国质检质联〔2009〕322号"
    assert source["date"] == "2009-07-15"
    assert source["file"] == "2009-national-notice.txt"
    assert source["sha256"] == hashlib.sha256(seeds[0].read_bytes()).hexdigest()
    assert len(national["slogan"]) == 25 and len(national["activity"]) == 14
    assert national["slogan"][6] == {"text": "讲求质量诚信，践行社会责任"}  # printed form = canonical: no original

    jiangsu = tomllib.loads((catalogue / "2010-jiangsu.toml").read_text(encoding="utf-8"))
    assert jiangsu["source"]["region"] == "江苏" and "doc_number" not in jiangsu["source"]
    assert len(jiangsu["source"]["issuers"]) == 7
    assert len(jiangsu["slogan"]) == 21 and len(jiangsu["activity"]) == 16
    first = jiangsu["slogan"][0]
    assert first["text"] == "抓质量水平提升，促发展方式转变"
    assert "促发展" in first["original"] and "，" not in first["original"]  # printed with spaces


def test_file_starts_with_a_comment_saying_people_may_edit_it(tmp_path: Path, seeds) -> None:
    import_notices(seeds, tmp_path)
    text = (tmp_path / "2010-jiangsu.toml").read_text(encoding="utf-8")
    assert text.startswith("# ") and "可以手工编辑" in text.split("[source]")[0]


def test_the_parsers_warnings_are_kept_as_comments_for_whoever_edits_the_file(tmp_path: Path, seeds) -> None:
    import_notices(seeds, tmp_path)
    national = (tmp_path / "2009-national.toml").read_text(encoding="utf-8").split("\n[source]\n")[0]
    jiangsu = (tmp_path / "2010-jiangsu.toml").read_text(encoding="utf-8").split("\n[source]\n")[0]
    # the 2009 notice has no 落款: its issuers come from the opening sentence and need a look
    assert "# 导入时的提示" in national and "#   - 通知没有落款，发文单位取自正文" in national
    assert "导入时的提示" not in jiangsu


def test_reimport_changes_nothing_byte_for_byte(tmp_path: Path, seeds) -> None:
    import_notices(seeds, tmp_path / "c")
    before = snapshot(tmp_path / "c")
    plans = import_notices(seeds, tmp_path / "c")
    assert [p.action for p in plans] == ["unchanged", "unchanged"]
    assert snapshot(tmp_path / "c") == before


def test_import_is_deterministic_across_folders(tmp_path: Path, seeds) -> None:
    import_notices(seeds, tmp_path / "a")
    import_notices(list(reversed(seeds)), tmp_path / "b")
    for name in ("2009-national.toml", "2010-jiangsu.toml"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_reimport_keeps_a_persons_edit_and_comment(tmp_path: Path, seeds) -> None:
    folder = tmp_path / "c"
    import_notices(seeds, folder)
    path = folder / "2010-jiangsu.toml"
    edited = path.read_text(encoding="utf-8").replace(
        'text = "关注民生，重视质量"', '# 2011 年起改用这个说法（张三）\ntext = "关注民生  重视品质"', 1
    )
    path.write_text(edited, encoding="utf-8")
    import_notices(seeds, folder)
    assert path.read_text(encoding="utf-8") == edited
    catalogue = load_catalogue(folder)
    assert catalogue.resolve("2010-12").text == "关注民生，重视品质"  # re-canonicalized on load


def test_same_notice_in_another_encoding_is_recognised(tmp_path: Path, seeds) -> None:
    folder = tmp_path / "c"
    import_notices(seeds, folder)
    before = snapshot(folder)
    gbk = tmp_path / "江苏通知-gbk.txt"
    gbk.write_bytes(seeds[1].read_text(encoding="utf-8").replace("\n", "\r\n").encode("gb18030"))
    [plan] = import_notices([gbk], folder)
    assert plan.action == "unchanged"
    assert snapshot(folder) == before


def test_a_different_notice_for_an_existing_file_is_refused_and_nothing_written(tmp_path: Path, seeds) -> None:
    folder = tmp_path / "c"
    import_notices([seeds[1]], folder)
    before = snapshot(folder)
    other = tmp_path / "2010-jiangsu-revised.txt"
    other.write_text(seeds[1].read_text(encoding="utf-8").replace("提高可靠性，质量上台阶", "提高可靠性，服务上台阶"),
                     encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        import_notices([seeds[0], other], folder)  # the 2009 file would be new, but nothing is written
    message = str(caught.value)
    assert "2010-jiangsu.toml 已存在" in message and "--replace" in message
    assert snapshot(folder) == before


def test_replace_regenerates_the_file(tmp_path: Path, seeds) -> None:
    folder = tmp_path / "c"
    import_notices([seeds[1]], folder)
    other = tmp_path / "2010-jiangsu-revised.txt"
    other.write_text(seeds[1].read_text(encoding="utf-8").replace("提高可靠性，质量上台阶", "提高可靠性，服务上台阶"),
                     encoding="utf-8")
    [plan] = import_notices([other], folder, replace=True)
    assert plan.action == "replace"
    assert load_catalogue(folder).resolve("2010-08").text == "提高可靠性，服务上台阶"


def test_two_different_notices_for_one_new_file_in_one_batch_are_refused(tmp_path: Path, seeds) -> None:
    other = tmp_path / "2010-jiangsu-revised.txt"
    other.write_text(seeds[1].read_text(encoding="utf-8").replace("关注民生", "关心民生"), encoding="utf-8")
    with pytest.raises(CatalogueError, match="两份不同通知"):
        import_notices([seeds[1], other], tmp_path / "c")
    assert not (tmp_path / "c").exists()


def test_dry_run_writes_nothing(tmp_path: Path, seeds) -> None:
    plans = import_notices(seeds, tmp_path / "c", dry_run=True)
    assert [p.action for p in plans] == ["write", "write"]
    assert [p.target.name for p in plans] == ["2009-national.toml", "2010-jiangsu.toml"]
    assert not (tmp_path / "c").exists()


def test_a_renamed_file_is_still_recognised_by_its_sha256(tmp_path: Path, seeds) -> None:
    folder = tmp_path / "c"
    import_notices([seeds[1]], folder)
    (folder / "2010-jiangsu.toml").rename(folder / "2010-jiangsu-provincial.toml")
    [plan] = import_notices([seeds[1]], folder)
    assert plan.action == "unchanged" and plan.target.name == "2010-jiangsu-provincial.toml"
    assert sorted(p.name for p in folder.iterdir()) == ["2010-jiangsu-provincial.toml"]


def test_atomic_write_leaves_no_temp_file_on_success_or_failure(tmp_path: Path) -> None:
    target = tmp_path / "a.toml"
    atomic_write(target, "x = 1\n")
    atomic_write(target, "x = 2\n")
    assert target.read_text() == "x = 2\n"
    assert oct(target.stat().st_mode & 0o777) != oct(0o600)  # not the private mode of mkstemp
    blocked = tmp_path / "folder.toml"
    blocked.mkdir()
    with pytest.raises(InputError, match="无法写入"):
        atomic_write(blocked, "x = 3\n")  # cannot replace a folder by a file: a clear message, not a traceback
    assert sorted(os.listdir(tmp_path)) == ["a.toml", "folder.toml"]


@pytest.mark.parametrize(
    ("region", "scope", "slug"),
    [
        (None, "national", "national"),
        ("江苏", "provincial", "jiangsu"),
        ("江苏省", "provincial", "jiangsu"),
        ("广西壮族自治区", "provincial", "guangxi"),
        ("陕西", "provincial", "shaanxi"),
        ("深圳市", "municipal", "shenzhen"),
        # Not in the table: "u" + the hex code points of 苏 (U+82CF) and 州 (U+5DDE).
        ("苏州市", "municipal", "u82cf5dde"),
        ("昆山", "county", "u6606" + "5c71"),
    ],
)
def test_region_slug(region: str | None, scope: str, slug: str) -> None:
    assert region_slug(region, scope) == slug


def test_a_notice_without_year_or_region_is_refused_in_chinese() -> None:
    with pytest.raises(CatalogueError, match="地区"):
        region_slug(None, "municipal")


def test_a_broken_existing_file_is_reported_and_can_be_replaced(tmp_path: Path, seeds) -> None:
    folder = tmp_path / "c"
    folder.mkdir()
    broken = folder / "2010-jiangsu.toml"
    broken.write_text('[source]\nyear = 2010\n[[slogan]]\ntext = "没有结束的引号\n', encoding="utf-8")
    with pytest.raises(CatalogueError, match="第 4 行"):
        import_notices([seeds[1]], folder)
    [plan] = import_notices([seeds[1]], folder, replace=True)
    assert plan.action == "replace" and len(load_catalogue(folder).entries) == 21
