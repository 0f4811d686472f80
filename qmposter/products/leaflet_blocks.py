"""The leaflet's content blocks, as flowables: public part, campaign part, slogans, hotline.

Each function returns a stack (a list of flowables, with stretchable `Gap`s between
blocks) for one kit (body size); the layouts measure the stacks, choose sizes and place
them. What the blocks say comes from `LeafletContent`; how they look from the style.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.platypus import Flowable

from qmposter.products.leaflet_content import LeafletContent, short_text
from qmposter.products.leaflet_pages import (
    Bulleted,
    Gap,
    Kit,
    Label,
    Numbered,
    balance_columns,
    draw_stack,
    fill_rect,
    phrase_breaks_only,
    plan_story,
    stack_height,
)
from qmposter.products.leaflet_style import MM
from qmposter.products.leaflet_text import CJKParagraph


def label(kit: Kit, text: str) -> Label:
    return Label(kit, text, kit.size * kit.style.heading_scale, after=kit.size * 0.7)


def about_block(kit: Kit, content: LeafletContent, scale: float = 1.0) -> list[Flowable]:
    """什么是质量月: the label at the kit's size, the text `scale` times it."""
    words = content.words
    size = kit.size * scale
    return [label(kit, words.about_heading), kit.para(words.about, size=size, label="什么是质量月", indent=size * 2)]


def tips_items(kit: Kit, content: LeafletContent) -> list[Flowable]:
    """The public tips: a number in a red disc, a bold title, one sentence."""
    out: list[Flowable] = []
    for number, tip in enumerate(content.words.tips, start=1):
        spans = [kit.span(f"{tip.title.rstrip('。：:')}：", "heading"), kit.span(tip.text)]
        out.append(Numbered(kit, number, kit.para(spans, label=f"提示 {number}"), after=kit.size * 0.6))
    return out


def tips_block(kit: Kit, content: LeafletContent, columns: int = 1, gap: float = 0.0) -> list[Flowable]:
    items = tips_items(kit, content)
    if columns > 1:
        return [label(kit, content.words.tips_heading), Columns(items, columns, gap)]
    body: list[Flowable] = []
    for item in items:  # stretchable gaps: a short flap is spread, not left empty at the foot
        body += [Gap(kit.size * 0.2), item] if body else [item]
    return [label(kit, content.words.tips_heading), *body]


def guiding_block(kit: Kit, content: LeafletContent, scale: float = 1.08) -> list[Flowable]:
    """指导思想 (shortened to whole sentences, text.guiding_max_chars) in the quote face."""
    if not content.guiding_idea:
        return []
    guiding = short_text(content.guiding_idea, kit.style.guiding_max_chars)
    size = kit.size * scale
    return [label(kit, "指导思想"), kit.para(guiding, font="quote", size=size, leading=1.62, indent=size * 2,
                                          label="指导思想")]  # fmt: skip


def theme_block(kit: Kit, content: LeafletContent, size: float, width: float) -> list[Flowable]:
    """活动主题 set large in the quote face: at `size`, or smaller (to 1.2× the body) until it
    breaks only between its phrases (never "加快质量强省建 / 设，")."""
    para = theme_para(kit, content.theme, size)
    while size > kit.size * 1.2 and not phrase_breaks_only(para, para.lines_for(width)):
        size -= 1
        para = theme_para(kit, content.theme, size)
    return [label(kit, "活动主题"), para]


def theme_para(kit: Kit, theme: str, size: float) -> CJKParagraph:
    return kit.para(theme, font="quote", size=size, color="primary", align="left", leading=1.4, phrase=True,
                    label="主题")


def plan_block(kit: Kit, content: LeafletContent, detail: int) -> list[Flowable]:
    """活动内容 (condensed to `detail`, see plan_story) and the attribution line."""
    items: list[Flowable] = []
    if content.groups:
        items += [label(kit, "活动内容"), *plan_story(kit, content, detail, "活动内容")]
    if content.credit:
        items += [Gap(kit.size * 0.8), kit.para(content.credit, size=kit.size * 0.8, color="muted", align="left",
                                                leading=1.45, label="出处")]  # fmt: skip
    return items


def campaign_block(kit: Kit, content: LeafletContent, detail: int) -> list[Flowable]:
    """指导思想 then 活动内容, for a flow through columns."""
    guiding = guiding_block(kit, content)
    gap: list[Flowable] = [Gap(kit.size * 1.6)] if guiding else []
    return [*guiding, *gap, *plan_block(kit, content, detail)]


def slogan_items(kit: Kit, slogans: Sequence[str], size: float) -> list[Flowable]:
    return [
        Bulleted(kit.para(text, font="quote", size=size, align="left", leading=1.4, phrase=True, label="口号"),
                 kit.color("primary"), size)
        for text in slogans
    ]  # fmt: skip


def slogan_stack(kit: Kit, slogans: Sequence[str], size: float) -> list[Flowable]:
    """宣传口号: label, then the slogans with stretchable gaps between them."""
    items: list[Flowable] = [label(kit, "宣传口号"), Gap(size * 0.3)]
    for index, item in enumerate(slogan_items(kit, slogans, size)):
        if index:
            items.append(Gap(size * 0.55))
        items.append(item)
    return items


def choose_slogans(
    kit: Kit, slogans: Sequence[str], width: float, height: float, columns: int = 1
) -> tuple[int, float] | None:
    """The most slogans (style [fit] slogans) at the largest size (text.slogan_sizes) whose stack
    fits `height` in `columns` columns; None when not even the fewest fit."""
    style = kit.style
    counts = sorted({min(c, len(slogans)) for c in style.fit_slogans}, reverse=True)
    for count in counts:
        for size in style.slogan_sizes:
            cols = columns if count > 4 else 1
            if slogan_height(kit, slogans[:count], size, width, cols) <= height:
                return count, size
    return None


def slogan_height(kit: Kit, slogans: Sequence[str], size: float, width: float, columns: int) -> float:
    head = stack_height([label(kit, "宣传口号")], width) + kit.size * 0.7
    if columns == 1:
        return head + stack_height(slogan_stack(kit, slogans, size)[2:], width)
    return head + stack_height([Columns(slogan_items(kit, slogans, size), columns, 6 * MM, after=size * 0.5)], width)


class Columns(Flowable):
    """Flowables in `count` balanced columns side by side (tips, slogans)."""

    def __init__(self, items: Sequence[Flowable], count: int, gap: float, *, after: float = 0.0) -> None:
        super().__init__()
        self.items, self.count, self.gap = list(items), count, gap
        self.item_after = after
        self.columns: list[list[Flowable]] = []

    def _column_width(self, width: float) -> float:
        return (width - (self.count - 1) * self.gap) / self.count

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        width = self._column_width(availWidth)
        for item in self.items:
            item.spaceAfter = max(item.getSpaceAfter(), self.item_after)
        total = stack_height(self.items, width) + 1
        self.columns = balance_columns(self.items, width, total, self.count) or [self.items]
        self.width = availWidth
        self.height = max(stack_height(c, width) for c in self.columns)
        return self.width, self.height

    def draw(self) -> None:
        width = self._column_width(self.width)
        for index, column in enumerate(self.columns):
            draw_stack(self.canv, column, index * (width + self.gap), self.height, width)


class HotlineBox(Flowable):
    """The complaint box: heading and sentence at the left, the hotline in large red numerals at the right."""

    def __init__(self, kit: Kit, content: LeafletContent) -> None:
        super().__init__()
        self.kit = kit
        words = content.words
        self.left = [
            kit.para(words.complaint_heading, font="heading", size=kit.size * 1.15, color="primary", align="left",
                     leading=1.4),
            kit.para(words.complaint, size=kit.size * 0.95, align="left", leading=1.45),
        ]  # fmt: skip
        self.number = kit.para(content.hotline, font="headline", size=kit.size * 3.0, color="primary",
                               align="right", leading=1.1)  # fmt: skip
        self.pad = kit.size * 0.9

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        self.split_at = availWidth * 0.55
        left_h = stack_height(self.left, self.split_at - 2 * self.pad)
        _w, number_h = self.number.wrap(availWidth - self.split_at - self.pad, 1e9)
        self.height = max(left_h, number_h) + 2 * self.pad
        return self.width, self.height

    def draw(self) -> None:
        canv = self.canv
        fill_rect(canv, self.kit.color("tint"), 0, 0, self.width, self.height)
        fill_rect(canv, self.kit.color("primary"), 0, 0, self.kit.size * 0.35, self.height)
        left_h = stack_height(self.left, self.split_at - 2 * self.pad)
        draw_stack(canv, self.left, self.pad * 1.4, (self.height + left_h) / 2, self.split_at - 2 * self.pad)
        _w, number_h = self.number.wrap(self.width - self.split_at - self.pad, 1e9)
        self.number.drawOn(canv, self.split_at, (self.height - number_h) / 2)
