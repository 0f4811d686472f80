"""reportlab's Canvas with the shortcuts of the PDF backend; every byte it writes is the same.

- `begin`/`end` are saveState/restoreState for drawing that changes only the colours, line width
  and cap and the transparency state: the same `q`/`Q` operators, but only those attributes are
  saved, not reportlab's two dozen (a poster has some fifty such scopes). `FAST_SCOPES = False`
  makes them reportlab's own calls (the tests compare both).
- `fill_path` draws path operators formatted earlier, as drawPath does with a path object.
- A page's transparency states (one per ornament opacity: a poster has two dozen) are
  formatted once per process for each set of states and names (pdf_objects.Formatted).
"""

from __future__ import annotations

from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen import canvas as rl_canvas

from qmposter.memo import LRU
from qmposter.render.pdf_objects import Formatted, can_reuse, config_key

FAST_SCOPES = True
MAX_STATES = 64  # sets of transparency states: one per template (and opacity set) in a build
_SCOPED = ("_fillColorObj", "_strokeColorObj", "_lineWidth", "_lineCap")

_EXT_STATES: LRU[Formatted] = LRU(MAX_STATES)


class Canvas(rl_canvas.Canvas):
    """The Canvas render_pdf draws on (bench/bench_build.py subclasses it to time `save`)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._scopes: list[tuple] = []

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
