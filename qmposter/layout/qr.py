"""QR codes as display-list items: the module matrix and the print-size checks.

The matrix comes from the `qrcode` library (deterministic: same data and error
correction give the same version and mask). It is kept in the user cache folder (a
campaign puts the same few URLs on every page, run after run), so a warm process neither
imports `qrcode` (and the Pillow drawers it loads) nor encodes. The quiet zone is part of `modules`, so
every backend paints it in the light colour and a code placed on a busy background
still scans. The checks here are the ones a print shop would make: a code narrower
than 10 mm or with modules below the printer's resolving power does not scan.
"""

from __future__ import annotations

import functools
import math
from pathlib import Path

from qmposter.disk_cache import AnswerFile
from qmposter.errors import QRCodeError
from qmposter.layout.page import Color, QRCode

MM = 72 / 25.4  # points per millimetre
MIN_WIDTH_MM = 10.0
MIN_BORDER = 4
MIN_CONTRAST = 3.0

BLACK = Color(0, 0, 0, (0.0, 0.0, 0.0, 1.0))
WHITE = Color(255, 255, 255, (0.0, 0.0, 0.0, 0.0))

LEVELS = "LMQH"
_STORED = AnswerFile("qr", Path(__file__), "qrcode")  # key: this file and the installed qrcode


@functools.lru_cache(maxsize=64)
def qr_matrix(data: str, error_correction: str = "M", border: int = MIN_BORDER) -> tuple[tuple[bool, ...], ...]:
    """Return the module matrix (True = dark) with a quiet zone of `border` modules.

    Cached per process (a build puts the same campaign URL on hundreds of pages, ≈3 ms each
    to encode) and on disk (the same URL next run: no `qrcode` import, ≈10 ms).
    """
    level = error_correction.upper()
    if len(level) != 1 or level not in LEVELS:
        raise QRCodeError(
            f"二维码纠错等级「{error_correction}」无效：只能是 L、M、Q、H 之一（默认 M，中间放标志时用 H）。"
        )
    if not data:
        raise QRCodeError("二维码内容为空：请在 campaign.toml 的 qr_url 或模板中填写要编码的网址。")
    question = f"{level}\0{border}\0{data}"
    rows = _STORED.get(question)  # sealed: exactly what _encode gave, or None
    if rows is None:
        rows = _encode(data, level, border, error_correction)
        _STORED.put(question, rows)
    return tuple(tuple(c == "1" for c in row) for row in rows)


def _encode(data: str, level: str, border: int, asked: str) -> tuple[str, ...]:
    """The matrix from `qrcode` as rows of "0"/"1" (`asked`: the level as the template wrote it)."""
    import qrcode
    import qrcode.constants
    from qrcode.exceptions import DataOverflowError

    code = qrcode.QRCode(error_correction=getattr(qrcode.constants, f"ERROR_CORRECT_{level}"), box_size=1,
                         border=border)  # fmt: skip
    code.add_data(data)
    try:
        code.make(fit=True)
    except (DataOverflowError, ValueError) as exc:
        raise QRCodeError(
            f"二维码内容太长（{len(data)} 个字符），纠错等级 {asked} 下放不进二维码：请改用更短的网址。"
        ) from exc
    return tuple("".join("1" if v else "0" for v in row) for row in code.get_matrix())


def qr_item(
    data: str,
    x: float,
    y: float,
    size: float,
    *,
    error_correction: str = "M",
    dark: Color = BLACK,
    light: Color = WHITE,
    border: int = MIN_BORDER,
    min_module_mm: float = 0.25,
    label: str = "",
) -> QRCode:
    """Build a QRCode item of side `size` points at (x, y), quiet zone included.

    Raises QRCodeError (Chinese message naming the sizes and what to change) when the
    code would print narrower than 10 mm, with modules smaller than `min_module_mm`,
    with a quiet zone under 4 modules, or with too little contrast to scan.
    """
    where = f"（{label}）" if label else ""
    if border < MIN_BORDER:
        raise QRCodeError(
            f"二维码{where}静区只有 {border} 个模块：至少需要 {MIN_BORDER} 个模块宽的空白边，请调大 border。"
        )
    width_mm = size / MM
    if width_mm < MIN_WIDTH_MM:
        raise QRCodeError(
            f"二维码{where}印刷宽度只有 {width_mm:.1f} mm，小于 {MIN_WIDTH_MM:.0f} mm，扫不出来："
            f"请在模板中把二维码放大到至少 {MIN_WIDTH_MM:.0f} mm。"
        )
    _check_contrast(dark, light, where)
    modules = qr_matrix(data, error_correction, border)
    count = len(modules)
    module_mm = width_mm / count
    if module_mm < min_module_mm:
        need_mm = math.ceil(count * min_module_mm * 10 - 1e-9) / 10  # round up: the advice must pass
        raise QRCodeError(
            f"二维码{where}每个模块只有 {module_mm:.2f} mm（{count}×{count} 个模块排在 {width_mm:.1f} mm 内），"
            f"小于最小模块 {min_module_mm:.2f} mm：请把二维码放大到至少 {need_mm:.1f} mm，"
            f"或改用更短的网址、更低的纠错等级（当前 {error_correction}）。"
        )
    return QRCode(x=x, y=y, size=size, modules=modules, data=data, dark=dark, light=light)


def _luminance(c: Color) -> float:
    """Relative luminance of an sRGB colour (WCAG definition)."""

    def lin(v: int) -> float:
        s = v / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    return 0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b)


def _check_contrast(dark: Color, light: Color, where: str) -> None:
    """Scanners expect dark modules on a clearly lighter ground."""
    ld, ll = _luminance(dark), _luminance(light)
    ratio = (ll + 0.05) / (ld + 0.05)
    if ratio < MIN_CONTRAST:
        raise QRCodeError(
            f"二维码{where}深色 {dark.hex} 与浅色 {light.hex} 对比度只有 {ratio:.1f}:1（需要深色模块在浅色底上，"
            f"且至少 {MIN_CONTRAST:.0f}:1）：请改用更深的模块颜色或更浅的底色。"
        )
