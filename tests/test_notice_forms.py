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


def test_wechat_emoji_bullets_and_the_account_name() -> None:
    """🔸 before a line is a bullet, 👇 points to the list, other emoji are decoration;
    the post's region is the place its account is named after when the text names it again."""
    text = (
        "原创 台州市场监管 台州市场监管 2021年09月01日\n🎉九月，质量月来啦！\n"
        "9月是全国“质量月”🏆。我市将在全市组织开展2021年“质量月”活动，主题是“质量强市，品质台州”。\n"
        "📢 今年的宣传标语，快来收藏吧👇👇\n🔸质量强市，品质台州\n🔸质量共治，品质共享\n"
        "💡 活动期间，全市将组织质量开放日等系列活动，欢迎市民朋友积极参与！\n阅读原文\n在看\n"
    )
    notice = parse_notice(text)
    assert [s.text for s in notice.slogans] == ["质量强市，品质台州", "质量共治，品质共享"]
    assert (notice.year, notice.scope, notice.region) == (2021, "municipal", "台州")


def test_a_lead_in_sentence_and_english_translations() -> None:
    text = (
        "2023年某某市“质量月”活动宣传标语（中英文对照）\n"
        "为配合2023年“质量月”活动宣传和国际化城市展示，现将活动宣传标语及英文译文发布如下，"
        "供各单位在户外广告屏、宣传栏和对外宣传中选用：\n"  # longer than a slogan: once a stop
        "1. 质量第一，效益优先\nQuality First, Efficiency Foremost\n"
        "2. 人人追求质量，处处享受品质\nEveryone Pursues Quality, Everywhere Enjoys Excellence and Quality Life\n"
        "注：使用时请中英文同时完整呈现。\n"
    )
    assert [s.text for s in parse_notice(text).slogans] == ["质量第一，效益优先", "人人追求质量，处处享受品质"]


def test_theme_section_written_as_a_sentence_and_the_closing_after_the_slogans() -> None:
    text = (
        "某某市质量技术监督局关于开展2017年全市“质量月”活动的通知\n\n各县区局：\n"
        "一、活动主题\n以“提升供给质量，建设质量强国”为主题，突出质量提升和品牌建设。\n"
        "二、活动安排\n（一）举行“质量月”启动仪式。\n（二）开展质量开放日活动。\n"
        "三、宣传标语\n各单位可选用以下标语悬挂、张贴或在电子屏上滚动播放：\n"
        "①提升供给质量，建设质量强国\n②质量强市，品牌兴城\n"
        "四、有关要求\n各单位于10月13日前将总结报市局。\n\n某某市质量技术监督局\n2017年8月25日\n"
    )
    notice = parse_notice(text)
    assert notice.theme == "提升供给质量，建设质量强国"
    assert (notice.issuers, notice.date) == (("某某市质量技术监督局",), "2017-08-25")
    assert [s.text for s in notice.slogans] == ["提升供给质量，建设质量强国", "质量强市，品牌兴城"]
