"""Line breaking: clreq prohibition rules, phrase-first breaks and balance.

Every expectation below was worked out by hand from the rules (W3C clreq, basic
level) and from what a poster designer would set, not copied from the code's output.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from qmposter.layout import breaking as br
from qmposter.layout.page import Color
from qmposter.layout.textbox import Box, TextStyle, layout_text

# --- segmentation: where a line may break at all --------------------------------------------
# "|" marks every break opportunity the rules leave; nothing else may break.
SEGMENT_CASES = [
    # pause marks never start a line: they stay with the character before them
    ("质量，安全", "质|量，|安|全"),
    ("甲、乙、丙", "甲、|乙、|丙"),
    ("注意：安全", "注|意：|安|全"),
    ("真的？是的！", "真|的？|是|的！"),
    ("好。”他说", "好。”|他|说"),
    # opening quotes/brackets never end a line; closing ones never start one
    ("“质量”月", "“质|量”|月"),
    ("（试行）办法", "（试|行）|办|法"),
    ("《标准化法》", "《标|准|化|法》"),
    ("【通知】", "【通|知】"),
    ("他说：“好”", "他|说：|“好”"),
    ("“质量第一。”", "“质|量|第|一。”"),
    # interpunct, connector mark and unit suffix stay with what precedes them
    ("马克·吐温", "马|克·|吐|温"),
    ("1～3月", "1～|3|月"),
    ("100%合格", "100%|合|格"),
    ("￥100元", "￥100|元"),
    # —— and …… are one unit
    ("他——来了", "他|——|来|了"),
    ("等等……好", "等|等|……|好"),
    ("⸺好", "⸺|好"),
    # digits and Latin words stay whole
    ("2010年", "2010|年"),
    ("QC小组", "QC|小|组"),
    ("12365热线", "12365|热|线"),
    ("3.15晚会", "3.15|晚|会"),
    ("ISO 9001标准", "ISO|9001|标|准"),
    # a URL breaks only after "/" or before "." (as a last resort)
    ("www.samr.gov.cn", "www|.samr|.gov|.cn"),
    ("https://www.samr.gov.cn/", "https://|www|.samr|.gov|.cn/"),
    # whitespace between Chinese phrases separates them; next to a comma it is dropped
    ("抓质量  促发展", "抓|质|量|促|发|展"),
    ("质量第一， 安全第一", "质|量|第|一，|安|全|第|一"),
]


@pytest.mark.parametrize(("text", "expected"), SEGMENT_CASES)
def test_break_opportunities(text: str, expected: str) -> None:
    assert [seg.text for seg in br.segment(text)] == expected.split("|")


KIND_CASES = [
    # (text, index of the segment the break follows, kind)
    ("质量，安全", 1, br.PHRASE),  # after ，
    ("抓质量  促发展", 2, br.PHRASE),  # a run of spaces between phrases
    ("好。”他说", 0, br.PHRASE),  # after 。” the sentence is closed
    ("质量，安全", 0, br.INSIDE),  # 质|量: inside the word 质量
    ("企业的生命", 1, br.BOUND),  # 业|的: a line should not start with 的
    ("企业的生命", 2, br.WORD),  # 的|生
    ("质量是生命", 1, br.WORD),  # 量|是
    ("甲、乙", 0, br.MINOR),  # after 、
    ("2010年", 0, br.POOR),  # 2010|年
    ("访问 https://www.samr.gov.cn", 1, br.MINOR),  # text set the URL off with a space
    ("www.samr.gov.cn", 0, br.EMERGENCY),
    ("一\n二", 0, br.FORCED),
    ("Quality Month", 0, br.MINOR),
    # dictionary words (jieba): 江苏省 | 质量技术监督局, a compound of 质量 | 技术 | 监督局
    ("江苏省质量技术监督局", 2, br.DICT),  # 省|质: between two words
    ("江苏省质量技术监督局", 1, br.INSIDE),  # 苏|省: 江苏省 is one word
    ("江苏省质量技术监督局", 4, br.COMPOUND),  # 量|技: a seam inside 质量技术监督局
    ("江苏省质量技术监督局", 7, br.INSIDE),  # 督|局: 监督局 is one word
    ("江苏省人民政府国有资产监督管理委员会", 6, br.DICT),  # 府|国
    ("江苏省人民政府国有资产监督管理委员会", 8, br.COMPOUND),  # 有|资: inside 国有资产
    ("质量诚信是企业的信誉和生命", 1, br.DICT),  # 质量|诚信
    ("质量诚信是企业的信誉和生命", 3, br.WORD),  # 诚信|是: the one-character hint still counts
    ("质量诚信是企业的信誉和生命", 6, br.BOUND),  # 企业|的
    ("构建和谐社会", 1, br.DICT),  # 构建|和谐: not the conjunction 和
    ("构建和谐社会", 2, br.INSIDE),  # 和|谐: the old hint called this WORD
    ("又好又快", 0, br.SINGLE),  # 又|好: one-character words of a four-character unit
    ("扫码了解质量月活动", 5, br.INSIDE),  # 量|月: 质量月 is one word (EXTRA_WORDS)
    ("扫码了解质量月活动", 6, br.DICT),  # 质量月|活动
    ("扫码了解www.samr.gov.cn质量月活动", 3, br.MINOR),  # 了解|www: before a long Latin word
    ("扫码了解www.samr.gov.cn质量月活动", 7, br.MINOR),  # .cn|质量月: after it
]


@pytest.mark.parametrize(("text", "index", "kind"), KIND_CASES)
def test_break_kinds(text: str, index: int, kind: str) -> None:
    assert br.segment(text)[index].brk == kind


def test_phrase_separator_gap_and_word_space() -> None:
    segs = br.segment("抓质量  促发展")
    assert segs[2].gap == br.GAP_PHRASE
    segs = br.segment("Quality Month")
    assert segs[0].gap == br.GAP_SPACE
    assert br.line_texts(segs, ()) == ["Quality Month"]


@pytest.mark.parametrize(
    ("word", "seams"),
    [
        ("江苏省人民政府", {3}),  # 江苏省 | 人民政府
        ("质量技术监督局", {2, 4}),  # 质量 | 技术 | 监督局
        ("国有资产", {2}),
        ("中华人民共和国", set()),  # 中华人民 | 共和国 or 中华 | 人民共和国: no sure seam
        ("委员会", set()),  # 委员 | 会 leaves a one-character part
        ("质量", set()),
    ],
)
def test_compound_seams(word: str, seams: set[int]) -> None:
    assert br.compound_seams(word) == seams


def test_url_pieces() -> None:
    assert br.url_pieces("https://www.samr.gov.cn/") == ["https://", "www", ".samr", ".gov", ".cn/"]
    assert not br.is_url("3.15")
    assert br.is_url("www.12365.gov.cn")


# --- choosing the breaks: phrase first, balanced, as large as the box allows ----------------

BLACK = Color(0, 0, 0)


def _style(max_lines: int = 3, **kw: object) -> TextStyle:
    return TextStyle("noto-sans-sc-black", BLACK, 10, 300, max_lines=max_lines, **kw)  # type: ignore[arg-type]


LAYOUT_CASES = [
    # two-phrase slogans: one phrase per line, comma hidden at the line end
    ("质量是企业的生命，安全是人民的生命", 500, 300, 3, ("质量是企业的生命", "安全是人民的生命")),
    ("以质量诚信为荣，以假冒伪劣为耻", 500, 300, 3, ("以质量诚信为荣", "以假冒伪劣为耻")),
    ("抓质量水平提升  促发展方式转变", 500, 300, 3, ("抓质量水平提升", "促发展方式转变")),
    ("关注民生，重视质量", 300, 300, 2, ("关注民生", "重视质量")),
    # three parallel phrases: one line in a wide box, three in a square one, never 1 + 2
    ("创造高质量，奉献高质量，享受高质量", 1000, 150, 3, ("创造高质量，奉献高质量，享受高质量",)),
    ("创造高质量，奉献高质量，享受高质量", 540, 120, 3, ("创造高质量，奉献高质量，享受高质量",)),
    ("创造高质量，奉献高质量，享受高质量", 400, 400, 3, ("创造高质量", "奉献高质量", "享受高质量")),
    ("抓质量，讲诚信，树品牌", 400, 400, 3, ("抓质量", "讲诚信", "树品牌")),
    # four phrases in two lines: two phrases each, the inline comma kept
    ("质量第一，用户至上，信誉为本，服务至诚", 600, 400, 2, ("质量第一，用户至上", "信誉为本，服务至诚")),
    # one phrase of 8 characters: one line when that gives a good size ...
    ("百年大计质量第一", 700, 300, 3, ("百年大计质量第一",)),
    # ... split in the middle only when that doubles the size
    ("百年大计质量第一", 400, 400, 3, ("百年大计", "质量第一")),
    # no line starts with 的: the break goes after it
    ("质量是企业的信誉和生命", 400, 400, 3, ("质量是企业的", "信誉和生命")),
    # max_lines = 1 keeps everything on one line
    ("质量是企业的生命，安全是人民的生命", 500, 300, 1, ("质量是企业的生命，安全是人民的生命",)),
    # a forced newline is obeyed
    ("质量月\n2010", 300, 300, 2, ("质量月", "2010")),
    # organisation names (落款) break between words, not inside them. 80 pt wide: one line
    # (10 em) needs 8 pt < min_size; 3 + 7 at 11.4 pt beats 5 + 5 at 16 pt, whose break
    # 质量|技术 is inside the word 质量技术监督局 (log 5 against log 1.8 + imbalance 0.49)
    ("江苏省质量技术监督局", 80, 400, 2, ("江苏省", "质量技术监督局")),
    # 18 characters in 120 pt: 7 + 11 at 10.9 pt beats 9 + 9 at 13.3 pt cut inside 国有资产;
    # 11 + 7 at 国有资产|监督管理 scores the same, and ties go to the earlier break
    ("江苏省人民政府国有资产监督管理委员会", 120, 400, 2, ("江苏省人民政府", "国有资产监督管理委员会")),
    # 75 pt allows at most 7.5 em at min_size: three lines at the two word boundaries
    ("江苏省人民政府国有资产监督管理委员会", 75, 400, 3, ("江苏省人民政府", "国有资产", "监督管理委员会")),
    # a single phrase: subject | 是 + object, the object kept whole (4 + 4 + 5 at 80 pt)
    ("质量诚信是企业的信誉和生命", 400, 400, 3, ("质量诚信", "是企业的", "信誉和生命")),
    # one line would need 9.2 pt < min_size; 5 + 8 after 是 and 8 + 5 after 的 score the
    # same, the earlier wins and keeps 企业的信誉和生命 whole; 4 + 9 before 是 is too uneven
    ("质量诚信是企业的信誉和生命", 120, 400, 2, ("质量诚信是", "企业的信誉和生命")),
]


@pytest.mark.parametrize(("text", "width", "height", "max_lines", "expected"), LAYOUT_CASES)
def test_designer_breaks(text: str, width: float, height: float, max_lines: int, expected: tuple[str, ...]) -> None:
    block = layout_text(text, Box(0, 0, width, height), _style(max_lines))
    assert block.lines == expected


# A URL is one word: lines break before or after it. Only when no such layout fits at
# min_size does it break inside, after a "/" or before a dot.
URL_CASES = [
    # three lines fit (the URL is about 9.3 em, 232 pt at 25 pt)
    (300, 25, 3, ("扫码了解", "www.samr.gov.cn", "质量月活动")),
    # two lines at ≥ 32 pt hold at most 12.5 em: 扫码了解www.samr.gov.cn is 13.4 em and
    # www.samr.gov.cn质量月活动 14.4 em, so the URL has to break (before .gov)
    (400, 32, 2, ("扫码了解www.samr", ".gov.cn质量月活动")),
]


@pytest.mark.parametrize(("width", "min_size", "max_lines", "expected"), URL_CASES)
def test_url_breaks_only_as_a_last_resort(width: float, min_size: float, max_lines: int,
                                          expected: tuple[str, ...]) -> None:
    style = TextStyle("noto-sans-sc-black", BLACK, min_size, 300, max_lines=max_lines)
    block = layout_text("扫码了解www.samr.gov.cn质量月活动", Box(0, 0, width, 300), style)
    assert block.lines == expected


INVARIANT_TEXTS = [
    "2010年全省“质量月”活动",
    "他说：“质量第一。”然后——走了……",
    "QC小组活动，拨打12365投诉热线",
    "《产品质量法》（修订）实施，质量是企业的生命",
    "坚持以质量为核心，推动经济社会又好又快发展，全面提升质量水平",
    "马克·吐温说：“好！”1～3月100%合格",
    "江苏省人民政府国有资产监督管理委员会",
]


@pytest.mark.parametrize("text", INVARIANT_TEXTS)
@pytest.mark.parametrize("width", [120, 200, 320, 520])
def test_rules_hold_at_every_width(text: str, width: float) -> None:
    block = layout_text(text, Box(0, 0, width, 600), _style(max_lines=8, hide_line_end_comma=False))
    assert "".join(block.lines).replace(" ", "") == text.replace(" ", "")
    for line in block.lines:
        assert line[0] not in br.NO_START, block.lines
        assert line[-1] not in br.NO_END, block.lines
    joined = "\n".join(block.lines)
    for unit in ("2010", "12365", "100%", "——", "……", "QC"):
        if unit in text:
            assert unit in joined, block.lines


def test_help_and_imports_do_not_load_the_dictionary() -> None:
    """rjieba (about 0.14 s to load its dictionary) is imported on the first segmentation only."""
    code = (
        "import sys; from click.testing import CliRunner; from qmposter.cli import cli; "
        "import qmposter.layout.textbox; "
        "assert CliRunner().invoke(cli, ['--help']).exit_code == 0; print('rjieba' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
