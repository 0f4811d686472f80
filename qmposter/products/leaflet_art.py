"""Vector ornaments for the leaflet's red fields: a soft sunburst and 回纹 (fret) corners.

Drawn as PDF paths, so they are sharp at any print size (no bitmap under 300 ppi), and
kept low in contrast against the red: ornament frames the text, it does not compete.
"""

from __future__ import annotations

import math

from reportlab.lib.colors import CMYKColor
from reportlab.pdfgen.canvas import Canvas

RAYS = 36


def sunburst(canv: Canvas, color: CMYKColor, cx: float, cy: float, radius: float, clip: tuple) -> None:
    """Alternate wedges from (cx, cy) out to `radius`, clipped to the rectangle `clip` (x, y, w, h)."""
    canv.saveState()
    path = canv.beginPath()
    path.rect(*clip)
    canv.clipPath(path, stroke=0, fill=0)
    canv.setFillColor(color)
    step = 2 * math.pi / RAYS
    for i in range(0, RAYS, 2):
        a0, a1 = i * step, (i + 1) * step
        wedge = canv.beginPath()
        wedge.moveTo(cx, cy)
        wedge.lineTo(cx + radius * math.cos(a0), cy + radius * math.sin(a0))
        wedge.lineTo(cx + radius * math.cos(a1), cy + radius * math.sin(a1))
        wedge.close()
        canv.drawPath(wedge, stroke=0, fill=1)
    canv.restoreState()


def fret_corner(canv: Canvas, color: CMYKColor, x: float, y: float, unit: float, sx: int, sy: int) -> None:
    """A 回纹 corner at (x, y) pointing into the page by (sx, sy) = (±1, ±1): a square spiral
    hooked onto two arms that run along the edges."""
    pts = [(0, 9), (0, 0), (9, 0)]  # the two arms
    spiral = [(3, 6), (3, 3), (6, 3), (6, 5), (4.5, 5), (4.5, 4.3)]
    canv.saveState()
    canv.setStrokeColor(color)
    canv.setLineWidth(unit * 0.55)
    canv.setLineCap(0)
    canv.setLineJoin(0)
    for shape in (pts, spiral):
        path = canv.beginPath()
        path.moveTo(x + sx * shape[0][0] * unit, y + sy * shape[0][1] * unit)
        for px, py in shape[1:]:
            path.lineTo(x + sx * px * unit, y + sy * py * unit)
        canv.drawPath(path, stroke=1, fill=0)
    canv.restoreState()


def fret_frame(canv: Canvas, color: CMYKColor, x: float, y: float, w: float, h: float, unit: float) -> None:
    """回纹 corners at the four corners of the rectangle (x, y, w, h)."""
    for cx, cy, sx, sy in ((x, y, 1, 1), (x + w, y, -1, 1), (x, y + h, 1, -1), (x + w, y + h, -1, -1)):
        fret_corner(canv, color, cx, cy, unit, sx, sy)
