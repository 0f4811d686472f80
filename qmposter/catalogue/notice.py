"""Read the plain text of a 质量月 notice and find its parts (title, 文号, sections, 落款, slogans).

The parser works from the structure official notices share (GB/T 9704 公文格式), not from
any one notice, so it copes with years and regions it has never seen:

    [web-page junk]  title “关于开展XXXX年全X“质量月”活动的通知”  [文号]  addressees：
    body: numbered sections 一、 （一） 1、 （1） ① — 指导思想, 活动主题, the activities, 要求
    [附件 mention]  落款 (issuing bodies, several per line)  date
    附件: “XXXX年…宣传口号 / 宣传标语” and the slogan list (or the 活动方案 that a cover letter
          “关于印发《…活动方案》的通知” issues)

Paragraphs hard-wrapped at a fixed width (web or e-mail copies) are joined back first. Without
a 落款, the issuers come from the notice's own “经……研究决定” sentence, with a warning.
docs/catalogue.md (“Notice parsing”) says how each field is found.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from qmposter.catalogue.model import Activity, Notice, NoticeSlogan
from qmposter.catalogue.prose import denoise, half_phrase, is_cut_line, sentence_slogans
from qmposter.errors import NoticeError
from qmposter.readers import MAX_SOURCE_BYTES, SourceText, read_source
from qmposter.text import canonical, is_han

MAX_NOTICE_BYTES = MAX_SOURCE_BYTES

# ---------------------------------------------------------------------------------------------
# Reading the file (any format: qmposter.readers)
# ---------------------------------------------------------------------------------------------


def read_notice_file(path: Path | str) -> str:
    """The text of a notice file of any format qmposter.readers knows (txt in any encoding, docx, pdf, html…).

    Line ends become "\\n". A missing path, a folder, an empty or unreadable file raises
    InputError with a Chinese message, so the CLI exits with code 2.
    """
    return read_source(Path(path)).text


def parse_notice_file(path: Path | str, *, strict: bool = False) -> Notice:
    """Read and parse one notice file; errors name the file."""
    return parse_source(read_source(Path(path)), strict=strict)


def parse_source(source: SourceText, *, strict: bool = False) -> Notice:
    """Parse what qmposter.readers read; errors name the source, the reading's warnings come first."""
    try:
        notice = parse_notice(source.text, strict=strict)
    except NoticeError as error:
        raise NoticeError(f"{source.origin}：{error.message}", hint=error.hint) from None
    if source.warnings:
        notice = dataclasses.replace(notice, warnings=(*source.warnings, *notice.warnings))
    return notice


# ---------------------------------------------------------------------------------------------
# Lines: cleaning, web-page junk, numbering markers
# ---------------------------------------------------------------------------------------------

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)

_JUNK_TOKENS = re.compile(
    r"[【\[](?:打印|关闭|关闭窗口|打印本页|返回顶部|收藏|分享|我要纠错|纠错|字体[：:][^】\]]*|[大中小])[】\]]"
)
_JUNK_FIELD = (
    "来源|信息来源|文章来源|稿件来源|发布时间|发布日期|更新时间|作者|编辑|责任编辑|审核|浏览次数|浏览量|点击数|点击量|"
    "阅读次数|阅读量|访问量|字号|字体|当前位置|您当前的位置|您现在的位置|所在位置|当前页面|索引号|主题分类|发文机关|"
    "发布机构|成文日期|生成日期|发文字号|有效性|分类|体裁分类|主题词|关键词|附件下载|相关附件|相关链接|相关文章|相关新闻|"
    "相关阅读|推荐阅读|分享到|上一篇|下一篇|主办|主办单位|承办|承办单位|协办单位|网站标识码|地址|邮编|邮政编码"
)
_JUNK_LINE = re.compile(
    rf"^(?:(?:{_JUNK_FIELD})\s*[：:]|首页\s*[>＞»›]|分享到|上一篇|下一篇|扫一扫|打印本页|关闭窗口|返回顶部|网站地图|联系我们"
    r"|(?:展开|阅读|查看)全文|点击(?:查看|加载)更多"
    r"|【?打印】?\s*$)|版权所有|ICP备|公网安备|Copyright|All Rights Reserved|技术支持[：:]"
    r"|\.(?:docx?|wps|pdf|xlsx?|rar|zip)\b",
    re.IGNORECASE,
)
_META_DOCNUM = re.compile(r"发文字号\s*[：:]\s*(\S+?号)")
_META_DATE = re.compile(r"成文日期\s*[：:]\s*(\S+)")

_MARKERS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (1, re.compile(r"^[一二三四五六七八九十]{1,3}\s*[、．.]\s*")),
    (2, re.compile(r"^[（(]\s*[一二三四五六七八九十]{1,3}\s*[）)]\s*[、．.]?\s*")),
    (3, re.compile(r"^\d{1,2}\s*(?:[、．]|\.(?!\d))\s*")),
    (4, re.compile(r"^(?:[（(]\s*\d{1,2}\s*[）)]|\d{1,2}\s*[）)])\s*")),
    (5, re.compile(r"^[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳]\s*")),
)
_MARKER_FIRST = frozenset("一二三四五六七八九十（(0123456789①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳")
_BULLET_FIRST = "-—–•·●○■□◆◇★☆▲△▶►※*＊"
_BULLET = re.compile(rf"^[{_BULLET_FIRST}]+\s*")

_BARE_HEADINGS = re.compile(
    r"^(?:指导思想|活动主题|活动时间|活动内容|主要活动|重点活动|活动安排|活动要求|工作要求|有关要求|组织领导|"
    r"全国统一(?:部署|组织)的(?:重点)?活动)\s*[：:]?$"
)


_TITLE_FIELD = re.compile(r"^(?:标题|名称|文件名称|文件标题)\s*[：:]\s*(?=.*质量月)")


def _clean(line: str) -> str:
    """A line without surrounding space, web-page buttons, or the “标题：” label of a 政务公开 table."""
    line = _JUNK_TOKENS.sub("", line.translate(_INVISIBLE)).strip()
    return _TITLE_FIELD.sub("", line)


def _marker(line: str) -> tuple[int | None, str]:
    """(level, rest): the numbering level of a line (1 = 一、 … 5 = ①) and the text after the marker."""
    if not line or (line[0] not in _MARKER_FIRST and not line[0].isdigit()):
        return None, line  # most lines: called several times per line, so skip the five patterns
    for level, pattern in _MARKERS:
        match = pattern.match(line)
        if match:
            return level, line[match.end() :].strip()
    return None, line


def _heading_name(text: str) -> str | None:
    """The name of a heading such as “活动主题：…” or “广泛开展社会宣传”, or None for a sentence."""
    name = re.split(r"[：:]", text, maxsplit=1)[0].strip()
    if not name or len(name) > 25 or re.search(r"[。！？；，,;]", name):
        return None
    return name


def _inline(text: str) -> str:
    """What follows the colon of a heading like “二、活动主题：……” (empty when nothing)."""
    parts = re.split(r"[：:]", text, maxsplit=1)
    return parts[1].strip() if len(parts) == 2 else ""


# ---------------------------------------------------------------------------------------------
# Small field parsers: numbers, dates, 文号, issuing bodies, regions
# ---------------------------------------------------------------------------------------------

_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "O": 0, "o": 0, "0": 0}
_CN_DIGITS.update({c: i for i, c in enumerate("一二三四五六七八九", start=1)})
_YEAR_TEXT = r"(?:19|20)\d{2}|[〇○零ＯOo一二][〇○零ＯOo一二三四五六七八九]{3}"
_SMALL_TEXT = r"\d{1,2}|[一二三四五六七八九十廿卅]{1,3}"
_DATE_LINE = re.compile(rf"^({_YEAR_TEXT})\s*年\s*({_SMALL_TEXT})\s*月\s*({_SMALL_TEXT})\s*日$")
_YEAR_IN = re.compile(rf"({_YEAR_TEXT})\s*年")


def _cn_year(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    try:
        return int("".join(str(_CN_DIGITS[c]) for c in text))
    except KeyError:
        return None


def _cn_small(text: str) -> int | None:
    """1–31 written 7, 07, 七, 十五, 二十一, 廿一, 三十."""
    if text.isdigit():
        return int(text)
    text = text.replace("廿", "二十").replace("卅", "三十")
    if "十" in text:
        tens, _, ones = text.partition("十")
        if len(tens) > 1 or len(ones) > 1:
            return None
        t = _CN_DIGITS.get(tens, -1) if tens else 1
        o = _CN_DIGITS.get(ones, -1) if ones else 0
        return None if t <= 0 or o < 0 else t * 10 + o
    return _CN_DIGITS.get(text) if len(text) == 1 else None


def _parse_date(text: str) -> str | None:
    """ISO date from 二○○九年七月十五日 / 二〇〇九年 / 2009年7月15日 (a whole line), else None."""
    if not text.rstrip().endswith("日"):
        return None
    match = _DATE_LINE.match(re.sub(r"\s+", "", text))
    if not match:
        return None
    year, month, day = _cn_year(match.group(1)), _cn_small(match.group(2)), _cn_small(match.group(3))
    if year is None or month is None or day is None:
        return None
    try:
        return _dt.date(year, month, day).isoformat()
    except ValueError:
        return None


_DOC_NUMBER = re.compile(
    r"^(?:(?:发文字号|文号)\s*[：:]\s*)?"
    r"([\u4e00-\u9fffA-Za-z]{1,24}\s*[〔\[［【(（]\s*(?:19|20)\d{2}\s*[〕\]］】)）]\s*第?\s*\d{1,5}\s*号)$"
)

_UNIT_CHARS = re.compile(r"^[\u4e00-\u9fff（）()]{3,40}$")
_UNIT_END = re.compile(r"(局|厅|委|会|部|办|院|府|室|中心|所|站|处|署|中央|社|司|团|小组)$")
_UNIT_STRONG = re.compile(r"(局|厅|部|委员会|协会|联合会|工会|办公室|政府|中央|党委|团委|[省市县区]委)$")
_UNIT_PLACE = re.compile(r"省|市|县|区|州|盟|旗|国家|国务院|中国|中华|全国|共青团|中共")
_UNIT_ALIAS = re.compile(r"[（(][\u4e00-\u9fff]{2,20}[）)]$")


def _is_unit(part: str) -> bool:
    """Does this look like the name of an issuing body (江苏省总工会, 共青团中央)?

    A body with a second name in brackets counts too: 海安市市场监督管理局（知识产权局）.
    """
    if not _UNIT_CHARS.match(part):
        return False
    if alias := _UNIT_ALIAS.search(part):
        if not _UNIT_END.search(alias.group(0)[1:-1]):
            return False
        part = part[: alias.start()]
    if not _UNIT_END.search(part):
        return False
    return bool(_UNIT_STRONG.search(part) or _UNIT_PLACE.search(part))


def _is_issuer_line(line: str) -> bool:
    """A 落款 line: one or more issuing bodies separated by spaces, nothing else."""
    if _marker(line)[0] is not None:
        return False
    parts = line.split()
    return 0 < len(parts) <= 8 and all(_is_unit(p) for p in parts)


# A notice without a 落款 block may name its issuing bodies in its opening sentence:
# “经中共中央宣传部、……和共青团中央研究决定”, “由A、B联合主办”, “A、B联合下发本通知”.
# A body list is a run without clause punctuation; a clause must start at punctuation so that
# “根据A、B联合下发的《…》” (a higher body's notice, cited) is never read as the issuers.
_BODY_LIST = r"(?P<bodies>[^，。；：！？,;:!?\s“”《》]{3,300}?)"
_CLAUSE_START = r"(?:^|(?<=[，。；：！？,;:!?”）)]))"
_ISSUING_SENTENCES = (
    re.compile(rf"{_CLAUSE_START}(?:现|特)?经过?{_BODY_LIST}(?:共同|联合)?(?:研究[，,]?)?决定"),
    re.compile(rf"{_CLAUSE_START}(?:现|特)?由?{_BODY_LIST}(?:共同|联合)下发(?!的)"),
    re.compile(rf"由{_BODY_LIST}(?:共同|联合)?主办(?!的)"),
)
_CITING = re.compile(r"^(?:根据|按照|依据|遵照|贯彻|落实|转发|为)")
_AND = re.compile(r"以及|[和及与]")


def _split_bodies(text: str) -> tuple[str, ...] | None:
    """“A、B、C和D” -> (A, B, C, D), or None unless every part looks like a body's name.

    Only the last part is split at 和/及/与, and only where both halves are names, so
    工业和信息化部 and 住房和城乡建设部 stay whole.
    """
    *head, last = text.split("、")
    for match in reversed(list(_AND.finditer(last))):
        left, right = last[: match.start()], last[match.end() :]
        if _is_unit(left) and _is_unit(right):
            head, last = [*head, left], right
            break
    bodies = tuple(p.strip() for p in [*head, last])
    return bodies if all(_is_unit(b) for b in bodies) else None


def _issuers_in_opening(opening: list[str]) -> tuple[tuple[str, ...], str]:
    """(bodies, the words they came from) of the notice's own issuing sentence before its first heading."""
    text = "".join(opening)
    for pattern in _ISSUING_SENTENCES:
        for match in pattern.finditer(text):
            listed = match.group("bodies")
            if _CITING.match(listed):
                continue
            bodies = _split_bodies(listed)
            if bodies:
                return bodies, f"正文“{match.group(0)}”"
    return (), ""


_RED_HEADER = re.compile(r"^(?P<bodies>.*?)\s*文\s*件$")


def _issuers_in_red_header(head: list[str]) -> tuple[tuple[str, ...], str]:
    """(bodies, where) from the 红头 above the title (“海安市市场监督管理局文件”), for a copy that lost
    its 落款. A joint 红头 stacks its bodies, the last one followed by 文件, or 文件 on its own line."""
    for k, line in enumerate(head):
        match = _RED_HEADER.match(line)
        if not match:
            continue
        start = k
        while start > 0 and _is_issuer_line(head[start - 1]):
            start -= 1
        parts = [p for ln in head[start:k] for p in ln.split()] + match.group("bodies").split()
        if parts and all(_is_unit(p) for p in parts):
            return tuple(parts), f"文头“{''.join(head[start : k + 1])}”"
    return (), ""


_ATTACH = re.compile(r"^附\s*件\s*\d{0,2}\s*(?:[：:．.、]|$)")

PROVINCES = (
    "北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江", "安徽", "福建", "江西",
    "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "重庆", "四川", "贵州", "云南", "西藏", "陕西", "甘肃",
    "青海", "宁夏", "新疆", "香港", "澳门", "台湾",
)  # fmt: skip
# 简称 as used at the start of provincial 文号 (苏质监…, 鲁质监…, 桂市监…).
_PROVINCE_ABBREVIATIONS = {
    "京": "北京", "津": "天津", "冀": "河北", "晋": "山西", "蒙": "内蒙古", "辽": "辽宁", "吉": "吉林", "黑": "黑龙江",
    "沪": "上海", "苏": "江苏", "浙": "浙江", "皖": "安徽", "闽": "福建", "赣": "江西", "鲁": "山东", "豫": "河南",
    "鄂": "湖北", "湘": "湖南", "粤": "广东", "桂": "广西", "琼": "海南", "渝": "重庆", "川": "四川", "贵": "贵州",
    "黔": "贵州", "云": "云南", "滇": "云南", "藏": "西藏", "陕": "陕西", "甘": "甘肃", "陇": "甘肃", "青": "青海",
    "宁": "宁夏", "新": "新疆",
}  # fmt: skip
_AUTONOMOUS_REGIONS = ("内蒙古", "广西", "西藏", "宁夏", "新疆")
_PROVINCE_SUFFIX = re.compile(r"^(?:省|市|(?:壮族|回族|维吾尔)?自治区|特别行政区)")
_NATIONAL_UNIT = re.compile(r"^(?:国家|国务院|中华|中国|全国|中央)|部$|总局$")
_CITY = re.compile(r"^([^省市盟县区旗\s]{2,8}?)(自治州|市|州|盟|地区)")
_COUNTY = re.compile(r"^([^省市盟县区旗\s]{2,8}?)(自治县|新区|县|旗|区)")
_ETHNIC_TAIL = re.compile(
    r"(?:(?:朝鲜|蒙古|维吾尔|哈萨克|柯尔克孜|布依|土家|哈尼|傈僳|纳西|景颇|达斡尔|仫佬|布朗|撒拉|毛南|仡佬|锡伯|"
    r"阿昌|普米|塔吉克|鄂温克|德昂|保安|裕固|独龙|鄂伦春|拉祜|东乡|[苗侗壮回藏彝白傣土瑶畲水黎佤羌怒京满])族)+$"
)
# 莒县, 沛县: a one-character name keeps its 县
_ONE_CHAR_COUNTY = re.compile(r"^([^省市盟县区旗\s各全本我该]县)(?=市场|质量|人民|政府|$)")
_NOT_A_PLACE = re.compile(r"^[各全本我该省市县区]")

_SCOPE_WORDS = {"国": "national", "省": "provincial", "市": "municipal", "州": "municipal", "盟": "municipal"}
_SCOPE_WORDS.update({"县": "county", "旗": "county"})


def _unit_place(name: str) -> tuple[str | None, str | None]:
    """(scope, region) of an issuing body or a title prefix, e.g. 苏州市市场监督管理局 -> (municipal, 苏州)."""
    name = re.sub(r"等[\u4e00-\u9fff]{0,3}(?:部门|单位)$", "", re.sub(r"^(?:中国共产党|中共|共青团)", "", name))
    region, scope, rest = None, None, name
    for province in PROVINCES:
        if name.startswith(province):
            suffix = _PROVINCE_SUFFIX.match(name[len(province) :])
            rest = name[len(province) + (suffix.end() if suffix else 0) :]
            region, scope = province, "provincial"
            break
    city = _CITY.match(rest)
    if city and not rest.startswith("市场") and not _NOT_A_PLACE.match(rest):
        region, scope = _short_place(city.group(1)), "municipal"
        rest = rest[city.end() :]
    county = _COUNTY.match(rest) or _ONE_CHAR_COUNTY.match(rest)
    if county and not _NOT_A_PLACE.match(rest):
        region, scope = _short_place(county.group(1)), "county"
    if scope is None and _NATIONAL_UNIT.search(name):
        return "national", None
    return scope, region


def _short_place(name: str) -> str:
    """延边朝鲜族 -> 延边, 黔东南苗族侗族 -> 黔东南: the place without the names of its peoples."""
    return _ETHNIC_TAIL.sub("", name) or name


# ---------------------------------------------------------------------------------------------
# The outline of the body: numbered headings and items as a tree
# ---------------------------------------------------------------------------------------------


@dataclass
class _Node:
    """A heading of the notice being parsed, with its lines and sub-headings."""

    level: float
    head: str
    lines: list[str] = field(default_factory=list)
    children: list[_Node] = field(default_factory=list)
    marker_text: str = ""

    @property
    def name(self) -> str | None:
        return _heading_name(self.head)

    def all_lines(self) -> list[str]:
        """Its own text and, with their numbering, everything nested under it."""
        out = [self.head, *self.lines] if self.head else list(self.lines)
        for child in self.children:
            sub = child.all_lines()
            if sub:
                sub[0] = child.marker_text + sub[0]
            out.extend(sub)
        return out


def _outline(lines: list[str]) -> _Node:
    root = _Node(0, "")
    stack = [root]
    for line in lines:
        level, rest = _marker(line)
        if level is None and _BARE_HEADINGS.match(line):
            level, rest = 0.5, line
        if level is None:
            stack[-1].lines.append(line)
            continue
        while stack[-1].level >= level:
            stack.pop()
        node = _Node(level, rest, marker_text=line[: len(line) - len(rest)].strip() if rest else line)
        stack[-1].children.append(node)
        stack.append(node)
    return root


def _walk(node: _Node):
    for child in node.children:
        yield child
        yield from _walk(child)


_STRONG_ACTIVITY = re.compile(
    r"活动内容|主要活动|重点活动|活动安排|统一部署|统一组织|统一安排|具体活动|开展的活动|组织的活动|部署的活动|"
    r"主要内容|工作内容|重点工作|主要任务|活动项目|系列活动"
)
_NOT_ACTIVITY = re.compile(
    r"主题|要求|指导|目的|意义|时间|领导|保障|口号|标语|原则|目标|名称|对象|范围|背景|机构|联系|报送|总结"
)
_WEAK_ACTIVITY = re.compile(r"活动|内容|安排|任务")


def _activity_sections(root: _Node) -> list[_Node]:
    """The outermost headings that hold the activities (三、全国统一部署的活动, 三、活动内容 …)."""
    found: list[_Node] = []

    def visit(node: _Node) -> None:
        for child in node.children:
            name = child.name
            if name is None:
                continue
            if _STRONG_ACTIVITY.search(name) or (not _NOT_ACTIVITY.search(name) and _WEAK_ACTIVITY.search(name)):
                found.append(child)
            elif not _NOT_ACTIVITY.search(name):
                visit(child)

    visit(root)
    return found


def _first_sentence(text: str) -> str:
    """Text up to the first 。！？； that is not inside quotes or brackets."""
    depth = 0
    for i, ch in enumerate(text):
        if ch in "“《（(「『【〔":
            depth += 1
        elif ch in "”》）)」』】〕":
            depth = max(0, depth - 1)
        elif depth == 0 and ch in "。！？；":
            return text[:i]
    return text


def _join(lines: list[str]) -> str:
    """Join the lines of one item: a new paragraph after a sentence end or a short heading, else a hard wrap.

    “开展质量宣传活动” above its paragraph is a heading (short, no punctuation at all); a line
    that stops in the middle of a clause (“……通过网络投票和专家评审，”) was wrapped.
    """
    out = ""
    prev = ""
    for line in lines:
        if not out:
            out = line
        elif line[0] in "，、。；：！？）》”」":
            out += line  # the wrap came just before a punctuation mark
        elif prev[-1] in "。！？；：:”」）)…" or _marker(line)[0] is not None or _is_heading_line(prev):
            out += "\n" + line
        elif prev[-1].isascii() and line[0].isascii() and not (prev[-1].isdigit() and line[0].isdigit()):
            out += " " + line
        else:
            out += line
        prev = line
    return out


def _is_heading_line(line: str) -> bool:
    return len(line) <= 25 and is_han(line[-1]) and not re.search(r"[，、,。；;！？]", line)


def _activity(node: _Node, group: str | None) -> Activity | None:
    lines = [ln for ln in node.all_lines() if ln]
    if not lines:
        return None
    text = _join(lines)
    title = _first_sentence(text.split("\n", 1)[0]).strip().rstrip("：:").strip() or lines[0][:40]
    return Activity(group=group, title=title, text=text)


def _activities(section: _Node) -> list[Activity]:
    group = section.name
    out: list[Activity] = []
    if not section.children:
        # Activities written as plain paragraphs under the heading (or after its colon): one per paragraph.
        inline = _inline(section.head)
        for line in [inline, *section.lines] if inline else section.lines:
            item = _activity(_Node(3, line), group)
            if item:
                out.append(item)
        return out

    def visit(node: _Node, group: str | None) -> None:
        for child in node.children:
            if child.children and child.name is not None:
                visit(child, child.name)  # a sub-heading such as （一）广泛开展社会宣传
            else:
                item = _activity(child, group)
                if item:
                    out.append(item)

    visit(section, group)
    return out


def _section_text(node: _Node) -> list[str]:
    inline = _inline(node.head)
    lines = [inline] if inline else []
    lines.extend(node.lines)
    for child in node.children:
        lines.extend(child.all_lines())
    return [ln for ln in lines if ln]


_THEME_SENTENCE = re.compile(r"主题(?:确定)?(?:是|为)\s*[：:]?\s*[“\"「『]([^”\"」』]{4,60})[”\"」』]")
_THEME_WITH = re.compile(r"以\s*[“\"「『]([^”\"」』]{4,60})[”\"」』]\s*为(?:活动)?主题")


def _theme(root: _Node, body: list[str]) -> str | None:
    """Under a 主题 heading; else “主题是/为“……””; else “以“……”为主题” in a sentence about the 质量月."""
    for node in _walk(root):
        name = node.name
        if name and "主题" in name and "主题词" not in name:
            lines = _section_text(node)
            if lines:
                first = _unwrap_quote(lines)
                quoted = _THEME_SENTENCE.search(first) or _THEME_WITH.search(first)
                theme = quoted.group(1) if quoted else _unquote(first)
                if theme and len(theme) <= 80:
                    return canonical(theme) or None
    text = "".join(body)  # a theme sentence may be hard-wrapped (text pasted from a web page)
    quoted = _THEME_SENTENCE.search(text)
    if quoted:
        return canonical(quoted.group(1)) or None
    for sentence in re.split(r"[。！？；]", text):
        quoted = _THEME_WITH.search(sentence)
        if quoted and "质量月" in sentence:
            return canonical(quoted.group(1)) or None
    return None


def _unwrap_quote(lines: list[str]) -> str:
    """The first line, joined with the next ones while a hard wrap has left a “ or 「 open."""
    text = lines[0]
    for line in lines[1:4]:
        if text.count("“") <= text.count("”") and text.count("「") <= text.count("」"):
            break
        text += line
    return text


def _unquote(text: str) -> str:
    text = text.strip()
    pairs = {"“": "”", '"': '"', "「": "」", "『": "』"}
    if len(text) > 2 and text[0] in pairs and text.rstrip("。").endswith(pairs[text[0]]):
        inner = text.rstrip("。")[1:-1]
        if not any(q in inner for q in '“”"「」『』'):
            return inner
    return text


def _guiding_idea(root: _Node) -> str | None:
    for node in _walk(root):
        name = node.name
        if name and "指导思想" in name:
            lines = _section_text(node)
            return _join(lines) if lines else None
    return None


# ---------------------------------------------------------------------------------------------
# Title, head and closing
# ---------------------------------------------------------------------------------------------


def _is_title(text: str) -> bool:
    return (
        "质量月" in text
        and re.search(r"通知[”》」]?$", text) is not None
        and len(text) <= 100
        and "。" not in text
        and _marker(text)[0] is None
    )


def _find_title(lines: list[str]) -> tuple[int, int] | None:
    """(first, last) line index of the title; a long title may wrap onto a second line.

    Failing a notice title, a plan's own title at the top (“2013年全省“质量月”活动方案”):
    departments also pass on the 活动方案 alone, without its covering notice.
    """
    for i, line in enumerate(lines):
        if _is_title(line):
            return i, i
        if i + 1 < len(lines) and len(line) <= 60 and ("关于" in line or "质量月" in line) and "。" not in line:
            joined = line + lines[i + 1]
            if len(lines[i + 1]) <= 40 and _is_title(joined):
                return i, i + 1
    return next(((i, i) for i, line in enumerate(lines[:PLAN_TITLE_LINES]) if _is_plan_title(line)), None)


PLAN_TITLE_LINES = 3
"""A plan title counts only among the first lines: further down it is an attachment's."""


def _is_plan_title(text: str) -> bool:
    """“2013年全省“质量月”活动方案”: a plan's own title line (not a sentence, not numbered)."""
    if len(text) > 60 or "质量月" not in text:
        return False
    return _PLAN_TITLE.search(text) is not None and "。" not in text and _marker(text)[0] is None


def _is_slogan_heading(line: str) -> bool:
    """“2010年全省“质量月”活动宣传口号”, “附件2：宣传标语”, “五、宣传口号”."""
    if "口号" not in line and "标语" not in line:
        return False
    text = _ATTACH.sub("", line, count=1).strip()
    level, rest = _marker(text)
    if level is not None:
        if level > 2 or len(rest) > 16 or re.search(r"[。，,]", rest):
            return False
        text = rest
    if not re.search(r"口号|标语", text) or len(text) > 40 or "，" in text or "征集" in text:
        return False
    return "。" not in text.rstrip("。")


def _is_date_line(line: str) -> bool:
    return _parse_date(line) is not None


def _is_note(line: str) -> bool:
    return line[:1] in "（(" and bool(re.match(r"^[（(].*[）)]$", line)) and _marker(line)[0] is None


def _body_end(lines: list[str], start: int) -> int:
    for i in range(start, len(lines)):
        line = lines[i]
        if _ATTACH.match(line) or _is_date_line(line) or (line[-1] in _BREAK_LAST and _is_issuer_line(line)):
            return i
        if _marker(line)[0] is None and _is_slogan_heading(line) and not _continues(lines, i, start):
            return i
    return len(lines)


def _continues(lines: list[str], i: int, start: int = 0) -> bool:
    """Is line i the rest of a sentence hard-wrapped from line i-1 (text pasted from a web page)?

    The line before is then a long, unfinished sentence: it has a comma or 、 and does not
    end with a full stop, colon or closing bracket. Such a line is never a heading; a
    numbered line (五、宣传标语) always starts one.
    """
    if i <= start or _marker(lines[i])[0] is not None:
        return False
    prev = lines[i - 1]
    return len(prev) >= 15 and bool(re.search(r"[，、]", prev)) and not re.search(r"[。！？；：:”」）)…]$", prev)


_ATTACHMENT_ITEM = re.compile(r"^\d{1,2}\s*[.．、]\s*\S[^。]{0,58}$")  # “2.2022年全县…宣传标语” in a 附件 list


def _closing(lines: list[str], start: int) -> tuple[int, int]:
    """(first, end) of the 落款 block: issuer lines and the date, after any 附件 mentions.

    A 附件 mention may list several attachments, one per line (“附件：1.…” then “2.2022年…”);
    “2.2022” is not a numbering marker (a decimal point), so such lines are matched on their own.
    """
    for i in range(start, min(len(lines), start + 12)):
        line = lines[i]
        if _is_issuer_line(line) or _is_date_line(line):
            end = i
            while end < len(lines) and (
                _is_issuer_line(lines[end]) or _is_date_line(lines[end]) or _is_note(lines[end])
            ):
                end += 1
            return i, end
        if not (
            _ATTACH.match(line)
            or _is_note(line)
            or _ATTACHMENT_ITEM.match(line)
            or (_marker(line)[0] is not None and len(line) <= 40)
        ):
            break
    return _closing_below(lines, start)


def _closing_below(lines: list[str], start: int) -> tuple[int, int]:
    """The 落款 further down, when the body ended at a list that comes before it (“各单位可选用以下标语：”
    and the slogans): the first line that is only a date, with the issuer lines just above it."""
    date = next((i for i in range(start, len(lines)) if lines[i][-1] == "日" and _is_date_line(lines[i])), None)
    if date is None:
        return start, start
    first = date
    while first > start and _is_issuer_line(lines[first - 1]):
        first -= 1
    end = date + 1
    while end < len(lines) and _is_note(lines[end]):
        end += 1
    return first, end


# ---------------------------------------------------------------------------------------------
# Slogans
# ---------------------------------------------------------------------------------------------

_SLOGAN_STOP = re.compile(r"^(?:抄送|主题词|印发|以上|注[：:]|说明[：:]|（此件|\(此件)|印发$")
_SECTION_WORDS = re.compile(r"要求|安排|内容|领导|保障|时间|主题|思想|活动")
_QUOTES = {"“": "”", '"': '"', "「": "」", "『": "』"}


_MORE_THAN_60_HAN = re.compile(r"(?:[^\u4e00-\u9fff]*[\u4e00-\u9fff]){61}")
_MAKES_FULL_STOP = re.compile(r"[。｡.]")
_CANONICAL_TAIL = "。｡.，,﹐；;﹔、､﹑ \t\u3000\u00a0"


def _slogan_line_stops(line: str) -> bool:
    if _ATTACH.match(line) or (line[-1] == "日" and _is_date_line(line)) or _SLOGAN_STOP.search(line):
        return True
    if line[-1] in _BREAK_LAST and _is_issuer_line(line) and all(_UNIT_PLACE.search(p) for p in line.split()):
        return True
    level, rest = _marker(line)
    if level == 1 and (name := _heading_name(rest)) and _SECTION_WORDS.search(name) and "，" not in rest:
        return not re.search(r"口号|标语", name)
    if rest.endswith("。") and rest.count("，") >= 2:
        return True  # “会议要求，各单位要高度重视，精心组织，确保活动取得实效。”: a sentence after the list
    if len(rest) <= 60 and not _MAKES_FULL_STOP.search(rest.rstrip(_CANONICAL_TAIL)):
        return False  # canonical() never lengthens a text, drops this tail and makes a 。 only of 。｡.
    if _MORE_THAN_60_HAN.match(rest):
        return True  # canonical() keeps every Han character: too long for a slogan, without reading it all
    text = canonical(rest)
    return len(text) > 60 or "。" in text


_TABLE_NUMBER = re.compile(r"^\d{1,2}\s+(?=[^\x00-\x7f])")  # “1\t质量第一” from a Word table (序号 column)


def _strip_item(line: str) -> str:
    """The slogan as printed, without its numbering, bullet or wrapping quotes."""
    _, text = _marker(line)
    if text[:1].isdigit():
        text = _TABLE_NUMBER.sub("", text)
    if text[:1] in _BULLET_FIRST:
        text = _BULLET.sub("", text)
    text = text.strip()
    if len(text) > 2 and text[0] in _QUOTES and text.endswith(_QUOTES[text[0]]):
        inner = text[1:-1]
        if not any(q in inner for q in '“”"「」『』'):
            text = inner.strip()
    return text


_STOP = None  # marks a line that ends a slogan list
_URL = re.compile(r"https?://|www\.", re.IGNORECASE)
_BYLINE_DATE = re.compile(r"(?:19|20)\d{2}[-/.]\d{1,2}[-/.]\d{1,2}")
_LATIN_ONLY = re.compile(r"^[A-Za-z][\x20-\x7e\u2018\u2019\u00a0]*$")  # words only, no Han, no full-width


def _slogan_line(line: str) -> list[NoticeSlogan | str] | None:
    """The slogans on one line of a list: None ends the list, [] is a line to skip."""
    if ("/" in line or "w" in line or "W" in line) and _URL.search(line):
        return []  # a mirror's “转载自 http://…” line
    if ("-" in line or "/" in line or "." in line) and _BYLINE_DATE.search(line):
        return []  # a “市场监管总局 2022-08-30” byline
    if line[0] < "\u0370" and _LATIN_ONLY.match(line):
        return []  # the English translation printed under a slogan (中英文对照)
    if _slogan_line_stops(line):
        return _STOP
    if _is_note(line) or (line[-1] in "类篇：:" and re.search(r"(?:类|篇)[：:]?$|[：:]$", line)):
        return []  # a note or a sub-heading such as “食品安全类：”
    if _is_slogan_heading(line):
        return []
    printed = _strip_item(line)
    if printed[:1] in "“「『" and _QUOTED_LIST.match(printed):
        return _listed(printed) or []  # “质量第一，诚信为本”、“追求卓越，铸就品牌”
    parts = re.split(r"\s{4,}|\u3000{2,}", printed)
    if len(parts) < 2 or not all("，" in canonical(p) for p in parts):
        parts = [printed]  # two columns of slogans on one line only when each has its own comma
    found: list[NoticeSlogan | str] = []
    for part in parts:
        part = part.strip()
        if _TWO_HAN.search(part):
            found.append(part)  # canonical() keeps every Han character: made a slogan only if the list is used
        elif len(text := canonical(part)) >= 2 and any(is_han(c) for c in text):
            found.append(NoticeSlogan(text=text, original=part if part != text else None))
    return found


_TWO_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3007\U00020000-\U0003134f].*?"
                      r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3007\U00020000-\U0003134f]", re.S)  # is_han() twice


def _settle(items: list[NoticeSlogan | str]) -> list[NoticeSlogan]:
    """The slogans of a list, printed parts given their canonical form."""
    out = []
    for item in items:
        if isinstance(item, str):
            text = canonical(item)
            item = NoticeSlogan(text=text, original=item if item != text else None)
        out.append(item)
    return out


_QUOTED = r"[“「『]([^“”「」『』]+)[”」』]"
_QUOTED_LIST = re.compile(rf"^(?:{_QUOTED}\s*(?:[、，；;,]\s*)?){{2,}}[。；;]?$")


def _listed(text: str) -> list[NoticeSlogan]:
    """Several slogans written on one line: “A”、“B” or A；B。 — [] unless each is slogan-sized."""
    parts = re.findall(_QUOTED, text) if _QUOTED_LIST.match(text) else re.split(r"[；;。]", text)
    found = []
    for part in (p.strip() for p in parts):
        text = canonical(part)
        if not text:
            continue
        if not (2 <= len(text) <= 30 and any(is_han(c) for c in text)):
            return []
        found.append(NoticeSlogan(text=text, original=part if part != text else None))
    return found


def _inline_slogans(line: str) -> list[NoticeSlogan]:
    """Slogans written after the heading's colon: “三、宣传口号：质量第一，诚信为本；追求卓越，铸就品牌。”."""
    match = ("：" in line or ":" in line) and re.match(r"^([^：:]{2,24})[：:](.+)$", line)
    if not match or not _is_slogan_heading(match.group(1)):
        return []
    found = _listed(match.group(2))
    return found if len(found) >= 2 else []


def _is_lead_in(line: str) -> bool:
    """“现将活动宣传标语及英文译文发布如下，供各单位……选用：”: a sentence that introduces the list below."""
    return line[-1] in "：:" and ("口号" in line or "标语" in line) and "征集" not in line


def _items_after_lead_in(lines: list[str], start: int) -> list[NoticeSlogan | str]:
    """The list a lead-in sentence introduces: a numbered or bulleted list ends at its first plain line
    (“该负责人表示，……”); lines without slogans (an English translation) are passed over."""
    found: list[NoticeSlogan | str] = []
    marked = None
    for line in lines[start:]:
        on_line = _slogan_line(line)
        if on_line is _STOP:
            break
        if not on_line:
            continue
        is_marked = _marker(line)[0] is not None or line[0] in _BULLET_FIRST
        marked = is_marked if marked is None else marked
        if marked and not is_marked:
            break
        found.extend(on_line)
    return found


def _slogans(lines: list[str], start: int, *, lead_ins: bool = True) -> list[NoticeSlogan]:
    """The list under the last 口号/标语 heading that is followed by at least one slogan
    (or, unless `lead_ins` is off for --strict, under a sentence that introduces it).

    One backward pass: each line is classified once, so long texts stay linear.
    """
    following: list[list[NoticeSlogan | str]] = []  # slogans of the lines after line i (last line first)
    for i in range(len(lines) - 1, start - 1, -1):
        if following and _is_slogan_heading(lines[i]) and not _continues(lines, i, start):
            return _settle([s for line in reversed(following) for s in line])
        if following and lead_ins and _is_lead_in(lines[i]):
            return _settle(_items_after_lead_in(lines, i + 1))
        if inline := _inline_slogans(lines[i]):
            return inline + _settle([s for line in reversed(following) for s in line])
        on_line = _slogan_line(lines[i])
        if on_line is _STOP:
            following = []
        elif on_line:
            following.append(on_line)
    return []


# ---------------------------------------------------------------------------------------------
# Hard-wrapped paragraphs (text pasted from a web page or an e-mail)
# ---------------------------------------------------------------------------------------------

_FINAL = "。！？；：:"
_MIN_WRAP_WIDTH = 30  # display columns: a page wrapped narrower than 15 Han characters is not expected
_WRAP_SLACK = 6  # a paragraph's first line lost its indent (2 full-width spaces) when it was trimmed


def _width(text: str) -> int:
    """Display width: 2 columns for wide (Han, full-width) characters, 1 for the rest."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


# What a paragraph-breaking line can start or end with (numbering, bullets, 附件; 号, 日, a body's
# name, 通知”): the other lines of a long text skip the regular expressions below.
_BREAK_FIRST = frozenset("一二三四五六七八九十（(0123456789①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳-—–•·●○■□◆◇★☆▲△▶►※*＊附")
_BREAK_LAST = frozenset("局厅委会部办院府室心所站处署央社司团组日号知”》」）)")
_SHORT_LINE = 16  # a bare heading (活动主题：) is shorter


def _breaks_paragraph(line: str) -> bool:
    """A line that is never the middle of a wrapped paragraph: blank, numbered, a list item, 附件, date, 落款, title."""
    first = line[:1]
    if len(line) > _SHORT_LINE and first not in _BREAK_FIRST and not first.isdigit() and line[-1] not in _BREAK_LAST:
        return False
    if not line:
        return True
    last = line[-1]
    return (
        _marker(line)[0] is not None
        or bool(_BULLET.match(line) or _TABLE_NUMBER.match(line) or _BARE_HEADINGS.match(line))
        or bool(_ATTACH.match(line) or (last == "号" and _DOC_NUMBER.match(line)))
        or _is_date_line(line)
        or (last in _BREAK_LAST and _is_issuer_line(line))
        or _is_title(line)
    )


def _wrap_width(lines: list[str], breaks: list[bool]) -> int | None:
    """The width a text was hard-wrapped at, or None when it was not.

    A wrapped line ends without a full stop, is followed by more of its paragraph, and the
    paragraph ends with a full stop within a few lines; in a wrapped text at least three such
    lines have (nearly) the same width. Slogan lists and headings do not end with a full stop,
    and blank lines separate the paragraphs, so they never count.
    """
    widths: Counter[int] = Counter()
    for i, line in enumerate(lines):
        if not line or line[-1] in _FINAL or 2 * len(line) < _MIN_WRAP_WIDTH or _width(line) < _MIN_WRAP_WIDTH:
            continue
        for j in range(i + 1, min(len(lines), i + 12)):
            if breaks[j]:
                break
            if lines[j][-1] in _FINAL:
                widths[_width(line)] += 1
                break

    def near(w: int) -> int:
        return sum(widths[w + d] for d in (-2, -1, 0, 1, 2))

    best = max(widths, key=lambda w: (near(w), w), default=None)
    return best if best is not None and near(best) >= 3 else None


def _unwrap(lines: list[str]) -> list[str]:
    """Join the lines of paragraphs that were hard-wrapped at a fixed width back into one line each.

    A line is joined to the next when it is (nearly) as wide as the wrap or stops at a comma,
    does not end with a full stop, and the lines after it run on to a full stop: so a slogan
    list, which has no full stops, is never joined. Blank lines stay; a text that was not
    wrapped comes back unchanged.
    """
    breaks = [_breaks_paragraph(line) for line in lines]  # once per line: the passes below look ahead
    width = _wrap_width(lines, breaks)
    if width is None:
        return lines
    full = [
        bool(ln) and ln[-1] not in _FINAL and (_width(ln) >= width - _WRAP_SLACK or ln[-1] in "，、") for ln in lines
    ]
    runs_on = [False] * (len(lines) + 1)  # line i is part of a paragraph that reaches a full stop
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i]
        runs_on[i] = bool(line) and (line[-1] in _FINAL or (full[i] and _joins(breaks, i, runs_on)))
    out: list[str] = []
    paragraph: list[str] = []  # joined once at its end: `out[-1] += line` made long paragraphs quadratic
    for i, line in enumerate(lines):
        paragraph.append(line)
        if not (full[i] and _joins(breaks, i, runs_on) and not _is_title(line)):
            out.append("".join(paragraph))
            paragraph = []
    if paragraph:
        out.append("".join(paragraph))
    return out


def _joins(breaks: list[bool], i: int, runs_on: list[bool]) -> bool:
    return i + 1 < len(breaks) and not breaks[i + 1] and runs_on[i + 1]


# ---------------------------------------------------------------------------------------------
# Putting it together
# ---------------------------------------------------------------------------------------------

_NOT_A_NOTICE_HINT = "qmposter 需要“质量月”活动通知的纯文本，标题形如“关于开展2010年全省‘质量月’活动的通知”。"


def parse_notice(text: str, *, strict: bool = False) -> Notice:
    """Parse the text of a 质量月 notice (or a report, slogan list, launch release, slogan call) into a Notice.

    Raises NoticeError when the text is not about the 质量月 at all (no 质量月, a passing mention,
    or neither a title nor a year with some structure). Things a person should check — no slogan
    list, no activities, no theme, a list cut off — are returned as `warnings`; `form` and
    `confidence` say what kind of text it was taken for. `strict` reads formal notices only, the
    way the parser did before it knew the other forms.
    """
    raw = text.replace("\r\n", "\n").replace("\r", "\n").translate(_INVISIBLE)
    if not strict:
        raw = denoise(raw)
    if "质量月" not in raw:
        raise NoticeError("这不是“质量月”活动通知：全文没有出现“质量月”。", hint=_NOT_A_NOTICE_HINT)
    meta_docnum = _META_DOCNUM.search(raw)
    meta_date = _META_DATE.search(raw)
    cleaned = ["" if _JUNK_LINE.search(ln) else ln for ln in (_clean(x) for x in raw.split("\n"))]
    lines = [ln for ln in _unwrap(cleaned) if ln]

    title_span = _find_title(lines)
    title = "".join(lines[title_span[0] : title_span[1] + 1]) if title_span else None
    after_title = title_span[1] + 1 if title_span else 0
    doc_number = _doc_number(lines, title_span, after_title) or (meta_docnum.group(1) if meta_docnum else None)

    body_end = _body_end(lines, after_title)
    body = lines[after_title:body_end]
    root = _outline(body)
    closing_start, closing_end = _closing(lines, body_end)
    closing = lines[closing_start:closing_end]
    issuers = tuple(p for ln in closing if _is_issuer_line(ln) for p in ln.split())
    from_body = ((), "") if issuers else _issuers_in_opening(root.lines)
    if not (issuers or from_body[0]):
        from_body = _issuers_in_red_header(lines[: title_span[0]] if title_span else [])
    issuers = issuers or from_body[0]
    date = next((d for ln in closing if (d := _parse_date(ln))), None)
    if date is None and meta_date:
        date = _parse_date(meta_date.group(1)) or _parse_iso(meta_date.group(1))

    theme, activities, guiding_idea = _contents(body)
    if theme is None or not activities:
        # 关于印发《…活动方案》的通知: a short cover letter; the plan itself is the attachment.
        plan = _contents(_attached_plan(lines, closing_end))
        theme, activities, guiding_idea = theme or plan[0], activities or plan[1], guiding_idea or plan[2]
    slogans = _slogans(lines, after_title, lead_ins=not strict)
    year = _year(title, [*body, *lines], date, doc_number)
    form, notes = _form(title, lines), []
    if not strict:
        if title is None and _passing_mention(raw, lines):
            raise NoticeError(
                "这段文字只是顺带提到一次“质量月”，不是质量月活动的通知、报道或口号表，没有口号可读。",
                hint=_NOT_A_NOTICE_HINT,
            )
        year = year or _published_year(raw)
        slogans, notes = _finish_slogans(form, slogans, lines)
        theme = theme or _loose_theme(lines)

    if title is None and (year is None or not (theme or activities or slogans or form == "slogan-call")):
        raise NoticeError(
            "这不是“质量月”活动通知：没有找到通知标题，也没有找到年份和活动主题、活动或宣传口号。",
            hint=_NOT_A_NOTICE_HINT,
        )
    scope, region = _scope_region(title, issuers, lines, body)
    if not strict and (scope is None or (scope != "national" and region is None)):
        scope, region = _month_place(lines, scope, region)
        if scope not in (None, "national") and region is None:
            region = _source_region(raw, scope) or (_most_named_province(lines) if scope == "provincial" else None)
    if scope == "provincial" and region is None and doc_number:
        region = _PROVINCE_ABBREVIATIONS.get(doc_number[0])  # 苏质监〔2011〕5号 -> 江苏
    warnings = [*notes, *_warnings(title, year, theme, activities, slogans, from_body, form)]
    return Notice(
        year=year,
        scope=scope,
        region=region,
        doc_number=doc_number,
        issuers=issuers,
        date=date,
        theme=theme,
        activities=tuple(activities),
        slogans=tuple(slogans),
        title=title,
        guiding_idea=guiding_idea,
        warnings=tuple(warnings),
        form=form,
        confidence=_confidence(form, year, scope, theme, slogans, notes),
    )


# ---------------------------------------------------------------------------------------------
# Forms other than the formal notice (not with --strict)
# ---------------------------------------------------------------------------------------------

FORM_NAMES = {
    "notice": "活动通知",
    "plan": "活动方案",
    "news": "新闻报道",
    "launch": "启动仪式新闻稿",
    "slogan-list": "口号（标语）列表",
    "slogan-call": "口号征集通知",
}
_CALL = re.compile(r"征集.{0,24}(?:口号|标语)|(?:口号|标语).{0,6}征集")
_LAUNCH = re.compile(r"启动(?:仪式|大会|会)|正式启动|拉开(?:了)?(?:序幕|帷幕)|活动在[^。，将]{1,12}启动[。，]")
_PUBLISHED = re.compile(r"(?:发布时间|发布日期|发表时间|时间|日期)\s*[：:]\s*((?:19|20)\d{2})\s*[-/.年]")
_DATELINE_YEAR = re.compile(r"((?:19|20)\d{2})年\d{1,2}月\d{1,2}日")


def _form(title: str | None, lines: list[str]) -> str:
    """Which kind of text this is, from its title or its first lines."""
    head = "".join(lines[:5])
    if title is not None:
        if _CALL.search(title):
            return "slogan-call"
        return "notice" if _is_title(title) else "plan"
    if _CALL.search(head):
        return "slogan-call"
    if any(_is_slogan_heading(ln) and ("质量月" in ln or _YEAR_IN.search(ln)) for ln in lines[:3]):
        return "slogan-list"
    return "launch" if any(_LAUNCH.search(ln) for ln in lines[:8]) else "news"


def _loose_theme(lines: list[str]) -> str | None:
    """“本次活动以“……”为主题”, “主题为“……””: in a report, anywhere, and the sentence need not name the 质量月."""
    for line in lines:
        if quoted := _THEME_SENTENCE.search(line) or _THEME_WITH.search(line):
            return canonical(quoted.group(1)) or None
    return None


def _passing_mention(raw: str, lines: list[str]) -> bool:
    """质量月 named once, inside a sentence further down: a text about something else."""
    if raw.count("质量月") >= 2 or any("质量月" in ln for ln in lines[:2]):
        return False
    line = next((ln for ln in lines if "质量月" in ln), "")
    return len(line) > 30 and bool(re.search(r"[，。；]", line))


def _published_year(raw: str) -> int | None:
    """A report that says only “今年”: the year of its 发布时间 or of a dateline."""
    match = _PUBLISHED.search(raw) or _DATELINE_YEAR.search(raw)
    return int(match.group(1)) if match else None


def _finish_slogans(form: str, slogans: list[NoticeSlogan], lines: list[str]) -> tuple[list[NoticeSlogan], list[str]]:
    """Slogans for what the text is: none for a call, run-on ones for a report, a cut-off last one dropped."""
    if form == "slogan-call":
        note = "这是口号征集通知：它征集口号，本身没有列出活动口号，所以不读入任何口号（年份、范围和主题照常读出）。"
        return [], [note]
    if len(slogans) < 2:  # none, or a stray line under a heading: a report may list them in a sentence
        items, cut = sentence_slogans(lines)
        found = [NoticeSlogan(text=text, original=printed if printed != text else None) for printed, text in items]
        if len(found) > len(slogans):
            return found, ([_cut_note(cut)] if cut else [])
    if not slogans:
        return [], []
    last = slogans[-1]
    printed = last.original or last.text
    index = next((k for k in range(len(lines) - 1, -1, -1) if printed in lines[k] or last.text in lines[k]), None)
    if index is None:
        return slogans, []
    following = lines[index + 1 :]
    others = [s.text for s in slogans[:-1]]
    if is_cut_line(lines[index], following) or (not following and half_phrase(last.text, others)):
        return slogans[:-1], [_cut_note(printed)]
    return slogans, []


def _cut_note(text: str) -> str:
    return f"原文到这里就中断了（网页或文件不完整），最后一条口号“{text}”不完整，已舍去；请找到全文核对。"


_YEAR_OR_QUOTE_TAIL = re.compile(r"(?:(?:19|20)\d{2}年|今年|本年度|[“\"”]|开展|举办|组织|启动|部署)+$")
_BODY_PLACE = re.compile(
    r"([\u4e00-\u9fff]{2,10}?(?:省|自治区|市|州|盟|县|旗|区))"
    r"(?:质监局|质量技术监督局|市场监管局|市场监督管理局|市场监管委|人民政府|政府|经信委|总工会|融媒体中心)"
)
_PLACE_CUT = re.compile(r"[，。、；：！？\s“”\"（）()《》年月日在于及与和的是为将由从经据讯向对]")


def _month_place(lines: list[str], scope: str | None, region: str | None) -> tuple[str | None, str | None]:
    """Scope and region from the words just before a “质量月”: 江苏省“质量月”, 全国质量月, 南京市2019年质量月."""
    for line in lines:
        for match in re.finditer(r"质量月", line):
            before = _YEAR_OR_QUOTE_TAIL.sub("", line[max(0, match.start() - 24) : match.start()])
            words = _PLACE_CUT.split(before)[-1][-12:]
            if not words:
                continue
            if len(words) >= 2 and words[-2] == "全" and words[-1] in _SCOPE_WORDS:
                scope = scope or _SCOPE_WORDS[words[-1]]  # 全县: the level; the place comes from elsewhere
                continue
            for start in range(len(words) - 1):
                place = _unit_place(words[start:])
                if place[0] and (scope is None or place[0] == scope):
                    return place if place[0] != "national" else ("national", None)
    for line in lines:  # 记者从青岛市质监局获悉: the bodies a report names
        for match in _BODY_PLACE.finditer(line):
            words = _PLACE_CUT.split(match.group(1))[-1]
            for start in range(len(words) - 1):
                place = _unit_place(words[start:])
                if place[0] and place[1] and (scope is None or place[0] == scope):
                    return place
    return scope, region


def _confidence(form: str, year, scope, theme, slogans, notes: list[str]) -> float:
    """1 for a complete formal notice; less for other forms and for each field that was not found."""
    base = {"notice": 1.0, "plan": 0.9, "slogan-list": 0.85, "slogan-call": 0.85, "launch": 0.75, "news": 0.75}[form]
    missing = sum(x is None for x in (year, scope, theme)) + (not slogans and form != "slogan-call")
    return round(max(0.1, base - 0.15 * missing - 0.1 * bool(notes)), 2)


def _contents(body: list[str]) -> tuple[str | None, list[Activity], str | None]:
    """(theme, activities, guiding idea) from the numbered outline of some body text."""
    root = _outline(body)
    activities = [a for section in _activity_sections(root) for a in _activities(section)]
    return _theme(root, body), activities, _guiding_idea(root)


_PLAN_TITLE = re.compile(r"质量月.*(?:方案|安排|计划|要点|实施意见)[”》」]?$")
_PLAN_END = re.compile(r"^(?:抄送|印发)")


def _attached_plan(lines: list[str], start: int) -> list[str]:
    """The text of an attached 活动方案 after the 落款: from its title line to the next 附件 or 抄送.

    The 附件 mention (“附件：1.2023年全市“质量月”活动方案”, “2.…”) names the plan too; with no
    落款 between, it comes first. So a title on a line of its own is preferred; failing that,
    one on the attachment's own header line (“附件1：2023年全市“质量月”活动方案”).
    """
    candidates = [i for i in range(start, len(lines)) if _is_plan_title(lines[i])]
    own_line = [i for i in candidates if not (_ATTACH.match(lines[i]) or _ATTACHMENT_ITEM.match(lines[i]))]
    for i in (own_line or candidates)[:1]:
        ends = (j for j in range(i + 1, len(lines)) if _ATTACH.match(lines[j]) or _PLAN_END.match(lines[j]))
        return lines[i + 1 : next(ends, len(lines))]
    return []


def _parse_iso(text: str) -> str | None:
    match = re.match(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$", text)
    if not match:
        return None
    try:
        return _dt.date(*map(int, match.groups())).isoformat()
    except ValueError:
        return None


def _doc_number(lines: list[str], title_span: tuple[int, int] | None, after_title: int) -> str | None:
    """The notice's own 文号: a line on its own just above or below the title."""
    if title_span is None:
        return None
    window = list(range(after_title, min(len(lines), after_title + 4)))
    window += list(range(max(0, title_span[0] - 4), title_span[0]))
    for i in window:
        match = _DOC_NUMBER.match(lines[i])
        if match:
            return re.sub(r"\s+", "", match.group(1))
    return None


def _year(title: str | None, body: list[str], date: str | None, doc_number: str | None) -> int | None:
    """From the title; else “决定于2010年9月…开展”-style body text; else the date or the 文号."""
    sources = [title] if title else []
    sources += [ln for ln in body if "质量月" in ln][:5]
    for text in sources:
        for match in _YEAR_IN.finditer(text):
            year = _cn_year(match.group(1))
            if year and 1978 <= year <= 2100:
                return year
    if date:
        return int(date[:4])
    if doc_number and (match := re.search(r"(?:19|20)\d{2}", doc_number)):
        return int(match.group(0))
    return None


_HELD_IN = re.compile(r"全([国省市州盟县旗区])(?:范围内)?(?:联合|组织|统一|广泛|深入|集中)*开展")  # 在全市组织开展


def _scope_region(
    title: str | None, issuers: tuple[str, ...], lines: list[str], body: list[str]
) -> tuple[str | None, str | None]:
    """Scope from the title's 全国/全省/全市…, else from who issued it, else from the body text."""
    units = list(issuers)
    prefix = title.split("关于", 1)[0] if title and "关于" in title else ""
    if prefix:
        units.append(prefix)
    places = [p for p in (_unit_place(u) for u in units) if p[0]]

    scope = None
    if title and "转发" not in title and (match := re.search(r"全([国省市州盟县旗区])", title)):
        scope = _scope_word(match.group(1), [*units, title])
    if scope is None and places:
        scope = Counter(s for s, _ in places).most_common(1)[0][0]
    if scope is None:
        words = Counter(
            m.group(1) for ln in body for m in _HELD_IN.finditer(ln)
        )
        if words:
            scope = _scope_word(words.most_common(1)[0][0], units + body[:3])
    if scope in (None, "national"):
        return scope, None

    region = next((r for s, r in places if s == scope and r), None) or next((r for _, r in places if r), None)
    if region is None and scope == "provincial":
        region = _most_named_province(lines)
    return scope, region


def _most_named_province(lines: list[str]) -> str | None:
    whole = "\n".join(lines)
    counts = Counter({p: whole.count(p) for p in PROVINCES})
    best, count = counts.most_common(1)[0]
    return best if count else None


_META_SOURCE = re.compile(r"(?:来源|信息来源|文章来源|发布机构|发文机关)\s*[：:]\s*([\u4e00-\u9fff（）()]{4,30})")


_ACCOUNT = re.compile(
    r"(?:^|[\s|｜丨])([\u4e00-\u9fff]{2,4}?)(?:市场监管|质监|质量技术监督)(?=[\s|｜丨]|$)", re.MULTILINE
)  # a WeChat account named after its place: “绍兴市场监管”


def _source_region(raw: str, scope: str) -> str | None:
    """The region of the body a web page names as its 来源 / 发布机构, when of the same level; else
    the place a WeChat account is named after (“绍兴市场监管”), when the text names that place again."""
    for match in _META_SOURCE.finditer(raw):
        place_scope, place = _unit_place(match.group(1))
        if place_scope == scope and place:
            return place
    suffix = {"provincial": "省", "municipal": "市", "county": "县"}.get(scope, "")
    for match in _ACCOUNT.finditer(raw[:2000]):  # the account's name heads the post
        name = match.group(1)
        place_scope, place = _unit_place(name if scope == "provincial" else name + suffix)
        elsewhere = raw.replace(match.group(0).strip(" \t\n|｜丨"), "")
        if place_scope == scope and place == name and name in elsewhere:
            return place
    return None


def _scope_word(word: str, context: list[str]) -> str | None:
    if word != "区":
        return _SCOPE_WORDS[word]
    # 全区: an autonomous region (provincial) or a city district (county level).
    joined = "".join(context)
    return "provincial" if any(a in joined for a in _AUTONOMOUS_REGIONS) else "county"


def _warnings(title, year, theme, activities, slogans, issuers_from_body, form="notice") -> list[str]:
    out = []
    bodies, words = issuers_from_body
    if bodies:
        out.append(f"通知没有落款，发文单位取自{words}：{'、'.join(bodies)}。请核对。")
    if title is None and form in ("notice", "plan"):
        out.append("没有找到通知标题（形如“关于开展XXXX年全X‘质量月’活动的通知”）。")
    elif title is None:
        out.append(f"这不是正式通知，而是{FORM_NAMES[form]}：没有文号、落款和活动条目，口号和主题取自正文，请核对。")
    elif _is_plan_title(title) and not _is_title(title) and not bodies:
        out.append(f"这是活动方案“{title}”，没有通知的文号、落款和日期：请核对或在口号库文件中补上。")
    if year is None:
        out.append("没有找到活动年份。")
    if theme is None:
        out.append("没有找到活动主题（“活动主题”标题下的文字）。")
    if not activities and form in ("notice", "plan"):  # other forms have none; their own warning says so
        out.append("没有找到活动条目（如“三、活动内容”下的编号条目）。")
    if not slogans and form != "slogan-call":
        out.append("没有找到宣传口号列表（标题含“宣传口号”或“宣传标语”的附件），口号为空。")
    counts = Counter(s.text for s in slogans)
    out.extend(f"口号在列表中出现了 {n} 次：{text}" for text, n in counts.items() if n > 1)
    return out
