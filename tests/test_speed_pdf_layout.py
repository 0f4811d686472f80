"""Per-process caches of the layout engine and the PDF backend (issue 12) change no byte.

No timings (bench/ measures those): each cache must give what a fresh process gives, in
any order, stay within its bound, and really be used (its hit counter moves).
"""

from __future__ import annotations

import hashlib
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from reportlab.pdfbase import pdfmetrics

from qmposter.build.plan import BuildRequest, plan_build
from qmposter.fonts import load_font
from qmposter.layout import engine, textbox
from qmposter.layout.engine import layout_page
from qmposter.layout.page import Color, Page
from qmposter.render import pdf, pdf_canvas, pdf_fonts, pdf_streams, pdf_text
from qmposter.render.output import render_bytes
from qmposter.templates import load_template

CASES = [("poster-a3-red", "pdf"), ("poster-a3-red", "png"), ("poster-a2-modern", "pdf"),
         ("banner-red-0.9x6m", "pdf"), ("couplet-upper", "pdf"), ("image-square-1080", "svg")]  # fmt: skip
SLOGANS = 4


def _jobs(template: str) -> list:
    plan = plan_build(BuildRequest(templates=(template,), formats=("pdf",), out=Path("unused")))
    return [job for job in plan.jobs if job.skip_reason is None][:SLOGANS]


def clear_caches() -> None:
    """Forget what the caches under test hold: the next file is made as by a fresh process."""
    textbox._BLOCKS.clear()
    engine._STYLES.clear()
    engine._ELEMENT_ITEMS.clear()
    pdf._PATHS.clear()
    pdf_streams.PAGE_FLATE.clear()
    pdf_streams.SAME_FLATE.clear()
    pdf_text.RUN_TEXTS.clear()
    pdf_fonts._ARRAYS.clear()
    pdf_canvas._EXT_STATES.clear()
    pdf_canvas._STRINGS.clear()
    pdf._SHADINGS.clear()
    pdf._SHAPE_RUNS.clear()
    for font in _fonts():
        font.subsets.clear()
        font.groups.clear()


def _fonts() -> list[pdf_fonts.CachedTTFont]:
    """The fonts render.pdf draws with (reportlab shares one object per face between names)."""
    fonts = {id(font): font for font in map(pdfmetrics.getFont, pdf._registered.values())}
    assert all(isinstance(font, pdf_fonts.CachedTTFont) for font in fonts.values())
    return list(fonts.values())


def file_hashes(order: list[tuple[str, str, int]], *, cold: bool = False) -> dict[str, str]:
    """sha256 of each (template, format, slogan index) made in this order, keyed 'template fmt i';
    `cold` empties the caches before each file."""
    out = {}
    for template, fmt, index in order:
        if cold:
            clear_caches()
        job = _jobs(template)[index]
        page = layout_page(load_template(template), job.content)
        data = render_bytes(page, fmt, dpi=24 if fmt == "png" else None)
        out[f"{template} {fmt} {index}"] = hashlib.sha256(data).hexdigest()
    return out


def _all_files() -> list[tuple[str, str, int]]:
    return [(t, f, i) for t, f in CASES for i in range(SLOGANS)]


def test_warm_caches_in_any_order_give_the_files_of_a_fresh_process() -> None:
    from qmposter.products.leaflet_text import register_face

    register_face(load_font("noto-sans-sc-bold"))  # as a leaflet made first in the process would
    files = _all_files()
    fresh = json.loads(subprocess.run(
        [sys.executable, "-c", f"import sys, json; sys.path.insert(0, {str(Path(__file__).parent)!r}); "
         f"from test_speed_pdf_layout import file_hashes; print(json.dumps(file_hashes({files!r}, cold=True)))"],
        capture_output=True, check=True, text=True,
    ).stdout)  # fmt: skip
    shuffled = files[:]
    random.Random(12).shuffle(shuffled)
    twice = file_hashes(shuffled) | file_hashes(files[::-1])  # warm: every text and shape seen before
    assert twice == fresh


def test_static_texts_are_set_once_and_only_the_slogan_is_set_again() -> None:
    template = load_template("poster-a3-red")
    first, second = _jobs("poster-a3-red")[:2]
    layout_page(template, first.content)
    hits, misses = textbox._BLOCKS.hits, textbox._BLOCKS.misses
    page = layout_page(template, second.content)
    new_hits, new_misses = textbox._BLOCKS.hits - hits, textbox._BLOCKS.misses - misses
    assert new_hits >= 8  # name, theme, the issuers (twice each: size search, then set), date, hotline
    assert new_misses <= 2  # the slogan (and its fallback without tracking)
    textbox._BLOCKS.clear()
    assert layout_page(template, second.content) == page


def test_text_cache_is_bounded_and_keeps_the_recent_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(textbox._BLOCKS, "size", 3)
    style = textbox.TextStyle(font_id=_font(), color=_red(), min_size=8, max_size=40)
    box = textbox.Box(0, 0, 300, 100)
    blocks = [textbox.layout_text(text, box, style) for text in ("质量第一", "安全第一", "诚信为本", "质量第一")]
    assert len(textbox._BLOCKS) <= 3
    assert blocks[3] == blocks[0]
    hits = textbox._BLOCKS.hits
    assert textbox.layout_text("质量第一", box, style) is blocks[3]  # the most recent entry is kept
    assert textbox._BLOCKS.hits == hits + 1
    # 72 and 72.0 are equal, but an SVG writes them differently: they never share an entry
    a = textbox.layout_text("质量", box, textbox.TextStyle(_font(), _red(), 8, 40))
    b = textbox.layout_text("质量", box, textbox.TextStyle(_font(), _red(), 8, 40.0))
    assert a is not b and repr(a.size) != repr(b.size)


def test_ornament_and_qr_paths_are_formatted_once_and_the_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    template = load_template("poster-a3-red")
    jobs = _jobs("poster-a3-red")
    pages = [layout_page(template, job.content) for job in jobs[:3]]
    pdf._PATHS.clear()
    pdf._SHAPE_RUNS.clear()
    first = pdf.render_pdf([pages[0]])
    misses = pdf._PATHS.misses
    assert misses >= 21  # the ray rings, the 回纹 corners and the QR code
    second = pdf.render_pdf([pages[1]])
    assert pdf._PATHS.misses == misses and pdf._SHAPE_RUNS.hits >= 1  # the ornaments' run written as before
    monkeypatch.setattr(pdf._PATHS, "size", 5)
    pdf._PATHS.clear()
    pdf._SHAPE_RUNS.clear()
    assert pdf.render_pdf([pages[0]]) == first and pdf.render_pdf([pages[1]]) == second
    assert len(pdf._PATHS) <= 5


def test_reused_parts_of_a_poster_pdf_are_really_reused() -> None:
    template = load_template("poster-a3-red")
    pages = [layout_page(template, job.content) for job in _jobs("poster-a3-red")]
    clear_caches()
    cold = [pdf.render_pdf([page]) for page in pages[:-1]]
    before, groups = _counters(), sum(font.groups.hits for font in _fonts())
    cold.append(pdf.render_pdf([pages[-1]]))  # a file like every other of the build: statics seen
    hits = {key: _counters()[key][0] - value[0] for key, value in before.items()}
    assert hits["page stream"] == 1  # the ground and the ornaments: compressed once
    assert hits["runs"] >= 12  # name, theme, issuers, date, hotline
    assert hits["transparency states"] == 1  # the ornaments' opacities
    assert hits["shadings"] == 2  # the gradient and the crop marks' registration colour, with their functions
    assert hits["shape runs"] >= 1  # the ornaments' operators
    assert hits["information strings"] >= 5  # author (the issuers), subject, keywords, producer, creator
    # the fonts of the issuers and the hotline: subset, ToUnicode map, descriptor, font as formatted before
    assert sum(font.groups.hits for font in _fonts()) - groups >= 2
    # every cache at a bound of 1–2 entries: still the same files
    caches = (pdf_streams.PAGE_FLATE, pdf_streams.SAME_FLATE, pdf_text.RUN_TEXTS, pdf_fonts._ARRAYS,
              pdf_canvas._EXT_STATES, pdf._SHADINGS, pdf._SHAPE_RUNS, pdf_canvas._STRINGS)
    for cache in caches:
        cache.size = 2
    for font in _fonts():
        font.subsets.size = font.groups.size = 1
    try:
        clear_caches()
        assert [pdf.render_pdf([page]) for page in pages + pages[::-1]] == cold + cold[::-1]
        assert all(len(c) <= 2 for c in caches)
        assert all(len(font.subsets) <= 1 and len(font.groups) <= 1 for font in _fonts())
    finally:
        pdf_streams.PAGE_FLATE.size, pdf_streams.SAME_FLATE.size = 8, 64
        pdf_text.RUN_TEXTS.size, pdf_fonts._ARRAYS.size = pdf_text.MAX_RUNS, pdf_fonts.MAX_ARRAYS
        pdf_canvas._EXT_STATES.size, pdf._SHADINGS.size, pdf._SHAPE_RUNS.size = pdf_canvas.MAX_STATES, 64, 64
        pdf_canvas._STRINGS.size = 256
        for font in _fonts():
            font.subsets.size, font.groups.size = pdf_fonts.MAX_SUBSETS, pdf_fonts.MAX_GROUPS


def _counters() -> dict[str, tuple[int, int]]:
    return {
        "page stream": (pdf_streams.PAGE_FLATE.hits, pdf_streams.PAGE_FLATE.misses),
        "same stream": (pdf_streams.SAME_FLATE.hits, pdf_streams.SAME_FLATE.misses),
        "runs": (pdf_text.RUN_TEXTS.hits, pdf_text.RUN_TEXTS.misses),
        "transparency states": (pdf_canvas._EXT_STATES.hits, pdf_canvas._EXT_STATES.misses),
        "shadings": (pdf._SHADINGS.hits, pdf._SHADINGS.misses),
        "shape runs": (pdf._SHAPE_RUNS.hits, pdf._SHAPE_RUNS.misses),
        "information strings": (pdf_canvas._STRINGS.hits, pdf_canvas._STRINGS.misses),
    }


def test_a_cached_run_is_not_reused_when_the_document_gave_its_characters_other_codes() -> None:
    from helpers import set_line

    font = _font()
    name = set_line("质量第一", font, 40, 50, 100, _red())
    other = set_line("安全诚信", font, 40, 50, 200, _red())
    alone = Page(600, 400, (name,))
    after = Page(600, 400, (other, name))  # 质量第一 gets codes 5–8 here, not 1–4
    clear_caches()
    cold = pdf.render_pdf([after])
    clear_caches()
    pdf.render_pdf([alone])
    hits = pdf_text.RUN_TEXTS.hits
    assert pdf.render_pdf([after]) == cold
    assert pdf_text.RUN_TEXTS.hits == hits  # the codes differ: drawn glyph by glyph again
    assert pdf.render_pdf([alone]) == pdf.render_pdf([alone])
    assert pdf_text.RUN_TEXTS.hits > hits


def test_prefix_compression_equals_zlib_for_any_split_of_real_page_streams() -> None:
    import zlib

    from pypdf import PdfReader

    streams = []
    for template, _ in CASES:
        for job in _jobs(template)[:2]:
            data = pdf.render_pdf([layout_page(load_template(template), job.content)])
            streams.append(PdfReader(__import__("io").BytesIO(data)).pages[0].get_contents().get_data())
    rng = random.Random(7)
    for data in streams:
        for split in [0, len(data), *(rng.randrange(len(data)) for _ in range(10))]:
            state = zlib.compressobj()
            head = state.compress(data[:split])
            resumed = state.copy()  # what PrefixFlate does with a known prefix
            assert head + resumed.compress(data[split:]) + resumed.flush() == zlib.compress(data)
    flate = pdf_streams.PrefixFlate()
    assert [flate.encode(d) for d in streams + streams] == [zlib.compress(d) for d in streams + streams]
    assert flate.hits >= len(streams) // 2


def test_a_hint_longer_than_what_the_pages_share_does_not_stop_the_shared_part_being_learnt() -> None:
    """A user template with a per-unit line above the slogan: the hinted part differs from page to
    page, yet the part every page shares is still learnt (it was not: every page compressed whole),
    and the streams are zlib's."""
    import zlib

    rng = random.Random(0)
    common = "".join(f"{rng.random():.4f} {rng.random():.4f} l\n" for _ in range(1500))
    units = [f"BT /F1 12 Tf (unit {k} {'x' * 80}) Tj ET\n" for k in range(10)]
    flate = pdf_streams.PrefixFlate()
    for slogan in range(5):
        for unit, line in enumerate(units):
            data = common + line + f"BT (slogan {slogan} {'y' * 3000}) Tj ET\n"
            assert flate.encode(data, len(common) + len(line)) == zlib.compress(data.encode()), (slogan, unit)
    assert flate.hits >= 45


def test_fixed_items_end_where_the_slogan_begins() -> None:
    """Page.fixed_items: the items before it are made from the template and campaign alone (two
    slogans taking the same branch share them), the item at it is the slogan's first line."""
    for template in ("poster-a3-red", "poster-a2-modern", "image-square-1080"):
        plan = plan_build(BuildRequest(templates=(template,), out=Path("unused")))
        jobs = [job for job in plan.jobs if job.skip_reason is None and job.format == plan.jobs[0].format]
        a, b = (layout_page(load_template(template), job.content) for job in (jobs[1], jobs[3]))
        assert 0 < a.fixed_items == b.fixed_items < len(a.items), template
        assert a.items[: a.fixed_items] == b.items[: b.fixed_items], template
        for page, job in ((a, jobs[1]), (b, jobs[3])):
            first_line = page.items[page.fixed_items]
            assert first_line.text and job.content.slogan.startswith(first_line.text), template


def test_the_page_stream_before_the_slogan_is_compressed_once_from_the_first_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The part of a page stream drawn before Page.fixed_items becomes a PrefixFlate entry on the
    first file (the second resumes after it), and the files are those made without that hint."""
    template = load_template("poster-a3-red")
    pages = [layout_page(template, job.content) for job in _jobs("poster-a3-red")]
    clear_caches()
    hinted = [pdf.render_pdf([page]) for page in pages]
    flate = pdf_streams.PAGE_FLATE
    assert (flate.hits, flate.misses) == (len(pages) - 1, 1)
    (entry,) = flate._prefixes
    assert len(entry.data) >= pdf_streams.MIN_PREFIX
    monkeypatch.setattr(pdf, "Head", lambda flate, shared: pdf_streams.Head(flate, 0))
    clear_caches()
    assert [pdf.render_pdf([page]) for page in pages] == hinted
    assert flate.misses >= 2  # without the hint the prefix is learnt from two streams


def _pdf_templates() -> list[str]:
    from qmposter.templates import list_templates

    return [t.name for t in list_templates() if "pdf" in t.page.formats]


@pytest.mark.parametrize("cmyk", [False, True])
def test_short_scopes_and_text_objects_write_what_reportlabs_own_calls_write(
    monkeypatch: pytest.MonkeyPatch, cmyk: bool
) -> None:
    """Every PDF template (ornaments, gradients, crop marks, QR, vertical text with its font
    variant, hidden commas), RGB and CMYK."""
    from dataclasses import replace

    from helpers import set_column, set_line

    pages = [layout_page(load_template(name), job.content) for name in _pdf_templates() for job in _jobs(name)[:2]]
    column = set_column("质量ISO9001月（2010）", _font(), 30, 500, 40, _red())  # Latin rotated 90°
    common = Path(__file__).resolve().parents[1] / "fonts" / "tgh8105.txt"  # 通用规范汉字表
    chars = "".join(dict.fromkeys(ch for ch in common.read_text(encoding="utf-8") if "\u4e00" <= ch <= "\u9fff"))
    many = set_line(chars[:300], _font(), 6, 10, 300, _red())  # more than one 256-code subset
    hidden = replace(many, glyphs=tuple(replace(g, visible=i % 5 != 0) for i, g in enumerate(many.glyphs)))
    pages.append(Page(600, 800, (column, many, hidden)))
    fast = [pdf.render_pdf([page], cmyk=cmyk) for page in pages]
    monkeypatch.setattr(pdf_canvas, "FAST_SCOPES", False)
    clear_caches()  # text objects and shape runs written again, through reportlab
    assert [pdf.render_pdf([page], cmyk=cmyk) for page in pages] == fast


def test_ascii85_as_bytes_equals_reportlabs_filter_through_its_codec() -> None:
    import zlib

    from reportlab.pdfbase.pdfdoc import PDFBase85Encode, pdfdocEnc

    rng = random.Random(5)
    samples = [b"", b"\0" * 9, bytes(range(256)), *(rng.randbytes(rng.randrange(1, 5000)) for _ in range(20))]
    page = layout_page(load_template("poster-a3-red"), _jobs("poster-a3-red")[0].content)
    samples.append(zlib.compress(pdf.render_pdf([page])))
    for data in samples:
        assert pdf_streams.ASCII85_BYTES.encode(data) == pdfdocEnc(PDFBase85Encode.encode(data))


def test_font_objects_are_not_reused_at_other_object_numbers() -> None:
    """The same characters of a font after another drawing made more objects: reportlab's objects."""
    from helpers import set_line
    from pypdf import PdfReader

    font = _font()
    line = set_line("质量第一", font, 40, 50, 100, _red())
    ray = layout_page(load_template("poster-a3-red"), _jobs("poster-a3-red")[0].content).items
    shaded = next(item for item in ray if isinstance(getattr(item, "paint", None), pdf.LinearGradient))
    plain, with_gradient = Page(600, 400, (line,)), Page(600, 400, (shaded, line))
    clear_caches()
    cold = pdf.render_pdf([with_gradient])
    clear_caches()
    pdf.render_pdf([plain])  # records the font's objects at the numbers of a document without a shading
    hits = sum(f.groups.hits for f in _fonts())
    assert pdf.render_pdf([with_gradient]) == cold
    assert sum(f.groups.hits for f in _fonts()) == hits
    assert pdf.render_pdf([plain]) == pdf.render_pdf([plain])
    assert sum(f.groups.hits for f in _fonts()) > hits
    assert PdfReader(__import__("io").BytesIO(pdf.render_pdf([plain]))).pages[0].extract_text() == "质量第一"


def _font() -> str:
    from helpers import heavy_font_id

    return heavy_font_id()


def _red() -> Color:
    return Color(200, 22, 29)
