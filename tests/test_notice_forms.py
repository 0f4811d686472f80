"""Forms beyond the formal notice: what each gives, how sure the parser is, and what --strict keeps."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from qmposter.catalogue.notice import parse_notice, parse_notice_file
from qmposter.cli import cli
from qmposter.errors import NoticeError

CORPUS = Path(__file__).resolve().parent / "notices" / "corpus"
SEEDS = Path(__file__).resolve().parent / "notices"


def _run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_json_and_text_say_which_form_and_how_sure() -> None:
    result = _run("slogans", "parse", str(CORPUS / "2016-national-news-quoted.txt"))
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert (data["form"], data["slogans"][1]) == ("news", "质量第一，效益优先")
    assert 0 < data["confidence"] < 1
    assert data["source"]["format"] == "txt" and data["source"]["traditional"] is False
    assert "新闻报道" in result.stderr  # the warning that this is not a formal notice
    text = _run("slogans", "parse", str(CORPUS / "2016-national-news-quoted.txt"), "--format", "text").stdout
    assert "识别为：新闻报道（news，把握度" in text


def test_a_complete_formal_notice_is_certain() -> None:
    assert parse_notice_file(SEEDS / "2015-national.txt").confidence == 1.0
    assert parse_notice_file(SEEDS / "2015-national.txt").form == "notice"


def test_strict_keeps_the_formal_notice_reading() -> None:
    news = CORPUS / "2016-national-news-quoted.txt"
    assert parse_notice_file(news, strict=True).slogans == ()
    assert len(parse_notice_file(news).slogans) == 5
    result = _run("slogans", "parse", "--strict", str(news))
    assert result.exit_code == 0 and json.loads(result.stdout)["slogans"] == []
    for seed in ("2009-national-notice.txt", "2010-jiangsu-notice.txt"):
        assert parse_notice_file(SEEDS / seed, strict=True).to_json() == parse_notice_file(SEEDS / seed).to_json()


def test_a_text_that_only_mentions_the_month_exits_2_with_the_reason() -> None:
    result = _run("slogans", "parse", str(CORPUS / "2024-not-about.txt"))
    assert result.exit_code == 2 and result.stdout == ""
    assert "只是顺带提到一次“质量月”" in result.stderr and "Traceback" not in result.output


def test_a_slogan_call_reports_its_fields_and_imports_nothing(tmp_path: Path) -> None:
    call = CORPUS / "2012-national-call.txt"
    notice = parse_notice_file(call)
    assert (notice.form, notice.year, notice.scope, notice.theme, notice.slogans) == (
        "slogan-call", 2012, "national", "质量·创新·发展", ())
    assert any("口号征集" in w for w in notice.warnings)
    result = _run("slogans", "import", str(call), "--catalogue", str(tmp_path / "cat"))
    assert result.exit_code == 0 and "未导入" in result.stdout
    assert not (tmp_path / "cat").exists() or not list((tmp_path / "cat").iterdir())


def test_a_cut_off_last_slogan_is_dropped_with_a_warning() -> None:
    notice = parse_notice_file(CORPUS / "2010-qingdao-news-cut.txt")
    assert [s.text for s in notice.slogans][-1] == "建设质量强市，打造品牌青岛"
    assert any("提高产品质量，服" in w and "不完整" in w for w in notice.warnings)
    listed = parse_notice_file(CORPUS / "2019-slogan-list-cut.txt")
    assert len(listed.slogans) == 4 and any("质量提升" in w for w in listed.warnings)


def test_a_traditional_copy_is_stored_in_simplified_and_says_so(tmp_path: Path) -> None:
    source = CORPUS / "2011-guangdong-traditional.txt"
    result = _run("slogans", "import", str(source), "--catalogue", str(tmp_path))
    assert result.exit_code == 0, result.output
    written = (tmp_path / "2011-guangdong.toml").read_text(encoding="utf-8")
    assert 'text = "坚持以质取胜，建设质量强国"' in written and "質" not in written.split("[source]")[1]
    assert "繁体" in written  # the provenance, in the file's note at the top


@pytest.mark.parametrize(
    ("noisy", "clean"),
    [
        ("质量(zhì liàng)第一，建设(shè)强国", "质量第一，建设强国"),
        ("&ldquo;质量月&rdquo;&nbsp;活动", "“质量月”\u00a0活动"),
        ("ISO(9001)认证，质量管理小组(QC)活动", "ISO(9001)认证，质量管理小组(QC)活动"),
    ],
)
def test_web_mirror_noise_is_removed_and_nothing_else(noisy: str, clean: str) -> None:
    from qmposter.catalogue.prose import denoise

    assert denoise(noisy) == clean


def test_a_news_report_without_any_slogan_or_theme_is_refused() -> None:
    text = "本报讯 今年质量月期间，我市将开展多项活动。\n据悉，质量月活动受到市民欢迎。\n"
    with pytest.raises(NoticeError, match="没有找到年份"):
        parse_notice(text)
