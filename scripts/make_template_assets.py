#!/usr/bin/env python3
"""Draw the decorative pictures the bundled templates use, into templates/assets/.

Usage:  python scripts/make_template_assets.py [--out templates/assets]

Everything is drawn from fixed geometry with Pillow (no randomness, no timestamps),
so a rerun gives byte-identical PNGs. The pictures are our own abstract shapes —
flowing ribbons for the square image — never a copy of an
emblem or a logo. Print templates use none of them: their rays, 回纹 corners, rings,
ribbons and arcs are vector ornaments (`type = "ornament"`, qmposter/layout/ornaments.py),
sharp at any print size. Each is white or gold on a transparent ground; a template tints
it with `opacity`. Shapes are drawn at SUPERSAMPLE× size and scaled down, which
anti-aliases the edges.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw

SUPERSAMPLE = 3
WHITE = (255, 255, 255)


def _canvas(width: int, height: int) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("RGBA", (width * SUPERSAMPLE, height * SUPERSAMPLE), (0, 0, 0, 0))
    return image, ImageDraw.Draw(image)


def _finish(image: Image.Image, width: int, height: int) -> Image.Image:
    return image.resize((width, height), Image.Resampling.LANCZOS)


def ribbons(width: int = 1131, height: int = 800) -> Image.Image:
    """Flowing ribbons (飘带): bands between sine curves sweeping across, brighter at the crest."""
    image, draw = _canvas(width, height)
    s = SUPERSAMPLE

    def curve(base: float, amp: float, phase: float, freq: float = 1.0) -> Callable[[float], float]:
        return lambda t: (base + amp * math.sin(2 * math.pi * (freq * t + phase))) * height * s

    bands = [
        (curve(0.50, 0.16, 0.05), curve(0.62, 0.12, 0.10), 120),
        (curve(0.60, 0.18, 0.12), curve(0.66, 0.15, 0.16), 90),
        (curve(0.42, 0.14, 0.20), curve(0.46, 0.12, 0.24), 70),
    ]
    steps = 240
    for top, bottom, alpha in bands:
        ts = [k / steps for k in range(steps + 1)]
        upper = [(t * width * s, top(t)) for t in ts]
        lower = [(t * width * s, bottom(t)) for t in reversed(ts)]
        draw.polygon(upper + lower, fill=(*WHITE, alpha))
    for phase, alpha in ((0.02, 160), (0.08, 120), (0.14, 90)):
        line = curve(0.56, 0.2, phase)
        draw.line([(k / steps * width * s, line(k / steps)) for k in range(steps + 1)],
                  fill=(*WHITE, alpha), width=2 * s)  # fmt: skip
    return _finish(image, width, height)


ASSETS: dict[str, Callable[[], Image.Image]] = {
    "ribbons.png": ribbons,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "templates" / "assets")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for name, make in ASSETS.items():
        path = args.out / name
        make().save(path, "PNG", optimize=True)
        print(f"{path}  {path.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
