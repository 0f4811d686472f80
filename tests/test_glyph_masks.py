"""Cached glyph masks (render/glyph_masks.py) draw exactly what ImageDraw.text draws.

The reference is Pillow's own ImageDraw.text at the same fractional origins — the way the raster
backend drew every glyph before the cache — over sub-pixel sweeps, rounding boundaries, glyphs cut
by the page edge, fractional sizes and the 1-bit LED mode, for every bundled font.
"""

from __future__ import annotations

import math

import pytest
from helpers import all_font_ids
from PIL import Image, ImageDraw, ImageFont

from qmposter.fonts import load_font
from qmposter.layout.page import Color, Fill, Glyph, GlyphRun, Page
from qmposter.memo import LRU
from qmposter.render import glyph_masks as gm
from qmposter.render.raster import render_image, threshold

RED = Color(200, 16, 46)
WHITE = Color(255, 255, 255)
BOUNDARY = 31.5 / 64  # where Pillow's whole-pixel shift of the glyph changes


def origins(scale: float) -> list[tuple[float, float]]:
    """Pixel origins: a sweep over 64ths and in between, both rounding boundaries ± one float, and
    negative coordinates (glyph partly off the page)."""
    fracs = [k / 64 + d for k in range(0, 64, 3) for d in (0.0, 0.0037)]
    fracs += [BOUNDARY, BOUNDARY - 1e-7, BOUNDARY + 1e-7, 1 - 32.5 / 64, 0.5, 0.999999]
    points = [(40 + 37 * (i % 9) + f, 60 + 41 * (i // 9) + fracs[-1 - i]) for i, f in enumerate(fracs)]
    points += [(-3.3, 20.5), (-0.49, -0.51), (5.5078125, -2.4921875)]
    return [(x / scale, y / scale) for x, y in points]


def page_and_reference(font_id: str, size: float, scale: float, mono: bool) -> tuple[Page, Image.Image]:
    text = "质量月抓Ag，（"
    face = load_font(font_id)
    chars = [ch for ch in text if face.has(ch)]
    glyphs = tuple(Glyph(char=chars[i % len(chars)], x=x, y=y) for i, (x, y) in enumerate(origins(scale)))
    width, height = 420 / scale, 420 / scale
    run = GlyphRun(font_id=font_id, size=size, color=RED, glyphs=glyphs, text="".join(g.char for g in glyphs))
    page = Page(width=width, height=height, items=(Fill(0, 0, width, height, WHITE), run), monochrome=mono)
    reference = Image.new("RGB", (420, 420), (255, 255, 255))
    draw = ImageDraw.Draw(reference)
    draw.fontmode = "1" if mono else "L"
    size_px = round(size * scale * 64) / 64
    font = ImageFont.truetype(str(face.path), size_px, layout_engine=ImageFont.Layout.BASIC)
    for g in glyphs:
        draw.text((g.x * scale, g.y * scale), g.char, fill=(RED.r, RED.g, RED.b), font=font, anchor="ls")
    return page, threshold(reference) if mono else reference


@pytest.mark.parametrize("font_id", all_font_ids())
@pytest.mark.parametrize(("size", "dpi", "mono"), [(31.0, 72, False), (23.7, 100, False), (16.0, 72, True)])
def test_cached_masks_give_imagedraw_text_pixels(font_id: str, size: float, dpi: float, mono: bool) -> None:
    page, reference = page_and_reference(font_id, size, dpi / 72, mono)
    cache = gm.glyph_masks()
    before = cache.rendered
    first = render_image(page, dpi)
    made = cache.rendered - before
    second = render_image(page, dpi)  # every mask now comes from the cache
    assert first.tobytes() == reference.tobytes()
    assert second.tobytes() == reference.tobytes()
    assert cache.rendered - before == made, "the second page rasterised glyphs again"
    assert 0 < made < len(page.items[1].glyphs), "no glyph mask was reused within the page"


def test_rounding_boundaries_are_left_to_pillow() -> None:
    assert gm.phase(10 + BOUNDARY, 5.25) is None
    assert gm.phase(10.25, 5 - BOUNDARY) is None  # y is mirrored: −64·fy crosses 31.5
    assert gm.phase(-10 - 32.5 / 64, 5.25) is None
    assert gm.phase(10.1, 5.1) == (0, 1, 0, 1)
    assert gm.phase(10.6, 5.6) == (1, 1, -1, 1)
    assert gm.phase(-10.6, -5.6) == (-1, 0, 1, 0)


def test_cache_is_bounded_and_evicts_the_least_recently_used() -> None:
    face = load_font(all_font_ids()[0])
    font = ImageFont.truetype(str(face.path), 40, layout_engine=ImageFont.Layout.BASIC)
    cache = gm.GlyphMasks(LRU(None, budget=4 * 41 * 41))
    chars = "质量月抓手提升"
    for ch in chars:
        cache.mask(font, "L", ch, 10.2, 50.2, (0, 1, 0, 1))
    assert cache.rendered == len(chars)
    assert 0 < len(cache.masks) < len(chars)
    assert cache.masks.used <= cache.masks.budget
    assert cache.masks.used == sum(m.size[0] * m.size[1] for _, (m, _) in cache.masks.items())
    last = (font.path, 40, "L", chars[-1], (0, 1, 0, 1))
    assert last in cache.masks  # the newest stays; the oldest went first
    assert (font.path, 40, "L", chars[0], (0, 1, 0, 1)) not in cache.masks


def test_self_check_accepts_this_pillow() -> None:
    face = load_font(all_font_ids()[0])
    font = ImageFont.truetype(str(face.path), 40, layout_engine=ImageFont.Layout.BASIC)
    assert gm._self_check(font)
    assert not gm.usable(ImageFont.truetype(str(face.path), gm.MAX_CACHED_SIZE_PX + 1))
    assert math.isclose(gm._f32(0.1), 0.1, rel_tol=1e-7)
