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
best, inside a phrase is poor, between a number and its Han neighbour is worse, and
inside a URL is a last resort. Choosing among the opportunities needs widths and a
box, which is `fit.py`'s job; this module is pure text.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

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
WORD = "word"            # inside a phrase at a sure word boundary (around 是 和 与 …, after 的)
PLAIN = "plain"          # between two Han characters inside a phrase (maybe inside a word)
POOR = "poor"            # between a short Latin word/number and a Han neighbour (2010|年)
BOUND = "bound"          # before a bound particle (…企业|的…): a line should not start with 的
EMERGENCY = "emergency"  # inside a URL, after / or before a dot: only when nothing else fits

SHORT_WORD = 5
"""A Latin word or number this short (2010, QC, 12365) belongs with its Han neighbour:
breaking between them is POOR. A longer one (a URL, an English word), or one the text
sets off with a space, stands on its own and breaks like a phrase part (MINOR)."""

PENALTY: dict[str, float] = {
    FORCED: 0.0,
    PHRASE: 0.0,
    MINOR: math.log(1.15),
    WORD: math.log(1.25),
    PLAIN: math.log(1.8),
    POOR: math.log(2.5),
    BOUND: math.log(3.0),
    EMERGENCY: math.log(3.0),
}
"""Cost of breaking at each kind, in units of log(font size): a break that may cut a
word (PLAIN) is taken only when it buys a font size 1.8 times the best layout
without it. `fit.py` adds these to its score."""

WORD_BEFORE = frozenset("是和与及并或")
WORD_AFTER = frozenset("的是和与及并或")
"""Single-character words that are almost never part of a longer word in slogans:
a break before or after them (after 的) falls on a word boundary. Without a
dictionary this is the only word knowledge the breaker has; see docs/layout.md."""

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
    text: str
    kind: str  # "han" | "punct" | "latin" | "dash2" | "sep" | "space" | "newline"
    url_cont: bool = False  # a URL piece after the first one


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
    return [_Atom(piece, "latin", url_cont=k > 0) for k, piece in enumerate(url_pieces(word))]


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


def _break_kind(left: _Atom, right: _Atom, sep: _Atom | None, phrase_closed: bool) -> str | None:
    """The kind of break allowed between two adjacent atoms, or None if forbidden.

    `phrase_closed` is true when `left` ends a phrase (。 or 。” …).
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
        word = left.text if left.kind == "latin" else right.text
        return POOR if sep is None and len(word) <= SHORT_WORD else MINOR
    if first in BOUND_PARTICLES:
        return BOUND
    if last in WORD_AFTER or first in WORD_BEFORE:
        return WORD
    return PLAIN


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
    for atom in _atoms(text.strip()):
        if atom.kind in ("sep", "space", "newline"):
            sep = atom if sep is None or atom.kind == "newline" else sep
            continue
        kind = None if prev is None else _break_kind(prev, atom, sep, closed)
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
