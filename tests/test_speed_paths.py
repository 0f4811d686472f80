"""The shortcuts that make qmposter fast must not change what it makes (issue 12).

No timings here (bench/ measures those): each test checks that a fast path gives the
same bytes or numbers as the slow one, and that it is really taken (the module that is
not imported, the file that is not re-read).
"""

from __future__ import annotations

import hashlib
import importlib
import json
import marshal
import os
import pkgutil
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

import qmposter.cli
from qmposter.cli.base import cli, slogans
from qmposter.disk_cache import files_version_path, read_checked, write_checked
from qmposter.fileio import _new_temporary, atomic_write_bytes, is_temporary_of, output_mode
from qmposter.fonts import _COMPOSITE, _bounds, _read_loca, _simple_glyph_bounds, bundled_fonts, load_font
from qmposter.layout.engine import layout_page
from qmposter.render.output import render_bytes
from qmposter.templates import load_template

REPO = Path(__file__).resolve().parent.parent


def qmposter_run(args: list[str], env: dict[str, str], *, probe: str = "") -> subprocess.CompletedProcess:
    """`qmposter ARGS` in a fresh interpreter, as the console script runs; `probe` is Python run in the
    same process after the command, as its last exit handler (atexit runs the last registered first;
    the console script ends through them). A probe that raises (a failed assert) ends the process
    with status 99: an exception in an exit handler alone is only printed, with status 0."""
    body = "".join(f"        {line}\n" for line in probe.splitlines()) or "        pass\n"
    code = (
        "import atexit, os, sys, runpy, traceback\n"
        f"def probe():\n    try:\n{body}"
        "    except BaseException:\n        traceback.print_exc()\n        sys.stdout.flush()\n        os._exit(99)\n"
        "atexit.register(probe)\n"
        f"sys.argv = ['qmposter', *{args!r}]\n"
        "runpy.run_module('qmposter', run_name='__main__')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done


def test_a_probe_that_fails_fails_the_run(env: dict[str, str]) -> None:
    with pytest.raises(AssertionError, match="ZeroDivisionError"):
        qmposter_run(["--version"], env, probe="1 / 0")
    assert qmposter_run(["--version"], env, probe="print('probed')").stdout.split() == ["qmposter", "0.1.0", "probed"]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "QMPOSTER_CACHE_DIR": str(tmp_path / "cache")}


# -- the command line imports only the command it runs ----------------------------------------------


def test_every_command_module_is_in_the_lazy_table() -> None:
    """A command registered by a module the table does not name would vanish from the CLI."""
    for info in pkgutil.iter_modules(qmposter.cli.__path__):
        importlib.import_module(f"qmposter.cli.{info.name}")
    eager = {name for name, command in cli.commands.items() if name not in ("slogans",)}
    assert eager <= set(cli.lazy)
    assert set(slogans.commands) <= set(slogans.lazy)
    for name, module in {**cli.lazy, **slogans.lazy}.items():
        group = slogans if name in slogans.lazy else cli
        assert group.commands[name].callback.__module__ == module


def test_render_imports_neither_the_other_commands_nor_jieba_tomllib_qrcode_once_their_answers_are_cached(
    tmp_path: Path, env: dict[str, str]
) -> None:
    out = tmp_path / "a.png"
    args = ["render", "image-square-1080", "--slogan", "2010-01", "-o", str(out)]
    probe = "print(sorted(m for m in sys.modules if m.startswith(('qmposter', 'rjieba', 'tomllib', 'qrcode'))))\n"
    first = json.loads(qmposter_run(args, env, probe=probe).stdout.splitlines()[-1].replace("'", '"'))
    assert "rjieba" in first  # a cold cache: jieba is asked
    assert any(Path(env["QMPOSTER_CACHE_DIR"]).glob("words-*.marshal"))
    first_bytes = out.read_bytes()
    second = json.loads(qmposter_run(args, env, probe=probe).stdout.splitlines()[-1].replace("'", '"'))
    assert "rjieba" not in second and "tomllib" not in second and "qrcode" not in second  # all answered from disk
    unused = {"qmposter.build.run", "qmposter.products.leaflet", "qmposter.products.sms", "qmposter.catalogue.notice",
              "qmposter.unit_list"}  # fmt: skip
    assert unused.isdisjoint(second)
    assert out.read_bytes() == first_bytes


def test_a_damaged_word_cache_costs_time_not_correctness(tmp_path: Path, env: dict[str, str]) -> None:
    args = ["render", "poster-a3-red", "--slogan", "2010-05", "-o", str(tmp_path / "a.pdf")]
    qmposter_run(args, env)
    (cache,) = Path(env["QMPOSTER_CACHE_DIR"]).glob("words-*.marshal")
    entries = marshal.loads(cache.read_bytes())
    # entries of unknown kinds, of the wrong length or of the wrong types are refused: jieba is asked again
    wrong = {
        run: (("nonsense",) * (len(run) - 1), ("inside",) * len(run), ([],) * (len(run) - 1))[k % 3]
        for k, run in enumerate(entries)
    }
    cache.write_bytes(marshal.dumps(wrong))
    args[-1] = str(tmp_path / "b.pdf")
    qmposter_run(args, env)
    cache.write_bytes(b"\xff not marshal")
    args[-1] = str(tmp_path / "c.pdf")
    qmposter_run(args, env)
    first = (tmp_path / "a.pdf").read_bytes()
    assert (tmp_path / "b.pdf").read_bytes() == first and (tmp_path / "c.pdf").read_bytes() == first


# -- fonts: one glyph read instead of the whole glyph set ---------------------------------------------


@pytest.mark.parametrize("font_id", [info.id for info in bundled_fonts()])
def test_ink_bounds_from_one_glyph_equal_fonttools_glyph_set(font_id: str) -> None:
    face = load_font(font_id)
    font = face._ttfont()
    glyph_set, loca = font.getGlyphSet(), _read_loca(font)
    chars = sorted(face._cmap)
    sample = random.Random(12).sample(chars, min(400, len(chars))) + [ord(c) for c in "质量月，。“”（）0Aa "]
    checked = 0
    for cp in sample:
        glyph = face._cmap.get(cp)
        if glyph is None:
            continue
        fast = _simple_glyph_bounds(font, loca, glyph, face._hmtx.bearing(glyph))
        if fast is not _COMPOSITE:
            assert fast == _bounds(glyph_set, font.getGlyphName(glyph)), chr(cp)
            checked += 1
    assert checked > 300


# -- PDF: template images encoded once per process ----------------------------------------------------


def _poster_pdf(template_dir: Path | None, name: str) -> bytes:
    from qmposter.campaign import load_campaign
    from qmposter.content import Content

    template = load_template(name, template_dir)
    content = Content.from_campaign(load_campaign(None), "质量第一，安全至上", "test")
    return render_bytes(layout_page(template, content), "pdf", dpi=template.page.dpi)


def test_pdf_pictures_are_cached_per_file_version_with_the_same_bytes(tmp_path: Path) -> None:
    from pypdf import PdfReader

    from qmposter.render import pdf_images

    folder = tmp_path / "templates"
    shutil.copytree(REPO / "templates", folder)
    name = _picture_template(folder)
    pdf_images._cached_image.cache_clear()
    first = _poster_pdf(folder, name)
    hits = pdf_images._cached_image.cache_info().hits
    second = _poster_pdf(folder, name)
    assert pdf_images._cached_image.cache_info().hits > hits  # the second document reused the XObjects
    assert first == second
    fresh = subprocess.run(
        [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); "
         f"from test_speed_paths import _poster_pdf; from pathlib import Path; "
         f"sys.stdout.buffer.write(_poster_pdf(Path({str(folder)!r}), {name!r}))"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    assert hashlib.sha256(fresh).hexdigest() == hashlib.sha256(first).hexdigest()
    images = [x for page in PdfReader(__import__("io").BytesIO(first)).pages for x in page.images]
    assert images  # the pictures are in the PDF as images
    # an edited asset is a new file version: re-read, not served from the cache
    picture = next(i for i in layout_page(load_template(name, folder), _content()).items
                   if i.__class__.__name__ == "Picture")  # fmt: skip
    from PIL import Image

    with Image.open(picture.path) as im:
        im.convert("RGBA").transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(picture.path)
    os.utime(picture.path, ns=(1, 1))
    assert _poster_pdf(folder, name) != first


def test_a_pdf_process_imports_pillow_only_for_a_picture_and_draws_it_the_same(
    tmp_path: Path, env: dict[str, str]
) -> None:
    """reportlab gets stand-ins for PIL.Image, pickle, tempfile (render/pdf_reportlab.py): a PDF render
    without pictures imports neither (once its QR code is cached); one with a picture imports the
    real Pillow through the stand-in and writes the bytes of a process that had Pillow from the
    start (this one)."""
    args = ["render", "poster-a3-red", "--slogan", "2010-05", "-o", str(tmp_path / "a.pdf")]
    probe = "print(sorted(m for m in ('PIL.Image', 'pickle', 'tempfile') if m in sys.modules))\n"
    qmposter_run(args, env)  # a cold cache folder: the QR matrix comes from qrcode, which imports Pillow
    assert qmposter_run(args, env, probe=probe).stdout.splitlines()[-1] == "[]"
    folder = tmp_path / "templates"
    shutil.copytree(REPO / "templates", folder)
    name = _picture_template(folder)
    code = (
        f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "import qmposter.render.pdf, reportlab.lib.utils as rl_utils\n"
        "assert not {'PIL.Image', 'pickle', 'tempfile'} & set(sys.modules)\n"
        "from test_speed_paths import _poster_pdf; from pathlib import Path\n"
        f"data = _poster_pdf(Path({str(folder)!r}), {name!r})\n"
        "assert rl_utils.Image.Image is sys.modules['PIL.Image'].Image  # the stand-in handed over the real class\n"
        "sys.stdout.buffer.write(data)\n"
    )
    fresh = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, check=True).stdout
    assert fresh == _poster_pdf(folder, name)


_IMPORT_IN_THE_WINDOW = """
import importlib.abc, json, sys, threading
entered, other_done = threading.Event(), threading.Event()
class Pause(importlib.abc.MetaPathFinder):  # holds reportlab's import while the stand-ins are in sys.modules
    def find_spec(self, name, path, target=None):
        if name == "reportlab.lib.rltempfile":
            entered.set(); other_done.wait(10)
        return None
sys.meta_path.insert(0, Pause())
seen = {}
def other():  # e.g. a studio request thread
    entered.wait(10)
    try:
        import pickle
        seen["got"] = type(pickle).__name__
        seen["round trip"] = pickle.loads(pickle.dumps([1, "质"]))
    except RecursionError as error:
        seen["error"] = type(error).__name__
    finally:
        other_done.set()
thread = threading.Thread(target=other); thread.start()
import qmposter.render.pdf_reportlab
thread.join()
import pickle
seen["after"] = type(pickle).__name__
print(json.dumps(seen, ensure_ascii=False))
"""


def test_a_thread_importing_a_deferred_module_while_reportlab_loads_gets_a_working_one() -> None:
    """The studio renders in threads: a thread that imports pickle while the stand-ins are in
    sys.modules gets one, and it serves the real pickle (it used to ask itself: RecursionError);
    afterwards every import finds the real module."""
    out = subprocess.run([sys.executable, "-c", _IMPORT_IN_THE_WINDOW], capture_output=True, text=True, check=True)
    seen = json.loads(out.stdout)
    assert seen == {"got": "_Deferred", "round trip": [1, "质"], "after": "module"}, seen


def _picture_template(folder: Path) -> str:
    """The first template in `folder` that draws a picture."""
    return next(
        t.stem for t in sorted(folder.glob("*.toml"))
        if any(e.__class__.__name__ == "Picture" for e in layout_page(load_template(t.stem, folder), _content()).items)
    )  # fmt: skip


def _content():
    from qmposter.campaign import load_campaign
    from qmposter.content import Content

    return Content.from_campaign(load_campaign(None), "质量第一，安全至上", "test")


# -- the live preview API -----------------------------------------------------------------------------


def test_live_preview_follows_template_and_campaign_edits(tmp_path: Path) -> None:
    import io

    from PIL import Image

    from qmposter.products.live import LivePreview

    folder = tmp_path / "templates"
    shutil.copytree(REPO / "templates", folder)
    campaign = tmp_path / "campaign.toml"
    shutil.copy(REPO / "campaigns" / "default.toml", campaign)
    preview = LivePreview(templates_dir=folder, campaign_path=campaign)
    first = preview.render("image-square-1080", slogan="2010-01", max_px=540)
    with Image.open(io.BytesIO(first.data)) as image:
        assert image.format == "PNG" and max(image.size) == 540
    # unchanged files: the same Template object (the layout's caches keyed by its objects stay warm)
    assert preview.render("image-square-1080", text="质量第一", max_px=540).template is first.template
    by_path = preview.render(folder / "poster-a3-red.toml", text="质量第一", fmt="pdf")
    assert preview.render(folder / "poster-a3-red.toml", text="安全至上", fmt="pdf").template is by_path.template
    # the designer edits the template file: the next render shows it without a restart
    path = folder / "image-square-1080.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('title = "', 'title = "改：', 1), encoding="utf-8")
    assert preview.render("image-square-1080", slogan="2010-01", max_px=540).template.title.startswith("改：")
    # … and the campaign file: a new name is printed on the next render
    text = campaign.read_text(encoding="utf-8")
    old = f'name = "{preview.campaign().name}"'
    assert old in text
    campaign.write_text(text.replace(old, 'name = "2010年测试质量月"'), encoding="utf-8")
    assert preview.render("image-square-1080", slogan="2010-01").content.name == "2010年测试质量月"
    # … again with the same size and the same mtime (an editor saving twice within one clock tick):
    # the file is replaced (another inode), and that shows
    times = campaign.stat().st_atime_ns, campaign.stat().st_mtime_ns
    replaced = tmp_path / "campaign.new"
    replaced.write_text(text.replace(old, 'name = "2010年测试质量日"'), encoding="utf-8")
    os.utime(replaced, ns=times)
    replaced.replace(campaign)
    assert preview.render("image-square-1080", slogan="2010-01").content.name == "2010年测试质量日"


def test_live_preview_pdf_is_the_file_qmposter_render_writes(tmp_path: Path, env: dict[str, str]) -> None:
    from qmposter.products.live import LivePreview

    out = tmp_path / "cli.pdf"
    qmposter_run(["render", "poster-a3-red", "--slogan", "2010-05", "-o", str(out)], env)
    shot = LivePreview().render("poster-a3-red", slogan="2010-05", fmt="pdf")
    assert shot.fmt == "pdf" and shot.data == out.read_bytes()


def test_fast_png_holds_the_same_pixels_as_the_deliverable() -> None:
    import io

    from PIL import Image

    from qmposter.render.raster import encode_png, render_image

    template = load_template("image-square-1080")
    image = render_image(layout_page(template, _content()), 72)
    slow, fast = encode_png(image, 72), encode_png(image, 72, fast=True)
    assert slow != fast and encode_png(image, 72) == slow
    with Image.open(io.BytesIO(slow)) as a, Image.open(io.BytesIO(fast)) as b:
        assert a.tobytes() == b.tobytes() == image.tobytes()


# -- ornament shapes are computed once per template geometry -------------------------------------


def test_cached_ornaments_equal_a_fresh_computation_and_follow_their_box() -> None:
    """The cache must give exactly what the pattern computes, and a new box or spec a new answer."""
    from qmposter.layout import ornaments
    from qmposter.layout.textbox import Box

    box = Box(-9.0, -9.0, 860.0, 1209.0)
    for pattern in ornaments.PATTERNS:
        spec = ornaments.OrnamentSpec(pattern, 12, (0.5, 0.3), "tr", 4.0, 0.0)
        first = ornaments.ornament(box, spec)
        assert first == ornaments.PATTERNS[pattern](box, spec)
        assert ornaments.ornament(box, spec) == first
        assert repr(ornaments.ornament(box, spec)) == repr(first)
        moved = Box(0.0, 0.0, 860.0, 1209.0)
        assert ornaments.ornament(moved, spec) == ornaments.PATTERNS[pattern](moved, spec) != first
    rays = ornaments.OrnamentSpec("rays", 36, (0.5, 0.3), "tl", 0.0, 0.0)
    ornaments.ornament(box, rays)
    assert ornaments.ornament(box, ornaments.OrnamentSpec("rays", 24, (0.5, 0.3), "tl", 0.0, 0.0)) == (
        ornaments.rays(box, ornaments.OrnamentSpec("rays", 24, (0.5, 0.3), "tl", 0.0, 0.0))
    )
    whole = Box(0, 0, 100, 100)  # int and float boxes are equal but print differently: separate entries
    assert repr(ornaments.ornament(whole, rays)) == repr(ornaments.rays(whole, rays))
    assert repr(ornaments.ornament(Box(0.0, 0.0, 100.0, 100.0), rays)) == repr(
        ornaments.rays(Box(0.0, 0.0, 100.0, 100.0), rays)
    )


def test_ornaments_stored_for_the_next_process_are_the_computed_ones(tmp_path, monkeypatch) -> None:
    """A new process reads each (box, spec)'s layers from the cache folder, exactly as computed
    (repr: the same floats and signs), without running the pattern."""
    from qmposter.layout import ornaments
    from qmposter.layout.textbox import Box

    def new_process() -> None:
        monkeypatch.setattr(ornaments, "_CACHE", {})
        monkeypatch.setattr(ornaments, "_STORED", ornaments.stored_answers())

    def refuse(box, spec):
        raise AssertionError(f"{spec.pattern} computed again")

    monkeypatch.setenv("QMPOSTER_CACHE_DIR", str(tmp_path))
    new_process()
    box = Box(-9.0, -9.0, 860.0, 1209.0)
    specs = [ornaments.OrnamentSpec(pattern, 12, (0.5, 0.3), "tr", 4.0, -0.0) for pattern in ornaments.PATTERNS]
    computed = [repr(ornaments.ornament(box, spec)) for spec in specs]
    ornaments._STORED.save()  # as at the end of the process
    new_process()
    stored = ornaments.STORED_PATTERNS
    patterns = {name: refuse if name in stored else make for name, make in ornaments.PATTERNS.items()}
    monkeypatch.setattr(ornaments, "PATTERNS", patterns)
    assert [repr(ornaments.ornament(box, spec)) for spec in specs] == computed
    # the cheap patterns, and answers too big for a file every process reads, are not kept
    dots = ornaments.OrnamentSpec("dots", 0, (0.5, 0.5), "tl", 1.0, 6.0)
    monkeypatch.setattr(ornaments, "STORED_PATTERNS", frozenset({*ornaments.STORED_PATTERNS, "dots"}))
    ornaments.ornament(box, dots)
    assert ornaments._STORED.get(repr((box, dots))) is None


def test_clip_shortcuts_give_what_the_four_passes_give(monkeypatch) -> None:
    """Polygons wholly inside or wholly beyond an edge skip the Sutherland–Hodgman passes; every
    piece of every bundled template's ornaments, and points lying exactly on the box's edges,
    must come out as the passes make them (and the shortcuts must be what most pieces take)."""
    from qmposter.layout import ornaments
    from qmposter.layout.textbox import Box
    from qmposter.templates import template_names

    calls, passes = [], []
    original_clip, original_passes = ornaments.clip, ornaments._clip_passes

    def checked(polygon, box):
        calls.append(1)
        got = original_clip(polygon, box)
        assert type(got) is tuple and repr(got) == repr(original_passes(polygon, box))
        return got

    monkeypatch.setattr(ornaments, "clip", checked)
    monkeypatch.setattr(ornaments, "_clip_passes", lambda p, b: passes.append(1) or original_passes(p, b))
    for name in template_names():
        for element in load_template(name).elements:
            if element.type == "ornament":
                ornaments.PATTERNS[element.ornament.pattern](element.box, element.ornament)
    assert len(calls) > 1000 and len(passes) < len(calls) / 4
    box = Box(10.0, 20.0, 30.0, 40.0)
    edge_cases = [
        ((10.0, 20.0), (40.0, 20.0), (40.0, 60.0)),  # on the edges: inside
        ((40.0, 30.0), (50.0, 30.0), (45.0, 35.0)),  # touching the right edge from outside
        ((0.0, 0.0), (9.0, 0.0), (9.0, 5.0)),  # wholly left
        ((12.0, 61.0), (20.0, 61.0), (15.0, 70.0)),  # wholly below
        ((5.0, 25.0), (45.0, 25.0), (25.0, 65.0)),  # across three edges
    ]
    for polygon in edge_cases:
        assert repr(original_clip(polygon, box)) == repr(original_passes(polygon, box))


# -- deliverable PNGs: Pillow's row filters, zlib-ng's compression in bands -----------------------


@pytest.mark.parametrize("one_bit", [False, True])
def test_banded_png_is_a_valid_png_with_pillows_pixels_and_chunks(one_bit: bool) -> None:
    """Same pixels, same ancillary chunks (pHYs, sRGB), CRCs right, and within the +5 % size budget of zlib 6
    (issue 12; the banded encoder of render/png.py, tests/test_png_encoder.py has the rest)."""
    import io
    import struct
    import zlib

    from PIL import Image, PngImagePlugin

    from qmposter.render.png import _one_bit
    from qmposter.render.raster import encode_png, render_image

    image = render_image(layout_page(load_template("image-square-1080"), _content()), 72)
    ours = encode_png(image, 72, one_bit=one_bit)
    assert ours == encode_png(image, 72, one_bit=one_bit)  # deterministic
    info = PngImagePlugin.PngInfo()
    info.add(b"sRGB", b"\x00")
    zlib6 = io.BytesIO()
    (_one_bit(image) if one_bit else image).save(zlib6, "PNG", dpi=(72, 72), pnginfo=info, compress_level=6)
    if one_bit:  # LED pages (384×32) stay Pillow's zlib 6
        assert ours == zlib6.getvalue()
    assert len(ours) <= 1.05 * len(zlib6.getvalue())

    def chunk_kinds(png: bytes) -> list[bytes]:
        kinds, pos = [], 8
        while pos < len(png):
            (length,) = struct.unpack_from(">I", png, pos)
            kind, data = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
            assert struct.unpack_from(">I", png, pos + 8 + length)[0] == zlib.crc32(kind + data)
            kinds.append(kind)
            pos += 12 + length
        return kinds

    assert chunk_kinds(ours) == [k for i, k in enumerate(chunk_kinds(zlib6.getvalue())) if k != b"IDAT" or
                                 chunk_kinds(zlib6.getvalue())[i - 1] != b"IDAT"]  # fmt: skip
    with Image.open(io.BytesIO(ours)) as a, Image.open(zlib6) as b:
        a.load()
        assert (a.mode, a.size, a.info["dpi"], a.tobytes()) == (b.mode, b.size, b.info["dpi"], b.tobytes())


# -- per-build overhead: what a small build does not do -----------------------------------------------


def test_a_build_without_workers_imports_no_process_pool_and_no_toml_writer(
    tmp_path: Path, env: dict[str, str]
) -> None:
    args = ["build", "--template", "led-red-384x32", "--format", "bmp", "--jobs", "2", "--out", str(tmp_path / "o")]
    probe = "print(sorted(m for m in sys.modules if m.split('.')[0] in UNUSED or m in UNUSED))\n"
    unused = ("multiprocessing", "concurrent", "tomlkit", "difflib", "qmposter.build.dask_executor",
              "qmposter.catalogue.importing")
    loaded = qmposter_run(args, env, probe=f"UNUSED = {unused!r}\n" + probe).stdout.splitlines()[-1]
    assert loaded == "[]"  # 21 jobs: no worker is worth starting; no catalogue written, no error suggested
    assert len(list((tmp_path / "o" / "led-red-384x32").glob("*.bmp"))) == 21


def test_a_png_build_imports_neither_tempfile_nor_what_workers_need(tmp_path: Path, env: dict[str, str]) -> None:
    """Temporary files are made without tempfile (shutil, bz2, lzma, random); signal and select are for
    workers. (Not a BMP, GIF or 1-bit PNG build: there Pillow's JPEG plugin imports tempfile and subprocess.)"""
    args = ["build", "--template", "image-square-1080", "--format", "png", "--jobs", "2", "--out", str(tmp_path / "o")]
    probe = "print(sorted(m for m in sys.modules if m.split('.')[0] in UNUSED))\n"
    unused = ("tempfile", "shutil", "signal", "select", "multiprocessing")
    loaded = qmposter_run(args, env, probe=f"UNUSED = {unused!r}\n" + probe).stdout.splitlines()[-1]
    assert loaded == "[]"
    files = list((tmp_path / "o" / "image-square-1080").glob("*.png"))
    assert len(files) == 21
    assert {file.stat().st_mode & 0o777 for file in files} == {output_mode()}  # not mkstemp's private 0600
    assert not list((tmp_path / "o").rglob("*.tmp"))


def test_temporary_names_are_new_and_a_killed_builds_leftovers_are_removed(tmp_path: Path) -> None:
    target = tmp_path / "out" / "led-red-384x32" / "2010-01_sd28fbe80.bmp"  # a file of the build below
    target.parent.mkdir(parents=True)
    names = set()
    for _ in range(50):
        fd, name = _new_temporary(target)
        os.close(fd)
        names.add(Path(name).name)
        assert Path(name).parent == target.parent and oct(Path(name).stat().st_mode & 0o777) == oct(0o600)
    assert len(names) == 50  # each one a new file, opened exclusively
    # what a build killed mid-write leaves: removed by the next build, which writes that file again
    args = ["build", "--template", "led-red-384x32", "--format", "bmp", "--out", str(tmp_path / "out")]
    assert CliRunner().invoke(cli, args).exit_code == 0
    assert not list(target.parent.glob("*.tmp")) and target.is_file()


def test_a_target_name_that_fitted_with_mkstemps_temporary_name_still_writes(tmp_path: Path) -> None:
    """mkstemp's .NAME.XXXXXXXX.tmp leaves 241 bytes of a 255-byte name to NAME; so does write_atomic's."""
    for size in (240, 241):
        target = tmp_path / ("质" * ((size - 4) // 3) + "x" * ((size - 4) % 3) + ".png")  # 3 bytes per Han character
        assert len(os.fsencode(target.name)) == size
        atomic_write_bytes(target, b"data")
        assert target.read_bytes() == b"data"
        fd, name = _new_temporary(target)
        os.close(fd)
        assert is_temporary_of(Path(name).name, {target.name}) and not is_temporary_of(Path(name).name, {"x.png"})


def test_the_code_fingerprint_is_read_from_the_cache_folder_only_while_the_code_is_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qmposter.build import keys

    package = tmp_path / "qmposter"
    for part in keys._CODE_PARTS:
        (shutil.copy2 if part.endswith(".py") else shutil.copytree)(REPO / "qmposter" / part, package / part)
    (tmp_path / "linked").mkdir()
    (tmp_path / "linked" / "elsewhere.py").write_text("X = 1\n", encoding="utf-8")
    (package / "layout" / "linked").symlink_to(tmp_path / "linked")  # a link to a folder: not followed

    def hashed() -> str:  # the definition: every .py file of the parts, by path, name and bytes
        files = sorted(p for part in keys._CODE_PARTS for p in ([package / part] if part.endswith(".py") else
                                                                 (package / part).rglob("*.py")))  # fmt: skip
        digest = hashlib.sha256()
        for path in files:
            digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
        return digest.hexdigest()

    def stored() -> Path:  # the cache file for the files as they are now
        path = files_version_path(keys.FINGERPRINT_PREFIX, keys._code_files(str(package)), keys.FINGERPRINT_VERSION)
        assert path is not None
        return path

    monkeypatch.setenv("QMPOSTER_CACHE_DIR", str(tmp_path / "cache"))
    assert keys.code_fingerprint(package) == hashed()
    assert not stored().exists()  # files changed just now (copied): worked out, not kept (git's racy rule)
    monkeypatch.setattr(keys, "RACY_SECONDS", 0.0)  # as if they had been copied long ago
    assert keys.code_fingerprint(package) == hashed() == read_checked(stored())
    fake = "f" * 64
    write_checked(stored(), fake)
    assert keys.code_fingerprint(package) == fake  # served from the cache folder, not worked out
    stored().write_bytes(stored().read_bytes()[:-3] + b"xyz")  # damaged: worked out again
    assert keys.code_fingerprint(package) == hashed()
    pdf = package / "render" / "pdf.py"
    for edit in (lambda: (package / "layout" / "extra.py").write_text("X = 1\n", encoding="utf-8"),
                 lambda: pdf.write_bytes(pdf.read_bytes()[:-1] + b"#"),  # in place, same size
                 lambda: (package / "layout" / "extra.py").unlink(),
                 lambda: pdf.write_text("# edited\n", encoding="utf-8")):  # fmt: skip
        write_checked(stored(), fake)
        edit()  # files in a state not seen before: worked out anew
        assert keys.code_fingerprint(package) == hashed() != fake
    assert len(list((tmp_path / "cache").glob(f"{keys.FINGERPRINT_PREFIX}-*.marshal"))) <= 4  # bounded
    monkeypatch.setenv("QMPOSTER_CACHE_DIR", str(stored()))  # a file where the folder should be: unwritable
    assert keys.code_fingerprint(package) == hashed()


def test_named_templates_are_checked_without_reading_every_template(monkeypatch) -> None:
    from qmposter import templates
    from qmposter.build.plan import BuildRequest, plan_build

    peeked: list[str] = []
    real_peek = templates._peek
    monkeypatch.setattr(templates, "_peek", lambda found: peeked.append(found[0].stem) or real_peek(found))
    plan = plan_build(BuildRequest(templates=("poster-a3-red", "image-square-1080"), formats=("pdf",)))
    assert peeked == ["poster-a3-red", "image-square-1080"]
    assert {job.template for job in plan.jobs} == {"poster-a3-red", "image-square-1080"}
    for name in ("poster-red-base", "leaflet-a4", "no-such-template"):  # abstract, another product, missing
        assert not templates.is_template_name(name)
        assert name not in templates.template_names()
    assert all(templates.is_template_name(name) for name in templates.template_names())


def test_the_plan_reuses_the_campaign_and_catalogue_the_command_checked(monkeypatch) -> None:
    from qmposter.build import plan as plan_module
    from qmposter.cli.campaign_context import checked_campaign

    request = plan_module.BuildRequest(templates=("poster-a3-red",))
    fresh = plan_module.plan_build(request)
    campaign, catalogue = checked_campaign(None)

    def not_again(*_args, **_kwargs):
        raise AssertionError("read a second time")

    monkeypatch.setattr(plan_module, "load_campaign", not_again)
    monkeypatch.setattr(plan_module, "campaign_catalogue", not_again)
    reused = plan_module.plan_build(request, campaign=campaign, catalogue=catalogue)
    assert [(j.path, j.key) for j in reused.jobs] == [(j.path, j.key) for j in fresh.jobs]


def test_the_bundled_campaign_is_checked_without_reading_it_a_second_time(monkeypatch) -> None:
    from qmposter import consistency
    from qmposter.campaign import default_campaign_path, load_campaign
    from qmposter.cli.campaign_context import checked_campaign

    def not_again(*_args, **_kwargs):
        raise AssertionError("read a second time")

    monkeypatch.setattr(consistency, "load_campaign", not_again)
    for path in (None, default_campaign_path()):  # no --campaign, or the bundled file named
        campaign, _catalogue = checked_campaign(path)
        assert campaign == load_campaign(path)


def test_job_keys_hash_the_content_fields_as_dataclasses_asdict_gives_them() -> None:
    """The flat field dict job_key hashes is asdict's, so keys (and reused files) stay what they were."""
    import dataclasses

    from qmposter.build import keys
    from qmposter.build.plan import BuildRequest, plan_build
    from qmposter.template_cache import loaded_template

    job = plan_build(BuildRequest(templates=("poster-a3-red",), formats=("pdf",))).jobs[3]
    base, template_key = keys.base_key(), keys.template_key(loaded_template("poster-a3-red"))
    unit = dataclasses.replace(job.content, unit="某县某局", issuers=("某县某局", "某县某委"), qr_url="https://a.cn/")
    for content, cmyk in ((job.content, False), (unit, True)):
        fields = dataclasses.asdict(content)
        text = json.dumps([base, template_key, fields, "pdf", None, job.path, cmyk], ensure_ascii=False, sort_keys=True)
        expected = hashlib.sha256(text.encode()).hexdigest()
        assert keys.job_key(base, template_key, content, "pdf", None, job.path, cmyk) == expected
    assert job.key == keys.job_key(base, template_key, job.content, "pdf", None, job.path)


# -- fonts: metrics, ink bounds and vertical forms kept on disk -----------------------------------------


@pytest.mark.parametrize("font_id", ["noto-serif-sc-black", "lxgw-wenkai", "unifont-dots"])
def test_a_font_from_the_disk_cache_is_the_font_read_from_its_file(
    font_id: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qmposter import fonts

    monkeypatch.setenv("QMPOSTER_CACHE_DIR", str(tmp_path))
    info = fonts.bundled_info(font_id)
    path = fonts.fonts_dir() / info.file
    read = fonts._read_face(path, font_id, info.name_zh, info)
    assert "ttfont" in read._lazy  # parsed from the file: nothing cached yet
    sample = "质量月，。“”（）《》—…0Aa中国永"
    ink = {ch: read.ink_bounds(ch) for ch in sample if read.has(ch)}
    forms = read.vertical_forms()
    fonts.save_font_cache()
    cached = fonts._read_face(path, font_id, info.name_zh, info)
    assert "ttfont" not in cached._lazy  # from the cache: the font file was not opened
    fields = ("name", "units_per_em", "ascender", "descender", "ideo_top", "ideo_bottom", "_cmap", "_hmtx", "_vmtx")
    for field in fields:
        assert getattr(cached, field) == getattr(read, field), field
    assert cached._lazy["ink"] == read._lazy["ink"] and cached.vertical_forms() == forms
    assert {ch: cached.ink_bounds(ch) for ch in ink} == ink
    assert "ttfont" not in cached._lazy
    other = next(ch for ch in "鑫龘靐齉爨" if read.has(ch))  # not asked before: read from the file now
    assert cached.ink_bounds(other) == read.ink_bounds(other)


def test_a_warm_render_imports_no_fonttools_and_a_damaged_font_cache_changes_nothing(
    tmp_path: Path, env: dict[str, str]
) -> None:
    probe = "print(any(m.startswith('fontTools') for m in sys.modules))\n"
    outputs = []
    for run in range(4):
        out = tmp_path / f"{run}.pdf"
        if run == 3:  # every cache file cut short or overwritten: read again from the fonts
            for k, file in enumerate(sorted(Path(env["QMPOSTER_CACHE_DIR"]).glob("font-*.marshal"))):
                file.write_bytes(file.read_bytes()[:100] if k % 2 else b"\x00not marshal")
        args = ["render", "vertical-red-0.8x3m", "--slogan", "2010-05", "-o", str(out)]  # vertical text: vertical forms
        used = qmposter_run(args, env, probe=probe).stdout.splitlines()[-1]
        assert used == ("True" if run in (0, 3) else "False"), run
        outputs.append(out.read_bytes())
    assert len(set(outputs)) == 1
    assert len(list(Path(env["QMPOSTER_CACHE_DIR"]).glob("font-*.marshal"))) >= 1


# -- --jobs N: workers only for enough work ------------------------------------------------------------


def test_workers_start_only_for_enough_estimated_work() -> None:
    from qmposter.build.executors import MIN_WORK_PER_WORKER_MS, estimated_cost
    from qmposter.build.plan import BuildRequest, plan_build

    def work(**request) -> float:
        return sum(estimated_cost(j) for j in plan_build(BuildRequest(**request)).jobs if j.skip_reason is None)

    assert work() > 4 * MIN_WORK_PER_WORKER_MS  # the whole default set: a worker pays off
    assert work(templates=("poster-a3-red",)) < MIN_WORK_PER_WORKER_MS  # 42 files: this process alone
    assert work(templates=("poster-a3-red",), formats=("pdf",)) < work(templates=("image-square-1080",),
                                                                      formats=("png",))  # fmt: skip
    jobs = {(j.template, j.format): j for j in plan_build(BuildRequest()).jobs if j.skip_reason is None}
    cost = {key: estimated_cost(job) for key, job in jobs.items()}
    assert cost["image-screen-1920x1080", "png"] > cost["image-square-1080", "png"] > cost["image-square-1080", "jpg"]
    assert cost["poster-a3-red", "png"] > cost["poster-a3-red", "pdf"] > cost["led-red-384x32", "bmp"]


def test_pixel_sizes_come_from_the_header_and_a_png_build_loads_no_other_pillow_plugin(
    tmp_path: Path, env: dict[str, str]
) -> None:
    import io

    from PIL import Image

    from qmposter.build.job import _pixel_size

    page = layout_page(load_template("led-red-384x32"), _content())
    square = layout_page(load_template("image-square-1080"), _content())
    for fmt, source in (("png", page), ("bmp", page), ("gif", page), ("png", square), ("jpeg", square)):
        data = render_bytes(source, fmt, dpi=72)
        with Image.open(io.BytesIO(data)) as image:
            assert _pixel_size(data, fmt) == image.size, fmt
    args = ["build", "--template", "image-square-1080", "--format", "png", "--out", str(tmp_path / "o")]
    probe = "print(sorted(m for m in sys.modules if m.endswith('ImagePlugin') and 'Png' not in m))\n"
    assert qmposter_run(args, env, probe=probe).stdout.splitlines()[-1] == "[]"  # no BMP, GIF, JPEG, PPM plugin


# -- couplets: pypinyin's tones kept on disk ----------------------------------------------------------

_PLAN_COUPLETS = (
    "import sys, json\n"
    "from qmposter.build.plan import BuildRequest, plan_build\n"
    "plan = plan_build(BuildRequest(templates=('couplet-upper', 'couplet-lower')))\n"
    "print(json.dumps([[j.path, j.skip_reason] for j in plan.jobs]))\n"
    "print('pypinyin' in sys.modules)\n"
)


def test_couplet_tones_come_from_the_disk_cache_and_a_wrong_answer_there_is_not_trusted(
    env: dict[str, str],
) -> None:
    import marshal

    def plan() -> tuple[list, bool]:
        out = subprocess.run([sys.executable, "-c", _PLAN_COUPLETS], env=env, capture_output=True, text=True,
                             check=True).stdout.splitlines()  # fmt: skip
        return json.loads(out[0]), out[1] == "True"

    first, loaded = plan()
    assert loaded and any(reason is None for _path, reason in first) and any(reason for _path, reason in first)
    assert plan() == (first, False)  # every tone known: pypinyin is not loaded
    (answers,) = Path(env["QMPOSTER_CACHE_DIR"]).glob("tones-*.marshal")
    wrong = {han: (9,) * len(tones) if k % 2 else tones[:-1] for k, (han, tones) in
             enumerate(marshal.loads(answers.read_bytes()).items())}  # fmt: skip
    answers.write_bytes(marshal.dumps(wrong))
    assert plan() == (first, True)  # every answer refused: pypinyin asked again, same reasons
    answers.write_bytes(b"\x00damaged")
    assert plan() == (first, True)


def test_a_build_that_reuses_every_file_does_not_wait_for_a_filesystem_sync(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qmposter.build import run as run_module
    from qmposter.build.plan import BuildRequest, plan_build

    synced: list[Path] = []
    monkeypatch.setattr(run_module, "sync_filesystem", synced.append)
    request = BuildRequest(templates=("led-red-384x32",), formats=("bmp",), out=tmp_path / "o", jobs=1)
    first = run_module.run_build(plan_build(request), request)
    assert first.written == 21 and synced == [tmp_path / "o"]
    again = run_module.run_build(plan_build(request), request)
    assert again.written == 0 and again.unchanged == 21 and synced == [tmp_path / "o"]


def test_the_font_cache_keeps_only_the_most_recent_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from qmposter import fonts

    monkeypatch.setenv("QMPOSTER_CACHE_DIR", str(tmp_path))
    for k in range(fonts.MAX_CACHED_FONTS + 10):  # files of font versions that are gone, oldest first
        old = tmp_path / f"font-old{k:03d}.marshal"
        old.write_bytes(b"x")
        os.utime(old, ns=(k * 10**9, k * 10**9))
    (tmp_path / "words-keep.json").write_text("{}", encoding="utf-8")
    info = fonts.bundled_info("noto-sans-sc-bold")
    face = fonts._read_face(fonts.fonts_dir() / info.file, info.id, info.name_zh, info)
    fonts.save_font_cache()
    kept = sorted(p.name for p in tmp_path.glob("font-*"))
    assert len(kept) == fonts.MAX_CACHED_FONTS and fonts._cache_file(face.path).name in kept
    assert "font-old000.marshal" not in kept and f"font-old{fonts.MAX_CACHED_FONTS + 9:03d}.marshal" in kept
    assert (tmp_path / "words-keep.json").is_file()  # other caches are not touched


# -- dataclass methods compiled once, kept on disk -----------------------------------------------------

_DATACLASS_CODE = (
    "import dataclasses, hashlib, json, marshal, sys\n"
    "import qmposter.cli.build, qmposter.layout.engine, qmposter.render.pdf, qmposter.render.raster\n"
    "from qmposter.dataclass_code import STORE\n"
    "methods = {}\n"
    "for name, module in sorted(sys.modules.items()):\n"
    "    if name.startswith('qmposter') and module is not None:\n"
    "        for cls in vars(module).values():\n"
    "            if dataclasses.is_dataclass(cls) and isinstance(cls, type) and cls.__module__ == name:\n"
    "                for method in ('__init__', '__repr__', '__eq__', '__hash__', '__setattr__', '__delattr__'):\n"
    "                    code = getattr(vars(cls).get(method), '__code__', None)\n"
    "                    if code is not None:\n"
    "                        methods[f'{name}.{cls.__qualname__}.{method}'] = hashlib.sha256(marshal.dumps(code))"
    ".hexdigest()\n"
    "print(json.dumps([STORE.compiled, methods]))\n"
)


def _dataclass_methods(env: dict[str, str]) -> tuple[int, dict[str, str]]:
    """(texts compiled by a fresh process, method → hash of its code) for every qmposter dataclass."""
    out = subprocess.run([sys.executable, "-c", _DATACLASS_CODE], env=env, capture_output=True, text=True, check=True)
    compiled, methods = json.loads(out.stdout)
    return compiled, methods


def test_dataclass_methods_from_the_disk_cache_are_the_code_dataclasses_compiles(tmp_path: Path) -> None:
    env = {**os.environ, "QMPOSTER_CACHE_DIR": str(tmp_path / "cache")}
    compiled, methods = _dataclass_methods(env)
    assert compiled > 300 and len(methods) > 300  # nothing stored yet: every method compiled
    (stored,) = (tmp_path / "cache").glob("dataclasses-*.marshal")
    assert _dataclass_methods(env) == (0, methods)  # every method from the file, the same code
    # a damaged file (bits flipped, cut short, not marshal) only costs the compiling
    data = stored.read_bytes()
    for damaged in (data[:-300] + bytes(b ^ 0x55 for b in data[-300:]), data[: len(data) // 2], b"\x00junk"):
        stored.write_bytes(damaged)
        assert _dataclass_methods(env) == (compiled, methods)
    # an unwritable cache folder (a file in its place) changes nothing either
    blocked = {**os.environ, "QMPOSTER_CACHE_DIR": str(stored)}
    assert _dataclass_methods(blocked) == (compiled, methods)
    assert _dataclass_methods(blocked) == (compiled, methods)


_SIGNATURE_DOCS = (
    "import importlib, inspect, json, pkgutil\n"
    "made, real = [], inspect.signature\n"
    "def spy(obj, *args, **kwargs):\n"
    "    if isinstance(obj, type) and obj.__module__.startswith('qmposter'):\n"
    "        made.append(f'{obj.__module__}.{obj.__qualname__}')\n"
    "    return real(obj, *args, **kwargs)\n"
    "inspect.signature = spy\n"
    "import qmposter\n"
    "for info in pkgutil.walk_packages(qmposter.__path__, 'qmposter.'):\n"
    "    importlib.import_module(info.name)\n"
    "print(json.dumps(made))\n"
)


def test_every_dataclass_has_its_own_docstring_so_none_is_made_from_its_signature(env: dict[str, str]) -> None:
    """`dataclasses` gives a class without a docstring one made by inspect.signature (~70 µs per class at
    import, in every process): every qmposter module imported, no class of ours needs it."""
    out = subprocess.run([sys.executable, "-c", _SIGNATURE_DOCS], env=env, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.splitlines()[-1]) == []


def test_only_qmposters_own_dataclasses_are_served_from_the_store() -> None:
    import dataclasses

    from qmposter.dataclass_code import STORE

    before = STORE.compiled

    @dataclasses.dataclass(frozen=True)
    class NotOurs:
        a: int
        b: str = "x"

    assert STORE.compiled == before
    assert NotOurs(1) == NotOurs(1, "x") and hash(NotOurs(1)) == hash(NotOurs(1, "x"))
    assert repr(NotOurs(2)).endswith("<locals>.NotOurs(a=2, b='x')")
    with pytest.raises(dataclasses.FrozenInstanceError):
        NotOurs(1).a = 2  # type: ignore[misc]


# -- QR matrices kept on disk ----------------------------------------------------------------------------

_QR_MATRIX = (
    "import json, sys\n"
    "from qmposter.layout.qr import qr_matrix\n"
    "print(json.dumps([[''.join('1' if m else '0' for m in row) for row in qr_matrix(url, level)]"
    " for url, level in json.loads(sys.argv[1])]))\n"
    "print('qrcode' in sys.modules)\n"
)


def test_qr_matrices_from_the_disk_cache_equal_qrcodes_and_damage_is_not_trusted(env: dict[str, str]) -> None:
    asked = json.dumps([["https://www.samr.gov.cn/", "M"], ["https://example.org/质量月", "H"], ["12315", "L"]])

    def matrices() -> tuple[list, bool]:
        out = subprocess.run([sys.executable, "-c", _QR_MATRIX, asked], env=env, capture_output=True, text=True,
                             check=True).stdout.splitlines()  # fmt: skip
        return json.loads(out[0]), out[1] == "True"

    first, imported = matrices()
    assert imported  # nothing stored yet: qrcode encodes
    assert matrices() == (first, False)  # from the file: qrcode not even imported
    (stored,) = Path(env["QMPOSTER_CACHE_DIR"]).glob("qr-*.marshal")
    answers = marshal.loads(stored.read_bytes())
    flipped = {}
    for k, (question, (checksum, blob)) in enumerate(answers.items()):
        rows = list(marshal.loads(blob))
        row = rows[len(rows) // 2]
        rows[len(rows) // 2] = row[:10] + ("0" if row[10] == "1" else "1") + row[11:]  # one module flipped
        flipped[question] = (checksum, marshal.dumps(tuple(rows) if k % 2 else tuple(rows[:-1])))  # or a row lost
    stored.write_bytes(marshal.dumps(flipped))
    assert matrices() == (first, True)  # every answer refused: encoded again, the same codes
    stored.write_bytes(b"\x00damaged")
    assert matrices() == (first, True)


def test_the_plan_and_the_jobs_share_a_template_until_its_files_or_folders_change(tmp_path: Path) -> None:
    from qmposter.build.job import worker_template
    from qmposter.build.plan import BuildRequest, plan_build
    from qmposter.template_cache import loaded_template

    folder = tmp_path / "templates"
    folder.mkdir()
    shutil.copy(REPO / "templates" / "poster-a3-red.toml", folder)
    plan_build(BuildRequest(templates=("poster-a3-red",), templates_dir=folder))
    first = worker_template("poster-a3-red", folder)
    assert loaded_template("poster-a3-red", folder) is first  # the jobs draw with what the plan loaded
    assert first.files[0] == folder / "poster-a3-red.toml"
    # a base of the same name put in the user's folder shadows the bundled one: a new load sees it
    base = (REPO / "templates" / "poster-red-base.toml").read_text(encoding="utf-8")
    (folder / "poster-red-base.toml").write_text(base.replace("#c8161d", "#0b3d91"), encoding="utf-8")
    shadowed = worker_template("poster-a3-red", folder)
    assert shadowed is not first and folder / "poster-red-base.toml" in shadowed.files
    assert shadowed == load_template("poster-a3-red", folder) != first
    assert worker_template("poster-a3-red", folder) is shadowed
    # an edit of a file in place (same folder entries) is seen too
    own = folder / "poster-a3-red.toml"
    own.write_text(own.read_text(encoding="utf-8").replace('title = "', 'title = "改：', 1), encoding="utf-8")
    edited = worker_template("poster-a3-red", folder)
    assert edited.title.startswith("改：") and edited == load_template("poster-a3-red", folder)


# -- TOML files parsed once per text ----------------------------------------------------------------------

_TOML_VALUES = (
    "import sys, tomllib\n"
    "from pathlib import Path\n"
    "from qmposter import toml_cache\n"
    "files = sys.argv[1:]\n"
    "del sys.modules['tomllib']\n"
    "ours = [toml_cache.loads(Path(f).read_text(encoding='utf-8-sig')) for f in files]\n"
    "imported = 'tomllib' in sys.modules\n"
    "import tomllib\n"
    "theirs = [tomllib.loads(Path(f).read_text(encoding='utf-8-sig')) for f in files]\n"
    "assert all(repr(a) == repr(b) and a == b for a, b in zip(ours, theirs, strict=True))\n"
    "ours[0]['changed'] = 1\n"
    "assert 'changed' not in toml_cache.loads(Path(files[0]).read_text(encoding='utf-8-sig'))  # a new dict each time\n"
    "print(imported)\n"
)


def test_toml_values_from_the_disk_cache_are_tomllibs_and_damage_is_not_trusted(
    tmp_path: Path, env: dict[str, str]
) -> None:
    dated = tmp_path / "dated.toml"
    dated.write_text('date = 2010-09-01\nname = "质量月"\n', encoding="utf-8")  # a date: not stored, still parsed
    files = [str(p) for p in sorted(REPO.glob("templates/*.toml")) + sorted(REPO.glob("slogans/*.toml"))]
    files += [str(REPO / "campaigns" / "default.toml"), str(REPO / "fonts" / "fonts.toml"), str(dated)]

    def imported() -> bool:
        out = subprocess.run([sys.executable, "-c", _TOML_VALUES, *files], env=env, capture_output=True, text=True,
                             check=True)  # fmt: skip
        return out.stdout.strip() == "True"

    assert imported()  # nothing stored yet: tomllib parses (and the values are its own)
    assert imported()  # the dated text is never stored: parsed again
    files.remove(str(dated))
    assert not imported()  # every other text from the file: tomllib is not even imported
    (stored,) = Path(env["QMPOSTER_CACHE_DIR"]).glob("toml-*.marshal")
    answers = marshal.loads(stored.read_bytes())
    assert len(answers) == len(files)
    flipped = {}
    for k, (digest, (checksum, blob)) in enumerate(answers.items()):
        at = len(blob) // 2
        damaged = blob[:at] + bytes([blob[at] ^ 1]) + blob[at + 1 :] if k % 2 else blob[:-5]
        flipped[digest] = (checksum, damaged)
    stored.write_bytes(marshal.dumps(flipped))
    assert imported()  # every answer refused: parsed again, the same values
    stored.write_bytes(b"\x00damaged")
    assert imported()


# -- the garbage collector held through start-up -------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "held"),
    [
        (["render", "image-square-1080", "--slogan", "2010-05", "-o", "{tmp}/a.png"], True),  # one file: to the end
        (["build", "--template", "led-red-384x32", "--format", "bmp", "--out", "{tmp}/o"], False),  # for its files
        (["slogans", "list", "--year", "2010"], False),  # every other command: released at once
    ],
)
def test_the_console_script_holds_the_collector_only_through_start_up(
    args: list[str], held: bool, tmp_path: Path, env: dict[str, str]
) -> None:
    import gc

    probe = "import gc\nprint(gc.isenabled(), gc.get_freeze_count() > 0)\n"
    shown = qmposter_run([a.replace("{tmp}", str(tmp_path)) for a in args], env, probe=probe).stdout.splitlines()[-1]
    assert shown == ("False False" if held else "True True")  # released: what start-up made is frozen
    # a program that imports qmposter and runs a command keeps its collector as it was
    from click.testing import CliRunner

    args = ["render", "image-square-1080", "--text", "质量第一", "-o", str(tmp_path / "b.png")]
    assert CliRunner().invoke(cli, args).exit_code == 0 and gc.isenabled()


def test_a_picture_pdf_does_not_depend_on_the_folder_the_templates_are_in(tmp_path: Path) -> None:
    """reportlab names an image given by file name after that name; two installs (or two copies of
    a campaign folder) must still give byte-identical PDFs."""
    copies = []
    for where in ("a", "b/deeper"):
        folder = tmp_path / where / "templates"
        shutil.copytree(REPO / "templates", folder)
        copies.append(folder)
    name = _picture_template(copies[0])
    first, second = (_poster_pdf(folder, name) for folder in copies)
    assert first == second


_IMAGE_SIZE = (
    "import sys\n"
    "from pathlib import Path\n"
    "from qmposter.errors import InputError\n"
    "from qmposter.images import image_size\n"
    "try:\n"
    "    print(image_size(Path(sys.argv[1])))\n"
    "except InputError as error:\n"
    "    print('refused', error.message)\n"
    "print('PIL.Image' in sys.modules)\n"
)


def test_a_checked_picture_version_is_answered_from_the_disk_cache_and_a_changed_file_is_checked_again(
    env: dict[str, str], tmp_path: Path
) -> None:
    """The picture a stock template names: checked through Pillow once, then answered from the cache
    folder without importing Pillow. A damaged cache file is checked again; a file rewritten as
    text (same name) is refused, however its old version was answered."""
    picture = tmp_path / "ribbons.png"
    picture.write_bytes((Path(__file__).parent.parent / "templates" / "assets" / "ribbons.png").read_bytes())
    with Image.open(picture) as image:
        expected = str(image.size)

    def size() -> tuple[str, bool]:
        out = subprocess.run([sys.executable, "-c", _IMAGE_SIZE, str(picture)], env=env, capture_output=True,
                             text=True, check=True).stdout.splitlines()  # fmt: skip
        return out[0], out[1] == "True"

    assert size() == (expected, True)  # checked: Pillow opened it
    assert size() == (expected, False)  # the same file version: Pillow not even imported
    (stored,) = Path(env["QMPOSTER_CACHE_DIR"]).glob("image-sizes-*.marshal")
    stored.write_bytes(b"\x00damaged")
    assert size() == (expected, True)
    picture.write_text("不是图片", encoding="utf-8")
    answer, _ = size()
    assert answer.startswith("refused") and str(picture) in answer
    assert size() == (answer, True)  # a refusal is never remembered: Pillow opens the file again
