"""What a text that is not a formal notice says about the 质量月: web-copy noise, slogans run on
in one sentence (news reports), pages cut off mid-way.

These helpers look at sentences, not at the numbered outline notice.py reads; they only run
when the parser is not `--strict`.
"""

from __future__ import annotations

import html
import re

from qmposter.text import canonical, is_han

# A pinyin reading a mirror site printed after a character: 建设(shè), 质量（zhì liàng）.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
_PINYIN = re.compile(rf"(?<=[\u4e00-\u9fff])\s?[(（]\s*(?=[a-z{_TONED}]*[{_TONED}])[a-z{_TONED}]{{1,7}}"
                     rf"(?:\s+[a-z{_TONED}]{{1,7}}){{0,3}}\s*[)）]")  # fmt: skip
_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{2,6}|#x[0-9a-fA-F]{2,5});")


# Emoji and pictographs (not the ❶/➀ dingbat numbers, not ★☆ which are ordinary bullets): WeChat decoration.
_EMOJI = "\U0001f000-\U0001faff\u2600-\u2604\u2607-\u2775\u2794-\u27bf\u2b00-\u2bff\ufe0f\u200d"
_LEADING_EMOJI = re.compile(rf"^([ \t\u3000]*)[{_EMOJI}]+[ \t\u3000]*(?=\S)", re.MULTILINE)
_POINTING_DOWN = re.compile(r"[\U0001f447\u2b07]\ufe0f?")
_ANY_EMOJI = re.compile(rf"[{_EMOJI}]+")


def denoise(text: str) -> str:
    """Undo what mirrors and copy-paste add: HTML entities left as text, pinyin readings in brackets,
    WeChat emoji (one before a line is its bullet, 👇 points to a list like ↓, the others are decoration)."""
    if "&" in text and _ENTITY.search(text):
        text = _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)
    if "(" in text or "（" in text:
        text = _PINYIN.sub("", text)
    if _ANY_EMOJI.search(text):
        text = _LEADING_EMOJI.sub(r"\1• ", text)
        text = _ANY_EMOJI.sub("", _POINTING_DOWN.sub("↓", text))
    return text


# “今年质量月活动的宣传口号包括：A；B；C。” / “宣传标语有“A”、“B”” / “口号为：”
_SLOGAN_SENTENCE = re.compile(
    r"(?:宣传|活动)?(?:口号|标语)[，,]?(?:主要)?(?:包括|有|为|是|如下|分别为|分别是)\s*[：:]?|(?:宣传|活动)(?:口号|标语)\s*[：:]"
    r"|(?:口号|标语)[^。；！？]{0,10}?\s*(?:[：:]|[↓⬇👇]+)\s*$"  # “一起来看今年的宣传标语 ↓↓↓”, “…标语，快来收藏吧↓”
)
_HUNG = re.compile(
    r"(?:悬挂|张贴|打出|喷绘|展示|发布|印制|刷写|滚动播放)(?:了)?(?:着)?"
    r"(?P<items>(?:[“「][^“”「」]{2,40}[”」][、，,\s和及]*){2,})等?(?:一批|多条|系列)?(?:宣传)?(?:标语|口号|横幅)"
)
_QUOTED_ITEM = re.compile(r"[“「『\"]([^“”「」『』\"]{2,40})[”」』\"]")
_OPEN_QUOTE = re.compile(r"[“「『]([^“”「」『』]*)$")
_TRUNCATED = re.compile(
    r"(?:……|\.\.\.|…)\s*$|^(?:（未完[^）]*）|\(未完[^)]*\)|展开全文|阅读全文|查看全文|点击(?:查看|加载)更多)"
)
MIN_SLOGAN, MAX_SLOGAN = 4, 30


_BRACKET_OR_STOP = re.compile(r"[“「『《（(”」』》）)。！]")


def _sentence_end(text: str) -> int | None:
    """Index of the first 。！ outside quotes, or None when the sentence runs to the end."""
    depth = 0
    for match in _BRACKET_OR_STOP.finditer(text):  # only these characters matter: scanned in C
        ch = match.group(0)
        if ch in "“「『《（(":
            depth += 1
        elif ch in "”」』》）)":
            depth = max(0, depth - 1)
        elif depth == 0:
            return match.start()
    return None


def _is_slogan(part: str, canonical_of: dict[str, str] | None = None) -> bool:
    """Slogan-sized: 4–30 characters, mostly Han. `canonical_of` keeps the forms computed on the way."""
    text = canonical(part)
    if canonical_of is not None:
        canonical_of[part] = text
    return MIN_SLOGAN <= len(text) <= MAX_SLOGAN and sum(1 for c in text if is_han(c)) >= MIN_SLOGAN - 1


def _split_items(body: str) -> list[str]:
    """The items of a run-on list: quoted, or separated by ；; 、 or wide spaces."""
    quoted = _QUOTED_ITEM.findall(body)
    if len(quoted) >= 2 and len("".join(quoted)) * 2 >= len(re.sub(r"[\s“”「」『』\"、，；;,]", "", body)):
        tail = _OPEN_QUOTE.search(body)
        return [*quoted, *([f"“{tail.group(1)}"] if tail and tail.group(1) else [])]
    for separator in (r"[；;]", r"、", r"\s{2,}|\u3000+|\s(?=[\u4e00-\u9fff])"):
        parts = [p.strip(" “”「」『』\"") for p in re.split(separator, body)]
        parts = [p for p in parts if p]
        if len(parts) >= 2:
            return parts
    return [body.strip(" “”「」『』\"")] if body.strip() else []


def sentence_slogans(lines: list[str]) -> tuple[list[tuple[str, str]], str | None]:
    """((printed, canonical) slogans, the one dropped as cut off) from the sentence of a report that lists them.

    The sentence with the most slogan-sized items wins; a list that runs into the end of the text
    without its closing 。 (a page cut short) loses its last item, which may be half a slogan.
    """
    best: list[str] = []
    best_cut: str | None = None
    canonical_of: dict[str, str] = {}
    for line in lines:  # “现场悬挂“A”、“B”等宣传标语”: the slogans come before the word
        for match in _HUNG.finditer(line):
            items = _QUOTED_ITEM.findall(match.group("items"))
            if len(items) > len(best) and all(_is_slogan(i) for i in items):
                best = items
                best_cut = None
    for index, line in enumerate(lines):
        for match in _SLOGAN_SENTENCE.finditer(line):
            rest = line[match.end() :]
            if "征集" in line[max(0, match.start() - 12) : match.start()]:
                continue  # “征集宣传口号” is a call, not a list
            end = _sentence_end(rest)
            at_text_end = index == len(lines) - 1 or all(_TRUNCATED.search(x) for x in lines[index + 1 :])
            if not rest.strip():
                items, ended = _following_items(lines, index + 1), True
            else:
                items = _split_items(rest if end is None else rest[:end])
                ended = end is not None or not at_text_end
            cut = None
            if items and (not ended or _TRUNCATED.search(rest) or items[-1].startswith("“")):
                cut = items.pop()
            items = [i for i in (re.sub(r"(?:……|…|\.\.\.)$", "", x).strip() for x in items) if i]
            if len(items) >= 2 and len(items) > len(best) and all(_is_slogan(i, canonical_of) for i in items):
                best, best_cut = items, cut
    return [(item, canonical_of.get(item) or canonical(item)) for item in best], best_cut


_ITEM_MARK = re.compile(r"^(?:\d{1,2}\s*[、.．]|\d{1,2}\s+(?=[^\x00-\x7f])|[（(]\d{1,2}[）)]|[①-⑳]|[-—•·●★])\s*")


def _following_items(lines: list[str], start: int) -> list[str]:
    """“宣传口号如下：” then one slogan per line, up to the first line that is not one."""
    items: list[str] = []
    numbered = False
    for k, line in enumerate(lines[start:]):
        text, marks = _ITEM_MARK.subn("", line)
        text = text.strip(" “”「」『』\"")
        numbered = numbered or (k == 0 and marks > 0)
        if (numbered and not marks) or not _is_slogan(text.rstrip("。；;")):
            break  # the list ends at its first unnumbered line (“长按识别二维码关注我们”)
        items.append(text.rstrip("；;"))
    return items


def is_cut_line(line: str, following: list[str]) -> bool:
    """Is this last list line cut off: it stops at a comma or open quote, or the page says it is truncated."""
    if any(not _TRUNCATED.search(x) for x in following):
        return False
    stripped = line.rstrip()
    return (
        bool(following)
        or stripped.endswith(("，", ",", "、", "：", "“"))
        or _OPEN_QUOTE.search(stripped) is not None
        or _TRUNCATED.search(stripped) is not None
    )


def half_phrase(slogan: str, others: list[str]) -> bool:
    """A last slogan whose last phrase is a stub (“建设质量强国，共”) among slogans whose phrases are whole."""
    phrases = slogan.split("，")
    if len(phrases) < 2 or len(phrases[-1]) > 2 or len(phrases[0]) < 4:
        return False
    return all(min(len(p) for p in o.split("，")) >= 3 for o in others) and len(others) >= 2
