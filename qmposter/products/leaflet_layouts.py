"""The two leaflet layouts: where each block goes, and the fitting that fills every page.

A4 (portrait, two pages): the front speaks to the public — red headline band (name,
year, theme), 什么是“质量月”, 您可以这样做, the complaint box; the back carries the
campaign — 指导思想 and 活动内容 in two balanced columns, the slogan panel, and the
footer (QR code, hotline, 落款, date).

Tri-fold (A4 landscape, roll fold): outside page, left to right = inner flap (public
part) | back panel (hotline, QR code, 落款) | front cover; inside page = 活动主题,
指导思想 and 活动内容 in two panels (arranged by `trifold_inside`) | the slogan panel.
Panel widths come from the style (97/100/100 mm: the flap folds in, so it is narrower);
inside, the order of widths is mirrored (100/100/97 mm) because the sheet is turned over.

Fitting, for any notice length: the plan is printed at the richest detail (whole texts,
2 sentences, 1, titles only) whose text stays under text.plan_max_chars and fits, at the
largest body size that fits; the slogans panel takes the most slogans at the largest
size that fits what is left; then the remaining space is spread between blocks, so no
panel is left blank. LayoutError (Chinese) when even the sparest setting overflows.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from qmposter.errors import LayoutError
from qmposter.products.leaflet_art import fret_frame, sunburst
from qmposter.products.leaflet_blocks import (
    Columns,
    HotlineBox,
    about_block,
    campaign_block,
    choose_slogans,
    guiding_block,
    plan_block,
    slogan_height,
    slogan_items,
    slogan_stack,
    theme_block,
    tips_block,
)
from qmposter.products.leaflet_content import LAYOUT_NAMES_ZH, LeafletContent
from qmposter.products.leaflet_pages import (
    Fonts,
    Gap,
    Kit,
    Sheet,
    balance_columns,
    bold_titles,
    draw_qr,
    draw_stack,
    end_page,
    fill_rect,
    fit_headline,
    new_canvas,
    plan_chars,
    qr_quiet_zone,
    resolve_fonts,
    sheet_for,
    spread,
    stack_height,
)
from qmposter.products.leaflet_style import MM, LeafletStyle

FULL_ENOUGH = 0.85  # a column filled to this fraction of its panel is left top-aligned


@dataclass(frozen=True)
class Attempt:
    """The setting the fitting chose: body size, plan detail (0 whole, n sentences, -1 titles), slogans kept."""

    size: float
    detail: int
    slogans: int


@dataclass
class Layout:
    """A fitted leaflet: one drawing function per page, the fold positions (trim x) of each page."""

    attempt: Attempt
    pages: list[Callable[[Canvas], None]]
    folds: list[Sequence[float]]


def render_leaflet(content: LeafletContent, style: LeafletStyle) -> tuple[bytes, Attempt]:
    """Fit and draw the leaflet: the PDF and the setting used."""
    fonts = resolve_fonts(style)
    check_glyphs(content, style, fonts)
    sheet = sheet_for(style)
    layout = PLANNERS[style.layout](content, style, fonts, sheet)
    buffer = io.BytesIO()
    canv = new_canvas(buffer, sheet, content, style, fonts.names["body"])
    for draw, folds in zip(layout.pages, layout.folds, strict=True):
        draw(canv)
        end_page(canv, style, sheet, folds)
    canv.save()
    return buffer.getvalue(), layout.attempt


def check_glyphs(content: LeafletContent, style: LeafletStyle, fonts: Fonts) -> None:
    """Every printed character must be in the font that draws it (no tofu boxes):
    MissingGlyphsError names the characters, the font and the notice."""
    words = content.words
    bodies = [a.text for a in content.activities]
    titles = "".join(f"{a.number}{a.title}。" for a in content.activities)
    texts = {
        "headline": [content.theme, str(content.year), content.hotline],
        "heading": [content.kicker, "指导思想活动内容宣传口号：", words.about_heading, words.tips_heading,
                    words.complaint_heading, *[t.title for t in words.tips],
                    *[g.heading or "" for g in content.groups]],
        "body": [content.qr_caption, *content.issuers, content.date or "", content.credit or "", words.about,
                 words.complaint, *[t.text for t in words.tips], *bodies, content.issuer_short],
        "quote": [content.guiding_idea or "", *content.slogans],
        "mark": ["质量月"],
    }  # fmt: skip
    texts["heading" if bold_titles(content, style) else "body"].append(titles)
    for key, parts in texts.items():
        fonts.faces[key].require("".join(parts), label=f"传单，通知 {content.source or '（无）'}")


def fit_plan(
    content: LeafletContent, style: LeafletStyle, fonts: Fonts, width: float, height: float, small: bool = True,
    block: Callable[[Kit, LeafletContent, int], list[Flowable]] = campaign_block,
) -> tuple[float, int, list[list[Flowable]]] | None:
    """The richest plan detail and largest body size whose campaign block fits two balanced
    columns of `height`: (size, detail, columns); None when nothing fits. Comfortable sizes
    (≥ base_size) are tried for every detail before any smaller size; `small` False stops there."""
    for sizes_pass in PASSES if small else PASSES[:1]:
        for detail in plan_details(content, style):
            for size in sizes_pass(style, detail):
                columns = balance_columns(block(Kit(style, fonts, size), content, detail), width, height, 2)
                if columns is not None:
                    return size, detail, columns
    return None


def plan_details(content: LeafletContent, style: LeafletStyle) -> list[int]:
    """Plan detail levels to try, richest first, skipping those over text.plan_max_chars."""
    details = [d for d in style.fit_activity_sentences if plan_chars(content, d) <= style.plan_max_chars]
    return details or [min(style.fit_activity_sentences)]


def sizes_for(style: LeafletStyle, detail: int) -> list[float]:
    """Body sizes to try, largest first; a titles-only plan stops at text.titles_max_size."""
    sizes = [s for s in style.body_sizes if detail >= 0 or s <= style.titles_max_size]
    return sizes or [min(style.body_sizes)]


def comfortable_sizes(style: LeafletStyle, detail: int) -> list[float]:
    """The sizes a reader takes in without effort (≥ base_size): tried for every detail level first."""
    return [s for s in sizes_for(style, detail) if s >= style.base_size]


def small_sizes(style: LeafletStyle, detail: int) -> list[float]:
    return [s for s in sizes_for(style, detail) if s < style.base_size]


PASSES = (comfortable_sizes, small_sizes)


def too_much(content: LeafletContent, style: LeafletStyle) -> LayoutError:
    return LayoutError(
        f"{LAYOUT_NAMES_ZH[style.layout]}排不下通知 {content.source or ''} 的内容："
        f"正文已缩到 {min(style.body_sizes):g} pt、"
        f"活动内容只列标题、口号减到 {min(style.fit_slogans)} 条，仍然超出版面。",
        hint=f"换用另一种版式（--layout），或在 {style.path} 中放宽 [text] body_sizes，"
        "或在活动文件的 [leaflet] 中给出精简的 activities。",
    )


def fill_column(items: list[Flowable], width: float, height: float, max_factor: float = 4.0) -> list[Flowable]:
    """A column left top-aligned when nearly full, else with its gaps widened to fill the panel."""
    if stack_height(items, width) >= FULL_ENOUGH * height:
        return items
    return spread(items, width, height, max_factor)


# -- A4 two pages ----------------------------------------------------------------------------


def a4_plan(content: LeafletContent, style: LeafletStyle, fonts: Fonts, sheet: Sheet) -> Layout:
    head = Kit(style, fonts, style.base_size)
    margin, gap = style.margin_mm * MM, style.column_gap_mm * MM
    width = sheet.width - 2 * margin
    column = (width - gap) / 2

    band_h, draw_band = a4_band(head, content, width, margin, sheet)
    front_top = band_h + 9 * MM
    front_h = sheet.height - margin - front_top
    front = a4_public(content, style, fonts, width, front_h, gap)

    footer_h, draw_footer = a4_footer(head, content, width, margin, sheet)
    back_h = sheet.height - 2 * margin - footer_h - 7 * MM
    min_slogans = slogans_min_height(content, style, fonts, width - 12 * MM)
    found = fit_plan(content, style, fonts, column, back_h - min_slogans - 8 * MM)
    if found is None:
        raise too_much(content, style)
    size, detail, columns = found
    kit = Kit(style, fonts, size)
    plan_h = max(stack_height(c, column) for c in columns)
    panel_top = plan_h + 8 * MM
    chosen = choose_slogans(kit, content.slogans, width - 12 * MM, back_h - panel_top - 10 * MM, columns=2)
    if chosen is None:
        raise too_much(content, style)
    count, slogan_size = chosen
    panel_h = back_h - panel_top
    columns = [spread(c, column, plan_h, 8.0) for c in columns]  # both columns end on one line: balanced by height

    def front_page(canv: Canvas) -> None:
        draw_band(canv)
        draw_stack(canv, front, sheet.x(margin), sheet.y(front_top), width)

    def back_page(canv: Canvas) -> None:
        for index, col in enumerate(columns):
            draw_stack(canv, col, sheet.x(margin + index * (column + gap)), sheet.y(margin), column)
        a4_slogans(canv, kit, content.slogans[:count], slogan_size, sheet.x(margin), sheet.y(margin + panel_top),
                   width, panel_h)  # fmt: skip
        draw_footer(canv, sheet.height - margin - footer_h)

    return Layout(Attempt(size, detail, count), [front_page, back_page], [(), ()])


def a4_public(content: LeafletContent, style: LeafletStyle, fonts: Fonts, width: float, height: float, gap: float):
    """The front below the band: about, tips in two columns, the complaint box; largest size that fits."""
    for size in style.public_sizes:
        kit = Kit(style, fonts, size)
        items = [*about_block(kit, content), Gap(size * 1.6), *tips_block(kit, content, 2, gap), Gap(size * 1.6),
                 HotlineBox(kit, content)]  # fmt: skip
        if stack_height(items, width) <= height:
            return spread(items, width, height, max_factor=3.0)
    raise too_much(content, style)


def slogans_min_height(content: LeafletContent, style: LeafletStyle, fonts: Fonts, width: float) -> float:
    """The slogan panel at its fewest slogans and smallest size, measured as `choose_slogans` will
    (with the largest body size's label, so whatever size the plan takes, the panel fits)."""
    count = min(min(style.fit_slogans), len(content.slogans))
    if not count:
        return 0.0
    kit = Kit(style, fonts, max(style.body_sizes))
    columns = 2 if count > 4 else 1
    return slogan_height(kit, content.slogans[:count], min(style.slogan_sizes), width, columns) + 11 * MM


def a4_slogans(canv: Canvas, kit: Kit, slogans: Sequence[str], size: float, x: float, top: float, width: float,
               height: float) -> None:  # fmt: skip
    """The tinted slogan panel filling the space between the plan and the footer."""
    if not slogans:
        return
    pad = 6 * MM
    fill_rect(canv, kit.color("tint"), x, top - height, width, height)
    inner = width - 2 * pad
    columns = 2 if len(slogans) > 4 else 1
    heading = slogan_stack(kit, slogans, size)[:1]
    body = Columns(slogan_items(kit, slogans, size), columns, 6 * MM, after=size * 0.5)
    head_h = stack_height(heading, inner) + kit.size * 0.7
    _w, body_h = body.wrap(inner, 1e9)
    draw_stack(canv, heading, x + pad, top - pad, inner)
    free = height - 2 * pad - head_h - body_h
    shift = (inner - list_width(body.items, inner)) / 2 if columns == 1 else 0.0  # a short list sits centred
    draw_stack(canv, [body], x + pad + shift, top - pad - head_h - max(0.0, free) / 2, inner)


def list_width(items: Sequence[Flowable], width: float) -> float:
    """Width of the widest line of a bulleted list set `width` wide (to centre the list as a block)."""
    widest = 0.0
    for item in items:
        item.wrap(width, 1e9)
        lines = item.para.lines_for(width - item.indent)
        widest = max(widest, item.indent + max(line.width + line.indent for line in lines))
    return widest


def a4_band(kit: Kit, content: LeafletContent, width: float, margin: float, sheet: Sheet):
    """The red headline band across the top of the front, over a soft sunburst: name, theme and
    落款 at the left; the year over the 质量月 mark at the right, set off by a gold rule."""
    style = kit.style
    mark_w = 52 * MM
    text_w = width - mark_w - 6 * MM
    left: list[Flowable] = [
        kit.para(content.kicker, font="heading", size=kit.base * style.kicker_scale, color="on_primary",
                 align="left", leading=1.2),
        Gap(4 * MM),
        fit_headline(kit, content.theme, text_w, color="on_primary", max_lines=2),
    ]  # fmt: skip
    if content.issuers:
        left += [Gap(3 * MM), kit.para(content.issuer_short, size=kit.base, color="accent", align="left", leading=1.3)]
    right = [
        kit.para(str(content.year), font="headline", size=kit.base * 2.6, color="accent", align="center", leading=1.0),
        Gap(1.5 * MM),
        kit.para("质量月", font="mark", size=kit.base * 4.2, color="on_primary", align="center", leading=1.05),
    ]
    pad_top, pad_bottom = 16 * MM, 14 * MM
    left_h, right_h = stack_height(left, text_w), stack_height(right, mark_w)
    height = pad_top + max(left_h, right_h) + pad_bottom

    def draw(canv: Canvas) -> None:
        bx, by = sheet.x(-sheet.bleed), sheet.y(height)
        bw, bh = sheet.width + 2 * sheet.bleed, height + sheet.bleed
        fill_rect(canv, kit.color("primary"), bx, by, bw, bh)
        strip = 1.2 * MM  # the gold strip closing the band; the rays stop above it
        sunburst(canv, kit.color("ray"), sheet.x(margin + width - mark_w / 2), sheet.y(pad_top + right_h / 2),
                 sheet.width, (bx, by + strip, bw, bh - strip))  # fmt: skip
        fill_rect(canv, kit.color("accent"), bx, by, bw, strip)
        body_top = pad_top + (max(left_h, right_h) - left_h) / 2
        draw_stack(canv, left, sheet.x(margin), sheet.y(body_top), text_w)
        mark_top = pad_top + (max(left_h, right_h) - right_h) / 2
        draw_stack(canv, right, sheet.x(margin + width - mark_w), sheet.y(mark_top), mark_w)
        canv.saveState()
        canv.setStrokeColor(kit.color("accent"))
        canv.setLineWidth(0.8)
        rule_x = sheet.x(margin + width - mark_w - 3 * MM)
        canv.line(rule_x, sheet.y(mark_top), rule_x, sheet.y(mark_top + right_h))
        canv.restoreState()

    return height, draw


def a4_footer(kit: Kit, content: LeafletContent, width: float, margin: float, sheet: Sheet):
    """QR code and caption (left), hotline (middle), 落款 and date (right)."""
    qr_size = 24 * MM if content.qr_url else 0.0
    small = kit.base * 0.85
    caption = [kit.para(content.qr_caption, size=small, color="muted", align="left", leading=1.3)] if qr_size else []
    quiet = qr_quiet_zone(content.qr_url, qr_size) if qr_size else 0.0  # hangs into the margin: modules align
    hotline = [
        kit.para(content.words.complaint_heading, font="heading", size=kit.base, color="muted", align="left",
                 leading=1.3),
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
        canv.saveState()
        canv.setStrokeColor(kit.color("primary"))
        canv.setLineWidth(0.8)
        canv.line(x0, sheet.y(top), x0 + width, sheet.y(top))
        canv.restoreState()
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


def trifold_plan(content: LeafletContent, style: LeafletStyle, fonts: Fonts, sheet: Sheet) -> Layout:
    head = Kit(style, fonts, style.base_size)
    margin = style.margin_mm * MM
    outside = [w * MM for w in style.panel_widths_mm]
    inside = list(reversed(outside))
    out_x = [sum(outside[:i]) for i in range(3)]
    in_x = [sum(inside[:i]) for i in range(3)]
    text_h = sheet.height - 2 * margin
    flap_w, back_w, _cover_w = (w - 2 * margin for w in outside)
    plan_w = inside[0] - 2 * margin
    slogan_w = inside[2] - 2 * margin

    inside_panels = trifold_inside(content, style, fonts, plan_w, text_h)
    size, detail = inside_panels.size, inside_panels.detail
    lead, plan = inside_panels.panels
    columns = [fill_column(lead, plan_w, text_h), fill_column(plan, plan_w, text_h, 8.0)]  # titles may sit apart
    flap = trifold_flap(content, style, fonts, flap_w, text_h, about=not inside_panels.about_inside)
    kit = Kit(style, fonts, size)
    chosen = choose_slogans(kit, content.slogans, slogan_w, text_h) if content.slogans else (0, 0.0)
    if chosen is None:
        raise too_much(content, style)
    count, slogan_size = chosen
    slogans = spread(slogan_stack(kit, content.slogans[:count], slogan_size), slogan_w, text_h) if count else []
    back_top, back_middle, back_bottom = trifold_back(head, content, back_w)

    def outside_page(canv: Canvas) -> None:
        draw_stack(canv, flap, sheet.x(out_x[0] + margin), sheet.y(margin), flap_w)
        x_back = sheet.x(out_x[1] + margin)
        top_h = stack_height(back_top, back_w - 8 * MM)
        fill_rect(canv, head.color("tint"), x_back, sheet.y(margin + top_h + 16 * MM), back_w, top_h + 16 * MM)
        fill_rect(canv, head.color("primary"), x_back, sheet.y(margin + 1.2 * MM), back_w, 1.2 * MM)
        draw_stack(canv, back_top, x_back + 4 * MM, sheet.y(margin + 8 * MM), back_w - 8 * MM)
        bottom_h = stack_height(back_bottom, back_w)
        middle_h = stack_height(back_middle, back_w)
        free_top = margin + top_h + 16 * MM
        free_bottom = sheet.height - margin - bottom_h
        draw_stack(canv, back_middle, x_back, sheet.y(free_top + (free_bottom - free_top - middle_h) / 2), back_w)
        draw_stack(canv, back_bottom, x_back, sheet.y(free_bottom), back_w)
        trifold_cover(canv, head, content, sheet, out_x[2], outside[2], margin)

    def inside_page(canv: Canvas) -> None:
        for index, col in enumerate(columns):
            draw_stack(canv, col, sheet.x(in_x[index] + margin), sheet.y(margin), plan_w)
        if slogans:
            fill_rect(canv, kit.color("tint"), sheet.x(in_x[2]), sheet.y(sheet.height + sheet.bleed),
                      inside[2] + sheet.bleed, sheet.height + 2 * sheet.bleed)  # fmt: skip
            draw_stack(canv, slogans, sheet.x(in_x[2] + margin), sheet.y(margin), slogan_w)

    return Layout(Attempt(size, detail, count), [outside_page, inside_page], [out_x[1:], in_x[1:]])


@dataclass(frozen=True)
class Inside:
    """The two inside panels before the slogans, unspread, and whether 什么是质量月 moved in from the flap."""

    size: float
    detail: int
    panels: list[list[Flowable]]
    about_inside: bool

    def fill(self, width: float, height: float) -> float:
        """How full the emptier panel is (0–1): the measure that picks between arrangements."""
        return min(stack_height(panel, width) for panel in self.panels) / height


def trifold_inside(content: LeafletContent, style: LeafletStyle, fonts: Fonts, width: float, height: float) -> Inside:
    """The two inside panels before the slogans, in the arrangement that leaves the emptier panel
    fullest: (a) 活动主题 and 指导思想 in the first panel, 活动内容 in the second; (b) all of it
    flowing through both panels in balanced columns (a long plan); (c) as (a), with 什么是质量月
    moved in from the flap (a short plan, or no 指导思想), the flap keeping 您可以这样做.
    Of those printing the plan in most detail, the first filling both panels to FULL_ENOUGH
    wins, else the fullest."""
    for sizes_pass in PASSES:
        small = sizes_pass is small_sizes
        found = [
            lead_and_plan(content, style, fonts, width, height, sizes_pass, about=False),
            flowed_inside(content, style, fonts, width, height, small),
            lead_and_plan(content, style, fonts, width, height, sizes_pass, about=True),
        ]
        options = [o for o in found if o is not None]
        if options:
            richest = plan_details(content, style)
            best = min(richest.index(o.detail) if o.detail in richest else len(richest) for o in options)
            options = [o for o in options if (richest.index(o.detail) if o.detail in richest else len(richest)) == best]
            full = [o for o in options if o.fill(width, height) >= FULL_ENOUGH]
            return full[0] if full else max(options, key=lambda o: o.fill(width, height))
    raise too_much(content, style)


def lead_and_plan(content: LeafletContent, style: LeafletStyle, fonts: Fonts, width: float, height: float,
                  sizes_pass: Callable, *, about: bool) -> Inside | None:  # fmt: skip
    """Arrangements (a) and (c): the plan alone in the second panel at its richest detail and
    largest size; None when it does not fit one panel, or the first panel would hold only the theme."""
    if not about and not content.guiding_idea:
        return None
    for detail in plan_details(content, style):
        for size in sizes_pass(style, detail):
            plan = plan_block(Kit(style, fonts, size), content, detail)
            if stack_height(plan, width) <= height:
                lead = lead_panel(content, style, fonts, size, width, height, about=about)
                return Inside(size, detail, [lead, plan], about) if lead else None
    return None


def flowed_inside(content: LeafletContent, style: LeafletStyle, fonts: Fonts, width: float, height: float,
                  small: bool) -> Inside | None:  # fmt: skip
    """Arrangement (b): 活动主题, 指导思想 and 活动内容 flowing through both panels, balanced."""
    def themed(kit: Kit, content: LeafletContent, detail: int) -> list[Flowable]:
        return [*theme_block(kit, content, kit.size * 1.7, width), Gap(kit.size * 2),
                *campaign_block(kit, content, detail)]  # fmt: skip

    found = fit_plan(content, style, fonts, width, height, small=small, block=themed)
    return Inside(found[0], found[1], found[2], False) if found else None


def lead_panel(content: LeafletContent, style: LeafletStyle, fonts: Fonts, size: float, width: float, height: float,
               *, about: bool) -> list[Flowable] | None:  # fmt: skip
    """活动主题, then 指导思想 (up to 1.5× the body) and/or 什么是质量月 (up to 1.2×), the largest that fits."""
    kit = Kit(style, fonts, size)
    for scale in (1.5, 1.4, 1.3, 1.2, 1.1, 1.0):
        items = [*theme_block(kit, content, size * max(1.7, scale * 1.5), width)]
        if content.guiding_idea:
            items += [Gap(size * 2), *guiding_block(kit, content, scale)]
        if about:
            items += [Gap(size * 2), *about_block(kit, content, min(scale, 1.2))]
        if stack_height(items, width) <= height:
            return items
    return None


def trifold_flap(content: LeafletContent, style: LeafletStyle, fonts: Fonts, width: float, height: float,
                 about: bool = True) -> list[Flowable]:  # fmt: skip
    """The inner flap (seen first on opening the cover): what the month is (unless it moved
    inside) and what you can do, at the largest size that fits."""
    for size in style.public_sizes:
        kit = Kit(style, fonts, size * (0.86 if about else 1.0))
        items = [*about_block(kit, content), Gap(kit.size * 1.8)] if about else []
        items += tips_block(kit, content)
        if stack_height(items, width) <= height:
            return fill_column(items, width, height)
    raise too_much(content, style)


def trifold_back(kit: Kit, content: LeafletContent, width: float):
    """The back panel: the hotline (top), QR code and caption (middle), 落款 and date (bottom)."""
    words = content.words
    top = [
        kit.para(words.complaint_heading, font="heading", size=kit.base * 1.25, color="primary", align="center",
                 leading=1.4),
        kit.para(content.hotline, font="headline", size=kit.base * kit.style.hotline_scale * 1.3, color="primary",
                 align="center", leading=1.15, before=1 * MM),
        kit.para(words.complaint + content.hotline + "。", size=kit.base * 0.95, align="center", leading=1.5,
                 before=2 * MM),
    ]  # fmt: skip
    middle: list[Flowable] = []
    if content.qr_url:
        address = re.sub(r"^https?://", "", content.qr_url).rstrip("/")
        middle = [QRBlock(kit, content.qr_url, 40 * MM),
                  kit.para(content.qr_caption, font="heading", size=kit.base, align="center", leading=1.3,
                           before=2.5 * MM),
                  kit.para(address, size=kit.base * 0.85, color="muted", align="center", leading=1.3)]  # fmt: skip
    small = kit.base * 0.92
    bottom = [kit.para(name, size=small, align="center", leading=1.5) for name in content.issuers]
    if bottom:
        heading = kit.para("主办单位", font="heading", size=kit.base, color="primary", align="center", leading=1.6)
        bottom.insert(0, heading)
    if content.date:
        bottom.append(kit.para(content.date, size=small, align="center", leading=1.5, before=1.5 * MM))
    return top, middle, bottom


def trifold_cover(canv: Canvas, kit: Kit, content: LeafletContent, sheet: Sheet, x: float, w: float,
                  margin: float) -> None:  # fmt: skip
    """The front cover: red field with a soft sunburst and 回纹 corners; name, year, the 质量月 mark,
    the theme, and the 落款 (with date) at the foot."""
    bx, by = sheet.x(x), sheet.y(sheet.height + sheet.bleed)
    bw, bh = w + sheet.bleed, sheet.height + 2 * sheet.bleed
    fill_rect(canv, kit.color("primary"), bx, by, bw, bh)
    sunburst(canv, kit.color("ray"), sheet.x(x + w / 2), sheet.y(sheet.height * 0.44), sheet.height * 1.2,
             (bx, by, bw, bh))  # fmt: skip
    inset = 6 * MM
    fret_frame(canv, kit.color("accent"), sheet.x(x + inset), sheet.y(sheet.height - inset), w - 2 * inset,
               sheet.height - 2 * inset, 1.05 * MM)  # fmt: skip
    inner = w - 2 * margin - 8 * MM
    left = sheet.x(x + margin + 4 * MM)
    kicker = kit.para(content.kicker, font="heading", size=kit.base * 1.25, color="on_primary", align="center",
                      leading=1.3)  # fmt: skip
    draw_stack(canv, [kicker], left, sheet.y(22 * MM), inner)
    year = kit.para(str(content.year), font="headline", size=kit.base * 2.6, color="accent", align="center",
                    leading=1.0)  # fmt: skip
    mark = kit.para("质量月", font="mark", size=kit.base * 5.6, color="on_primary", align="center", leading=1.05)
    theme = fit_headline(kit, content.theme, inner, color="accent", max_lines=3, align="center", largest=22)
    stack = [year, Gap(2 * MM), mark, Gap(5 * MM), theme]
    top = sheet.height * 0.47 - stack_height(stack[:3], inner)
    draw_stack(canv, stack, left, sheet.y(top), inner)
    rule_y = sheet.y(top + stack_height(stack[:3], inner) + 2.2 * MM)
    canv.saveState()
    canv.setStrokeColor(kit.color("accent"))
    canv.setLineWidth(0.8)
    canv.line(left + inner * 0.3, rule_y, left + inner * 0.7, rule_y)
    canv.restoreState()
    foot = [kit.para(content.issuer_short, font="heading", size=kit.base * 1.05, color="on_primary", align="center",
                     leading=1.4)] if content.issuers else []  # fmt: skip
    if content.date:
        foot.append(kit.para(content.date, size=kit.base * 0.95, color="on_primary", align="center", leading=1.4))
    if foot:
        draw_stack(canv, foot, left, sheet.y(sheet.height - 17 * MM - stack_height(foot, inner)), inner)


class QRBlock(Flowable):
    """A QR code as a flowable, centred in its column."""

    def __init__(self, kit: Kit, data: str, size: float) -> None:
        super().__init__()
        self.kit, self.data, self.size = kit, data, size

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.avail = availWidth
        return availWidth, self.size

    def draw(self) -> None:
        draw_qr(self.canv, self.kit, self.data, (self.avail - self.size) / 2, 0, self.size)


PLANNERS = {"a4": a4_plan, "trifold": trifold_plan}
