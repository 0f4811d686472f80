"""Write a Page to a file, choosing the backend by suffix, never leaving a half-written file.

The bytes are produced in memory first, then written to a temporary file in the
target folder and moved into place with os.replace (atomic on one file system), so a
failed render or a full disk leaves the old file, or nothing, but never a stub.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from qmposter.errors import InputError
from qmposter.layout.page import Page

FORMATS = {"png": "png", "jpg": "jpeg", "jpeg": "jpeg", "pdf": "pdf", "svg": "svg"}


def format_for(path: Path, fmt: str | None = None) -> str:
    """Normalised format name ("png", "jpeg", "pdf", "svg") from `fmt` or the file suffix."""
    key = (fmt or path.suffix.lstrip(".")).lower()
    if key not in FORMATS:
        raise InputError(
            f"无法识别输出格式「{key or path.name}」：请用 .png、.jpg、.pdf 或 .svg 作为文件扩展名（或指定格式）。"
        )
    return FORMATS[key]


def render_bytes(
    page: Page, fmt: str, *, dpi: float, cmyk: bool = False, include_bleed: bool | None = None
) -> bytes:
    """The file content of `page` in format `fmt` (see format_for).

    `include_bleed` defaults to True for PDF (print) and False for images (screen).
    """
    fmt = FORMATS.get(fmt.lower(), fmt.lower())
    if fmt == "pdf":
        from qmposter.render.pdf import render_pdf

        return render_pdf([page], cmyk=cmyk, include_bleed=True if include_bleed is None else include_bleed)
    if fmt == "svg":
        from qmposter.render.svg import render_svg

        return render_svg(page).encode("utf-8")
    if fmt in ("png", "jpeg"):
        from qmposter.render.raster import encode_jpeg, encode_png, render_image

        image = render_image(page, dpi, include_bleed=bool(include_bleed))
        if fmt == "png":
            return encode_png(image, dpi, one_bit=page.monochrome)
        return encode_jpeg(image, dpi)
    raise InputError(f"无法识别输出格式「{fmt}」：请用 png、jpg、pdf 或 svg。")


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


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to a temporary file next to `path`, then os.replace it into place."""
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        raise InputError(f"无法写入 {path}：{exc.strerror or exc}。请检查目录权限和磁盘空间。") from exc
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _read_umask() -> int:
    """The process umask (mkstemp creates 0600 files; outputs should get the usual mode)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _read_umask()  # read once at import: os.umask is process-wide and not thread-safe
