"""click's own messages reach users in Chinese, with help columns aligned for Chinese text."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from qmposter.cli import cli
from qmposter.cli.i18n import display_width


def test_unknown_option_is_a_chinese_usage_error() -> None:
    result = CliRunner().invoke(cli, ["--bogus"])
    assert result.exit_code == 2
    assert "没有这个选项" in result.output and "用法" in result.output


def test_unknown_command_is_a_chinese_usage_error_from_a_real_process() -> None:
    done = subprocess.run([sys.executable, "-m", "qmposter", "slogans", "nope"], capture_output=True, text=True)
    assert done.returncode == 2
    assert "没有这个命令" in done.stderr
    assert "Traceback" not in done.stderr


def test_missing_argument_and_option_end_with_a_chinese_full_stop() -> None:
    argument = CliRunner().invoke(cli, ["render"])
    option = CliRunner().invoke(cli, ["leaflet"])
    assert argument.exit_code == option.exit_code == 2
    assert "错误：缺少参数 'TEMPLATE'。" in argument.output
    assert "错误：缺少选项 '-o' / '--output'。" in option.output
    assert "'." not in argument.output + option.output


def test_help_is_chinese() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert "显示本帮助并退出" in result.output and "命令" in result.output


def test_help_columns_align_by_display_width() -> None:
    result = CliRunner().invoke(cli, ["render", "--help"])
    rows = [line for line in result.output.splitlines() if line.startswith("  --") and "  " in line.strip()]
    starts = set()
    for row in rows:
        option, _, help_text = row.strip().partition("  ")
        starts.add(display_width("  " + option + "  " + help_text[: len(help_text) - len(help_text.lstrip())]))
    assert len(starts) == 1, rows


def test_display_width_counts_wide_characters_twice() -> None:
    assert display_width("文件") == 4
    assert display_width("ID|别名") == 7
