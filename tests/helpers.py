"""Shared helpers for the backend tests: real fonts, hand-built pages, independent decoders.

Pages are built here from real font metrics (qmposter.fonts, read by fontTools) so the
tests exercise the backends on what the layout engine produces, not on mocks. The PDF
is rasterized by poppler (pdftoppm) and QR codes are read by zxing-cpp: both are
independent of the code under test.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import zxingcpp
from PIL import Image, ImageChops, ImageStat

from qmposter.layout.page import (
    Color,
    Fill,
    Glyph,
    GlyphRun,
    Line,
    LinearGradient,
    Page,
    PageMeta,
)
from qmposter.layout.qr import qr_item

MM = 72 / 25.4
RED = Color(200, 16, 46, (0.0, 1.0, 0.85, 0.1))
GOLD = Color(255, 205, 0)
WHITE = Color(255, 255, 255)
BLACK = Color(0, 0, 0)
NAVY = Color(0, 40, 120)
QR_DATA = "https://www.samr.gov.cn/zljds/"


def heavy_font_id() -> str:
    """A bundled heavy 黑体 (the headline font); QMPOSTER_TEST_FONT may name a .ttf instead."""
    override = os.environ.get("QMPOSTER_TEST_FONT")
    if override:
        return override
    from qmposter.fonts import bundled_fonts

    fonts = [f for f in bundled_fonts() if f.role == "heiti"] or bundled_fonts()
    return max(fonts, key=lambda f: f.weight).id


def all_font_ids() -> list[str]:
    """Every bundled font id (each must embed and render)."""
    if os.environ.get("QMPOSTER_TEST_FONT"):
        return [os.environ["QMPOSTER_TEST_FONT"]]
    from qmposter.fonts import bundled_fonts

    return [f.id for f in bundled_fonts()]


def set_line(text: str, font_id: str, size: float, x: float, y: float, color: Color, tracking: float = 0.0) -> GlyphRun:
    """A horizontal run set by hand from the font's own advances (origin on the baseline)."""
    from qmposter.fonts import load_font

    face = load_font(font_id)
    glyphs = []
    pen = x
    for ch in text:
        glyphs.append(Glyph(char=ch, x=pen, y=y, source=ch))
        pen += (face.advance(ch) + tracking) * size
    return GlyphRun(font_id=font_id, size=size, color=color, glyphs=tuple(glyphs), text=text)


def set_column(text: str, font_id: str, size: float, x: float, y_top: float, color: Color) -> GlyphRun:
    """A vertical column: CJK upright, one em apart; ASCII rotated 90° clockwise about its origin."""
    from qmposter.fonts import load_font

    face = load_font(font_id)
    glyphs = []
    pen = y_top
    for ch in text:
        if ch.isascii():
            glyphs.append(Glyph(char=ch, x=x - 0.35 * size, y=pen, rotate=90, source=ch))
            pen += face.advance(ch) * size
        else:
            glyphs.append(Glyph(char=ch, x=x - 0.5 * size, y=pen + face.ideo_top * size, source=ch))
            pen += face.vertical_advance(ch) * size
    return GlyphRun(font_id=font_id, size=size, color=color, glyphs=tuple(glyphs), text=text)


def poster_page(font_id: str, *, bleed: float = 0.0, crop_marks: bool = False, qr_mm: float = 30.0) -> Page:
    """An A5 landscape test poster: background into the bleed, gradient band, text, rule, vertical text, QR."""
    w, h = 210 * MM, 148 * MM
    items = (
        Fill(-bleed, -bleed, w + 2 * bleed, h + 2 * bleed, Color(255, 248, 235)),
        Fill(
            -bleed,
            -bleed,
            w + 2 * bleed,
            40 * MM + bleed,
            LinearGradient(0, 0, w, 40 * MM, ((0.0, RED), (0.6, Color(230, 90, 20)), (1.0, GOLD))),
        ),
        set_line("质量月 2010年 QC小组", font_id, 40, 12 * MM, 28 * MM, WHITE),
        set_line("抓质量水平提升，促发展方式转变", font_id, 24, 12 * MM, 62 * MM, RED),
        Line(12 * MM, 70 * MM, 198 * MM, 70 * MM, 1.5, BLACK),
        set_column("质量12365", font_id, 22, 190 * MM, 78 * MM, NAVY),
        set_line("江苏省质量技术监督局", font_id, 14, 60 * MM, 130 * MM, BLACK),
        Fill(60 * MM, 100 * MM, 60 * MM, 15 * MM, BLACK),
        qr_item(QR_DATA, 12 * MM, 140 * MM - qr_mm * MM, qr_mm * MM, label="测试海报"),
    )
    meta = PageMeta(
        title="质量月测试海报", author="江苏省质量技术监督局", subject="2010年质量月", keywords=("质量月", "2010")
    )
    return Page(width=w, height=h, items=items, bleed=bleed, crop_marks=crop_marks, meta=meta)


def pdftoppm(pdf: bytes, dpi: float, size: tuple[int, int] | None = None, *, cropbox: bool = False) -> Image.Image:
    """Rasterize page 1 with poppler at `dpi`; crop to `size` pixels from the top-left when given."""
    exe = shutil.which("pdftoppm")
    assert exe, "pdftoppm (poppler-utils) is needed: scripts/test installs it"
    cmd = [exe, "-r", str(dpi), "-png", "-singlefile", "-f", "1", "-l", "1"]
    if cropbox:
        cmd.append("-cropbox")
    if size is not None:
        cmd += ["-x", "0", "-y", "0", "-W", str(size[0]), "-H", str(size[1])]
    out = subprocess.run([*cmd, "-"], input=pdf, capture_output=True, check=True, timeout=120).stdout
    return Image.open(io.BytesIO(out)).convert("RGB")


def svg_to_image(svg: str, size: tuple[int, int]) -> Image.Image:
    """Rasterize an SVG with cairosvg (independent of qmposter) at a pixel size."""
    import cairosvg

    png = cairosvg.svg2png(bytestring=svg.encode("utf-8"), output_width=size[0], output_height=size[1])
    return Image.open(io.BytesIO(png)).convert("RGB")


def mean_abs_diff(a: Image.Image, b: Image.Image) -> float:
    """Mean absolute difference over all channels, as a fraction of full scale (0–1)."""
    assert a.size == b.size, (a.size, b.size)
    diff = ImageChops.difference(a.convert("RGB"), b.convert("RGB"))
    return sum(ImageStat.Stat(diff).mean) / 3 / 255


def decode_qr(image: Image.Image) -> list[str]:
    """Texts of all QR codes zxing-cpp finds in the image."""
    return [r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]


def save_debug(image: Image.Image, name: str) -> Path | None:
    """Keep an image for a person to look at when QMPOSTER_DEBUG_DIR is set."""
    folder = os.environ.get("QMPOSTER_DEBUG_DIR")
    if not folder:
        return None
    path = Path(folder) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path)
    return path


SQUARE_SLOGANS = ("质量第一，安全至上", "以质取胜，诚信为本", "提高质量水平，促进科学发展")


def square_images(cache: Path) -> list[Image.Image]:
    """Three 1080² images of one stock template (same background, header and QR code, different
    slogans), drawn with `cache` as the user cache folder: nothing of the user's is read or written."""
    import pytest

    from qmposter.campaign import load_campaign
    from qmposter.content import Content
    from qmposter.layout.engine import layout_page
    from qmposter.render.raster import render_image
    from qmposter.templates import load_template

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("QMPOSTER_CACHE_DIR", str(cache))
        template = load_template("image-square-1080")
        campaign = load_campaign(None)
        contents = [Content.from_campaign(campaign, slogan, "test") for slogan in SQUARE_SLOGANS]
        return [render_image(layout_page(template, content), 72) for content in contents]
