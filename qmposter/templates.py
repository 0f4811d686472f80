"""templates/*.toml → Template: a validated, fully resolved layout description in points.

A template file is declarative (see docs/templates.md). Loading does all the checking a
designer needs before anything is drawn: unknown keys (typos), bad units and colours,
missing fonts, asset paths that leave the templates folder, boxes outside the page or
the safe area. Every message names the file and the key. `extends` lets one template
reuse another: tables are deep-merged, [[element]] tables are merged by `id`.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qmposter import toml_cache, toml_errors
from qmposter.errors import QmposterError, TemplateError, did_you_mean
from qmposter.fileio import os_reason
from qmposter.layout.ornaments import PATTERNS, OrnamentSpec
from qmposter.layout.page import Color, LinearGradient
from qmposter.layout.textbox import Box
from qmposter.layout.units import is_paper_size, paper_size, parse_length
from qmposter.resources import bundled_dir
from qmposter.text import is_han

KINDS = ("poster", "banner", "vertical", "couplet", "image", "led")
# Files in templates/ that belong to another product, with their own format and command.
OTHER_PRODUCT_KINDS = {"leaflet": "qmposter leaflet"}
PRINT_KINDS = frozenset({"poster", "banner", "vertical", "couplet"})
KIND_NAMES_ZH = {
    "poster": "海报", "banner": "横幅", "vertical": "竖幅", "couplet": "对联", "image": "图片", "led": "LED 屏",
}  # fmt: skip
FORMATS = ("pdf", "png", "jpg", "bmp", "gif", "svg")
ELEMENT_TYPES = ("slogan", "text", "issuers", "qr", "image", "rect", "line", "ornament")
TEXT_FIELDS = (
    "year", "name", "event", "date", "theme", "issuer", "issuer_group", "issuers", "hotline", "unit", "qr_caption",
    "qr_url", "hengpi",
)  # fmt: skip
ROLE_ALIASES = {
    "heiti": "heiti", "黑体": "heiti", "songti": "songti", "宋体": "songti", "kaiti": "kaiti", "楷体": "kaiti",
    "fangsong": "fangsong", "仿宋": "fangsong", "display": "display", "标题": "display",
}  # fmt: skip
MIN_DPI, MAX_DPI = 1, 2400  # as render --dpi; beyond it a poster's bitmap would not fit in memory
MAX_QR_BORDER = 40  # quiet-zone modules: 4 is the standard, the matrix grows with the square of this
MAX_LINES, MAX_COLUMNS = 100, 50  # a text box's lines, an issuers grid's columns: beyond is a typo
MAX_DOTS = 250_000  # an ornament's dot grid (spacing "0.001mm" on a banner was 10^12 dots: a hang)
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")

_KIND_DEFAULTS: dict[str, dict[str, Any]] = {
    "print": {"bleed": "3mm", "dpi": 300, "safe_margin": "5mm", "crop_marks": True, "formats": ["pdf", "png"]},
    "image": {"bleed": "0", "dpi": 72, "safe_margin": "0", "crop_marks": False, "formats": ["png"]},
}

# -- the schema: allowed keys per table ------------------------------------------------------

_TOP_KEYS = {
    "name", "title", "description", "kind", "extends", "abstract", "when", "skip_reason",
    "page", "background", "fonts", "colors", "element", "hengpi",
}  # fmt: skip
_PAGE_KEYS = {
    "size", "width", "height", "orientation", "bleed", "dpi", "formats", "safe_margin", "crop_marks", "monochrome",
}  # fmt: skip
_BACKGROUND_KEYS = {"color", "gradient", "image", "image_opacity"}
_GRADIENT_KEYS = {"angle", "stops"}
_COMMON_KEYS = {"id", "type", "when", "optional", "group", "requires", "remove", "before"}
_BOX_KEYS = {"x", "y", "width", "height"}
_STYLE_KEYS = {
    "font", "weight", "color", "size", "min_size", "max_size", "max_lines", "line_gap", "tracking",
    "align", "valign", "vertical", "hide_line_end_comma", "phrase_gap", "inline_comma",
}  # fmt: skip
_ELEMENT_KEYS = {
    "slogan": _COMMON_KEYS | _BOX_KEYS | _STYLE_KEYS | {"phrase", "match_phrases", "scroll", "couplet"},
    "text": _COMMON_KEYS | _BOX_KEYS | _STYLE_KEYS | {"text"},
    "issuers": _COMMON_KEYS | _BOX_KEYS | _STYLE_KEYS | {"columns", "column_gap", "row_gap"},
    "qr": _COMMON_KEYS | {"x", "y", "size", "data", "error_correction", "dark", "light", "border", "min_module"},
    "image": _COMMON_KEYS | _BOX_KEYS | {"src", "fit", "opacity", "bleed"},
    "rect": _COMMON_KEYS | _BOX_KEYS | {"color", "gradient", "bleed", "stroke", "stroke_width"},
    "line": _COMMON_KEYS | {"x0", "y0", "x1", "y1", "thickness", "color"},
    "ornament": _COMMON_KEYS
    | _BOX_KEYS
    | {"pattern", "color", "opacity", "bleed", "count", "origin", "corner", "thickness", "spacing"},
}
_NOT_INHERITED = ("name", "abstract", "extends")


# -- the resolved template ---------------------------------------------------------------------


@dataclass(frozen=True)
class Gradient:
    """A linear gradient as written: angle in degrees (0 = left→right, 90 = top→bottom)."""

    angle: float
    stops: tuple[tuple[float, Color], ...]

    def over(self, box: Box) -> LinearGradient:
        """The display-list gradient that spans `box` in direction `angle`."""
        rad = math.radians(self.angle)
        dx, dy = math.cos(rad), math.sin(rad)
        half = (abs(box.width * dx) + abs(box.height * dy)) / 2
        cx, cy = box.x + box.width / 2, box.y + box.height / 2
        return LinearGradient(cx - dx * half, cy - dy * half, cx + dx * half, cy + dy * half, self.stops)


@dataclass(frozen=True)
class PageSpec:
    """Trim size, bleed and output defaults, in points."""

    width: float
    height: float
    orientation: str
    bleed: float
    dpi: float
    formats: tuple[str, ...]
    safe_margin: float
    crop_marks: bool
    monochrome: bool


@dataclass(frozen=True)
class Background:
    """Painted over the whole bleed box in this order: colour, gradient, image."""

    color: Color | None
    gradient: Gradient | None
    image: Path | None
    image_opacity: float


@dataclass(frozen=True)
class TextSpec:
    """Everything qmposter.layout.textbox.TextStyle needs, sizes already in points."""

    font_id: str
    color: Color
    min_size: float
    max_size: float
    max_lines: int
    line_gap: float
    tracking: float
    align: str
    valign: str
    vertical: bool
    hide_line_end_comma: bool
    phrase_gap: float
    inline_comma: str


@dataclass(frozen=True)
class Element:
    """One [[element]]: `type` says which of the optional fields are set.

    `key` is how messages name it, e.g. 'element[3]（id="slogan"）'. `when` is a parsed
    condition, `group` a set of alternatives (the first that fits is drawn), `requires`
    the ids that must have been drawn for this one to be drawn.
    """

    type: str
    id: str | None
    key: str
    when: Condition | None
    optional: bool
    group: str | None
    requires: tuple[str, ...]
    box: Box | None = None
    text: TextSpec | None = None
    template_text: str | None = None  # text: the format string; qr: the data format string
    phrase: int | None = None  # slogan: 1-based phrase, None = whole slogan
    match_phrases: bool = False  # slogan with phrase: the size every phrase fits (couplet strips match)
    scroll: bool = False  # slogan on one line however long: the page widens into a scrolling LED strip
    couplet: str | None = None  # slogan: "upper" or "lower" half of the couplet (qmposter.couplet orders them)
    columns: int = 1  # issuers
    column_gap: float = 0.0
    row_gap: float = 0.0
    qr_size: float = 0.0
    error_correction: str = "M"
    dark: Color | None = None
    light: Color | None = None
    border: int = 4
    min_module_mm: float = 0.25
    src: Path | None = None
    fit: str = "contain"
    opacity: float = 1.0
    fill: Color | None = None
    gradient: Gradient | None = None
    bleed: bool = False
    stroke: Color | None = None
    stroke_width: float = 0.0
    line: tuple[float, float, float, float] | None = None
    ornament: OrnamentSpec | None = None


@dataclass(frozen=True)
class Template:
    """A loaded template. `files` are every file it depends on (for build caching)."""

    name: str
    title: str
    kind: str
    description: str
    path: Path
    page: PageSpec
    background: Background
    elements: tuple[Element, ...]
    when: Condition | None
    skip_reason: str
    abstract: bool
    files: tuple[Path, ...]
    hengpi: tuple[str, ...] = ()  # 横批 choices for the {hengpi} field (qmposter.couplet.hengpi)

    @property
    def is_print(self) -> bool:
        return self.kind in PRINT_KINDS

    @property
    def kind_zh(self) -> str:
        return KIND_NAMES_ZH.get(self.kind, self.kind)


# -- conditions ----------------------------------------------------------------------------------

CONDITION_VARS = ("phrases", "chars", "issuers", "year")
_OPS = {
    "==": lambda a, b: a == b, "!=": lambda a, b: a != b, "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b, "<": lambda a, b: a < b, ">": lambda a, b: a > b,
}  # fmt: skip
_COMPARISON_RE = re.compile(r"^\s*([a-z_]+)\s*(==|!=|<=|>=|<|>)\s*(-?\d+)\s*$")


@dataclass(frozen=True)
class Condition:
    """`a < 3 and b == 2 or c > 1`: an OR of ANDs of integer comparisons, no brackets."""

    source: str
    clauses: tuple[tuple[tuple[str, str, int], ...], ...]

    def holds(self, values: dict[str, int]) -> bool:
        return any(all(_OPS[op](values[var], num) for var, op, num in clause) for clause in self.clauses)


def parse_condition(text: str) -> Condition:
    """Parse a `when` expression; ValueError with a Chinese reason when it is malformed."""
    clauses = []
    for part in re.split(r"\bor\b", text):
        comparisons = []
        for piece in re.split(r"\band\b", part):
            match = _COMPARISON_RE.match(piece)
            if not match:
                raise ValueError(f"无法理解“{piece.strip()}”，应写成“变量 比较符 整数”，如 phrases == 2")
            var, op, num = match.groups()
            if var not in CONDITION_VARS:
                raise ValueError(f"未知变量“{var}”，可用：{'、'.join(CONDITION_VARS)}")
            comparisons.append((var, op, int(num)))
        clauses.append(tuple(comparisons))
    return Condition(text, tuple(clauses))


# -- colours ---------------------------------------------------------------------------------------

_HEX_RE = re.compile(r"^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_FUNC_RE = re.compile(r"^(rgb|cmyk)\(\s*([^)]*)\)$", re.IGNORECASE)


def parse_color(value: object, palette: dict[str, str] | None = None) -> Color:
    """ "#c8102e", "#fff", "rgb(200,16,46)", "cmyk(0,100,100,0)" (percent), a palette name,
    or a hex and a CMYK together ("#e60012 cmyk(0,100,100,0)") for exact screen and print values.

    ValueError (Chinese) when it is none of these.
    """
    if not isinstance(value, str):
        raise ValueError(f'颜色应是字符串，如 "#c8102e" 或 "cmyk(0,100,100,0)"，而不是 {_show(value)}')
    text = value.strip()
    if palette and text in palette:
        return parse_color(palette[text])
    parts = text.split()
    if len(parts) == 2:
        rgb, cmyk = parse_color(parts[0]), parse_color(parts[1])
        if rgb.cmyk is not None or cmyk.cmyk is None:
            raise ValueError(f"“{value}”：两个值时应先写 RGB 再写 cmyk(...)")
        return Color(rgb.r, rgb.g, rgb.b, cmyk.cmyk)
    if match := _HEX_RE.match(text):
        digits = match.group(1)
        if len(digits) == 3:
            digits = "".join(ch * 2 for ch in digits)
        return Color(int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16))
    if match := _FUNC_RE.match(text):
        return _color_function(value, match.group(1).lower(), match.group(2))
    raise ValueError(f'无法识别的颜色“{value}”，应为 "#rrggbb"、"rgb(r,g,b)" 或 "cmyk(c,m,y,k)"（0–100）')


def _color_function(value: str, func: str, args: str) -> Color:
    try:
        numbers = [float(a) for a in args.split(",")]
    except ValueError:
        raise ValueError(f"颜色“{value}”中的数值无法识别") from None
    if func == "rgb":
        if len(numbers) != 3 or not all(0 <= n <= 255 for n in numbers):
            raise ValueError(f"颜色“{value}”：rgb() 需要三个 0–255 的数")
        return Color(*(round(n) for n in numbers))
    if len(numbers) != 4 or not all(0 <= n <= 100 for n in numbers):
        raise ValueError(f"颜色“{value}”：cmyk() 需要四个 0–100 的百分数")
    c, m, y, k = (n / 100 for n in numbers)
    rgb = (round(255 * (1 - ch) * (1 - k)) for ch in (c, m, y))
    return Color(*rgb, cmyk=(c, m, y, k))


# -- finding files -----------------------------------------------------------------------------


def search_dirs(templates_dir: Path | None = None) -> list[Path]:
    """Where templates are looked up: the user's folder first, then the bundled one."""
    if templates_dir is not None and not Path(templates_dir).is_dir():
        raise TemplateError(f"模板文件夹 {templates_dir} 不存在或不是文件夹。", hint="检查 --templates 的路径。")
    dirs = [Path(templates_dir)] if templates_dir is not None else []
    bundled = bundled_dir("templates")
    if bundled.is_dir() and all(d.resolve() != bundled.resolve() for d in dirs):
        dirs.append(bundled)
    return dirs


def _find(name: str, dirs: list[Path], exclude: Path | None = None) -> tuple[Path, Path] | None:
    for root in dirs:
        candidate = root / f"{name}.toml"
        if candidate.is_file() and (exclude is None or candidate.resolve() != exclude.resolve()):
            return candidate, root
    return None


def template_names(templates_dir: Path | None = None, *, include_abstract: bool = False) -> list[str]:
    """Names of the page templates found (user folder overriding bundled), sorted.

    Abstract templates (bases for `extends`) are left out unless asked for; files of
    another product's format (OTHER_PRODUCT_KINDS, e.g. the leaflet) are always left out.
    """
    dirs = search_dirs(templates_dir)
    names: set[str] = set()
    for root in dirs:
        names.update(p.stem for p in root.glob("*.toml") if p.is_file())
    kept = []
    for name in sorted(names):
        kind, abstract = _peek(_find(name, dirs))
        if kind not in OTHER_PRODUCT_KINDS and (include_abstract or not abstract):
            kept.append(name)
    return kept


def is_template_name(name: str, templates_dir: Path | None = None) -> bool:
    """True when `name` is one of template_names(templates_dir), reading only that one file."""
    found = _find(name, search_dirs(templates_dir))
    if found is None:
        return False
    kind, abstract = _peek(found)
    return kind not in OTHER_PRODUCT_KINDS and not abstract


def _peek(found: tuple[Path, Path] | None) -> tuple[object, bool]:
    """(kind, abstract) of the file _find found, read without validation; a broken file is listed
    so loading reports it."""
    try:
        data = toml_cache.loads(found[0].read_text(encoding="utf-8-sig")) if found else {}
    except (OSError, ValueError):  # unreadable, not UTF-8, or not TOML (tomllib.TOMLDecodeError)
        return None, False
    kind = data.get("kind")
    return (kind if isinstance(kind, str) else None), data.get("abstract") is True


def list_templates(templates_dir: Path | None = None) -> list[Template]:
    """All concrete (non-abstract) templates, loaded and validated, sorted by name."""
    return [load_template(name, templates_dir) for name in template_names(templates_dir)]


def is_template_path(ref: str | Path) -> bool:
    """True when `ref` names a template file (…/x.toml), not a template by name."""
    ref_str = str(ref)
    return ref_str.endswith(".toml") or "/" in ref_str or "\\" in ref_str


def load_template(ref: str | Path, templates_dir: Path | None = None) -> Template:
    """Load a template by name (user folder, then bundled) or by the path of a .toml file."""
    dirs = search_dirs(templates_dir)
    ref_str = str(ref)
    if is_template_path(ref_str):
        path = Path(ref_str)
        if not path.is_file():
            raise TemplateError(f"模板文件 {path} 不存在。")
        root = path.parent
        dirs = [root, *[d for d in dirs if d.resolve() != root.resolve()]]
        return _Loader(dirs).load(path, root)
    found = _find(ref_str, dirs)
    if found is None:
        known = "、".join(template_names(templates_dir)) or "（无）"
        raise TemplateError(f"找不到模板“{ref_str}”。", hint=f"可用模板：{known}；或用 --templates 指定模板目录。")
    return _Loader(dirs).load(*found)


# -- loading: read, resolve assets, merge `extends` ------------------------------------------------


class _Loader:
    """Reads a template and its `extends` chain, checking as it goes."""

    def __init__(self, dirs: list[Path]) -> None:
        self.dirs = dirs

    def load(self, path: Path, root: Path) -> Template:
        merged, origins, files = self._merged(path, root, ())
        return _Builder(path, merged, origins, files).build()

    def _merged(self, path: Path, root: Path, chain: tuple[Path, ...]) -> tuple[dict, dict, list[Path]]:
        resolved = path.resolve()
        if resolved in chain:
            names = " → ".join(p.stem for p in (*chain, resolved))
            raise TemplateError(f"模板 {path}：extends 形成循环（{names}）。", hint="去掉其中一个 extends。")
        raw = _read_toml(path)
        if isinstance(raw.get("kind"), str) and raw["kind"] in OTHER_PRODUCT_KINDS:
            command = OTHER_PRODUCT_KINDS[raw["kind"]]
            raise TemplateError(
                f"模板 {path} 是 {raw['kind']} 版式，不是海报类模板。", hint=f"请用 {command} 命令使用它。"
            )
        _check_structure(path, raw)
        raw = _resolve_assets(path, root, raw)
        own_origins = _origins_of(raw, path)
        parent_name = raw.get("extends")
        if parent_name is None:
            return raw, own_origins, [path, *_asset_files(raw)]
        found = _find(parent_name, self.dirs, exclude=path)
        if found is None:
            raise TemplateError(
                f'模板 {path}：extends = "{parent_name}" 找不到这个模板。', hint="检查模板名是否拼写正确。"
            )
        base, base_origins, base_files = self._merged(found[0], found[1], (*chain, resolved))
        merged, origins = _merge(base, base_origins, raw, own_origins, path)
        return merged, origins, [path, *_asset_files(raw), *base_files]


def _show(value: object) -> str:
    """A value as it would be written in TOML, for messages."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str | int | float | bool | list) else str(value)


def _read_toml(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8-sig")  # Notepad saves UTF-8 with a BOM
    except UnicodeDecodeError:
        raise TemplateError(f"模板 {path} 不是 UTF-8 编码的文本。") from None
    except OSError as error:
        raise TemplateError(f"模板 {path} 无法读取：{os_reason(error)}。") from None
    return toml_errors.loads(text, f"模板 {path}", TemplateError)


def _unknown(path: Path, where: str, keys: set[str], allowed: set[str]) -> None:
    for key in sorted(keys - allowed):
        hint = did_you_mean(key, sorted(allowed), f"可用的键：{'、'.join(sorted(allowed))}。")
        raise TemplateError(f"模板 {path}：未知的键 {where}{key}。", hint=hint)


def _check_structure(path: Path, raw: dict) -> None:
    """Unknown keys and table shapes, per file, so a typo is reported against its own file."""
    _unknown(path, "", set(raw), _TOP_KEYS)
    for table, allowed in (("page", _PAGE_KEYS), ("background", _BACKGROUND_KEYS)):
        if table in raw:
            if not isinstance(raw[table], dict):
                raise TemplateError(f"模板 {path}：{table} 应是一个表（[{table}]）。")
            _unknown(path, f"{table}.", set(raw[table]), allowed)
    gradient = raw.get("background", {}).get("gradient")
    if isinstance(gradient, dict):
        _unknown(path, "background.gradient.", set(gradient), _GRADIENT_KEYS)
    for table in ("fonts", "colors"):
        if table in raw and not isinstance(raw[table], dict):
            raise TemplateError(f"模板 {path}：{table} 应是一个表（[{table}]）。")
    for alias, spec in raw.get("fonts", {}).items():
        if isinstance(spec, dict):
            _unknown(path, f"fonts.{alias}.", set(spec), {"font", "weight"})
            if "font" not in spec:
                raise TemplateError(
                    f"模板 {path}：fonts.{alias} 缺少 font。", hint='如 { font = "宋体", weight = 900 }。'
                )
        elif not isinstance(spec, str):
            raise TemplateError(f'模板 {path}：fonts.{alias} 应为字体名或 {{ font = "…", weight = … }}。')
    elements = raw.get("element", [])
    if not isinstance(elements, list) or not all(isinstance(e, dict) for e in elements):
        raise TemplateError(f"模板 {path}：element 应写成 [[element]] 表的数组。")
    for index, element in enumerate(elements):
        _check_element_structure(path, index, element)
    if "extends" in raw and not isinstance(raw["extends"], str):
        raise TemplateError(f"模板 {path}：extends 应是另一个模板的名字（字符串）。")


def _check_element_structure(path: Path, index: int, element: dict) -> None:
    key = _element_key(index, element)
    kind = element.get("type")
    if element.get("remove"):
        _unknown(path, f"{key}.", set(element), {"id", "remove"})
        if "id" not in element:
            raise TemplateError(
                f"模板 {path}：{key} 有 remove = true 却没有 id。", hint="remove 只用来删掉父模板中同 id 的元素。"
            )
        return
    if kind is None:
        if "id" not in element:
            raise TemplateError(f"模板 {path}：{key} 缺少 type。", hint=f"type 可为：{'、'.join(ELEMENT_TYPES)}。")
        allowed = set().union(*_ELEMENT_KEYS.values())  # an override: checked again after merging
    elif not isinstance(kind, str) or kind not in _ELEMENT_KEYS:
        raise TemplateError(
            f'模板 {path}：{key}.type = "{kind}" 不是可用的元素类型。', hint=f"可用：{'、'.join(ELEMENT_TYPES)}。"
        )
    else:
        allowed = _ELEMENT_KEYS[kind]
    _unknown(path, f"{key}.", set(element), allowed)
    gradient = element.get("gradient")
    if isinstance(gradient, dict):
        _unknown(path, f"{key}.gradient.", set(gradient), _GRADIENT_KEYS)


def _element_key(index: int, element: dict) -> str:
    ident = element.get("id")
    return f"element[{index + 1}]" + (f'（id="{ident}"）' if ident else "")


def _inside(path: Path, root: Path, value: object, key: str) -> Path:
    if not isinstance(value, str) or not value:
        raise TemplateError(f"模板 {path}：{key} 应是文件路径（字符串）。")
    if "\0" in value:  # the OS refuses it; Python raises ValueError
        raise TemplateError(f"模板 {path}：{key} 的路径中有空字符（\\0）。", hint="删去它，写普通的相对路径。")
    target = (path.parent / value).resolve()
    root_resolved = root.resolve()
    if not target.is_relative_to(root_resolved):
        raise TemplateError(
            f'模板 {path}：{key} = "{value}" 指向模板目录 {root} 之外。',
            hint="把图片、字体等素材放进模板目录（如 templates/assets/），再写相对路径。",
        )
    if not target.is_file():
        raise TemplateError(f'模板 {path}：{key} = "{value}" 文件不存在（{target}）。')
    return target


def _picture(path: Path, root: Path, value: object, key: str) -> Path:
    """An image asset inside the templates folder whose header says PNG or JPEG within the pixel budget."""
    from qmposter.images import image_size

    target = _inside(path, root, value, key)
    if target.suffix.lower() not in (".png", ".jpg", ".jpeg"):
        raise TemplateError(f'模板 {path}：{key} = "{value}"：只支持 PNG 和 JPEG 图片。')
    try:
        image_size(target)
    except QmposterError as error:
        raise TemplateError(f'模板 {path}：{key} = "{value}"：{error.message}', hint=error.hint) from None
    return target


def _is_font_path(value: str) -> bool:
    return "/" in value or "\\" in value or Path(value).suffix.lower() in {".ttf", ".otf", ".ttc"}


def _resolve_assets(path: Path, root: Path, raw: dict) -> dict:
    """Make asset paths absolute (relative to the file that names them), refusing escapes."""
    raw = dict(raw)
    if isinstance(raw.get("background"), dict) and "image" in raw["background"]:
        raw["background"] = {
            **raw["background"],
            "image": _picture(path, root, raw["background"]["image"], "background.image"),
        }
    if isinstance(raw.get("fonts"), dict):
        fonts = {}
        for alias, spec in raw["fonts"].items():
            font = spec.get("font") if isinstance(spec, dict) else spec
            if isinstance(font, str) and _is_font_path(font):
                resolved = _inside(path, root, font, f"fonts.{alias}")
                spec = {**spec, "font": resolved} if isinstance(spec, dict) else resolved
            fonts[alias] = spec
        raw["fonts"] = fonts
    elements = []
    for index, element in enumerate(raw.get("element", [])):
        element = dict(element)
        key = _element_key(index, element)
        if "src" in element:
            element["src"] = _picture(path, root, element["src"], f"{key}.src")
        font = element.get("font")
        if isinstance(font, str) and _is_font_path(font):
            element["font"] = _inside(path, root, font, f"{key}.font")
        elements.append(element)
    if "element" in raw:
        raw["element"] = elements
    return raw


def _asset_files(raw: dict) -> list[Path]:
    found = [v for v in _walk_values(raw) if isinstance(v, Path)]
    return sorted(set(found))


def _walk_values(value: object):
    if isinstance(value, dict):
        for v in value.values():
            yield from _walk_values(v)
    elif isinstance(value, list):
        for v in value:
            yield from _walk_values(v)
    else:
        yield value


def _origins_of(raw: dict, path: Path) -> dict:
    """Which file set each key: {"page.size": path, ("element", i): {key: path}}."""
    origins: dict = {}
    for key, value in raw.items():
        if key == "element":
            continue
        origins[key] = path
        if isinstance(value, dict):
            for sub in value:
                origins[f"{key}.{sub}"] = path
    origins["element"] = [dict.fromkeys(e, path) for e in raw.get("element", [])]
    return origins


def _merge(base: dict, base_origins: dict, child: dict, child_origins: dict, path: Path) -> tuple[dict, dict]:
    """Child over parent: tables deep-merged (background replaced), elements merged by id."""
    merged = {k: v for k, v in base.items() if k not in _NOT_INHERITED}
    origins = {k: v for k, v in base_origins.items() if k.split(".")[0] not in _NOT_INHERITED and k != "element"}
    for key, value in child.items():
        if key == "element":
            continue
        if key in ("page", "fonts", "colors") and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
            if key == "background":
                origins = {k: v for k, v in origins.items() if not k.startswith("background.")}
        origins.update({k: v for k, v in child_origins.items() if k == key or k.startswith(key + ".")})
    merged["element"], origins["element"] = _merge_elements(
        base.get("element", []), base_origins.get("element", []), child.get("element", []),
        child_origins.get("element", []), path,
    )  # fmt: skip
    return merged, origins


def _merge_elements(base: list, base_origins: list, child: list, child_origins: list, path: Path) -> tuple[list, list]:
    items = [dict(e) for e in base]
    origins = [dict(o) for o in base_origins]
    for index, (element, origin) in enumerate(zip(child, child_origins, strict=True)):
        ident = element.get("id")
        position = next((i for i, e in enumerate(items) if ident is not None and e.get("id") == ident), None)
        if element.get("remove"):
            if position is None:
                raise TemplateError(f"模板 {path}：{_element_key(index, element)} 要删除的元素在父模板中不存在。")
            del items[position], origins[position]
        elif position is not None:
            items[position] = {**items[position], **element}
            origins[position] = {**origins[position], **origin}
        else:
            if "type" not in element:
                raise TemplateError(
                    f"模板 {path}：{_element_key(index, element)} 缺少 type（父模板中没有这个 id）。",
                    hint="新元素要写 type；要修改父模板的元素，id 必须与之相同。",
                )
            at = _insert_position(items, element, index, path)
            items.insert(at, element)
            origins.insert(at, origin)
    return items, origins


def _insert_position(items: list, element: dict, index: int, path: Path) -> int:
    before = element.get("before")
    if before is None:
        return len(items)
    for i, existing in enumerate(items):
        if existing.get("id") == before:
            return i
    raise TemplateError(f'模板 {path}：{_element_key(index, element)}.before = "{before}" 没有这个 id 的元素。')


# -- building: validated values in points ----------------------------------------------------------


class _Builder:
    """Turns the merged dict into a Template; every error names the file that set the key."""

    def __init__(self, path: Path, raw: dict, origins: dict, files: list[Path]) -> None:
        self.path = path
        self.raw = raw
        self.origins = origins
        self.files = tuple(dict.fromkeys(files))
        self.palette: dict[str, str] = {}
        self.fonts: dict[str, Any] = {}

    # errors ------------------------------------------------------------------------------------
    def fail(self, key: str, problem: str, *, hint: str | None = None, element: int | None = None) -> TemplateError:
        origin = self.path
        if element is not None:
            field = key.rsplit(".", 1)[-1]
            origin = self.origins["element"][element].get(field, self.path)
        else:
            origin = self.origins.get(key, self.origins.get(key.split(".")[0], self.path))
        separator = "" if problem.startswith(("：", "（", "，")) else " "
        return TemplateError(f"模板 {origin}：{key}{separator}{problem}", hint=hint)

    def get(self, table: dict, name: str, types: tuple[type, ...], key: str, expected: str, default: Any = None,
            element: int | None = None) -> Any:  # fmt: skip
        value = table.get(name, default)
        if value is None:
            return None
        if isinstance(value, bool) and bool not in types:
            raise self.fail(key, f"应为{expected}，而不是 {_show(value)}。", element=element)
        if not isinstance(value, types):
            raise self.fail(key, f"应为{expected}，而不是 {_show(value)}。", element=element)
        if isinstance(value, float) and not math.isfinite(value):
            raise self.fail(key, f"应为{expected}，而不是 {value}（不是有限的数）。", element=element)
        return value

    def length(self, value: object, key: str, *, ref: float | None, element: int | None = None,
               negative: bool = False) -> float:  # fmt: skip
        try:
            return parse_length(value, ref=ref, dpi=self.dpi, allow_negative=negative)
        except QmposterError as error:
            raise self.fail(key, f"= {_show(value)}：{error.message}", hint=error.hint, element=element) from None

    def color(self, value: object, key: str, element: int | None = None) -> Color:
        try:
            return parse_color(value, self.palette)
        except ValueError as error:
            raise self.fail(key, f"：{error}。", element=element) from None

    # top level ---------------------------------------------------------------------------------
    def build(self) -> Template:
        raw = self.raw
        name = self.path.stem
        if not _NAME_RE.match(name):
            raise TemplateError(f"模板文件名 {self.path.name} 不合适：只能用字母、数字、点、减号和下划线。")
        if "name" in raw and raw["name"] != name:
            raise self.fail(
                "name",
                f'= "{raw["name"]}" 与文件名 {self.path.name} 不一致。',
                hint="name 应等于文件名（不含 .toml）。",
            )
        title = self.get(raw, "title", (str,), "title", "中文标题（字符串）")
        if not title:
            raise self.fail("title", '缺少：请写一个中文标题，如 title = "A3 红色竖版海报"。')
        kind = self.get(raw, "kind", (str,), "kind", "字符串")
        if kind not in KINDS:
            raise self.fail("kind", f"= {_show(kind)} 不是可用的类别。", hint=f"可用：{'、'.join(KINDS)}。")
        self.kind = kind
        self.palette = self._palette()
        self.fonts = self.get(raw, "fonts", (dict,), "fonts", "表", default={})
        page = self._page(raw.get("page", {}))
        self.page = page
        background = self._background(raw.get("background", {}))
        elements = tuple(self._element(i, e) for i, e in enumerate(raw.get("element", [])))
        self._check_references(elements)
        return Template(
            name=name, title=title, kind=kind,
            description=self.get(raw, "description", (str,), "description", "字符串", default=""),
            path=self.path, page=page, background=background, elements=elements,
            when=self._condition(raw.get("when"), "when"),
            skip_reason=self.get(raw, "skip_reason", (str,), "skip_reason", "字符串", default=""),
            abstract=bool(self.get(raw, "abstract", (bool,), "abstract", "true 或 false", default=False)),
            files=self.files, hengpi=self._hengpi(raw),
        )  # fmt: skip

    def _hengpi(self, raw: dict) -> tuple[str, ...]:
        choices = self.get(raw, "hengpi", (list,), "hengpi", "四字词语的列表", default=[])
        for choice in choices:
            if not (isinstance(choice, str) and len(choice) == 4 and all(is_han(ch) for ch in choice)):
                hint = '如 hengpi = ["质量第一", "以质取胜"]。'
                raise self.fail("hengpi", f"中的 {_show(choice)} 不是四个汉字。", hint=hint)
        return tuple(choices)

    def _palette(self) -> dict[str, str]:
        colors = self.get(self.raw, "colors", (dict,), "colors", "表", default={})
        for name, value in colors.items():
            try:
                parse_color(value)
            except ValueError as error:
                raise self.fail(f"colors.{name}", f"：{error}。") from None
        return colors

    def _condition(self, value: object, key: str, element: int | None = None) -> Condition | None:
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.fail(key, '应为条件字符串，如 "phrases == 2"。', element=element)
        try:
            return parse_condition(value)
        except ValueError as error:
            raise self.fail(key, f'= "{value}"：{error}。', element=element) from None

    def _page(self, table: dict) -> PageSpec:
        defaults = _KIND_DEFAULTS["print" if self.kind in PRINT_KINDS else "image"]
        dpi = self.get(table, "dpi", (int, float), "page.dpi", "正数", default=defaults["dpi"])
        if not MIN_DPI <= dpi <= MAX_DPI:
            raise self.fail(
                "page.dpi", f"= {dpi} 应在 {MIN_DPI} 到 {MAX_DPI} 之间。", hint="屏幕图片用 72，印刷品用 300。"
            )
        self.dpi = float(dpi)
        width, height, orientation = self._size(table)
        bleed = self.length(table.get("bleed", defaults["bleed"]), "page.bleed", ref=None)
        safe = self.length(table.get("safe_margin", defaults["safe_margin"]), "page.safe_margin", ref=None)
        formats = self.get(table, "formats", (list,), "page.formats", "格式列表", default=defaults["formats"])
        formats = [("jpg" if f == "jpeg" else f) for f in formats]
        for fmt in formats:
            if fmt not in FORMATS:
                raise self.fail(
                    "page.formats", f"中的 {_show(fmt)} 不是可用的格式。", hint=f"可用：{'、'.join(FORMATS)}。"
                )
        crop = self.get(
            table, "crop_marks", (bool,), "page.crop_marks", "true 或 false", default=defaults["crop_marks"]
        )
        mono = self.get(table, "monochrome", (bool,), "page.monochrome", "true 或 false", default=self.kind == "led")
        if 2 * safe >= min(width, height):
            raise self.fail("page.safe_margin", "比页面的一半还大。")
        return PageSpec(width, height, orientation, bleed, self.dpi, tuple(formats), safe, crop, mono)

    def _size(self, table: dict) -> tuple[float, float, str]:
        size = table.get("size")
        orientation = self.get(table, "orientation", (str,), "page.orientation", "portrait 或 landscape")
        if orientation not in (None, "portrait", "landscape"):
            raise self.fail("page.orientation", f'= {_show(orientation)} 应为 "portrait"（竖）或 "landscape"（横）。')
        if size is not None:
            if "width" in table or "height" in table:
                raise self.fail("page.size", "与 page.width/height 不能同时写。", hint="二选一：纸张名称或两个长度。")
            if not isinstance(size, str) or not is_paper_size(size):
                try:
                    paper_size(str(size))
                except QmposterError as error:
                    raise self.fail("page.size", f"= {_show(size)}：{error.message}", hint=error.hint) from None
            width, height = paper_size(size)
            if orientation == "landscape":
                width, height = height, width
            return width, height, orientation or "portrait"
        if "width" not in table or "height" not in table:
            raise self.fail("page", '缺少纸张大小：写 size = "A3"，或 width 和 height（如 "0.9m"）。')
        width = self.length(table["width"], "page.width", ref=None)
        height = self.length(table["height"], "page.height", ref=None)
        if width <= 0 or height <= 0:
            raise self.fail("page", "的 width 和 height 必须大于 0。")
        actual = "landscape" if width > height else "portrait"
        if orientation is not None and orientation != actual and width != height:
            raise self.fail("page.orientation", f'= "{orientation}" 与 width/height 给出的方向不一致。')
        return width, height, actual

    def _background(self, table: dict) -> Background:
        color = self.color(table["color"], "background.color") if "color" in table else None
        gradient = self._gradient(table["gradient"], "background.gradient") if "gradient" in table else None
        opacity = self.get(table, "image_opacity", (int, float), "background.image_opacity", "0–1 的数", default=1.0)
        if not 0 <= opacity <= 1:
            raise self.fail("background.image_opacity", "应在 0 到 1 之间。")
        return Background(color, gradient, table.get("image"), float(opacity))

    def _gradient(self, value: object, key: str, element: int | None = None) -> Gradient:
        if not isinstance(value, dict):
            raise self.fail(key, '应为表：{ angle = 90, stops = ["#c8102e", "#8b0000"] }。', element=element)
        angle = value.get("angle", 90)
        if isinstance(angle, bool) or not isinstance(angle, int | float) or not -360 <= angle <= 360:
            raise self.fail(
                f"{key}.angle", f"= {_show(angle)} 应为 -360 到 360 的角度（0 = 从左到右，90 = 从上到下）。",
                element=element,
            )
        stops = value.get("stops")
        if not isinstance(stops, list) or len(stops) < 2:
            raise self.fail(f"{key}.stops", "至少要两个颜色。", element=element)
        parsed = []
        for i, stop in enumerate(stops):
            if isinstance(stop, list) and len(stop) == 2:
                position, color = stop
                if isinstance(position, str) and position.endswith("%"):
                    position = float(position[:-1]) / 100 if position[:-1].replace(".", "", 1).isdigit() else -1
                if isinstance(position, bool) or not isinstance(position, int | float) or not 0 <= position <= 1:
                    raise self.fail(f"{key}.stops", f"第 {i + 1} 个位置应在 0–1（或 0%–100%）之间。", element=element)
            else:
                position, color = i / (len(stops) - 1), stop
            parsed.append((float(position), self.color(color, f"{key}.stops", element)))
        if any(b[0] < a[0] for a, b in itertools.pairwise(parsed)):
            raise self.fail(f"{key}.stops", "的位置应从小到大排列。", element=element)
        return Gradient(float(angle), tuple(parsed))

    # elements ------------------------------------------------------------------------------------
    def _element(self, index: int, raw: dict) -> Element:
        key = _element_key(index, raw)
        kind = raw.get("type")
        if kind is None:
            raise self.fail(f"{key}.type", "缺少。", hint=f"type 可为：{'、'.join(ELEMENT_TYPES)}。", element=index)
        if not isinstance(kind, str) or kind not in _ELEMENT_KEYS:
            raise self.fail(
                f"{key}.type",
                f"= {_show(kind)} 不是可用的元素类型。",
                hint=f"可用：{'、'.join(ELEMENT_TYPES)}。",
                element=index,
            )
        _unknown_after_merge = set(raw) - _ELEMENT_KEYS[kind]
        if _unknown_after_merge:
            bad = sorted(_unknown_after_merge)[0]
            raise self.fail(f"{key}.{bad}", f'不适用于 type = "{kind}" 的元素。', element=index)
        requires = raw.get("requires", [])
        requires = [requires] if isinstance(requires, str) else requires
        if not isinstance(requires, list) or not all(isinstance(r, str) for r in requires):
            raise self.fail(f"{key}.requires", "应为元素 id 或 id 列表。", element=index)
        common = {
            "type": kind,
            "id": self.get(raw, "id", (str,), f"{key}.id", "字符串", element=index),
            "key": key,
            "when": self._condition(raw.get("when"), f"{key}.when", index),
            "optional": self.get(raw, "optional", (bool,), f"{key}.optional", "true 或 false", False, index),
            "group": self.get(raw, "group", (str,), f"{key}.group", "字符串", element=index),
            "requires": tuple(requires),
        }
        return getattr(self, f"_el_{kind}")(index, key, raw, common)

    def _box(self, index: int, key: str, raw: dict, *, text: bool) -> Box:
        page = self.page
        values = {}
        for name, ref in (("x", page.width), ("y", page.height), ("width", page.width), ("height", page.height)):
            if name not in raw:
                raise self.fail(f"{key}.{name}", "缺少（位置和大小要写 x、y、width、height）。", element=index)
            values[name] = self.length(raw[name], f"{key}.{name}", ref=ref, element=index, negative=name in "xy")
        box = Box(**values)
        if box.width <= 0 or box.height <= 0:
            raise self.fail(f"{key}.width", "和 height 必须大于 0。", element=index)
        self._check_inside(index, key, box, text=text)
        return box

    def _check_inside(self, index: int, key: str, box: Box, *, text: bool) -> None:
        page, eps = self.page, 0.01
        if text:
            m = page.safe_margin
            limits, what = (m, m, page.width - m, page.height - m), "安全区（裁切线内"
            what += f" {m / 72 * 25.4:g} mm）" if m else "）"
        else:
            b = page.bleed
            limits, what = (-b, -b, page.width + b, page.height + b), "页面（含出血）"
        if (box.x < limits[0] - eps or box.y < limits[1] - eps or box.x + box.width > limits[2] + eps
                or box.y + box.height > limits[3] + eps):  # fmt: skip
            mm = [round(v / 72 * 25.4, 1) for v in (box.x, box.y, box.width, box.height)]
            raise self.fail(
                f"{key}.x", f"等给出的框（x={mm[0]} y={mm[1]} 宽={mm[2]} 高={mm[3]} mm）超出了{what}。",
                hint="调整 x、y、width、height，让文字和二维码留在安全区内。", element=index,
            )  # fmt: skip

    def _text_spec(self, index: int, key: str, raw: dict, box: Box, defaults: dict) -> TextSpec:
        vertical = self.get(
            raw, "vertical", (bool,), f"{key}.vertical", "true 或 false", defaults.get("vertical", False), index
        )
        cross = box.width if vertical else box.height
        if "size" in raw:
            if "min_size" in raw or "max_size" in raw:
                raise self.fail(f"{key}.size", "与 min_size/max_size 不能同时写。", element=index)
            min_size = max_size = self.length(raw["size"], f"{key}.size", ref=cross, element=index)
        else:
            min_size = self.length(
                raw.get("min_size", defaults["min_size"]), f"{key}.min_size", ref=cross, element=index
            )
            max_size = self.length(
                raw.get("max_size", defaults["max_size"]), f"{key}.max_size", ref=cross, element=index
            )
        if not 0 < min_size <= max_size:
            raise self.fail(
                f"{key}.min_size",
                f"（{min_size:.1f}pt）应大于 0 且不大于 max_size（{max_size:.1f}pt）。",
                element=index,
            )

        def choice(name: str, options: tuple[str, ...], default: str) -> str:
            value = raw.get(name, default)
            if value not in options:
                raise self.fail(f"{key}.{name}", f"= {_show(value)} 应为 {' / '.join(options)} 之一。", element=index)
            return value

        def number(name: str, default: float, low: float, high: float) -> float:
            value = self.get(raw, name, (int, float), f"{key}.{name}", "数", default, index)
            if not low <= value <= high:
                raise self.fail(f"{key}.{name}", f"= {value} 应在 {low:g} 到 {high:g} 之间。", element=index)
            return float(value)

        def flag(name: str, default: bool) -> bool:
            return self.get(raw, name, (bool,), f"{key}.{name}", "true 或 false", default, index)

        max_lines = self.get(
            raw, "max_lines", (int,), f"{key}.max_lines", "正整数", defaults.get("max_lines", 2), index
        )
        if not 1 <= max_lines <= MAX_LINES:
            raise self.fail(f"{key}.max_lines", f"= {max_lines} 应在 1 到 {MAX_LINES} 之间。", element=index)
        return TextSpec(
            font_id=self._font(index, key, raw, defaults),
            color=self.color(raw.get("color", defaults.get("color", "#000000")), f"{key}.color", index),
            min_size=min_size, max_size=max_size, max_lines=max_lines,
            line_gap=number("line_gap", 0.3, -0.5, 5), tracking=number("tracking", 0.0, -0.5, 5),
            align=choice("align", ("left", "center", "right", "distribute"), "center"),
            valign=choice("valign", ("top", "middle", "bottom"), "middle"),
            vertical=vertical,
            hide_line_end_comma=flag("hide_line_end_comma", True),
            phrase_gap=number("phrase_gap", 1.0, 0, 10),
            inline_comma=choice("inline_comma", ("keep", "gap"), "keep"),
        )  # fmt: skip

    def _font(self, index: int, key: str, raw: dict, defaults: dict) -> str:
        font = raw.get("font", defaults.get("font", "heiti"))
        weight = raw.get("weight", defaults.get("weight"))
        where, at = (f"{key}.font", index), (f"{key}.weight", index)  # who is blamed: the key that set it
        if isinstance(font, str) and font in self.fonts:
            spec, where = self.fonts[font], (f"fonts.{font}", None)
            if isinstance(spec, dict):
                at = (f"fonts.{font}", None) if "weight" in spec else at
                font, weight = spec.get("font"), spec.get("weight", weight)
            else:
                font = spec
        if weight is not None and (isinstance(weight, bool) or not isinstance(weight, int) or not 100 <= weight <= 900):
            raise self.fail(at[0], f"的字重 {_show(weight)} 应为 100–900 的整数。", element=at[1])
        try:
            return resolve_font(font, weight)
        except QmposterError as error:
            raise self.fail(
                where[0], f"= {_show(str(font))}：{error.message}", hint=error.hint, element=where[1]
            ) from None

    def _el_slogan(self, index: int, key: str, raw: dict, common: dict) -> Element:
        box = self._box(index, key, raw, text=True)
        phrase = self.get(raw, "phrase", (int,), f"{key}.phrase", "正整数（第几句）", None, index)
        if phrase is not None and phrase < 1:
            raise self.fail(f"{key}.phrase", "应从 1 开始。", element=index)
        match = self.get(raw, "match_phrases", (bool,), f"{key}.match_phrases", "true 或 false", False, index)
        if match and phrase is None and raw.get("couplet") is None:
            raise self.fail(f"{key}.match_phrases", "只能与 phrase 或 couplet 一起用（对联的上下联）。", element=index)
        defaults = {"min_size": "12pt", "max_size": "50%", "font": "heiti", "weight": 900}
        text = self._text_spec(index, key, raw, box, defaults)
        scroll = self.get(raw, "scroll", (bool,), f"{key}.scroll", "true 或 false", False, index)
        if scroll and (text.max_lines != 1 or text.vertical):
            raise self.fail(f"{key}.scroll", "滚动条屏只能是横排一行：请同时写 max_lines = 1。", element=index)
        half = self.get(raw, "couplet", (str,), f"{key}.couplet", '"upper" 或 "lower"', None, index)
        if half is not None and (half not in ("upper", "lower") or phrase is not None or self.kind != "couplet"):
            raise self.fail(
                f"{key}.couplet",
                '只能是 "upper"（上联）或 "lower"（下联），用于 kind = "couplet" 的模板，不与 phrase 同用。',
                element=index,
            )
        return Element(
            **common, box=box, text=text, phrase=phrase, match_phrases=match, scroll=scroll, couplet=half
        )

    def _el_text(self, index: int, key: str, raw: dict, common: dict) -> Element:
        box = self._box(index, key, raw, text=True)
        text = self.get(raw, "text", (str,), f"{key}.text", "字符串", None, index)
        if text is None:
            raise self.fail(f"{key}.text", "缺少：写要排的文字，可含 {year}、{theme}、{issuer} 等字段。", element=index)
        self._check_fields(index, f"{key}.text", text)
        defaults = {"min_size": "6pt", "max_size": "100%", "max_lines": 1}
        return Element(**common, box=box, text=self._text_spec(index, key, raw, box, defaults), template_text=text)

    def _el_issuers(self, index: int, key: str, raw: dict, common: dict) -> Element:
        box = self._box(index, key, raw, text=True)
        columns = self.get(raw, "columns", (int,), f"{key}.columns", "正整数", 1, index)
        if not 1 <= columns <= MAX_COLUMNS:
            raise self.fail(f"{key}.columns", f"= {columns} 应在 1 到 {MAX_COLUMNS} 之间。", element=index)
        gaps = {
            name: self.length(raw.get(name, "0"), f"{key}.{name}", ref=ref, element=index)
            for name, ref in (("column_gap", box.width), ("row_gap", box.height))
        }
        defaults = {"min_size": "6pt", "max_size": "100%", "max_lines": 1}
        return Element(**common, box=box, text=self._text_spec(index, key, raw, box, defaults), columns=columns, **gaps)

    def _el_qr(self, index: int, key: str, raw: dict, common: dict) -> Element:
        for name in ("x", "y", "size"):
            if name not in raw:
                raise self.fail(f"{key}.{name}", "缺少（二维码要写 x、y、size）。", element=index)
        x = self.length(raw["x"], f"{key}.x", ref=self.page.width, element=index, negative=True)
        y = self.length(raw["y"], f"{key}.y", ref=self.page.height, element=index, negative=True)
        size = self.length(raw["size"], f"{key}.size", ref=min(self.page.width, self.page.height), element=index)
        self._check_inside(index, key, Box(x, y, size, size), text=True)
        data = self.get(raw, "data", (str,), f"{key}.data", "字符串", "{qr_url}", index)
        self._check_fields(index, f"{key}.data", data)
        level = raw.get("error_correction", "M")
        if level not in ("L", "M", "Q", "H"):
            raise self.fail(f"{key}.error_correction", f"= {_show(level)} 应为 L、M、Q 或 H。", element=index)
        border = self.get(raw, "border", (int,), f"{key}.border", "整数（模块数）", 4, index)
        if border < 4:
            raise self.fail(f"{key}.border", f"= {border}：静区至少要 4 个模块宽。", element=index)
        if border > MAX_QR_BORDER:
            raise self.fail(
                f"{key}.border", f"= {border}：静区最多 {MAX_QR_BORDER} 个模块宽。", hint="通常写 4。", element=index
            )
        module = self.length(raw.get("min_module", "0.25mm"), f"{key}.min_module", ref=None, element=index)
        return Element(
            **common, box=Box(x, y, size, size), qr_size=size, template_text=data, error_correction=level,
            dark=self.color(raw.get("dark", "#000000"), f"{key}.dark", index),
            light=self.color(raw.get("light", "#ffffff"), f"{key}.light", index),
            border=border, min_module_mm=module / 72 * 25.4,
        )  # fmt: skip

    def _el_image(self, index: int, key: str, raw: dict, common: dict) -> Element:
        box = self._box(index, key, raw, text=False)
        if "src" not in raw:
            raise self.fail(f"{key}.src", "缺少：写图片文件相对模板目录的路径。", element=index)
        src = raw["src"]
        if src.suffix.lower() not in (".png", ".jpg", ".jpeg"):
            raise self.fail(f"{key}.src", f"= {src.name}：只支持 PNG 和 JPEG 图片。", element=index)
        fit = raw.get("fit", "contain")
        if fit not in ("contain", "stretch"):
            raise self.fail(
                f"{key}.fit", f"= {_show(fit)} 应为 contain（等比放入）或 stretch（拉伸填满）。", element=index
            )
        opacity = self.get(raw, "opacity", (int, float), f"{key}.opacity", "0–1 的数", 1.0, index)
        if not 0 <= opacity <= 1:
            raise self.fail(f"{key}.opacity", "应在 0 到 1 之间。", element=index)
        bleed = self.get(raw, "bleed", (bool,), f"{key}.bleed", "true 或 false", False, index)
        return Element(**common, box=box, src=src, fit=fit, opacity=float(opacity), bleed=bleed)

    def _el_rect(self, index: int, key: str, raw: dict, common: dict) -> Element:
        box = self._box(index, key, raw, text=False)
        fill = self.color(raw["color"], f"{key}.color", index) if "color" in raw else None
        gradient = self._gradient(raw["gradient"], f"{key}.gradient", index) if "gradient" in raw else None
        stroke = self.color(raw["stroke"], f"{key}.stroke", index) if "stroke" in raw else None
        width = self.length(
            raw.get("stroke_width", "0.5mm" if stroke else "0"), f"{key}.stroke_width", ref=None, element=index
        )
        if fill is None and gradient is None and stroke is None:
            raise self.fail(f"{key}.color", "缺少：矩形要有 color、gradient 或 stroke。", element=index)
        bleed = self.get(raw, "bleed", (bool,), f"{key}.bleed", "true 或 false", False, index)
        return Element(**common, box=box, fill=fill, gradient=gradient, stroke=stroke, stroke_width=width, bleed=bleed)

    def _el_line(self, index: int, key: str, raw: dict, common: dict) -> Element:
        coords = []
        for name, ref in (
            ("x0", self.page.width),
            ("y0", self.page.height),
            ("x1", self.page.width),
            ("y1", self.page.height),
        ):
            if name not in raw:
                raise self.fail(f"{key}.{name}", "缺少（线段要写 x0、y0、x1、y1）。", element=index)
            coords.append(self.length(raw[name], f"{key}.{name}", ref=ref, element=index, negative=True))
        x0, y0, x1, y1 = coords
        box = Box(min(x0, x1), min(y0, y1), abs(x1 - x0), abs(y1 - y0))
        self._check_inside(index, key, box, text=False)
        thickness = self.length(raw.get("thickness", "0.5mm"), f"{key}.thickness", ref=None, element=index)
        if thickness <= 0:
            raise self.fail(f"{key}.thickness", "应大于 0。", element=index)
        color = self.color(raw.get("color", "#000000"), f"{key}.color", index)
        return Element(**common, line=(x0, y0, x1, y1), stroke_width=thickness, stroke=color)

    def _el_ornament(self, index: int, key: str, raw: dict, common: dict) -> Element:
        box = self._box(index, key, raw, text=False)
        pattern = raw.get("pattern")
        if not isinstance(pattern, str) or pattern not in PATTERNS:
            hint = f"可用：{'、'.join(PATTERNS)}。"
            raise self.fail(f"{key}.pattern", f"= {_show(pattern)} 不是可用的花纹。", hint=hint, element=index)
        corner = raw.get("corner", "tl")
        if corner not in ("tl", "tr", "bl", "br"):
            raise self.fail(f"{key}.corner", f"= {_show(corner)} 应为 tl、tr、bl 或 br（左上、右上、左下、右下）。",
                            element=index)  # fmt: skip
        count = self.get(raw, "count", (int,), f"{key}.count", "正整数", 0, index)
        if not 0 <= count <= 400:
            raise self.fail(f"{key}.count", f"= {count} 应在 1 到 400 之间。", element=index)
        origin = raw.get("origin", [0.5, 0.5])
        if (
            not isinstance(origin, list)
            or len(origin) != 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) and -2 <= v <= 3 for v in origin)
        ):
            raise self.fail(f"{key}.origin", "应为框内的相对位置 [x, y]，如 [0.5, 0.14]。", element=index)  # fmt: skip
        opacity = self.get(raw, "opacity", (int, float), f"{key}.opacity", "0–1 的数", 1.0, index)
        if not 0 <= opacity <= 1:
            raise self.fail(f"{key}.opacity", "应在 0 到 1 之间。", element=index)
        lengths = {
            name: self.length(raw.get(name, "0"), f"{key}.{name}", ref=min(box.width, box.height), element=index)
            for name in ("thickness", "spacing")
        }
        if lengths["spacing"] > 0 and (box.width / lengths["spacing"]) * (box.height / lengths["spacing"]) > MAX_DOTS:
            raise self.fail(
                f"{key}.spacing", f"太小：框内会有超过 {MAX_DOTS // 10000} 万个点。",
                hint="写大一些，或不写（取框短边的 1/40）。", element=index,
            )  # fmt: skip
        spec = OrnamentSpec(pattern=pattern, count=count, origin=(float(origin[0]), float(origin[1])), corner=corner,
                            **lengths)  # fmt: skip
        return Element(
            **common, box=box, ornament=spec, opacity=float(opacity),
            fill=self.color(raw.get("color", "#ffffff"), f"{key}.color", index),
            bleed=self.get(raw, "bleed", (bool,), f"{key}.bleed", "true 或 false", False, index),
        )  # fmt: skip

    def _check_fields(self, index: int, key: str, text: str) -> None:
        try:
            parts = list(string.Formatter().parse(text))
        except ValueError:
            raise self.fail(
                key, f"= {_show(text)}：花括号不成对。", hint="字段写成 {year} 这样；要排出花括号本身，写 {{ 或 }}。",
                element=index,
            ) from None
        for _, field, spec, conversion in parts:
            if field is not None and (spec or conversion) and field in TEXT_FIELDS:
                raise self.fail(key, f"中的字段 {{{field}}} 后不能带格式（! 或 :）。", element=index)
            if field is not None and field not in TEXT_FIELDS:
                raise self.fail(
                    key,
                    f"中的字段 {{{field}}} 不存在。",
                    hint=f"可用字段：{'、'.join('{' + f + '}' for f in TEXT_FIELDS)}。",
                    element=index,
                )

    def _check_references(self, elements: tuple[Element, ...]) -> None:
        ids: set[str] = set()
        groups: set[str] = set()  # requires = "<group>": whichever alternative of the group was drawn
        for index, element in enumerate(elements):
            for needed in element.requires:
                if needed not in ids | groups:
                    raise self.fail(
                        f"{element.key}.requires", f'中的 "{needed}" 不是它前面某个元素的 id 或 group。', element=index
                    )
            if element.id is not None:
                if element.id in ids:
                    raise self.fail(f"{element.key}.id", f'= "{element.id}" 重复了。', element=index)
                ids.add(element.id)
            if element.group is not None:
                groups.add(element.group)


def resolve_font(font: object, weight: int | None) -> str:
    """A font reference (role 黑体/heiti…, bundled id, or an absolute path) → a font id for GlyphRun."""
    from qmposter import fonts

    if isinstance(font, Path):
        fonts.load_font(font)  # refuses missing files and fonts reportlab cannot embed
        return str(font)
    if not isinstance(font, str) or not font:
        raise TemplateError("字体应写成类别（黑体/宋体/楷体）、内置字体 id 或字体文件路径。")
    if font in ROLE_ALIASES:
        return fonts.font_for_role(ROLE_ALIASES[font], weight).id
    if fonts.bundled_info(font) is not None:
        return font
    roles = "、".join(k for k in ROLE_ALIASES if not k.isascii())
    ids = "、".join(info.id for info in fonts.bundled_fonts())
    raise TemplateError(
        f"未知字体“{font}”。", hint=f"可写类别（{roles}）、内置字体 id（{ids}）或模板目录内的字体文件路径。"
    )
