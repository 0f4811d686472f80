"""Read the catalogue files people edit: slogans/<year>-<region>.toml and variants.toml.

Every build and render reads them; writing them (importing a notice) is
qmposter.catalogue.importing, which only `slogans import`, `init` and the studio load.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

from qmposter import toml_errors
from qmposter.catalogue.model import Activity, NoticeSlogan
from qmposter.errors import CatalogueError, did_you_mean
from qmposter.fileio import os_reason
from qmposter.text import canonical

VARIANTS_FILE = "variants.toml"
SOURCE_KEYS = ("title", "year", "scope", "region", "doc_number", "issuers", "date", "theme", "guiding_idea")


# --- reading --------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class SourceRecord:
    """One slogans/<stem>.toml as stored: [source] fields, activities and slogans in order."""

    stem: str
    path: Path
    fields: dict[str, Any]
    activities: tuple[Activity, ...]
    slogans: tuple[NoticeSlogan, ...]


def load_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file into plain Python values; Chinese error naming file and line."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise CatalogueError(f"无法读取口号库文件 {path}：{os_reason(error)}。") from error
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CatalogueError(
            f"口号库文件 {path} 不是 UTF-8 编码。", hint="用文本编辑器另存为 UTF-8 编码后再试。"
        ) from error
    return toml_errors.loads(text, f"口号库文件 {path}", CatalogueError)


def _bad(path: Path, what: str, hint: str | None = None) -> CatalogueError:
    return CatalogueError(f"口号库文件 {path}：{what}", hint=hint)


def _optional_str(path: Path, table: dict[str, Any], key: str, where: str) -> str | None:
    value = table.get(key)
    if value is not None and not isinstance(value, str):
        raise _bad(path, f"{where}的 {key} 应当是用引号括起来的文字。")
    return value


def _read_activities(path: Path, items: Any) -> tuple[Activity, ...]:
    if not isinstance(items, list):
        raise _bad(path, "activity 应当写成 [[activity]] 表。")
    activities = []
    for number, item in enumerate(items, start=1):
        where = f"第 {number} 个 [[activity]] "
        if not isinstance(item, dict):
            raise _bad(path, f"{where}格式有误。")
        activities.append(
            Activity(
                group=_optional_str(path, item, "group", where),
                title=_optional_str(path, item, "title", where) or "",
                text=_optional_str(path, item, "text", where) or "",
            )
        )
    return tuple(activities)


def _read_slogans(path: Path, items: Any) -> tuple[NoticeSlogan, ...]:
    if not isinstance(items, list):
        raise _bad(path, "slogan 应当写成 [[slogan]] 表。", hint='每条口号写成：\n[[slogan]]\ntext = "……"')
    slogans = []
    for number, item in enumerate(items, start=1):
        where = f"第 {number} 个 [[slogan]] "
        if not isinstance(item, dict):
            raise _bad(path, f"{where}格式有误。")
        text = _optional_str(path, item, "text", where)
        form = canonical(text) if text else ""  # once per slogan: the catalogue's slogans are read by every build
        if not form:
            raise _bad(path, f"{where}缺少口号文字 text。", hint='写成 text = "口号文字"，或删去这一条。')
        original = _optional_str(path, item, "original", where)
        slogans.append(NoticeSlogan(text=form, original=original))
    return tuple(slogans)


_SOURCE_FILE_KEYS = {
    "": {"source", "activity", "slogan"},
    "source": {*SOURCE_KEYS, "file", "sha256"},
    "activity": {"group", "title", "text"},
    "slogan": {"text", "original"},
}


def _line_of(path: Path, table: str, key: str) -> str:
    """'第 N 行' where `key` (a table header when `table` is "") is first written, '' when not found."""
    pattern = rf"^\s*\[\[?\s*{re.escape(key)}\s*\]" if not table else rf"^\s*[\"']?{re.escape(key)}[\"']?\s*="
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return ""
    number = next((n for n, line in enumerate(lines, start=1) if re.match(pattern, line)), None)
    return f"第 {number} 行" if number else ""


def _check_known_keys(path: Path, data: dict[str, Any]) -> None:
    """Unknown tables and keys are errors: a typo such as [[slogans]] would silently drop every slogan."""
    tables = [("", data)] + [(name, data.get(name)) for name in ("source", "activity", "slogan")]
    for name, value in tables:
        items = value if isinstance(value, list) else [value]
        for item in items:
            if not isinstance(item, dict):
                continue
            for key in sorted(set(item) - _SOURCE_FILE_KEYS[name]):
                allowed = sorted(_SOURCE_FILE_KEYS[name])
                header = f"[[{key}]]" if isinstance(item[key], list) else f"[{key}]"
                what = f"[{name}] 中的键 {key}" if name else f"表 {header}"
                hint = did_you_mean(key, allowed, f"可用：{'、'.join(allowed)}。")
                line = _line_of(path, name, key)
                raise _bad(path, f"{line}{'：' if line else ''}{what} 是未知的。", hint=hint)


def read_source_file(path: Path) -> SourceRecord:
    """Read and check one catalogue source file (slogan texts re-canonicalized)."""
    data = load_toml(path)
    _check_known_keys(path, data)
    fields = data.get("source")
    if not isinstance(fields, dict):
        raise _bad(path, "缺少 [source] 表。", hint="每个口号库文件开头应有 [source] 表，至少写明 year = 年份。")
    year = fields.get("year")
    if not isinstance(year, int) or isinstance(year, bool) or not 1900 <= year <= 2999:
        raise _bad(path, "[source] 中的 year 应当是四位数的年份，例如 year = 2010。")
    issuers = fields.get("issuers", [])
    if not isinstance(issuers, list) or not all(isinstance(i, str) for i in issuers):
        raise _bad(path, '[source] 中的 issuers 应当是文字列表，例如 issuers = ["某某局", "某某委"]。')
    for key in ("title", "scope", "region", "doc_number", "date", "theme", "guiding_idea", "file", "sha256"):
        _optional_str(path, fields, key, "[source] ")
    return SourceRecord(
        stem=path.stem,
        path=path,
        fields=fields,
        activities=_read_activities(path, data.get("activity", [])),
        slogans=_read_slogans(path, data.get("slogan", [])),
    )


def source_files(directory: Path) -> list[Path]:
    """The source files of a catalogue folder, sorted by name (variants.toml excluded)."""
    return sorted(p for p in directory.glob("*.toml") if p.name != VARIANTS_FILE and not p.name.startswith("."))


def check_catalogue_dir(directory: Path) -> None:
    """Refuse a catalogue folder that does not exist, in Chinese."""
    if not directory.exists():
        raise CatalogueError(
            f"口号库文件夹 {directory} 不存在。",
            hint="用 --catalogue 指定口号库文件夹，或先用 qmposter slogans import 通知.txt 导入通知。",
        )
    if not directory.is_dir():
        raise CatalogueError(f"{directory} 不是文件夹。", hint="--catalogue 应当指向存放口号 .toml 文件的文件夹。")


# --- variants.toml --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class RawJoin:
    """A [[join]] of variants.toml as written: slogan refs, the chosen current one, and where it stands.

    (A docstring of its own also spares `dataclasses` making one from inspect.signature, ~70 µs at import.)
    """

    refs: tuple[str, ...]
    current: str | None
    where: str


@dataclasses.dataclass(frozen=True)
class RawSplit:
    """A [[split]] of variants.toml as written: slogan refs kept apart, and where it stands."""

    refs: tuple[str, ...]
    where: str


def read_variants_file(path: Path) -> tuple[list[RawJoin], list[RawSplit]]:
    """The [[join]] and [[split]] decisions of variants.toml (refs not yet resolved)."""
    if not path.exists():
        return [], []
    data = load_toml(path)
    unknown = sorted(set(data) - {"join", "split"})
    if unknown:
        raise _bad(path, f"不认识的表 {', '.join(unknown)}。", hint="variants.toml 只能有 [[join]] 和 [[split]]。")
    joins = [RawJoin(refs, item.get("current"), where) for refs, item, where in _groups(path, data, "join")]
    splits = [RawSplit(refs, where) for refs, _item, where in _groups(path, data, "split")]
    return joins, splits


def _groups(path: Path, data: dict[str, Any], key: str) -> list[tuple[tuple[str, ...], dict[str, Any], str]]:
    items = data.get(key, [])
    if not isinstance(items, list):
        raise _bad(path, f"{key} 应当写成 [[{key}]] 表。")
    result = []
    for number, item in enumerate(items, start=1):
        where = f"{path} 第 {number} 个 [[{key}]]"
        allowed = {"ids", "current"} if key == "join" else {"ids"}
        for unknown in sorted(set(item) - allowed if isinstance(item, dict) else ()):
            hint = f"[[{key}]] 只能写 {'、'.join(sorted(allowed))}。"
            raise CatalogueError(f"{where}：未知的键 {unknown}。", hint=hint)
        refs = item.get("ids") if isinstance(item, dict) else None
        if not isinstance(refs, list) or len(refs) < 2 or not all(isinstance(r, str) for r in refs):
            raise CatalogueError(
                f"{where}：ids 应当列出至少两条口号。",
                hint='例如 ids = ["s1a2b3c4d", "2010-05"]（ID、别名或口号原文）。',
            )
        current = item.get("current")
        if current is not None and (key != "join" or not isinstance(current, str)):
            raise CatalogueError(f"{where}：current 只能用在 [[join]] 中，且写成一条口号的 ID 或别名。")
        result.append((tuple(refs), item, where))
    return result
