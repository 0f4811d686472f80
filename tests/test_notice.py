"""The notice parser on the two seed notices and on notices written in the styles real ones use.

Expected values were worked out by reading each notice, not copied from the parser's output.
"""

from __future__ import annotations

import contextlib
import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qmposter.catalogue.model import Notice
from qmposter.catalogue.notice import parse_notice, parse_notice_file, read_notice_file
from qmposter.errors import InputError, NoticeError

NOTICES = Path(__file__).resolve().parent / "notices"
SEED_2009 = NOTICES / "2009-national-notice.txt"
SEED_2010 = NOTICES / "2010-jiangsu-notice.txt"
ALL_NOTICES = sorted(p for p in NOTICES.glob("*.txt"))


def _texts(notice: Notice) -> list[str]:
    return [s.text for s in notice.slogans]


# --- the seeds: the acceptance points of issue 2 ------------------------------------------------


def test_2009_national_seed() -> None:
    notice = parse_notice_file(SEED_2009)
    assert notice.title == "关于开展2009年全国“质量月”活动的通知"
    assert notice.year == 2009
    assert notice.scope == "national"
    assert notice.region is None
    assert notice.doc_number == "国质检质联〔2009〕322号"
    assert notice.date == "2009-07-15"
    assert notice.theme == "全员全过程全方位参与，全面提高质量安全水平"
    # The text as received has no 落款 bodies, only the date; the opening sentence names them:
    # “经中共中央宣传部、国家质量监督检验检疫总局、工业和信息化部、住房和城乡建设部、中华全国总工会和共青团中央研究决定”
    assert notice.issuers == (
        "中共中央宣传部",
        "国家质量监督检验检疫总局",
        "工业和信息化部",
        "住房和城乡建设部",
        "中华全国总工会",
        "共青团中央",
    )
    assert notice.guiding_idea is not None and notice.guiding_idea.startswith("深入贯彻落实科学发展观")
    assert len(notice.warnings) == 1 and "没有落款" in notice.warnings[0] and "请核对" in notice.warnings[0]

    assert len(notice.activities) == 14
    assert {a.group for a in notice.activities} == {"全国统一部署的活动"}
    assert notice.activities[0].title == "8月31日，制作群发“质量月”宣传公益手机短信"
    assert notice.activities[2].title == "组织开展“全国质量知识竞赛”总决赛"
    assert notice.activities[2].text == "组织开展“全国质量知识竞赛”总决赛。"
    assert notice.activities[10].title == "大力开展质量培训教育活动"
    assert notice.activities[13].text.startswith("推动铁路、交通、民航")
    # nothing from “四、活动要求” is an activity
    assert not any("各地主办部门要密切配合" in a.text for a in notice.activities)

    slogans = _texts(notice)
    assert len(slogans) == 25
    assert slogans[0] == "夯实质量安全基础，促进经济又好又快发展"
    assert slogans[1] == "夯实质量安全基础，促进经济社会和谐发展"
    assert slogans[6] == "讲求质量诚信，践行社会责任"
    assert slogans[-1] == "树立质量法制观念，提高全民质量意识"
    # printed order: the 25 lines after the attachment heading, as printed (U+3000 indent only)
    raw = SEED_2009.read_text(encoding="utf-8").split("活动宣传口号", 1)[1]
    printed = [line.strip() for line in raw.splitlines() if line.strip()]
    assert slogans == printed
    assert all(s.original is None for s in notice.slogans)


JIANGSU_SLOGANS = [
    "抓质量水平提升，促发展方式转变",
    "夯实质量安全基础，促进经济又好又快发展",
    "夯实质量安全基础，促进经济社会和谐发展",
    "全员全过程全方位参与，全面提高质量安全水平",
    "质量诚信是企业的信誉和生命",
    "恪守质量诚信，践行社会责任",
    "质量关系你我他，涉及个人与国家",
    "提高可靠性，质量上台阶",
    "创造高质量，奉献高质量，享受高质量",
    "抓质量，讲诚信，树品牌",
    "质量缔造品牌，品牌提升效益",
    "关注民生，重视质量",
    "共筑质量大堤，共享和谐生活",
    "坚持以质取胜，推动科学发展",
    "重视质量安全，促进社会和谐",
    "奉献优质产品，构建和谐社会",
    "质量在我手中，用户在我心中",
    "坚持科技创新，发展自主品牌",
    "降废减损提质，节能降耗增效",
    "以质量诚信为荣，以假冒伪劣为耻",
    "树立质量法制观念，提高全民质量意识",
]


def test_2010_jiangsu_seed() -> None:
    notice = parse_notice_file(SEED_2010)
    assert notice.title == "关于开展2010年全省“质量月”活动的通知"
    assert notice.year == 2010
    assert notice.scope == "provincial"
    assert notice.region == "江苏"
    assert notice.doc_number is None  # 国质检质联[2010]351号 is only cited from the national notice
    assert notice.date is None
    assert notice.theme == "抓质量水平提升，促发展方式转变"
    assert notice.issuers == (
        "江苏省质量技术监督局",
        "江苏省经济和信息化委员会",
        "江苏省住房和城乡建设厅",
        "江苏省人民政府国有资产监督管理委员会",
        "江苏省工商业联合会",
        "江苏省总工会",
        "共青团江苏省委",
    )
    assert notice.guiding_idea is not None and notice.guiding_idea.endswith("奋斗目标做出贡献。")

    assert len(notice.activities) == 16
    groups = [a.group for a in notice.activities]
    assert list(dict.fromkeys(groups)) == [
        "广泛开展社会宣传",
        "发挥企业主体作用",
        "积极创新活动载体",
        "加强部门协作配合",
    ]
    assert groups.count("广泛开展社会宣传") == 4 and groups.count("加强部门协作配合") == 4
    first = notice.activities[0]
    assert first.title == "开展联合宣传"
    assert first.text.startswith("开展联合宣传。根据《苏浙皖赣沪质量技术合作互认行动纲领》协定")
    assert notice.activities[4].title == "开展“标杆比对”活动"
    assert notice.activities[15].title == "强化工程监管"

    assert _texts(notice) == JIANGSU_SLOGANS
    assert notice.slogans[0].original == "抓质量水平提升\u00a0 促发展方式转变"
    assert all(s.original is None for s in notice.slogans[1:])


def test_seed_json_has_exactly_the_design_keys() -> None:
    data = parse_notice_file(SEED_2009).to_json()
    assert list(data) == [
        "year", "scope", "region", "doc_number", "issuers", "date", "theme", "activities", "slogans",
    ]  # fmt: skip
    assert set(data["activities"][0]) == {"group", "title", "text"}


# --- the same notice saved differently parses to the same JSON ----------------------------------


def _variants(path: Path, tmp_path: Path) -> dict[str, Path]:
    text = read_notice_file(path)
    gbk_text = text.replace("\u00a0", " ")  # GBK has no no-break space: Windows saves a plain space
    files = {
        "gb18030": text.encode("gb18030"),
        "gbk": gbk_text.encode("gbk"),
        "crlf": text.replace("\n", "\r\n").encode("utf-8"),
        "bom": b"\xef\xbb\xbf" + text.encode("utf-8"),
        "bom-crlf": b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"),
        "gbk-crlf": gbk_text.replace("\n", "\r\n").encode("gbk"),
        "utf-16": text.encode("utf-16"),
    }
    out = {}
    for name, data in files.items():
        target = tmp_path / f"{path.stem}-{name}.txt"
        target.write_bytes(data)
        out[name] = target
    return out


@pytest.mark.parametrize("path", ALL_NOTICES, ids=lambda p: p.stem)
def test_encodings_and_line_ends_give_identical_json(path: Path, tmp_path: Path) -> None:
    expected = json.dumps(parse_notice_file(path).to_json(), ensure_ascii=False, indent=2)
    for name, variant in _variants(path, tmp_path).items():
        got = json.dumps(parse_notice_file(variant).to_json(), ensure_ascii=False, indent=2)
        assert got == expected, name


def test_gbk_file_is_detected(tmp_path: Path) -> None:
    raw = (NOTICES / "2016-zhejiang-gbk.txt").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # really GBK on disk
    assert "浙江省质量技术监督局" in read_notice_file(NOTICES / "2016-zhejiang-gbk.txt")


# --- notices written in the styles real ones come in -------------------------------------------


def test_2015_national_numbered_slogans_and_issuers_on_shared_lines() -> None:
    notice = parse_notice_file(NOTICES / "2015-national.txt")
    assert (notice.year, notice.scope, notice.region) == (2015, "national", None)
    assert notice.doc_number == "国质检质联〔2015〕385号"
    assert notice.date == "2015-08-10"  # Arabic date
    assert notice.theme == "弘扬质量精神，建设质量强国"  # printed in quotes
    assert notice.issuers == (
        "国家质量监督检验检疫总局",
        "工业和信息化部",
        "住房和城乡建设部",
        "国务院国有资产监督管理委员会",
        "中华全国工商业联合会",
        "中华全国总工会",
        "共青团中央",
    )
    assert [a.group for a in notice.activities] == ["全国统一组织的活动"] * 5
    # a hard-wrapped line is joined back into its sentence
    assert notice.activities[1].text == (
        "开展“质量之光”年度魅力品牌评选活动。通过网络投票和专家评审，"
        "遴选一批质量过硬、信誉良好的品牌，营造全社会关注质量的良好氛围。"
    )
    assert notice.activities[3].title == "开展质量投诉热线12365宣传周活动"
    assert _texts(notice) == [
        "弘扬质量精神，建设质量强国",
        "质量第一，诚信为本",
        "追求卓越品质，铸就中国品牌",
        "质量投诉请拨打12365",
        "以质量求发展，以质量促转型",
        "提升质量水平，助推经济发展",
    ]
    assert notice.warnings == ()


def test_2018_municipal_notice_with_red_header_and_bracket_doc_number() -> None:
    notice = parse_notice_file(NOTICES / "2018-municipal.txt")
    assert notice.title == "关于开展2018年全市“质量月”活动的通知"
    assert (notice.year, notice.scope, notice.region) == (2018, "municipal", "扬州")
    assert notice.doc_number == "扬市监发[2018]56号"  # above the title; the cited 国市监质〔2018〕131号 is not its own
    assert notice.issuers == ("扬州市市场监督管理局", "扬州市工业和信息化局")
    assert notice.date == "2018-08-20"  # 二〇一八年八月二十日
    assert notice.theme == "推动高质量发展，建设质量强市"
    assert [a.title for a in notice.activities] == [
        "开展质量宣传进社区活动",
        "组织企业质量提升行动",
        "开展“质量开放日”活动",
        "开展重点产品质量监督抽查",
    ]
    assert {a.group for a in notice.activities} == {"主要活动"}
    # (1) (2) under item 2 belong to that item, they are not activities of their own
    assert notice.activities[1].text == (
        "组织企业质量提升行动。主要包括：\n（1）组织100家重点企业开展质量对标；\n（2）开展质量管理小组成果发布。"
    )
    assert _texts(notice) == [
        "推动高质量发展，建设质量强市",
        "质量第一，效益优先",
        "人人重视质量，人人创造质量",
        "崇尚质量，追求卓越",
        "质量强市，共建共享",
    ]
    assert notice.slogans[-1].original == "质量强市，共建共享。"


def test_2021_county_notice_with_12315_and_slogans_separated_by_spaces() -> None:
    notice = parse_notice_file(NOTICES / "2021-county.txt")
    assert (notice.year, notice.scope, notice.region) == (2021, "county", "沭阳")
    assert notice.doc_number is None
    assert notice.date == "2021-08-25"
    assert notice.issuers == ("沭阳县市场监督管理局", "沭阳县发展和改革委员会", "沭阳县工业和信息化局")
    assert notice.theme == "加强质量基础设施建设，推动质量强县建设"
    assert [a.group for a in notice.activities] == ["活动内容"] * 3
    assert notice.activities[1].title == "开展12315消费维权咨询服务"
    assert _texts(notice) == [
        "加强质量基础设施建设，推动质量强县建设",
        "质量安全，你我共享",
        "投诉举报请拨打12315，维护您的合法权益",
        "诚信经营，质量为本",
    ]
    assert notice.slogans[1].original == "质量安全  你我共享"
    assert notice.slogans[2].original == "投诉举报请拨打12315\u3000维护您的合法权益"


def test_2019_web_page_copy_with_junk() -> None:
    notice = parse_notice_file(NOTICES / "2019-guangxi-web.txt")
    assert notice.title == "关于开展2019年全区“质量月”活动的通知"
    assert (notice.year, notice.scope, notice.region) == (2019, "provincial", "广西")  # 全区 of an autonomous region
    assert notice.doc_number == "桂市监发〔2019〕88号"
    assert notice.date == "2019-08-26"  # not the web page's 发布时间 2019-08-28
    assert notice.issuers == ("广西壮族自治区市场监督管理局", "广西壮族自治区工业和信息化厅")
    assert notice.theme == "坚持质量兴农，实施品牌强桂"  # from “主题是：“…””
    assert [(a.group, a.title) for a in notice.activities] == [
        ("开展质量提升示范活动", "组织开展质量提升示范企业评选"),
        ("开展质量提升示范活动", "推广先进质量管理方法，开展卓越绩效培训"),
        ("加强质量宣传", "举办全区“质量月”启动仪式"),
        ("加强质量宣传", "开展“质量走基层”主题宣传活动，深入县区、乡镇开展宣传"),
    ]
    # ★ bullets removed; 打印/关闭/上一篇/版权所有 lines are not slogans
    assert _texts(notice) == ["坚持质量兴农，实施品牌强桂", "质量提升，你我同行", "创新驱动，质量强区"]


def test_2012_notice_whose_slogan_attachment_is_missing_parses_with_a_warning() -> None:
    notice = parse_notice_file(NOTICES / "2012-no-attachment.txt")
    assert (notice.year, notice.scope, notice.region) == (2012, "municipal", "泰州")
    assert notice.doc_number == "泰质监发〔2012〕31号"
    assert notice.date == "2012-08-28"  # 二○一二年八月二十八日
    assert notice.theme == "全面加强质量监管，努力提高质量水平"
    assert notice.issuers == ("泰州市质量技术监督局", "泰州市经济和信息化委员会")  # not taken for slogans
    assert [a.title for a in notice.activities] == ["9月上旬，召开全市“质量月”活动动员会", "9月中旬，组织质量知识竞赛"]
    assert notice.slogans == ()
    assert any("宣传口号" in w for w in notice.warnings)


def test_2013_wrapped_title_nested_headings_and_slogans_in_the_body() -> None:
    notice = parse_notice_file(NOTICES / "2013-shandong-wrapped.txt")
    assert notice.title == "关于开展2013年全省“质量月”活动的通知"
    assert (notice.year, notice.scope, notice.region) == (2013, "provincial", "山东")
    assert notice.doc_number == "鲁质监质发【2013】47号"
    assert notice.date == "2013-08-15"  # 二〇一三年八月十五日
    assert notice.guiding_idea == "以科学发展观为指导，深入实施质量强省战略。"  # （一）指导思想 under 一、总体要求
    assert notice.theme == "加强质量监管，建设质量强省"
    assert [(a.group, a.title) for a in notice.activities] == [
        ("重点活动安排", "开展质量强省宣传"),
        ("重点活动安排", "组织质量管理小组成果发布"),
        ("重点活动安排", "开展名牌产品巡展"),
    ]
    # ① numbering; the note “（以上口号供各地参考使用）” is not a slogan
    assert _texts(notice) == ["加强质量监管，建设质量强省", "质量兴鲁，人人有责", "抓质量，促发展，惠民生"]
    assert len(notice.issuers) == 5 and notice.issuers[-1] == "共青团山东省委"


def test_2016_gbk_notice_with_two_slogan_columns_and_category_headings() -> None:
    notice = parse_notice_file(NOTICES / "2016-zhejiang-gbk.txt")
    assert (notice.year, notice.scope, notice.region) == (2016, "provincial", "浙江")
    assert notice.doc_number == "浙质联发〔2016〕12号"
    assert notice.date == "2016-08-22"
    assert notice.theme == "提升供给质量，建设质量强省"
    assert (
        notice.activities[1].text
        == "开展质量提升活动。重点做好以下工作：\n①组织企业开展质量对标；\n②推广卓越绩效管理模式。"
    )
    assert _texts(notice) == [
        "提升供给质量，建设质量强省",
        "质量第一，诚信为本",
        "浙江制造，品质保证",
        "标准引领，质量提升",
        "关注质量安全，共享美好生活",
    ]


def test_2017_district_notice_with_ascii_punctuation_in_slogans() -> None:
    notice = parse_notice_file(NOTICES / "2017-pudong-district.txt")
    assert (notice.year, notice.scope, notice.region) == (2017, "county", "浦东")  # 全区 of a city district
    assert notice.doc_number == "浦市监〔2017〕203号"
    assert notice.issuers == ("上海市浦东新区市场监督管理局",)
    assert notice.date == "2017-08-18"
    assert notice.theme == "推进质量提升，建设质量强区"  # from “主题为“…”。”
    assert notice.activities[0].title == "开展ISO 9001质量管理体系宣贯，组织1,000家企业参加培训"
    assert _texts(notice) == ["推进质量提升，建设质量强区", "质量强区，人人有责", "ISO 9001认证，企业质量通行证！"]
    assert notice.slogans[0].original == "推进质量提升, 建设质量强区"


def test_2020_national_notice_with_issuer_prefix_in_title() -> None:
    notice = parse_notice_file(NOTICES / "2020-national-prefix.txt")
    assert notice.title == "市场监管总局等部门关于开展2020年全国“质量月”活动的通知"
    assert (notice.year, notice.scope, notice.region) == (2020, "national", None)
    assert notice.doc_number == "国市监质发〔2020〕128号"
    assert notice.date == "2020-08-31"
    assert notice.theme == "建设质量强国，决胜全面小康"  # U+3000 between the phrases
    assert len(notice.issuers) == 7 and notice.issuers[:2] == ("市场监管总局", "中央宣传部")
    assert [a.group for a in notice.activities] == ["强化质量宣传"] * 2 + ["推进质量提升"] * 2
    assert _texts(notice) == [
        "建设质量强国，决胜全面小康",
        "质量第一，效益优先",
        "质量投诉请拨打12315",
        "以质量提升推动高质量发展",
    ]
    assert notice.slogans[2].original == "质量投诉请拨打12315。"


def test_2022_county_notice_with_a_list_of_attachments_and_slogans_in_the_second() -> None:
    notice = parse_notice_file(NOTICES / "2022-rudong-county-attachments.txt")
    assert notice.title == "关于开展2022年全县“质量月”活动的通知"
    assert (notice.year, notice.scope, notice.region) == (2022, "county", "如东")
    assert notice.doc_number == "东市监发〔2022〕45号"  # the one cited from the national notice is not its own
    # the 落款 comes after “附件：1.…” and the lines “2.2022年…” “3.2022年…” of the attachment list
    assert notice.issuers == ("如东县市场监督管理局",)
    assert notice.date == "2022-08-26"  # not the 印发 date line of the 版记
    assert notice.theme == "推动质量变革创新，促进质量强国建设"
    assert [(a.group, a.title) for a in notice.activities] == [
        ("强化质量宣传", "举办“质量月”启动仪式"),
        ("强化质量宣传", "开展“质量开放日”活动"),
        ("推进质量提升", "开展小微企业质量管理体系认证提升行动"),
        ("推进质量提升", "开展重点工业产品质量安全监督抽查"),
        ("优化质量服务", "开展“计量服务进企业”活动"),
        ("优化质量服务", "开展“标准化+”宣传"),
    ]
    # 附件2 only: not the rows of the 附件1 table, nor the 附件3 form, nor the 抄送 lines
    assert _texts(notice) == [
        "推动质量变革创新，促进质量强国建设",
        "质量第一，效益优先",
        "加强质量支撑，共建质量强县",
        "质量强县，人人有责",
        "诚信经营守底线，质量安全放心购",
        "投诉举报请拨打12315",
    ]
    assert notice.warnings == ()


def test_2019_provincial_notice_with_the_theme_in_a_paragraph_and_slogans_numbered_in_brackets() -> None:
    notice = parse_notice_file(NOTICES / "2019-anhui-inline-theme.txt")
    assert (notice.year, notice.scope, notice.region) == (2019, "provincial", "安徽")
    assert notice.doc_number == "皖市监函〔2019〕312号"
    assert notice.date == "2019-08-20"
    assert notice.issuers == (
        "安徽省市场监督管理局",
        "安徽省经济和信息化厅",
        "安徽省住房和城乡建设厅",
        "安徽省总工会",
        "共青团安徽省委",
    )
    assert notice.theme == "共创质量时代，齐享美好生活"  # “活动主题为“…”。” inside 一、总体要求
    assert [a.group for a in notice.activities] == ["重点活动"] * 5
    assert notice.activities[0].title == "召开全省“质量月”活动启动会"
    assert notice.activities[4].title == "开展“质量走基层”宣传"
    assert _texts(notice) == [
        "共创质量时代，齐享美好生活",
        "质量第一，效益优先",
        "推动高质量发展，建设质量强省",
        "弘扬工匠精神，打造安徽品牌",
        "质量提升，人人有责",
        "坚守质量底线，守护消费安全",
    ]
    assert notice.warnings == ()


def test_2014_web_page_copy_with_hard_wrapped_paragraphs_and_page_junk() -> None:
    notice = parse_notice_file(NOTICES / "2014-xiamen-web-wrapped.txt")
    assert notice.title == "关于开展2014年全市“质量月”活动的通知"
    assert (notice.year, notice.scope, notice.region) == (2014, "municipal", "厦门")
    assert notice.doc_number == "厦质监〔2014〕102号"
    assert notice.date == "2014-08-28"  # not the page's 发布日期 2014-08-29
    # the body goes on past a wrapped line “宣传标语和悬挂横幅营造浓厚的活动氛围”, which is no slogan heading
    assert notice.issuers == ("厦门市质量技术监督局", "厦门市经济和信息化局")
    assert notice.theme == "建设质量强国，打造厦门品牌"  # “主题是“建设质量强国，打造厦门品⏎牌”。”
    assert [a.title for a in notice.activities] == [
        "举办“质量月”启动仪式",
        "开展质量知识进社区活动",
        "开展“标杆比对”活动",
        "开展工程质量观摩活动",
    ]
    # hard wraps joined back, the “1.5” of 1.5万份 kept
    assert notice.activities[1].text == (
        "开展质量知识进社区活动。组织质量专家深入社区讲解食品相关产品、儿童用品、电动自行车等与群众生活密切相关"
        "产品的质量安全知识，发放宣传资料1.5万份。"
    )
    assert (
        notice.activities[3].text
        == "开展工程质量观摩活动。组织在建工程质量安全观摩，推广先进的施工工艺和质量管理经验。"
    )
    # the page footer (主办：… 地址：… ICP) is not a slogan
    assert _texts(notice) == [
        "建设质量强国，打造厦门品牌",
        "质量第一，诚信为本",
        "质量是企业的生命",
        "人人关注质量，人人创造质量",
        "质量投诉请拨打12365",
    ]
    assert notice.warnings == ()


def test_2011_notice_without_closing_and_with_only_a_cited_issuing_sentence() -> None:
    notice = parse_notice_file(NOTICES / "2011-fujian-no-closing.txt")
    assert (notice.year, notice.scope, notice.region) == (2011, "provincial", "福建")  # no 落款: 福建 from the text
    assert notice.doc_number == "闽质监质〔2011〕186号"
    assert notice.date == "2011-08-16"  # 二〇一一年八月十六日, the only line of the closing
    # “根据国家质量监督检验检疫总局、…和共青团中央联合下发的《…》精神” names the national notice's bodies
    assert notice.issuers == ()
    assert not any("落款" in w for w in notice.warnings)
    assert notice.theme == "加强质量管理，建设质量强省"  # “开展以“…”为主题的“质量月”活动”, no 主题 heading
    assert [a.title for a in notice.activities] == [
        "召开全省质量工作会议",
        "开展“福建名牌产品进社区”活动",
        "开展全省质量管理小组成果发布活动",
    ]
    assert _texts(notice) == [
        "加强质量管理，建设质量强省",
        "质量第一，用户至上",
        "福建制造，品质保证",
        "打造福建品牌，提升质量水平",
    ]


def test_2023_cover_letter_issuing_an_attached_plan_with_slogans_in_a_table() -> None:
    notice = parse_notice_file(NOTICES / "2023-haian-plan.txt")
    assert notice.title == "关于印发《2023年全市“质量月”活动方案》的通知"
    assert (notice.year, notice.scope, notice.region) == (2023, "municipal", "海安")
    assert notice.doc_number == "海市监发〔2023〕38号"
    assert notice.issuers == ("海安市市场监督管理局（知识产权局）",)  # a body with its second name in brackets
    assert notice.date == "2023-08-25"
    # theme, guiding idea and activities are in the attached plan (附件1), not in the cover letter
    assert notice.theme == "质量第一，品质生活"
    assert notice.guiding_idea == "坚持质量第一、效益优先，以质量强市建设为主线，推动全市经济高质量发展。"
    assert [(a.group, a.title) for a in notice.activities] == [
        ("主要活动", "举办“质量月”启动仪式"),
        ("主要活动", "开展质量基础设施“一站式”服务进企业活动"),
        ("主要活动", "开展重点产品质量安全监督抽查"),
    ]
    # rows “1<TAB>质量第一，品质生活” of a Word table: the 序号 column is not part of the slogan
    assert _texts(notice) == ["质量第一，品质生活", "建设质量强市，共享品质生活", "投诉举报请拨打12315"]
    assert all(s.original is None for s in notice.slogans)
    assert notice.warnings == ()


def test_a_plan_passed_on_without_its_covering_notice() -> None:
    """Departments also forward just the 活动方案: its own title gives the year and the scope."""
    text = read_notice_file(NOTICES / "2023-haian-plan.txt")
    plan_only = text[text.index("2023年全市“质量月”活动方案\n\n") :]
    notice = parse_notice(plan_only)
    whole = parse_notice_file(NOTICES / "2023-haian-plan.txt")
    assert notice.title == "2023年全市“质量月”活动方案"
    assert (notice.year, notice.scope) == (2023, "municipal")
    assert (notice.doc_number, notice.issuers, notice.date) == (None, (), None)
    assert (notice.theme, notice.activities, notice.slogans) == (whole.theme, whole.activities, whole.slogans)
    assert any("活动方案" in w and "落款" in w for w in notice.warnings)


def test_a_plan_title_further_down_is_not_taken_for_the_document_title() -> None:
    text = "各单位：\n请认真组织。\n现将有关事项通知如下。\n2013年全省“质量月”活动方案\n一、活动主题\n质量强省\n"
    assert parse_notice(text).title is None


def _without_closing(name: str, closing: str) -> str:
    text = read_notice_file(NOTICES / name)
    assert closing in text
    return text.replace(closing, "")


def test_a_copy_without_its_closing_takes_the_issuer_from_the_red_header() -> None:
    """Web copies often lose the 落款 (it sits by the seal); the 红头 above the title still names the body."""
    closing = "海安市市场监督管理局（知识产权局）\n2023年8月25日\n"
    notice = parse_notice(_without_closing("2023-haian-plan.txt", closing))
    assert notice.issuers == ("海安市市场监督管理局",)
    assert (notice.scope, notice.region, notice.date) == ("municipal", "海安", None)
    assert notice.theme == "质量第一，品质生活" and len(notice.activities) == 3  # the plan is still found
    assert any("文头“海安市市场监督管理局文件”" in w for w in notice.warnings)


@pytest.mark.parametrize(
    "header",
    [
        "江苏省质量技术监督局\n江苏省经济和信息化委员会文件\n",
        "江苏省质量技术监督局\n江苏省经济和信息化委员会\n文件\n",
        "江苏省质量技术监督局　江苏省经济和信息化委员会　文件\n",
    ],
)
def test_a_joint_red_header_names_every_body(header: str) -> None:
    text = header + "苏质监质〔2012〕9号\n关于开展2012年全省“质量月”活动的通知\n各市：\n一、活动主题\n质量强省\n"
    assert parse_notice(text).issuers == ("江苏省质量技术监督局", "江苏省经济和信息化委员会")


def test_the_closing_wins_over_the_red_header() -> None:
    assert parse_notice_file(NOTICES / "2023-haian-plan.txt").issuers == ("海安市市场监督管理局（知识产权局）",)


# --- issuers named in the body when there is no 落款 ---------------------------------------------

NO_CLOSING = """关于开展2011年全省“质量月”活动的通知
各市质量技术监督局：
{opening}
一、活动主题
质量强省
二、活动内容
（一）开展质量宣传。
"""


@pytest.mark.parametrize(
    ("opening", "issuers"),
    [
        (
            "为贯彻国家部署，经浙江省质量技术监督局、浙江省经济和信息化委员会和浙江省总工会共同研究，决定在全省开展活动。",
            ("浙江省质量技术监督局", "浙江省经济和信息化委员会", "浙江省总工会"),
        ),
        (
            "今年活动由浙江省质量技术监督局、浙江省住房和城乡建设厅与共青团浙江省委联合主办。",
            ("浙江省质量技术监督局", "浙江省住房和城乡建设厅", "共青团浙江省委"),
        ),
        (
            "现由四川省质量技术监督局、四川省工业和信息化厅联合下发本通知。",
            ("四川省质量技术监督局", "四川省工业和信息化厅"),
        ),
        # 和 inside a name is not a separator: 工业和信息化部 and 住房和城乡建设部 stay whole
        ("经工业和信息化部和住房和城乡建设部研究决定，开展活动。", ("工业和信息化部", "住房和城乡建设部")),
        # a cited higher body's notice names someone else's issuers
        (
            "根据国家质量监督检验检疫总局、工业和信息化部联合下发的"
            "《关于开展2011年全国“质量月”活动的通知》精神，决定开展活动。",
            (),
        ),
        ("2011年全国“质量月”活动由国家质检总局等部门主办，我省积极参与。", ()),  # 等部门 is not a name
        ("经研究决定，在全省开展“质量月”活动。", ()),
        ("为促进经济发展，决定在全省开展“质量月”活动。", ()),  # 经济 is not 经……决定
    ],
)
def test_issuers_from_the_opening_sentence_when_there_is_no_closing(opening: str, issuers: tuple[str, ...]) -> None:
    notice = parse_notice(NO_CLOSING.format(opening=opening))
    assert notice.issuers == issuers
    assert any("没有落款" in w for w in notice.warnings) == bool(issuers)


def test_a_closing_block_wins_over_the_opening_sentence() -> None:
    text = NO_CLOSING.format(opening="经浙江省质量技术监督局研究决定，开展活动。") + "浙江省总工会\n2011年8月1日\n"
    notice = parse_notice(text)
    assert notice.issuers == ("浙江省总工会",)
    assert not any("没有落款" in w for w in notice.warnings)


def test_jiangsu_without_its_closing_does_not_take_the_bodies_it_cites() -> None:
    lines = read_notice_file(SEED_2010).split("\n")
    first = next(i for i, ln in enumerate(lines) if ln.startswith("江苏省质量技术监督局"))
    last = next(i for i, ln in enumerate(lines) if "共青团江苏省委" in ln)
    assert last - first == 3  # the four 落款 lines
    notice = parse_notice("\n".join(lines[:first] + lines[last + 1 :]))
    assert notice.issuers == ()  # “根据国家质量监督检验检疫总局、…联合下发的《…》精神” is a citation
    assert notice.region == "江苏"


# --- the same notice pasted from a web page, hard-wrapped at any width ---------------------------

_NO_LINE_START = set("，、。；：！？）》”」")  # a browser never starts a line with these (clreq)


def _web_wrap(text: str, columns: int) -> str:
    """Break every prose paragraph (a line with “。” or ending in “：”) into rows of `columns` display cells.

    Like a browser: Han characters are 2 cells wide, runs of ASCII letters and digits are not
    broken, closing punctuation stays at the end of the row before. Headings, slogans and the
    落款 are shorter than the page and stay on one row.
    """
    out = []
    for line in text.split("\n"):
        if "。" not in line and not line.rstrip().endswith("："):
            out.append(line)
            continue
        rows, row, width, i = [], "", 0, 0
        while i < len(line):
            j = i + 1
            while j < len(line) and line[i].isascii() and line[i].isalnum() and line[j].isascii() and line[j].isalnum():
                j += 1
            piece = line[i:j]
            cells = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in piece)
            if row and width + cells > columns and piece[0] not in _NO_LINE_START:
                rows.append(row)
                row, width = "", 0
            row, width, i = row + piece, width + cells, j
        out.extend([*rows, row])
    return "\n".join(out)


def _comparable(notice: Notice) -> dict:
    data = notice.to_json()
    data["title"] = notice.title
    # a row that happens to end just after “。” is indistinguishable from a paragraph break
    data["activities"] = [(a["group"], a["title"], a["text"].replace("\n", "")) for a in data["activities"]]
    return data


@pytest.mark.parametrize("columns", [40, 52, 64])
@pytest.mark.parametrize(
    "name",
    [
        "2009-national-notice.txt",
        "2010-jiangsu-notice.txt",
        "2015-national.txt",
        "2018-municipal.txt",
        "2019-anhui-inline-theme.txt",
        "2022-rudong-county-attachments.txt",
        "2023-haian-plan.txt",
    ],
)
def test_a_hard_wrapped_copy_parses_like_the_original(name: str, columns: int) -> None:
    text = read_notice_file(NOTICES / name)
    wrapped = _web_wrap(text, columns)
    assert wrapped.count("\n") > text.count("\n") + 3  # really wrapped, sentences cut mid-way
    assert _comparable(parse_notice(wrapped)) == _comparable(parse_notice(text))


def test_a_short_heading_above_its_paragraph_is_not_joined_into_its_first_sentence() -> None:
    text = (
        "关于开展2016年全市“质量月”活动的通知\n一、活动主题\n质量第一\n二、活动内容\n"
        "（一）开展质量宣传活动\n利用广播、电视、报纸等媒体，广泛宣传质量法律法规。\n"
        "（二）开展质量提升行动\n组织企业开展质量对标\n，推动企业提升管理水平。\n三、工作要求\n各单位认真落实。\n"
    )
    assert [(a.title, a.text) for a in parse_notice(text).activities] == [
        ("开展质量宣传活动", "开展质量宣传活动\n利用广播、电视、报纸等媒体，广泛宣传质量法律法规。"),
        (
            "开展质量提升行动",
            "开展质量提升行动\n组织企业开展质量对标，推动企业提升管理水平。",
        ),  # “，” cannot start a line
    ]


# --- smaller structural cases -------------------------------------------------------------------

MINIMAL = """关于开展二〇二二年全市“质量月”活动的通知
一、活动主题
质量强市  品质生活
二、活动内容
（一）开展质量宣传。
{tail}"""


def test_short_notice_with_inline_headings_and_no_scope_word_in_title() -> None:
    text = (
        "关于开展2018年质量月活动的通知\n各科室：\n一、活动主题：全员参与，共享质量\n"
        "二、活动时间：2018年9月1日至30日\n三、活动内容：在全市开展质量宣传咨询活动。\n组织企业开展质量对标。\n"
        "四、工作要求：各单位认真落实。\n宁波市市场监督管理局\n2018年8月1日\n附件：宣传口号\n1、质量第一\n2、诚信为本\n"
    )
    notice = parse_notice(text)
    assert (notice.year, notice.scope, notice.region) == (2018, "municipal", "宁波")  # from the 落款
    assert notice.theme == "全员参与，共享质量"
    assert [(a.group, a.title) for a in notice.activities] == [
        ("活动内容", "在全市开展质量宣传咨询活动"),
        ("活动内容", "组织企业开展质量对标"),
    ]
    assert notice.issuers == ("宁波市市场监督管理局",)
    assert notice.date == "2018-08-01"
    assert _texts(notice) == ["质量第一", "诚信为本"]


def test_chinese_numeral_year_in_title() -> None:
    notice = parse_notice(MINIMAL.format(tail=""))
    assert notice.year == 2022
    assert notice.theme == "质量强市，品质生活"
    assert notice.scope == "municipal" and notice.region is None


def test_slogan_list_after_a_宣传标语_heading_numbered_in_several_styles() -> None:
    tail = "附件：\n2022年全市“质量月”宣传标语\n1、质量第一\n2）诚信为本\n(3) 品质生活\n④ 人人参与\n- 共建共享"
    notice = parse_notice(MINIMAL.format(tail=tail))
    assert _texts(notice) == ["质量第一", "诚信为本", "品质生活", "人人参与", "共建共享"]


@pytest.mark.parametrize(
    "tail",
    [
        "三、宣传口号：质量第一，诚信为本；追求卓越  铸就品牌。",  # after the heading's colon, split at ；
        "三、宣传口号\n“质量第一，诚信为本”、“追求卓越  铸就品牌”",  # quoted, on one line
        "三、宣传口号：“质量第一，诚信为本”“追求卓越  铸就品牌”。\n四、工作要求\n各单位认真落实。",
    ],
)
def test_several_slogans_written_on_one_line(tail: str) -> None:
    notice = parse_notice(MINIMAL.format(tail=tail))
    assert _texts(notice) == ["质量第一，诚信为本", "追求卓越，铸就品牌"]
    assert notice.slogans[1].original == "追求卓越  铸就品牌"


def test_a_sentence_about_putting_up_slogans_is_not_a_slogan_list() -> None:
    notice = parse_notice(MINIMAL.format(tail="（二）张贴宣传标语：在公共场所张贴悬挂宣传标语，营造活动氛围。"))
    assert notice.slogans == ()
    assert any("宣传口号" in w for w in notice.warnings)


def test_dates_in_every_numeral_form() -> None:
    for written, iso in [
        ("二○○九年七月十五日", "2009-07-15"),
        ("二〇〇九年七月十五日", "2009-07-15"),
        ("2009年7月15日", "2009-07-15"),
        ("2009年07月05日", "2009-07-05"),
        ("二〇二一年十二月三十一日", "2021-12-31"),
        ("二〇二一年十月二十日", "2021-10-20"),
    ]:
        text = MINIMAL.format(tail=f"某某市质量技术监督局\n{written}")
        assert parse_notice(text).date == iso, written


def test_impossible_date_is_not_a_date() -> None:
    assert parse_notice(MINIMAL.format(tail="某某市质量技术监督局\n2009年2月30日")).date is None


def test_not_a_notice_raises_notice_error() -> None:
    with pytest.raises(NoticeError, match="质量月"):
        parse_notice("今天天气很好。\n明天也很好。")
    with pytest.raises(NoticeError):
        parse_notice("我们单位九月份要搞质量月。")  # mentions 质量月, but no title, year or structure


def test_text_without_title_but_with_year_and_slogans_still_parses_with_a_warning() -> None:
    text = "2011年全省“质量月”活动宣传口号\n质量第一，诚信为本\n追求卓越  铸就品牌"
    notice = parse_notice(text)
    assert notice.year == 2011
    assert _texts(notice) == ["质量第一，诚信为本", "追求卓越，铸就品牌"]
    assert any("标题" in w for w in notice.warnings)


# --- bad files ----------------------------------------------------------------------------------


def test_bad_files_raise_input_errors_in_chinese(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    blank = tmp_path / "blank.txt"
    blank.write_bytes(b"\xef\xbb\xbf \r\n\t\r\n")
    binary = tmp_path / "poster.docx"
    binary.write_bytes(b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)) * 4)
    garbage = tmp_path / "garbage.txt"
    garbage.write_bytes(b"\x81\xff\xfe\x80" * 50)
    photo = tmp_path / "photo.txt"
    photo.write_bytes(bytes(range(256)) * 8)
    cases = {
        empty: "空",
        blank: "空",
        binary: "不是可读的 Word",  # a .docx that is not one (a ZIP signature, then junk)
        photo: "二进制",
        garbage: "不是可识别的文本",
        tmp_path / "missing.txt": "找不到",
        tmp_path: "文件夹",
    }
    for path, words in cases.items():
        with pytest.raises(InputError, match=words):
            read_notice_file(path)


def test_parse_notice_file_names_the_file_in_its_error(tmp_path: Path) -> None:
    path = tmp_path / "letter.txt"
    path.write_text("尊敬的客户：您好。", encoding="utf-8")
    with pytest.raises(NoticeError, match=r"letter\.txt"):
        parse_notice_file(path)


# --- the parser never crashes -------------------------------------------------------------------

_FRAGMENTS = [
    "关于开展2010年全省“质量月”活动的通知", "国质检质联〔2009〕322号", "一、指导思想", "二、活动主题",
    "三、活动内容", "（一）广泛开展社会宣传", "1、开展联合宣传。", "（1）", "①", "四、活动要求", "附件：",
    "2010年全省“质量月”活动宣传口号", "宣传标语", "江苏省质量技术监督局  江苏省总工会", "二○○九年七月十五日",
    "2009年13月45日", "质量月", "抓质量水平提升  促发展方式转变", "【打印】【关闭】", "来源：", "附件下载：a.doc",
    "全区", "全县", "主题是：“", "”", "。", "，", "\u3000", "\u00a0", "\r\n", "\n", "十", "廿", "年", "月", "日",
]  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(_FRAGMENTS), st.text(max_size=8)), max_size=40))
def test_parse_notice_never_crashes(parts: list[str]) -> None:
    text = "".join(parts)
    try:
        notice = parse_notice(text)
    except NoticeError:
        return
    json.dumps(notice.to_json(), ensure_ascii=False)
    assert all(s.text and s.text == s.text.strip() for s in notice.slogans)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_parse_notice_never_crashes_on_arbitrary_text(text: str) -> None:
    with contextlib.suppress(NoticeError):
        parse_notice(text)


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=60), st.integers(min_value=0, max_value=5000), st.text(max_size=20))
def test_parse_notice_never_crashes_on_a_damaged_seed(cut: int, start: int, insert: str) -> None:
    text = SEED_2010.read_text(encoding="utf-8")
    start = start % len(text)
    damaged = text[:start] + insert + text[start + cut * 20 :]
    with contextlib.suppress(NoticeError):
        parse_notice(damaged)


def test_many_heading_like_lines_do_not_make_parsing_quadratic() -> None:
    # Each 口号 heading used to rescan the rest of the text: 3000 such lines took minutes.
    # The time itself is measured in bench/bench_notice.py, never asserted here.
    text = "关于开展2010年全省“质量月”活动的通知\n" + "宣传口号\n" * 3000 + "质量第一，诚信为本\n" * 3000
    notice = parse_notice(text)
    assert len(notice.slogans) == 3000


def test_government_disclosure_table_fields() -> None:
    # 政务公开 pages put 标题/发文字号/成文日期 in a table above the text
    text = (
        "索引号：014000319/2011-00123  发文字号：苏质监〔2011〕5号  成文日期：2011-08-20\n"
        "标题：关于开展2011年全省“质量月”活动的通知\n"
        "各市质量技术监督局：\n一、活动主题\n质量强省\n"
        "相关文章：关于开展2010年全国“质量月”活动的通知\n"
    )
    notice = parse_notice(text)
    assert notice.title == "关于开展2011年全省“质量月”活动的通知"
    assert notice.doc_number == "苏质监〔2011〕5号"
    assert notice.date == "2011-08-20"
    assert (notice.scope, notice.region) == ("provincial", "江苏")  # 苏 in the 文号, no 落款
    assert notice.theme == "质量强省"
