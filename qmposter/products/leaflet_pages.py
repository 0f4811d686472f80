"""Leaflet page layouts (A4 two-page and A4 tri-fold) drawn with reportlab platypus.

Fixed blocks (headline band, guiding idea, slogans, QR code, hotline, issuers) are
stacks of flowables drawn by the page templates; the activities flow through frames
(two columns per A4 page; the three inside panels of the tri-fold), with group
headings kept with their first activity (keepWithNext) and paragraphs split with at
least two lines on each side. A third page template catches overflow: a layout that
needs it does not fit, and the fitting tries the next, shorter setting.

Coordinates: reportlab's, in points, on a media box that is the trim box plus bleed
plus a slug for the crop marks. `Sheet` converts from trim-relative, top-down
millimetre-like positions.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reportlab.lib.colors import CMYKColor
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, NextPageTemplate, PageBreak, PageTemplate
from reportlab.platypus.doctemplate import LayoutError as RLLayoutError

from qmposter import __version__
from qmposter.errors import FontError, LayoutError
from qmposter.fonts import FontFace, font_for_role, load_font
from qmposter.layout.qr import qr_item
from qmposter.products.leaflet import LAYOUT_NAMES_ZH, LeafletContent, first_sentences
from qmposter.products.leaflet_style import MM, FontRef, LeafletStyle
from qmposter.products.leaflet_text import PHRASE, CJKParagraph, Span, break_opportunities, register_face

EXPECTED_PAGES = 2
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


@dataclass(frozen=True)
class Attempt:
    """One setting the fitting tries: body size, slogans kept, sentences per activity (0 = all).

    `guiding_inside` (tri-fold only): the guiding idea opens the inside pages instead of
    sharing the flap with the slogans — preferred when it fits, so a short notice fills
    the inside and leaves the flap to the slogans.
    """

    size: float
    slogans: int
    sentences: int
    guiding_inside: bool = False


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


class Bulleted(Flowable):
    """A paragraph with a small square bullet hanging to its left (slogan lists)."""

    def __init__(self, para: CJKParagraph, color: CMYKColor, size: float, *, after: float = 0.0) -> None:
        super().__init__()
        self.para, self.color, self.size = para, color, size
        self.indent = size * 1.1
        self.spaceAfter = after

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        _w, h = self.para.wrap(availWidth - self.indent, availHeight)
        self.width, self.height = availWidth, h
        return availWidth, h

    def draw(self) -> None:
        if is_dry(self.canv):
            return
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


def fit_headline(kit: Kit, text: str, width: float, *, color: str, max_lines: int, align: str = "left") -> CJKParagraph:
    """The theme at the largest size (headline_max … headline_min, 1 pt steps) that fits in
    `max_lines` lines, breaking only between phrases if any size allows it."""
    style = kit.style
    sizes = [style.headline_max - step for step in range(int(style.headline_max - style.headline_min) + 1)]
    for phrase_only in (True, False):
        for size in sizes:
            para = kit.para(text, font="headline", size=size, color=color, align=align, leading=1.28, phrase=True,
                            label="主题", hide_line_end_comma=True)  # fmt: skip
            lines = para.lines_for(width)
            if len(lines) <= max_lines and (not phrase_only or _phrase_breaks_only(para, lines)):
                return para
    raise LayoutError(
        f"活动主题“{text}”太长，在最小字号 {style.headline_min:g} pt 下仍排不进 {max_lines} 行（{style.path}）。",
        hint="在版式文件中调小 text.headline_min，或缩短 campaign.toml 的 theme。",
    )


def _phrase_breaks_only(para: CJKParagraph, lines: Sequence) -> bool:
    breaks = break_opportunities(para.text)
    return all(breaks.get(line.start) == PHRASE for line in lines[1:])


def activity_story(kit: Kit, content: LeafletContent, sentences: int) -> tuple[list[Flowable], bool]:
    """Group headings and run-in activities (number, title, text); True if any text was shortened.

    Titles are bold unless the notice's titles are whole sentences (mean length above
    text.bold_title_max_chars): a list of bold sentences is a bold page, not a hierarchy.
    """
    story: list[Flowable] = []
    shortened = False
    gap = kit.size * kit.style.leading * 0.35
    bold = bold_titles(content, kit.style)
    for group in content.groups:
        if group.heading:
            story.append(
                kit.para(group.heading, font="heading", size=kit.size * kit.style.group_scale, color="primary",
                         align="left", leading=1.45, before=gap * 1.6, after=gap * 0.6, keep=True, label="活动分组")
            )  # fmt: skip
        for item in group.activities:
            title, rest = split_title(item.title, item.text)
            text, cut = first_sentences(rest, sentences)
            shortened = shortened or cut
            number = kit.span(str(item.number), "heading", color="primary")
            spans = [
                Span(number.text, number.font, number.size, number.color, kit.size * 0.45),
                kit.span(title, "heading" if bold else "body"),
            ]
            if text:
                spans.append(kit.span(text, "body"))
            story.append(kit.para(spans, after=gap, label=f"活动 {item.number}"))
    return story, shortened


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


def slogan_items(kit: Kit, slogans: Sequence[str]) -> list[Flowable]:
    size = kit.size * kit.style.slogan_scale
    return [
        Bulleted(kit.para(text, font="quote", size=size, align="left", leading=1.45, phrase=True, label="口号"),
                 kit.color("primary"), size, after=size * 0.35)
        for text in slogans
    ]  # fmt: skip


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


# -- running the document --------------------------------------------------------------------


@dataclass
class Plan:
    """One layout attempt: page templates (first, second, overflow) and the flowing story."""

    sheet: Sheet
    templates: list[PageTemplate]
    story: list[Flowable]
    font: str  # reportlab name of the body font: the canvas's initial font (never unembedded Helvetica)
    fixed_ok: bool = True


class _DryCanvas(Canvas):
    """A canvas for fitting: flowables are placed but draw nothing and nothing is written."""

    qm_dry = True

    def save(self) -> None:
        pass


def is_dry(canv: Canvas) -> bool:
    return getattr(canv, "qm_dry", False)


def run_plan(plan: Plan, content: LeafletContent, style: LeafletStyle, *, dry: bool) -> tuple[bytes, int]:
    """Build the document; return the PDF bytes (empty when dry) and the page count."""
    buffer = io.BytesIO()
    sheet = plan.sheet
    doc = BaseDocTemplate(
        buffer,
        pagesize=sheet.media,
        pageTemplates=plan.templates,
        invariant=1,
        initialFontName=plan.font,
        title=content.title,
        author="、".join(content.issuers) or "qmposter",
        subject=f"{LAYOUT_NAMES_ZH[style.layout]}：{content.theme}",
        creator=f"qmposter {__version__}",
        producer=f"qmposter {__version__} (ReportLab)",
        keywords=["质量月", str(content.year or ""), content.source],
        lang="zh-CN",
        trimBox=sheet.box(),
        bleedBox=sheet.box(sheet.bleed),
        leftMargin=0, rightMargin=0, topMargin=0, bottomMargin=0,
    )  # fmt: skip
    try:
        doc.build(plan.story, canvasmaker=_DryCanvas if dry else Canvas)
    except RLLayoutError:
        return b"", EXPECTED_PAGES + 1
    return (b"" if dry else buffer.getvalue()), doc.page


def frame(x: float, y: float, w: float, h: float, ident: str) -> Frame:
    return Frame(x, y, w, max(h, 1.0), leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id=ident)


def page_template(
    ident: str,
    frames: list[Frame],
    on_page: Callable[[Canvas], None],
    style: LeafletStyle,
    sheet: Sheet,
    *,
    folds: Sequence[float] = (),
    next_id: str | None = None,
) -> PageTemplate:
    """A page template whose fixed content is drawn by `on_page`, crop marks last (on top)."""

    def begin(canv: Canvas, _doc: BaseDocTemplate) -> None:
        if not is_dry(canv):
            on_page(canv)

    def end(canv: Canvas, _doc: BaseDocTemplate) -> None:
        if style.crop_marks and not is_dry(canv):
            draw_crop_marks(canv, sheet, folds)

    return PageTemplate(id=ident, frames=frames, onPage=begin, onPageEnd=end, autoNextPageTemplate=next_id)


def nothing(_canv: Canvas) -> None:
    """The overflow page draws nothing: reaching it means the attempt failed."""


def start_on_first_page(story: list[Flowable]) -> list[Flowable]:
    """For layouts whose first page holds no flowing text: go straight to the second page."""
    return [NextPageTemplate("second"), PageBreak(), *story]
