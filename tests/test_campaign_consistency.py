"""Issue 8 items 2, 3 and 5: a campaign's own catalogue, contradictions refused before writing, small things.

Contradictions a user never means are exit 2 naming both places; a county reprinting
the national slogans under its own name is a one-line warning. Each case runs the real
command in a fresh folder and checks that nothing was written when it is refused.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import tomlkit
from county import COUNTY, NOTICE, THEME, qm
from notice_formats import make_docx, make_html

from qmposter.campaign import load_campaign
from qmposter.errors import CampaignError

REPO = Path(__file__).resolve().parents[1]


def county_campaign(folder: Path, **fields: object) -> Path:
    """A campaign made by `init --from` (the 2026 national notice, the county's 落款), then edited (sms__x: [sms] x)."""
    result = qm("init", str(folder), "--from", str(NOTICE), "--issuer", COUNTY)
    assert result.exit_code == 0, result.output
    path = folder / "campaign.toml"
    doc = tomlkit.parse(path.read_text("utf-8"))
    for key, value in fields.items():
        table, _, name = key.rpartition("__")
        (doc[table] if table else doc)[name] = value  # type: ignore[index]
    path.write_text(tomlkit.dumps(doc), "utf-8")
    return path


def build(campaign: Path, out: Path):
    return qm("build", "--campaign", str(campaign), "--out", str(out), "--template", "poster-a3-red",
              "--format", "pdf", "-j", "1")  # fmt: skip


# --- contradictions -----------------------------------------------------------------------------


def test_year_2026_with_a_2010_source_is_refused_naming_both(tmp_path):
    campaign = county_campaign(tmp_path / "c", source="2010-jiangsu")
    result = build(campaign, tmp_path / "out")
    assert result.exit_code == 2
    assert "year = 2026" in result.output and 'source = "2010-jiangsu"' in result.output
    assert "2010 年的通知" in result.output and "slogans import" in result.output
    assert not (tmp_path / "out").exists()


def test_jiangsu_signature_on_a_county_campaign_is_refused(tmp_path):
    campaign = county_campaign(tmp_path / "c", sms__signature="【江苏质监】")
    sms = qm("sms", "--campaign", str(campaign), "-o", str(tmp_path / "s.csv"))
    for result in (build(campaign, tmp_path / "out"), sms):
        assert result.exit_code == 2
        assert 'signature = "【江苏质监】"' in result.output and COUNTY in result.output
        assert "内置示例活动" in result.output and "江苏省质量技术监督局" in result.output
    assert not (tmp_path / "out").exists() and not (tmp_path / "s.csv").exists()


def test_a_signature_naming_the_example_region_is_refused(tmp_path):
    campaign = county_campaign(tmp_path / "c", sms__signature="【江苏省质监局】")
    assert build(campaign, tmp_path / "out").exit_code == 2


def test_jiangsu_issuers_left_in_a_2026_campaign_are_refused(tmp_path):
    campaign = county_campaign(tmp_path / "c", issuers=["江苏省质量技术监督局", COUNTY])
    result = build(campaign, tmp_path / "out")
    assert result.exit_code == 2 and "issuers 中的“江苏省质量技术监督局”" in result.output and "2026" in result.output


def test_year_in_name_must_match_year(tmp_path):
    campaign = county_campaign(tmp_path / "c", name="2010年全省“质量月”活动")
    result = build(campaign, tmp_path / "out")
    assert result.exit_code == 2 and "name" in result.output and "2010" in result.output
    assert "year = 2026" in result.output


def test_hotline_12365_contradicts_a_year_after_2019(tmp_path):
    campaign = county_campaign(tmp_path / "c")
    campaign.write_text(campaign.read_text("utf-8").replace('# hotline = "12315"', 'hotline = "12365"'), "utf-8")
    with pytest.raises(CampaignError, match=r"12365.*2019"):
        load_campaign(campaign)


def test_reprinting_the_national_slogans_under_the_county_is_one_warning(tmp_path):
    campaign = county_campaign(tmp_path / "c")
    result = qm("render", "poster-a3-red", "--slogan", "2026-02", "--campaign", str(campaign),
                "-o", str(tmp_path / "p.pdf"))  # fmt: skip
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("注意")]
    assert warnings == [
        "注意：口号和活动内容取自《关于开展2026年全国“质量月”活动的通知》（市场监管总局等 8 个单位发文），"
        f"落款印为 {COUNTY}。"
    ]


@pytest.mark.parametrize("command", ["build", "leaflet a4", "leaflet trifold", "sms"])
def test_each_warning_is_printed_once_per_command(tmp_path, command):
    campaign = county_campaign(tmp_path / "c")
    args = {
        "build": ("build", "--template", "poster-a3-red", "--format", "pdf", "-j", "1", "--out", str(tmp_path / "out")),
        "leaflet a4": ("leaflet", "--layout", "a4", "-o", str(tmp_path / "a4.pdf")),
        "leaflet trifold": ("leaflet", "--layout", "trifold", "-o", str(tmp_path / "tri.pdf")),
        "sms": ("sms", "--with-hotline", "-o", str(tmp_path / "短信.csv")),
    }[command]
    result = qm(*args, "--campaign", str(campaign))
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("注意")]
    assert len(warnings) == len(set(warnings)) == 1 and "口号和活动内容取自" in warnings[0], result.stderr


def test_slogans_of_other_years_chosen_by_id_are_a_warning(tmp_path):
    campaign = county_campaign(tmp_path / "c")
    text = campaign.read_text("utf-8").replace('select = "source"', 'select = "ids"')
    campaign.write_text(text.replace("ids = []", 'ids = ["2026-01", "2009-national-05"]'), "utf-8")
    result = qm("sms", "--campaign", str(campaign))
    assert result.exit_code == 0, result.output
    assert "有 1 条不在 2026 年的通知上（最近用于 2009 年）" in result.stderr


def test_a_copy_of_the_bundled_example_is_not_a_contradiction(tmp_path):
    copy = tmp_path / "campaign.toml"
    shutil.copy(REPO / "campaigns" / "default.toml", copy)
    result = build(copy, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "注意" not in result.stderr


def test_forgetting_campaign_in_a_campaign_folder_is_pointed_out(tmp_path, monkeypatch):
    county_campaign(tmp_path / "c")
    monkeypatch.chdir(tmp_path / "c")
    result = qm("render", "poster-a3-red", "--slogan", "2010-05", "-o", "p.png")
    assert result.exit_code == 0 and "没有给 --campaign" in result.stderr
    assert "--campaign campaign.toml" in result.stderr


# --- the campaign's own catalogue ---------------------------------------------------------------


def test_source_not_in_catalogue_names_the_folders_searched(tmp_path):
    campaign = county_campaign(tmp_path / "c", source="2026-zhejiang")
    result = build(campaign, tmp_path / "out")
    assert result.exit_code == 2 and 'source = "2026-zhejiang" 不在口号库中' in result.output
    assert str(tmp_path / "c" / "slogans") in result.output and "--campaign" in result.output


def test_hand_edits_in_the_own_catalogue_win_over_the_bundled_file(tmp_path):
    campaign = county_campaign(tmp_path / "c")
    own = tmp_path / "c" / "slogans"
    edited = (REPO / "slogans" / "2010-jiangsu.toml").read_text("utf-8")
    own.joinpath("2010-jiangsu.toml").write_text(edited.replace("提高可靠性，质量上台阶", "提高可靠性，质量再上新台阶"))
    result = qm("slogans", "list", "--campaign", str(campaign), "--year", "2010", "--format", "json")
    texts = [row["text"] for row in json.loads(result.stdout)]
    assert "提高可靠性，质量再上新台阶" in texts and "提高可靠性，质量上台阶" not in texts
    again = qm("slogans", "import", str(NOTICE), "--campaign", str(campaign))
    assert again.exit_code == 0 and "未改动" in again.output  # a re-import never rewrites the user's file


def test_catalogue_key_points_elsewhere(tmp_path):
    campaign = county_campaign(tmp_path / "c")
    (tmp_path / "c" / "slogans").rename(tmp_path / "c" / "口号库")
    campaign.write_text(campaign.read_text("utf-8").replace('catalogue = "slogans"', 'catalogue = "口号库"'), "utf-8")
    assert build(campaign, tmp_path / "out").exit_code == 0


def test_import_takes_either_a_campaign_or_a_catalogue(tmp_path):
    campaign = county_campaign(tmp_path / "c")
    result = qm("slogans", "import", str(NOTICE), "--campaign", str(campaign), "--catalogue", str(tmp_path / "x"))
    assert result.exit_code == 2 and not (tmp_path / "x").exists()


# --- init ---------------------------------------------------------------------------------------


def test_init_from_without_issuer_takes_the_notice_issuers_and_says_so(tmp_path):
    result = qm("init", str(tmp_path / "c"), "--from", str(NOTICE))
    assert result.exit_code == 0, result.output
    campaign = load_campaign(tmp_path / "c" / "campaign.toml")
    assert campaign.issuers[0] == "市场监管总局" and len(campaign.issuers) == 8
    assert "落款取自通知" in result.stderr and "--issuer" in result.stderr
    assert campaign.theme == THEME and campaign.date == "2026-08-18"  # the notice's 落款 with its own date


NOTICES = Path(__file__).parent / "notices"


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("浙江省市场监督管理局等十部门关于开展2026年全省“质量月”活动的通知", "2026年全省“质量月”活动"),
        ("国家质检总局 国家发展改革委关于开展2026年全国“质量月”活动的通知", "2026年全国“质量月”活动"),
        ("中共青山县委宣传部 青山县市场监督管理局关于开展2026年全县“质量月”活动的通知", "2026年全县“质量月”活动"),
    ],
)
def test_init_from_names_the_activity_not_its_issuers(tmp_path, title, name):
    text = NOTICE.read_text("utf-8").replace("关于开展2026年全国“质量月”活动的通知", title, 1)
    (tmp_path / "通知.txt").write_text(text, "utf-8")
    result = qm("init", str(tmp_path / "c"), "--from", str(tmp_path / "通知.txt"), "--issuer", COUNTY)
    assert result.exit_code == 0, result.output
    campaign = load_campaign(tmp_path / "c" / "campaign.toml")
    assert (campaign.year, campaign.name, campaign.theme) == (2026, name, THEME)


@pytest.mark.parametrize(
    ("notice", "title", "facts"),
    [
        ("2018-municipal.txt", None, (2018, "2018年全市“质量月”活动", "扬州市市场监督管理局")),
        ("corpus/2022-yuhang-district-notice.txt", None,
         (2022, "2022年全区“质量月”活动", "杭州市余杭区市场监督管理局")),
        ("2023-haian-plan.txt", None, (2023, "2023年全市“质量月”活动", "海安市市场监督管理局（知识产权局）")),
        ("2021-county.txt", None, (2021, "2021年全县“质量月”活动", "沭阳县市场监督管理局")),
        ("2021-county.txt", "关于开展全县“质量月”活动的通知", (2021, "2021年全县“质量月”活动", "沭阳县市场监督管理局")),
    ],
)
def test_init_from_a_municipal_or_county_notice(tmp_path, notice, title, facts):
    """Their own 落款, the activity's name (the year put in when the title has none), the theme."""
    text = (NOTICES / notice).read_text("utf-8")
    if title:
        text = text.replace(f"关于开展{facts[0]}年全县“质量月”活动的通知", title, 1)
        assert title in text
    (tmp_path / "通知.txt").write_text(text, "utf-8")
    result = qm("init", str(tmp_path / "c"), "--from", str(tmp_path / "通知.txt"))
    assert result.exit_code == 0, result.output
    campaign = load_campaign(tmp_path / "c" / "campaign.toml")
    assert (campaign.year, campaign.name, campaign.issuers[0]) == facts
    assert campaign.theme and "请填写" not in campaign.theme


def test_init_from_a_missing_notice_writes_nothing(tmp_path):
    result = qm("init", str(tmp_path / "c"), "--from", str(tmp_path / "没有.txt"), "--issuer", COUNTY)
    assert result.exit_code == 2 and "没有.txt" in result.output
    assert not (tmp_path / "c" / "campaign.toml").exists() and not (tmp_path / "c" / "slogans").exists()


def test_init_from_keeps_an_existing_campaign(tmp_path):
    county_campaign(tmp_path / "c")
    before = (tmp_path / "c" / "campaign.toml").read_bytes()
    result = qm("init", str(tmp_path / "c"), "--from", str(NOTICE), "--issuer", "别的单位")
    assert result.exit_code == 2 and "--force" in result.output
    assert (tmp_path / "c" / "campaign.toml").read_bytes() == before


def test_init_from_with_hotline_and_qr_url(tmp_path):
    result = qm("init", str(tmp_path / "c"), "--from", str(NOTICE), "--issuer", COUNTY,
                "--hotline", "0571-12315", "--qr-url", "https://www.example.gov.cn/zlyhd")  # fmt: skip
    assert result.exit_code == 0, result.output
    campaign = load_campaign(tmp_path / "c" / "campaign.toml")
    assert (campaign.hotline, campaign.qr_url) == ("0571-12315", "https://www.example.gov.cn/zlyhd")


# --- item 5: encodings, TOML errors, permissions, Ctrl-C -----------------------------------------


def test_campaign_file_in_gbk_is_read(tmp_path):
    campaign = county_campaign(tmp_path / "c")
    campaign.write_bytes(campaign.read_text("utf-8").encode("gb18030"))
    assert load_campaign(campaign).issuers == (COUNTY,)
    assert build(campaign, tmp_path / "out").exit_code == 0


@pytest.mark.parametrize(
    ("line", "needles"),
    [
        ("theme = “质量第一”", ("第 3 行", "中文引号", "英文双引号", "theme = “质量第一”")),
        ("hotline = 0571-12315", ("第 3 行", "电话号码", 'hotline = "0571-12315"')),
        ("theme = 质量第一", ("第 3 行", 'theme = "质量第一"')),
    ],
)
def test_toml_mistakes_are_explained_in_chinese_with_the_line(tmp_path, line, needles):
    path = tmp_path / "campaign.toml"
    path.write_text(f"year = 2026\n\n{line}\n", "utf-8")
    result = qm("build", "--campaign", str(path), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2 and "Traceback" not in result.output
    for needle in needles:
        assert needle in result.output


BAD_LINE = "title = “质量第一”"


@pytest.mark.parametrize("kind", ["template", "leaflet words", "slogans file", "variants.toml"])
def test_toml_mistakes_in_every_file_people_edit_name_the_line(tmp_path, kind):
    """Templates, the leaflet's words, catalogue files and variants.toml: the same message as campaign.toml."""
    campaign = county_campaign(tmp_path / "c")
    folder = campaign.parent
    bad = f"# 自己改的文件\n{BAD_LINE}\n"
    if kind == "template":
        (tmp_path / "tpl").mkdir()
        path = tmp_path / "tpl" / "mine.toml"
        args = ("templates", "list", "--templates", str(tmp_path / "tpl"))
    elif kind == "leaflet words":
        path = folder / "传单文字.toml"
        campaign.write_text(campaign.read_text("utf-8") + '\n[leaflet]\nfile = "传单文字.toml"\n', "utf-8")
        args = ("leaflet", "--campaign", str(campaign), "-o", str(tmp_path / "传单.pdf"))
    else:
        path = folder / "slogans" / ("variants.toml" if kind == "variants.toml" else "2026-extra.toml")
        args = ("sms", "--campaign", str(campaign), "-o", str(tmp_path / "短信.csv"))
    path.write_text(bad, "utf-8")
    result = qm(*args)
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    for needle in (path.name, "第 2 行", "中文引号", "英文双引号", f"这一行是：{BAD_LINE}", "提示："):
        assert needle in result.output, (needle, result.output)
    assert not (tmp_path / "传单.pdf").exists() and not (tmp_path / "短信.csv").exists()


def test_sms_files_get_the_usual_permissions(tmp_path):
    campaign = county_campaign(tmp_path / "c")
    old = os.umask(0o022)
    try:
        assert qm("sms", "--campaign", str(campaign), "-o", str(tmp_path / "短信.csv")).exit_code == 0
    finally:
        os.umask(old)
    for name in ("短信.csv", "短信.txt"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o644


OUTPUT_SUFFIXES = {".pdf", ".png", ".jpg", ".svg", ".bmp", ".gif"}


def test_ctrl_c_exits_130_in_chinese(tmp_path):
    campaign = county_campaign(tmp_path / "c")
    out = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, "-m", "qmposter", "build", "--campaign", str(campaign), "--out", str(out), "-j", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    # wait for the first finished file of any kind (the build is under way, far from its end: a PDF
    # alone could come last in the job order, and a Ctrl-C while Python shuts down kills it with -2)
    while process.poll() is None and not any(p.suffix in OUTPUT_SUFFIXES for p in out.rglob("*.*")):
        time.sleep(0.05)  # not a timed assertion
    assert process.poll() is None, "the build finished before it could be interrupted"
    os.killpg(process.pid, signal.SIGINT)  # what the terminal sends to the whole foreground group
    _stdout, stderr = process.communicate(timeout=300)
    text = stderr.decode("utf-8")
    assert process.returncode == 130, text
    assert "Ctrl-C" in text and "中断" in text
    assert "Traceback" not in text and "resource_tracker" not in text and "KeyboardInterrupt" not in text


def _forkserver_of(group: int) -> bool:
    """Whether a multiprocessing forkserver runs in process group `group` (read from /proc)."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if b"forkserver" in (entry / "cmdline").read_bytes() and os.getpgid(int(entry.name)) == group:
                    return True
            except (OSError, ProcessLookupError):
                continue
    return False


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc to see the forkserver start")
def test_ctrl_c_while_workers_start_leaves_no_traceback(tmp_path):
    """Ctrl-C just as the worker server starts (its preload, the first hand-overs): exit 130, no traceback."""
    for step in range(6):
        out = tmp_path / f"out{step}"
        process = subprocess.Popen(
            [sys.executable, "-m", "qmposter", "build", "--out", str(out), "-j", "2",
             "--template", "poster-a3-red", "--template", "image-square-1080"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
        )  # fmt: skip
        while process.poll() is None and not _forkserver_of(process.pid):
            time.sleep(0.005)
        time.sleep(0.04 * step)  # a spread of moments through the start-up, not a timed assertion
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
        _stdout, stderr = process.communicate(timeout=300)
        text = stderr.decode("utf-8")
        assert "Traceback" not in text and "KeyboardInterrupt" not in text, text
        assert process.returncode in (0, 130), text


def _served(root: Path):
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def test_init_from_a_word_file_or_a_web_page_gives_the_same_campaign(tmp_path):
    text = NOTICE.read_text("utf-8")
    site = tmp_path / "site"
    site.mkdir()
    docx_file = make_docx(text, tmp_path / "通知.docx")
    make_html(text, site / "art.html")
    server = _served(site)
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/art.html"
        for name, source in (("txt", str(NOTICE)), ("docx", str(docx_file)), ("url", url)):
            result = qm("init", str(tmp_path / name), "--from", source, "--issuer", COUNTY)
            assert result.exit_code == 0, (name, result.output)
    finally:
        server.shutdown()
        server.server_close()
    loaded = [load_campaign(tmp_path / name / "campaign.toml") for name in ("txt", "docx", "url")]
    facts = {(c.year, c.name, c.theme, c.source, c.issuers) for c in loaded}
    assert facts == {(2026, "2026年全国“质量月”活动", THEME, "2026-national", (COUNTY,))}


def test_init_from_a_slogan_call_is_refused_and_writes_nothing(tmp_path):
    call = Path(__file__).parent / "notices" / "corpus" / "2012-national-call.txt"
    result = qm("init", str(tmp_path / "c"), "--from", str(call), "--issuer", COUNTY)
    assert result.exit_code == 2 and "口号征集通知" in result.output
    assert not (tmp_path / "c").exists()
