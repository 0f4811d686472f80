"""reportlab's Canvas with the shortcuts of the PDF backend; every byte it writes is the same.

- A page's transparency states (one per ornament opacity: a poster has two dozen) are
  formatted once per process for each set of states and names (pdf_objects.Formatted).
"""

from __future__ import annotations

from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen import canvas as rl_canvas

from qmposter.memo import LRU
from qmposter.render.pdf_objects import Formatted, can_reuse, config_key

MAX_STATES = 64  # sets of transparency states: one per template (and opacity set) in a build

_EXT_STATES: LRU[Formatted] = LRU(MAX_STATES)


class Canvas(rl_canvas.Canvas):
    """The Canvas render_pdf draws on (bench/bench_build.py subclasses it to time `save`)."""

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
