"""Lengths with units ("3mm", "0.9m", "1080px", "10%") and named paper sizes → points.

Templates are written the way designers and print shops talk ("A3", "大度对开", "0.9m");
the display list is in PostScript points (1/72 in). Everything converts here, once.

- ``px`` needs a dpi: 1 px = 72/dpi pt. An image template with ``dpi = 72`` has
  1 px = 1 pt, so a 1080×1080 px page rendered at its own dpi is exactly 1080×1080 px.
- ``%`` needs a reference length (the page width for x/width, the height for y/height).
- Named sizes are portrait (width ≤ height) in millimetres. 对开/四开/八开/十六开 without a
  prefix are the 大度 (large) series; the 正度 series is available with its prefix.
"""

from __future__ import annotations

import math
import re

from qmposter.errors import InputError

PT_PER_INCH = 72.0
PT_PER_MM = PT_PER_INCH / 25.4

_UNIT_PT = {
    "pt": 1.0,
    "mm": PT_PER_MM,
    "cm": 10 * PT_PER_MM,
    "m": 1000 * PT_PER_MM,
    "in": PT_PER_INCH,
}

_LENGTH_RE = re.compile(r"^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*(mm|cm|m|pt|in|px|%)\s*$", re.IGNORECASE)

# Portrait sizes in mm. ISO 216 A and B series (GB/T 148 follows ISO 216 for A and B).
_ISO_MM: dict[str, tuple[float, float]] = {
    "A0": (841, 1189), "A1": (594, 841), "A2": (420, 594), "A3": (297, 420),
    "A4": (210, 297), "A5": (148, 210), "A6": (105, 148),
    "B0": (1000, 1414), "B1": (707, 1000), "B2": (500, 707), "B3": (353, 500),
    "B4": (250, 353), "B5": (176, 250), "B6": (125, 176),
}  # fmt: skip

# Chinese 开本 as print shops quote them. 大度 is cut from an 889×1194 mm sheet, 正度 from 787×1092 mm.
_KAI_MM: dict[str, dict[str, tuple[float, float]]] = {
    "大度": {"对开": (570, 840), "四开": (420, 570), "八开": (285, 420), "十六开": (210, 285)},
    "正度": {"对开": (540, 780), "四开": (390, 540), "八开": (270, 390), "十六开": (195, 270)},
}
DEFAULT_KAI_SERIES = "大度"

_KAI_ASCII = {"duikai": "对开", "sikai": "四开", "bakai": "八开", "shiliukai": "十六开"}
_SERIES_ASCII = {"dadu": "大度", "zhengdu": "正度"}


class UnitError(InputError):
    """A length or paper size that cannot be read."""


def _mm_table() -> dict[str, tuple[float, float]]:
    table = dict(_ISO_MM)
    for series, sizes in _KAI_MM.items():
        for name, size in sizes.items():
            table[series + name] = size
            if series == DEFAULT_KAI_SERIES:
                table[name] = size
    return table


PAPER_SIZES_MM: dict[str, tuple[float, float]] = _mm_table()


def _canonical_paper_name(name: str) -> str:
    key = name.strip().replace(" ", "").replace("-", "").replace("_", "")
    if key.upper() in _ISO_MM:
        return key.upper()
    low = key.lower()
    for ascii_series, series in _SERIES_ASCII.items():
        if low.startswith(ascii_series):
            rest = low[len(ascii_series) :]
            return series + _KAI_ASCII.get(rest, rest)
    return _KAI_ASCII.get(low, key)


def paper_size(name: str) -> tuple[float, float]:
    """(width, height) in points of a named paper size, portrait."""
    canonical = _canonical_paper_name(name)
    if canonical not in PAPER_SIZES_MM:
        known = "、".join(paper_size_names())
        raise UnitError(f"未知的纸张尺寸“{name}”。", hint=f"可用：{known}；或用长度写明 width 和 height。")
    w, h = PAPER_SIZES_MM[canonical]
    return w * PT_PER_MM, h * PT_PER_MM


def paper_size_names() -> list[str]:
    """The names `paper_size` accepts (Chinese spellings; ASCII spellings are aliases)."""
    return list(PAPER_SIZES_MM)


def is_paper_size(name: str) -> bool:
    return _canonical_paper_name(name) in PAPER_SIZES_MM


def parse_length(
    value: object, *, ref: float | None = None, dpi: float | None = None, allow_negative: bool = False
) -> float:
    """A length such as "3mm", "0.9m", "12pt", "2in", "1080px" or "10%" → points.

    `ref` is the length "100%" stands for; `dpi` is what one px is worth. The number
    0 may be written without a unit (0 or "0"); any other bare number is refused, because a
    length without a unit is a typo waiting to happen.
    """
    if isinstance(value, bool):
        raise UnitError(f"长度“{value}”不是长度。", hint=_HINT)
    if isinstance(value, int | float):
        if value == 0:
            return 0.0
        raise UnitError(f"长度“{value}”缺少单位。", hint=_HINT)
    if not isinstance(value, str):
        raise UnitError(f"长度“{value}”应是带单位的字符串。", hint=_HINT)
    match = _LENGTH_RE.match(value)
    if not match and re.fullmatch(r"\s*[+-]?0*\.?0*\s*", value) and "0" in value:
        return 0.0
    if not match:
        raise UnitError(f"无法识别的长度“{value}”。", hint=_HINT)
    number, unit = float(match.group(1)), match.group(2).lower()
    if not math.isfinite(number):
        raise UnitError(f"长度“{value[:40]}”大得没有意义。", hint=_HINT)
    if number < 0 and not allow_negative:
        raise UnitError(f"长度“{value}”不能为负数。")
    if unit == "%":
        if ref is None:
            raise UnitError(f"这里不能用百分比“{value}”（没有可参照的长度）。", hint="请改用 mm、cm、m、pt 等单位。")
        return number / 100.0 * ref
    if unit == "px":
        if not dpi or dpi <= 0:
            raise UnitError(f"长度“{value}”以 px 为单位，但模板没有设定 dpi。", hint="在 [page] 中写 dpi = 72。")
        return number * PT_PER_INCH / dpi
    return number * _UNIT_PT[unit]


_HINT = '长度要写单位，例如 "3mm"、"60cm"、"0.9m"、"12pt"、"2in"、"1080px"，或相对长度 "10%"。'


def pt_to_mm(points: float) -> float:
    return points / PT_PER_MM


def pt_to_px(points: float, dpi: float) -> float:
    return points * dpi / PT_PER_INCH
