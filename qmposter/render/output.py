"""Write a Page to a file, choosing the backend by suffix, never leaving a half-written file.

The bytes are produced in memory first, then written to a temporary file in the
target folder and moved into place with os.replace (atomic on one file system), so a
failed render or a full disk leaves the old file, or nothing, but never a stub.
"""

from __future__ import annotations

from pathlib import Path

from qmposter.errors import InputError
from qmposter.fileio import atomic_write_bytes
from qmposter.layout.page import Page

FORMATS = {"png": "png", "jpg": "jpeg", "jpeg": "jpeg", "bmp": "bmp", "gif": "gif", "pdf": "pdf", "svg": "svg"}
RASTER = ("png", "jpeg", "bmp", "gif")  # gif: the LED strip preview (render/scroll.py)


def format_for(path: Path, fmt: str | None = None) -> str:
    """Normalised format name ("png", "jpeg", "bmp", "pdf", "svg") from `fmt` or the file suffix."""
    key = (fmt or path.suffix.lstrip(".")).lower()
    if not key:
        raise InputError(
            f"输出文件 {path} 没有扩展名，无法判断要生成哪种格式。",
            hint=f"在文件名后加上 .png、.jpg、.bmp、.gif、.pdf 或 .svg，例如 {path.name}.png。",
        )
    if key not in FORMATS:
        raise InputError(
            f"无法识别输出格式「{key}」（{path}）。",
            hint="请用 .png、.jpg、.bmp、.gif、.pdf 或 .svg 作为文件扩展名。",
        )
    return FORMATS[key]


def render_bytes(
    page: Page, fmt: str, *, dpi: float, cmyk: bool = False, include_bleed: bool | None = None, fast: bool = False
) -> bytes:
    """The file content of `page` in format `fmt` (see format_for).

    `include_bleed` defaults to True for PDF (print) and False for images (screen). `fast`
    compresses a PNG for speed, not size: for previews, never for files people keep.
    """
    fmt = FORMATS.get(fmt.lower(), fmt.lower())
    if fmt == "gif" and not page.monochrome:
        raise InputError(
            "GIF 只用于 LED 条屏（单色点阵）的滚动预览，这个模板不是单色的。", hint="请改用 .png 或 .jpg。"
        )
    if fmt == "pdf":
        from qmposter.render.pdf import render_pdf

        return render_pdf([page], cmyk=cmyk, include_bleed=True if include_bleed is None else include_bleed)
    if fmt == "svg":
        from qmposter.render.svg import render_svg

        return render_svg(page).encode("utf-8")
    if fmt in RASTER:
        from qmposter.render.raster import encode_bmp, encode_jpeg, encode_png, render_image

        image = render_image(page, dpi, include_bleed=bool(include_bleed))
        if fmt == "png":
            return encode_png(image, dpi, one_bit=page.monochrome, fast=fast)
        if fmt == "bmp":
            return encode_bmp(image, dpi, one_bit=page.monochrome)
        if fmt == "gif":
            from qmposter.render.scroll import encode_gif

            return encode_gif(page, image, dpi)
        return encode_jpeg(image, dpi)
    raise InputError(f"无法识别输出格式「{fmt}」：请用 png、jpg、bmp、gif、pdf 或 svg。")


def write_page(
    page: Page,
    path: Path,
    *,
    dpi: float,
    fmt: str | None = None,
    cmyk: bool = False,
    include_bleed: bool | None = None,
) -> None:
    """Render `page` and write it to `path` atomically (parent folders are created)."""
    path = Path(path)
    data = render_bytes(page, format_for(path, fmt), dpi=dpi, cmyk=cmyk, include_bleed=include_bleed)
    write_atomic(path, data)


write_atomic = atomic_write_bytes  # the shared atomic write; kept under this name for callers
