#!/usr/bin/env python3
"""Draw docs/template-previews/: one small PNG per bundled template and a contact sheet of all.

Usage:  python scripts/make_template_previews.py [--slogan 2010-14] [--out docs/template-previews]

Each template is set with one typical two-phrase slogan of the bundled default
campaign and drawn at a low resolution (longest side LONG_SIDE_PX; the LED strip
is enlarged with square pixels so its dots can be judged). The contact sheet
`library.png` shows the whole library at a glance for the README. Files are
quantised to a 256-colour palette when that is needed to stay under MAX_BYTES.
"""

from __future__ import annotations

import argparse
import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from qmposter.campaign import load_campaign
from qmposter.catalogue.catalogue import load_catalogue
from qmposter.content import Content
from qmposter.couplet import problem
from qmposter.fonts import font_for_role
from qmposter.layout.engine import layout_page, skip_reason
from qmposter.render.raster import render_image
from qmposter.templates import Template, list_templates
from qmposter.text import split_phrases

LONG_SIDE_PX = 1000
LED_SCALE = 3
MAX_BYTES = 290_000
SHEET_CELL = 300
SHEET_LABEL = 44
SHEET_GAP = 16
SHEET_BACKGROUND = (236, 236, 232)


def preview(template: Template, content: Content) -> Image.Image:
    """The template filled with `content`, trim area only, small."""
    page = layout_page(template, content)
    if template.kind == "led":
        image = render_image(page, template.page.dpi)
        return image.resize((image.width * LED_SCALE, image.height * LED_SCALE), Image.Resampling.NEAREST)
    dpi = LONG_SIDE_PX / (max(page.width, page.height) / 72)
    return render_image(page, dpi)


def png_bytes(image: Image.Image) -> bytes:
    """PNG, palette-quantised (no dithering noise in flat areas) only if the full-colour file is too big."""
    for candidate in (image, image.quantize(256, dither=Image.Dither.FLOYDSTEINBERG)):
        out = io.BytesIO()
        candidate.save(out, "PNG", optimize=True)
        if out.tell() <= MAX_BYTES:
            return out.getvalue()
    raise SystemExit(f"preview too big even with 256 colours: {out.tell()} bytes")


def contact_sheet(items: list[tuple[Template, Image.Image]], columns: int = 6) -> Image.Image:
    """All previews on one sheet, each fitted into a square cell with its name below."""
    rows = -(-len(items) // columns)
    cell_h = SHEET_CELL + SHEET_LABEL
    sheet = Image.new(
        "RGB",
        (columns * (SHEET_CELL + SHEET_GAP) + SHEET_GAP, rows * (cell_h + SHEET_GAP) + SHEET_GAP),
        SHEET_BACKGROUND,
    )
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.truetype(str(font_for_role("heiti", 400).path), 15)
    for k, (template, image) in enumerate(items):
        x = SHEET_GAP + (k % columns) * (SHEET_CELL + SHEET_GAP)
        y = SHEET_GAP + (k // columns) * (cell_h + SHEET_GAP)
        thumb = image.copy()
        thumb.thumbnail((SHEET_CELL, SHEET_CELL), Image.Resampling.LANCZOS)
        sheet.paste(thumb, (x + (SHEET_CELL - thumb.width) // 2, y + (SHEET_CELL - thumb.height) // 2))
        centre = x + SHEET_CELL // 2
        draw.text((centre, y + SHEET_CELL + 6), template.title, font=font, fill=(40, 40, 40), anchor="ma")
        draw.text((centre, y + SHEET_CELL + 25), template.name, font=font, fill=(110, 110, 110), anchor="ma")
    return sheet


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slogan", default="2010-14", help="口号 ID 或别名（默认 2010-14）")
    default_out = Path(__file__).resolve().parent.parent / "docs" / "template-previews"
    parser.add_argument("--out", type=Path, default=default_out)
    args = parser.parse_args()
    catalogue, campaign = load_catalogue(), load_campaign()
    entry = catalogue.resolve(args.slogan)
    content = Content.from_campaign(campaign, entry.text, args.slogan)
    # couplet templates take only slogans that make a couplet: the first such one in the catalogue
    pair = next(e for e in catalogue.entries if problem(split_phrases(e.text)) is None)
    args.out.mkdir(parents=True, exist_ok=True)
    items = []
    for template in list_templates():
        shown = content
        if skip_reason(template, content) is not None:
            shown = Content.from_campaign(campaign, pair.text, pair.id)
        image = preview(template, shown)
        (args.out / f"{template.name}.png").write_bytes(png_bytes(image))
        items.append((template, image))
        print(f"{template.name}.png  {image.width}×{image.height}")
    (args.out / "library.png").write_bytes(png_bytes(contact_sheet(items)))
    print("library.png")


if __name__ == "__main__":
    main()
