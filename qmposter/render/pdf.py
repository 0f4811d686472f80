"""PDF backend: Pages → a vector, print-ready PDF with reportlab's canvas.

- Fonts are embedded as TrueType subsets with a ToUnicode map (reportlab TTFont), so
  the text can be searched and copied; each glyph is set with its own text matrix at
  exactly the position the layout gave (rotation through the matrix too).
- With bleed: the MediaBox holds trim + bleed (+ a slug for crop marks), TrimBox and
  BleedBox are set, content is clipped to the bleed, and crop marks are drawn in the
  registration colour (Separation /All) outside the bleed.
- Optional CMYK: `Color.cmyk` where the template gave one, else a naive conversion;
  large pure-black fills become rich black (C50 M50 Y50 K100); text and QR stay K only.
- Deterministic: reportlab's invariant mode (fixed date and ID), fixed resource names.
"""

from __future__ import annotations

import functools
import hashlib
import io
import itertools
import re
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import qmposter.render.pdf_reportlab  # noqa: F401  # isort: skip -- first: reportlab without Pillow (see there)
from reportlab import rl_config
from reportlab.lib.colors import CMYKColor, CMYKColorSep
from reportlab.lib.colors import Color as RLColor
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import PDFStream
from reportlab.pdfbase.ttfonts import TTFError
from reportlab.pdfgen.canvas import FILL_NON_ZERO
from reportlab.pdfgen.pathobject import PDFPathObject

from qmposter import __version__
from qmposter.errors import FontError, InputError
from qmposter.fonts import CORRUPT_TABLE_ERRORS
from qmposter.layout.page import Color, Fill, GlyphRun, Item, Line, LinearGradient, Page, Picture, QRCode, Shape, paint
from qmposter.memo import ByIdentity
from qmposter.render._common import MM, gradient_stops, naive_cmyk, qr_runs, run_font_path
from qmposter.render.pdf_canvas import Canvas, RecordedRuns
from qmposter.render.pdf_fonts import CachedTTFont
from qmposter.render.pdf_images import draw_image
from qmposter.render.pdf_objects import node_cache, remember
from qmposter.render.pdf_streams import ASCII85_BYTES, PAGE_FLATE, Head
from qmposter.render.pdf_text import RUN_TEXTS, Fonts

SLUG = 10 * MM  # room outside the bleed for crop marks
MARK_GAP = 2 * MM  # marks start this far outside the bleed (3 mm from trim when there is no bleed)
MARK_LENGTH = 6 * MM
MARK_WIDTH = 0.25  # pt, the usual hairline for crop marks
RICH_BLACK = (0.5, 0.5, 0.5, 1.0)
RICH_BLACK_MIN_SIDE = 10 * MM  # fills narrower than this stay K-only (misregistration shows on thin shapes)
REGISTRATION = CMYKColorSep(1, 1, 1, 1, spotName="All")

_font_lock = threading.Lock()
_registered: dict[str, str] = {}


def render_pdf(pages: Sequence[Page], *, cmyk: bool = False, include_bleed: bool = True) -> bytes:
    """Draw `pages` into one PDF document and return its bytes (byte-identical for equal input)."""
    if not pages:
        raise InputError("没有可输出的页面：PDF 至少需要一页。")
    buf = io.BytesIO()
    # A TrueType initial font: with reportlab's default (Helvetica) every page would
    # reference an unembedded standard font, which print preflight rejects. An unused
    # TrueType font adds nothing to the file.
    canvas = Canvas(buf, invariant=1, pageCompression=1, lang="zh-CN", initialFontName=_initial_font())
    _set_meta(canvas, pages[0])
    for page in pages:
        shared = _Page(canvas, page, cmyk=cmyk, include_bleed=include_bleed).draw()
        canvas.showPage()
        _compress_with_prefixes(canvas, shared)
    canvas.save()
    return _content_id(buf.getvalue())


def _compress_with_prefixes(canvas: Canvas, shared: int) -> None:
    """Give the page just shown the content stream reportlab would make for it, compressed by
    PAGE_FLATE: the same filters and bytes, but the shared start of a template's pages (ground,
    ornaments: its first `shared` characters, those drawn before the slogan) is compressed once
    per process (see pdf_streams)."""
    page = canvas._doc.Pages.pages[-1]
    stream = PDFStream(content=page.stream)
    flate = Head(PAGE_FLATE, shared)
    stream.filters = [ASCII85_BYTES, flate] if rl_config.useA85 else [flate]
    stream.__Comment__ = "page stream"
    page.Contents = stream


_ID = re.compile(rb"/ID\s*\[<([0-9a-fA-F]{32})><\1>\]")


def _content_id(data: bytes) -> bytes:
    """Replace reportlab's invariant-mode file ID (the same for every file) by a hash of the
    content: still deterministic, but different documents get different IDs, as PDF expects.
    Same length, so the cross-reference offsets stay valid."""
    trailer = max(0, data.rfind(b"trailer"))  # the ID is in the trailer, after every stream
    match = _ID.search(data, trailer)
    if match is None:
        return data
    view = memoryview(data)
    sha = hashlib.sha256(view[: match.start()])
    sha.update(view[match.end() :])
    digest = sha.hexdigest()[:32].encode("ascii")
    return b"".join((view[: match.start(1)], digest, b"><", digest, view[match.end(1) + 2 + 32 :]))


def page_boxes(page: Page, include_bleed: bool = True) -> dict[str, tuple[float, float, float, float]]:
    """MediaBox, BleedBox and TrimBox (PDF user space, points) of `page` as render_pdf writes them."""
    bleed = page.bleed if include_bleed else 0.0
    margin = bleed + (SLUG if (page.crop_marks and include_bleed) else 0.0)
    w, h = page.width, page.height
    return {
        "MediaBox": (0.0, 0.0, w + 2 * margin, h + 2 * margin),
        "BleedBox": (margin - bleed, margin - bleed, margin + w + bleed, margin + h + bleed),
        "TrimBox": (margin, margin, margin + w, margin + h),
    }


def _set_meta(canvas: Canvas, page: Page) -> None:
    meta = page.meta
    canvas.setTitle(meta.title)
    canvas.setAuthor(meta.author)
    canvas.setSubject(meta.subject)
    canvas.setKeywords(", ".join(meta.keywords))
    canvas.setCreator(f"qmposter {__version__}")


def register_font(path: Path) -> str:
    """Register a TrueType file with reportlab once per process; return its stable name."""
    return _register_once(str(path), lambda name: CachedTTFont(name, str(path)), path)


def register_vertical_font(path: Path, forms: dict[str, str]) -> str:
    """A variant of the font at `path` whose cmap sends each horizontal punctuation mark to its
    vertical form's glyph (， → the glyph of U+FE10); registered once per process.

    Vertical text draws presentation forms such as U+FE10, and a PDF's text is the code points
    drawn: copying a 竖幅 would give ︐ where the slogan has ，. Drawing ， with this variant
    paints the same vertical glyph while the ToUnicode map says ，.
    """
    def make(name: str) -> CachedTTFont:
        return CachedTTFont(name, io.BytesIO(_vertical_variant(path, forms)))

    return _register_once(f"{path}#vert", make, path)


def _register_once(key: str, make: Callable[[str], CachedTTFont], path: Path) -> str:
    """reportlab's name for the font `key` (`qm-` + a hash of it), registering `make(name)` the first time."""
    with _font_lock:
        name = _registered.get(key)
        if name is None:
            name = "qm-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
            try:
                pdfmetrics.registerFont(make(name))
            except (TTFError, OSError, *CORRUPT_TABLE_ERRORS) as exc:  # reportlab parses the file itself
                raise FontError(
                    f"字体 {path} 无法嵌入 PDF：{exc}。请使用 TrueType 轮廓（glyf）的 .ttf 字体，"
                    "CFF 轮廓的 .otf/.ttc 不能嵌入。"
                ) from exc
            _registered[key] = name
    return name


def _vertical_variant(path: Path, forms: dict[str, str]) -> bytes:
    """The font file with cmap[horizontal] = cmap[vertical form]; other tables copied as they are."""
    from fontTools.ttLib import TTFont as FontToolsFont

    font = FontToolsFont(str(path), lazy=True, recalcBBoxes=False, recalcTimestamp=False)
    for table in font["cmap"].tables:
        if table.isUnicode():
            for horizontal, vertical in sorted(forms.items()):
                if ord(vertical) in table.cmap:
                    table.cmap[ord(horizontal)] = table.cmap[ord(vertical)]
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _run_fonts(run: GlyphRun) -> Fonts:
    """reportlab's names for the run's font and its vertical variant (registered, the glyphs
    checked: never a tofu box), and the vertical forms the run draws."""
    path = run_font_path(run)
    name = register_font(path)
    vertical = _vertical_sources(run)
    return name, register_vertical_font(path, vertical) if vertical else name, vertical


def _vertical_sources(run: GlyphRun) -> dict[str, str]:
    """The font's horizontal -> vertical form pairs when the run draws any vertical form, else {}."""
    if all(glyph.char == glyph.source for glyph in run.glyphs):
        return {}
    from qmposter.fonts import load_font

    forms = load_font(run.font_id).vertical_forms()
    return forms if any(forms.get(glyph.source) == glyph.char for glyph in run.glyphs) else {}


def _initial_font() -> str:
    """reportlab's bundled Vera.ttf, registered once; only ever named, never drawn."""
    import reportlab

    return register_font(Path(reportlab.__file__).parent / "fonts" / "Vera.ttf")


class _Page:
    """Paints one Page onto the canvas; y is flipped from the display list's top-left origin."""

    def __init__(self, canvas: Canvas, page: Page, *, cmyk: bool, include_bleed: bool) -> None:
        self.c = canvas
        self.page = page
        self.cmyk = cmyk
        self.boxes = page_boxes(page, include_bleed)
        self.origin = self.boxes["TrimBox"][0]
        self.marks = page.crop_marks and include_bleed

    # coordinates: display list (points from the trim's top-left, y down) → PDF user space
    def X(self, x: float) -> float:
        return self.origin + x

    def Y(self, y: float) -> float:
        return self.origin + self.page.height - y

    def draw(self) -> int:
        """Paint the page; return how many characters of its page stream come before the item
        Page.fixed_items names (the first made from the slogan): what later pages share."""
        c = self.c
        media = self.boxes["MediaBox"]
        c.setPageSize(media[2:])
        c.setTrimBox(self.boxes["TrimBox"])
        c.setBleedBox(self.boxes["BleedBox"])
        c.saveState()
        bx0, by0, bx1, by1 = self.boxes["BleedBox"]
        clip = c.beginPath()
        clip.rect(bx0, by0, bx1 - bx0, by1 - by0)
        c.clipPath(clip, stroke=0, fill=0)
        fixed, head = self.page.fixed_items, 0  # operators written before item `fixed` (or its run)
        for recorded, group in itertools.groupby(enumerate(self.page.items), lambda pair: type(pair[1]) in _RECORDED):
            run = tuple(group)
            if recorded:
                head = len(c._code) if run[0][0] <= fixed else head
                self.recorded(tuple(item for _, item in run))
                continue
            for index, item in run:
                head = len(c._code) if index <= fixed else head
                self.item(item)
        c.restoreState()
        if self.marks:
            self.crop_marks()
        # showPage writes "\n".join(commands before the page, preamble, operators …) + "\n"
        lines = [*c._psCommandsBeforePage, c._preamble, *c._code[:head]]
        return sum(map(len, lines)) + len(lines) if fixed else 0

    def item(self, item: Item) -> None:
        paint(self, item)

    # -- colours -------------------------------------------------------------------
    def color(self, color: Color, *, rich: bool = False) -> RLColor:
        """reportlab's colour for `color` (made once per process: reportlab only reads it)."""
        return _rl_color(color, self.cmyk, rich)

    # -- items -----------------------------------------------------------------------
    def fill(self, item: Fill) -> None:
        if item.width <= 0 or item.height <= 0:
            return
        x, y = self.X(item.x), self.Y(item.y + item.height)
        c = self.c
        if isinstance(item.paint, LinearGradient):
            self.gradient(item.paint, x, y, item.width, item.height)
            return
        rich = min(item.width, item.height) >= RICH_BLACK_MIN_SIDE
        c.set_fill(self.color(item.paint, rich=rich))
        c.rect(x, y, item.width, item.height, stroke=0, fill=1)

    def gradient(self, paint: LinearGradient, x: float, y: float, w: float, h: float) -> None:
        stops = gradient_stops(paint)
        c = self.c
        c.begin()
        p = c.beginPath()
        p.rect(x, y, w, h)
        c.clipPath(p, stroke=0, fill=0)
        c.linearGradient(
            self.X(paint.x0),
            self.Y(paint.y0),
            self.X(paint.x1),
            self.Y(paint.y1),
            [self.color(col) for _, col in stops],
            [t for t, _ in stops],
            extend=True,
        )
        # its functions are registered only when the shading is formatted: see pdf_objects
        remember(c._doc, next(reversed(c._shadingUsed)), repr((paint, self.origin, self.page.height, self.cmyk)),
                 _SHADINGS)  # fmt: skip
        c.end()

    def line(self, item: Line) -> None:
        c = self.c
        c.begin()
        c.setStrokeColor(self.color(item.color))
        c.setLineWidth(item.width)
        c.setLineCap(0)
        c.line(self.X(item.x0), self.Y(item.y0), self.X(item.x1), self.Y(item.y1))
        c.end()

    def glyphs(self, run: GlyphRun) -> None:
        """One text object per run; each glyph gets its own text matrix (origin + rotation).

        Invisible glyphs (a hidden phrase comma) are written in text render mode 3: they
        paint nothing, but text extraction, search and screen readers get the whole text.
        The operators of a run seen before are reused (pdf_text).
        """
        if not run.glyphs:
            return
        c = self.c
        c.begin()
        c.set_fill(self.color(run.color))
        RUN_TEXTS.draw(c, run, lambda: _run_fonts(run), self.origin, self.page.height)
        c.end()

    def qr(self, item: QRCode) -> None:
        """Light square, then all dark runs as one path: no stroke, no hairline seams."""
        c = self.c
        c.begin()
        c.set_fill(self.color(item.light))
        c.rect(self.X(item.x), self.Y(item.y + item.size), item.size, item.size, stroke=0, fill=1)
        c.set_fill(self.color(item.dark))
        place = (item.x, item.y, item.size, self.origin, self.page.height)
        code = _PATHS.get_or_make(item.modules, place, lambda: _qr_code(item, self.origin, self.page.height))
        c.fill_path(code)
        c.end()

    def recorded(self, run: tuple[Shape | Line, ...]) -> None:
        """Consecutive shapes and lines (a poster's thirty ornaments and its rules, the same item
        objects on every page: layout makes them once): their operators are written once per
        process for the same items, page geometry and graphics state (pdf_canvas.RecordedRuns)."""
        key = (tuple(map(id, run)), self.origin, self.page.height, self.cmyk)
        _SHAPE_RUNS.draw(self.c, key, run, lambda: [self.item(item) for item in run])

    def shape(self, item: Shape) -> None:
        """One vector path, non-zero winding: reversed polygons are holes, overlaps are one area."""
        if item.opacity <= 0:
            return
        polygons, origin, height = item.polygons, self.origin, self.page.height
        code = _PATHS.get_or_make(polygons, (origin, height), lambda: _path_code(polygons, origin, height))
        if not code:
            return
        c = self.c
        c.begin()
        c.set_fill(self.color(item.color))
        if item.opacity < 1:
            c.setFillAlpha(item.opacity)
        c.fill_path(code, FILL_NON_ZERO)
        c.end()

    def picture(self, item: Picture) -> None:
        path = Path(item.path)
        if not path.is_file():
            raise InputError(f"找不到图片 {path}：请检查模板中的图片路径。")
        c = self.c
        c.saveState()
        if item.opacity < 1:
            c.setFillAlpha(max(0.0, item.opacity))
        draw_image(c, path, self.X(item.x), self.Y(item.y + item.height), item.width, item.height)
        c.restoreState()

    def crop_marks(self) -> None:
        """Eight hairlines at the trim corners, starting outside the bleed, in registration colour."""
        c = self.c
        tx0, ty0, tx1, ty1 = self.boxes["TrimBox"]
        start = self.page.bleed + MARK_GAP if self.page.bleed > 0 else 3 * MM
        end = start + MARK_LENGTH
        segments = []
        for x in (tx0, tx1):
            segments.append((x, ty0 - start, x, ty0 - end))
            segments.append((x, ty1 + start, x, ty1 + end))
        for y in (ty0, ty1):
            segments.append((tx0 - start, y, tx0 - end, y))
            segments.append((tx1 + start, y, tx1 + end, y))
        c.begin()
        c.setStrokeColor(REGISTRATION)
        remember(c._doc, c._doc.addColor(REGISTRATION)[0], "registration", _SHADINGS)  # its tint function
        c.setLineWidth(MARK_WIDTH)
        c.lines(segments)
        c.end()


def _path_code(polygons: tuple[tuple[tuple[float, float], ...], ...], origin: float, height: float) -> str:
    """reportlab's path text for the polygons (three points or more), y flipped as _Page does."""
    kept = [p for p in polygons if len(p) >= 3]
    if not kept:
        return ""
    top = origin + height
    path = PDFPathObject()
    for polygon in kept:
        path.moveTo(origin + polygon[0][0], top - polygon[0][1])
        for x, y in polygon[1:]:
            path.lineTo(origin + x, top - y)
        path.close()
    return path.getCode()


def _qr_code(item: QRCode, origin: float, height: float) -> str:
    """reportlab's path text for the dark runs of a QR code, y flipped as _Page does."""
    m = item.size / len(item.modules)
    top = origin + height
    path = PDFPathObject()
    for r, col, length in qr_runs(item):
        path.rect(origin + (item.x + col * m), top - (item.y + (r + 1) * m), length * m, m)
    return path.getCode()


@functools.lru_cache(maxsize=256)
def _rl_color(color: Color, cmyk: bool, rich: bool) -> RLColor:
    if not cmyk:
        return RLColor(color.r / 255, color.g / 255, color.b / 255)
    values = naive_cmyk(color)
    if rich and values == (0.0, 0.0, 0.0, 1.0):
        values = RICH_BLACK
    return CMYKColor(*values)


_RECORDED = (Shape, Line)  # items drawn in a q … Q scope that only adds operators and transparency states
_SHAPE_RUNS = RecordedRuns(64)  # runs of ornament shapes and rules: a template has one or two
_SHADINGS = node_cache(64)  # gradients (and the registration colour) formatted before, with their functions

MAX_PATHS = 1024  # ornament shapes and QR codes in a process: a ray fan is 24, a template a few dozen
_PATHS: ByIdentity[str] = ByIdentity(MAX_PATHS)
"""PDF path operators formatted once per process: ornament shapes and QR codes.

They do not change from one slogan to the next: layout hands out the same polygon tuples
(layout/ornaments.py) and QR matrices (layout/qr.py) for every page of a template, and
formatting their points was the largest part of drawing a poster. Keyed by the source's
identity plus the numbers placing it; the text is what reportlab's path object writes, so
the bytes do not change."""
