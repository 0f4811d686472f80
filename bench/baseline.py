"""The naive baseline: the same pictures drawn directly with Pillow, reportlab and qrcode.

What a straightforward hand-written script does, one picture after another in one
process: Image.new with the background, ImageDraw.text of each whole line, qrcode's own
PIL image pasted in, Image.save; or Canvas + drawString of each whole line + drawImage of
the QR image + Canvas.save. It does no line breaking, fitting, tracking, distributed
alignment or glyph-by-glyph placement, writes straight to the final name (no temporary
file, no fsync) and keeps no caches between pictures except reportlab's font
registration, which a script also does once.

To draw the *same* pictures it does not decide anything itself: bench_build.py turns
qmposter's display list of each job into a plain JSON "spec" (page size, background,
each line of text with its font file, size and start point, the QR code's data and box,
pictures, rules) once, untimed, and this module only draws specs. It imports nothing
from qmposter, so its memory figures are those of Pillow + reportlab + qrcode alone.

Standalone: python bench/baseline.py SPECS.json OUT_DIR  (draws every spec once, prints ms).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import qrcode
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

JPEG_QUALITY = 92  # the same encoder settings as qmposter, so the ratio is about drawing, not settings
_QR_LEVELS = {
    "L": qrcode.constants.ERROR_CORRECT_L,
    "M": qrcode.constants.ERROR_CORRECT_M,
    "Q": qrcode.constants.ERROR_CORRECT_Q,
    "H": qrcode.constants.ERROR_CORRECT_H,
}
_pdf_fonts: dict[str, str] = {}

Mark = Callable[[str], None]


def run_job(spec: dict, out_dir: Path, mark: Mark) -> Path:
    """Draw one spec and save it under out_dir; `mark("render")` after drawing, `mark("encode")` after saving."""
    path = out_dir / spec["name"]
    path.parent.mkdir(parents=True, exist_ok=True)
    if spec["format"] == "pdf":
        canvas = draw_pdf(spec, path)
        mark("render")
        canvas.save()
    else:
        image = draw_raster(spec)
        mark("render")
        save_raster(image, spec, path)
    mark("encode")
    return path


# -- Pillow ----------------------------------------------------------------------------------------


def draw_raster(spec: dict) -> Image.Image:
    r = spec["raster"]
    scale, off = r["scale"], r["offset"]

    def px(v: float) -> float:
        return (v + off) * scale

    image = Image.new("RGB", (r["width"], r["height"]), "white")
    draw = ImageDraw.Draw(image)
    if r["mono"]:
        draw.fontmode = "1"
    for item in spec["items"]:
        kind = item["t"]
        if kind == "fill":
            draw.rectangle(_px_box(item, px), fill=tuple(item["color"]))
        elif kind == "gradient":
            _raster_gradient(draw, item, px)
        elif kind == "line":
            width = max(1, round(item["width"] * scale))
            draw.line([px(item["x0"]), px(item["y0"]), px(item["x1"]), px(item["y1"])], fill=tuple(item["color"]),
                      width=width)  # fmt: skip
        elif kind == "text":
            font = ImageFont.truetype(item["font"], item["size"] * scale)
            draw.text((px(item["x"]), px(item["y"])), item["text"], font=font, fill=tuple(item["color"]), anchor="ls")
        elif kind == "vtext":  # no whole-column call without raqm: one character at a time
            font = ImageFont.truetype(item["font"], item["size"] * scale)
            for char, x, y in item["glyphs"]:
                draw.text((px(x), px(y)), char, font=font, fill=tuple(item["color"]), anchor="ls")
        elif kind == "qr":
            qr = _qr_image(item).resize((round(item["size"] * scale),) * 2, Image.Resampling.NEAREST)
            image.paste(qr, (round(px(item["x"])), round(px(item["y"]))))
        elif kind == "image":
            _raster_picture(image, item, px)
    return image


def _px_box(item: dict, px: Callable[[float], float]) -> list[float]:
    return [px(item["x"]), px(item["y"]), px(item["x"] + item["w"]) - 1, px(item["y"] + item["h"]) - 1]


def _raster_gradient(draw: ImageDraw.ImageDraw, item: dict, px: Callable[[float], float]) -> None:
    """One line per pixel row (or column) along the gradient's main direction: the textbook loop."""
    x0, y0, x1, y1 = (px(item[k]) for k in ("x0", "y0", "x1", "y1"))
    left, top, right, bottom = (round(v) for v in _px_box(item, px))
    vertical = abs(y1 - y0) >= abs(x1 - x0)
    start, end = (y0, y1) if vertical else (x0, x1)
    span = (end - start) or 1.0
    for k in range(top, bottom + 1) if vertical else range(left, right + 1):
        color = _stop_color(item["stops"], (k + 0.5 - start) / span)
        points = [left, k, right, k] if vertical else [k, top, k, bottom]
        draw.line(points, fill=color)


def _stop_color(stops: list, t: float) -> tuple[int, int, int]:
    if t <= stops[0][0]:
        return tuple(stops[0][1])
    for (t0, c0), (t1, c1) in pairwise(stops):
        if t <= t1:
            u = 0.0 if t1 == t0 else (t - t0) / (t1 - t0)
            return tuple(round(a + (b - a) * u) for a, b in zip(c0, c1, strict=True))
    return tuple(stops[-1][1])


def _qr_image(item: dict) -> Image.Image:
    code = qrcode.QRCode(error_correction=_QR_LEVELS[item["ec"]], box_size=10, border=item["border"])
    code.add_data(item["data"])
    code.make(fit=True)
    return code.make_image(fill_color=tuple(item["dark"]), back_color=tuple(item["light"])).get_image().convert("RGB")


def _raster_picture(image: Image.Image, item: dict, px: Callable[[float], float]) -> None:
    left, top = round(px(item["x"])), round(px(item["y"]))
    w, h = round(px(item["x"] + item["w"])) - left, round(px(item["y"] + item["h"])) - top
    if w <= 0 or h <= 0:
        return
    with Image.open(item["path"]) as src:
        picture = src.convert("RGBA").resize((w, h), Image.Resampling.LANCZOS)
    alpha = picture.getchannel("A")
    if item["opacity"] < 1:
        alpha = alpha.point(lambda v: round(v * item["opacity"]))
    image.paste(picture.convert("RGB"), (left, top), alpha)


def save_raster(image: Image.Image, spec: dict, path: Path) -> None:
    dpi = spec["raster"]["dpi"]
    if spec["format"] == "png":
        if spec["raster"]["mono"]:
            image = image.convert("1", dither=Image.Dither.NONE)
        image.save(path, "PNG", dpi=(dpi, dpi))
    elif spec["format"] == "bmp":
        if spec["raster"]["mono"]:
            image = image.convert("1", dither=Image.Dither.NONE)
        image.save(path, "BMP", dpi=(round(dpi), round(dpi)))
    else:
        image.save(path, "JPEG", quality=JPEG_QUALITY, subsampling=0, dpi=(round(dpi), round(dpi)))


# -- reportlab -------------------------------------------------------------------------------------


def pdf_font(path: str) -> str:
    """Register a TrueType file once per process (a script does this once at the top)."""
    name = _pdf_fonts.get(path)
    if name is None:
        name = f"F{len(_pdf_fonts)}"
        pdfmetrics.registerFont(TTFont(name, path))
        _pdf_fonts[path] = name
    return name


def draw_pdf(spec: dict, path: Path) -> Canvas:
    p = spec["pdf"]
    origin, height = p["origin"], p["trim_height"]

    def X(x: float) -> float:
        return origin + x

    def Y(y: float) -> float:
        return origin + height - y

    c = Canvas(str(path), pagesize=(p["width"], p["height"]))
    for item in spec["items"]:
        kind = item["t"]
        if kind == "fill":
            c.setFillColorRGB(*_unit(item["color"]))
            c.rect(X(item["x"]), Y(item["y"] + item["h"]), item["w"], item["h"], stroke=0, fill=1)
        elif kind == "gradient":
            c.saveState()
            clip = c.beginPath()
            clip.rect(X(item["x"]), Y(item["y"] + item["h"]), item["w"], item["h"])
            c.clipPath(clip, stroke=0, fill=0)
            colors = [_rl_color(col) for _, col in item["stops"]]
            c.linearGradient(X(item["x0"]), Y(item["y0"]), X(item["x1"]), Y(item["y1"]), colors,
                             [t for t, _ in item["stops"]], extend=True)  # fmt: skip
            c.restoreState()
        elif kind == "line":
            c.setStrokeColorRGB(*_unit(item["color"]))
            c.setLineWidth(item["width"])
            c.line(X(item["x0"]), Y(item["y0"]), X(item["x1"]), Y(item["y1"]))
        elif kind == "text":
            c.setFont(pdf_font(item["font"]), item["size"])
            c.setFillColorRGB(*_unit(item["color"]))
            c.drawString(X(item["x"]), Y(item["y"]), item["text"])
        elif kind == "vtext":
            c.setFont(pdf_font(item["font"]), item["size"])
            c.setFillColorRGB(*_unit(item["color"]))
            for char, x, y in item["glyphs"]:
                c.drawString(X(x), Y(y), char)
        elif kind == "qr":
            size = item["size"]
            c.drawImage(ImageReader(_qr_image(item)), X(item["x"]), Y(item["y"] + size), size, size)
        elif kind == "image":
            c.drawImage(item["path"], X(item["x"]), Y(item["y"] + item["h"]), item["w"], item["h"], mask="auto")
    if p["marks"]:
        c.setLineWidth(0.25)
        c.lines(p["marks"])
    c.showPage()
    return c


def _unit(color: list[int]) -> tuple[float, float, float]:
    return (color[0] / 255, color[1] / 255, color[2] / 255)


def _rl_color(color: list[int]):
    from reportlab.lib.colors import Color

    return Color(*_unit(color))


# -- standalone ------------------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python bench/baseline.py SPECS.json OUT_DIR", file=sys.stderr)
        return 2
    specs = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    out = Path(argv[1])
    for spec in specs:
        started = time.perf_counter()
        run_job(spec, out, lambda _phase: None)
        print(f"{spec['name']}\t{(time.perf_counter() - started) * 1000:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
