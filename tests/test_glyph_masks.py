"""Cached glyph masks (render/glyph_masks.py) draw exactly what ImageDraw.text draws.

The reference is Pillow's own ImageDraw.text at the same fractional origins — the way the raster
backend drew every glyph before the cache — over sub-pixel sweeps, rounding boundaries, glyphs cut
by the page edge, fractional sizes and the 1-bit LED mode, for every bundled font.
"""

from __future__ import annotations

import math
import os
import shutil

import pytest
from helpers import all_font_ids
from PIL import Image, ImageDraw, ImageFont

from qmposter.fonts import load_font
from qmposter.layout.page import Color, Fill, Glyph, GlyphRun, Page
from qmposter.memo import LRU
from qmposter.render import glyph_masks as gm
from qmposter.render.prefix_cache import PREFIXES
from qmposter.render.raster import render_image, threshold
from qmposter.render.run_tiles import RUN_TILES

RED = Color(200, 16, 46)


@pytest.fixture(autouse=True)
def empty_cache_folder(tmp_path, monkeypatch) -> None:
    """No masks from an earlier run's user cache folder: each test sees FreeType's work counted."""
    monkeypatch.setenv("QMPOSTER_CACHE_DIR", str(tmp_path / "cache"))
    forget()


def forget() -> None:
    """Drop what this process drew (glyph masks, packs read, unwritten masks, canvases, run tiles)."""
    gm.clear()
    PREFIXES.clear()
    RUN_TILES.clear()


def new_process() -> None:
    """End this "process" as a process ends (its new masks written), then start a new one."""
    gm.PACKS.flush()
    forget()


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


def cache_files(kind: str = "glyphs") -> list:
    return sorted(gm.pixel_store.cache_dir().glob(f"{kind}-*.marshal"))


@pytest.mark.parametrize("mono", [False, True])
def test_masks_from_the_cache_folder_are_freetypes(mono: bool) -> None:
    page, reference = page_and_reference(all_font_ids()[0], 27.3, 100 / 72, mono)
    cache = gm.glyph_masks()
    new_process()
    assert render_image(page, 100).tobytes() == reference.tobytes()
    made = gm.glyph_masks().rendered
    new_process()  # nothing in memory, the packs on disk
    assert made > 0 and cache_files()
    assert render_image(page, 100).tobytes() == reference.tobytes()
    cache = gm.glyph_masks()
    assert cache.rendered == 0 and cache.loaded == made


@pytest.mark.parametrize("damage", ["truncate", "flip", "foreign", "garbage"])
def test_a_damaged_or_foreign_pack_costs_time_not_pixels(damage: str) -> None:
    page, reference = page_and_reference(all_font_ids()[0], 29.1, 1.0, False)
    new_process()
    render_image(page, 72)
    made = gm.glyph_masks().rendered
    gm.PACKS.flush()
    (pack,) = cache_files()
    data = pack.read_bytes()
    if damage == "truncate":
        pack.write_bytes(data[: len(data) // 2])
    elif damage == "flip":  # inside the compressed masks: zlib's checksum catches it
        pack.write_bytes(data[:-200] + bytes(b ^ 0x5A for b in data[-200:-100]) + data[-100:])
    elif damage == "foreign":  # a pack written for another font or size, under this name
        other = gm.pixel_store.entry_path("glyphs", ("another font", 10.0, 0, "L"))
        gm.pixel_store.save("glyphs", ("another font", 10.0, 0, "L"), {("量", (0, 1, 0, 1)): ("L", 1, 1, 0, 0, b"")})
        pack.write_bytes(other.read_bytes())
    else:
        pack.write_bytes(b"\x00not a marshal file")
    new_process()
    assert render_image(page, 72).tobytes() == reference.tobytes()
    cache = gm.glyph_masks()
    if damage == "flip":  # only the damaged masks are made again
        assert cache.rendered >= 1 and cache.rendered + cache.loaded == made
    else:
        assert (cache.rendered, cache.loaded) == (made, 0)


def test_an_unwritable_cache_folder_costs_time_not_pixels(tmp_path, monkeypatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("QMPOSTER_CACHE_DIR", str(blocker / "cache"))
    page, reference = page_and_reference(all_font_ids()[0], 25.0, 1.0, False)
    for _ in range(2):
        new_process()
        assert render_image(page, 72).tobytes() == reference.tobytes()
        assert gm.glyph_masks().rendered > 0


def test_an_edited_font_file_reads_no_old_pack(tmp_path) -> None:
    path = tmp_path / "font.ttf"
    shutil.copyfile(load_font(all_font_ids()[0]).path, path)
    where = gm.phase(10.2, 50.2)

    def mask_bytes() -> tuple[bytes, int, int]:
        gm.clear()
        font = ImageFont.truetype(str(path), 40, layout_engine=ImageFont.Layout.BASIC)
        cache = gm.glyph_masks()
        mask, _ = cache.mask(font, "L", "量", 10.2, 50.2, where)
        gm.PACKS.flush()
        return bytes(Image.Image()._new(mask).tobytes()), cache.rendered, cache.loaded

    first = mask_bytes()
    assert first[1:] == (1, 0)
    assert mask_bytes() == (first[0], 0, 1)
    os.utime(path, ns=(1, 10**18))  # another version of the file (size and mtime are its identity)
    assert mask_bytes() == (first[0], 1, 0)


def test_the_cache_folder_is_bounded_in_bytes_least_recently_used_out() -> None:
    store = gm.pixel_store
    keys = [("bound test", k) for k in range(10)]
    for k, key in enumerate(keys):
        store.save("glyphs", key, os.urandom(1000))  # incompressible: ~1 kB a file
        os.utime(store.entry_path("glyphs", key), ns=(10**9 * k, 10**9 * k))
    assert store.load("glyphs", keys[0]) is not None  # read: now the most recently used
    size = max(store.entry_path("glyphs", key).stat().st_size for key in keys)  # a few bytes apart (the CRC's size)
    store.prune("glyphs", 4 * size + 10)
    kept = [key for key in keys if store.entry_path("glyphs", key).exists()]
    assert kept == [keys[0], *keys[-3:]]
    assert sum(p.stat().st_size for p in cache_files()) <= 4 * size + 10
