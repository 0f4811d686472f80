"""Leaflet styles: templates/leaflet-*.toml (kind = "leaflet") → LeafletStyle.

The poster template loader (qmposter.templates) knows poster-like kinds only, so the
leaflet reads its own small files here: page geometry, colours, fonts, the body size
range and what may be dropped when the content does not fit. Colours are CMYK (a
leaflet goes to an offset press); lengths are millimetres, font sizes points.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.colors import CMYKColor

from qmposter import toml_errors
from qmposter.errors import TemplateError
from qmposter.resources import bundled_dir

LAYOUTS = ("a4", "trifold")
MM = 72 / 25.4
MIN_SAFE_MARGIN_MM = 5.0

_TOP_KEYS = {"kind", "name", "title", "description", "layout", "page", "colors", "fonts", "text", "fit"}
_PAGE_KEYS = {"width_mm", "height_mm", "bleed_mm", "margin_mm", "column_gap_mm", "panel_widths_mm", "crop_marks"}
_COLOR_KEYS = {"primary", "accent", "ink", "muted", "tint", "paper", "on_primary", "ray"}
_FONT_KEYS = {"headline", "heading", "body", "quote", "mark"}
_TEXT_KEYS = {
    "base_size", "body_sizes", "leading", "headline_max", "headline_min", "kicker_scale", "heading_scale",
    "group_scale", "slogan_scale", "hotline_scale", "guiding_max_chars", "bold_title_max_chars", "plan_max_chars",
    "public_sizes", "slogan_sizes", "titles_max_size",
}  # fmt: skip
_FIT_KEYS = {"slogans", "activity_sentences", "extra_sizes"}
_CMYK_RE = re.compile(r"^\s*cmyk\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*\)\s*$", re.I)


@dataclass(frozen=True)
class FontRef:
    """A font named by bundled id or path (`ref`), or by role and weight."""

    ref: str | None = None
    role: str | None = None
    weight: int | None = None


@dataclass(frozen=True)
class LeafletStyle:
    """Everything a leaflet layout reads from its TOML file (see docs/leaflet.md)."""

    name: str
    path: Path
    layout: str
    width_mm: float
    height_mm: float
    bleed_mm: float
    margin_mm: float
    column_gap_mm: float
    panel_widths_mm: tuple[float, ...]
    crop_marks: bool
    colors: dict[str, CMYKColor]
    fonts: dict[str, FontRef]
    base_size: float
    body_sizes: tuple[float, ...]
    leading: float
    headline_max: float
    headline_min: float
    kicker_scale: float
    heading_scale: float
    group_scale: float
    slogan_scale: float
    hotline_scale: float
    guiding_max_chars: int
    bold_title_max_chars: int
    plan_max_chars: int
    titles_max_size: float
    public_sizes: tuple[float, ...]
    slogan_sizes: tuple[float, ...]
    fit_slogans: tuple[int, ...]
    fit_activity_sentences: tuple[int, ...]


def style_path(layout: str, directory: Path | None = None) -> Path:
    """templates/leaflet-<layout>.toml in `directory` (default: the bundled templates)."""
    return (directory or bundled_dir("templates")) / f"leaflet-{layout}.toml"


def load_style(layout: str, directory: Path | None = None) -> LeafletStyle:
    """Load and check the style of a layout ("a4" or "trifold")."""
    if layout not in LAYOUTS:
        raise TemplateError(f"未知的传单版式“{layout}”。", hint=f"可用：{'、'.join(LAYOUTS)}。")
    return read_style(style_path(layout, directory))


def read_style(path: Path) -> LeafletStyle:
    """Parse one leaflet style file; TemplateError (Chinese, naming the key) on any problem."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as error:
        raise TemplateError(f"找不到传单版式文件 {path}。") from error
    except (OSError, UnicodeDecodeError) as error:
        raise TemplateError(f"传单版式文件 {path} 无法读取：{error}。") from error
    raw = toml_errors.loads(text, f"传单版式文件 {path}", TemplateError)
    return _Reader(path).style(raw)


class _Reader:
    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, key: str, problem: str) -> TemplateError:
        return TemplateError(f"传单版式 {self.path}：{key} {problem}")

    def table(self, raw: dict, key: str, allowed: set[str]) -> dict:
        value = raw.get(key, {})
        if not isinstance(value, dict):
            raise self.fail(key, "应是一个表（[...]）。")
        unknown = sorted(set(value) - allowed)
        if unknown:
            raise self.fail(f"{key}.{unknown[0]}", f"不是可用的键；可用：{'、'.join(sorted(allowed))}。")
        return value

    def number(self, table: dict, prefix: str, key: str, low: float, high: float) -> float:
        value = table.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(f"{prefix}.{key}", "缺失或不是数字。")
        if not low <= value <= high:
            raise self.fail(f"{prefix}.{key}", f"= {value} 超出范围 {low}–{high}。")
        return float(value)

    def numbers(self, table: dict, prefix: str, key: str, low: float, high: float) -> tuple[float, ...]:
        values = table.get(key)
        if not isinstance(values, list) or not values:
            raise self.fail(f"{prefix}.{key}", "应是非空的数字列表。")
        return tuple(self.number({key: v}, prefix, key, low, high) for v in values)

    def style(self, raw: dict) -> LeafletStyle:
        unknown = sorted(set(raw) - _TOP_KEYS)
        if unknown:
            raise self.fail(unknown[0], f"不是可用的键；可用：{'、'.join(sorted(_TOP_KEYS))}。")
        if raw.get("kind") != "leaflet":
            raise self.fail("kind", f"= {raw.get('kind')!r}：传单版式文件必须写 kind = \"leaflet\"。")
        layout = raw.get("layout")
        if layout not in LAYOUTS:
            raise self.fail("layout", f"= {layout!r} 不是可用的版式；可用：{'、'.join(LAYOUTS)}。")
        page = self.table(raw, "page", _PAGE_KEYS)
        text = self.table(raw, "text", _TEXT_KEYS)
        fit = self.table(raw, "fit", _FIT_KEYS)
        margin = self.number(page, "page", "margin_mm", MIN_SAFE_MARGIN_MM, 60)
        panels = tuple(self.numbers(page, "page", "panel_widths_mm", 50, 200)) if layout == "trifold" else ()
        width = self.number(page, "page", "width_mm", 50, 1000)
        if panels and abs(sum(panels) - width) > 0.01:
            raise self.fail("page.panel_widths_mm", f"之和 {sum(panels)} mm 不等于页宽 {width} mm。")
        sizes = tuple(sorted(self.numbers(text, "text", "body_sizes", 6, 16), reverse=True))
        if self.number(text, "text", "headline_min", 10, 120) > self.number(text, "text", "headline_max", 12, 120):
            raise self.fail("text.headline_min", "大于 text.headline_max。")
        return LeafletStyle(
            name=str(raw.get("name") or self.path.stem),
            path=self.path,
            layout=layout,
            width_mm=width,
            height_mm=self.number(page, "page", "height_mm", 50, 1000),
            bleed_mm=self.number(page, "page", "bleed_mm", 0, 10),
            margin_mm=margin,
            column_gap_mm=self.number(page, "page", "column_gap_mm", 2, 30) if "column_gap_mm" in page else 6.0,
            panel_widths_mm=panels,
            crop_marks=bool(page.get("crop_marks", True)),
            colors=self.colors(self.table(raw, "colors", _COLOR_KEYS)),
            fonts=self.fonts(self.table(raw, "fonts", _FONT_KEYS)),
            base_size=self.number(text, "text", "base_size", 6, 16),
            body_sizes=sizes,
            leading=self.number(text, "text", "leading", 1.2, 2.5),
            headline_max=self.number(text, "text", "headline_max", 12, 120),
            headline_min=self.number(text, "text", "headline_min", 10, 120),
            kicker_scale=self.number(text, "text", "kicker_scale", 0.8, 3),
            heading_scale=self.number(text, "text", "heading_scale", 1, 3),
            group_scale=self.number(text, "text", "group_scale", 1, 3),
            slogan_scale=self.number(text, "text", "slogan_scale", 0.8, 2),
            hotline_scale=self.number(text, "text", "hotline_scale", 1, 5),
            guiding_max_chars=int(self.number(text, "text", "guiding_max_chars", 20, 1000)),
            bold_title_max_chars=int(self.number(text, "text", "bold_title_max_chars", 1, 1000)),
            plan_max_chars=int(self.number(text, "text", "plan_max_chars", 0, 10000)),
            titles_max_size=self.number(text, "text", "titles_max_size", 6, 16),
            public_sizes=tuple(sorted(self.numbers(text, "text", "public_sizes", 6, 20), reverse=True)),
            slogan_sizes=tuple(sorted(self.numbers(text, "text", "slogan_sizes", 6, 40), reverse=True)),
            fit_slogans=tuple(int(v) for v in self.numbers(fit, "fit", "slogans", 0, 30)),
            fit_activity_sentences=tuple(int(v) for v in self.numbers(fit, "fit", "activity_sentences", -1, 20)),
        )

    def colors(self, table: dict) -> dict[str, CMYKColor]:
        missing = sorted(_COLOR_KEYS - set(table))
        if missing:
            raise self.fail(f"colors.{missing[0]}", "缺失。")
        return {key: self.color(f"colors.{key}", value) for key, value in table.items()}

    def color(self, key: str, value: object) -> CMYKColor:
        match = _CMYK_RE.match(value) if isinstance(value, str) else None
        if not match:
            raise self.fail(key, f"= {value!r} 应写成 \"cmyk(C, M, Y, K)\"，各分量 0–100。")
        parts = [float(v) for v in match.groups()]
        if any(v > 100 for v in parts):
            raise self.fail(key, f"= {value!r} 的分量超过 100。")
        return CMYKColor(*(v / 100 for v in parts))

    def fonts(self, table: dict) -> dict[str, FontRef]:
        missing = sorted(_FONT_KEYS - set(table))
        if missing:
            raise self.fail(f"fonts.{missing[0]}", "缺失。")
        out = {}
        for key, value in table.items():
            if isinstance(value, str):
                out[key] = FontRef(ref=value)
            elif isinstance(value, dict) and isinstance(value.get("role"), str) and set(value) <= {"role", "weight"}:
                weight = value.get("weight")
                if weight is not None and (isinstance(weight, bool) or not isinstance(weight, int)):
                    raise self.fail(f"fonts.{key}.weight", "应是整数（100–900）。")
                out[key] = FontRef(role=value["role"], weight=weight)
            else:
                raise self.fail(f"fonts.{key}", "应是字体 id／路径字符串，或 { role = \"heiti\", weight = 700 }。")
        return out
