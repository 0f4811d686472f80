"""`qmposter slogans parse`: JSON and text output, warnings, and bad input without tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from qmposter.cli import cli

NOTICES = Path(__file__).resolve().parent / "notices"
REPO = Path(__file__).resolve().parent.parent


def _runner() -> CliRunner:
    """stdout and stderr apart: the default from click 8.2, an option before."""
    try:
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:
        return CliRunner()


def _run(*args: str):
    return _runner().invoke(cli, ["slogans", "parse", *args])


def test_json_output_of_the_2009_seed() -> None:
    result = _run(str(NOTICES / "2009-national-notice.txt"), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["year"] == 2009
    assert data["scope"] == "national"
    assert data["region"] is None
    assert data["doc_number"] == "国质检质联〔2009〕322号"
    assert data["date"] == "2009-07-15"
    assert data["theme"] == "全员全过程全方位参与，全面提高质量安全水平"
    assert len(data["activities"]) == 14
    assert len(data["slogans"]) == 25
    # readable Chinese, two-space indent, as DESIGN.md §4
    assert "国质检质联〔2009〕322号" in result.stdout and "\\u" not in result.stdout
    assert result.stdout.startswith('{\n  "year": 2009,')


def test_json_is_the_default_format() -> None:
    path = str(NOTICES / "2010-jiangsu-notice.txt")
    assert _run(path).stdout == _run(path, "--format", "json").stdout


def test_text_summary_of_the_jiangsu_seed() -> None:
    result = _run(str(NOTICES / "2010-jiangsu-notice.txt"), "--format", "text")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "年份：2010" in out
    assert "范围：省级" in out
    assert "地区：江苏" in out
    assert "文号：（无）" in out
    assert "活动主题：抓质量水平提升，促发展方式转变" in out
    assert "活动（16 项）" in out and "【广泛开展社会宣传】" in out
    assert "宣传口号（21 条）" in out
    assert "原文：抓质量水平提升\u00a0 促发展方式转变" in out


def test_warning_goes_to_stderr_and_json_stays_clean() -> None:
    result = _run(str(NOTICES / "2012-no-attachment.txt"))
    assert result.exit_code == 0
    assert result.stderr.startswith("警告：")
    assert "宣传口号" in result.stderr
    assert json.loads(result.stdout)["slogans"] == []


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda d: d / "missing.txt", "找不到通知文件"),
        (lambda d: d, "文件夹"),
        (lambda d: _write(d / "empty.txt", b""), "是空的"),
        (lambda d: _write(d / "broken.pdf", b"%PDF-1.4\n\x00\x01\x02binary\x00"), "不是可读的 PDF"),
        (lambda d: _write(d / "photo.txt", bytes(range(256)) * 8), "二进制"),
        (lambda d: _write(d / "letter.txt", "各位同事：下周一例会改到三楼。".encode()), "不是“质量月”活动通知"),
    ],
    ids=["missing", "directory", "empty", "broken-pdf", "binary", "not-a-notice"],
)
def test_bad_input_exits_2_with_a_chinese_message(tmp_path: Path, make, words: str) -> None:
    result = _run(str(make(tmp_path)))
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stderr.startswith("错误：")
    assert words in result.stderr
    assert "Traceback" not in result.output
    assert result.stdout == ""


def test_unknown_format_is_a_usage_error() -> None:
    result = _run(str(NOTICES / "2015-national.txt"), "--format", "xml")
    assert result.exit_code == 2


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _subprocess(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run(
        [sys.executable, "-m", "qmposter", "slogans", "parse", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=REPO,
        timeout=120,
    )


def test_real_process_bad_inputs_exit_2_without_traceback(tmp_path: Path) -> None:
    empty = _write(tmp_path / "empty.txt", b"")
    binary = _write(tmp_path / "photo.txt", bytes(range(256)) * 8)
    for path, words in [(tmp_path / "nope.txt", "找不到通知文件"), (empty, "是空的"), (binary, "二进制")]:
        proc = _subprocess(str(path))
        assert proc.returncode == 2, proc.stderr
        assert words in proc.stderr
        assert "Traceback" not in proc.stderr
        assert proc.stdout == ""


def test_real_process_parses_a_gbk_file() -> None:
    proc = _subprocess(str(NOTICES / "2016-zhejiang-gbk.txt"))
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["region"] == "浙江"
    assert data["slogans"][0] == "提升供给质量，建设质量强省"
