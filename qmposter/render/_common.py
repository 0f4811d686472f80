"""What all backends share: font lookup, colour conversion, QR geometry, gradients.

Kept in one place so the PNG preview and the PDF compute the same colours and the
same module runs; any difference between backends is then only in how they paint.
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

from qmposter.layout.page import Color, Glyph, GlyphRun, LinearGradient, QRCode

MM = 72 / 25.4  # points per millimetre


def font_path(font_id: str) -> Path:
    """The TrueType file of a GlyphRun's font (bundled id or user path), via qmposter.fonts."""
    from qmposter.fonts import load_font  # imported late: fonts loads its manifest on first use

    return Path(load_font(font_id).path)


def run_font_path(run: GlyphRun) -> Path:
    """The run's font file, after checking it has every glyph to draw (never a tofu box)."""
    from qmposter.fonts import load_font

    face = load_font(run.font_id)
    face.require("".join(g.char for g in run.glyphs), label=f"文字“{run.text}”")
    return Path(face.path)


def inks(glyph: Glyph) -> bool:
    """Whether a glyph puts ink on the picture (a hidden comma or a space is text only)."""
    return glyph.visible and bool(glyph.char) and not glyph.char.isspace()


def naive_cmyk(color: Color) -> tuple[float, float, float, float]:
    """`color.cmyk` if the template gave one, else the textbook RGB→CMYK (no ICC profile)."""
    if color.cmyk is not None:
        return color.cmyk
    r, g, b = color.r / 255, color.g / 255, color.b / 255
    k = 1 - max(r, g, b)
    if k >= 1:
        return (0.0, 0.0, 0.0, 1.0)
    return ((1 - r - k) / (1 - k), (1 - g - k) / (1 - k), (1 - b - k) / (1 - k), k)


def gradient_stops(paint: LinearGradient) -> tuple[tuple[float, Color], ...]:
    """Stops sorted by offset and clamped to [0, 1]; at least two (a single colour is repeated)."""
    stops = sorted(((min(1.0, max(0.0, t)), c) for t, c in paint.stops), key=lambda s: s[0])
    if not stops:
        raise ValueError("LinearGradient needs at least one stop")
    if len(stops) == 1:
        stops.append((1.0, stops[0][1]))
        stops[0] = (0.0, stops[0][1])
    return tuple(stops)


def gradient_color(stops: tuple[tuple[float, Color], ...], t: float) -> tuple[float, float, float]:
    """RGB (0–255, unrounded) at parameter t: linear between neighbouring stops, flat outside."""
    if t <= stops[0][0]:
        c = stops[0][1]
        return (c.r, c.g, c.b)
    for (t0, c0), (t1, c1) in pairwise(stops):
        if t <= t1:
            u = 0.0 if t1 == t0 else (t - t0) / (t1 - t0)
            return (c0.r + (c1.r - c0.r) * u, c0.g + (c1.g - c0.g) * u, c0.b + (c1.b - c0.b) * u)
    c = stops[-1][1]
    return (c.r, c.g, c.b)


def qr_runs(qr: QRCode) -> list[tuple[int, int, int]]:
    """Dark modules merged row-wise: (row, first column, run length), in reading order."""
    runs: list[tuple[int, int, int]] = []
    for r, row in enumerate(qr.modules):
        c = 0
        n = len(row)
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                runs.append((r, start, c - start))
            else:
                c += 1
    return runs


def fmt(v: float) -> str:
    """A number for PDF/SVG text: at most 4 decimals, no trailing zeros, no "-0"."""
    s = f"{v:.4f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s
