"""The bundled template library, checked as a print shop and a designer would check it.

Every template is laid out (display list only) with every slogan of the catalogue —
current wordings and older variants, shortest to longest — and must hold each one:
no error, every glyph inside a text box of its template and inside the safe area,
sizes a reader can take in from the usual distance, lines broken only between
phrases, QR codes big enough with a white quiet zone. Only the couplet strips may
refuse a slogan, and only by their `when`, with a Chinese reason for the manifest.
A few of each template are drawn for real (PNG, PDF) to see the backends accept
them and that pictures for screens come out at exactly their platform's pixel size.
"""

from __future__ import annotations

import io
import re
import sys
from dataclasses import replace
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from qmposter.campaign import load_campaign
from qmposter.catalogue.catalogue import load_catalogue
from qmposter.content import Content
from qmposter.couplet import couplet, problem
from qmposter.fonts import load_font
from qmposter.layout.breaking import NO_END, NO_START
from qmposter.layout.engine import TemplateNotApplicable, layout_page
from qmposter.layout.page import Fill, GlyphRun, Picture, QRCode
from qmposter.render.output import write_page
from qmposter.render.raster import pixel_size
from qmposter.resources import bundled_dir
from qmposter.templates import Template, load_template, template_names
from qmposter.text import split_phrases

MM = 72 / 25.4
ROOT = Path(__file__).resolve().parent.parent
PREVIEWS = ROOT / "docs" / "template-previews"
NAMES = template_names()
TEXT_TYPES = ("slogan", "text", "issuers")
PLATFORM_PX = {(900, 383), (1080, 1080), (1080, 1920), (1920, 1080)}


def px(template: Template, points: float) -> float:
    return points * template.page.dpi / 72


# The smallest slogan a reader takes in from the distance each kind is seen at, in points.
SLOGAN_MIN = {
    "poster": lambda t: 0.06 * t.page.width,  # A3 17.8 mm, A2 25 mm: read across a corridor
    "banner": lambda t: 0.25 * t.page.height,  # a 0.9 m banner: 22.5 cm letters, read from the street
    "vertical": lambda t: 0.15 * t.page.width,
    "couplet": lambda t: 0.30 * t.page.width,
    "image": lambda t: 0.08 * min(t.page.width, t.page.height),
    "led": lambda t: 16 * 72 / t.page.dpi,
}
# The smallest secondary text (落款, hotline, captions), in points.
OTHER_MIN = {
    "poster": lambda t: 8.0,
    "banner": lambda t: 60 * MM,
    "vertical": lambda t: 60 * MM,
    "couplet": lambda t: 60 * MM,
    "image": lambda t: 24 * 72 / t.page.dpi,  # 24 px: about 8 px on a phone showing it 360 px wide
    "led": lambda t: 16 * 72 / t.page.dpi,
}


@pytest.fixture(scope="module")
def campaign():
    return load_campaign()


@pytest.fixture(scope="module")
def entries():
    """Every slogan of the catalogue, current or not, shortest first."""
    return sorted(load_catalogue().entries, key=lambda e: (len(e.text), e.id))


@pytest.fixture(scope="module")
def templates():
    return {name: load_template(name) for name in NAMES}


def content(campaign, text: str, ref: str = "测试", **changes) -> Content:
    return replace(Content.from_campaign(campaign, text, ref), **changes)


def runs(page) -> list[GlyphRun]:
    return [item for item in page.items if isinstance(item, GlyphRun)]


def plain(text: str) -> str:
    """What a slogan line shows: the text without phrase commas and spaces."""
    return re.sub(r"[，\s　]", "", text)


def slogan_runs(page, text: str) -> list[GlyphRun]:
    """The lines (columns) of the slogan: the largest runs whose text is part of it (none on a 横批)."""
    target = plain(text)
    parts = [run for run in runs(page) if plain(run.text) and plain(run.text) in target]
    biggest = max((run.size for run in parts), default=0)
    return [run for run in parts if run.size == biggest]


def glyph_box(run: GlyphRun, glyph) -> tuple[float, float, float, float]:
    """The glyph's cell: advance × ideographic em box; for a rotated glyph, its turned ink box."""
    face = load_font(run.font_id)
    s = run.size
    if glyph.rotate == 0:
        advance = face.advance(glyph.char)
        return glyph.x, glyph.y - face.ideo_top * s, glyph.x + advance * s, glyph.y - face.ideo_bottom * s
    x0, y0, x1, y1 = face.ink_bounds(glyph.char)  # font units, y up; turned 90° clockwise about the origin
    return glyph.x + y0 * s, glyph.y + x0 * s, glyph.x + y1 * s, glyph.y + x1 * s


def inside(cell, box, eps: float) -> bool:
    x0, y0, x1, y1 = cell
    return (x0 >= box.x - eps and y0 >= box.y - eps and x1 <= box.x + box.width + eps
            and y1 <= box.y + box.height + eps)  # fmt: skip


def check_page(template: Template, page, text: str) -> None:
    """Everything the library promises about one laid-out slogan."""
    spec = template.page
    boxes = [e.box for e in template.elements if e.type in TEXT_TYPES]
    m = spec.safe_margin
    safe = type(boxes[0])(m, m, spec.width - 2 * m, spec.height - 2 * m)
    for run in runs(page):
        eps = 0.01 * run.size + 0.01
        cells = [glyph_box(run, g) for g in run.glyphs if g.visible]  # a hidden comma paints nothing
        assert all(inside(c, safe, eps) for c in cells), f"{template.name}: “{run.text}” leaves the safe area"
        assert any(all(inside(c, box, eps) for c in cells) for box in boxes), (
            f"{template.name}: “{run.text}” is not inside any text box of the template"
        )
    half = next((e.couplet for e in template.elements if e.type == "slogan" and e.couplet), None)
    if half is not None:  # a couplet strip shows one half of the couplet
        text = getattr(couplet(split_phrases(text)), half)
    if not any(e.type == "slogan" for e in template.elements):  # the 横批 goes with a couplet, not the slogan
        return
    lines = slogan_runs(page, text)
    assert "".join(plain(run.text) for run in lines) == plain(text), f"{template.name}: slogan not set whole"
    size = lines[0].size
    assert size >= SLOGAN_MIN[template.kind](template) - 0.01, f"{template.name}: slogan {size / MM:.1f} mm too small"
    if template.kind == "led":
        assert size * spec.dpi / 72 in (16, 32), "LED text must use bitmap-friendly sizes"
    others = [run for run in runs(page) if run not in lines]
    for run in others:
        assert run.size >= OTHER_MIN[template.kind](template) - 0.01, (
            f"{template.name}: “{run.text}” at {run.size:.1f} pt is too small to read"
        )
    _check_breaks(template, [run.text for run in lines], text)


def _check_breaks(template: Template, lines: list[str], text: str) -> None:
    """Lines end between phrases (when the slogan has several) and obey clreq's start/end rules."""
    for line in lines:
        assert line[0] not in NO_START and line[-1] not in NO_END, f"{template.name}: bad line “{line}”"
    phrases = split_phrases(text)
    if len(phrases) < 2 or len(lines) < 2:
        return
    bounds, total = set(), 0
    for phrase in phrases:
        total += len(plain(phrase))
        bounds.add(total)
    total = 0
    for line in lines[:-1]:
        total += len(plain(line))
        assert total in bounds, f"{template.name}: “{text}” broken inside a phrase: {lines}"


# -- the library as a whole ------------------------------------------------------------------


def test_library_has_every_product_the_brief_asks_for(templates):
    assert len(templates) >= 12
    by_kind: dict[str, list[Template]] = {}
    for t in templates.values():
        by_kind.setdefault(t.kind, []).append(t)
    sizes_mm = {(round(t.page.width / MM), round(t.page.height / MM)) for t in by_kind["banner"]}
    assert {(6000, 900), (5000, 700)} <= sizes_mm
    vertical = by_kind["vertical"]
    assert any((round(t.page.width / MM), round(t.page.height / MM)) == (800, 3000) for t in vertical)
    assert all(any(e.type == "slogan" and e.text.vertical for e in t.elements) for t in vertical)
    couplets = by_kind["couplet"]
    assert {e.couplet for t in couplets for e in t.elements if e.type == "slogan"} == {"upper", "lower"}
    assert any(e.template_text == "{hengpi}" for t in couplets for e in t.elements)
    posters = by_kind["poster"]
    paper = {(round(t.page.width / MM), round(t.page.height / MM)) for t in posters}
    assert {(297, 420), (420, 594)} <= paper
    assert len({t.background for t in posters}) >= 3, "at least three distinct poster designs"
    image_px = {(round(px(t, t.page.width)), round(px(t, t.page.height))) for t in by_kind["image"]}
    assert image_px >= PLATFORM_PX
    assert all(t.page.monochrome for t in by_kind["led"])


@pytest.mark.parametrize("name", [n for n in NAMES if load_template(n).kind == "poster"])
def test_posters_carry_year_theme_issuers_qr_and_hotline(templates, name):
    t = templates[name]
    texts = " ".join(e.template_text or "" for e in t.elements if e.type == "text")
    for field in ("{theme}", "{qr_caption}", "{hotline}"):
        assert field in texts
    assert "{name}" in texts or "{year}" in texts
    assert any(e.type == "issuers" for e in t.elements)
    qr = [e for e in t.elements if e.type == "qr"]
    assert qr and qr[0].qr_size >= 20 * MM, "a QR code on a poster is at least 2 cm wide"


# -- every template × every slogan --------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_template_holds_every_catalogue_slogan(templates, campaign, entries, name):
    template = templates[name]
    drawn = 0
    for entry in entries:
        try:
            page = layout_page(template, content(campaign, entry.text, entry.id))
        except TemplateNotApplicable as skip:
            assert template.kind == "couplet", f"only couplets may skip; {name} skipped “{entry.text}”"
            assert skip.reason == problem(split_phrases(entry.text))
            assert re.search(r"[\u4e00-\u9fff]{4}", skip.reason), "the skip reason is Chinese"
            continue
        check_page(template, page, entry.text)
        drawn += 1
    assert drawn >= (8 if template.kind == "couplet" else len(entries) // 2)  # few slogans are couplets


@pytest.mark.parametrize("name", NAMES)
def test_template_holds_other_campaigns_and_units(templates, campaign, entries, name):
    """One issuer with the longest name, none at all, no QR, the 2009 national theme, a 2020 hotline."""
    template = templates[name]
    longest_issuer = max(campaign.issuers, key=len)
    variants = [
        {"issuers": (longest_issuer,), "unit": longest_issuer},
        {"issuers": ()},
        {"qr_url": ""},
        {"theme": "全员全过程全方位参与，全面提高质量安全水平", "year": 2020, "hotline": "12315",
         "name": "2020年全国“质量月”活动"},
    ]  # fmt: skip
    samples = [entries[0], entries[-1], *(e for e in entries if len(split_phrases(e.text)) == 2)][:3]
    for changes in variants:
        for entry in samples:
            c = content(campaign, entry.text, entry.id, **changes)
            try:
                page = layout_page(template, c)
            except TemplateNotApplicable:
                continue
            check_page(template, page, entry.text)
            shown = "".join(run.text for run in runs(page))
            if not c.qr_url:
                assert not any(isinstance(i, QRCode) for i in page.items) and "扫码" not in shown
            if not c.issuers:
                assert "主办单位" not in shown and "主办：" not in shown


@pytest.mark.parametrize("name", [n for n in NAMES if n.startswith("banner-")])
def test_banners_spread_one_line_and_never_change_by_slogan_length(templates, campaign, entries, name):
    """A set hung on one street is consistent: no 落款 that comes and goes with the slogan's length."""
    template = templates[name]
    slogan_boxes = [e.box for e in template.elements if e.type == "slogan"]
    for entry in entries:
        page = layout_page(template, content(campaign, entry.text, entry.id))
        (line,) = slogan_runs(page, entry.text)
        first, last = line.glyphs[0], line.glyphs[-1]
        tol = 0.02 * line.size
        assert any(
            abs(first.x - b.x) < tol and abs(last.x + line.size - (b.x + b.width)) < tol for b in slogan_boxes
        ), f"“{entry.text}” is not spread (分散对齐) to both ends of its box"
        assert campaign.issuers[0] not in "".join(run.text for run in runs(page)), entry.text


# -- QR codes ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [n for n in NAMES if any(e.type == "qr" for e in load_template(n).elements)])
def test_qr_codes_have_a_white_quiet_zone_and_a_usable_size(templates, campaign, name):
    template = templates[name]
    page = layout_page(template, content(campaign, "质量缔造中国品牌"))
    (qr,) = [item for item in page.items if isinstance(item, QRCode)]
    assert (qr.light.r, qr.light.g, qr.light.b) == (255, 255, 255)
    n = len(qr.modules)
    edge = [qr.modules[r][c] for r in range(n) for c in range(n) if min(r, c, n - 1 - r, n - 1 - c) < 4]
    assert not any(edge), "4 light modules all round"
    if template.is_print:
        assert qr.size >= 10 * MM
    else:
        assert px(template, qr.size) / n >= 4, "at least 4 screen pixels a module"


# -- real files --------------------------------------------------------------------------------


def _render_dpi(template: Template) -> float:
    """Low resolution for speed; pictures for screens at their own dpi (their exact pixel size)."""
    if not template.is_print:
        return template.page.dpi
    return 100 if template.kind == "poster" else 6


@pytest.mark.parametrize("name", NAMES)
def test_backends_accept_the_template(templates, campaign, entries, tmp_path, name):
    template = templates[name]
    entry = next(e for e in entries if len(split_phrases(e.text)) == 2)
    page = layout_page(template, content(campaign, entry.text, entry.id))
    dpi = _render_dpi(template)
    png = tmp_path / "out.png"
    write_page(page, png, dpi=dpi)
    with Image.open(png) as image:
        assert image.size == pixel_size(page, dpi)
        if not template.is_print:
            assert image.size == (round(px(template, page.width)), round(px(template, page.height)))
            assert image.size in PLATFORM_PX or template.kind == "led"
        if template.page.monochrome:
            assert image.mode == "1"
        if any(isinstance(i, QRCode) for i in page.items):
            found = zxingcpp.read_barcodes(image.convert("L"))
            assert [r.text for r in found] == [campaign.qr_url]
    if template.is_print:
        pdf = tmp_path / "out.pdf"
        write_page(page, pdf, dpi=dpi)
        (pdf_page,) = PdfReader(io.BytesIO(pdf.read_bytes())).pages
        trim, bleed = pdf_page.trimbox, pdf_page.bleedbox
        assert float(trim.width) == pytest.approx(page.width, abs=0.5)
        assert float(trim.left) - float(bleed.left) == pytest.approx(3 * MM, abs=0.1)


def test_print_backgrounds_and_edge_graphics_run_into_the_bleed(templates, campaign):
    """A colour or picture that reaches the trim must go on to the bleed edge, or a cut 1 mm out shows white."""
    for template in templates.values():
        if not template.is_print:
            continue
        page = layout_page(template, content(campaign, "关注民生，重视质量"))
        first = page.items[0]
        assert isinstance(first, Fill), f"{template.name}: the background comes first"
        b, eps = template.page.bleed, 0.5
        assert (first.x, first.y) == pytest.approx((-b, -b))
        assert (first.width, first.height) == pytest.approx((page.width + 2 * b, page.height + 2 * b))
        for item in page.items:
            if not isinstance(item, Fill | Picture):
                continue
            edges = {
                "left": (item.x, 0.0), "top": (item.y, 0.0),
                "right": (item.x + item.width, page.width), "bottom": (item.y + item.height, page.height),
            }  # fmt: skip
            for side, (edge, trim) in edges.items():
                assert abs(edge - trim) > eps, f"{template.name}: {type(item).__name__} stops at the {side} trim"


# -- assets and previews -----------------------------------------------------------------------


def test_assets_are_small_used_and_inside_the_templates_folder(templates):
    assets = sorted((bundled_dir("templates") / "assets").glob("*.png"))
    assert assets
    used = {Path(item.src).resolve() for t in templates.values() for item in t.elements if item.type == "image"}
    for asset in assets:
        assert asset.stat().st_size < 200_000, f"{asset.name} is too big for a bundled asset"
        assert asset.resolve() in used, f"{asset.name} is not used by any template"


def test_assets_are_what_the_script_draws(tmp_path):
    """The committed pictures come from scripts/make_template_assets.py (no hand-edited binaries)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import make_template_assets as script
    finally:
        sys.path.pop(0)
    folder = bundled_dir("templates") / "assets"
    for name in ("ribbons.png",):  # the cheap one; both share the drawing code
        drawn = script.ASSETS[name]().convert("RGBA")
        with Image.open(folder / name) as committed:
            committed = committed.convert("RGBA")
            assert committed.size == drawn.size
            assert _max_difference(drawn, committed) <= 2, f"{name} differs from what the script draws"


def _max_difference(a: Image.Image, b: Image.Image) -> int:
    from PIL import ImageChops

    return max(hi for _, hi in ImageChops.difference(a, b).getextrema())


@pytest.mark.parametrize("name", NAMES)
def test_every_template_has_a_small_preview(name):
    preview = PREVIEWS / f"{name}.png"
    assert preview.is_file(), f"run python scripts/make_template_previews.py to draw {preview.name}"
    assert preview.stat().st_size < 300_000
    with Image.open(preview) as image:
        assert max(image.size) <= 1600


def test_picture_items_stay_inside_the_bleed(templates, campaign):
    for template in templates.values():
        text = "关注民生，重视质量"
        page = layout_page(template, content(campaign, text))
        b = template.page.bleed
        for item in page.items:
            if isinstance(item, Picture):
                assert item.x >= -b - 0.01 and item.y >= -b - 0.01
                assert item.x + item.width <= page.width + b + 0.01
                assert item.y + item.height <= page.height + b + 0.01
