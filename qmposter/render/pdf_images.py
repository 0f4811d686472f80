"""Image XObjects for the PDF backend, decoded and compressed once per process.

reportlab reads, decodes and re-compresses an image file for every document that draws
it; a build draws the same template assets into hundreds of PDFs, and that cost was most
of a poster's time. Here each file version (path, size, mtime) becomes one compressed
XObject per process; every document registers a shallow copy of it under the very name
reportlab gives it, and `Canvas.drawImage` then finds it and only references it. The name
comes from the file's content, not its path (`_content_token`), so the same campaign built
from another install folder gives the same bytes.
"""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas

from qmposter.errors import InputError
from qmposter.fileio import sha256_file

MASK = "auto"  # transparency from the file's alpha channel or transparent colour
_lock = threading.Lock()


@dataclass(frozen=True)
class CachedImage:
    """What drawImage needs: what it is handed (names the image) and the XObject it would build."""

    source: str | ImageReader
    xobject: pdfdoc.PDFImageXObject


def draw_image(canvas: Canvas, path: Path, x: float, y: float, width: float, height: float) -> None:
    """Draw the image file at `path` into the box; its XObject is built once per process."""
    try:
        st = path.stat()
    except OSError as exc:
        raise InputError(f"无法读取图片 {path}：{exc.strerror or exc}。请检查模板中的图片路径。") from exc
    with _lock:
        cached = _cached_image(path, st.st_size, st.st_mtime_ns)
    _register(canvas, cached.xobject)
    canvas.drawImage(cached.source, x, y, width, height, mask=MASK)


@lru_cache(maxsize=32)
def _cached_image(path: Path, size: int, mtime_ns: int) -> CachedImage:
    """The file (JPEG passes through unchanged), or the PNG backend's normalised copy when the
    file is rotated by EXIF or carries an ICC profile, so both backends agree; named after its
    content either way."""
    from qmposter.render.raster import load_picture, needs_normalising

    source: str | ImageReader = ImageReader(load_picture(path)) if needs_normalising(path) else str(path)
    drawn_as = source if isinstance(source, ImageReader) else _content_token(path)
    name = _name(drawn_as)
    try:
        xobject = pdfdoc.PDFImageXObject(name, source, mask=MASK)
    except OSError as exc:
        raise InputError(f"无法读取图片 {path}：{exc}。请确认它是 PNG 或 JPEG。") from exc
    xobject.name = name
    return CachedImage(drawn_as, xobject)


def _content_token(path: Path) -> str:
    """What drawImage is handed for a file: a text naming its content, not its path.

    reportlab names an image given by file name after that name, so the same picture
    installed in another folder gave PDFs with other bytes. The XObject is registered before
    drawImage runs (`_register`), so drawImage only derives the name from this text, finds
    the object and never opens it as a file.
    """
    try:
        digest = sha256_file(path)
    except OSError as exc:
        raise InputError(f"无法读取图片 {path}：{exc.strerror or exc}。请检查模板中的图片路径。") from exc
    return f"qmposter-picture:sha256:{digest}"


def _name(source: str | ImageReader) -> str:
    """The digest `Canvas.drawImage` names this source by (see reportlab.pdfgen.canvas)."""
    from reportlab.pdfgen.canvas import _digester

    if isinstance(source, ImageReader):
        rawdata = source.getRGBData()  # sets _dataA, the alpha channel
        smask = source._dataA
        mdata = smask.getRGBData() if smask else MASK.encode("utf8")
        return _digester(rawdata + mdata)
    return _digester(f"{source}{MASK}".encode())


def _register(canvas: Canvas, prototype: pdfdoc.PDFImageXObject) -> None:
    """Register a copy of `prototype` (and its soft mask) in the canvas's document, exactly as
    drawImage does for an image it has not seen, unless the document has it already."""
    doc = canvas._doc
    reg_name = doc.getXObjectName(prototype.name)
    if doc.idToObject.get(reg_name):
        return
    image = copy.copy(prototype)
    smask = image.__dict__.pop("_smask", None)
    canvas._setXObjects(image)
    doc.Reference(image, reg_name)
    doc.addForm(prototype.name, image)
    if smask is not None:
        mask_name = doc.getXObjectName(smask.name)
        if doc.idToObject.get(mask_name):
            image.smask = pdfdoc.PDFObjectReference(mask_name)
        else:
            smask = copy.copy(smask)
            canvas._setXObjects(smask)
            image.smask = doc.Reference(smask, mask_name)
