"""campaign.toml loading: the bundled default, defaults, the per-year hotline, bad files, slogan selection."""

from __future__ import annotations

from pathlib import Path

import pytest

from qmposter.campaign import campaign_slogans, default_hotline, load_campaign
from qmposter.catalogue.catalogue import load_catalogue
from qmposter.errors import CampaignError

JIANGSU_ISSUERS = (
    "江苏省质量技术监督局",
    "江苏省经济和信息化委员会",
    "江苏省住房和城乡建设厅",
    "江苏省人民政府国有资产监督管理委员会",
    "江苏省工商业联合会",
    "江苏省总工会",
    "共青团江苏省委",
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "campaign.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_bundled_default_is_the_2010_jiangsu_notice():
    campaign = load_campaign()
    assert campaign.year == 2010
    assert campaign.name == "2010年全省“质量月”活动"
    assert campaign.theme == "抓质量水平提升，促发展方式转变"
    assert campaign.issuers == JIANGSU_ISSUERS  # the 落款 of the notice, in its order
    assert campaign.hotline == "12365"
    assert campaign.source == "2010-jiangsu" and campaign.slogan_select == "source"
    assert campaign.qr_url.startswith("https://") and campaign.qr_caption == "扫码了解质量月活动"
    assert campaign.sms_signature == "【江苏质监】" and campaign.sms_opt_out is None
    assert campaign.out_dir == Path("out") and campaign.templates == () and campaign.formats == ()


def test_minimal_file_gets_defaults(tmp_path):
    campaign = load_campaign(write(tmp_path, "year = 2012\n"))
    assert campaign.name == "2012年“质量月”活动"
    assert campaign.theme == "" and campaign.issuers == () and campaign.source is None
    assert campaign.slogan_select == "year"  # no source: the year's slogans
    assert campaign.qr_url == "" and campaign.qr_caption == "扫码了解质量月活动"
    assert campaign.sms_signature is None


@pytest.mark.parametrize(("year", "hotline"), [(2009, "12365"), (2019, "12365"), (2020, "12315"), (2024, "12315")])
def test_hotline_follows_the_year_when_omitted(tmp_path, year, hotline):
    assert default_hotline(year) == hotline
    assert load_campaign(write(tmp_path, f"year = {year}\n")).hotline == hotline


def test_explicit_hotline_wins(tmp_path):
    assert load_campaign(write(tmp_path, 'year = 2024\nhotline = "0571-12345"\n')).hotline == "0571-12345"


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('name = "x"\n', "year"),
        ('year = "2010"\n', "year"),
        ("year = 1900\n", "1978"),
        ('year = 2010\nissuer = ["甲"]\n', "issuers"),  # typo: the hint names the right key
        ('year = 2010\nhotline = "热线"\n', "hotline"),
        ('year = 2010\nqr_url = "www.example.com"\n', "qr_url"),
        ("year = 2010\nissuers = [1, 2]\n", "issuers"),
        ('year = 2010\n[build]\nformats = ["tiff"]\n', "build.formats"),
        ('year = 2010\n[build]\noutput = "x"\n', "build.output"),
        ('year = 2010\n[slogans]\nselect = "source"\n', "source"),
        ('year = 2010\n[slogans]\nselect = "ids"\n', "slogans.ids"),
        ('year = 2010\n[slogans]\nselect = "best"\n', "slogans.select"),
        ('year = 2010\n[sms]\nsignature = "江苏质监"\n', "sms.signature"),
        ("year = 2010\nslogans = 3\n", "slogans"),
        ("year = = 2010\n", "TOML"),
    ],
)
def test_bad_files_name_file_and_key(tmp_path, text, needle):
    path = write(tmp_path, text)
    with pytest.raises(CampaignError) as caught:
        load_campaign(path)
    message = str(caught.value)
    assert str(path) in message and needle in message


def test_missing_file(tmp_path):
    with pytest.raises(CampaignError, match="qmposter init"):
        load_campaign(tmp_path / "nope.toml")


def test_default_campaign_selects_the_notice_slogans_in_order():
    entries = campaign_slogans(load_campaign(), load_catalogue())
    texts = [e.text for e in entries]
    # the attachment of the 2010 Jiangsu notice, in its order (checked against seeds/2010-jiangsu-notice.txt)
    assert texts[:4] == [
        "抓质量水平提升，促发展方式转变",
        "夯实质量安全基础，促进经济又好又快发展",
        "夯实质量安全基础，促进经济社会和谐发展",
        "全员全过程全方位参与，全面提高质量安全水平",
    ]
    assert "质量诚信是企业的信誉和生命" in texts
    assert all(e.current for e in entries) and len(set(e.id for e in entries)) == len(entries)


def test_select_ids_and_all(tmp_path):
    catalogue = load_catalogue()
    by_ids = load_campaign(write(tmp_path, 'year = 2010\n[slogans]\nselect = "ids"\nids = ["2010-05", "2010-12"]\n'))
    assert [e.text for e in campaign_slogans(by_ids, catalogue)] == ["质量诚信是企业的信誉和生命", "关注民生，重视质量"]
    every = load_campaign(write(tmp_path, 'year = 2010\n[slogans]\nselect = "all"\n'))
    assert campaign_slogans(every, catalogue) == catalogue.current()


def test_select_year_without_slogans_that_year(tmp_path):
    campaign = load_campaign(write(tmp_path, "year = 2015\n"))
    with pytest.raises(CampaignError, match="2015"):
        campaign_slogans(campaign, load_catalogue())


def test_unknown_source(tmp_path):
    campaign = load_campaign(write(tmp_path, 'year = 2010\nsource = "2010-mars"\n'))
    with pytest.raises(CampaignError, match="2010-mars"):
        campaign_slogans(campaign, load_catalogue())
