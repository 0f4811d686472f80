"""Leaflet building blocks: fonts, paragraph kit, labels, lists, columns, QR code, page furniture.

Every block is a reportlab flowable measured before it is drawn: the layouts
(`leaflet_layouts`) stack blocks into panels and columns, measure them (`stack_height`,
`flow_columns`), choose sizes so every panel is filled and nothing overflows, and only
then draw them on a canvas. No platypus document runs: the layouts place everything.

Coordinates: reportlab's, in points, on a media box that is the trim box plus bleed
plus a slug for the crop marks. `Sheet` converts from trim-relative, top-down positions.
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.colors import CMYKColor
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from qmposter import __version__
from qmposter.errors import FontError, LayoutError
from qmposter.fonts import FontFace, font_for_role, load_font
from qmposter.layout.qr import qr_item
from qmposter.products.leaflet_content import LAYOUT_NAMES_ZH, LeafletContent, first_sentences
from qmposter.products.leaflet_style import MM, FontRef, LeafletStyle
from qmposter.products.leaflet_text import PHRASE, CJKParagraph, Span, break_opportunities, char_width, register_face

QR_BORDER = 4  # quiet-zone modules, qr_item's default
SLUG_MM = 10.0  # media margin outside the trim: bleed, then the crop marks
MARK_LENGTH_MM = 5.0
REGISTRATION = CMYKColor(1, 1, 1, 1)
_ROLE_FALLBACK = {
    "songti": ("heiti",),
    "kaiti": ("songti", "heiti"),
    "fangsong": ("songti", "heiti"),
    "display": ("heiti",),
}


# -- fonts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fonts:
    """The four leaflet fonts: reportlab names and the faces behind them (for glyph checks)."""

    names: dict[str, str]
    faces: dict[str, FontFace]


def resolve_fonts(style: LeafletStyle) -> Fonts:
    """Load the style's fonts; a role the bundle lacks falls back (宋体→黑体, 楷体→宋体→黑体)."""
    faces = {key: _face(ref) for key, ref in style.fonts.items()}
    return Fonts({key: register_face(face) for key, face in faces.items()}, faces)


def _face(ref: FontRef) -> FontFace:
    if ref.ref:
        return load_font(ref.ref)
    assert ref.role is not None
    error: FontError | None = None
    for role in (ref.role, *_ROLE_FALLBACK.get(ref.role, ())):
        try:
            return font_for_role(role, ref.weight)
        except FontError as exc:
            error = error or exc
    assert error is not None
    raise error


# -- building blocks -------------------------------------------------------------------------


class Kit:
    """Makes the leaflet's paragraphs for one body size, in the style's fonts and colours."""

    def __init__(self, style: LeafletStyle, fonts: Fonts, size: float) -> None:
        self.style = style
        self.fonts = fonts
        self.size = size
        self.base = style.base_size

    def color(self, key: str) -> CMYKColor:
        return self.style.colors[key]

    def span(self, text: str, font: str = "body", size: float | None = None, color: str = "ink") -> Span:
        return Span(text, self.fonts.names[font], size or self.size, self.color(color))

    def para(
        self,
        spans: str | Sequence[Span],
        *,
        font: str = "body",
        size: float | None = None,
        color: str = "ink",
        align: str = "justify",
        leading: float | None = None,
        before: float = 0.0,
        after: float = 0.0,
        keep: bool = False,
        phrase: bool = False,
        indent: float = 0.0,
        label: str = "",
        hide_line_end_comma: bool = False,
    ) -> CJKParagraph:
        size = size or self.size
        if isinstance(spans, str):
            spans = [self.span(spans, font, size, color)]
        top = max(self.fonts.faces[f].ideo_top for f in self.fonts.faces)
        return CJKParagraph(
            spans,
            leading=size * (leading or self.style.leading),
            align=align,
            first_indent=indent,
            space_before=before,
            space_after=after,
            keep_with_next=keep,
            phrase_first=phrase,
            ideo_top=top,
            label=label,
            hide_line_end_comma=hide_line_end_comma,
        )

    def heading(
        self, text: str, *, color: str = "primary", before: float = 0.0, after: float | None = None
    ) -> CJKParagraph:
        size = self.size * self.style.heading_scale
        return self.para(
            text, font="heading", size=size, color=color, align="left", leading=1.4, before=before,
            after=self.size * 0.5 if after is None else after, keep=True,
        )  # fmt: skip


class Rule(Flowable):
    """A short horizontal rule (a design accent), left-aligned in its column."""

    def __init__(self, length: float, thickness: float, color: CMYKColor, *, before: float = 0.0, after: float = 0.0):
        super().__init__()
        self.length, self.thickness, self.color = length, thickness, color
        self.spaceBefore, self.spaceAfter = before, after

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.length = min(self.length, availWidth)
        return self.length, self.thickness

    def draw(self) -> None:
        self.canv.setFillColor(self.color)
        self.canv.rect(0, 0, self.length, self.thickness, stroke=0, fill=1)


class Hanging(Flowable):
    """A paragraph indented by `indent`, with a mark (drawn by the subclass) hanging to its left."""

    def __init__(self, para: CJKParagraph, indent: float, after: float) -> None:
        super().__init__()
        self.para, self.indent = para, indent
        self.spaceAfter = after

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        _w, h = self.para.wrap(availWidth - self.indent, availHeight)
        self.width, self.height = availWidth, h
        return availWidth, h


class Bulleted(Hanging):
    """A paragraph with a small square bullet hanging to its left (slogan lists)."""

    def __init__(self, para: CJKParagraph, color: CMYKColor, size: float, *, after: float = 0.0) -> None:
        super().__init__(para, size * 1.1, after)
        self.color, self.size = color, size

    def draw(self) -> None:
        side = self.size * 0.32
        first_line_middle = self.height - self.para.leading / 2
        self.canv.setFillColor(self.color)
        self.canv.rect(self.size * 0.15, first_line_middle - side / 2, side, side, stroke=0, fill=1)
        self.para.drawOn(self.canv, self.indent, 0)


def stack_height(items: Sequence[Flowable], width: float) -> float:
    """Height of flowables set one under another (inner spaces included, outer ones not)."""
    total = 0.0
    for index, item in enumerate(items):
        _w, h = item.wrap(width, 1e9)
        total += h
        if index:
            total += item.getSpaceBefore()
        if index < len(items) - 1:
            total += item.getSpaceAfter()
    return total


def draw_stack(canv: Canvas, items: Sequence[Flowable], x: float, top: float, width: float) -> float:
    """Draw flowables one under another from `top` (reportlab y) down; return the bottom y."""
    y = top
    for index, item in enumerate(items):
        if index:
            y -= item.getSpaceBefore()
        _w, h = item.wrap(width, 1e9)
        item.drawOn(canv, x, y - h)
        y -= h
        if index < len(items) - 1:
            y -= item.getSpaceAfter()
    return y


def fit_headline(
    kit: Kit, text: str, width: float, *, color: str, max_lines: int, align: str = "left", largest: float | None = None
) -> CJKParagraph:
    """The theme at the largest size (headline_max or `largest` … headline_min, 1 pt steps) that
    fits in `max_lines` lines, breaking only between phrases if any size allows it."""
    style = kit.style
    top = min(largest or style.headline_max, style.headline_max)
    sizes = [top - step for step in range(int(top - style.headline_min) + 1)]
    for phrase_only in (True, False):
        for size in sizes:
            para = kit.para(text, font="headline", size=size, color=color, align=align, leading=1.28, phrase=True,
                            label="主题", hide_line_end_comma=True)  # fmt: skip
            lines = para.lines_for(width)
            if len(lines) <= max_lines and (not phrase_only or phrase_breaks_only(para, lines)):
                return para
    raise LayoutError(
        f"活动主题“{text}”太长，在最小字号 {style.headline_min:g} pt 下仍排不进 {max_lines} 行（{style.path}）。",
        hint="在版式文件中调小 text.headline_min，或缩短 campaign.toml 的 theme。",
    )


def phrase_breaks_only(para: CJKParagraph, lines: Sequence) -> bool:
    """Whether every line after the first starts at a phrase boundary (，or a space)."""
    breaks = break_opportunities(para.text)
    return all(breaks.get(line.start) == PHRASE for line in lines[1:])


def plan_story(kit: Kit, content: LeafletContent, detail: int, section: str = "") -> list[Flowable]:
    """Group headings and run-in activities: number, title and `detail` sentences of text
    (0 = the whole text, -1 = titles only: the plan condensed for the public).

    Titles are bold unless the notice's titles are whole sentences (mean length above
    text.bold_title_max_chars): a list of bold sentences is a bold page, not a hierarchy.
    A group named like the `section` label above it ("活动内容" under 活动内容) is not
    printed twice. Activities are separated by stretchable gaps, so a short plan can be
    spread to the height of its column or panel.
    """
    story: list[Flowable] = []
    gap = kit.size * kit.style.leading * (0.35 if detail >= 0 else 0.12)
    bold = bold_titles(content, kit.style)
    numbers = [str(a.number) for a in content.activities] or ["0"]
    widest = max(char_width_of(n, kit.fonts.names["heading"], kit.size) for n in numbers)
    for group in content.groups:
        if group.heading and _bare(group.heading) != _bare(section):
            before = gap * 2.2 if story else 0.0  # the first group sits right under its section label
            story.append(
                kit.para(group.heading, font="heading", size=kit.size * kit.style.group_scale, color="primary",
                         align="left", leading=1.45, before=before, after=gap * 0.8, keep=True, label="活动分组")
            )  # fmt: skip
        for item in group.activities:
            title, rest = split_title(item.title, item.text)
            text = "" if detail < 0 else first_sentences(rest, detail)[0]
            if not text:
                title = title.rstrip("。")
            number = kit.span(str(item.number), "heading", color="primary")
            pad = widest - char_width_of(number.text, number.font, number.size)  # titles align after 9 | 10
            spans = [
                Span(number.text, number.font, number.size, number.color, kit.size * 0.45 + pad),
                kit.span(title, "heading" if bold and text else "body"),
            ]
            if text:
                spans.append(kit.span(text, "body"))
            if story and not getattr(story[-1], "keepWithNext", False):
                story.append(Gap(gap))
            story.append(kit.para(spans, align="justify" if text else "left", label=f"活动 {item.number}"))
    return story


def _bare(text: str) -> str:
    """A heading without its numbering and punctuation ("二、活动内容" → "活动内容")."""
    return re.sub(r"^[（(]?[一二三四五六七八九十\d]+[)）、.．]?|[\s：:。]", "", text)


def plan_chars(content: LeafletContent, detail: int) -> int:
    """Characters of activity text (titles excluded) printed at `detail`: the wall-of-text measure."""
    if detail < 0:
        return 0
    return sum(len(first_sentences(split_title(a.title, a.text)[1], detail)[0]) for a in content.activities)


def char_width_of(text: str, font: str, size: float) -> float:
    return sum(char_width(ch, font, size) for ch in text)


def bold_titles(content: LeafletContent, style: LeafletStyle) -> bool:
    """Whether run-in titles are set bold (see activity_story)."""
    titles = [a.title for g in content.groups for a in g.activities]
    return not titles or sum(map(len, titles)) / len(titles) <= style.bold_title_max_chars


def split_title(title: str, text: str) -> tuple[str, str]:
    """The run-in title (with the mark that ends it) and the rest of the text.

    Notices repeat the title as the first sentence of the text ("开展联合宣传。根据…"),
    so that copy is dropped; a title without its own ending mark gets "。" when text follows.
    """
    rest = text.strip()
    if rest.startswith(title):
        rest = rest[len(title) :]
        if rest[:1] in _TITLE_ENDS:
            title, rest = title + rest[0], rest[1:]
    if rest and title[-1:] not in _TITLE_ENDS:
        title += "。"
    return title, rest.strip()


_TITLE_ENDS = "。！？：；，、"


# -- geometry and page furniture ----------------------------------------------------------------


@dataclass(frozen=True)
class Sheet:
    """Trim size and offset of the trim box inside the media box, in points."""

    width: float
    height: float
    bleed: float
    offset: float

    @property
    def media(self) -> tuple[float, float]:
        return self.width + 2 * self.offset, self.height + 2 * self.offset

    def x(self, x: float) -> float:
        """Media x of a trim-relative x."""
        return self.offset + x

    def y(self, t: float) -> float:
        """Media y of a trim-relative distance `t` from the top edge."""
        return self.offset + self.height - t

    def box(self, grow: float = 0.0) -> tuple[float, float, float, float]:
        o = self.offset - grow
        return o, o, o + self.width + 2 * grow, o + self.height + 2 * grow


def sheet_for(style: LeafletStyle) -> Sheet:
    return Sheet(style.width_mm * MM, style.height_mm * MM, style.bleed_mm * MM, SLUG_MM * MM)


def draw_crop_marks(canv: Canvas, sheet: Sheet, folds: Sequence[float] = ()) -> None:
    """Crop marks at the four corners, outside the bleed; short dashed fold marks at `folds` (trim x)."""
    start, length = sheet.bleed, MARK_LENGTH_MM * MM
    x0, y0, x1, y1 = sheet.box()
    canv.saveState()
    canv.setStrokeColor(REGISTRATION)
    canv.setLineWidth(0.25)
    for x, y, dx, dy in ((x0, y0, -1, -1), (x1, y0, 1, -1), (x0, y1, -1, 1), (x1, y1, 1, 1)):
        canv.line(x + dx * start, y, x + dx * (start + length), y)
        canv.line(x, y + dy * start, x, y + dy * (start + length))
    canv.setDash(1.5, 1.5)
    for fold in folds:
        fx = sheet.x(fold)
        canv.line(fx, y0 - start, fx, y0 - start - length)
        canv.line(fx, y1 + start, fx, y1 + start + length)
    canv.restoreState()


def draw_qr(canv: Canvas, kit: Kit, data: str, x: float, y: float, size: float) -> None:
    """A vector QR code (quiet zone included) with its lower-left corner at (x, y)."""
    item = qr_item(data, 0, 0, size, label="传单二维码")
    count = len(item.modules)
    module = size / count
    canv.saveState()
    canv.setFillColor(kit.color("paper"))
    canv.rect(x, y, size, size, stroke=0, fill=1)
    canv.setFillColor(CMYKColor(0, 0, 0, 1))
    for row, cells in enumerate(item.modules):
        for dark, run in itertools.groupby(enumerate(cells), key=lambda c: c[1]):
            run = list(run)
            if dark:
                col = run[0][0]
                canv.rect(x + col * module, y + size - (row + 1) * module, len(run) * module, module, stroke=0, fill=1)
    canv.restoreState()


def qr_quiet_zone(data: str, size: float) -> float:
    """Width of the code's quiet zone (light border) at `size`, to align its dark modules with text."""
    item = qr_item(data, 0, 0, size, label="传单二维码")
    return size * QR_BORDER / len(item.modules)


def fill_rect(canv: Canvas, color: CMYKColor, x: float, y: float, w: float, h: float) -> None:
    canv.setFillColor(color)
    canv.rect(x, y, w, h, stroke=0, fill=1)




# -- labels and lists --------------------------------------------------------------------------


class Label(Flowable):
    """A section label: white heading on a red tab, a hairline running on to the column's edge."""

    def __init__(self, kit: Kit, text: str, size: float, *, before: float = 0.0, after: float = 0.0) -> None:
        super().__init__()
        self.kit, self.text, self.size = kit, text, size
        self.para = kit.para(text, font="heading", size=size, color="on_primary", align="left", leading=1.0)
        self.pad = size * 0.55
        self.spaceBefore, self.spaceAfter = before, after
        self.keepWithNext = True

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width, self.height = availWidth, self.size * 1.75
        return self.width, self.height

    def draw(self) -> None:
        text_w = sum(self.para._widths)
        tab_w = min(text_w + 2 * self.pad, self.width)
        canv = self.canv
        canv.saveState()
        canv.setFillColor(self.kit.color("primary"))
        canv.rect(0, 0, tab_w, self.height, stroke=0, fill=1)
        canv.setStrokeColor(self.kit.color("primary"))
        canv.setLineWidth(0.9)
        canv.line(tab_w, 0.45, self.width, 0.45)
        canv.restoreState()
        self.para.wrap(text_w + 1, self.height)
        self.para.drawOn(canv, self.pad, (self.height - self.para.height) / 2)


class Numbered(Hanging):
    """A paragraph hanging from a number in a red disc (the public tips)."""

    def __init__(self, kit: Kit, number: int, para: CJKParagraph, *, after: float = 0.0) -> None:
        super().__init__(para, para.leading * 1.4, after)
        self.kit, self.number = kit, number
        self.disc = para.leading * 0.95

    def draw(self) -> None:
        canv = self.canv
        radius = self.disc / 2
        cy = self.height - self.para.leading / 2
        canv.saveState()
        canv.setFillColor(self.kit.color("primary"))
        canv.circle(radius, cy, radius, stroke=0, fill=1)
        canv.setFillColor(self.kit.color("on_primary"))
        size = self.disc * 0.62
        canv.setFont(self.kit.fonts.names["heading"], size)
        canv.drawCentredString(radius, cy - size * 0.36, str(self.number))
        canv.restoreState()
        self.para.drawOn(canv, self.indent, 0)


class Gap(Flowable):
    """Fixed vertical space that `spread` may widen (a stretchable gap between blocks)."""

    def __init__(self, height: float, *, stretch: bool = True) -> None:
        super().__init__()
        self.gap, self.stretch = height, stretch

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return availWidth, self.gap

    def draw(self) -> None:
        pass


def spread(items: Sequence[Flowable], width: float, height: float, max_factor: float = 4.0) -> list[Flowable]:
    """The items with their stretchable Gaps widened (up to `max_factor` times) to fill `height`:
    a short panel is set with more air between its blocks, not left empty at the bottom."""
    gaps = [i for i in items if isinstance(i, Gap) and i.stretch]
    free = height - stack_height(items, width)
    if not gaps or free <= 0:
        return list(items)
    total = sum(g.gap for g in gaps) or 1.0
    grow = min(free / total, max_factor - 1)
    return [Gap(i.gap * (1 + grow), stretch=False) if isinstance(i, Gap) and i.stretch else i for i in items]


# -- columns -------------------------------------------------------------------------------------


def flow_columns(items: Sequence[Flowable], width: float, heights: Sequence[float]) -> list[list[Flowable]] | None:
    """Pour `items` into columns of the given heights (top to bottom, left to right), splitting
    paragraphs (two lines at least on each side) and keeping a heading (keepWithNext) with
    what follows; None when they do not all fit. A Gap never opens a column."""
    columns: list[list[Flowable]] = [[] for _ in heights]
    queue = list(items)
    col, used = 0, 0.0
    while queue:
        if col >= len(heights):
            return None
        item = queue[0]
        if isinstance(item, Gap) and not columns[col]:
            queue.pop(0)
            continue
        room = heights[col] - used - (item.getSpaceBefore() if columns[col] else 0.0)
        need = _with_next(queue, width)
        _w, h = item.wrap(width, room)
        if h <= room + 1e-6 and need <= room + 1e-6:
            columns[col].append(queue.pop(0))
            used += h + (item.getSpaceBefore() if len(columns[col]) > 1 else 0.0) + item.getSpaceAfter()
            continue
        parts = item.split(width, room) if not getattr(item, "keepWithNext", False) and room > 0 else []
        if len(parts) == 2:
            columns[col].append(parts[0])
            queue[0] = parts[1]
        elif not columns[col]:
            return None  # does not fit even in an empty column
        col, used = col + 1, 0.0
    return columns


def _with_next(queue: Sequence[Flowable], width: float) -> float:
    """Height a keepWithNext item needs: itself and the first two lines of what follows."""
    item = queue[0]
    _w, h = item.wrap(width, 1e9)
    if not getattr(item, "keepWithNext", False) or len(queue) < 2:
        return h
    follower = queue[1]
    _w, fh = follower.wrap(width, 1e9)
    lead = getattr(follower, "leading", fh)
    splittable = fh >= 4 * lead - 1e-6  # two lines on each side of a split
    return h + item.getSpaceAfter() + (2 * lead if splittable else fh)


def balance_columns(items: Sequence[Flowable], width: float, height: float, count: int) -> list[list[Flowable]] | None:
    """`count` columns of at most `height`, as even as they can be: the shortest column height
    that still holds everything (bisection to half a point); None when nothing fits."""
    if flow_columns(items, width, [height] * count) is None:
        return None
    low, high = 0.0, height
    while high - low > 0.5:
        mid = (low + high) / 2
        if flow_columns(items, width, [mid] * count) is None:
            low = mid
        else:
            high = mid
    return flow_columns(items, width, [high] * count)


def column_height(column: Sequence[Flowable], width: float) -> float:
    return stack_height(column, width)


# -- the document ----------------------------------------------------------------------------------


def new_canvas(
    buffer: io.BytesIO, sheet: Sheet, content: LeafletContent, style: LeafletStyle, body_font: str
) -> Canvas:
    """A canvas with trim and bleed boxes, metadata, and the body font as its initial font
    (never an unembedded Helvetica); invariant, so the same input gives the same bytes."""
    canv = Canvas(
        buffer,
        pagesize=sheet.media,
        invariant=1,
        initialFontName=body_font,
        trimBox=sheet.box(),
        bleedBox=sheet.box(sheet.bleed),
        lang="zh-CN",
    )
    canv.setTitle(content.title)
    canv.setAuthor("、".join(content.issuers) or "qmposter")
    canv.setSubject(f"{LAYOUT_NAMES_ZH[style.layout]}：{content.theme}")
    canv.setCreator(f"qmposter {__version__}")
    canv.setProducer(f"qmposter {__version__} (ReportLab)")
    canv.setKeywords(["质量月", str(content.year), content.source or ""])
    return canv


def end_page(canv: Canvas, style: LeafletStyle, sheet: Sheet, folds: Sequence[float] = ()) -> None:
    """Crop and fold marks on top of everything, then the next page."""
    if style.crop_marks:
        draw_crop_marks(canv, sheet, folds)
    canv.showPage()
