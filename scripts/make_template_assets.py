#!/usr/bin/env python3
"""Draw the decorative pictures the bundled templates use, into templates/assets/.

Usage:  python scripts/make_template_assets.py [--out templates/assets]

Everything is drawn from fixed geometry with Pillow (no randomness, no timestamps),
so a rerun gives byte-identical PNGs. The pictures are our own abstract shapes —
light rays, 回纹 corners, a technology grid, flowing ribbons — never a copy of an
emblem or a logo. Each is white or gold on a transparent ground; a template tints
it with `opacity`. Shapes are drawn at SUPERSAMPLE× size and scaled down, which
anti-aliases the edges.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable, Sequence
from pathlib import Path

from PIL import Image, ImageDraw

SUPERSAMPLE = 3
WHITE = (255, 255, 255)
GOLD = (246, 210, 122)
Point = tuple[float, float]


def _canvas(width: int, height: int) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("RGBA", (width * SUPERSAMPLE, height * SUPERSAMPLE), (0, 0, 0, 0))
    return image, ImageDraw.Draw(image)


def _finish(image: Image.Image, width: int, height: int) -> Image.Image:
    return image.resize((width, height), Image.Resampling.LANCZOS)


def rays(width: int = 600, height: int = 600, count: int = 36, centre: Point = (0.5, 0.14)) -> Image.Image:
    """Light rays (放射光芒) from a point near the top, fading towards the edges."""
    image, draw = _canvas(width, height)
    s = SUPERSAMPLE
    cx, cy = centre[0] * width * s, centre[1] * height * s
    reach = 2 * math.hypot(width, height) * s
    step = 2 * math.pi / count
    for k in range(count):
        a0, a1 = k * step, k * step + step / 2
        draw.polygon(
            [(cx, cy), (cx + reach * math.cos(a0), cy + reach * math.sin(a0)),
             (cx + reach * math.cos(a1), cy + reach * math.sin(a1))],
            fill=(*WHITE, 255),
        )  # fmt: skip
    image = _finish(image, width, height)
    fade = Image.new("L", (width, height))
    radius = math.hypot(max(cx / s, width - cx / s), height - cy / s)
    fade.putdata(
        [
            round(255 * max(0.0, 1 - math.hypot(x - cx / s, y - cy / s) / radius) ** 0.7)
            for y in range(height)
            for x in range(width)
        ]
    )
    alpha = Image.composite(image.getchannel("A"), Image.new("L", image.size), fade)
    image.putalpha(alpha)
    return image


def huiwen_corner(size: int = 420, color: tuple[int, int, int] = GOLD) -> Image.Image:
    """A 回纹 (square meander) corner ornament for the top-left corner of a frame."""
    units = 15
    unit = size * SUPERSAMPLE / units
    stroke = round(unit * 0.62)
    image, draw = _canvas(size, size)

    def path(points: Sequence[Point]) -> None:
        pts = [(0.5 * unit + x * unit, 0.5 * unit + y * unit) for x, y in points]
        draw.line(pts, fill=(*color, 255), width=stroke, joint="curve")
        for x, y in (pts[0], pts[-1]):
            half = stroke / 2
            draw.rectangle((x - half, y - half, x + half, y + half), fill=(*color, 255))

    path([(0, 14), (0, 0), (14, 0)])  # the two arms along the frame
    path([(6, 0), (6, 6), (2, 6), (2, 2), (4, 2), (4, 4)])  # the 回 spiral
    path([(0, 8), (8, 8), (8, 0)])  # the step that closes the corner square
    return _finish(image, size, size)


def tech_grid(width: int = 800, height: int = 1131) -> Image.Image:
    """Quality/technology ground: a dot grid fading leftwards, concentric arcs, circuit traces."""
    image, draw = _canvas(width, height)
    s = SUPERSAMPLE
    pitch = 24
    for row in range(height // pitch + 1):
        for col in range(width // pitch + 1):
            x, y = col * pitch + pitch / 2, row * pitch + pitch / 2
            level = round(255 * min(1.0, (x / width) ** 1.6 * 1.2) * (1 - 0.5 * y / height))
            if level > 8:
                r = 1.3 * s
                draw.ellipse((x * s - r, y * s - r, x * s + r, y * s + r), fill=(*WHITE, level))
    cx, cy = width * 0.96 * s, height * 0.12 * s
    for k, radius in enumerate((70, 120, 180, 250, 330)):
        r = radius * s
        width_px = (3 if k % 2 == 0 else 1) * s
        draw.arc((cx - r, cy - r, cx + r, cy + r), 90, 250 - k * 12, fill=(*WHITE, 200 - 25 * k), width=width_px)
    traces = [
        [(0.70, 0.00), (0.70, 0.04), (0.78, 0.075)],
        [(0.80, 0.40), (0.88, 0.36), (1.00, 0.36)],
        [(0.90, 0.62), (0.90, 0.54), (0.96, 0.51), (1.00, 0.51)],
        [(0.00, 0.64), (0.06, 0.61), (0.16, 0.61)],
    ]
    for trace in traces:
        pts = [(x * width * s, y * height * s) for x, y in trace]
        draw.line(pts, fill=(*WHITE, 170), width=2 * s, joint="curve")
        for x, y in (pts[0], pts[-1]):
            r = 5 * s
            draw.ellipse((x - r, y - r, x + r, y + r), outline=(*WHITE, 200), width=2 * s)
    return _finish(image, width, height)


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
    "rays.png": rays,
    "huiwen-corner-tl.png": huiwen_corner,
    "huiwen-corner-tr.png": lambda: huiwen_corner().transpose(Image.Transpose.FLIP_LEFT_RIGHT),
    "huiwen-corner-bl.png": lambda: huiwen_corner().transpose(Image.Transpose.FLIP_TOP_BOTTOM),
    "huiwen-corner-br.png": lambda: huiwen_corner().transpose(Image.Transpose.ROTATE_180),
    "tech-grid.png": tech_grid,
    "tech-grid-wide.png": lambda: tech_grid(1280, 720),
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
