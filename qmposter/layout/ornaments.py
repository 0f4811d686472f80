"""Vector ornaments: rays, 回纹 corners, rings, ribbons, dot grids and arcs as polygons.

Print files must stay sharp at any size (a 600-px ray bitmap was 39 ppi on A2), so the
decorations a template asks for with `type = "ornament"` are computed here as filled
polygons in page points and handed to the backends as `Shape` items, like any other
display-list item. Everything is fixed geometry (no randomness): same template, same
shapes. All are our own abstract figures, never an emblem or a logo.

Each pattern returns layers: (polygons, relative opacity). Polygon orientation matters:
positive shoelace area (clockwise on a y-down page) fills, negative area cuts a hole
(`Shape` documents the rule), so a ring is its outer circle followed by its reversed
inner circle.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from qmposter.disk_cache import AnswerFile
from qmposter.layout.page import signed_area
from qmposter.layout.textbox import Box

Point = tuple[float, float]
Polygon = tuple[Point, ...]
Layer = tuple[tuple[Polygon, ...], float]

CIRCLE_SEGMENTS = 144  # sagitta < 0.02 mm on a 60 mm ring: smooth at any print size


@dataclass(frozen=True)
class OrnamentSpec:
    """What a pattern needs besides its box: counts, a centre, a corner, a stroke and a pitch (points)."""

    pattern: str
    count: int
    origin: tuple[float, float]  # fractions of the box: the centre of rays and arcs
    corner: str  # huiwen: tl | tr | bl | br
    thickness: float  # ring width, stroke width of arcs and ribbon lines
    spacing: float  # dots: pitch


def _oriented(polygon: Polygon, positive: bool = True) -> Polygon:
    return polygon if (signed_area(polygon) >= 0) == positive else polygon[::-1]


def clip(polygon: Polygon, box: Box) -> Polygon:
    """Sutherland–Hodgman clip of a polygon to a rectangle (keeps orientation).

    A polygon wholly inside the box comes back as it is, and one wholly beyond an edge as
    nothing, without the four passes: that is what the passes give (a float difference is
    ≥ 0 exactly when the comparison holds), and most of a sunburst's 864 pieces are one or
    the other (rays were 4 ms of a poster's first layout).
    """
    xs, ys = [p[0] for p in polygon], [p[1] for p in polygon]
    if xs:
        left, right, top, bottom = min(xs), max(xs), min(ys), max(ys)
        x1, y1 = box.x + box.width, box.y + box.height
        if left >= box.x and right <= x1 and top >= box.y and bottom <= y1:
            return tuple(polygon)
        if right < box.x or left > x1 or bottom < box.y or top > y1:
            return ()
    return _clip_passes(polygon, box)


def _clip_passes(polygon: Polygon, box: Box) -> Polygon:
    edges: list[Callable[[Point], float]] = [
        lambda p: p[0] - box.x,
        lambda p: box.x + box.width - p[0],
        lambda p: p[1] - box.y,
        lambda p: box.y + box.height - p[1],
    ]
    points = list(polygon)
    for inside in edges:
        if not points:
            break
        out: list[Point] = []
        for k, current in enumerate(points):
            previous = points[k - 1]
            a, b = inside(previous), inside(current)
            if b >= 0:
                if a < 0:
                    out.append(_cross(previous, current, a, b))
                out.append(current)
            elif a >= 0:
                out.append(_cross(previous, current, a, b))
        points = out
    return tuple(points)


def _cross(p: Point, q: Point, a: float, b: float) -> Point:
    t = a / (a - b)
    return (p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1]))


def circle(cx: float, cy: float, r: float, *, positive: bool = True) -> Polygon:
    pts = tuple(
        (cx + r * math.cos(2 * math.pi * k / CIRCLE_SEGMENTS), cy + r * math.sin(2 * math.pi * k / CIRCLE_SEGMENTS))
        for k in range(CIRCLE_SEGMENTS)
    )
    return _oriented(pts, positive)


RAY_FADE_STEPS = 24
"""Rings a ray is cut into for its fade: opacity steps of ~4 % of the ray's own (under 1/255
of the page colour at the templates' 6 % opacity), so no banding shows in any backend."""
RAY_FADE_POWER = 0.7  # the fade of the old bitmap sunburst: (1 − d/reach) ** 0.7


def rays(box: Box, spec: OrnamentSpec) -> list[Layer]:
    """Light rays (放射光芒): `count` wedges from `origin`, clipped to the box, fading outwards.

    A sunburst is brightest at its centre and dies away towards the far corner. PDF and SVG
    have no common way to fade a path's opacity, so each wedge is cut into RAY_FADE_STEPS
    rings of falling opacity, one Shape each: every backend draws the same polygons with
    the same alphas, so PDF, SVG and PNG show the same fade.
    """
    count = spec.count or 36
    cx, cy = box.x + spec.origin[0] * box.width, box.y + spec.origin[1] * box.height
    corners = ((box.x, box.y), (box.x + box.width, box.y), (box.x, box.y + box.height),
               (box.x + box.width, box.y + box.height))  # fmt: skip
    reach = max(math.hypot(x - cx, y - cy) for x, y in corners)
    step = 2 * math.pi / count
    radii = [reach * k / RAY_FADE_STEPS for k in range(RAY_FADE_STEPS + 1)]
    layers: list[Layer] = []
    for ring_index, (r0, r1) in enumerate(pairwise(radii)):
        middle = (ring_index + 0.5) / RAY_FADE_STEPS
        alpha = (1 - middle) ** RAY_FADE_POWER
        pieces = []
        for k in range(count):
            a0, a1 = k * step, k * step + step / 2
            piece = _sector(cx, cy, r0, r1, a0, a1)
            clipped = clip(_oriented(piece), box)
            if len(clipped) >= 3 and abs(signed_area(clipped)) > 1e-6:
                pieces.append(clipped)
        if pieces:
            layers.append((tuple(pieces), alpha))
    return layers


def _sector(cx: float, cy: float, r0: float, r1: float, a0: float, a1: float) -> Polygon:
    """The part of a wedge between radii r0 and r1 (a triangle when r0 = 0): straight chords,
    like the wedge's own edges, so neighbouring rings share their boundary exactly."""
    outer = ((cx + r1 * math.cos(a0), cy + r1 * math.sin(a0)), (cx + r1 * math.cos(a1), cy + r1 * math.sin(a1)))
    if r0 <= 0:
        return ((cx, cy), *outer)
    inner = ((cx + r0 * math.cos(a1), cy + r0 * math.sin(a1)), (cx + r0 * math.cos(a0), cy + r0 * math.sin(a0)))
    return (*outer, *inner)


# 回纹 corner on a 15 × 15 grid (top-left corner; the others are mirrored): the two arms
# along the frame, the 回 spiral, and the step that closes the corner square.
_HUIWEN_PATHS: tuple[tuple[Point, ...], ...] = (
    ((0, 14), (0, 0), (14, 0)),
    ((6, 0), (6, 6), (2, 6), (2, 2), (4, 2), (4, 4)),
    ((0, 8), (8, 8), (8, 0)),
)
_HUIWEN_UNITS = 15
_HUIWEN_STROKE = 0.62  # of a grid unit


def huiwen(box: Box, spec: OrnamentSpec) -> list[Layer]:
    """A 回纹 corner: each straight stroke a rectangle (square ends), so joins fill cleanly."""
    unit = min(box.width, box.height) / _HUIWEN_UNITS
    half = unit * _HUIWEN_STROKE / 2
    flip_x, flip_y = spec.corner in ("tr", "br"), spec.corner in ("bl", "br")

    def place(x: float, y: float) -> Point:
        px, py = 0.5 * unit + x * unit, 0.5 * unit + y * unit
        return (box.x + (box.width - px if flip_x else px), box.y + (box.height - py if flip_y else py))

    rects = []
    for path in _HUIWEN_PATHS:
        for (x0, y0), (x1, y1) in pairwise(path):
            (ax, ay), (bx, by) = place(x0, y0), place(x1, y1)
            left, right = min(ax, bx) - half, max(ax, bx) + half
            top, bottom = min(ay, by) - half, max(ay, by) + half
            rects.append(_oriented(((left, top), (right, top), (right, bottom), (left, bottom))))
    return [(tuple(rects), 1.0)]


def ring(box: Box, spec: OrnamentSpec) -> list[Layer]:
    """A ring centred in the box, `thickness` wide (0 = a disc): the round campaign mark's rim."""
    cx, cy = box.x + box.width / 2, box.y + box.height / 2
    outer = min(box.width, box.height) / 2
    polygons = [circle(cx, cy, outer)]
    if 0 < spec.thickness < outer:
        polygons.append(circle(cx, cy, outer - spec.thickness, positive=False))
    return [(tuple(polygons), 1.0)]


def ribbons(box: Box, spec: OrnamentSpec) -> list[Layer]:
    """Flowing ribbons (飘带): bands between sine curves across the box, plus fine lines along them."""

    def curve(base: float, amp: float, phase: float) -> Callable[[float], float]:
        return lambda t: box.y + (base + amp * math.sin(2 * math.pi * (t + phase))) * box.height

    steps = 160
    ts = [k / steps for k in range(steps + 1)]
    layers: list[Layer] = []
    bands = (((0.50, 0.16, 0.05), (0.62, 0.12, 0.10), 0.47), ((0.60, 0.18, 0.12), (0.66, 0.15, 0.16), 0.35),
             ((0.42, 0.14, 0.20), (0.46, 0.12, 0.24), 0.27))  # fmt: skip
    for top_args, bottom_args, alpha in bands:
        top, bottom = curve(*top_args), curve(*bottom_args)
        outline = [(box.x + t * box.width, top(t)) for t in ts] + [(box.x + t * box.width, bottom(t)) for t in ts[::-1]]
        layers.append(((_oriented(tuple(outline)),), alpha))
    half = (spec.thickness or box.height / 400) / 2
    for phase, alpha in ((0.02, 0.63), (0.08, 0.47), (0.14, 0.35)):
        line = curve(0.56, 0.2, phase)
        outline = [(box.x + t * box.width, line(t) - half) for t in ts]
        outline += [(box.x + t * box.width, line(t) + half) for t in ts[::-1]]
        layers.append(((_oriented(tuple(outline)),), alpha))
    return layers


def dots(box: Box, spec: OrnamentSpec) -> list[Layer]:
    """A dot grid whose dots grow towards the `origin` side: a quiet 'precision' texture."""
    pitch = spec.spacing or min(box.width, box.height) / 40
    radius = (spec.thickness or pitch / 9) / 2
    cols, rows = int(box.width // pitch), int(box.height // pitch)
    ox, oy = box.x + spec.origin[0] * box.width, box.y + spec.origin[1] * box.height
    reach = math.hypot(box.width, box.height)
    polygons = []
    for row in range(rows):
        for col in range(cols):
            x, y = box.x + (col + 0.5) * pitch, box.y + (row + 0.5) * pitch
            scale = max(0.0, 1 - math.hypot(x - ox, y - oy) / (0.8 * reach))
            if scale > 0.15:
                r = radius * (0.4 + 0.6 * scale)
                polygons.append(_oriented(((x, y - r), (x + r, y), (x, y + r), (x - r, y))))
    return [(tuple(polygons), 1.0)]


def arcs(box: Box, spec: OrnamentSpec) -> list[Layer]:
    """Concentric rings about `origin`, clipped to the box, fainter outwards."""
    count = spec.count or 5
    cx, cy = box.x + spec.origin[0] * box.width, box.y + spec.origin[1] * box.height
    step = max(box.width, box.height) / (count + 1)
    width = spec.thickness or step / 30
    layers: list[Layer] = []
    for k in range(count):
        r = step * (k + 1)
        w = width * (2 if k % 2 == 0 else 1)
        outer, inner = clip(circle(cx, cy, r), box), clip(circle(cx, cy, r - w, positive=False), box)
        polygons = tuple(p for p in (outer, inner) if len(p) >= 3)
        if polygons:
            layers.append((polygons, 1.0 - 0.12 * k))
    return layers


PATTERNS: dict[str, Callable[[Box, OrnamentSpec], list[Layer]]] = {
    "rays": rays, "huiwen": huiwen, "ring": ring, "ribbons": ribbons, "dots": dots, "arcs": arcs,
}  # fmt: skip


_CACHE: dict[str, tuple[Layer, ...]] = {}
_CACHE_SIZE = 512  # distinct (box, spec) pairs kept; a template has a handful


def ornament(box: Box, spec: OrnamentSpec) -> list[Layer]:
    """The layers of `spec.pattern` in `box`, computed once per (box, spec) and kept for the
    process and, in the user cache folder, for the next one.

    The shapes depend only on the template's geometry, never on the slogan, and clipping
    the rays was ~4.5 ms of a poster's ~7 ms layout (still ~3.8 ms of a new process's first
    PDF). The key is the repr, so 0 and 0.0 or -0.0 and 0.0 (equal, but printed differently
    into PDF/SVG) never share an entry; the stored answer is marshal's exact copy of the
    tuples and floats.
    """
    key = repr((box, spec))
    layers = _CACHE.get(key)
    if layers is None:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.clear()
        stored = spec.pattern in STORED_PATTERNS
        layers = _STORED.get(key) if stored else None
        if layers is None:
            layers = tuple(PATTERNS[spec.pattern](box, spec))
            if stored:
                _STORED.put(key, layers)
        _CACHE[key] = layers
    return list(layers)


# Only what clipping makes slow is kept, and only small answers: every process reads the whole
# file, so a fine dot grid (2 MB) or a designer's many trial boxes must not grow it.
STORED_PATTERNS = frozenset({"rays", "arcs"})
MAX_STORED_BYTES = 256 << 10


def stored_answers() -> AnswerFile:
    """The ornaments' file in the user cache folder (a new process makes one)."""
    # key: this file, and the layout package's files (page.signed_area orients, textbox.Box is the key)
    return AnswerFile(
        "ornaments", Path(__file__), "qmposter.layout", max_entries=256, max_answer_bytes=MAX_STORED_BYTES
    )


_STORED = stored_answers()
