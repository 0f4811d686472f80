"""reportlab's Canvas with the shortcuts of the PDF backend; every byte it writes is the same.

- `begin`/`end` are saveState/restoreState for drawing that changes only the colours, line width
  and cap and the transparency state: the same `q`/`Q` operators, but only those attributes are
  saved, not reportlab's two dozen (a poster has some fifty such scopes). `FAST_SCOPES = False`
  makes them reportlab's own calls (the tests compare both).
- `set_fill` is setFillColor with the colour's operator formatted once per colour object.
- `fill_path` draws path operators formatted earlier, as drawPath does with a path object.
- `RecordedRuns` writes the operators of a run of items drawn before (a template's thirty
  ornament shapes) as one piece, and registers the transparency states they registered.
- A page's transparency states (one per ornament opacity: a poster has two dozen) are
  formatted once per process for each set of states and names (pdf_objects.Formatted), and
  so are the document information's strings (the issuers as Author, the subject, keywords).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass

from reportlab.lib.colors import CMYKColor, Color
from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen import canvas as rl_canvas

from qmposter.memo import LRU, ByIdentity
from qmposter.render.pdf_objects import Formatted, can_reuse, config_key

FAST_SCOPES = True
MAX_FILL_OPS = 256  # colours: a template has a handful
MAX_STATES = 64  # sets of transparency states: one per template (and opacity set) in a build
_SCOPED = ("_fillColorObj", "_strokeColorObj", "_lineWidth", "_lineCap")

_EXT_STATES: LRU[Formatted] = LRU(MAX_STATES)
_FILL_OPS: ByIdentity[str] = ByIdentity(MAX_FILL_OPS)  # operator by colour object


class Canvas(rl_canvas.Canvas):
    """The Canvas render_pdf draws on (bench/bench_build.py subclasses it to time `save`)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._scopes: list[tuple] = []
        if type(self._doc.info) is pdfdoc.PDFInfo:
            self._doc.info.__class__ = _Info

    def begin(self) -> None:
        """saveState() for drawing that changes no state but colours, line width and cap and
        the transparency state (paths, text objects, shadings) until `end`."""
        if not FAST_SCOPES:
            self.saveState()
            return
        d = self.__dict__
        self._scopes.append((*(d[name] for name in _SCOPED), self._extgstate))
        self._extgstate = self._extgstate.pushCopy()
        self._code.append("q")

    def end(self) -> None:
        """restoreState() after `begin`."""
        if not FAST_SCOPES:
            self.restoreState()
            return
        self._code.append("Q")
        *values, self._extgstate = self._scopes.pop()
        self.__dict__.update(zip(_SCOPED, values, strict=True))

    def set_fill(self, color: Color) -> None:
        """setFillColor(color): the operator it wrote for this very colour object before (the
        backend keeps one object per colour), then the rest of what it does."""
        found = _FILL_OPS.find(color) if FAST_SCOPES and self._enforceColorSpace is None else None
        if found is None:
            n = len(self._code)
            self.setFillColor(color)
            if len(self._code) == n + 1 and type(color) in (Color, CMYKColor):  # one operator: no separation, no gs
                _FILL_OPS.put(color, (), self._code[n])
            return
        self._code.append(found)
        self._fillColorObj = color
        if color.alpha is not None:  # setFillColor's setFillAlpha, whose check this colour passed before
            self._setFillAlpha(color.alpha)

    def fill_path(self, code: str, fill_mode: int | None = None) -> None:
        """drawPath(path, stroke=0, fill=1, fillMode=fill_mode) for a path whose operators are `code`."""
        self._code.append(code)
        self._strokeAndFill(0, 1, fill_mode)

    def _setExtGState(self, obj: pdfdoc.PDFObject) -> None:
        """The page's ExtGState resource, as reportlab's getState() formats it."""
        states = self._extgstate._c
        if not states or not can_reuse(self._doc):
            super()._setExtGState(obj)
            return
        key = (tuple((a, type(v), v, name) for (a, v), name in states.items()), config_key())
        obj.ExtGState = _EXT_STATES.get_or_make(
            key, lambda: Formatted(pdfdoc.format(self._extgstate.getState(), self._doc))
        )


class _Info(pdfdoc.PDFInfo):
    """reportlab's document information, its strings formatted once per process (PDFString
    escapes and UTF-16-encodes character by character in Python; the Author is the issuers)."""

    def format(self, document: pdfdoc.PDFDocument) -> bytes:
        if not FAST_SCOPES or not can_reuse(document):
            return super().format(document)
        D: dict[str, object] = {}  # as PDFInfo.format builds it
        D["Title"] = _string(self.title, document)
        D["Author"] = _string(self.author, document)
        D["ModDate"] = D["CreationDate"] = _date(document, self._dateFormatter)
        D["Producer"] = _string(self.producer, document)
        D["Creator"] = _string(self.creator, document)
        D["Subject"] = _string(self.subject, document)
        D["Keywords"] = _string(self.keywords, document)
        D["Trapped"] = pdfdoc.PDFName(self.trapped)
        return pdfdoc.PDFDictionary(D).format(document)


_STRINGS: LRU[Formatted] = LRU(256)  # information strings: a build has a few dozen titles


def _date(document: pdfdoc.PDFDocument, formatter: object) -> pdfdoc.PDFObject:
    """PDFInfo's date, formatted once per time stamp (invariant mode: always the same one)."""
    date = pdfdoc.PDFDate(ts=document._timeStamp, dateFormatter=formatter)
    if formatter is not None:
        return date
    key = ("date", tuple(date.date), date.dhh, date.dmm)
    return _STRINGS.get_or_make(key, lambda: Formatted(pdfdoc.format(date, document)))


def _string(text: object, document: pdfdoc.PDFDocument) -> Formatted:
    key = (type(text), text, pdfdoc.PDFString.unicodeEncValid)
    return _STRINGS.get_or_make(key, lambda: Formatted(pdfdoc.format(pdfdoc.PDFString(text), document)))


@dataclass(frozen=True)
class _Run:
    """What drawing a run of items did to a page: its operators, states registered, PDF version."""

    sources: tuple[object, ...]  # held, so that their ids in the key stay theirs
    text: str | None  # the operators, joined as the page stream joins them (None: nothing drawn)
    states: tuple[tuple[tuple[str, object], str], ...]  # transparency states registered, in order
    version: tuple[int, int]  # the document's PDF version afterwards


class RecordedRuns(LRU[_Run]):
    """Runs of items whose drawing only adds operators, registers transparency states and raises
    the PDF version (shapes: `q`, colour, `gs`, path, `f`, `Q`), by a key the caller gives
    (the items, the page geometry) and the canvas state those depend on."""

    def draw(self, canvas: Canvas, key: Hashable, sources: tuple[object, ...], draw: Callable[[], None]) -> None:
        if not FAST_SCOPES:
            draw()
            return
        ext, doc = canvas._extgstate, canvas._doc
        full = (key, tuple(ext._c.items()), tuple(ext._d.items()), doc._pdfVersion)
        run = self.get(full)
        if run is not None and len(run.sources) == len(sources) and all(
            a is b for a, b in zip(run.sources, sources, strict=True)
        ):
            if run.text is not None:
                canvas._code.append(run.text)
            for state, name in run.states:
                ext._c[state] = name
            doc._pdfVersion = run.version
            return
        code, known, colours = len(canvas._code), len(ext._c), len(canvas._colorsUsed)
        draw()
        if canvas._extgstate is not ext or len(canvas._colorsUsed) != colours:
            return  # something more than operators and transparency: not recorded
        text = "\n".join(canvas._code[code:]) if len(canvas._code) > code else None
        self.put(full, _Run(sources, text, tuple(ext._c.items())[known:], doc._pdfVersion))

