"""Template + Content → Page: the one place a product's display list is made.

The engine never draws and never measures pixels: text goes through
qmposter.layout.textbox.layout_text, QR codes through qmposter.layout.qr.qr_item, and
everything else is turned straight into display-list items. Elements are handled in
file order, which is also paint order:

- `when` false → the element is not drawn;
- `requires` names elements that must have been drawn (e.g. a caption needs its QR);
- a text element whose fields are empty (no issuer, no QR URL) is not drawn;
- `optional` elements that cannot be laid out (overflow, QR too dense) are dropped;
- elements sharing a `group` are alternatives: the first that is drawn wins.
"""

from __future__ import annotations

import functools
import math
import string
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from qmposter import couplet
from qmposter.content import Content
from qmposter.errors import LayoutError, TextOverflowError
from qmposter.fonts import load_font
from qmposter.layout.ornaments import ornament
from qmposter.layout.page import Fill, GlyphRun, Item, Line, Page, PageMeta, Picture, Shape
from qmposter.layout.qr import qr_item
from qmposter.layout.textbox import Box, TextBlock, TextStyle, layout_text
from qmposter.memo import ByIdentity
from qmposter.templates import Element, Template, TextSpec
from qmposter.text import is_cjk_punct, is_space

OVERFLOW_MIN_SIZE = 1.0  # pt: how far --allow-overflow lets text shrink
_SCROLL_ROOM = 1000  # a scrolling line's box is this many line heights long: any slogan fits


class TemplateNotApplicable(LayoutError):
    """The template's `when` rejects this content (e.g. a couplet needs two phrases)."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def skip_reason(template: Template, content: Content) -> str | None:
    """Why `template` cannot show `content` (its top-level `when` is false, or a couplet
    template's slogan is no couplet: qmposter.couplet.problem), or None."""
    if template.when is not None and not template.when.holds(content.condition_values()):
        return template.skip_reason or f"口号不满足模板条件 {template.when.source}"
    if template.kind == "couplet":
        return couplet.problem(content.phrases)
    return None


def layout_page(template: Template, content: Content, *, allow_overflow: bool = False) -> Page:
    """The display list of `template` filled with `content`.

    Raises TemplateNotApplicable when the template does not take this slogan,
    MissingGlyphsError / TextOverflowError / QRCodeError when something cannot be set.
    With `allow_overflow`, text that does not fit at its minimum size may shrink
    down to OVERFLOW_MIN_SIZE instead of failing (it is never clipped).
    """
    reason = skip_reason(template, content)
    if reason is not None:
        raise TemplateNotApplicable(f"模板 {template.name} 不适用于口号 {content.slogan_ref}：{reason}。", reason)
    spec = template.page
    elements = _Elements(template, content, allow_overflow)
    drawn = elements.items()
    width = max(spec.width, elements.scroll_width)
    background = _background(template, width)
    items = [*background, *drawn]
    if spec.monochrome:
        items = [_on_pixels(item, 72 / spec.dpi) for item in items]
    return Page(
        width=width,
        height=spec.height,
        items=tuple(items),
        bleed=spec.bleed,
        crop_marks=spec.crop_marks,
        monochrome=spec.monochrome,
        meta=_meta(template, content),
        viewport=spec.width if width > spec.width else 0.0,
        fixed_items=len(background) + elements.fixed_items,
    )


def _on_pixels(item: Item, pixel: float) -> Item:
    """A glyph run with every origin on a whole pixel: a 1-bit page has no anti-aliasing to hide
    a fractional position, and the dot-matrix font's dots must each land on one LED."""
    if not isinstance(item, GlyphRun):
        return item
    return replace(item, glyphs=tuple(replace(g, x=_snap(g.x, pixel), y=_snap(g.y, pixel)) for g in item.glyphs))


def _snap(value: float, pixel: float) -> float:
    return math.floor(value / pixel + 0.5) * pixel


def _meta(template: Template, content: Content) -> PageMeta:
    subject = f"{content.name}：{content.theme}" if content.theme else content.name
    return PageMeta(
        title=content.slogan,
        author="、".join(content.issuers),
        subject=subject,
        keywords=("质量月", str(content.year), template.title),
    )


def _bleed_box(template: Template, width: float | None = None) -> Box:
    page = template.page
    width = page.width if width is None else width
    return Box(-page.bleed, -page.bleed, width + 2 * page.bleed, page.height + 2 * page.bleed)


def _background(template: Template, width: float) -> list[Item]:
    background, box = template.background, _bleed_box(template, width)
    items: list[Item] = []
    if background.color is not None:
        items.append(Fill(box.x, box.y, box.width, box.height, background.color))
    if background.gradient is not None:
        items.append(Fill(box.x, box.y, box.width, box.height, background.gradient.over(box)))
    if background.image is not None:
        items.append(Picture(box.x, box.y, box.width, box.height, str(background.image), background.image_opacity))
    return items


class _Elements:
    """Walks the elements in order, keeping track of what was drawn."""

    def __init__(self, template: Template, content: Content, allow_overflow: bool) -> None:
        self.template = template
        self.content = content
        self.allow_overflow = allow_overflow
        self.shrink = False
        self.values = content.condition_values()
        self.fields = {**content.fields(), "hengpi": couplet.hengpi(content.theme, template.hengpi)}
        self.scroll_width = 0.0  # page width a scrolling slogan needs (0: none scrolls)
        self.fixed_items = 0  # items made before the first slogan element's (Page.fixed_items)

    def items(self) -> list[Item]:
        drawn: set[str] = set()
        won_groups: set[str] = set()
        drawn_types: set[str] = set()
        out: list[Item] = []
        elements = self.template.elements
        for index, element in enumerate(elements):
            if element.group is not None and element.group in won_groups:
                continue
            if element.when is not None and not element.when.holds(self.values):
                continue
            if any(needed not in drawn for needed in element.requires):
                continue
            last_chance = element.group is not None and not _later_member(elements, index, self.values)
            # --allow-overflow only once the alternatives are used up, and never for optional elements
            self.shrink = self.allow_overflow and not element.optional and (element.group is None or last_chance)
            try:
                made = self._make(element)
            except LayoutError:
                if element.optional or (element.group is not None and not last_chance):
                    continue
                raise
            if made is None:
                continue
            if element.type == "slogan" and "slogan" not in drawn_types:
                self.fixed_items = len(out)
            out.extend(made)
            drawn_types.add(element.type)
            if element.id is not None:
                drawn.add(element.id)
            if element.group is not None:
                won_groups.add(element.group)
                drawn.add(element.group)  # `requires` may name the group: any of its alternatives
        self._check_slogan_drawn(drawn_types)
        return out

    def _check_slogan_drawn(self, drawn_types: set[str]) -> None:
        """A product without its slogan is never right, whatever the conditions said."""
        if any(e.type == "slogan" for e in self.template.elements) and "slogan" not in drawn_types:
            raise LayoutError(
                f"模板 {self.template.name} 没有排出口号 {self.content.slogan_ref}：所有口号元素的条件都不成立。",
                hint="检查模板中 slogan 元素的 when / group / requires。",
            )

    def _make(self, element: Element) -> list[Item] | None:
        return getattr(self, f"_{element.type}")(element)

    # text --------------------------------------------------------------------------------------
    def _label(self, element: Element) -> str:
        return f"{element.key}（模板 {self.template.name}）"

    def _slogan(self, element: Element) -> list[Item] | None:
        text = self.content.slogan
        if element.couplet is not None:
            text = getattr(couplet.couplet(self.content.phrases), element.couplet)
        elif element.phrase is not None:
            phrases = self.content.phrases
            if element.phrase > len(phrases):
                return None
            text = phrases[element.phrase - 1]
        label = f"口号 {self.content.slogan_ref}（模板 {self.template.name}）"
        spec = element.text
        if element.match_phrases:
            # the size at which every phrase fits this box: the two strips of a couplet match
            size = min(self._set(p, element.box, spec, label).size for p in self.content.phrases)
            spec = replace(spec, max_size=size, min_size=min(size, spec.min_size))
        if element.scroll:
            return self._scroll(text, element.box, spec, label)
        return list(self._set(text, element.box, spec, label).runs)

    def _scroll(self, text: str, box: Box, spec: TextSpec, label: str) -> list[Item]:
        """One line however long, from the box's left edge; the page widens to the line's end
        plus the same margin again (the gap between two passes of a looping strip)."""
        wide = Box(box.x, box.y, _SCROLL_ROOM * max(box.height, spec.max_size), box.height)
        runs = self._set(text, wide, replace(spec, align="left", max_lines=1), label).runs
        end = max(
            (g.x + load_font(run.font_id).advance(g.char) * run.size for run in runs for g in run.glyphs),
            default=box.x,
        )
        self.scroll_width = math.ceil(end + box.x)
        return list(runs)

    def _text(self, element: Element) -> list[Item] | None:
        text = self._fill(element.template_text or "")
        if text is None or _words(text) == _words(self.content.slogan):
            return None  # a theme that is the slogan is printed once, as the slogan
        return list(self._set(text, element.box, element.text, self._label(element)).runs)

    def _fill(self, template_text: str) -> str | None:
        """Fields filled in; None when a field used is empty (the element is then not drawn)."""
        if any(not self.fields[name].strip() for name in _field_names(template_text)):
            return None
        text = template_text.format_map(self.fields).strip()
        return text or None

    def _issuers(self, element: Element) -> list[Item] | None:
        issuers = self.content.issuers
        if not issuers:
            return None
        return self._once(element, (issuers, self.shrink), lambda: self._issuer_runs(element, issuers))

    def _issuer_runs(self, element: Element, issuers: tuple[str, ...]) -> list[Item]:
        cells = _grid(element.box, len(issuers), element.columns, element.column_gap, element.row_gap)
        if element.text.align == "center":
            cells = _centre_last_row(cells, len(issuers), element.columns, element.column_gap)
        label = self._label(element)
        size = min(self._set(name, cell, element.text, label).size for name, cell in zip(issuers, cells, strict=True))
        common = replace(element.text, max_size=size, min_size=min(size, element.text.min_size))
        return [
            run for name, cell in zip(issuers, cells, strict=True) for run in self._set(name, cell, common, label).runs
        ]

    def _set(self, text: str, box: Box, spec: TextSpec, label: str) -> TextBlock:
        style = _style(spec)
        try:
            return layout_text(text, box, style, label=label)
        except TextOverflowError:
            if not self.shrink or spec.min_size <= OVERFLOW_MIN_SIZE:
                raise
            return layout_text(text, box, replace(style, min_size=OVERFLOW_MIN_SIZE), label=label)

    # graphics ----------------------------------------------------------------------------------
    def _qr(self, element: Element) -> list[Item] | None:
        data = self._fill(element.template_text or "")
        if data is None:
            return None
        box = element.box
        item = qr_item(
            data, box.x, box.y, element.qr_size, error_correction=element.error_correction,
            dark=element.dark, light=element.light, border=element.border,
            min_module_mm=element.min_module_mm, label=self._label(element),
        )  # fmt: skip
        return [item]

    def _image(self, element: Element) -> list[Item]:
        box = _bleed_out(element.box, self.template) if element.bleed else element.box
        if element.fit == "contain":
            box = _contain(box, element.src)
        return [Picture(box.x, box.y, box.width, box.height, str(element.src), element.opacity)]

    def _rect(self, element: Element) -> list[Item]:
        return self._once(element, (), lambda: self._rect_items(element))

    def _rect_items(self, element: Element) -> list[Item]:
        box = _bleed_out(element.box, self.template) if element.bleed else element.box
        items: list[Item] = []
        if element.fill is not None:
            items.append(Fill(box.x, box.y, box.width, box.height, element.fill))
        if element.gradient is not None:
            items.append(Fill(box.x, box.y, box.width, box.height, element.gradient.over(box)))
        if element.stroke is not None and element.stroke_width > 0:
            items.extend(_frame(box, element.stroke_width, element.stroke))
        return items

    def _ornament(self, element: Element) -> list[Item]:
        return self._once(element, (), lambda: self._shapes(element))

    def _shapes(self, element: Element) -> list[Item]:
        box = _bleed_out(element.box, self.template) if element.bleed else element.box
        return [
            Shape(polygons, element.fill, element.opacity * alpha)
            for polygons, alpha in ornament(box, element.ornament)
            if polygons
        ]

    def _once(self, element: Element, extra: tuple, make: Callable[[], list[Item]]) -> list[Item]:
        """The items of an element that depend only on the template (the element and its page)
        and on `extra` (never on the slogan), made once per process: a poster's 落款 grid,
        ornaments and rules are the same on every page (the very same immutable items, which the
        PDF backend recognises by identity)."""
        page = self.template.page  # held by the entry, so its id stays its own
        return list(_ELEMENT_ITEMS.get_or_make(element, (id(page), *extra), lambda: (page, tuple(make())))[1])

    def _line(self, element: Element) -> list[Item]:
        x0, y0, x1, y1 = element.line
        return self._once(element, (), lambda: [Line(x0, y0, x1, y1, element.stroke_width, element.stroke)])


@functools.lru_cache(maxsize=256)
def _field_names(template_text: str) -> tuple[str, ...]:
    """The {fields} a template text uses (once per text: every page of a template asks)."""
    return tuple(field for _, field, _, _ in string.Formatter().parse(template_text) if field)


@functools.lru_cache(maxsize=1024)
def _words(text: str) -> str:
    """The text without punctuation and spaces: what a reader sees as "the same line"
    (once per text: a template's static texts are compared with every slogan)."""
    return "".join(ch for ch in text if not (is_cjk_punct(ch) or is_space(ch) or ch in ",.;:!?\"'"))


def _later_member(elements: tuple[Element, ...], index: int, values: dict[str, int]) -> bool:
    """Whether another member of this element's group may still be tried after it."""
    group = elements[index].group
    return any(e.group == group and (e.when is None or e.when.holds(values)) for e in elements[index + 1 :])


_STYLES: ByIdentity[TextStyle] = ByIdentity(1024)  # text specs of the templates in use
_ELEMENT_ITEMS: ByIdentity[tuple[object, tuple[Item, ...]]] = ByIdentity(1024)  # (page spec, items) by element


def _style(spec: TextSpec) -> TextStyle:
    """The TextStyle of `spec`, one object per spec object: layout_text then finds the repr
    it keys its cache by without formatting the style again (TextStyle._key). By identity,
    not equality: 72 and 72.0 are equal but print differently."""
    return _STYLES.get_or_make(spec, (), lambda: _make_style(spec))


def _make_style(spec: TextSpec) -> TextStyle:
    return TextStyle(
        font_id=spec.font_id, color=spec.color, min_size=spec.min_size, max_size=spec.max_size,
        max_lines=spec.max_lines, line_gap=spec.line_gap, tracking=spec.tracking, align=spec.align,
        valign=spec.valign, vertical=spec.vertical, hide_line_end_comma=spec.hide_line_end_comma,
        phrase_gap=spec.phrase_gap, inline_comma=spec.inline_comma,
    )  # fmt: skip


def _grid(box: Box, count: int, columns: int, column_gap: float, row_gap: float) -> list[Box]:
    columns = min(columns, count)
    rows = math.ceil(count / columns)
    width = (box.width - (columns - 1) * column_gap) / columns
    height = (box.height - (rows - 1) * row_gap) / rows
    return [
        Box(box.x + (i % columns) * (width + column_gap), box.y + (i // columns) * (height + row_gap), width, height)
        for i in range(count)
    ]


def _centre_last_row(cells: list[Box], count: int, columns: int, gap: float) -> list[Box]:
    """A short last row of a centred 落款 grid sits in the middle, not flush left."""
    columns = min(columns, count)
    short = count % columns
    if short == 0:
        return cells
    shift = (columns - short) * (cells[0].width + gap) / 2
    return [*cells[: count - short], *(replace(c, x=c.x + shift) for c in cells[count - short :])]


def _bleed_out(box: Box, template: Template) -> Box:
    """Edges lying on the trim edge are pushed out by the bleed, so colour runs off the paper."""
    page, eps = template.page, 0.01
    left = box.x - page.bleed if box.x <= eps else box.x
    top = box.y - page.bleed if box.y <= eps else box.y
    right = box.x + box.width
    right = right + page.bleed if right >= page.width - eps else right
    bottom = box.y + box.height
    bottom = bottom + page.bleed if bottom >= page.height - eps else bottom
    return Box(left, top, right - left, bottom - top)


def _frame(box: Box, width: float, color) -> list[Item]:
    """Four strokes drawn inside the box edge (so a frame never grows past its box)."""
    h = width / 2
    x0, y0, x1, y1 = box.x + h, box.y + h, box.x + box.width - h, box.y + box.height - h
    return [
        Line(x0 - h, y0, x1 + h, y0, width, color),
        Line(x1, y0, x1, y1, width, color),
        Line(x1 + h, y1, x0 - h, y1, width, color),
        Line(x0, y1, x0, y0, width, color),
    ]


def _contain(box: Box, path: Path | None) -> Box:
    from qmposter.images import image_size

    width, height = image_size(path)
    scale = min(box.width / width, box.height / height)
    w, h = width * scale, height * scale
    return Box(box.x + (box.width - w) / 2, box.y + (box.height - h) / 2, w, h)
