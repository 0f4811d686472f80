"""Set a text into a box: every glyph's position, size and orientation, in points.

`layout_text` is the text half of the layout engine. It checks the font covers the
text, cuts the text into unbreakable segments (`breaking.py`), lets `fit.py` choose the
breaks and the size, and places each glyph:

- Han and Chinese punctuation sit in 1-em cells; Latin words and digits use their
  proportional advances on the same baseline, `latin_gap` em away from Han;
- two adjacent full-width marks share a half-em (。」 is 1.5 em), a full-width mark at
  a line end is set half-width (GB/T 15834 §5.1.10) and an opening mark at a line
  start loses its leading half (clreq);
- a phrase comma ending a line is not drawn (`hide_line_end_comma`); inside a line it
  may become an empty gap (`inline_comma="gap"`, the banner convention); either way it
  stays in the text as an invisible glyph (`Glyph.visible=False`) in its logical place;
- lines are stacked by the font's ideographic em box, so a line of Han characters is
  optically centred, whatever the font's ascender and descender;
- vertical text (竖排) runs in 1-em columns from right to left, punctuation in the
  font's vertical forms, brackets and Latin words rotated 90°, 2-digit numbers set
  across the column (纵中横).

Lengths inside this module are in em (multiples of the font size) until placement.
See docs/layout.md for the rules and their sources.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, replace

from qmposter.errors import LayoutError, TextOverflowError
from qmposter.fonts import FontFace, load_font
from qmposter.layout import breaking as br
from qmposter.layout.fit import Frame, best_fit
from qmposter.layout.page import Color, Glyph, GlyphRun
from qmposter.memo import LRU

ALIGNS = ("left", "center", "right", "distribute")
VALIGNS = ("top", "middle", "bottom")
INLINE_COMMAS = ("keep", "gap")
_PT_PER_MM = 72 / 25.4


@dataclass(frozen=True)
class Box:
    """A rectangle in points, top-left origin, y down."""

    x: float
    y: float
    width: float
    height: float

    @functools.cached_property
    def _key(self) -> str:
        """repr, made once per box (keys _BLOCKS: 72 and 72.0 print differently)."""
        return repr(self)


@dataclass(frozen=True)
class TextStyle:
    """How a text is set. Lengths in em are multiples of the chosen font size.

    In vertical text `align` works along each column (left = top, right = bottom; center
    centres the block of columns, all starting at the same height) and `valign` across
    the columns (top = the right edge, where reading starts; bottom = the left edge).
    `max_lines` counts columns there.
    """

    font_id: str
    color: Color
    min_size: float
    max_size: float
    max_lines: int = 2
    line_gap: float = 0.3
    tracking: float = 0.0
    align: str = "center"
    valign: str = "middle"
    vertical: bool = False
    hide_line_end_comma: bool = True
    phrase_gap: float = 1.0
    inline_comma: str = "keep"
    latin_gap: float = 0.125

    @functools.cached_property
    def _key(self) -> str:
        """repr, made once per style object (the engine makes one per text spec)."""
        return repr(self)


@dataclass(frozen=True)
class TextBlock:
    """The set text: one GlyphRun per line (column), the size, each line's drawn text.

    `GlyphRun.text` of each run is exactly the sources of its glyphs, in reading order,
    invisible ones (hidden phrase commas) included: what a reader copies or searches.
    `lines[i]` is the sources of the visible glyphs only: what the line shows.
    """

    runs: tuple[GlyphRun, ...]
    size: float
    lines: tuple[str, ...]

    @functools.cached_property
    def ink(self) -> Box:
        """The box the glyphs' outlines actually cover (computed on first use: reading
        outline bounds is the slowest part of a layout, and most callers never ask)."""
        return _ink_box(self.runs)


def layout_text(text: str, box: Box, style: TextStyle, *, label: str = "") -> TextBlock:
    """Set `text` into `box` as large as `style` allows; see the module docstring.

    Raises MissingGlyphsError (naming the characters, the font and `label`) before
    anything else, LayoutError for a bad style or box, and TextOverflowError when the
    text cannot fit at `style.min_size`.
    """
    ref = style.font_id
    # a bundled font's id always names the same face; a path may not (relative, ~)
    font: str | FontFace = load_font(ref) if any(c in ref for c in "/\\.") else ref
    key = (font, text, box._key, style._key)
    return _BLOCKS.get_or_make(key, lambda: _layout(load_font(ref), text, box, style, label))


def _layout(face: FontFace, text: str, box: Box, style: TextStyle, label: str) -> TextBlock:
    face.require(text, label=label)
    _check(text, box, style, label)
    segments = br.segment(text)
    setter = _Setter(face, style, segments)
    fit = _fit(setter, box, style)
    if fit is None and style.tracking > 0:
        setter = _Setter(face, replace(style, tracking=0.0), segments)
        fit = _fit(setter, box, style)
    if fit is None:
        raise _overflow(text, box, style, label, setter)
    return _place(setter, fit.size, fit.ends, box)


MAX_BLOCKS = 512  # a template sets a dozen texts; the studio switches between a few dozen templates
_BLOCKS: LRU[TextBlock] = LRU(MAX_BLOCKS)
"""The last blocks set, by (font, text, box, style): the same in, the same out.

Most texts of a product do not change from one slogan to the next (the campaign name, theme,
issuers, date, hotline) and setting them was most of a poster's layout time. The font is a
bundled font's id (one face per process) or the face loaded from a path; box and style are
keyed by their repr, so 72 and 72.0 (equal, but written differently into an SVG) never share
an entry. The label only names the element in error messages, and errors are never cached.
Blocks are immutable, so callers may share them."""

# --- validation and errors ----------------------------------------------------------------


def _check(text: str, box: Box, style: TextStyle, label: str) -> None:
    where = f"（{label}）" if label else ""
    problems = []
    if not text.strip():
        problems.append("文字为空")
    if box.width <= 0 or box.height <= 0:
        problems.append(f"文本框尺寸 {box.width:g}×{box.height:g} pt 不是正数")
    if not 0 < style.min_size <= style.max_size:
        problems.append(f"字号范围 {style.min_size:g}–{style.max_size:g} pt 无效（须 0 < 最小字号 ≤ 最大字号）")
    if style.max_lines < 1:
        problems.append(f"最多行数 {style.max_lines} 须至少为 1")
    if style.align not in ALIGNS:
        problems.append(f"对齐方式“{style.align}”未知（可用 {'、'.join(ALIGNS)}）")
    if style.valign not in VALIGNS:
        problems.append(f"垂直对齐“{style.valign}”未知（可用 {'、'.join(VALIGNS)}）")
    if style.inline_comma not in INLINE_COMMAS:
        problems.append(f"行内逗号处理“{style.inline_comma}”未知（可用 {'、'.join(INLINE_COMMAS)}）")
    if min(style.line_gap, style.tracking, style.phrase_gap, style.latin_gap) < 0:
        problems.append("行距、字距、词组间隔和中西文间距不能为负数")
    if problems:
        raise LayoutError(f"无法排版{where}：" + "；".join(problems) + "。", hint="检查模板中该文字元素的设置。")


def _overflow(text: str, box: Box, style: TextStyle, label: str, setter: _Setter) -> TextOverflowError:
    where = label or f"文字“{text[:24]}{'…' if len(text) > 24 else ''}”"
    unit = "列" if style.vertical else "行"
    size_mm = f"{box.width / _PT_PER_MM:.0f}×{box.height / _PT_PER_MM:.0f} mm"
    message = (
        f"{where}：在最小字号 {round(style.min_size, 1):g} pt 下也放不进 {size_mm}"
        f"（{box.width:.0f}×{box.height:.0f} pt）的文本框，最多 {style.max_lines} {unit}。"
    )
    main = box.height if style.vertical else box.width
    longest = max(range(len(setter.segments)), key=lambda k: setter.line(k, k).length)
    piece = setter.segments[longest].text
    if setter.line(longest, longest).length * style.min_size > main:
        message += f"其中“{piece}”不能断开，本身就比文本框{'高' if style.vertical else '宽'}。"
    return TextOverflowError(
        message,
        hint=f"缩短文字，或在模板中加大文本框、调小最小字号（min_size）、增加最多{unit}数（max_lines）。",
    )


# --- font metrics, cached per (font, character) ---------------------------------------------


@functools.lru_cache(maxsize=65536)
def _advance(face: FontFace, ch: str) -> float:
    return face.advance(ch)


@functools.lru_cache(maxsize=65536)
def _vadvance(face: FontFace, ch: str) -> float:
    return face.vertical_advance(ch)


@functools.lru_cache(maxsize=65536)
def _ink(face: FontFace, ch: str) -> tuple[float, float, float, float]:
    return face.ink_bounds(ch)


@functools.lru_cache(maxsize=4096)
def _vform(face: FontFace, ch: str) -> str | None:
    """The vertical form of a Chinese mark; curly quotes fall back to the GB/T 15834
    vertical quotes ﹃﹄ (double) and ﹁﹂ (single) when the font's GSUB does not map them."""
    form = face.vertical_form(ch)
    if form is None and ch in _VERTICAL_QUOTES and face.has(_VERTICAL_QUOTES[ch]):
        form = _VERTICAL_QUOTES[ch]
    return form


_VERTICAL_QUOTES = {"“": "﹃", "”": "﹄", "‘": "﹁", "’": "﹂"}


# --- cells: what a line is made of ------------------------------------------------------------


@dataclass(frozen=True)
class _Draw:
    """One glyph of a cell: offsets in em from the cell's start along the line and from
    the column centre across it (vertical text only); `rotate` as in page.Glyph."""

    char: str
    source: str
    along: float
    across: float = 0.0
    rotate: int = 0
    visible: bool = True


@dataclass(frozen=True)
class _Cell:
    """A unit of a line: a Han character, a mark, a Latin word, a space or a gap.

    `blank` says which half of a full-width mark is empty ("start"/"end"), which is
    what punctuation compression and line-end trimming remove.
    """

    kind: str  # "han" | "punct" | "latin" | "space" | "gap"
    length: float
    draws: tuple[_Draw, ...] = ()
    blank: str = ""
    comma: bool = False
    rotated: bool = False


@dataclass(frozen=True)
class _Line:
    """Placed cells, plus the invisible draws of a comma hidden at the line end (`tail`,
    at `tail_at` em): part of the text, but no cell, so it changes no length or spacing."""

    cells: tuple[_Cell, ...]
    positions: tuple[float, ...]  # em from the line start to each cell's start
    length: float
    tail: tuple[_Draw, ...] = ()
    tail_at: float = 0.0

    @property
    def text(self) -> str:
        """The logical text: every draw's source, invisible ones included."""
        return "".join(d.source for cell in self.cells for d in cell.draws) + "".join(d.source for d in self.tail)

    @property
    def drawn(self) -> str:
        """The text the line shows: sources of the visible draws."""
        return "".join(d.source for cell in self.cells for d in cell.draws if d.visible)


class _Setter:
    """Measures and builds lines of segments for one font and style."""

    def __init__(self, face: FontFace, style: TextStyle, segments: Sequence[br.Segment]) -> None:
        self.face = face
        self.style = style
        self.segments = segments
        self.vertical = style.vertical
        self.unit = face.ideo_top - face.ideo_bottom  # height of one line box, ~1 em
        self.centre = (face.ideo_top + face.ideo_bottom) / 2  # optical centre above the baseline
        self.segment_cells = [tuple(self._cells(seg.text)) for seg in segments]
        self._lengths: dict[tuple[int, int], float] = {}
        self._walkers: dict[int, _Walker] = {}

    # measuring --------------------------------------------------------------------------
    def extent(self, count: int) -> float:
        """Em extent of `count` lines across the line direction, ink overshoot included."""
        return count * self.unit + (count - 1) * self.style.line_gap + self._overshoot()

    @functools.cached_property
    def overshoots(self) -> tuple[float, float]:
        """How far Latin ink reaches past the line box on its two sides (em): below/above
        the ideographic box in horizontal text, left/right of the 1-em column in vertical.

        Han and Chinese marks are designed on the em box (their ink stays within it, or
        protrudes by a few hundredths of an em, like the tail of ，), so only Latin
        descenders, ascenders and digits set across a column count.
        """
        low = high = 0.0
        for cells in self.segment_cells:
            for cell in cells:
                if cell.kind != "latin":
                    continue
                for draw in cell.draws:
                    x0, y0, x1, y1 = _ink(self.face, draw.char)
                    if x0 == x1:
                        continue
                    if not self.vertical:
                        low, high = max(low, self.face.ideo_bottom - y0), max(high, y1 - self.face.ideo_top)
                    else:
                        lo, hi = (y0, y1) if draw.rotate else (x0, x1)
                        low, high = max(low, -0.5 * self.unit - (draw.across + lo)), max(
                            high, draw.across + hi - 0.5 * self.unit
                        )
        return low, high

    def _overshoot(self) -> float:
        low, high = self.overshoots
        if self.vertical or self.style.valign == "middle":
            return 2 * max(low, high)
        return low + high

    def length(self, a: int, b: int) -> float:
        """Em length of the line holding segments a..b (amortised O(1): one walker per start)."""
        key = (a, b)
        found = self._lengths.get(key)
        if found is None:
            walker = self._walkers.get(a)
            if walker is None or walker.b > b:
                walker = self._walkers[a] = _Walker(self, a)
            while walker.b < b:
                walker.advance()
                self._lengths[(a, walker.b)] = walker.length()
            found = self._lengths[key]
        return found

    def line(self, a: int, b: int) -> _Line:
        """The line holding segments a..b, every cell placed."""
        walker = _Walker(self, a)
        while walker.b < b:
            walker.advance()
        return walker.line()

    def seam(self, gap: str) -> list[_Cell]:
        if gap == br.GAP_PHRASE:
            return [_Cell("gap", self.style.phrase_gap or 1.0)]
        if gap == br.GAP_SPACE:
            return [self._space()]
        return []

    def inline(self, cell: _Cell) -> _Cell:
        """A phrase comma inside a line: kept, or an empty gap in banner style (the comma
        stays in it as an invisible draw at the gap's start, for the PDF's text)."""
        if cell.comma and self.style.inline_comma == "gap" and self.style.phrase_gap > 0:
            return _Cell("gap", self.style.phrase_gap, _hidden(cell.draws))
        return cell

    def latin_gap(self, left: _Cell, right: _Cell) -> float:
        """clreq: Han next to a Latin letter or digit gets a small space (here `latin_gap`)."""
        kinds = {left.kind, right.kind}
        if kinds != {"han", "latin"}:
            return 0.0
        latin = left if left.kind == "latin" else right
        if self.vertical and not latin.rotated:
            return 0.0
        edge = latin.draws[-1 if latin is left else 0].source
        return self.style.latin_gap if edge.isalnum() else 0.0

    # building cells ----------------------------------------------------------------------
    def _cells(self, text: str) -> list[_Cell]:
        cells: list[_Cell] = []
        for kind, piece in _pieces(text):
            if kind == "latin":
                cells.append(self._latin(piece))
            elif kind == "space":
                cells.append(self._space())
            elif kind == "pair":
                cells.append(self._pair(piece))
            else:
                cells.append(self._cjk(piece, kind))
        return cells

    def _space(self) -> _Cell:
        if not self.face.has(" "):
            return _Cell("space", 0.25)
        length = _advance(self.face, " ")
        return _Cell("space", length, (_Draw(" ", " ", 0.0, -self.centre, 90 if self.vertical else 0),),
                     rotated=self.vertical)

    def _cjk(self, ch: str, kind: str) -> _Cell:
        comma = ch == br.PHRASE_COMMA
        if not self.vertical:
            adv = _advance(self.face, ch)
            blank = self._blank(ch, adv, False) if kind == "punct" else ""
            return _Cell(kind, adv, (_Draw(ch, ch, 0.0),), blank, comma)
        form = _vform(self.face, ch) if kind == "punct" else None
        if form is not None:
            draw = _Draw(form, ch, 0.0, -_advance(self.face, form) / 2)
            return _Cell(kind, _vadvance(self.face, form), (draw,), self._blank(form, 1.0, True), comma)
        if kind == "punct" and ch in _ROTATE_IN_VERTICAL:
            adv = _advance(self.face, ch)
            draw = _Draw(ch, ch, 0.0, -self.centre, 90)
            return _Cell(kind, adv, (draw,), self._blank(ch, adv, False), comma, rotated=True)
        draw = _Draw(ch, ch, 0.0, -_advance(self.face, ch) / 2)
        return _Cell(kind, _vadvance(self.face, ch), (draw,), "", comma)

    def _blank(self, ch: str, length: float, vertical_form: bool) -> str:
        """Which half of a full-width mark is empty, from the glyph's own ink."""
        if ch in _NOT_COMPRESSIBLE:
            return ""
        x0, y0, x1, y1 = _ink(self.face, ch)
        if x0 == x1:
            return ""
        if vertical_form:  # along the column: from the ideographic top down
            lo, hi, size = self.face.ideo_top - y1, self.face.ideo_top - y0, self.unit
        else:
            lo, hi, size = x0, x1, length
        if hi <= 0.55 * size:
            return "end"
        if lo >= 0.45 * size:
            return "start"
        return ""

    def _pair(self, piece: str) -> _Cell:
        """—— (or ⸺) and ……: one 2-em unit, never split (clreq). In vertical text the
        ellipsis uses the font's vertical form (︙); the dash is the horizontal one rotated,
        because vertical-dash forms (︱) are often hairlines that do not join."""
        ch = piece[0]
        dash = ch in br.DASHES or ch == br.TWO_EM_DASH
        if self.vertical and not dash:
            form = _vform(self.face, ch)
            if form is not None:
                across = -_advance(self.face, form) / 2
                step = _vadvance(self.face, form)
                draws = (_Draw(form, piece[0], 0.0, across), _Draw(form, piece[-1], step, across))
                return _Cell("punct", 2 * step, draws)
        if dash:
            draws = self._joined_dashes(piece)
        else:
            adv = _advance(self.face, ch)
            draws = (_Draw(ch, ch, (1 - adv) / 2), _Draw(ch, ch, 1 + (1 - adv) / 2))
        if self.vertical:
            draws = tuple(replace(d, across=-self.centre, rotate=90) for d in draws)
        return _Cell("punct", 2.0, draws, rotated=self.vertical)

    def _joined_dashes(self, piece: str) -> tuple[_Draw, ...]:
        """Two em dashes whose ink meets, centred in 2 em (fonts' dashes are often narrower
        than 1 em and would leave a hole in the middle of a 破折号)."""
        if piece == br.TWO_EM_DASH:
            if self.face.has(br.TWO_EM_DASH):
                return (_Draw(piece, piece, (2 - _advance(self.face, piece)) / 2),)
            piece = "——"
        ch = piece[0] if self.face.has(piece[0]) else "—"
        x0, _, x1, _ = _ink(self.face, ch)
        ink, overlap = x1 - x0, 0.02
        if ink <= 0 or 2 * ink - overlap > 2:
            adv = _advance(self.face, ch)
            return (_Draw(ch, piece[0], (1 - adv) / 2), _Draw(ch, piece[-1], 1 + (1 - adv) / 2))
        first = (2 - (2 * ink - overlap)) / 2 - x0
        return (_Draw(ch, piece[0], first), _Draw(ch, piece[-1], first + ink - overlap))

    def _latin(self, word: str) -> _Cell:
        """A Latin word or number: proportional glyphs on the baseline; in vertical text
        upright (one letter, an acronym), across the column (2 digits) or rotated 90°."""
        advances = [_advance(self.face, ch) for ch in word]
        track = self.style.tracking
        offsets = [sum(advances[:i]) + i * track for i in range(len(word))]
        width = offsets[-1] + advances[-1]
        if not self.vertical:
            return _Cell("latin", width, tuple(_Draw(ch, ch, off) for ch, off in zip(word, offsets, strict=True)))
        if word.isdigit() and 2 <= len(word) <= 3 and width <= _TCY_MAX_WIDTH:
            draws = tuple(_Draw(ch, ch, 0.0, off - width / 2) for ch, off in zip(word, offsets, strict=True))
            return _Cell("latin", self.unit, draws)
        if len(word) == 1 or (word.isalpha() and word.isupper() and len(word) <= 4):
            step = self.unit + track
            pairs = enumerate(zip(word, advances, strict=True))
            draws = tuple(_Draw(ch, ch, i * step, -adv / 2) for i, (ch, adv) in pairs)
            return _Cell("latin", len(word) * step - track, draws)
        draws = tuple(_Draw(ch, ch, off, -self.centre, 90) for ch, off in zip(word, offsets, strict=True))
        return _Cell("latin", width, draws, rotated=True)


def _hidden(draws: tuple[_Draw, ...]) -> tuple[_Draw, ...]:
    return tuple(replace(d, visible=False) for d in draws)


_ROTATE_IN_VERTICAL = frozenset("（）［］｛｝〔〕【】〖〗〘〙〚〛《》〈〉「」『』“”‘’—―…⋯～〜－()[]{}")
_NOT_COMPRESSIBLE = frozenset("·・‧•～〜—―…⋯－")
_TCY_MAX_WIDTH = 1.25
"""纵中横 only when the digits fit the column (clreq: "about the column width, or a
little wider"); three proportional digits are ~1.8 em, so those are rotated instead."""


def _pieces(text: str) -> list[tuple[str, str]]:
    """Split a segment's text into ("latin", word), ("space", " "), ("pair", "——"),
    ("han", ch) and ("punct", ch) pieces."""
    pieces: list[tuple[str, str]] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        cls = br.char_class(ch)
        if cls == "latin":
            j = i
            while j < n and br.char_class(text[j]) == "latin":
                j += 1
            pieces.append(("latin", text[i:j]))
            i = j
            continue
        if cls in ("space", "newline"):
            pieces.append(("space", " "))
        elif ch == br.TWO_EM_DASH:
            pieces.append(("pair", ch))
        elif (ch in br.DASHES or ch in br.ELLIPSES) and i + 1 < n and text[i + 1] == ch:
            pieces.append(("pair", text[i : i + 2]))
            i += 1
        else:
            pieces.append((cls, ch))
        i += 1
    return pieces


def _step(setter: _Setter, prev: _Cell | None, cell: _Cell, cursor: float) -> tuple[float, float]:
    """Place `cell` after `prev` (whose end is at `cursor`); return (cell start, cell end).

    Punctuation widths (clreq, GB/T 15834): two adjacent full-width marks share a half
    em — the first loses its empty end half if it has one, else the second loses its
    empty start half — and a mark opening a line loses its empty start half. Between
    any two cells come the tracking and, for Han next to Latin, the Han–Latin gap.
    """
    start_trim = 0.0
    if prev is None:
        if cell.blank == "start":
            start_trim = cell.length / 2
    else:
        if prev.blank == "end" and cell.blank:
            cursor -= prev.length / 2
        elif cell.blank == "start" and prev.blank:
            start_trim = cell.length / 2
        cursor += setter.style.tracking + setter.latin_gap(prev, cell)
    start = cursor - start_trim
    return start, start + cell.length


def _end_trim(cell: _Cell | None) -> float:
    """A full-width mark ending a line is set half-width (GB/T 15834 §5.1.10)."""
    return cell.length / 2 if cell is not None and cell.blank == "end" else 0.0


class _Walker:
    """Sets the lines starting at segment `a`, one more segment at a time.

    A phrase comma ending the last segment is held back: at the line end it is hidden
    (or kept, set half-width); once the line goes on it is an inline comma or a gap.
    """

    def __init__(self, setter: _Setter, a: int) -> None:
        self.setter = setter
        self.a = a
        self.b = a - 1
        self.cells: list[_Cell] = []
        self.positions: list[float] = []
        self.cursor = 0.0
        self.pending: _Cell | None = None

    def _push(self, cell: _Cell) -> None:
        prev = self.cells[-1] if self.cells else None
        start, self.cursor = _step(self.setter, prev, cell, self.cursor)
        self.cells.append(cell)
        self.positions.append(start)

    def advance(self) -> None:
        """Add the next segment to the line."""
        setter, k = self.setter, self.b + 1
        if self.pending is not None:
            self._push(setter.inline(self.pending))
            self.pending = None
        if k > self.a:
            for cell in setter.seam(setter.segments[k - 1].gap):
                self._push(cell)
        cells = setter.segment_cells[k]
        for i, cell in enumerate(cells):
            if cell.comma and i == len(cells) - 1:
                self.pending = cell
            else:
                self._push(setter.inline(cell))
        self.b = k

    def _closing(self) -> _Cell | None:
        """The held-back comma if it is drawn at the line end."""
        hide = self.setter.style.hide_line_end_comma
        return None if self.pending is None or hide else self.pending

    def length(self) -> float:
        """Em length of the line ending after segment `b`."""
        last = self._closing()
        if last is None:
            return self.cursor - _end_trim(self.cells[-1] if self.cells else None)
        prev = self.cells[-1] if self.cells else None
        return _step(self.setter, prev, last, self.cursor)[1] - _end_trim(last)

    def line(self) -> _Line:
        cells, positions = list(self.cells), list(self.positions)
        prev = cells[-1] if cells else None
        last = self._closing()
        if last is not None:
            positions.append(_step(self.setter, prev, last, self.cursor)[0])
            cells.append(last)
        elif self.pending is not None:  # hidden: invisible, where it would have been drawn
            at = _step(self.setter, prev, self.pending, self.cursor)[0]
            return _Line(tuple(cells), tuple(positions), self.length(), _hidden(self.pending.draws), at)
        return _Line(tuple(cells), tuple(positions), self.length())


# --- fitting and placing ------------------------------------------------------------------------


def _fit(setter: _Setter, box: Box, style: TextStyle):  # -> Fit | None
    main, cross = (box.height, box.width) if style.vertical else (box.width, box.height)
    frame = Frame(main, cross, style.min_size, style.max_size, style.max_lines)
    return best_fit(setter.segments, setter.length, setter.extent, frame)


def _place(setter: _Setter, size: float, ends: tuple[int, ...], box: Box) -> TextBlock:
    style = setter.style
    starts = [0, *(e + 1 for e in ends)]
    stops = [*ends, len(setter.segments) - 1]
    lines = [setter.line(a, b) for a, b in zip(starts, stops, strict=True)]
    pitch = (setter.unit + style.line_gap) * size
    block = (len(lines) * setter.unit + (len(lines) - 1) * style.line_gap) * size
    low, high = setter.overshoots
    runs = []
    head = _column_head(lines, size, box, style) if setter.vertical else None
    for index, line in enumerate(lines):
        if setter.vertical:
            glyphs = _vertical_glyphs(setter, line, size, box, _column_x(box, style, block, low, high, size, index,
                                                                           pitch, setter.unit), head)
        else:
            top = _block_top(box, style, block, low, high, size) + index * pitch
            glyphs = _horizontal_glyphs(setter, line, size, box, top + setter.face.ideo_top * size)
        runs.append(GlyphRun(style.font_id, size, style.color, glyphs, line.text))
    return TextBlock(tuple(runs), size, tuple(line.drawn for line in lines))


def _block_top(box: Box, style: TextStyle, block: float, below: float, above: float, size: float) -> float:
    """Top of the first line's ideographic box; the ink overshoot stays inside the box."""
    if style.valign == "top":
        return box.y + above * size
    if style.valign == "bottom":
        return box.y + box.height - block - below * size
    return box.y + (box.height - block) / 2


def _column_x(box: Box, style: TextStyle, block: float, left: float, right: float, size: float, index: int,
              pitch: float, unit: float) -> float:
    """Centre x of column `index` (0 = rightmost, read first)."""
    if style.valign == "top":
        right_edge = box.x + box.width - right * size
    elif style.valign == "bottom":
        right_edge = box.x + left * size + block
    else:
        right_edge = box.x + (box.width + block) / 2
    return right_edge - unit * size / 2 - index * pitch


def _column_head(lines: Sequence[_Line], size: float, box: Box, style: TextStyle) -> float | None:
    """Centred vertical text: one start for every column, centring the longest. Vertical
    writing starts each column at the same height (a 5 + 8 split must not begin lower in
    its first column); the block as a whole is what sits in the middle of the box."""
    if style.align != "center" or len(lines) < 2:
        return None
    return (box.height - max(line.length for line in lines) * size) / 2


def _offsets(line: _Line, size: float, room: float, align: str) -> tuple[float, float]:
    """(start offset, extra per justification opportunity) in points along the line."""
    extra = room - line.length * size
    if align == "left":
        return 0.0, 0.0
    if align == "right":
        return extra, 0.0
    if align == "distribute":
        slots = _justification_slots(line.cells)
        if slots and extra > 0:
            return 0.0, extra / slots
    return extra / 2, 0.0


def _justification_slots(cells: Sequence[_Cell]) -> int:
    """Places where 分散对齐 adds space: between cells, but not inside a run of Latin
    words (clreq: spacing goes between Han, or Han and Western, not inside words)."""
    return sum(1 for i in range(1, len(cells)) if not _inside_latin(cells[i - 1], cells[i]))


def _inside_latin(left: _Cell, right: _Cell) -> bool:
    return left.kind in ("latin", "space") and right.kind == "latin"


def _horizontal_glyphs(setter: _Setter, line: _Line, size: float, box: Box, baseline: float) -> tuple[Glyph, ...]:
    start, per_slot = _offsets(line, size, box.width, setter.style.align)
    glyphs = []
    shift = 0.0
    for i, (cell, pos) in enumerate(zip(line.cells, line.positions, strict=True)):
        if i > 0 and not _inside_latin(line.cells[i - 1], cell):
            shift += per_slot
        glyphs.extend(_horizontal(cell.draws, box.x + start + shift + pos * size, baseline, size))
    glyphs.extend(_horizontal(line.tail, box.x + start + shift + line.tail_at * size, baseline, size))
    return tuple(glyphs)


def _horizontal(draws: Sequence[_Draw], x: float, baseline: float, size: float) -> list[Glyph]:
    return [Glyph(d.char, x + d.along * size, baseline, d.rotate, d.source, d.visible) for d in draws]


def _vertical_glyphs(setter: _Setter, line: _Line, size: float, box: Box, centre_x: float,
                    head: float | None = None) -> tuple[Glyph, ...]:
    start, per_slot = _offsets(line, size, box.height, setter.style.align) if head is None else (head, 0.0)
    ideo_top = setter.face.ideo_top * size
    glyphs = []
    shift = 0.0
    for i, (cell, pos) in enumerate(zip(line.cells, line.positions, strict=True)):
        if i > 0 and not _inside_latin(line.cells[i - 1], cell):
            shift += per_slot
        glyphs.extend(_vertical(cell.draws, box.y + start + shift + pos * size, centre_x, ideo_top, size))
    glyphs.extend(_vertical(line.tail, box.y + start + shift + line.tail_at * size, centre_x, ideo_top, size))
    return tuple(glyphs)


def _vertical(draws: Sequence[_Draw], top: float, centre_x: float, ideo_top: float, size: float) -> list[Glyph]:
    return [
        Glyph(d.char, centre_x + d.across * size, top + d.along * size + (0.0 if d.rotate else ideo_top), d.rotate,
              d.source, d.visible)
        for d in draws
    ]


def _ink_box(runs: Sequence[GlyphRun]) -> Box:
    """Union of the visible glyphs' outline bounds on the page (rotation included)."""
    xs: list[float] = []
    ys: list[float] = []
    for run in runs:
        face = load_font(run.font_id)
        s = run.size
        for g in run.glyphs:
            if not g.visible:
                continue
            x0, y0, x1, y1 = _ink(face, g.char)
            if x0 == x1:
                continue
            if g.rotate == 90:
                xs += [g.x + y0 * s, g.x + y1 * s]
                ys += [g.y + x0 * s, g.y + x1 * s]
            else:
                xs += [g.x + x0 * s, g.x + x1 * s]
                ys += [g.y - y1 * s, g.y - y0 * s]
    if not xs:
        return Box(0.0, 0.0, 0.0, 0.0)
    return Box(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))
