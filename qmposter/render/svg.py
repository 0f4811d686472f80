"""SVG backend: a Page → an SVG document with text converted to outlines (转曲).

Why outlines and not <text>: an SVG with <text> renders right only where the same
font is installed or reachable by URL, and print shops ask for converted text anyway.
Each glyph outline is read once from the TrueType file with fontTools, kept in <defs>
in font units and placed with <use> and a matrix (origin on the baseline, rotation,
y flipped), at exactly the position the layout gave. Every run keeps its text as
aria-label and <title>, so screen readers and search still see the words.

QR codes are one light <rect> and one dark <path> of merged module runs. Pictures
are embedded as data URIs. Output is deterministic: ids are numbered in drawing order.
"""

from __future__ import annotations

import base64
import io
import math
import threading
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.ttLib import TTFont, TTLibError

from qmposter.errors import FontError, InputError, MissingGlyphsError
from qmposter.fonts import CORRUPT_TABLE_ERRORS
from qmposter.layout.page import Color, Fill, GlyphRun, Item, Line, LinearGradient, Page, Picture, QRCode, Shape, paint
from qmposter.render._common import MM, fmt, gradient_stops, inks, qr_runs, run_font_path
from qmposter.render.raster import load_picture, needs_normalising

_MIME = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".svg": "image/svg+xml"}
_font_lock = threading.Lock()


def render_svg(page: Page) -> str:
    """Draw `page` (trim area; viewBox in points, size in mm) and return the SVG text."""
    return _Svg(page).build()


class _Outlines:
    """Glyph outlines of one TrueType file as SVG path data in font units (y up)."""

    def __init__(self, path: Path) -> None:
        try:
            self.font = TTFont(str(path), lazy=True)
            self.glyph_set = self.font.getGlyphSet()
            self.cmap = self.font.getBestCmap() or {}
            self.upm = self.font["head"].unitsPerEm
        except (TTLibError, OSError, *CORRUPT_TABLE_ERRORS) as exc:
            raise FontError(f"字体 {path} 无法读取：{exc}。请换用完好的 TrueType 字体文件。") from exc
        self.path = path
        self._paths: dict[str, str] = {}

    def glyph_name(self, ch: str) -> str:
        name = self.cmap.get(ord(ch))
        if name is None:
            raise MissingGlyphsError(
                f"字体 {self.path.name} 没有字符「{ch}」（U+{ord(ch):04X}）：请换用包含该字的字体，或修改文字。"
            )
        return name

    def path_data(self, name: str) -> str:
        with _font_lock:
            data = self._paths.get(name)
            if data is None:
                pen = SVGPathPen(self.glyph_set, ntos=fmt)
                try:
                    self.glyph_set[name].draw(pen)
                except (TTLibError, *CORRUPT_TABLE_ERRORS) as error:
                    raise FontError(
                        f"字体 {self.path} 的字形 {name} 已损坏，无法绘制（fontTools 报告：{error}）。",
                        hint="换一个完好的字体文件（从字体发布处重新下载）。",
                    ) from None
                data = self._paths[name] = pen.getCommands()
        return data


@lru_cache(maxsize=16)
def _outlines(path: Path) -> _Outlines:
    return _Outlines(path)


class _Svg:
    """Collects <defs> and body elements for one page."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.defs: list[str] = []
        self.body: list[str] = []
        self.glyph_ids: dict[tuple[Path, str], str] = {}
        self.font_index: dict[Path, int] = {}
        self.gradients = 0

    def build(self) -> str:
        for item in self.page.items:
            self.item(item)
        p = self.page
        meta = p.meta
        head = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1" '
            f'width="{fmt(p.width / MM)}mm" height="{fmt(p.height / MM)}mm" '
            f'viewBox="0 0 {fmt(p.width)} {fmt(p.height)}"'
            + (' shape-rendering="crispEdges"' if p.monochrome else "")
            + (f" aria-label={quoteattr(meta.title)}" if meta.title else "")
            + ' role="img">',
        ]
        if meta.title:
            head.append(f"<title>{escape(meta.title)}</title>")
        desc = "；".join(x for x in (meta.subject, meta.author, "、".join(meta.keywords)) if x)
        if desc:
            head.append(f"<desc>{escape(desc)}</desc>")
        if self.defs:
            head.append("<defs>")
            head.extend(self.defs)
            head.append("</defs>")
        return "\n".join([*head, *self.body, "</svg>"]) + "\n"

    def item(self, item: Item) -> None:
        paint(self, item)

    def fill(self, item: Fill) -> None:
        if item.width <= 0 or item.height <= 0:
            return
        paint = _hex(item.paint) if isinstance(item.paint, Color) else self.gradient(item.paint)
        self.body.append(
            f'<rect x="{fmt(item.x)}" y="{fmt(item.y)}" width="{fmt(item.width)}" height="{fmt(item.height)}" '
            f'fill="{paint}"/>'
        )

    def gradient(self, paint: LinearGradient) -> str:
        self.gradients += 1
        gid = f"lg{self.gradients}"
        stops = "".join(f'<stop offset="{fmt(t)}" stop-color="{_hex(c)}"/>' for t, c in gradient_stops(paint))
        self.defs.append(
            f'<linearGradient id="{gid}" gradientUnits="userSpaceOnUse" x1="{fmt(paint.x0)}" y1="{fmt(paint.y0)}" '
            f'x2="{fmt(paint.x1)}" y2="{fmt(paint.y1)}">{stops}</linearGradient>'
        )
        return f"url(#{gid})"

    def line(self, item: Line) -> None:
        self.body.append(
            f'<line x1="{fmt(item.x0)}" y1="{fmt(item.y0)}" x2="{fmt(item.x1)}" y2="{fmt(item.y1)}" '
            f'stroke="{_hex(item.color)}" stroke-width="{fmt(item.width)}" stroke-linecap="butt"/>'
        )

    def glyphs(self, run: GlyphRun) -> None:
        """A group per run (its text as title and aria-label), one <use> of an outline per
        visible glyph; invisible ones (a hidden comma) are only in the run's text."""
        path = run_font_path(run)
        outlines = _outlines(path)
        scale = run.size / outlines.upm
        uses = []
        for glyph in filter(inks, run.glyphs):
            ref = self.glyph_def(path, outlines, glyph.char)
            if ref is None:
                continue
            angle = math.radians(glyph.rotate)
            cos, sin = _clean(math.cos(angle)), _clean(math.sin(angle))
            # translate(x y) · rotate(clockwise) · scale(s, -s): font units, y up → page, y down
            m = (scale * cos, scale * sin, scale * sin, -scale * cos, glyph.x, glyph.y)
            nums = " ".join([*(_fine(v) for v in m[:4]), fmt(m[4]), fmt(m[5])])
            uses.append(f'<use xlink:href="#{ref}" transform="matrix({nums})"/>')
        label = quoteattr(run.text)
        self.body.append(f'<g fill="{_hex(run.color)}" role="img" aria-label={label}>')
        self.body.append(f"<title>{escape(run.text)}</title>")
        self.body.extend(uses)
        self.body.append("</g>")

    def glyph_def(self, path: Path, outlines: _Outlines, ch: str) -> str | None:
        name = outlines.glyph_name(ch)
        key = (path, name)
        ref = self.glyph_ids.get(key)
        if ref is None:
            data = outlines.path_data(name)
            if not data:  # blank glyph (e.g. an ideographic space)
                return None
            font_no = self.font_index.setdefault(path, len(self.font_index) + 1)
            ref = f"f{font_no}g{outlines.font.getGlyphID(name)}"
            self.glyph_ids[key] = ref
            self.defs.append(f'<path id="{ref}" d="{data}"/>')
        return ref

    def qr(self, item: QRCode) -> None:
        n = len(item.modules)
        m = item.size / n
        parts = [
            f"M{fmt(item.x + c * m)} {fmt(item.y + r * m)}h{fmt(length * m)}v{fmt(m)}h{fmt(-length * m)}z"
            for r, c, length in qr_runs(item)
        ]
        self.body.append(
            f'<g shape-rendering="crispEdges"><rect x="{fmt(item.x)}" y="{fmt(item.y)}" width="{fmt(item.size)}" '
            f'height="{fmt(item.size)}" fill="{_hex(item.light)}"/>'
            f'<path fill="{_hex(item.dark)}" d="{"".join(parts)}"/></g>'
        )

    def shape(self, item: Shape) -> None:
        polygons = [p for p in item.polygons if len(p) >= 3]
        if not polygons or item.opacity <= 0:
            return
        d = "".join("M" + " ".join(f"{fmt(x)} {fmt(y)}" for x, y in polygon) + "Z" for polygon in polygons)
        opacity = f' fill-opacity="{fmt(item.opacity)}"' if item.opacity < 1 else ""
        self.body.append(f'<path fill="{_hex(item.color)}" fill-rule="nonzero"{opacity} d="{d}"/>')

    def picture(self, item: Picture) -> None:
        path = Path(item.path)
        mime = _MIME.get(path.suffix.lower())
        if mime is None:
            raise InputError(f"图片 {path} 的格式不受支持：请使用 PNG、JPEG 或 SVG。")
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise InputError(f"无法读取图片 {path}：{exc}。请检查模板中的图片路径。") from exc
        if mime != "image/svg+xml" and needs_normalising(path):  # same pixels as the PNG backend
            out = io.BytesIO()
            load_picture(path).save(out, "PNG", optimize=False, compress_level=6)
            raw, mime = out.getvalue(), "image/png"
        data = base64.b64encode(raw).decode("ascii")
        opacity = f' opacity="{fmt(item.opacity)}"' if item.opacity < 1 else ""
        self.body.append(
            f'<image x="{fmt(item.x)}" y="{fmt(item.y)}" width="{fmt(item.width)}" height="{fmt(item.height)}" '
            f'preserveAspectRatio="none"{opacity} xlink:href="data:{mime};base64,{data}"/>'
        )


def _hex(c: Color) -> str:
    return c.hex


def _fine(v: float) -> str:
    """Matrix scale terms (size / units per em) need more digits than coordinates."""
    s = f"{v:.8f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def _clean(v: float) -> float:
    r = round(v)
    return float(r) if abs(v - r) < 1e-12 else v
