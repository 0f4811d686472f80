"""The raster backend's per-process warm-ups (issue 12 round 4): gradient ramps computed in bulk,
template pictures kept scaled in the user cache folder. Same pixels as the straightforward way,
whatever the state of the cache folder."""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image
from test_prefix_cache import pages_by_template

from qmposter.layout.page import Color, Fill, Glyph, GlyphRun, Page
from qmposter.render import glyph_masks, pixel_store, raster
from qmposter.render._common import gradient_color
from qmposter.render.prefix_cache import PREFIXES
from qmposter.render.raster import render_image
from qmposter.render.run_tiles import RUN_TILES
from qmposter.resources import bundled_dir


def _ramp_one_by_one(stops: tuple, t_lo: float, t_hi: float) -> bytes:
    """The ramp as its definition says: gradient_color at each sample centre, rounded half up."""
    pad, n = raster._RAMP_PAD, raster._RAMP
    samples = (t_lo + (k - pad + 0.5) / n * (t_hi - t_lo) for k in range(n + 2 * pad))
    return b"".join(bytes(raster._rgb_tuple(gradient_color(stops, t))) for t in samples)


def test_ramp_equals_gradient_color_sample_by_sample():
    rnd = random.Random(12)
    for _ in range(120):
        offsets = sorted(rnd.choice([0.0, 0.5, 1.0, rnd.random()]) for _ in range(rnd.randint(2, 5)))
        stops = tuple((t, Color(rnd.randint(0, 255), rnd.randint(0, 255), rnd.randint(0, 255))) for t in offsets)
        t_lo = rnd.uniform(-0.5, 1.0)
        t_hi = t_lo + rnd.choice([1e-6, rnd.uniform(0.01, 1.5)])
        assert raster._ramp.__wrapped__(stops, t_lo, t_hi).tobytes() == _ramp_one_by_one(stops, t_lo, t_hi)


@pytest.fixture
def cache_folder(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("QMPOSTER_CACHE_DIR", str(folder))
    forget()
    return folder


def new_process() -> None:
    """End this "process" as a process ends (its new glyph masks written), then start a new one."""
    glyph_masks.PACKS.flush()
    forget()


def forget() -> None:
    """Drop everything this process drew or decoded; the user cache folder stays."""
    PREFIXES.clear()
    RUN_TILES.clear()
    glyph_masks.clear()
    raster._scaled_picture.cache_clear()
    raster._load_picture.cache_clear()


def scaled(path: Path) -> tuple[bytes, bytes]:
    rgb, alpha = raster.scaled_picture(path, 333, 121, mono=False, opacity=0.22)
    return rgb.tobytes(), alpha.tobytes()


def test_a_scaled_picture_from_the_cache_folder_is_the_computed_one(cache_folder: Path, tmp_path: Path) -> None:
    path = tmp_path / "ribbons.png"
    shutil.copyfile(bundled_dir("templates") / "assets" / "ribbons.png", path)
    computed = scaled(path)
    assert len(list(cache_folder.glob("picture-*.marshal"))) == 1
    new_process()
    before = pixel_store.hits.get("picture", 0)
    assert scaled(path) == computed
    assert pixel_store.hits["picture"] == before + 1
    # an edited picture (another size and mtime) is scaled again, not read from the old entry
    Image.new("RGBA", (50, 20), (0, 90, 200, 255)).save(path)
    new_process()
    rgb, alpha = raster.scaled_picture(path, 333, 121, mono=False, opacity=1.0)
    assert rgb.getpixel((100, 60)) == (0, 90, 200) and alpha.getpixel((100, 60)) == 255


@pytest.mark.parametrize("damage", [b"", b"\x00garbage", "flip"])
def test_a_damaged_picture_entry_or_an_unwritable_folder_costs_time(
    cache_folder: Path, tmp_path: Path, monkeypatch, damage
) -> None:
    path = bundled_dir("templates") / "assets" / "ribbons.png"
    computed = scaled(path)
    (entry,) = cache_folder.glob("picture-*.marshal")
    data = entry.read_bytes()
    entry.write_bytes(data[:-500] + bytes(b ^ 0x33 for b in data[-500:]) if damage == "flip" else damage)
    new_process()
    assert scaled(path) == computed
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("QMPOSTER_CACHE_DIR", str(blocker / "cache"))
    for _ in range(2):
        new_process()
        assert scaled(path) == computed


def test_every_template_draws_the_same_from_an_empty_and_a_warm_cache_folder(cache_folder: Path, tmp_path) -> None:
    """Real pages of every raster template: drawn in build order with an empty cache folder, then by
    a "new process" from the folder that run filled, in reverse order: the same pixels."""
    pages = pages_by_template(tmp_path)
    cold = {name: [render_image(page, dpi).tobytes() for page, dpi in group] for name, group in pages.items()}
    glyph_masks.PACKS.flush()  # as the process ends
    for kind in ("glyphs", "picture", "canvas"):
        assert any(cache_folder.glob(f"{kind}-*.marshal")), kind
    new_process()
    loaded = PREFIXES.loaded
    for name, group in pages.items():
        for i in reversed(range(len(group))):
            page, dpi = group[i]
            assert render_image(page, dpi).tobytes() == cold[name][i], f"{name}, page {i}"
    assert glyph_masks.glyph_masks().rendered == 0  # every mask came from the folder
    assert glyph_masks.glyph_masks().loaded > 0
    assert PREFIXES.loaded - loaded >= 5  # the decorated canvases of the posters and images


@pytest.mark.parametrize("damage", [b"", b"\x00garbage", "flip", "other"])
def test_a_damaged_or_foreign_canvas_costs_time_not_pixels(cache_folder: Path, tmp_path: Path, damage) -> None:
    """A stored canvas whose file is cut, garbled, or holds another design's decorations under this
    name is drawn again; so is one whose decorations changed (another key)."""
    (page, dpi), *_ = pages_by_template(tmp_path)["poster-a3-red"]
    expected = render_image(page, dpi).tobytes()
    (entry,) = cache_folder.glob("canvas-*.marshal")
    data = entry.read_bytes()
    if damage == "other":  # another design's canvas stored under this name
        ground = dataclasses.replace(page.items[0], paint=Color(0, 90, 200))
        new_process()
        render_image(dataclasses.replace(page, items=(ground, *page.items[1:])), dpi)
        (other,) = set(cache_folder.glob("canvas-*.marshal")) - {entry}
        entry.write_bytes(other.read_bytes())
    else:
        entry.write_bytes(data[:-5000] + bytes(b ^ 0x33 for b in data[-5000:]) if damage == "flip" else damage)
    new_process()
    assert render_image(page, dpi).tobytes() == expected


def _draw_in_worker(folder: str) -> None:
    """A worker of a build: draws a page and leaves as pool workers do (os._exit, no atexit)."""
    os.environ["QMPOSTER_CACHE_DIR"] = folder
    render_image(_square_page(), 72)


def _square_page() -> Page:
    text = "质量月里谈质量"
    glyphs = tuple(Glyph(char=ch, x=20.3 + 41.7 * i, y=80.6) for i, ch in enumerate(text))
    run = GlyphRun(font_id="noto-sans-sc-black", size=40.0, color=Color(200, 16, 46), glyphs=glyphs, text=text)
    return Page(width=320, height=120, items=(Fill(0, 0, 320, 120, Color(255, 255, 255)), run))


def test_a_process_and_a_worker_write_their_new_glyph_masks_when_they_end(tmp_path: Path) -> None:
    env = {**os.environ, "QMPOSTER_CACHE_DIR": str(tmp_path / "cli")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    out = tmp_path / "one.png"
    command = [sys.executable, "-m", "qmposter", "render", "image-square-1080", "--slogan", "2010-05", "-o", str(out)]
    subprocess.run(command, env=env, check=True, capture_output=True, cwd=tmp_path)
    assert any((tmp_path / "cli").glob("glyphs-*.marshal"))  # written at exit (atexit)
    first = out.read_bytes()
    subprocess.run(command, env=env, check=True, capture_output=True, cwd=tmp_path)
    assert out.read_bytes() == first
    worker = multiprocessing.get_context("forkserver").Process(target=_draw_in_worker, args=(str(tmp_path / "w"),))
    worker.start()
    worker.join(120)
    assert worker.exitcode == 0
    assert any((tmp_path / "w").glob("glyphs-*.marshal"))  # multiprocessing's exit finalizer


def test_stored_pixels_of_other_drawing_code_are_not_read(cache_folder: Path, monkeypatch) -> None:
    """An edit to how qmposter draws (raster.py, glyph_masks.py …) changes every key: nothing stale."""
    path = bundled_dir("templates") / "assets" / "ribbons.png"
    computed = scaled(path)
    new_process()
    monkeypatch.setattr(pixel_store, "_code_version", lambda: "edited drawing code")
    before = pixel_store.hits.get("picture", 0)
    assert scaled(path) == computed
    assert pixel_store.hits.get("picture", 0) == before  # recomputed, not read
    assert len(list(cache_folder.glob("picture-*.marshal"))) == 2


def test_a_stored_number_changed_on_disk_is_not_read(cache_folder: Path) -> None:
    """A glyph's offset is a bare int next to its compressed pixels: only the checksum tells a
    flipped bit in it, which would otherwise move the glyph in every later process."""
    import marshal

    key = ("font.ttf", 64, "L")
    pixel_store.save("glyphs", key, {("质", 0): (3, -7, b"pixels")})
    assert pixel_store.load("glyphs", key) == {("质", 0): (3, -7, b"pixels")}
    path = pixel_store.entry_path("glyphs", key)
    checksum, _ = marshal.loads(path.read_bytes())
    path.write_bytes(marshal.dumps((checksum, marshal.dumps({("质", 0): (3, -6, b"pixels")}))))
    assert pixel_store.load("glyphs", key) is None
    assert pixel_store.load("glyphs", ("another.ttf", 64, "L")) is None


def test_every_template_sharing_a_canvas_size_leaves_its_decorations(cache_folder: Path, tmp_path: Path) -> None:
    """Templates of one page size follow each other in a build; each one's first page stores its own
    decorations in the cache folder, not only the first template's of that size."""
    pages = pages_by_template(tmp_path)
    names = [name for name in pages if name.startswith("poster-a3-")]
    assert len(names) >= 2
    new_process()
    for name in names:
        render_image(*pages[name][0])
    new_process()
    loaded = PREFIXES.loaded
    for name in names:
        render_image(*pages[name][0])
    assert PREFIXES.loaded - loaded == len(names)
