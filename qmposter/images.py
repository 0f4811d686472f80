"""The one way qmposter opens an image file it was given: format and pixel budget checked first.

Template images, element images, backgrounds and gallery thumbnails are user input. A
48 KB PNG can declare 20000×20000 pixels (a decompression bomb), a file named .png can be
text. Opening through here turns every such file into an InputError (exit 2) that names
the file, before any pixel is decoded, whatever the output format or fit mode.

`image_size` answers a file version (path, size, times, inode) that passed these checks once
from the user cache folder: loading a template checks every picture it names, and a build
whose pictures come from the pixel store (render/pixel_store.py) then needs neither Pillow's
PNG and JPEG readers nor the files themselves.
"""

from __future__ import annotations

import contextlib
import os
import struct
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from qmposter.disk_cache import AnswerFile, files_version
from qmposter.errors import InputError
from qmposter.fileio import os_reason

if TYPE_CHECKING:
    from PIL import Image

# 80 million pixels: a 300 dpi A1 background (7016×9933) fits, a bomb does not. Decoded as
# RGBA that is 320 MB, the most one picture may cost a 2-core, few-GB county office PC.
MAX_PIXELS = 80_000_000
PICTURE_FORMATS = ("PNG", "JPEG")
_HINT = "请换成正常的 PNG 或 JPEG 图片（用看图软件打开确认），宽×高不超过 8000 万像素。"


@contextlib.contextmanager
def open_image(
    path: Path, formats: tuple[str, ...] = PICTURE_FORMATS, *, decode: bool = False
) -> Iterator[Image.Image]:
    """Open `path` after checking its format and pixel count; `decode` also reads every pixel
    (so a corrupt or truncated file is reported here, not as a crash in a backend)."""
    from PIL import Image

    path = Path(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(path, formats=list(formats))
    except Image.DecompressionBombError:
        raise InputError(f"图片 {path} 的像素太多（超过 {MAX_PIXELS // 10000} 万像素）。", hint=_HINT) from None
    except FileNotFoundError:
        raise InputError(f"图片 {path} 不存在。", hint="请检查模板中的图片路径。") from None
    except Image.UnidentifiedImageError:
        raise InputError(f"{path} 不是 {' 或 '.join(formats)} 图片，或文件已损坏。", hint=_HINT) from None
    except OSError as error:
        raise InputError(f"无法读取图片 {path}：{os_reason(error)}。", hint=_HINT) from None
    except (ValueError, SyntaxError, EOFError, IndexError, struct.error) as error:  # a damaged header
        raise InputError(f"图片 {path} 已损坏（{error}）。", hint=_HINT) from None
    with image:
        width, height = image.size
        if width < 1 or height < 1 or width * height > MAX_PIXELS:
            raise InputError(
                f"图片 {path} 是 {width}×{height} 像素，超出 {MAX_PIXELS // 10000} 万像素的上限。", hint=_HINT
            )
        if decode:
            try:
                image.load()
            except (OSError, SyntaxError, ValueError, EOFError, IndexError, struct.error) as error:
                raise InputError(f"图片 {path} 已损坏，无法解码（{error}）。", hint=_HINT) from None
        yield image


# key: this file (the checks) and Pillow (the readers); every edited picture adds an entry, and every
# process with pictures reads the whole file: a few hundred pictures' worth, then it starts over
_SIZES = AnswerFile("image-sizes", Path(__file__), "PIL", max_entries=1000)


def image_size(path: Path, formats: tuple[str, ...] = PICTURE_FORMATS) -> tuple[int, int]:
    """(width, height) in pixels, read from the header through open_image, or remembered for this
    version of the file (only ever a size that passed open_image's checks: a file that fails is
    opened, and refused, every time)."""
    # the file as checked (path, size, times, inode), stat'ed before it is opened: a file rewritten
    # meanwhile has a later change time, so what was read from it never answers a version it is not
    question = files_version([os.path.abspath(path)], ",".join(formats))
    known = _SIZES.get(question) if question is not None else None
    if known is not None:  # sealed: exactly the size stored
        return known
    with open_image(path, formats) as image:
        size = image.size
    if question is not None:
        _SIZES.put(question, size)
    return size
