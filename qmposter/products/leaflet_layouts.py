"""The two leaflet layouts and the fitting that picks the richest setting that fits.

A4 (portrait, two pages): front = red headline band, guiding idea, activities in two
columns; back = activities continued, slogans panel, footer with QR code, hotline,
issuers and date.

Tri-fold (A4 landscape, roll fold): outside page, left to right = inner flap (guiding
idea and slogans) | back panel (QR code, hotline, issuers) | front cover (headline);
inside page = the activities flowing through three panels. Panel widths come from
the style (97/100/100 mm: the flap folds in, so it is narrower); inside, the order of
widths is mirrored (100/100/97 mm) because the sheet is turned over.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from qmposter.errors import LayoutError
from qmposter.products.leaflet import LAYOUT_NAMES_ZH, LeafletContent
from qmposter.products.leaflet_pages import (
    EXPECTED_PAGES,
    Attempt,
    Fonts,
    Kit,
    Plan,
    Rule,
    activity_story,
    bold_titles,
    draw_qr,
    draw_stack,
    fill_rect,
    fit_headline,
    frame,
    is_dry,
    nothing,
    page_template,
    qr_quiet_zone,
    resolve_fonts,
    run_plan,
    sheet_for,
    slogan_items,
    stack_height,
    start_on_first_page,
)
from qmposter.products.leaflet_style import MM, LeafletStyle

MIN_FLOW_HEIGHT_MM = 30.0
ABRIDGED_NOTE = "（据通知原文摘编）"


def render_leaflet(content: LeafletContent, style: LeafletStyle) -> tuple[bytes, Attempt]:
    """Fit and render the leaflet: the PDF and the setting used.

    LayoutError (Chinese) when even the sparest setting overflows.
    """
    fonts = resolve_fonts(style)
    check_glyphs(content, style, fonts)
    planner = PLANNERS[style.layout]

    def fits(attempt: Attempt) -> bool:
        plan = planner(content, style, fonts, attempt)
        return plan.fixed_ok and run_plan(plan, content, style, dry=True)[1] <= EXPECTED_PAGES

    tries = attempts(style, len(content.slogans))
    if fits(tries[-1]):  # when the sparsest setting overflows, no richer one fits: fail at once
        attempt = next(a for a in tries if fits(a))
        data, pages = run_plan(planner(content, style, fonts, attempt), content, style, dry=False)
        assert pages == EXPECTED_PAGES, pages
        return data, attempt
    smallest = min(style.body_sizes + style.fit_extra_sizes)
    fewest = min(style.fit_activity_sentences) or "全部"
    raise LayoutError(
        f"通知 {content.source} 的内容太多，{LAYOUT_NAMES_ZH[style.layout]}排不下：正文已缩到 {smallest:g} pt、"
        f"口号减到 {min(style.fit_slogans)} 条、每项活动只留 {fewest} 句，仍然超出两页。",
        hint=f"换用另一种版式（--layout），或在 {style.path} 中放宽 [text] body_sizes 与 [fit]，"
        "或在口号库中精简活动说明。",
    )


def attempts(style: LeafletStyle, available_slogans: int) -> list[Attempt]:
    """Settings from richest to sparest (see [fit] in the style file and docs/leaflet.md):
    whole texts before shortened ones, then larger type, then more slogans; the
    extra (smallest) sizes only after every text length failed at the normal sizes."""
    out: list[Attempt] = []
    for sizes in (style.body_sizes, style.fit_extra_sizes):
        for sentences in style.fit_activity_sentences:
            for size in sizes:
                for count in style.fit_slogans:
                    for inside in (True, False) if style.layout == "trifold" else (False,):
                        attempt = Attempt(size, min(count, available_slogans), sentences, inside)
                        if attempt not in out:
                            out.append(attempt)
    return out


def check_glyphs(content: LeafletContent, style: LeafletStyle, fonts: Fonts) -> None:
    """Every printed character must be in the font that draws it (no tofu boxes):
    MissingGlyphsError names the characters, the font and the notice."""
    activities = [a for g in content.groups for a in g.activities]
    bodies = [a.text for a in activities]
    titles = "".join(f"{a.number}{a.title}。" for a in activities)
    groups = [g.heading or "" for g in content.groups]
    texts = {
        "headline": [content.theme, str(content.year or ""), content.hotline],
        "heading": [content.kicker, "指导思想活动内容宣传口号质量投诉举报电话", *groups],
        "body": [content.qr_caption, *content.issuers, content.date or "", ABRIDGED_NOTE, *bodies],
        "quote": [content.guiding_idea or "", *content.slogans],
    }
    texts["heading" if bold_titles(content, style) else "body"].append(titles)
    for key, parts in texts.items():
        fonts.faces[key].require("".join(parts), label=f"传单，通知 {content.source}")


# -- A4 two pages ----------------------------------------------------------------------------


def a4_plan(content: LeafletContent, style: LeafletStyle, fonts: Fonts, attempt: Attempt) -> Plan:
    kit = Kit(style, fonts, attempt.size)
    head = Kit(style, fonts, style.base_size)  # the band and footer keep their size
    sheet = sheet_for(style)
    margin, gap = style.margin_mm * MM, style.column_gap_mm * MM
    width = sheet.width - 2 * margin
    column = (width - gap) / 2

    band = [
        head.para(content.kicker, font="heading", size=head.base * style.kicker_scale, color="on_primary",
                  align="left", leading=1.3),
        Rule(16 * MM, 1.5, kit.color("accent"), before=3.5 * MM, after=4.5 * MM),
        fit_headline(head, content.theme, width, color="on_primary", max_lines=2),
    ]  # fmt: skip
    band_pad_top, band_pad_bottom = 13 * MM, 11 * MM
    band_h = band_pad_top + stack_height(band, width) + band_pad_bottom

    label_w = 30 * MM
    guiding_label = [kit.heading("指导思想", after=0.0)] if content.guiding_idea else []
    guiding = [guiding_text(kit, content)] if content.guiding_idea else []
    guiding_top = band_h + 8 * MM
    guiding_h = max(stack_height(guiding_label, label_w), stack_height(guiding, width - label_w)) if guiding else 0.0
    guiding_h += 8 * MM if guiding else 0.0
    year = [year_para(head, content, 3.6, "right")] if content.year else []

    story, shortened = activity_story(kit, content, attempt.sentences)
    acts_heading = section_heading(kit, "活动内容", shortened)
    acts_top = guiding_top + guiding_h
    acts_h = stack_height(acts_heading, width)
    flow_top = acts_top + acts_h + 4.5 * MM

    footer_h, draw_footer = a4_footer(head, content, width, margin, sheet)
    footer_top = sheet.height - margin - footer_h
    slogans = content.slogans[: attempt.slogans]
    panel_h, draw_panel = slogan_panel(kit, slogans, width, gap)
    panel_top = footer_top - 6 * MM - panel_h if slogans else footer_top
    back_flow_bottom = panel_top - 7 * MM

    def front(canv: Canvas) -> None:
        fill_rect(canv, kit.color("primary"), sheet.x(-sheet.bleed), sheet.y(band_h), sheet.width + 2 * sheet.bleed,
                  band_h + sheet.bleed)  # fmt: skip
        draw_stack(canv, band, sheet.x(margin), sheet.y(band_pad_top), width)
        if year:
            draw_stack(canv, year, sheet.x(margin), sheet.y(band_pad_top - 2 * MM), width)
        if guiding:
            draw_stack(canv, guiding_label, sheet.x(margin), sheet.y(guiding_top), label_w)
            draw_stack(canv, guiding, sheet.x(margin + label_w), sheet.y(guiding_top), width - label_w)
        draw_stack(canv, acts_heading, sheet.x(margin), sheet.y(acts_top), width)
        draw_rule(canv, kit, sheet.x(margin), sheet.y(acts_top + acts_h + 1.5 * MM), width)

    def back(canv: Canvas) -> None:
        if slogans:
            draw_panel(canv, sheet.x(margin), sheet.y(panel_top))
        draw_footer(canv, footer_top)

    front_h = sheet.height - margin - flow_top
    back_h = back_flow_bottom - margin
    columns = [(margin, column), (margin + column + gap, column)]
    front_frames = [frame(sheet.x(x), sheet.y(sheet.height - margin), w, front_h, f"front{i}")
                    for i, (x, w) in enumerate(columns)]  # fmt: skip
    back_frames = [frame(sheet.x(x), sheet.y(back_flow_bottom), w, back_h, f"back{i}")
                   for i, (x, w) in enumerate(columns)]  # fmt: skip
    overflow = [frame(sheet.x(margin), sheet.y(sheet.height - margin), width, sheet.height - 2 * margin, "overflow")]
    templates = [
        page_template("first", front_frames, front, style, sheet, next_id="second"),
        page_template("second", back_frames, back, style, sheet, next_id="overflow"),
        page_template("overflow", overflow, nothing, style, sheet),
    ]
    ok = min(front_h, back_h) >= MIN_FLOW_HEIGHT_MM * MM
    return Plan(sheet, templates, story, fonts.names["body"], fixed_ok=ok)


def year_para(kit: Kit, content: LeafletContent, scale: float, align: str):
    """The year in large accent numerals (a design element; the kicker names the year in words)."""
    size = kit.base * scale
    return kit.para(str(content.year), font="headline", size=size, color="accent", align=align, leading=1.05)


def guiding_text(kit: Kit, content: LeafletContent, scale: float = 1.1):
    return kit.para(content.guiding_idea or "", font="quote", size=kit.size * scale, leading=1.6, label="指导思想")


def section_heading(kit: Kit, text: str, shortened: bool) -> list:
    items = [kit.heading(text, after=0.0)]
    if shortened:
        items.append(kit.para(ABRIDGED_NOTE, size=kit.size * 0.85, color="muted", align="left", before=1 * MM))
    return items


def draw_rule(canv: Canvas, kit: Kit, x: float, y: float, width: float) -> None:
    canv.saveState()
    canv.setStrokeColor(kit.color("primary"))
    canv.setLineWidth(0.8)
    canv.line(x, y, x + width, y)
    canv.restoreState()


def slogan_panel(kit: Kit, slogans: Sequence[str], width: float, gap: float):
    """A tinted full-width panel: heading and the slogans in two columns (down, then across)."""
    pad = 5 * MM
    heading = [kit.heading("宣传口号")]
    half = math.ceil(len(slogans) / 2)
    inner = width - 2 * pad
    column = (inner - gap) / 2
    left, right = slogan_items(kit, slogans[:half]), slogan_items(kit, slogans[half:])
    heading_h = stack_height(heading, inner) + heading[0].getSpaceAfter()
    body_h = max(stack_height(left, column), stack_height(right, column) if right else 0.0)
    height = pad + heading_h + body_h + pad

    def draw(canv: Canvas, x: float, top: float) -> None:
        fill_rect(canv, kit.color("tint"), x, top - height, width, height)
        draw_stack(canv, heading, x + pad, top - pad, inner)
        draw_stack(canv, left, x + pad, top - pad - heading_h, column)
        if right:
            draw_stack(canv, right, x + pad + column + gap, top - pad - heading_h, column)

    return height, draw


def a4_footer(kit: Kit, content: LeafletContent, width: float, margin: float, sheet):
    """QR code and caption (left), hotline (middle), issuers and date (right)."""
    qr_size = 24 * MM if content.qr_url else 0.0
    small = kit.base * 0.82
    caption = [kit.para(content.qr_caption, size=small, color="muted", align="left", leading=1.3)] if qr_size else []
    quiet = qr_quiet_zone(content.qr_url, qr_size) if qr_size else 0.0  # hangs into the margin: modules align
    hotline = [
        kit.para("质量投诉举报电话", font="heading", size=kit.base, color="muted", align="left", leading=1.3),
        kit.para(content.hotline, font="headline", size=kit.base * kit.style.hotline_scale, color="primary",
                 align="left", leading=1.15),
    ]  # fmt: skip
    signers = [kit.para(name, size=small, align="right", leading=1.45) for name in content.issuers]
    if content.date:
        signers.append(kit.para(content.date, size=small, align="right", leading=1.45, before=1 * MM))
    caption_w = qr_size + 6 * MM
    right_w = width / 2
    top_pad = 5 * MM
    qr_block = qr_size - 2 * quiet + (2 * MM + stack_height(caption, caption_w) if caption else 0.0)
    height = top_pad + max(qr_block, stack_height(hotline, right_w), stack_height(signers, right_w) if signers else 0)

    def draw(canv: Canvas, top: float) -> None:
        x0 = sheet.x(margin)
        draw_rule(canv, kit, x0, sheet.y(top), width)
        y = sheet.y(top + top_pad)
        hot_x = x0
        if qr_size:
            draw_qr(canv, kit, content.qr_url, x0 - quiet, y - qr_size + quiet, qr_size)
            draw_stack(canv, caption, x0, y - qr_size + 2 * quiet - 2 * MM, caption_w)
            hot_x = x0 + qr_size + 8 * MM
        draw_stack(canv, hotline, hot_x, y - 1 * MM, right_w - (hot_x - x0))
        if signers:
            draw_stack(canv, signers, x0 + width - right_w, y, right_w)

    return height, draw


# -- tri-fold ----------------------------------------------------------------------------------


def trifold_plan(content: LeafletContent, style: LeafletStyle, fonts: Fonts, attempt: Attempt) -> Plan:
    kit = Kit(style, fonts, attempt.size)
    head = Kit(style, fonts, style.base_size)
    sheet = sheet_for(style)
    margin = style.margin_mm * MM
    outside = [w * MM for w in style.panel_widths_mm]
    inside = list(reversed(outside))
    out_x = [sum(outside[:i]) for i in range(3)]
    in_x = [sum(inside[:i]) for i in range(3)]
    text_h = sheet.height - 2 * margin

    flap_w, back_w, cover_w = (w - 2 * margin for w in outside)
    flap = flap_items(head, content, content.slogans[: attempt.slogans], flap_w, text_h, attempt.guiding_inside)
    flap_ok = flap is not None
    flap = flap or []

    cover_top = [
        head.para(content.kicker, font="heading", size=head.base * style.kicker_scale, color="on_primary",
                  align="left", leading=1.35),
        Rule(14 * MM, 1.5, kit.color("accent"), before=4 * MM, after=6 * MM),
        fit_headline(head, content.theme, cover_w, color="on_primary", max_lines=4),
    ]  # fmt: skip
    year = [year_para(head, content, 4.2, "left")] if content.year else []
    back_top, back_bottom, back_ok = trifold_back(head, content, back_w, text_h)

    def outside_page(canv: Canvas) -> None:
        x_cover = out_x[2]
        fill_rect(canv, kit.color("primary"), sheet.x(x_cover), sheet.y(sheet.height + sheet.bleed),
                  outside[2] + sheet.bleed, sheet.height + 2 * sheet.bleed)  # fmt: skip
        draw_stack(canv, cover_top, sheet.x(x_cover + margin), sheet.y(sheet.height * 0.24), cover_w)
        if year:
            y_h = stack_height(year, cover_w)
            draw_stack(canv, year, sheet.x(x_cover + margin), sheet.y(sheet.height - margin - 4 * MM - y_h), cover_w)
        if flap:
            draw_stack(canv, flap, sheet.x(out_x[0] + margin), sheet.y(margin), flap_w)
        x_back = sheet.x(out_x[1] + margin)
        bottom_h = stack_height(back_bottom, back_w)
        top_h = stack_height(back_top, back_w)
        free = text_h - bottom_h - (8 * MM if back_bottom else 0.0)
        draw_stack(canv, back_top, x_back, sheet.y(margin + max(0.0, (free - top_h) * 0.45)), back_w)
        draw_stack(canv, back_bottom, x_back, sheet.y(sheet.height - margin - bottom_h), back_w)

    story, shortened = activity_story(kit, content, attempt.sentences)
    heading = section_heading(kit, "活动内容", shortened)
    heading[0].spaceAfter = kit.size * 0.6
    if attempt.guiding_inside and content.guiding_idea:
        guiding = [kit.heading("指导思想"), guiding_text(kit, content, 1.05)]
        guiding[-1].spaceAfter = kit.size * 2
        heading = guiding + heading
    story = heading + story
    frames = [frame(sheet.x(in_x[i] + margin), sheet.y(sheet.height - margin), inside[i] - 2 * margin, text_h, f"in{i}")
              for i in range(3)]  # fmt: skip
    overflow = [frame(sheet.x(margin), sheet.y(sheet.height - margin), sheet.width - 2 * margin, text_h, "overflow")]
    first_frame = [frame(sheet.x(out_x[0] + margin), sheet.y(sheet.height - margin), flap_w, text_h, "outside")]
    templates = [
        page_template("first", first_frame, outside_page, style, sheet, folds=out_x[1:], next_id="second"),
        page_template("second", frames, nothing, style, sheet, folds=in_x[1:], next_id="overflow"),
        page_template("overflow", overflow, nothing, style, sheet),
    ]
    return Plan(sheet, templates, start_on_first_page(story), fonts.names["body"], fixed_ok=flap_ok and back_ok)


FLAP_SCALES = (1.4, 1.3, 1.2, 1.1, 1.0, 0.95, 0.9, 0.85)


def flap_items(
    kit: Kit, content: LeafletContent, slogans: Sequence[str], width: float, height: float, slogans_only: bool
) -> list | None:
    """The inner flap: guiding idea (unless it moved inside) and slogans, at the largest
    scale of the base size that fits; None when even the smallest does not."""
    for scale in FLAP_SCALES:
        sized = Kit(kit.style, kit.fonts, kit.base * scale)
        items: list = []
        if content.guiding_idea and not slogans_only:
            items += [sized.heading("指导思想"), guiding_text(sized, content, 1.0)]
        if slogans:
            items += [sized.heading("宣传口号", before=7 * MM if items else 0.0), *slogan_items(sized, slogans)]
        if stack_height(items, width) <= height:
            return items
    return None


def trifold_back(kit: Kit, content: LeafletContent, width: float, height: float):
    """The back panel: QR code with caption and hotline at the top, issuers and date at the bottom."""
    small = kit.base * 0.85
    top: list = []
    if content.qr_url:
        top += [QRBlock(kit, content.qr_url, 30 * MM),
                kit.para(content.qr_caption, size=small, color="muted", align="center", leading=1.3, before=2 * MM)]
    top += [
        kit.para("质量投诉举报电话", font="heading", size=kit.base, color="muted", align="center", leading=1.3,
                 before=12 * MM if top else 0.0),
        kit.para(content.hotline, font="headline", size=kit.base * kit.style.hotline_scale, color="primary",
                 align="center", leading=1.2),
    ]  # fmt: skip
    bottom = [kit.para(name, size=small, align="center", leading=1.45) for name in content.issuers]
    if content.date:
        bottom.append(kit.para(content.date, size=small, align="center", leading=1.45, before=1 * MM))
    ok = stack_height(top, width) + 8 * MM + stack_height(bottom, width) <= height
    return top, bottom, ok


class QRBlock(Flowable):
    """A QR code as a flowable, centred in its column."""

    def __init__(self, kit: Kit, data: str, size: float) -> None:
        super().__init__()
        self.kit, self.data, self.size = kit, data, size

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.avail = availWidth
        return availWidth, self.size

    def draw(self) -> None:
        if not is_dry(self.canv):
            draw_qr(self.canv, self.kit, self.data, (self.avail - self.size) / 2, 0, self.size)


PLANNERS = {"a4": a4_plan, "trifold": trifold_plan}
