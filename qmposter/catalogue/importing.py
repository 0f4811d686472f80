"""Write the catalogue files people edit: a parsed notice imported as slogans/<year>-<region>.toml.

Writing uses tomlkit and never rewrites a file a person may have edited: re-importing
the same notice leaves its file byte-identical, a different notice for the same file
is refused unless asked to replace it, and every write is atomic (temp file + rename).
Apart from qmposter.catalogue.store (reading), which every build and render loads.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qmposter.catalogue.dedupe import format_alias
from qmposter.catalogue.model import Activity, Notice, NoticeSlogan
from qmposter.catalogue.store import SOURCE_KEYS, load_toml, source_files
from qmposter.errors import CatalogueError, InputError
from qmposter.fileio import atomic_write_bytes
from qmposter.text import invisible_marks

if TYPE_CHECKING:
    import tomlkit.items

NATIONAL_SLUG = "national"
_REGION_SUFFIXES = (
    "壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "自治区", "自治州", "省", "市", "地区", "盟",
)


# --- file names -----------------------------------------------------------------------------


REGIONS_FILE = Path(__file__).with_name("regions.toml")
_SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@cache
def region_table() -> dict[str, str]:
    """Region name → ASCII slug, from the editable qmposter/catalogue/regions.toml."""
    data = load_toml(REGIONS_FILE)
    table = data.get("regions")
    if not isinstance(table, dict):
        raise CatalogueError(f"地区表 {REGIONS_FILE} 缺少 [regions] 表。")
    for name, slug in table.items():
        if not isinstance(slug, str) or not _SLUG_RE.match(slug):
            raise CatalogueError(
                f"地区表 {REGIONS_FILE} 中 {name} 的拼音 {slug!r} 不合规。",
                hint="只能用小写字母、数字和连字符，例如 suzhou。",
            )
    return dict(table)


def _short_region(region: str) -> str:
    name = "".join(region.split())
    for suffix in _REGION_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def region_slug(region: str | None, scope: str | None) -> str:
    """ASCII name of a region for file names: pinyin from the table, else a reversible fallback.

    National notices are "national". A region the table lacks becomes "u" followed by the
    hex code points of its characters (苏州 → u82cf5dde); ASCII letters and digits are kept.
    """
    if scope == "national" or not region:
        if scope == "national":
            return NATIONAL_SLUG
        raise CatalogueError(
            "无法确定这份通知的地区，不知道口号库文件该叫什么名字。",
            hint="检查通知标题是否写明“全国”“全省”“全市”及地区名，例如“关于开展2010年全省“质量月”活动的通知”。",
        )
    table = region_table()
    short = _short_region(region)
    for name in (region, short):
        if name in table:
            return table[name]
    return "u" + "".join(ch.lower() if ch.isascii() and ch.isalnum() else f"{ord(ch):x}" for ch in short)


def source_stem(notice: Notice) -> str:
    """File stem for a notice: "<year>-<region slug>", e.g. 2010-jiangsu."""
    if notice.year is None:
        raise CatalogueError(
            "无法确定这份通知的年份，不知道口号库文件该叫什么名字。",
            hint="检查通知标题或落款日期是否写明年份，例如“关于开展2010年……的通知”。",
        )
    return f"{notice.year}-{region_slug(notice.region, notice.scope)}"


# --- writing a source file ------------------------------------------------------------------


def _header(notice: Notice, file_name: str) -> list[str]:
    title = notice.title or f"{notice.year}年“质量月”活动通知"
    stem_alias, year_alias = format_alias(source_stem(notice), 5), format_alias(notice.year or 0, 5)
    return [
        f"质量月宣传口号库：{title}",
        f"由 `qmposter slogans import` 从通知原文 {file_name} 生成。",
        "",
        "可以手工编辑这个文件：改正或增删 [[slogan]] 口号、修改 [source] 和 [[activity]]、随处加 # 注释。",
        "  [[slogan]] 的 text 是规范写法（加载时会再规范化一次）；original 是通知上的原样，只在两者不同时出现。",
        f"  口号按通知上的顺序排列：别名 {stem_alias} 就是本文件第 5 条"
        f"（{notice.year} 年只有这一份通知时也可写 {year_alias}）。",
        "  调整顺序会改变别名，不会改变口号 ID（ID 只由口号文字决定）。",
        "  没有的字段（如没有文号、日期）直接省略。",
        "再次导入同一份通知（[source] 中的 sha256 相同）时本文件保持原样，您的修改和注释都会保留。",
        "跨年份的措辞变体由程序自动分组，人工调整写在同目录的 variants.toml 中。",
        *_warning_lines(notice),
    ]


def _warning_lines(notice: Notice) -> list[str]:
    """The parser's warnings, kept in the file: whoever edits it later sees what to check."""
    if not notice.warnings:
        return []
    return ["", "导入时的提示（请核对后自行删除）：", *(f"  - {warning}" for warning in notice.warnings)]


def _source_table(notice: Notice, file_name: str, sha256: str) -> tomlkit.items.Table:
    import tomlkit

    table = tomlkit.table()
    for key in SOURCE_KEYS:
        value = getattr(notice, key)
        if key == "issuers":
            issuers = tomlkit.array()
            issuers.extend(value)
            if len(value) > 1:
                issuers.multiline(True)
            table.add(key, issuers)
        elif value is not None:
            table.add(key, value)
    table.add("file", file_name)
    table.add("sha256", sha256)
    return table


def _activity_tables(activities: tuple[Activity, ...]) -> tomlkit.items.AoT:
    import tomlkit

    aot = tomlkit.aot()
    for activity in activities:
        table = tomlkit.table()
        if activity.group is not None:
            table.add("group", activity.group)
        table.add("title", activity.title)
        table.add("text", activity.text)
        aot.append(table)
    return aot


def _slogan_tables(slogans: tuple[NoticeSlogan, ...]) -> tomlkit.items.AoT:
    import tomlkit

    aot = tomlkit.aot()
    for slogan in slogans:
        table = tomlkit.table()
        table.add("text", slogan.text)
        if slogan.original is not None and slogan.original != slogan.text:
            table.add("original", slogan.original)
        aot.append(table)
    return aot


_NOT_IN_COMMENT = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]+")  # TOML comments allow tab, no other control


def comment_text(line: str) -> str:
    """A line fit for a TOML comment: control characters (a \\f in a notice's title) become a space."""
    return _NOT_IN_COMMENT.sub(" ", line)


def source_document(notice: Notice, file_name: str, sha256: str) -> str:
    """The TOML text of a freshly imported notice (deterministic for the same inputs).

    tomlkit is imported here, not at the top: reading the catalogue (every render and
    build) never needs it (cold start)."""
    import tomlkit

    doc = tomlkit.document()
    for line in _header(notice, file_name):
        doc.add(tomlkit.comment(comment_text(line)) if line else tomlkit.nl())
    doc.add(tomlkit.nl())
    doc.add("source", _source_table(notice, file_name, sha256))
    if notice.activities:
        doc.add(tomlkit.nl())
        doc.add(tomlkit.comment(f"通知安排的活动（{len(notice.activities)} 项），group 是所属的大标题。"))
        doc.add("activity", _activity_tables(notice.activities))
    doc.add(tomlkit.nl())
    doc.add(tomlkit.comment(f"宣传口号（{len(notice.slogans)} 条），按通知上的顺序。"))
    if notice.slogans:
        doc.add("slogan", _slogan_tables(notice.slogans))
    text = tomlkit.dumps(doc)
    return text if text.endswith("\n") else text + "\n"


def atomic_write(path: Path, data: str | bytes) -> None:
    """Write text (UTF-8, as given) or bytes atomically (qmposter.fileio); InputError when it cannot."""
    atomic_write_bytes(path, data.encode("utf-8") if isinstance(data, str) else data)


# --- import ---------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ImportPlan:
    """What importing one notice will do: action is "write", "unchanged", "replace" or "skip" (a slogan call)."""

    notice_path: Path
    target: Path
    action: str
    reason: str
    text: str
    notice: Notice


def _source_of(data: dict[str, Any]) -> dict[str, Any]:
    source = data.get("source")
    return source if isinstance(source, dict) else {}


def _comparable_data(text_or_data: str | dict[str, Any]) -> dict[str, Any]:
    """A file's data without `file` and `sha256`: equal for one notice saved in two encodings."""
    import tomllib  # importing notices only: reading the catalogue goes through toml_cache

    data = tomllib.loads(text_or_data) if isinstance(text_or_data, str) else dict(text_or_data)
    source = {k: v for k, v in _source_of(data).items() if k not in ("file", "sha256")}
    return {**data, "source": source}


def _existing_import(directory: Path, sha256: str) -> Path | None:
    """A catalogue file already imported from these exact bytes (perhaps renamed by a person)."""
    import tomllib

    for path in source_files(directory):
        try:
            with path.open("rb") as handle:
                if _source_of(tomllib.load(handle)).get("sha256") == sha256:
                    return path
        except (OSError, tomllib.TOMLDecodeError):
            continue  # an unreadable file is reported when it is loaded or is the target
    return None


def _with_mark_warnings(notice: Notice) -> Notice:
    """The notice with a warning per slogan that had invisible marks (bidi overrides, controls) removed."""
    extra = []
    for slogan in notice.slogans:
        marks = invisible_marks(slogan.original or "")
        if marks:
            extra.append(f"口号“{slogan.text}”中有不可见的控制字符或方向标记（{'、'.join(marks)}），已删除。")
    return dataclasses.replace(notice, warnings=(*notice.warnings, *extra)) if extra else notice


def plan_import(
    notice_path: Path, notice: Notice, directory: Path, *, replace: bool = False, sha256: str | None = None
) -> ImportPlan:
    """Decide what importing `notice` (read from `notice_path`) into `directory` should do.

    `sha256` is that of the source's bytes when they were read already (a URL has no file to hash).
    """
    sha256 = sha256 or hashlib.sha256(notice_path.read_bytes()).hexdigest()
    notice = _with_mark_warnings(notice)
    target = directory / f"{source_stem(notice)}.toml"
    text = source_document(notice, notice_path.name, sha256)

    def plan(action: str, reason: str, where: Path = target) -> ImportPlan:
        return ImportPlan(notice_path, where, action, reason, text, notice)

    earlier = _existing_import(directory, sha256) if directory.is_dir() else None
    if earlier is not None and not replace:
        return plan("unchanged", "同一份通知已导入过（sha256 相同），文件保持原样", earlier)
    where = earlier or target
    if not where.exists():
        return plan("write", "新文件")
    if where.read_bytes() == text.encode("utf-8"):
        return plan("unchanged", "内容完全相同，文件保持原样", where)
    if replace:
        return plan("replace", "按 --replace 重新生成，文件中的手工修改和注释不保留", where)
    existing = load_toml(where)
    if _comparable_data(existing) == _comparable_data(text):
        return plan("unchanged", "内容与已有文件相同（同一份通知的另一种编码或文件名），文件保持原样")
    if _same_notice(existing, text):
        raise CatalogueError(
            f"{where} 已存在，{notice_path.name} 的标题、文号和日期与它相同，但口号或活动不同："
            "可能是同一份通知的另一种编码或文件名、而口号库文件已被手工修改，也可能是修订过的通知。"
            "为免覆盖手工修改，本次没有写入任何文件。",
            hint="如果是同一份通知，口号库已包含它，无需再导入；如果是修订过的通知，加 --replace 用它重新生成"
            "（该文件中的手工修改会丢失）。",
        )
    old_sha = str(_source_of(existing).get("sha256", "无"))[:12]
    raise CatalogueError(
        f"{target} 已存在，但来自另一份通知（已有文件的 sha256 {old_sha}…，"
        f"{notice_path.name} 的 sha256 {sha256[:12]}…）。为免覆盖已有内容和手工修改，本次没有写入任何文件。",
        hint=f"如果确实要用 {notice_path.name} 替换它，加 --replace（该文件中的手工修改会丢失）；"
        f"如果这是同年同地区的另一份通知，先把 {target.name} 改名再导入。",
    )


_IDENTITY_KEYS = ("title", "year", "scope", "region", "doc_number", "date")


def _same_notice(existing: dict[str, Any], text: str) -> bool:
    """True when a (hand-edited) file and a fresh import name the same notice: title, 文号 and date agree."""
    import tomllib

    old, new = _source_of(existing), _source_of(tomllib.loads(text))
    return any(new.get(k) for k in ("doc_number", "date", "title")) and all(
        old.get(k) == new.get(k) for k in _IDENTITY_KEYS
    )


def check_notice_path(path: Path) -> None:
    """A clear Chinese error for a notice path that cannot be read at all."""
    if not path.exists():
        raise InputError(f"找不到通知文件 {path}。", hint="检查文件名和路径是否正确。")
    if not path.is_file():
        raise InputError(f"{path} 不是文件。", hint="请给出通知的 .txt 文件。")


def _same_content(a: str, b: str) -> bool:
    return _comparable_data(a) == _comparable_data(b)


def import_notices(
    paths: list[Path | str], directory: Path, *, replace: bool = False, dry_run: bool = False, strict: bool = False
) -> list[ImportPlan]:
    """Import notices into a catalogue folder: plan every file first, then write (unless dry_run).

    Any conflict raises CatalogueError before anything is written, so a failed import
    leaves the catalogue exactly as it was.
    """
    if directory.exists() and not directory.is_dir():
        raise CatalogueError(f"{directory} 不是文件夹。", hint="--catalogue 应当指向存放口号 .toml 文件的文件夹。")
    from qmposter.catalogue.notice import parse_source  # only importing needs the parser (cold start)
    from qmposter.readers import is_url, read_source

    plans: list[ImportPlan] = []
    planned: dict[Path, ImportPlan] = {}
    for path in paths:
        if not is_url(path):
            check_notice_path(Path(path))
        source = read_source(path)
        path = Path(source.name) if is_url(path) else Path(path)
        plan = plan_import(path, parse_source(source, strict=strict), directory, replace=replace, sha256=source.sha256)
        if plan.notice.form == "slogan-call":
            plans.append(dataclasses.replace(plan, action="skip", reason="这是口号征集通知，本身没有活动口号"))
            continue
        earlier = planned.get(plan.target)
        if earlier is not None:
            if not _same_content(earlier.text, plan.text):
                raise CatalogueError(
                    f"{earlier.notice_path.name} 和 {path.name} 是同年同地区的两份不同通知，"
                    f"都要写入 {plan.target}。本次没有写入任何文件。",
                    hint="分两次导入，并在两次之间把第一次生成的文件改名。",
                )
            plan = dataclasses.replace(
                plan, action="unchanged", reason=f"内容与本次导入的 {earlier.notice_path.name} 相同"
            )
        elif plan.action in ("write", "replace"):
            planned[plan.target] = plan
        plans.append(plan)
    if not dry_run:
        for plan in plans:
            if plan.action in ("write", "replace"):
                atomic_write(plan.target, plan.text)
    return plans
