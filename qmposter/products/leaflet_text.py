"""Chinese paragraphs for the leaflet: a platypus Flowable that wraps by the clreq rules.

reportlab's own ``wordWrap='CJK'`` is not used: its prohibition list lacks ，；：？！》”
and it never checks line-end rules (（《“ may end a line), and it lets a pushed-back mark
hang past the right edge. Here every break comes from the project's break opportunities
(``qmposter.layout.breaking``), widths come from the embedded font's own metrics, and
lines are justified by spreading the spare width over the gaps between characters
(两端对齐), so no character ever crosses the column edge.

A paragraph is a sequence of `Span`s (a bold run-in title followed by regular text, for
instance). It splits between frames with orphan/widow control (at least two lines on
each side) and keeps `keepWithNext` for headings, which BaseDocTemplate honours.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.colors import Color as RLColor
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable

from qmposter.fonts import FontFace
from qmposter.layout.breaking import PHRASE, char_class, segment
from qmposter.render.pdf_fonts import CachedTTFont

# Where a CJK glyph's em box sits: its top is about 0.88 em above the baseline
# (OS/2 typo ascender of the Noto CJK fonts); used to centre the em box in its line.
DEFAULT_IDEO_TOP = 0.88
# Marks that are full-width in Chinese text even where a font draws them narrow.
FULL_WIDTH_OPENING = "“‘"
FULL_WIDTH_CLOSING = "”’"
FULL_WIDTH_MIDDLE = "·"
# Justification that would open gaps wider than this (in em) is not applied.
MAX_STRETCH_EM = 0.5
# A paragraph's last line holds at least this many Han characters ("全。" alone is a 孤字).
MIN_LAST_LINE_HAN = 2
# Tracking a line may be tightened by (em per gap) to take a lone last character back (字距微调).
MAX_SQUEEZE_EM = 0.06
_FUZZ = 1e-6


@dataclass(frozen=True)
class Span:
    """A run of text in one font, size and colour (`font` is a registered reportlab name)."""

    text: str
    font: str
    size: float
    color: RLColor
    space_after: float = 0.0  # extra points after the span's last character (e.g. after a number)


def register_face(face: FontFace) -> str:
    """Register a qmposter font with reportlab (once) and return its reportlab name."""
    return _register(str(face.path), face.id)


@functools.cache
def _register(path: str, font_id: str) -> str:
    name = "qm-" + "".join(c if c.isalnum() else "-" for c in font_id)[-60:]
    if name not in pdfmetrics.getRegisteredFontNames():
        # reportlab gives a second font of the same face the first one's object, so the
        # leaflet registers the same class as render.pdf: whichever comes first, both keep
        # its per-glyph-set caches (and make the same bytes either way)
        pdfmetrics.registerFont(CachedTTFont(name, path))
    return name


@functools.cache
def char_width(ch: str, font: str, size: float) -> float:
    """Advance of one character in points, from the font that will be embedded."""
    return pdfmetrics.stringWidth(ch, font, size)


@functools.cache
def break_opportunities(text: str) -> dict[int, str]:
    """Allowed break positions of `text` → their kind (PHRASE, PLAIN, …).

    Position i means a line may end before text[i]. The rules and kinds are the
    project's (`qmposter.layout.breaking.segment`, W3C clreq basic level); this maps its
    segments back onto the characters of `text`. Cached: fitting re-wraps the same texts.
    """
    visible = [i for i, ch in enumerate(text) if not ch.isspace()]
    out: dict[int, str] = {}
    count = 0
    for seg in segment(text):
        count += sum(1 for ch in seg.text if not ch.isspace())
        if seg.brk and count < len(visible):
            out[visible[count]] = seg.brk
    return out


@dataclass(frozen=True)
class SetLine:
    """One set line: characters [start, end) of the paragraph and its natural width."""

    start: int
    end: int
    width: float
    indent: float


def set_lines(
    text: str,
    widths: Sequence[float],
    width: float,
    *,
    first_indent: float = 0.0,
    phrase_first: bool = False,
) -> list[SetLine]:
    """Break `text` (with per-character `widths`) into lines no wider than `width`.

    Greedy: each line takes as many characters as fit and ends at the last allowed
    break. With `phrase_first`, a line that must break ends after the last phrase mark
    (，。；！？ or a run of spaces) it holds when there is one, so slogans break between phrases.
    Spaces at either end of a line are dropped. A run with no allowed break that is
    wider than the line (a long URL) is broken where it overflows. A last line with fewer
    than MIN_LAST_LINE_HAN Han characters takes characters from the line above (`_no_lone_last`).
    """
    breaks = break_opportunities(text)
    n = len(text)
    lines: list[SetLine] = []
    start = 0
    while start < n:
        while start < n and text[start].isspace():
            start += 1
        if start >= n:
            break
        indent = first_indent if not lines else 0.0
        avail = width - indent
        used = 0.0
        end = start
        while end < n and used + widths[end] <= avail + _FUZZ:
            used += widths[end]
            end += 1
        while end < n and text[end].isspace():  # trailing spaces cost nothing
            end += 1
        if end < n:
            end = _choose_break(breaks, start, end, phrase_first)
        stop = end
        while stop > start and text[stop - 1].isspace():
            stop -= 1
        lines.append(SetLine(start, stop, sum(widths[start:stop]), indent))
        start = end
    return _no_lone_last(text, widths, lines, breaks, width)


def han_count(text: str) -> int:
    return sum(1 for ch in text if char_class(ch) == "han")


def _no_lone_last(
    text: str, widths: Sequence[float], lines: list[SetLine], breaks: dict[int, str], width: float
) -> list[SetLine]:
    """No last line with fewer than MIN_LAST_LINE_HAN Han characters: take it back onto the line
    above when tightening that line by at most MAX_SQUEEZE_EM per gap makes room; otherwise move
    the last break back to the nearest allowed one (clreq rules still hold: only `breaks` are
    used) and let the shortened line above be justified over its gaps."""
    if len(lines) < 2 or han_count(text[lines[-1].start : lines[-1].end]) >= MIN_LAST_LINE_HAN:
        return lines
    prev, last = lines[-2], lines[-1]
    merged = SetLine(prev.start, last.end, sum(widths[prev.start : last.end]), prev.indent)
    em = max(widths[prev.start : last.end])
    if merged.width + merged.indent - width <= MAX_SQUEEZE_EM * em * (last.end - prev.start - 1):
        return [*lines[:-2], merged]
    for b in range(last.start - 1, prev.start + 1, -1):
        if b in breaks and han_count(text[b : last.end]) >= MIN_LAST_LINE_HAN and han_count(text[prev.start : b]) >= 2:
            stop = b
            while stop > prev.start and text[stop - 1].isspace():
                stop -= 1
            new_last = SetLine(b, last.end, sum(widths[b : last.end]), last.indent)
            if new_last.width + new_last.indent > prev.width + prev.indent + _FUZZ:
                break  # would not fit: keep the lines as they are
            return [*lines[:-2], SetLine(prev.start, stop, sum(widths[prev.start : stop]), prev.indent), new_last]
    return lines


def _choose_break(breaks: dict[int, str], start: int, limit: int, phrase_first: bool) -> int:
    """The break position for a line holding text[start:limit] at most."""
    candidates = [b for b in range(limit, start, -1) if b in breaks]
    if not candidates:
        return max(limit, start + 1)  # nothing allowed fits: break where it overflows
    if phrase_first:
        for b in candidates:
            if breaks[b] == PHRASE:
                return b
    return candidates[0]


class CJKParagraph(Flowable):
    """A wrapped, justified Chinese paragraph made of spans; splits across frames.

    `align` is "justify", "left", "center" or "right". `leading` is the line pitch in
    points. `ends_paragraph` False marks the first half of a split paragraph (its last
    line is justified too). `label` names the text in error messages.
    """

    def __init__(
        self,
        spans: Sequence[Span],
        *,
        leading: float,
        align: str = "justify",
        first_indent: float = 0.0,
        space_before: float = 0.0,
        space_after: float = 0.0,
        keep_with_next: bool = False,
        phrase_first: bool = False,
        ends_paragraph: bool = True,
        min_split_lines: int = 2,
        ideo_top: float = DEFAULT_IDEO_TOP,
        label: str = "",
        hide_line_end_comma: bool = False,
    ) -> None:
        super().__init__()
        self.hide_line_end_comma = hide_line_end_comma
        self.spans = tuple(s for s in spans if s.text)
        self.text = "".join(s.text for s in self.spans)
        self.leading = leading
        self.align = align
        self.first_indent = first_indent
        self.spaceBefore = space_before
        self.spaceAfter = space_after
        self.keepWithNext = keep_with_next
        self.phrase_first = phrase_first
        self.ends_paragraph = ends_paragraph
        self.min_split_lines = min_split_lines
        self.ideo_top = ideo_top
        self.label = label
        self._span_of = [i for i, s in enumerate(self.spans) for _ in s.text]
        self._pad_before, self._pad_after = self._pads()
        self._widths = [
            self._char_width(ch, k) + self._pad_before[i] + self._pad_after[i]
            for i, (ch, k) in enumerate(zip(self.text, self._span_of, strict=True))
        ]
        self._lines: list[SetLine] = []
        self._line_width = 0.0

    def _pads(self) -> tuple[list[float], list[float]]:
        """Extra space before/after each character.

        Quotation marks and the interpunct share code points with Western text, and some
        Chinese fonts (霞鹜文楷) give them narrow proportional glyphs; set in Chinese text
        they must fill a full-width cell: an opening mark sits at the right of its cell,
        a closing one at the left, the interpunct in the middle. A span's `space_after`
        is added after its last character.
        """
        before = [0.0] * len(self.text)
        after = [0.0] * len(self.text)
        for i, (ch, k) in enumerate(zip(self.text, self._span_of, strict=True)):
            size = self.spans[k].size
            missing = size - self._char_width(ch, k)
            if ch in FULL_WIDTH_OPENING and missing > 0.1 * size:
                before[i] = missing
            elif ch in FULL_WIDTH_CLOSING and missing > 0.1 * size:
                after[i] = missing
            elif ch in FULL_WIDTH_MIDDLE and missing > 0.1 * size:
                before[i] = after[i] = missing / 2
        end = 0
        for span in self.spans:
            end += len(span.text)
            after[end - 1] += span.space_after
        return before, after

    def _char_width(self, ch: str, span_index: int) -> float:
        span = self.spans[span_index]
        return char_width(ch, span.font, span.size)

    # -- platypus protocol --------------------------------------------------------------

    def lines_for(self, width: float) -> list[SetLine]:
        """The lines this paragraph sets in a column `width` points wide."""
        if width != self._line_width or not self._lines:
            self._lines = set_lines(
                self.text, self._widths, width, first_indent=self.first_indent, phrase_first=self.phrase_first
            )
            self._line_width = width
        return self._lines

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        self.height = len(self.lines_for(availWidth)) * self.leading
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        lines = self.lines_for(availWidth)
        fit = int((availHeight + _FUZZ) // self.leading)
        if fit >= len(lines):
            return [self]
        keep = self.min_split_lines
        if len(lines) - fit < keep:
            fit = len(lines) - keep
        if fit < keep:
            return []
        cut = lines[fit].start
        return [self._part(0, cut, first=True), self._part(cut, len(self.text), first=False)]

    def _part(self, lo: int, hi: int, *, first: bool) -> CJKParagraph:
        spans, pos = [], 0
        for span in self.spans:
            a, b = max(lo, pos), min(hi, pos + len(span.text))
            if a < b:
                extra = span.space_after if b == pos + len(span.text) else 0.0
                spans.append(Span(span.text[a - pos : b - pos], span.font, span.size, span.color, extra))
            pos += len(span.text)
        return CJKParagraph(
            spans,
            leading=self.leading,
            align=self.align,
            first_indent=self.first_indent if first else 0.0,
            space_before=self.spaceBefore if first else 0.0,
            space_after=0.0 if first else self.spaceAfter,
            keep_with_next=False if first else self.keepWithNext,
            phrase_first=self.phrase_first,
            ends_paragraph=self.ends_paragraph if not first else False,
            min_split_lines=self.min_split_lines,
            ideo_top=self.ideo_top,
            label=self.label,
            hide_line_end_comma=self.hide_line_end_comma,
        )

    def draw(self) -> None:
        if getattr(self.canv, "qm_dry", False):  # fitting: placed, not drawn
            return
        lines = self.lines_for(self.width)
        for number, line in enumerate(lines):
            last = number == len(lines) - 1
            self._draw_line(line, self.height - number * self.leading, last and self.ends_paragraph)

    # -- drawing ------------------------------------------------------------------------

    def _baseline_offset(self) -> float:
        """Distance from a line box's top to its baseline: the em box centred in the line."""
        size = max(s.size for s in self.spans)
        return (self.leading - size) / 2 + self.ideo_top * size

    def _draw_line(self, line: SetLine, top: float, is_last: bool) -> None:
        count = line.end - line.start
        avail = self.width - line.indent
        spare = avail - line.width
        spacing, x = 0.0, line.indent
        size = max(s.size for s in self.spans)
        if spare < 0 and count > 1:  # a line tightened to take back a lone last character
            spacing = spare / (count - 1)
        elif self.align == "justify" and not is_last and count > 1 and spare / (count - 1) <= MAX_STRETCH_EM * size:
            spacing = max(0.0, spare / (count - 1))
        elif self.align == "center":
            x += spare / 2
        elif self.align == "right":
            x += spare
        canv = self.canv
        text_obj = canv.beginText(x + self._pad_before[line.start], top - self._baseline_offset())
        chunks = self._chunks(line, spacing)
        # A headline's phrase comma at a line end is not printed (the poster convention), but stays
        # in the PDF text as invisible glyphs (render mode 3) so copying and searching still see it.
        hidden = self.hide_line_end_comma and not is_last and self.text[line.end - 1] == "，"
        for number, (span_index, gap, chunk) in enumerate(chunks):
            span = self.spans[span_index]
            text_obj.setFont(span.font, span.size)
            text_obj.setFillColor(span.color)
            text_obj.setCharSpace(gap)
            if hidden and number == len(chunks) - 1:
                text_obj.textOut(chunk[:-1])
                text_obj.setTextRenderMode(3)
                text_obj.textOut(chunk[-1])
                text_obj.setTextRenderMode(0)
            else:
                text_obj.textOut(chunk)
        canv.drawText(text_obj)

    def _chunks(self, line: SetLine, spacing: float) -> list[tuple[int, float, str]]:
        """The line's characters grouped by span and by the space after each (PDF Tc)."""
        chunks: list[tuple[int, float, str]] = []
        for i in range(line.start, line.end):
            gap = spacing + self._pad_after[i] + (self._pad_before[i + 1] if i + 1 < line.end else 0.0)
            key = (self._span_of[i], round(gap, 4))
            if chunks and chunks[-1][:2] == key:
                chunks[-1] = (*key, chunks[-1][2] + self.text[i])
            else:
                chunks.append((*key, self.text[i]))
        return chunks

    def line_texts(self, width: float) -> list[str]:
        """The text of each line at `width` (for checks and tests)."""
        return [self.text[line.start : line.end] for line in self.lines_for(width)]
