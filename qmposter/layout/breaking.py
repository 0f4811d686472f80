"""Chinese line breaking for slogans: where a line may end, and how good each place is.

The rules follow W3C "Requirements for Chinese Text Layout" (clreq), basic level
(基本处理, §"Prohibition Rules for Line Start and Line End"):

- pause/stop marks, closing quotes/brackets/book-title marks, connector marks,
  interpuncts and solidi never begin a line (`NO_START`);
- opening quotes/brackets/book-title marks never end a line (`NO_END`);
- a two-em dash ——/⸺ and an ellipsis …… are one unit (§"Unbreakable Marks");
- a run of Latin letters/digits (2010, QC, 12365, a URL) is one word.

On top of the rules, every break opportunity gets a *kind* that says how natural it is
for a slogan: after a phrase (，。；！？ or a run of spaces between Chinese words) is
best; inside a phrase, between two dictionary words is good, inside a word is bad
(the words come from jieba, see `word_breaks`); between a number and its Han neighbour
is poor, and inside a URL is a last resort. Choosing among the opportunities needs
widths and a box, which is `fit.py`'s job; this module is pure text.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from qmposter.layout.word_cache import WordCache

# --- character classes (clreq basic level, plus their ASCII/half-width twins) --------

PAUSE_MARKS = "、，。．：；！？,.:;!?"
CLOSING_QUOTES = "”’」』"
CLOSING_BRACKETS = "）］｝〕】〗〙〛》〉)]}"
CONNECTORS = "～〜–－‐"
INTERPUNCTS = "·・‧•"
SOLIDI = "/／"
UNIT_SUFFIXES = "%％‰℃°"
NO_START = frozenset(
    PAUSE_MARKS + CLOSING_QUOTES + CLOSING_BRACKETS + CONNECTORS + INTERPUNCTS + SOLIDI + UNIT_SUFFIXES
)

OPENING_QUOTES = "“‘「『"
OPENING_BRACKETS = "（［｛〔【〖〘〚《〈([{"
CURRENCY_PREFIXES = "￥¥$£€"
NO_END = frozenset(OPENING_QUOTES + OPENING_BRACKETS + CURRENCY_PREFIXES)

PHRASE_END = frozenset("，。；！？;!?")
"""Marks after which a slogan's phrase ends: the best places to break."""

PHRASE_COMMA = "，"
"""The comma posters hide at a line end (and may replace by a gap inside a line)."""

DASHES = frozenset("—―")
ELLIPSES = frozenset("…⋯")
TWO_EM_DASH = "⸺"

CJK_PUNCT = frozenset(
    "、，。．：；！？" + CLOSING_QUOTES + "）］｝〕】〗〙〛》〉" + OPENING_QUOTES + "（［｛〔【〖〘〚《〈"
    + "～〜－·・‧•／％￥" + "".join(DASHES) + "".join(ELLIPSES) + TWO_EM_DASH
)
"""Full-width (Chinese) punctuation: set in a 1-em cell, never part of a Latin word."""

# --- break kinds and their cost --------------------------------------------------------

FORCED = "forced"        # an explicit newline in the text
PHRASE = "phrase"        # after ，。；！？ or at a run of spaces between Chinese phrases
MINOR = "minor"          # after 、：or a closing bracket, before an opening one, between Latin words
WORD = "word"            # a sure word boundary inside a phrase: around 是 和 与 及 并 或, after 的
DICT = "dict"            # between two dictionary words (江苏省|质量技术监督局, 百年大计|质量第一)
PLAIN = "plain"          # Han next to a dash or ellipsis (他|——): no words to look up
SINGLE = "single"        # next to a one-character dictionary word (质量|月, 以|质量, 又|好): unsure
POOR = "poor"            # between a short Latin word/number and a Han neighbour (2010|年)
BOUND = "bound"          # before a bound particle (…企业|的…): a line should not start with 的
COMPOUND = "compound"    # inside a long dictionary word, at a seam between its parts (质量|技术监督局)
INSIDE = "inside"        # inside a dictionary word (质|量, 江苏|省): cuts the word
EMERGENCY = "emergency"  # inside a URL, after / or before a dot: only when nothing else fits

SHORT_WORD = 5
"""A Latin word or number this short (2010, QC, 12365) belongs with its Han neighbour:
breaking between them is POOR. A longer one (a URL, an English word), or one the text
sets off with a space, stands on its own and breaks like a phrase part (MINOR)."""

LAST_RESORT = math.log(1e6)
"""Cost of EMERGENCY: more than any size gain (no template's max_size/min_size comes near
10⁶) plus the worst imbalance, so a URL breaks only when no other layout fits at all."""

PENALTY: dict[str, float] = {
    FORCED: 0.0,
    PHRASE: 0.0,
    MINOR: math.log(1.15),
    WORD: math.log(1.25),
    DICT: math.log(1.8),
    PLAIN: math.log(1.8),
    SINGLE: math.log(2.2),
    POOR: math.log(2.5),
    BOUND: math.log(3.0),
    COMPOUND: math.log(5.0),
    INSIDE: math.log(8.0),
    EMERGENCY: LAST_RESORT,
}
"""Cost of breaking at each kind, in units of log(font size): a break between two
dictionary words (DICT) is taken only when it buys a font size 1.8 times the best
layout without it. `fit.py` adds these to its score.

DICT costs what any break between two Han characters cost before there was a
dictionary: the dictionary says *where* a phrase may break, not *whether* breaking a
phrase is worth it (创造高质量，奉献|高质量，享受高质量 must stay on one line). A break
inside a word must outweigh the size a balanced split gains plus the imbalance it
avoids: 江苏省|质量技术监督局 (3 + 7 characters) beats 江苏省质量|技术监督局 (5 + 5)
only because log 5 − log 1.8 > log(7/5) + 1.5·(1 − 3/7)². See docs/layout.md."""

WORD_BEFORE = frozenset("是和与及并或")
WORD_AFTER = frozenset("的是和与及并或")
"""Single-character words that are almost never part of a longer word in slogans: a
break before or after them (after 的) is a sure word boundary, WORD, cheaper than a
plain dictionary boundary. They count only where the dictionary cuts them off as
words of their own (not in 和谐, 是否, 目的)."""

EXTRA_WORDS = ("质量月",)
"""Words of the campaign's own domain that jieba's dictionary lacks (it cuts 质量|月,
so "了解质量 / 月活动" would be a cheap break); its adjacent words are joined into them."""

BOUND_PARTICLES = frozenset("的地得了着过们")
"""Particles bound to the word before them: a line starting with one reads badly."""

# --- what separates two segments when they stay on one line --------------------------

GAP_NONE = ""
GAP_SPACE = "space"   # a Latin word space: drawn as the font's space, dropped at a break
GAP_PHRASE = "phrase"  # spaces between Chinese phrases: an empty gap, dropped at a break


@dataclass(frozen=True)
class Segment:
    """A piece of text no line may break inside, and what follows it.

    `brk` is the kind of break opportunity after the segment ("" for the last one);
    `gap` is what separates it from the next segment when both stay on one line.
    """

    text: str
    brk: str = ""
    gap: str = GAP_NONE


@dataclass(frozen=True)
class _Atom:
    """A piece of text that is never broken inside (a Han character, a Latin word, a URL piece …)."""

    text: str
    kind: str  # "han" | "punct" | "latin" | "dash2" | "sep" | "space" | "newline"
    url_cont: bool = False  # a URL piece after the first one
    url: bool = False  # any piece of a URL


def char_class(ch: str) -> str:
    """Classify one character: "space", "newline", "punct", "han" or "latin"."""
    if ch == "\n":
        return "newline"
    if ch.isspace():
        return "space"
    if ch in CJK_PUNCT:
        return "punct"
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return "han"
    return "latin"


def is_cjk(ch: str) -> bool:
    """A character set in a 1-em cell: Han, kana, full-width forms, Chinese punctuation."""
    return char_class(ch) in ("han", "punct")


def _atoms(text: str) -> list[_Atom]:
    """Split text into atoms: single CJK characters, Latin words, 2-em marks, spaces."""
    atoms: list[_Atom] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        cls = char_class(ch)
        j = i + 1
        if cls in ("latin", "space", "newline"):
            same = ("latin",) if cls == "latin" else ("space", "newline")
            while j < n and char_class(text[j]) in same:
                j += 1
            run = text[i:j]
            if cls == "latin":
                atoms.extend(_word_atoms(run))
            else:
                atoms.append(_Atom(run, "newline" if "\n" in run else "space"))
        elif ch == TWO_EM_DASH:
            atoms.append(_Atom(ch, "dash2"))
        elif (ch in DASHES or ch in ELLIPSES) and j < n and text[j] == ch:
            j += 1
            atoms.append(_Atom(text[i:j], "dash2"))
        else:
            atoms.append(_Atom(ch, cls))
        i = j
    return _classify_spaces(atoms)


def _word_atoms(word: str) -> list[_Atom]:
    """A Latin word is one atom; a URL is several, breakable only as a last resort."""
    if not is_url(word):
        return [_Atom(word, "latin")]
    return [_Atom(piece, "latin", url_cont=k > 0, url=True) for k, piece in enumerate(url_pieces(word))]


def _classify_spaces(atoms: list[_Atom]) -> list[_Atom]:
    """Decide what each run of spaces means from its neighbours.

    Between two Latin words it is a word space; between two Chinese phrases (Han or a
    closing mark on the left, Han or an opening mark on the right) it separates
    phrases, as in the 2010 theme "抓质量水平提升  促发展方式转变"; anywhere else (next
    to a comma, between Han and Latin) it is dropped: the comma or the automatic
    Han–Latin gap already does its job. A run containing a newline forces a break.
    """
    out: list[_Atom] = []
    for k, atom in enumerate(atoms):
        if atom.kind != "space":
            out.append(atom)
            continue
        left = atoms[k - 1] if k > 0 else None
        right = atoms[k + 1] if k + 1 < len(atoms) else None
        if left is None or right is None:
            continue
        if left.kind == "latin" and right.kind == "latin":
            out.append(_Atom(" ", "space"))
        elif _ends_word(left) and _starts_word(right):
            out.append(_Atom(atom.text, "sep"))
    return out


def _ends_word(atom: _Atom) -> bool:
    return atom.kind == "han" or (atom.kind == "punct" and atom.text[-1] in CLOSING_QUOTES + CLOSING_BRACKETS)


def _starts_word(atom: _Atom) -> bool:
    return atom.kind == "han" or (atom.kind == "punct" and atom.text[0] in OPENING_QUOTES + OPENING_BRACKETS)


_URL_RE = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|www\.)|[a-z0-9]\.[a-z]{2,}(?:/|$)", re.IGNORECASE)


def is_url(word: str) -> bool:
    """A Latin word that looks like a URL or domain (www.samr.gov.cn, https://…)."""
    return bool(_URL_RE.search(word))


def url_pieces(word: str) -> list[str]:
    """Split a URL where it may break as a last resort: after "/", before ".".

    "https://www.samr.gov.cn/" → ["https://", "www", ".samr", ".gov", ".cn/"]. A dot
    starts the next piece so that no line ends with a dot that reads as a full stop.
    """
    pieces: list[str] = []
    cur = ""
    for k, ch in enumerate(word):
        nxt = word[k + 1] if k + 1 < len(word) else ""
        if ch == "." and cur[-1:].isalnum() and nxt.isalnum():
            pieces.append(cur)
            cur = ""
        cur += ch
        if ch == "/" and nxt.isalnum():
            pieces.append(cur)
            cur = ""
    if cur:
        pieces.append(cur)
    return pieces


def _break_kind(left: _Atom, right: _Atom, sep: _Atom | None, phrase_closed: bool,
                word_kind: str | None = None) -> str | None:
    """The kind of break allowed between two adjacent atoms, or None if forbidden.

    `phrase_closed` is true when `left` ends a phrase (。 or 。” …); `word_kind` is what
    the dictionary says about the place when both atoms are Han in one run (`word_breaks`).
    """
    if sep is not None and sep.kind == "newline":
        return FORCED
    if right.url_cont:
        return EMERGENCY
    last, first = left.text[-1], right.text[0]
    if first in NO_START or last in NO_END:
        return None
    if left.kind == "latin" and right.kind == "latin":
        return MINOR if sep is not None else None
    if phrase_closed or (sep is not None and sep.kind == "sep"):
        return PHRASE
    if last in "、：:" or last in CLOSING_QUOTES + CLOSING_BRACKETS or first in OPENING_QUOTES + OPENING_BRACKETS:
        return MINOR
    if "latin" in (left.kind, right.kind):
        word = left if left.kind == "latin" else right
        return POOR if sep is None and len(word.text) <= SHORT_WORD and not word.url else MINOR
    if word_kind is not None:
        return word_kind
    # Han next to a dash or an ellipsis: no words to look up, the one-character rules only
    if first in BOUND_PARTICLES:
        return BOUND
    if last in WORD_AFTER or first in WORD_BEFORE:
        return WORD
    return PLAIN


# --- dictionary words (jieba) ------------------------------------------------------------


_WORD_CACHE = WordCache(Path(__file__))


@functools.lru_cache(maxsize=4096)
def word_breaks(run: str) -> tuple[str, ...]:
    """Kind of the break before each of run[1:] (see _word_breaks), remembered on disk:
    a fresh process sets known text without loading jieba (layout/word_cache.py)."""
    kinds = _WORD_CACHE.get(run)
    if kinds is None:
        kinds = _word_breaks(run)
        _WORD_CACHE.put(run, kinds)
    return kinds


def _word_breaks(run: str) -> tuple[str, ...]:
    """Kind of the break before each of run[1:], for a run of Han characters.

    The run is cut into words by jieba (`rjieba`, its bundled dictionary plus HMM for
    unknown words). Between two words is DICT; WORD next to the sure one-character words
    (是 和 与 及 并 或, after 的); BOUND before a one-character bound particle; SINGLE next
    to any other one-character word (jieba leaves 质量|月 and 又|好|又|快 in single
    characters that usually belong to a larger unit). Inside a word is INSIDE, except at
    the seams of a long compound (`compound_seams`), which are COMPOUND.
    """
    words = _words(run)
    kinds: list[str] = []
    for k, word in enumerate(words):
        if k > 0:
            kinds.append(_between_words(words[k - 1], word))
        seams = compound_seams(word)
        kinds.extend(COMPOUND if p in seams else INSIDE for p in range(1, len(word)))
    return tuple(kinds)


def _words(run: str) -> list[str]:
    """jieba's words of `run`; one word per character if its cut does not add up."""
    import rjieba  # imported on first use: `qmposter --help` and text-free jobs never pay for it

    words = rjieba.cut(run)
    return _join_extra_words(words) if "".join(words) == run else list(run)


def _join_extra_words(words: list[str]) -> list[str]:
    """Join runs of adjacent words that spell one of EXTRA_WORDS (质量 + 月 → 质量月)."""
    out: list[str] = []
    k = 0
    while k < len(words):
        for extra in EXTRA_WORDS:
            j, text = k, ""
            while j < len(words) and len(text) < len(extra):
                text, j = text + words[j], j + 1
            if j - k > 1 and text == extra:
                out.append(text)
                k = j
                break
        else:
            out.append(words[k])
            k += 1
    return out


def _between_words(left: str, right: str) -> str:
    if right in BOUND_PARTICLES:
        return BOUND
    if right in WORD_BEFORE or left in WORD_AFTER:
        return WORD
    if len(left) == 1 or len(right) == 1:
        return SINGLE
    return DICT


@functools.lru_cache(maxsize=4096)
def compound_seams(word: str) -> frozenset[int]:
    """Places inside a long dictionary word where it splits into smaller words.

    jieba keeps compounds such as 江苏省人民政府 or 质量技术监督局 whole. A seam is a
    position shared by every tiling of the word into the fewest dictionary words of
    two or more characters (the word itself excluded): 江苏省|人民政府, 质量|技术|监督局.
    Where tilings disagree (中华人民|共和国 or 中华|人民共和国) there is no seam: better
    no hint than a wrong one.
    """
    n = len(word)
    if n < 4:
        return frozenset()
    import rjieba

    parts = [(a, b) for a in range(n) for b in range(a + 2, n + 1) if b - a < n and rjieba.has_word(word[a:b])]
    worst = n + 1
    head = [0] + [worst] * n  # head[i]: fewest parts tiling word[:i]
    for a, b in sorted(parts, key=lambda part: part[1]):
        head[b] = min(head[b], head[a] + 1)
    tail = [worst] * n + [0]  # tail[i]: fewest parts tiling word[i:]
    for a, b in sorted(parts, key=lambda part: -part[0]):
        tail[a] = min(tail[a], tail[b] + 1)
    if head[n] >= worst:
        return frozenset()
    used = [(a, b) for a, b in parts if head[a] + 1 + tail[b] == head[n]]
    return frozenset(p for p in range(1, n) if not any(a < p < b for a, b in used))


def _run_kinds(atoms: Sequence[_Atom]) -> dict[int, str]:
    """Dictionary kind of the break before atom i, for every atom that follows a Han
    atom in the same run of Han atoms (no space, punctuation or Latin between)."""
    kinds: dict[int, str] = {}
    start = 0
    while start < len(atoms):
        end = start
        while end < len(atoms) and atoms[end].kind == "han":
            end += 1
        if end - start > 1:
            run = "".join(atom.text for atom in atoms[start:end])
            kinds.update(zip(range(start + 1, end), word_breaks(run), strict=True))
        start = max(end, start + 1)
    return kinds


_GAP_OF_SEP = {"space": GAP_SPACE, "sep": GAP_PHRASE, "newline": GAP_NONE}


def segment(text: str) -> tuple[Segment, ...]:
    """Cut `text` into unbreakable segments with the break kind after each.

    Newlines force a break; other whitespace is interpreted by `_classify_spaces`.
    The segments' texts joined with their gaps give back the normalised text.
    """
    segments: list[Segment] = []
    cur = ""
    prev: _Atom | None = None
    sep: _Atom | None = None
    closed = False
    atoms = _atoms(text.strip())
    dictionary = _run_kinds(atoms)
    for index, atom in enumerate(atoms):
        if atom.kind in ("sep", "space", "newline"):
            sep = atom if sep is None or atom.kind == "newline" else sep
            continue
        kind = None if prev is None else _break_kind(prev, atom, sep, closed, dictionary.get(index))
        if prev is not None and kind is None:
            cur += (" " if sep is not None and sep.kind == "space" else "") + atom.text
        else:
            if prev is not None:
                segments.append(Segment(cur, kind or "", _GAP_OF_SEP[sep.kind] if sep is not None else GAP_NONE))
            cur = atom.text
        last = atom.text[-1]
        closed = last in PHRASE_END or (closed and last in CLOSING_QUOTES + CLOSING_BRACKETS)
        prev, sep = atom, None
    if prev is not None:
        segments.append(Segment(cur))
    return tuple(segments)


def line_texts(segments: Sequence[Segment], ends: Sequence[int]) -> list[str]:
    """Logical text of each line when lines end after the segments at indices `ends`.

    Word spaces inside a line become " ", phrase gaps become "\u3000"; nothing is
    hidden here (hiding a line-end comma is a drawing decision).
    """
    lines: list[str] = []
    start = 0
    for end in [*ends, len(segments) - 1]:
        parts: list[str] = []
        for k in range(start, end + 1):
            parts.append(segments[k].text)
            if k < end:
                parts.append({GAP_SPACE: " ", GAP_PHRASE: "\u3000"}.get(segments[k].gap, ""))
        lines.append("".join(parts))
        start = end + 1
    return lines


def forced_breaks(segments: Sequence[Segment]) -> tuple[int, ...]:
    """Indices of segments after which a newline forces a break."""
    return tuple(k for k, seg in enumerate(segments) if seg.brk == FORCED)
