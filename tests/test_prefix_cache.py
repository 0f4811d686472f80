"""Starting a page from a stored canvas (render/prefix_cache.py) and pasting runs seen before
(render/run_tiles.py) give the pixels of a fresh render.

Real build jobs of every raster template: pages rendered in build order and in reverse order (each
reusing what the pages before stored) must equal the same page rendered alone with an empty
cache; the cache must really skip drawing, stay within its bounds, and notice an edited picture.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from PIL import Image

from qmposter.build.plan import BuildRequest, plan_build
from qmposter.disk_cache import cache_dir
from qmposter.layout.engine import layout_page
from qmposter.layout.page import Color, Fill, Glyph, GlyphRun, Line, Page, Picture, Shape
from qmposter.memo import LRU
from qmposter.render import glyph_masks, pixel_store
from qmposter.render.prefix_cache import PREFIXES, PrefixCache
from qmposter.render.raster import render_image
from qmposter.render.run_tiles import RUN_TILES
from qmposter.templates import load_template

RASTER = ("png", "jpg", "bmp")
SLOGANS = 5  # per template: enough for the shared prefix to be learnt and reused twice


def pages_by_template(tmp: Path) -> dict[str, list[tuple[Page, float]]]:
    """The first SLOGANS pages of each template's first raster format in the default build, in build order."""
    plan = plan_build(BuildRequest(out=tmp / "plan"))
    pages: dict[str, list[tuple[Page, float]]] = {}
    formats: dict[str, str] = {}
    templates = {}
    for job in plan.jobs:
        if job.skip_reason or job.format not in RASTER or len(pages.get(job.template, ())) >= SLOGANS:
            continue
        if formats.setdefault(job.template, job.format) != job.format:
            continue
        template = templates.get(job.template) or templates.setdefault(job.template, load_template(job.template))
        pages.setdefault(job.template, []).append((layout_page(template, job.content), job.dpi or template.page.dpi))
    return pages


@pytest.fixture(scope="module")
def template_pages(tmp_path_factory) -> dict[str, list[tuple[Page, float]]]:
    return pages_by_template(tmp_path_factory.mktemp("prefix"))


@pytest.fixture(autouse=True)
def cache_folder(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("QMPOSTER_CACHE_DIR", str(folder))
    return folder


def fresh(page: Page, dpi: float) -> bytes:
    """The page drawn in a new state: no stored canvas, run tile or glyph mask, in memory or on disk."""
    PREFIXES.clear()
    RUN_TILES.clear()
    glyph_masks.clear()
    shutil.rmtree(cache_dir(), ignore_errors=True)
    return render_image(page, dpi).tobytes()


def test_every_template_gives_fresh_pixels_in_build_and_reverse_order(template_pages) -> None:
    assert len(template_pages) >= 10
    reused: dict[str, int] = {}
    for name, pages in template_pages.items():
        expected = [fresh(page, dpi) for page, dpi in pages]
        for order in (list(range(len(pages))), list(reversed(range(len(pages))))):
            PREFIXES.clear()
            RUN_TILES.clear()
            start = PREFIXES.reused_items
            for i in order:
                page, dpi = pages[i]
                assert render_image(page, dpi).tobytes() == expected[i], f"{name}, page {i}, order {order}"
            reused.setdefault(name, PREFIXES.reused_items - start)  # build order
    # the ornamented posters and images start from a stored canvas: ground, sunburst, 回纹, header
    for name in ("poster-a3-red", "poster-a2-modern", "image-phone-1080x1920", "image-square-1080"):
        assert reused[name] > 0, name


def test_stored_canvas_skips_the_shared_items(template_pages) -> None:
    pages = template_pages["poster-a3-red"]
    PREFIXES.clear()
    start = PREFIXES.reused_items
    for page, dpi in pages:
        render_image(page, dpi)
    shared = min(_common(pages[1][0].items, p.items) for p, _ in pages[2:])
    assert shared > 20  # background, 24 sunburst rings, 回纹 corners, header
    assert PREFIXES.reused_items - start >= shared * (len(pages) - 3)


def test_a_theme_pages_successor_starts_the_other_branch_from_its_items_before_the_slogan(template_pages) -> None:
    """image-square-1080: the theme slogan's page (first in a build) takes another layout branch
    than the others (theme line, shorter gradient band); the first page of the other branch
    stores its canvas after the items made before the slogan, so the next one starts there."""
    (theme, dpi), (first, _), (second, _) = template_pages["image-square-1080"][:3]
    assert theme.items[: first.fixed_items] != first.items[: first.fixed_items]
    PREFIXES.clear()
    for page in (theme, first):
        render_image(page, dpi)
    start = PREFIXES.reused_items
    assert render_image(second, dpi).tobytes() == fresh(second, dpi)
    assert PREFIXES.reused_items - start >= second.fixed_items == first.fixed_items >= 5


def test_cache_is_bounded_in_bytes_and_entries() -> None:
    cache = PrefixCache(LRU(8, budget=3 * 200 * 100 * 4))
    key = ((200, 100), 1.0, 0.0, False)
    image = Image.new("RGB", (200, 100), "white")
    ring = Shape(polygons=(((0, 0), (50, 0), (0, 50)),), color=Color(200, 0, 0))
    for n in range(1, 7):
        cache.store(key, tuple([ring] * n), image)
    assert len(cache.entries) == 3 and cache.entries.used == 3 * 200 * 100 * 4
    assert sorted(len(e.items) for _, e in cache.entries.items()) == [4, 5, 6]  # the oldest went first
    big = PrefixCache(LRU(None, budget=1000))
    big.store(key, (ring,), image)
    assert not big.entries  # a canvas over the whole budget is not kept


def test_only_shared_items_slower_to_draw_than_a_copy_are_stored() -> None:
    cache = PrefixCache()
    key = ((10, 10), 1.0, 0.0, False)
    ground = Fill(0, 0, 10, 10, Color(255, 0, 0))
    ring = Shape(polygons=(((0, 0), (5, 0), (0, 5)),), color=Color(0, 0, 200))
    text = GlyphRun("noto-sans-sc-black", 5, Color(0, 0, 0), (Glyph("质", 1, 8),), "质")
    assert cache.store_point(key, (ground, ring, text, ring), 0) == 2  # first page: its decorations
    assert cache.store_point(key, (ground, Fill(0, 0, 5, 5, Color(0, 0, 0))), 0) == 0  # only a plain fill shared
    assert cache.store_point(key, (ground, ring, ground), 0) == 3  # nothing slow shared: another branch, guessed
    assert cache.store_point(key, (ground, ring, ring), 0) == 2
    assert cache.store_point(key, (ground, ring, ring, text), 3) == 0  # nothing beyond what is stored
    assert PrefixCache().store_point(key, (ground, text, ring), 0) == 0  # first page: only a plain fill before text
    # the items made before the slogan's (Page.fixed_items) may hold a slow one after a text
    other = GlyphRun("noto-sans-sc-black", 5, Color(0, 0, 0), (Glyph("量", 1, 8),), "量")
    branch = PrefixCache()
    assert branch.store_point(key, (ground, text, ring, other), 0, fixed=3) == 0  # a first page: decorations
    assert branch.store_point(key, (ground, other, ring, text), 0, fixed=3) == 3  # another branch: before the slogan
    assert branch.store_point(key, (ground, text, other, ring), 0, fixed=2) == 0  # only text: tiles paste it
    rule = Line(0, 5, 10, 5, 1, Color(0, 0, 0))
    cache = PrefixCache()
    cache.store_point(key, (ground, ring, text, rule, other), 0)
    assert cache.store_point(key, (ground, ring, text, rule, text), 2) == 0  # text and a line beyond the stored ring


def test_decorations_it_would_never_store_are_not_looked_for_on_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """A ground and lines before the first text (banner-red-0.7x5m): store_point never stores them,
    so load does not hash them and look in the cache folder on every page (it did)."""
    looked: list[str] = []
    real = pixel_store.load
    monkeypatch.setattr(pixel_store, "load", lambda kind, key: looked.append(kind) or real(kind, key))
    cache = PrefixCache()
    key = ((200, 100), 1.0, 0.0, False)
    ground, rule = Fill(0, 0, 200, 100, Color(255, 0, 0)), Line(0, 50, 200, 50, 2, Color(255, 255, 0))
    for char in "质量月":
        items = (ground, rule, GlyphRun("noto-sans-sc-black", 5, Color(0, 0, 0), (Glyph(char, 1, 8),), char))
        assert cache.load(key, items) == (None, 0)
        assert cache.store_point(key, items, 0, fixed=2) == 0
    assert looked == []
    ring = Shape(polygons=(((0, 0), (5, 0), (0, 5)),), color=Color(0, 0, 200))
    assert cache.load(key, (ground, ring, items[-1])) == (None, 0) and looked == ["canvas"]  # slow: looked for


def test_an_edited_picture_is_drawn_again(tmp_path: Path) -> None:
    pic = tmp_path / "logo.png"
    Image.new("RGBA", (40, 40), (0, 0, 255, 255)).save(pic)
    items = (Fill(0, 0, 100, 100, Color(255, 255, 255)), Picture(10, 10, 40, 40, str(pic)))
    first, second = (Page(100, 100, (*items, Fill(80, 80, 5, 5, Color(0, 0, k)))) for k in (1, 2))
    PREFIXES.clear()
    render_image(first, 72)
    render_image(second, 72)  # stores the canvas after the picture
    assert render_image(first, 72).getpixel((20, 20)) == (0, 0, 255)
    Image.new("RGBA", (40, 40), (0, 255, 0, 255)).save(pic)
    os.utime(pic, ns=(pic.stat().st_atime_ns, pic.stat().st_mtime_ns + 10**9))
    assert render_image(second, 72).getpixel((20, 20)) == (0, 255, 0)
    shutil.rmtree(tmp_path)


def _common(a, b) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n
