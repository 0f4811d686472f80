"""The canonical form of a slogan, phrase splitting, and the character classes layout needs.

Canonical rule (规范形式) — what `canonical()` guarantees, applied to a printed slogan:

1. Invisible and odd spaces are normalised: control and format characters (zero-width
   spaces, BOMs, bidi marks such as U+202E; see invisible_marks) are removed; tabs,
   newlines, no-break spaces (U+00A0, U+202F), U+3000 and the other Unicode spaces count as
   ordinary whitespace. Full-width ASCII letters and digits (ＱＣ, １２３６５) become half-width.
2. Trimmed: no whitespace or phrase commas at either end.
3. Phrase separators become one full-width comma "，": a run made of whitespace and/or
   commas (ASCII ",", full-width "，", small "﹐") is one separator. A run of whitespace
   only counts as a separator when a Chinese character (or CJK quote/bracket) is on one
   side of it; between Latin letters/digits it stays one ASCII space ("ISO 9001"), and a
   single ASCII space between Latin/digits and Han is mere spacing and is dropped
   ("ISO 9001 认证" -> "ISO 9001认证"; but "拨打12365  维护权益" has two: a separator).
   Whitespace next to other Chinese punctuation (。、；：！？…) is simply dropped.
   An ASCII comma between two digits ("1,000") is kept as a digit grouping comma.
4. Chinese punctuation is full-width: ASCII ; : ! ? and ( ) next to Chinese text become
   ；：！？（）, a "." right after a Chinese character becomes "。", straight double quotes
   around Chinese text become “ ”, half-width ideographic ｡ ､ become 。、.
5. A phrase comma touching another stop mark (。、；：！？) is dropped ("好！，" -> "好！").
6. No trailing "。" — nor trailing "，" "；" "、" (list punctuation, not part of the slogan);
   "！" and "？" are kept: they are part of how a slogan reads.

The function is idempotent: canonical(canonical(s)) == canonical(s) (it iterates its
single pass to a fixed point, and the tests check the property with hypothesis).
"""

from __future__ import annotations

import re

PHRASE_COMMA = "，"

# Characters removed outright: control characters that are not whitespace (Unicode Cc) and
# format characters (Cf): zero-width space/joiners, word joiner, BOM, soft hyphen, and the
# bidi marks and overrides (U+200E/F, U+202A–202E, U+2066–2069, U+061C) that make a slogan
# display unlike its characters. The Cf list is Unicode 15's.
_INVISIBLE_RE = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891"
    "\u08e2\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f]"
)

# Full-width ASCII letters and digits -> half-width (the punctuation in that block is kept).
_FULLWIDTH_ALNUM = {
    **{0xFF10 + i: 0x30 + i for i in range(10)},
    **{0xFF21 + i: 0x41 + i for i in range(26)},
    **{0xFF41 + i: 0x61 + i for i in range(26)},
}

# Half-width / small-form variants of Chinese punctuation.
_VARIANTS = str.maketrans(
    {"｡": "。", "､": "、", "﹐": "，", "﹑": "、", "﹔": "；", "﹕": "：", "﹖": "？", "﹗": "！"}
)

_ASCII_TO_FULL = str.maketrans({";": "；", ":": "：", "!": "！", "?": "？", "(": "（", ")": "）"})

# Stop punctuation: whitespace next to these is dropped, a phrase comma next to these is dropped.
STOP_PUNCT = frozenset("。，、；：！？")

# W3C clreq (basic level): characters that must not start / end a line.
NOT_AT_LINE_START = frozenset("、，。．；：！？”’」』）》〉】〕〗］｝～·…—%％‰")
NOT_AT_LINE_END = frozenset("“‘「『（《〈【〔〖［｛")


def is_han(ch: str) -> bool:
    """True for a Chinese character (CJK unified ideographs, extensions, compatibility)."""
    cp = ord(ch)
    return (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0x20000 <= cp <= 0x3134F
        or 0xF900 <= cp <= 0xFAFF
        or cp == 0x3007  # 〇
    )


def is_cjk_punct(ch: str) -> bool:
    """True for full-width Chinese punctuation, quotes and brackets (not letters or digits)."""
    cp = ord(ch)
    if 0x3000 < cp <= 0x303F and cp != 0x3007:
        return True
    if ch in "“”‘’…—·～":
        return True
    if 0xFF01 <= cp <= 0xFF0F or 0xFF1A <= cp <= 0xFF20 or 0xFF3B <= cp <= 0xFF40 or 0xFF5B <= cp <= 0xFF65:
        return True
    return 0xFE10 <= cp <= 0xFE1F or 0xFE30 <= cp <= 0xFE4F


def is_cjk(ch: str) -> bool:
    """True for anything set on the ideographic grid: Han, kana, CJK punctuation."""
    cp = ord(ch)
    return is_han(ch) or is_cjk_punct(ch) or 0x3040 <= cp <= 0x30FF


def is_latin_or_digit(ch: str) -> bool:
    """True for ASCII letters and digits (the runs that must not be split or rotated)."""
    return ch.isascii() and ch.isalnum()


def is_space(ch: str) -> bool:
    """True for any whitespace, including U+3000 and no-break spaces."""
    return ch.isspace() or ch in "\u00a0\u202f\u2007"


def _word_like(ch: str) -> bool:
    """A neighbour that makes a whitespace run a phrase separator (Han, quotes, brackets)."""
    return is_cjk(ch) and ch not in STOP_PUNCT and ch not in "…—"


_SEP_RUN = re.compile(r"[\s\u00a0\u202f\u2007,，]+")
_ASCII_PUNCT_RUN = re.compile(r"[;:!?]+")
_PAREN_PAIR = re.compile(r"\(([^()]*)\)")
_QUOTE_PAIR = re.compile(r'"([^"]*)"')
# Their neighbours are looked at in Python (_han_stop, _comma): a lookaround over a class of Han
# characters or Chinese punctuation costs `re` 0.1–0.6 ms to compile, in every process that reads
# the catalogue.
_STOP = re.compile(r"\.(?![0-9A-Za-z])")
_COMMA = re.compile("，")
_CLOSING_STOPS = frozenset("。、；：！？")


def _separator(match: re.Match[str], text: str) -> str:
    run = match.group(0)
    before = text[match.start() - 1] if match.start() > 0 else ""
    after = text[match.end()] if match.end() < len(text) else ""
    if not before or not after:
        return ""  # trimmed
    if run == "," and before.isdigit() and after.isdigit():
        return ","  # 1,000
    if before in STOP_PUNCT or after in STOP_PUNCT:
        return ""
    if "," in run or PHRASE_COMMA in run:
        return PHRASE_COMMA
    latin_han = (is_latin_or_digit(before) and is_han(after)) or (is_han(before) and is_latin_or_digit(after))
    if run == " " and latin_han:
        return ""  # "ISO 9001 认证": one space between Latin and Han is spacing, not a phrase break
    if _word_like(before) or _word_like(after):
        return PHRASE_COMMA
    if before in "…—" or after in "…—":
        return ""
    return " "


def _has_han(text: str) -> bool:
    return any(is_han(c) for c in text)


def _ascii_punct(match: re.Match[str], text: str) -> str:
    before = text[match.start() - 1] if match.start() > 0 else ""
    after = text[match.end()] if match.end() < len(text) else ""
    if (before and is_cjk(before)) or (after and is_cjk(after)):
        return match.group(0).translate(_ASCII_TO_FULL)
    return match.group(0)


def _han_stop(match: re.Match[str], text: str) -> str:
    """A "." right after a Han character (U+3400–U+9FFF) is a full stop "。"."""
    start = match.start()
    return "。" if start and "\u3400" <= text[start - 1] <= "\u9fff" else "."


def _comma(match: re.Match[str], text: str) -> str:
    """A phrase comma next to a stop (before or after it) is dropped."""
    start, end = match.start(), match.end()
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    return "" if before in _CLOSING_STOPS or after in _CLOSING_STOPS else "，"


def _one_pass(text: str) -> str:
    text = _INVISIBLE_RE.sub("", text).translate(_FULLWIDTH_ALNUM).translate(_VARIANTS)
    text = _PAREN_PAIR.sub(lambda m: f"（{m.group(1)}）" if _has_han(m.group(1)) else m.group(0), text)
    text = _QUOTE_PAIR.sub(lambda m: f"“{m.group(1)}”" if _has_han(m.group(1)) else m.group(0), text)
    text = _ASCII_PUNCT_RUN.sub(lambda m: _ascii_punct(m, text), text)
    text = _STOP.sub(lambda m: _han_stop(m, text), text)
    text = _SEP_RUN.sub(lambda m: _separator(m, text), text)
    text = _COMMA.sub(lambda m: _comma(m, text), text)
    return re.sub(r"[。，；、]+$", "", text).strip()


def canonical(text: str) -> str:
    """Return the canonical form of a slogan (see the module docstring for the rule).

    Catalogue IDs and deduplication are computed from this form, so two printings of the
    same slogan that differ only in spacing or punctuation width compare equal.
    """
    for _ in range(8):
        new = _one_pass(text)
        if new == text:
            return new
        text = new
    return text


def invisible_marks(text: str) -> list[str]:
    """The invisible characters canonical() removes from `text`, as "U+202E", in order of first use.

    Whoever imports a slogan is told: such a mark is usually pasted by accident, and it can make
    two slogans that look the same differ.
    """
    return list(dict.fromkeys(f"U+{ord(ch):04X}" for ch in _INVISIBLE_RE.findall(text)))


def split_phrases(text: str) -> list[str]:
    """Split a slogan into its phrases at the phrase comma "，" (after canonicalising).

    Line breaking prefers these boundaries; the commas themselves are not returned.
    """
    return [p for p in canonical(text).split(PHRASE_COMMA) if p]
