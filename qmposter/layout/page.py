"""The display list: what the layout engine decides and every backend draws.

All lengths are PostScript points (1/72 inch). Coordinates are measured from the
top-left corner of the trim box, x to the right and y downwards; the bleed extends
outside the trim box (negative coordinates and beyond width/height). Backends
never measure or wrap text: every glyph's position is fixed here, which is what
makes the PNG preview and the printed PDF the same picture.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise


@dataclass(frozen=True)
class Color:
    """An sRGB colour (0–255 per channel) with an optional CMYK equivalent (0–1).

    Backends use `cmyk` only when asked for CMYK output; otherwise the RGB value.
    """

    r: int
    g: int
    b: int
    cmyk: tuple[float, float, float, float] | None = None

    @property
    def hex(self) -> str:
        return f"#{self.r:02x}{self.g:02x}{self.b:02x}"


@dataclass(frozen=True)
class LinearGradient:
    """A linear gradient between two points (page coordinates) through colour stops."""

    x0: float
    y0: float
    x1: float
    y1: float
    stops: tuple[tuple[float, Color], ...]


@dataclass(frozen=True)
class Fill:
    """A filled rectangle: backgrounds, colour bands, frames."""

    x: float
    y: float
    width: float
    height: float
    paint: Color | LinearGradient


@dataclass(frozen=True)
class Line:
    """A straight stroked line."""

    x0: float
    y0: float
    x1: float
    y1: float
    width: float
    color: Color


@dataclass(frozen=True)
class Glyph:
    """One character placed on the page.

    `x`, `y` is the glyph origin on its baseline (for horizontal text) — the point a
    backend passes to its "draw this character here" call. `rotate` is a clockwise
    rotation in degrees about that origin (90 for Latin or brackets in vertical text).
    `char` is the character actually drawn (it may be a vertical presentation form);
    `source` is the character of the original text it stands for, kept for text
    extraction order and tests. An invisible glyph (`visible=False`, e.g. a phrase
    comma hidden at a line end or turned into a gap) is part of the text but not of
    the picture: raster and SVG skip it, PDF writes it as invisible text (render mode
    3) so copying and searching the print file still find the comma.
    """

    char: str
    x: float
    y: float
    rotate: int = 0
    source: str = ""
    visible: bool = True


@dataclass(frozen=True)
class GlyphRun:
    """Glyphs that share a font, a size and a colour, in reading order.

    `font_id` names a font known to qmposter.fonts (bundled id or a user font path);
    `text` is the run's logical text, as a reader would copy it: the sources of all its
    glyphs, invisible ones included.
    """

    font_id: str
    size: float
    color: Color
    glyphs: tuple[Glyph, ...]
    text: str


@dataclass(frozen=True)
class QRCode:
    """A QR code: `modules[row][col]` is True for a dark module, quiet zone included.

    Drawn as a square of side `size` at (x, y); each module is size/len(modules).
    """

    x: float
    y: float
    size: float
    modules: tuple[tuple[bool, ...], ...]
    data: str
    dark: Color
    light: Color


@dataclass(frozen=True)
class Picture:
    """A raster or vector image file (logo, background) scaled into a box."""

    x: float
    y: float
    width: float
    height: float
    path: str
    opacity: float = 1.0


@dataclass(frozen=True)
class Shape:
    """Filled vector polygons in one colour: ornaments (rays, 回纹, rings) that stay sharp in print.

    Polygons are painted in order: one with positive shoelace area (clockwise on the y-down
    page) adds to the shape, one with negative area cuts a hole in what came before — the
    non-zero winding rule for outlines listed outside-in (a ring is its outer circle, then its
    reversed inner circle). `opacity` applies to the whole shape, so overlaps are not darker.
    """

    polygons: tuple[tuple[tuple[float, float], ...], ...]
    color: Color
    opacity: float = 1.0


def signed_area(polygon: tuple[tuple[float, float], ...]) -> float:
    """Shoelace area on the y-down page: positive adds to a Shape, negative cuts a hole."""
    return 0.5 * sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in pairwise((*polygon, polygon[0])))


Item = Fill | Line | GlyphRun | QRCode | Picture | Shape

_PAINT_METHODS: dict[type, str] = {
    Fill: "fill", Line: "line", GlyphRun: "glyphs", QRCode: "qr", Picture: "picture", Shape: "shape",
}  # fmt: skip


def paint(painter: object, item: Item) -> None:
    """Call the backend's method for this item's type (fill, line, glyphs, qr, picture).

    One dispatch for every backend, so a new item type is added in one place.
    """
    method = _PAINT_METHODS.get(type(item))
    if method is None:
        raise TypeError(f"unknown display-list item {type(item).__name__}")
    getattr(painter, method)(item)


@dataclass(frozen=True)
class PageMeta:
    """Document metadata, written into PDF info and SVG titles."""

    title: str = ""
    author: str = ""
    subject: str = ""
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class Page:
    """One page: trim size in points, bleed, and items painted in order.

    `crop_marks` asks print backends to draw crop marks outside the bleed;
    `monochrome` marks 1-bit output (LED bitmaps) where anti-aliasing is wrong.
    `viewport` is the width of the window a scrolling LED strip is shown through (the
    panel); 0 when the page is the whole picture. `fixed_items` counts the leading items
    painted before the first one made from the slogan (ground, ornaments, the campaign's own
    lines): other slogans' pages of the template that take the same layout branches begin
    with the same items, so a backend may keep its work on them (0: not known).
    """

    width: float
    height: float
    items: tuple[Item, ...]
    bleed: float = 0.0
    crop_marks: bool = False
    monochrome: bool = False
    meta: PageMeta = field(default_factory=PageMeta)
    viewport: float = 0.0
    fixed_items: int = 0
