"""`qmposter slogans import | list | variants` on the command line: formats, exit codes, messages."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from catalogue_support import REPO, copy_seeds, write_source
from click.testing import CliRunner

from qmposter.cli import cli
from qmposter.cli.slogans_catalogue import display_width, neutralize_cell

BOM = b"\xef\xbb\xbf"
SEED_FAMILIES = (
    ("质量是企业的信誉和生命", "质量诚信是企业的信誉和生命"),
    ("讲求质量诚信，践行社会责任", "恪守质量诚信，践行社会责任"),
    ("抓质量，讲诚信，树品牌形象", "抓质量，讲诚信，树品牌"),
)


def run(*args: str) -> tuple[int, str, str, bytes]:
    result = CliRunner().invoke(cli, ["slogans", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr, result.stdout_bytes


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return Path(shutil.copytree(REPO / "slogans", tmp_path / "slogans"))


def test_list_json_shape_and_counts() -> None:
    code, out, _err, _ = run("list", "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert len(rows) == 28
    assert all(list(row) == ["id", "text", "years", "sources", "family", "current"] for row in rows)
    assert all(row["current"] and row["family"] == row["id"] for row in rows)
    first = rows[0]
    assert first["text"] == "抓质量水平提升，促发展方式转变"
    assert first["years"] == [2010] and first["sources"] == ["2010-jiangsu"]
    _code, out, _err, _ = run("list", "--format", "json", "--all-variants")
    rows = json.loads(out)
    assert len(rows) == 31 and sum(not r["current"] for r in rows) == 3
    old = next(r for r in rows if r["text"] == "讲求质量诚信，践行社会责任")
    new = next(r for r in rows if r["text"] == "恪守质量诚信，践行社会责任")
    assert old["family"] == new["id"] and old["years"] == [2009] and new["years"] == [2010]


def test_list_year_filter() -> None:
    _code, out, _err, _ = run("list", "--year", "2010", "--format", "json")
    assert len(json.loads(out)) == 21
    _code, out, _err, _ = run("list", "--year", "2009", "--all-variants", "--format", "json")
    rows = json.loads(out)
    assert len(rows) == 25 and all(2009 in r["years"] for r in rows)
    code, out, err, _ = run("list", "--year", "1999", "--format", "json")
    assert code == 2 and out == "" and "没有 1999 年" in err and "slogans import" in err  # says how to add one


def test_table_is_aligned_for_chinese_text() -> None:
    code, out, _err, _ = run("list", "--all-variants")
    assert code == 0
    lines = [line for line in out.splitlines() if line.startswith("s")]
    assert len(lines) == 31
    header = out.splitlines()[0]
    column = display_width(header[: header.index("口号")])
    for line in lines:
        text = line.split()[-1]
        assert display_width(line[: line.rindex(text)]) == column, line
    assert "共 31 条" in out


def test_display_width_counts_wide_characters_twice() -> None:
    assert display_width("口号ab") == 6
    assert display_width("，１") == 4  # full-width comma and digit
    assert display_width("2010-05") == 7


def test_csv_has_bom_and_all_rows() -> None:
    code, _out, _err, raw = run("list", "--format", "csv", "--all-variants")
    assert code == 0 and raw.startswith(BOM)
    rows = list(csv.reader(io.StringIO(raw[len(BOM):].decode("utf-8"))))
    assert rows[0][:6] == ["id", "text", "years", "sources", "family", "current"]
    assert len(rows) == 32
    hangshi = next(r for r in rows if r[1] == "夯实质量安全基础，促进经济又好又快发展")
    assert hangshi[2] == "2009;2010" and hangshi[5] == "true"


def test_csv_neutralizes_formula_cells(tmp_path: Path) -> None:
    write_source(tmp_path, "2011-national", 2011, ["=1+2", "+质量", "-质量", "@质量", "质量第一"])
    _code, _out, _err, raw = run("list", "--format", "csv", "--catalogue", str(tmp_path))
    texts = [r[1] for r in csv.reader(io.StringIO(raw[len(BOM):].decode("utf-8")))][1:]
    assert texts == ["'=1+2", "'+质量", "'-质量", "'@质量", "质量第一"]


@pytest.mark.parametrize(("cell", "safe"), [("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("a=1", "a=1"), ("", "")])
def test_neutralize_cell_tab_and_cr(cell: str, safe: str) -> None:
    assert neutralize_cell(cell) == safe


def test_csv_to_file_keeps_bom(tmp_path: Path) -> None:
    target = tmp_path / "口号.csv"
    code, _out, err, _ = run("list", "--format", "csv", "-o", str(target))
    assert code == 0 and "已写入" in err
    data = target.read_bytes()
    assert data.startswith(BOM) and data.count(b"\r\n") == 29


def test_variants_table_and_json() -> None:
    code, out, _err, _ = run("variants")
    assert code == 0 and "共 3 个变体族" in out
    for old, new in SEED_FAMILIES:
        assert old in out and new in out
    _code, out, _err, _ = run("variants", "--format", "json")
    families = json.loads(out)
    assert len(families) == 3
    for family in families:
        years = [w["years"] for w in family["wordings"]]
        assert years == [[2009], [2010]]
        assert family["current"] == family["family"] == family["wordings"][-1]["id"]
        assert family["manual"] is False


def test_variants_with_override(folder: Path) -> None:
    (folder / "variants.toml").write_text('[[join]]\nids = ["2009-13", "2010-11"]\n', encoding="utf-8")
    _code, out, _err, _ = run("variants", "--catalogue", str(folder))
    assert "共 4 个变体族" in out and "人工调整" in out


def test_import_dry_run_then_import_then_again(tmp_path: Path) -> None:
    notices = [str(p) for p in copy_seeds(tmp_path / "notices")]
    target = tmp_path / "c"
    code, out, _err, _ = run("import", *notices, "--catalogue", str(target), "--dry-run")
    assert code == 0 and "将写入" in out and "2010-jiangsu.toml" in out and not target.exists()
    code, out, _err, _ = run("import", *notices, "--catalogue", str(target))
    assert code == 0 and out.count("已写入") == 2
    code, out, _err, _ = run("import", *notices, "--catalogue", str(target))
    assert code == 0 and out.count("未改动") == 2
    code, out, _err, _ = run("list", "--catalogue", str(target), "--format", "json")
    assert len(json.loads(out)) == 28


def test_import_conflict_exits_2_in_chinese(tmp_path: Path) -> None:
    notices = copy_seeds(tmp_path / "notices")
    run("import", str(notices[1]), "--catalogue", str(tmp_path / "c"))
    revised = tmp_path / "revised.txt"
    revised.write_text(notices[1].read_text(encoding="utf-8").replace("关注民生", "关心民生"), encoding="utf-8")
    code, _out, err, _ = run("import", str(revised), "--catalogue", str(tmp_path / "c"))
    assert code == 2 and "错误：" in err and "已存在" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("setup", "args", "needle"),
    [
        ("none", ["list", "--catalogue", "{tmp}/nowhere"], "不存在"),
        ("bad-toml", ["list", "--catalogue", "{tmp}/c"], "第 2 行"),
        ("bad-toml", ["variants", "--catalogue", "{tmp}/c"], "x.toml"),
        ("bad-variants", ["list", "--catalogue", "{tmp}/c"], "variants.toml"),
        ("none", ["import", "{tmp}/没有这个通知.txt", "--catalogue", "{tmp}/c"], "找不到"),
    ],
)
def test_bad_input_exits_2_with_a_chinese_message(tmp_path: Path, setup: str, args: list[str], needle: str) -> None:
    if setup == "bad-toml":
        (tmp_path / "c").mkdir()
        (tmp_path / "c" / "x.toml").write_text("[source]\nyear = = 2010\n", encoding="utf-8")
    if setup == "bad-variants":
        write_source(tmp_path / "c", "2011-national", 2011, ["质量第一"])
        (tmp_path / "c" / "variants.toml").write_text('[[join]]\nids = ["2011-01", "2011-09"]\n', encoding="utf-8")
    code, _out, err, _ = run(*[a.format(tmp=tmp_path) for a in args])
    assert code == 2 and err.startswith("错误：") and needle in err, err


def test_real_process_prints_csv_bytes_with_bom() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "qmposter", "slogans", "list", "--format", "csv"],
        capture_output=True, cwd=REPO, check=False, timeout=60,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.startswith(BOM) and done.stdout.count(b"\r\n") == 29
