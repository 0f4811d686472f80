"""Raster backend: a Page → an sRGB Pillow image at any dpi, and PNG/JPEG bytes.

Only draws: every glyph goes exactly where the layout put it (its origin on the
baseline, anchor "ls"), so the PNG preview matches the PDF. QR module edges are
snapped to whole pixels so a code scans even at 72 dpi. A monochrome page (LED
bitmaps) is drawn without anti-aliasing and thresholded to pure black and white.
"""

from __future__ import annotations

import io
import math
import threading
from bisect import bisect_right
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from qmposter.errors import FontError, InputError
from qmposter.fileio import os_reason
from qmposter.images import open_image
from qmposter.layout.page import (
    Color,
    Fill,
    Glyph,
    GlyphRun,
    Item,
    Line,
    LinearGradient,
    Page,
    Picture,
    QRCode,
    Shape,
    paint,
    signed_area,
)
from qmposter.render import pixel_store
from qmposter.render._common import gradient_color, gradient_stops, inks, qr_runs, run_font_path
from qmposter.render.glyph_masks import glyph_masks, phase, usable
from qmposter.render.png import encode_bmp, encode_jpeg, encode_png  # noqa: F401 -- public here too (encoders live in png.py)
from qmposter.render.prefix_cache import PREFIXES
from qmposter.render.run_tiles import RUN_TILES

MONO_THRESHOLD = 128  # a pixel whose brightest channel reaches this is "lit"
_RAMP = 4096  # gradient resolution along its axis, in samples
# 300 million pixels is ~0.9 GB of RGB memory (and minutes of drawing): an A1 poster at 600 dpi
# fits, a mistyped --dpi 2400 on A2 (2.2 billion pixels, 6.7 GB) does not. Print uses the PDF.
MAX_PIXELS = 300_000_000


def pixel_size(page: Page, dpi: float, include_bleed: bool = False) -> tuple[int, int]:
    """Image size in pixels: round(points / 72 × dpi), bleed on both sides when asked."""
    extra = 2 * page.bleed if include_bleed else 0.0
    return _round((page.width + extra) * dpi / 72), _round((page.height + extra) * dpi / 72)


def render_image(page: Page, dpi: float, *, include_bleed: bool = False) -> Image.Image:
    """Draw `page` into a new RGB image at `dpi` (trim area, or trim + bleed)."""
    if not math.isfinite(dpi) or dpi <= 0:
        raise InputError(f"分辨率 {dpi} dpi 无效：请给出大于 0 的 dpi，例如 --dpi 300。")
    size = pixel_size(page, dpi, include_bleed)
    _check_pixel_budget(dpi, size)
    off = page.bleed if include_bleed else 0.0
    image = _draw_items(page.items, size, dpi / 72, off, page.monochrome, page.fixed_items)
    if page.monochrome:
        image = threshold(image)
    return image


def _draw_items(
    items: tuple[Item, ...], size: tuple[int, int], scale: float, off: float, mono: bool, fixed: int = 0
) -> Image.Image:
    """Paint `items` on a white canvas, starting from a stored canvas of the same first items if
    one is cached, and storing the canvas after those this page shares with the previous one (or
    after its first `fixed` items, those made before the slogan's: see PrefixCache.store_point)."""
    key = (size, scale, off, mono)
    image, done = PREFIXES.start(key, items)
    if image is None:
        image, done = PREFIXES.load(key, items)
    canvas = _Canvas(image or Image.new("RGB", size, (255, 255, 255)), scale, off, mono)
    mark = PREFIXES.store_point(key, items, done, fixed)
    for i in range(done, len(items)):
        if i == mark and mark:
            PREFIXES.store(key, items[:mark], canvas.image)
        canvas.draw(items[i])
    if mark and mark == len(items):
        PREFIXES.store(key, items, canvas.image)
    return canvas.image


def _check_pixel_budget(dpi: float, size: tuple[int, int]) -> None:
    """Refuse an image too big to hold in memory, before allocating it."""
    pixels = size[0] * size[1]
    if pixels <= MAX_PIXELS:
        return
    highest = math.floor(dpi * math.sqrt(MAX_PIXELS / pixels))
    raise InputError(
        f"{dpi:g} dpi 下图像为 {size[0]}×{size[1]} 像素（约 {pixels / 1e8:.1f} 亿像素，"
        f"需约 {pixels * 3 / 2**30:.1f} GB 内存），超过上限 {MAX_PIXELS // 10**8} 亿像素。",
        hint=f"印刷请输出 PDF（矢量，不受分辨率限制）；需要位图时把 --dpi 降到 {highest} 或更低。",
    )


def threshold(image: Image.Image) -> Image.Image:
    """Pure black/white RGB: lit where the brightest channel ≥ MONO_THRESHOLD (red LEDs count)."""
    brightest = _max_channel(*image.convert("RGB").split())
    mask = brightest.point(lambda v: 255 if v >= MONO_THRESHOLD else 0, mode="L")
    return Image.merge("RGB", (mask, mask, mask))


SHAPE_SUPERSAMPLE = 4
SHAPE_MASK_BUDGET = 24_000_000  # pixels of one shape's supersampled mask


def _round(v: float) -> int:
    """Round half up (Python's round() is banker's rounding, which would make edges wobble)."""
    return math.floor(v + 0.5)


def _max_channel(r: Image.Image, g: Image.Image, b: Image.Image) -> Image.Image:
    from PIL import ImageChops

    return ImageChops.lighter(ImageChops.lighter(r, g), b)


_local = threading.local()  # FreeType faces are not safe to share between threads


def _font(path: str, size_px: float) -> ImageFont.FreeTypeFont:
    """One FreeType face per (file, pixel size) and thread; BASIC layout: single glyphs need no shaping."""
    cache: dict[tuple[str, float], ImageFont.FreeTypeFont] = _local.__dict__.setdefault("fonts", {})
    font = cache.get((path, size_px))
    if font is None:
        if len(cache) >= 64:
            cache.clear()
        font = cache[(path, size_px)] = ImageFont.truetype(path, size_px, layout_engine=ImageFont.Layout.BASIC)
    return font


class _Canvas:
    """Maps page points to pixels and paints each kind of item."""

    def __init__(self, image: Image.Image, scale: float, offset: float, mono: bool) -> None:
        self.image = image
        self.scale = scale
        self.offset = offset
        self.mono = mono
        self.key = (image.size, scale, offset, mono)  # what a stored tile's pixels depend on besides the items
        self.draw_ctx = ImageDraw.Draw(image)
        self.draw_ctx.fontmode = "1" if mono else "L"

    def px(self, v: float) -> float:
        """A page coordinate (points, trim origin) in pixels."""
        return (v + self.offset) * self.scale

    def ipx(self, v: float) -> int:
        return _round(self.px(v))

    def draw(self, item: Item) -> None:
        paint(self, item)

    # -- fills and lines -------------------------------------------------------------
    def fill(self, item: Fill) -> None:
        box = (self.ipx(item.x), self.ipx(item.y), self.ipx(item.x + item.width), self.ipx(item.y + item.height))
        if box[2] <= box[0] or box[3] <= box[1]:
            return
        if isinstance(item.paint, Color):
            self.image.paste(_rgb(item.paint), box)
        else:
            self.image.paste(self._gradient(item.paint, box), box[:2])

    def _gradient(self, paint: LinearGradient, box: tuple[int, int, int, int]) -> Image.Image:
        """Axial gradient over `box`: a 1-px colour ramp stretched by an affine map (no numpy)."""
        stops = gradient_stops(paint)
        x0, y0, x1, y1 = self.px(paint.x0), self.px(paint.y0), self.px(paint.x1), self.px(paint.y1)
        dx, dy = x1 - x0, y1 - y0
        length2 = dx * dx + dy * dy
        w, h = box[2] - box[0], box[3] - box[1]
        if length2 == 0:
            return Image.new("RGB", (w, h), _rgb_tuple(gradient_color(stops, 1.0)))
        # t at pixel centre (i, j) of the box, affine in i and j; sample the ramp at t*_RAMP.
        a = dx / length2
        b = dy / length2
        c = ((box[0] - x0) * dx + (box[1] - y0) * dy) / length2  # t at the box's top-left corner
        corners = [c, c + a * w, c + b * h, c + a * w + b * h]
        t_lo, t_hi = min(corners), max(corners)
        if t_hi - t_lo < 1e-9:
            return Image.new("RGB", (w, h), _rgb_tuple(gradient_color(stops, t_lo)))
        pad, n = _RAMP_PAD, _RAMP
        ramp = _ramp(stops, t_lo, t_hi)
        span = t_hi - t_lo
        # Pillow samples the source at output pixel centres (i + 0.5, j + 0.5).
        coeffs = (a * n / span, b * n / span, (c - t_lo) * n / span + pad, 0, 0, 0.5)
        return ramp.transform((w, h), Image.Transform.AFFINE, coeffs, resample=Image.Resampling.NEAREST)

    def line(self, item: Line) -> None:
        """A stroked segment with butt caps, drawn as its outline polygon."""
        x0, y0, x1, y1 = self.px(item.x0), self.px(item.y0), self.px(item.x1), self.px(item.y1)
        half = max(item.width * self.scale, 1.0) / 2
        if x0 == x1 or y0 == y1:  # axis-aligned: a snapped rectangle, as crisp as the fills
            hx, hy = (half, 0.0) if x0 == x1 else (0.0, half)
            left, top = _round(min(x0, x1) - hx), _round(min(y0, y1) - hy)
            right, bottom = _round(max(x0, x1) + hx), _round(max(y0, y1) + hy)
            self.image.paste(_rgb(item.color), (left, top, max(right, left + 1), max(bottom, top + 1)))
            return
        length = math.hypot(x1 - x0, y1 - y0)
        nx, ny = -(y1 - y0) / length * half, (x1 - x0) / length * half
        poly = [(x0 + nx, y0 + ny), (x1 + nx, y1 + ny), (x1 - nx, y1 - ny), (x0 - nx, y0 - ny)]
        self.draw_ctx.polygon(poly, fill=_rgb(item.color))

    # -- text ------------------------------------------------------------------------
    def glyphs(self, run: GlyphRun) -> None:
        size_px = round(run.size * self.scale * 64) / 64
        if size_px < 0.5:  # FreeType rounds it to 0 ppem and refuses; below a pixel there is nothing to draw
            return
        # a tile exists only for a run drawn from cached masks before, after its font was found and
        # checked: pasting it first skips that lookup for the runs every page repeats
        if RUN_TILES.paste((self.key, run), self.image):
            return
        path = run_font_path(run)
        try:
            self._draw_glyphs(run, _font(str(path), size_px))
        except OSError as error:  # FreeType on a damaged font: "invalid outline", "invalid glyph index" …
            raise FontError(
                f"字体 {path} 的字形已损坏，无法绘制（FreeType 报告：{error}）。",
                hint="换一个完好的字体文件（从字体发布处重新下载）。",
            ) from None

    def _draw_glyphs(self, run: GlyphRun, font: ImageFont.FreeTypeFont) -> None:
        """Each glyph as ImageDraw.text would draw it: cached FreeType masks are blended where the
        mask is sure (a run drawn so twice leaves a tile for the next page: see glyphs)."""
        draw = self.draw_ctx
        key = (self.key, run)
        placed = self._placed(run, font) if usable(font) else None
        if placed is None:
            self._draw_glyphs_one_by_one(run, font)
            return
        box = _union(self.image.size, [(x, y, x + m.size[0], y + m.size[1]) for m, (x, y) in placed])
        before = self.image.crop(box).tobytes() if box and RUN_TILES.wants(key) else None
        ink = draw._getink(_rgb(run.color))[0]  # the ink ImageDraw.text passes to draw_bitmap
        for mask, xy in placed:
            draw.draw.draw_bitmap(xy, mask, ink)
        if before is not None:
            RUN_TILES.store(key, box, before, self.image.crop(box))

    def _placed(self, run: GlyphRun, font: ImageFont.FreeTypeFont) -> list | None:
        """(mask, top-left pixel) of every drawn glyph, or None if one needs ImageDraw.text or a turn."""
        masks, mode = glyph_masks(), self.draw_ctx.fontmode
        placed = []
        for glyph in filter(inks, run.glyphs):
            x, y = self.px(glyph.x), self.px(glyph.y)
            where = None if glyph.rotate % 360 else phase(x, y)
            if where is None:
                return None
            placed.append(masks.mask(font, mode, glyph.char, x, y, where))
        return placed

    def _draw_glyphs_one_by_one(self, run: GlyphRun, font: ImageFont.FreeTypeFont) -> None:
        """A run with turned glyphs (or origins only ImageDraw.text is sure of): glyph by glyph."""
        color = _rgb(run.color)
        draw, mode = self.draw_ctx, self.draw_ctx.fontmode
        masks = glyph_masks() if usable(font) else None
        ink = draw._getink(color)[0]
        for glyph in filter(inks, run.glyphs):
            if glyph.rotate % 360:
                self._rotated_glyph(glyph, font, color)
                continue
            x, y = self.px(glyph.x), self.px(glyph.y)
            where = phase(x, y) if masks else None
            if where is None:
                draw.text((x, y), glyph.char, fill=color, font=font, anchor="ls")
            else:
                mask, xy = masks.mask(font, mode, glyph.char, x, y, where)
                draw.draw.draw_bitmap(xy, mask, ink)

    def _rotated_glyph(self, glyph: Glyph, font: ImageFont.FreeTypeFont, color: tuple[int, int, int]) -> None:
        """Render the glyph on a transparent square layer, rotate it about its origin, composite."""
        gx, gy = self.px(glyph.x), self.px(glyph.y)
        radius = math.ceil(font.size * 2) + 2
        side = 2 * radius + 1
        mask = Image.new("L", (side, side), 0)
        draw = ImageDraw.Draw(mask)
        draw.fontmode = "1" if self.mono else "L"
        fx, fy = gx - math.floor(gx), gy - math.floor(gy)
        draw.text((radius + fx, radius + fy), glyph.char, fill=255, font=font, anchor="ls")
        resample = Image.Resampling.NEAREST if self.mono else Image.Resampling.BICUBIC
        # Pillow turns counter-clockwise; Glyph.rotate is clockwise (y down), about the origin.
        mask = mask.rotate(-glyph.rotate, resample=resample, center=(radius + fx, radius + fy))
        self.image.paste(color, (math.floor(gx) - radius, math.floor(gy) - radius), mask)

    # -- QR codes --------------------------------------------------------------------
    def qr(self, item: QRCode) -> None:
        """Light square, then dark runs; every module edge on a whole pixel, no anti-aliasing."""
        left, top = self.ipx(item.x), self.ipx(item.y)
        right, bottom = self.ipx(item.x + item.size), self.ipx(item.y + item.size)
        if right > left and bottom > top:  # every pixel of the square is painted opaque: a tile is exact
            self.image.paste(_qr_tile(item, right - left, bottom - top), (left, top))


    # -- vector shapes ---------------------------------------------------------------
    def shape(self, item: Shape) -> None:
        """Polygons rasterised into a coverage mask over their bounding box, then tinted in.

        The mask is drawn SHAPE_SUPERSAMPLE× larger and reduced (anti-aliased edges) while that
        stays under SHAPE_MASK_BUDGET pixels; at print resolution 1× is already sharp.
        """
        points = [p for polygon in item.polygons for p in polygon]
        if not points or item.opacity <= 0:
            return
        left = max(0, math.floor(self.px(min(x for x, _ in points))))
        top = max(0, math.floor(self.px(min(y for _, y in points))))
        right = min(self.image.width, math.ceil(self.px(max(x for x, _ in points))))
        bottom = min(self.image.height, math.ceil(self.px(max(y for _, y in points))))
        w, h = right - left, bottom - top
        if w <= 0 or h <= 0:
            return
        factor = 1 if self.mono else next(
            (f for f in (SHAPE_SUPERSAMPLE, 2) if w * h * f * f <= SHAPE_MASK_BUDGET), 1
        )  # fmt: skip
        mask = Image.new("L", (w * factor, h * factor), 0)
        draw = ImageDraw.Draw(mask)
        for polygon in item.polygons:
            if len(polygon) < 3:
                continue
            pts = [((self.px(x) - left) * factor, (self.px(y) - top) * factor) for x, y in polygon]
            draw.polygon(pts, fill=255 if signed_area(polygon) >= 0 else 0)
        if factor > 1:
            mask = mask.reduce(factor)
        if item.opacity < 1:
            mask = mask.point([round(v * item.opacity) for v in range(256)])
        if self.mono:
            mask = mask.point([255 if v >= 128 else 0 for v in range(256)])
        self.image.paste(_rgb(item.color), (left, top), mask)

    # -- pictures --------------------------------------------------------------------
    def picture(self, item: Picture) -> None:
        box = (self.ipx(item.x), self.ipx(item.y), self.ipx(item.x + item.width), self.ipx(item.y + item.height))
        w, h = box[2] - box[0], box[3] - box[1]
        if w <= 0 or h <= 0:
            return
        rgb, alpha = scaled_picture(Path(item.path), w, h, mono=self.mono, opacity=item.opacity)
        self.image.paste(rgb, box[:2], alpha)


@lru_cache(maxsize=16)
def _qr_tile(item: QRCode, width: int, height: int) -> Image.Image:
    """The code as a width×height RGB tile: the same code comes back on every page of a build."""
    n = len(item.modules)
    xs = [_round(k * width / n) for k in range(n + 1)]
    ys = [_round(k * height / n) for k in range(n + 1)]
    tile = Image.new("RGB", (width, height), _rgb(item.light))
    dark = _rgb(item.dark)
    for r, c, length in qr_runs(item):
        tile.paste(dark, (xs[c], ys[r], xs[c + length], ys[r + 1]))
    return tile


def _union(size: tuple[int, int], boxes: list[tuple[int, int, int, int]]) -> tuple[int, int, int, int] | None:
    """The boxes' bounding box clipped to an image of `size`; None when nothing of it is inside."""
    if not boxes:
        return None
    left, top = max(0, min(b[0] for b in boxes)), max(0, min(b[1] for b in boxes))
    right, bottom = min(size[0], max(b[2] for b in boxes)), min(size[1], max(b[3] for b in boxes))
    return (left, top, right, bottom) if right > left and bottom > top else None


def scaled_picture(
    path: Path, width: int, height: int, *, mono: bool, opacity: float
) -> tuple[Image.Image, Image.Image]:
    """The picture resized to `width`×`height` px as (RGB, alpha), cached per file version and size.

    A build draws the same template decorations (rays, ribbons, grids) at the same pixel size on
    every slogan's page; resizing them with LANCZOS was a large share of a poster's render time.
    """
    try:
        st = path.stat()
    except OSError as exc:
        raise InputError(f"无法读取图片 {path}：{os_reason(exc)}。请检查模板中的图片路径。") from exc
    return _scaled_picture(path, st.st_size, st.st_mtime_ns, width, height, mono, round(opacity, 4))


@lru_cache(maxsize=8)
def _scaled_picture(
    path: Path, size: int, mtime_ns: int, width: int, height: int, mono: bool, opacity: float
) -> tuple[Image.Image, Image.Image]:
    key = (str(path.absolute()), size, mtime_ns, width, height, mono, opacity)
    stored = pixel_store.unpack_pixels(pixel_store.load("picture", key), 2)
    if stored is not None and stored[0].mode == "RGB" and stored[1].mode == "L":
        return stored[0], stored[1]
    src = _load_picture(path, size, mtime_ns)
    resample = Image.Resampling.NEAREST if mono else Image.Resampling.LANCZOS
    scaled = src.resize((width, height), resample=resample)
    alpha = scaled.getchannel("A")
    if opacity < 1:
        alpha = alpha.point(lambda v: _round(v * max(0.0, opacity)))
    rgb = scaled.convert("RGB")
    pixel_store.save("picture", key, pixel_store.pack_pixels(rgb, alpha))
    return rgb, alpha


def load_picture(path: Path) -> Image.Image:
    """An image file as RGBA in sRGB (EXIF rotation applied, embedded ICC profile converted).

    Cached per file version (size and mtime), so `preview --watch` sees an edited logo.
    """
    try:
        st = path.stat()
    except OSError as exc:
        raise InputError(f"无法读取图片 {path}：{os_reason(exc)}。请检查模板中的图片路径。") from exc
    return _load_picture(path, st.st_size, st.st_mtime_ns)


@lru_cache(maxsize=16)
def _load_picture(path: Path, size: int, mtime_ns: int) -> Image.Image:
    from PIL import ImageOps  # only here: a warm process reads its scaled pictures from the cache folder

    with open_image(path, decode=True) as im:
        img = ImageOps.exif_transpose(im)
        icc = im.info.get("icc_profile")
    if icc:
        img = _to_srgb(img, icc)
    return img.convert("RGBA")


def needs_normalising(path: Path) -> bool:
    """True when a file's stored pixels are not what a viewer shows (EXIF rotation, ICC profile)."""
    try:
        st = path.stat()
    except OSError as exc:
        raise InputError(f"无法读取图片 {path}：{os_reason(exc)}。请检查模板中的图片路径。") from exc
    return _needs_normalising(path, st.st_size, st.st_mtime_ns)


@lru_cache(maxsize=16)
def _needs_normalising(path: Path, size: int, mtime_ns: int) -> bool:
    # decoded in full once per file version: backends that embed the file itself (PDF, SVG)
    # must refuse a corrupt one as the PNG backend does
    with open_image(path, decode=True) as im:
        return im.getexif().get(0x0112, 1) != 1 or bool(im.info.get("icc_profile"))


def _to_srgb(img: Image.Image, icc: bytes) -> Image.Image:
    """Convert an image with an embedded profile to sRGB; leave it as is if lcms is absent."""
    try:
        from PIL import ImageCms
    except ImportError:  # pragma: no cover - Pillow built without lcms
        return img
    try:
        src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        mode = "RGBA" if "A" in img.getbands() else "RGB"
        base = img.convert(mode) if img.mode not in ("RGB", "RGBA") and img.mode != "CMYK" else img
        return ImageCms.profileToProfile(base, src, ImageCms.createProfile("sRGB"), outputMode=mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return img


def _rgb(c: Color) -> tuple[int, int, int]:
    return (c.r, c.g, c.b)


_RAMP_PAD = 2


@lru_cache(maxsize=64)
def _ramp(stops: tuple, t_lo: float, t_hi: float) -> Image.Image:
    """A gradient's colours from t_lo to t_hi, _RAMP samples plus _RAMP_PAD on each side (1 px
    high). The same background comes back in every file of a build: computed once per process."""
    pad, n = _RAMP_PAD, _RAMP
    ts = [t_lo + (k - pad + 0.5) / n * (t_hi - t_lo) for k in range(n + 2 * pad)]
    data = bytearray(3 * len(ts))
    for start, end, channels in _ramp_pieces(stops, ts):
        for ch, values in enumerate(channels):
            data[3 * start + ch : 3 * end : 3] = bytes(values)
    return Image.frombytes("RGB", (len(ts), 1), bytes(data))


def _ramp_pieces(stops: tuple, ts: list[float]):
    """(first, end, (reds, greens, blues)) for each run of `ts` in one stop interval: gradient_color's
    arithmetic value for value, one list comprehension per channel and interval instead of a call
    per sample (8 ms → under 1 ms a ramp). `ts` rises (t_hi > t_lo), so each interval is the run
    of samples up to its end stop; gradient_color takes the first interval with t <= t1."""
    bounds = [0, *(bisect_right(ts, t1) for t1, _ in stops), len(ts)]
    for piece in range(len(stops) + 1):
        start, end = bounds[piece], bounds[piece + 1]
        if end <= start:
            continue
        if piece == 0 or piece == len(stops):  # before the first stop, after the last: flat
            c = stops[0][1] if piece == 0 else stops[-1][1]
            yield start, end, tuple([_round(v)] * (end - start) for v in (c.r, c.g, c.b))
            continue
        (t0, c0), (t1, c1) = stops[piece - 1], stops[piece]
        us = [0.0] * (end - start) if t1 == t0 else [(t - t0) / (t1 - t0) for t in ts[start:end]]
        yield start, end, tuple(
            [math.floor(a + (b - a) * u + 0.5) for u in us] for a, b in ((c0.r, c1.r), (c0.g, c1.g), (c0.b, c1.b))
        )


def _rgb_tuple(v: tuple[float, float, float]) -> tuple[int, int, int]:
    return (_round(v[0]), _round(v[1]), _round(v[2]))
