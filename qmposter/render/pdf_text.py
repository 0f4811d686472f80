"""PDF text objects for glyph runs, written once per process and reused while they still fit.

Every glyph is set with its own text matrix, so a run's text object is mostly numbers
formatted in Python; a poster's campaign name, issuers, date and hotline are the same runs
(layout keeps their blocks) on every page of a template. What the operators say depends on
the run and on the page geometry, except the character codes and subset font names, which
reportlab assigns per document as characters are first drawn. So an entry keeps the run's
code together with how each font encoded the run's characters; reusing it first asks each
font to encode the same characters in this document (which assigns codes in the same order
drawing glyph by glyph would) and takes the cached code only when the answer is the same.
Otherwise the run is drawn glyph by glyph as always: either way the bytes are reportlab's.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from qmposter.layout.page import GlyphRun
from qmposter.memo import ByIdentity
from qmposter.render import pdf_canvas

Fonts = tuple[str, str, dict[str, str]]
"""reportlab's name of the run's font, of its vertical variant, and the vertical forms drawn."""

MAX_RUNS = 2048  # runs kept per process: a template has a few dozen, every slogan adds a few


@dataclass(frozen=True)
class _Encoding:
    """How font `name` encoded `text` (the run's characters drawn in it, in order) in a document."""

    font: TTFont  # reportlab's font registered as `name`
    text: str
    parts: tuple[tuple[int, bytes], ...]  # reportlab's (subset, codes) groups
    subsets: tuple[int, ...]  # the subsets used, in order
    fonts: tuple[str, ...]  # their font resource names

    def holds(self, doc: object) -> bool:
        """The font encodes `text` the same way in `doc`, assigning codes and subset names as
        drawing would (the names of the subsets it uses, whether or not they are the same)."""
        font = self.font
        parts = tuple(font.splitString(self.text, doc))
        return parts == self.parts and tuple(font.getSubsetInternalName(s, doc) for s in self.subsets) == self.fonts


@dataclass(frozen=True)
class _Entry:
    """A text object's operators and the font encodings it registered."""

    code: str
    encodings: tuple[_Encoding, ...]


class _Code:
    """What Canvas.drawText needs of a text object: its operators."""

    def __init__(self, code: str) -> None:
        self.code = code

    def getCode(self) -> str:  # reportlab's protocol
        return self.code


class RunTexts(ByIdentity[_Entry]):
    """Text objects of glyph runs per (run identity, page origin, page height); bounded."""

    def draw(self, canvas: Canvas, run: GlyphRun, fonts: Callable[[], Fonts], origin: float, height: float) -> None:
        """Draw `run` into `canvas`; `fonts()` (checked and registered, see _Page.glyphs) is only
        asked for a run not seen before: a cached run was checked when it was first drawn."""
        entry = self.find(run, (origin, height))
        fits = entry is not None and _still_fits(canvas, entry)
        self.count(fits)
        if fits:
            canvas.drawText(_Code(entry.code))
            return
        code, order = _text_code(canvas, run, fonts(), origin, height)
        canvas.drawText(_Code(code))
        encodings = tuple(_encoding(canvas, name, text) for name, text in order)
        self.put(run, (origin, height), _Entry(code, encodings))


def _encoding(canvas: Canvas, name: str, text: str) -> _Encoding:
    font = pdfmetrics.getFont(name)
    return _encoding_of(font, text, tuple(font.splitString(text, canvas._doc)), canvas._doc)


def _encoding_of(font: TTFont, text: str, parts: tuple[tuple[int, bytes], ...], doc: object) -> _Encoding:
    subsets = tuple(sorted({subset for subset, _ in parts}))
    return _Encoding(font, text, parts, subsets, tuple(font.getSubsetInternalName(s, doc) for s in subsets))


def _still_fits(canvas: Canvas, entry: _Entry) -> bool:
    """Encode the run's characters in this document, font by font in the order drawing would
    first use them; True when codes and subset names are the ones the cached code holds."""
    doc = canvas._doc
    return all(e.holds(doc) for e in entry.encodings)


def _text_code(canvas: Canvas, run: GlyphRun, fonts: Fonts, origin: float,
               height: float) -> tuple[str, list[tuple[str, str]]]:
    """The run's text object, glyph by glyph through reportlab, and the characters each font
    drew (fonts in order of first use)."""
    name, vertical_name, vertical = fonts
    text = _TextObject(canvas) if pdf_canvas.FAST_SCOPES else canvas.beginText()
    text.setFont(name, run.size)
    font, visible = name, True
    drawn: dict[str, list[str]] = {}
    top = origin + height
    for glyph in run.glyphs:
        if not glyph.char:
            continue
        if glyph.visible != visible:
            visible = glyph.visible
            text.setTextRenderMode(0 if visible else 3)
        char, wanted = glyph.char, name
        if vertical and vertical.get(glyph.source) == glyph.char:
            char, wanted = glyph.source, vertical_name
        if wanted != font:
            font = wanted
            text.setFont(font, run.size)
        cos, sin = _turn(glyph.rotate)
        # clockwise on the page (y up in PDF): x axis → (cos, -sin), y axis → (sin, cos)
        text.setTextTransform(cos, -sin, sin, cos, origin + glyph.x, top - glyph.y)
        text.textOut(char)
        drawn.setdefault(font, []).append(char)
    return str(text.getCode()), [(f, "".join(chars)) for f, chars in drawn.items()]


class _TextObject:
    """The part of reportlab's PDFTextObject that _text_code uses, writing the same operators
    (a text object begun at 0 0 on a bottom-up canvas; TrueType fonts, set by subset; render
    modes 0 and 3) without its per-glyph bookkeeping: cursor, string width, saved state. About
    half the time of a glyph drawn for the first time; tests compare it with reportlab's."""

    def __init__(self, canvas: Canvas) -> None:
        self._canvas, self._doc = canvas, canvas._doc
        self._code = ["BT", f"1 0 0 1 {fp_str(0, 0)} Tm"]
        self._mode = 0
        self._font: TTFont | None = None
        self._operator = ""  # size and leading after the subset's name, as reportlab writes them
        self._subset = -1

    def setFont(self, name: str, size: float) -> None:
        self._font = pdfmetrics.getFont(name)
        self._operator = f"{fp_str(size)} Tf {fp_str(size * 1.2)} TL"
        self._subset = -1

    def setTextRenderMode(self, mode: int) -> None:
        assert mode in (0, 3)  # fill or invisible: never the clipping modes
        if mode != self._mode:
            self._mode = mode
            self._code.append(f"{mode:d} Tr")

    def setTextTransform(self, a: float, b: float, c: float, d: float, e: float, f: float) -> None:
        self._code.append(f"{fp_str(a, b, c, d, e, f)} Tm")

    def textOut(self, text: str) -> None:
        font, doc, parts = self._font, self._doc, []
        for subset, codes in font.splitString(text, doc):
            if subset != self._subset:
                parts.append(f"{font.getSubsetInternalName(subset, doc)} {self._operator}")
                self._subset = subset
            parts.append(f"({self._canvas._escape(codes)}) Tj")
        self._code.append(" ".join(parts))

    def getCode(self) -> str:
        self._code.append("ET")
        return " ".join(self._code)


@functools.lru_cache(maxsize=64)
def _turn(degrees: float) -> tuple[float, float]:
    """cos and sin of a glyph's rotation (a text has one or two: 0, 90)."""
    angle = math.radians(degrees)
    return _clean(math.cos(angle)), _clean(math.sin(angle))


def _clean(v: float) -> float:
    """Snap cos/sin of multiples of 90° to exact 0/±1 so matrices print as integers."""
    r = round(v)
    return float(r) if abs(v - r) < 1e-12 else v


RUN_TEXTS = RunTexts(MAX_RUNS)
