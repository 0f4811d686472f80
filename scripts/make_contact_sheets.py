#!/usr/bin/env python3
"""Draw docs/contact-sheets/: every bundled template × the four slogans that stress a design.

Usage:  python scripts/make_contact_sheets.py [--out docs/contact-sheets] [--template NAME]...

The four slogans come from the bundled catalogue and default campaign: the shortest
and the longest current slogan, the first of three phrases, and the slogan that is the
campaign's theme (2010-01), where a layout must not print the same line twice. Each
template gets one sheet (qmposter.products.preview.render_sheet, the sheet `qmposter
preview` draws); a sample a template skips (a couplet needs two phrases) shows why.
Sheets are palette-quantised so the docs stay small; reruns give identical files.
"""

from __future__ import annotations

import argparse
import io
from pathlib import Path

from PIL import Image

from qmposter.campaign import load_campaign
from qmposter.catalogue.catalogue import load_catalogue
from qmposter.products.preview import Sample, render_sheet, stress_samples
from qmposter.templates import list_templates
from qmposter.text import canonical

MAX_BYTES = 900_000


def samples() -> list[Sample]:
    """Shortest, longest, three-phrase, and slogan = theme."""
    catalogue, campaign = load_catalogue(), load_campaign()
    picks = stress_samples(catalogue, extra_file=Path("/nonexistent"))[:3]
    theme = canonical(campaign.theme)
    same = [e for e in catalogue.current() if canonical(e.text) == theme]
    if same:
        entry = same[0]
        picks.append(Sample(label="口号即主题", text=entry.text, ref=entry.aliases[0] if entry.aliases else entry.id))
    return picks


def shrink(path: Path) -> None:
    """Re-save as a 256-colour palette PNG when the full-colour sheet is large."""
    if path.stat().st_size <= MAX_BYTES:
        return
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(256, dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    small.save(buffer, "PNG", optimize=True)
    path.write_bytes(buffer.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "docs" / "contact-sheets")
    parser.add_argument("--template", action="append", default=[], help="只画这些模板（可重复）")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    picks, campaign = samples(), load_campaign()
    for template in list_templates():
        if args.template and template.name not in args.template:
            continue
        path = args.out / f"{template.name}.png"
        result = render_sheet(template, campaign, picks, path)
        shrink(path)
        note = f"  跳过/失败：{'；'.join(result.failures)}" if result.failures else ""
        print(f"{path.name}  {path.stat().st_size // 1024} KB{note}")


if __name__ == "__main__":
    main()
