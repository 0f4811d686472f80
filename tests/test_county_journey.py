"""Issue 8 acceptance: a county's whole kit from this year's national notice, nothing of Jiangsu 2010 in it.

The journey runs as a county user would (in a fresh folder, the README's commands):
`init --from` with the county's --issuer → `build` → `leaflet --layout a4` and `trifold`
→ `sms`; then the text of every PDF, SVG, the manifest and the SMS CSV is read back.
The same journey from plain `init`, editing only the fields its comments mark, gives the
same kit; a placeholder left in place stops everything with exit 2.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from county import COUNTY, NOTICE, SELECTED, THEME, Kit, flat, pdf_text, qm, read_kit

from qmposter.campaign import campaign_catalogue, load_campaign

POSTER_YEAR_THEME_ISSUER = re.compile(r"poster-")


def run_journey(folder: Path, campaign: Path) -> tuple[Kit, list[str]]:
    """build (PDF/PNG/JPEG/BMP, plus SVG) → SMS for `campaign`: the kit and the slogans it must not print."""
    out = folder / "out"
    built = qm("build", "--campaign", str(campaign), "--out", str(out), "-j", "2")
    assert built.exit_code == 0, built.output
    svg = qm("build", "--campaign", str(campaign), "--out", str(out), "-j", "2",
             "--template", "poster-a3-red", "--template", "banner-red-0.9x6m", "--format", "svg")  # fmt: skip
    assert svg.exit_code == 0, svg.output
    sms = qm("sms", "--campaign", str(campaign), "--with-name", "--with-hotline", "-o", str(folder / "短信.csv"))
    assert sms.exit_code == 0, sms.output
    return read_kit(out, [folder / "短信.csv", folder / "短信.txt"]), not_selected(campaign)


def not_selected(campaign: Path) -> list[str]:
    catalogue = campaign_catalogue(load_campaign(campaign))
    return [e.text for e in catalogue.entries if e.text not in SELECTED]


def leaflet_texts(folder: Path, campaign: Path) -> dict[str, str]:
    """`leaflet --layout a4` and `--layout trifold`: their extracted text."""
    texts = {}
    for layout in ("a4", "trifold"):
        path = folder / f"传单-{layout}.pdf"
        made = qm("leaflet", "--campaign", str(campaign), "--layout", layout, "-o", str(path))
        assert made.exit_code == 0, made.output
        texts[layout] = pdf_text(path)
    return texts


def _leaflets_speak_for_the_county(folder: Path, campaign: Path) -> None:
    texts = leaflet_texts(folder, campaign)
    assert Kit(texts).forbidden_hits(not_selected(campaign)) == []
    for layout, text in texts.items():
        assert "2026" in flat(text) and flat(THEME) in flat(text) and COUNTY in flat(text), layout


@pytest.fixture(scope="module")
def from_notice(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("county") / "青山县"
    result = qm("init", str(folder), "--from", str(NOTICE), "--issuer", COUNTY)
    assert result.exit_code == 0, result.output
    return folder, folder / "campaign.toml"


def _poster_kit_says_the_campaign(kit: Kit) -> None:
    posters = {name: flat(text) for name, text in kit.texts.items() if POSTER_YEAR_THEME_ISSUER.search(name)}
    assert len(posters) >= 6 * 8  # six poster templates × eight slogans
    for name, text in posters.items():
        assert "2026" in text and flat(THEME) in text and COUNTY in text, name
    for slogan in SELECTED:
        assert any(flat(slogan) in text for text in posters.values()), slogan


def test_init_from_notice_fills_the_campaign(from_notice):
    folder, campaign_file = from_notice
    campaign = load_campaign(campaign_file)
    assert (campaign.year, campaign.theme, campaign.source) == (2026, THEME, "2026-national")
    assert campaign.name == "2026年全国“质量月”活动" and campaign.issuers == (COUNTY,)
    assert campaign.hotline == "12315" and campaign.sms_signature == f"【{COUNTY}】"
    assert campaign.date is None  # the national notice's date is not the county's
    assert (folder / "slogans" / "2026-national.toml").is_file()
    assert "请填写" not in campaign_file.read_text("utf-8")


def test_slogans_list_shows_the_repeated_slogan_once_with_both_years(from_notice):
    _folder, campaign_file = from_notice
    listed = qm("slogans", "list", "--campaign", str(campaign_file), "--year", "2026", "--format", "json")
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.stdout)
    assert [r["text"] for r in rows] == list(SELECTED)
    repeated = [r for r in rows if r["text"] == "质量缔造品牌，品牌提升效益"]
    assert len(repeated) == 1 and repeated[0]["years"] == [2010, 2026]
    assert repeated[0]["sources"] == ["2010-jiangsu", "2026-national"]
    reworded = next(r for r in rows if r["text"] == "降废减损提质，节能降碳增效")
    assert reworded["years"] == [2026] and reworded["current"]
    family = qm("slogans", "variants", "--campaign", str(campaign_file), "--format", "json")
    families = {f["family"]: [w["text"] for w in f["wordings"]] for f in json.loads(family.stdout)}
    assert families[reworded["family"]] == ["降废减损提质，节能降耗增效", "降废减损提质，节能降碳增效"]


def test_kit_from_notice_speaks_for_the_county_in_2026(from_notice):
    folder, campaign_file = from_notice
    kit, not_selected = run_journey(folder, campaign_file)
    assert "降废减损提质，节能降耗增效" in not_selected  # the old wording is in the catalogue, not in the kit
    assert kit.forbidden_hits(not_selected) == []
    _poster_kit_says_the_campaign(kit)
    for name in ("短信.csv", "manifest.json"):
        text = flat(next(t for n, t in kit.texts.items() if n.endswith(name)))
        assert "2026" in text and flat(THEME) in text and COUNTY in text, name
    svgs = {n: flat(t) for n, t in kit.texts.items() if n.endswith(".svg")}
    assert len(svgs) == 2 * len(SELECTED)
    assert all("2026" in t and COUNTY in t for n, t in svgs.items() if "poster-" in n)


PLAIN_EDITS = {
    'year = "请填写年份"': "year = 2026",
    'name = "请填写活动名称"': 'name = "2026年全国“质量月”活动"',
    'theme = "请填写活动主题"': f'theme = "{THEME}"',
    'source = "请填写口号库中的通知名"': 'source = "2026-national"',
    '"请填写落款（本单位全称）"': f'"{COUNTY}"',
    'qr_url = "请填写二维码网址，或改为空字符串"': 'qr_url = "https://www.example.gov.cn/zlyhd"',
    'signature = "【请填写短信签名】"': 'signature = "【青山县市场监管】"',
}


def test_plain_init_refuses_each_placeholder_then_gives_the_same_kit(tmp_path):
    folder = tmp_path / "青山县"
    assert qm("init", str(folder)).exit_code == 0
    campaign_file = folder / "campaign.toml"
    text = campaign_file.read_text("utf-8")
    assert "江苏" not in text and "2010" not in text and text.count("【必改】") == len(PLAIN_EDITS)
    imported = qm("slogans", "import", str(NOTICE), "--campaign", str(campaign_file))
    assert imported.exit_code == 0 and 'source = "2026-national"' in imported.output
    assert (folder / "slogans" / "2026-national.toml").is_file()
    for done, (placeholder, edit) in enumerate(PLAIN_EDITS.items()):
        left = qm("build", "--campaign", str(campaign_file), "--out", str(folder / "out"))
        field = placeholder.split(" =")[0].strip('"')
        field = {"请填写落款（本单位全称）": "issuers", "signature": "sms.signature"}.get(field, field)
        assert left.exit_code == 2 and f"：{field} 还是" in left.output and "请填写" in left.output, (done, left.output)
        assert not (folder / "out").exists()  # nothing written while a placeholder is left
        text = text.replace(placeholder, edit)
        campaign_file.write_text(text, "utf-8")
    kit, not_selected = run_journey(folder, campaign_file)
    assert kit.forbidden_hits(not_selected) == []
    _poster_kit_says_the_campaign(kit)
    _leaflets_speak_for_the_county(folder, campaign_file)


def test_leaflets_from_notice_speak_for_the_county_in_2026(from_notice):
    folder, campaign_file = from_notice
    _leaflets_speak_for_the_county(folder, campaign_file)
