"""Render docs/leaflet-preview-{a4,trifold}.png from the bundled default campaign, and
docs/leaflet-preview-trifold-county.png from tests/leaflet_county (no 指导思想, 3 activities).

Each page is rasterized by poppler at 100 dpi, cropped to its trim box (no bleed or crop
marks), scaled to 640 px on its long side and laid out: A4 pages side by side, the
tri-fold's outside page above its inside page. Run: python scripts/make_leaflet_previews.py
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from PIL import Image
from pypdf import PdfReader

from qmposter.campaign import load_campaign
from qmposter.catalogue.catalogue import load_catalogue
from qmposter.products.leaflet import build_leaflet

DOCS = Path(__file__).resolve().parent.parent / "docs"
DPI = 100
LONG_SIDE = 640
GAP = 14
BACKGROUND = (236, 236, 232)


def pages(pdf: Path) -> list[Image.Image]:
    reader = PdfReader(pdf)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-r", str(DPI), "-png", str(pdf), f"{tmp}/p"], check=True)
        files = sorted(Path(tmp).glob("p-*.png"))
        out = []
        for page, file in zip(reader.pages, files, strict=True):
            media_top = float(page.mediabox.top)
            trim = page.trimbox
            scale = DPI / 72
            box = (round(float(trim.left) * scale), round((media_top - float(trim.top)) * scale),
                   round(float(trim.right) * scale), round((media_top - float(trim.bottom)) * scale))
            with Image.open(file) as image:
                cropped = image.convert("RGB").crop(box)
            cropped.thumbnail((LONG_SIDE, LONG_SIDE), Image.Resampling.LANCZOS)
            out.append(cropped)
    return out


def sheet(images: list[Image.Image], *, vertical: bool) -> Image.Image:
    if vertical:
        size = (max(i.width for i in images) + 2 * GAP, sum(i.height for i in images) + GAP * (len(images) + 1))
    else:
        size = (sum(i.width for i in images) + GAP * (len(images) + 1), max(i.height for i in images) + 2 * GAP)
    canvas = Image.new("RGB", size, BACKGROUND)
    x = y = GAP
    for image in images:
        canvas.paste(image, (x, y))
        if vertical:
            y += image.height + GAP
        else:
            x += image.width + GAP
    return canvas


COUNTY = DOCS.parent / "tests" / "leaflet_county"  # a provincial notice without 指导思想, reused by a county


def main() -> None:
    default = (load_campaign(), load_catalogue())
    county = (load_campaign(COUNTY / "campaign.toml"), load_catalogue(COUNTY / "slogans"))
    jobs = [(default, "a4", False, ""), (default, "trifold", True, ""), (county, "trifold", True, "-county")]
    with tempfile.TemporaryDirectory() as tmp:
        for (campaign, catalogue), layout, vertical, suffix in jobs:
            pdf = Path(tmp) / f"{layout}{suffix}.pdf"
            pdf.write_bytes(build_leaflet(campaign, catalogue, layout=layout).pdf)
            out = DOCS / f"leaflet-preview-{layout}{suffix}.png"
            sheet(pages(pdf), vertical=vertical).quantize(colors=128, dither=Image.Dither.NONE).save(out, optimize=True)
            print(f"wrote {out}")


if __name__ == "__main__":
    main()
