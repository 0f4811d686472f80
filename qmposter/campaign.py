"""campaign.toml → Campaign: this year's facts that go on every product.

A campaign names the year, theme, issuing bodies (落款), hotline, QR URL, which slogans
and templates to use and where to write. The bundled campaigns/default.toml is the
newest notice in the catalogue, so `qmposter build` works with no arguments.

The hotline is a per-year fact, not a constant: the quality complaint line was 12365
(质监) until 2019 and 12315 (市场监管) from 2020 on. When a campaign omits `hotline`,
it is derived from `year` by `default_hotline`.

A campaign's slogans come from the bundled catalogue plus its own folder (`catalogue`,
default slogans/ next to the file): `campaign_catalogue` merges both. Text a user must
still fill in (`qmposter init` writes "请填写…") is refused on load, so it is never printed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from qmposter import toml_errors
from qmposter.errors import CampaignError, did_you_mean
from qmposter.fileio import os_reason
from qmposter.resources import bundled_dir
from qmposter.templates import FORMATS

if TYPE_CHECKING:
    from qmposter.catalogue.catalogue import Catalogue, Entry

SELECTIONS = ("source", "year", "all", "ids")
LAST_12365_YEAR = 2019
FIRST_QUALITY_MONTH = 1978

_TOP_KEYS = {
    "year", "name", "theme", "source", "issuers", "hotline", "qr_url", "qr_caption", "catalogue", "slogans", "build",
    "sms", "date", "leaflet",
}  # fmt: skip
_TABLE_KEYS = {
    "slogans": {"select", "ids"},
    "build": {"out", "templates", "formats"},
    "sms": {"signature", "opt_out"},
    "leaflet": {"guiding_idea", "activities", "file"},
}
_HOTLINE_RE = re.compile(r"^[0-9][0-9 -]{2,19}$")
PLACEHOLDER = "请填写"
CAMPAIGN_FILE_NAME = "campaign.toml"
OWN_CATALOGUE = "slogans"
RETIRED_HOTLINE = "12365"


@dataclass(frozen=True)
class Campaign:
    """One campaign (see the module docstring); `path` is the file it came from."""

    path: Path | None
    year: int
    name: str
    theme: str
    source: str | None
    issuers: tuple[str, ...]
    hotline: str
    qr_url: str
    qr_caption: str
    slogan_select: str
    slogan_ids: tuple[str, ...]
    out_dir: Path
    templates: tuple[str, ...]
    formats: tuple[str, ...]
    sms_signature: str | None
    sms_opt_out: str | None
    date: str | None = None  # the date printed under the 落款 (leaflet); None: no date printed
    leaflet_guiding_idea: str | None = None  # [leaflet]: the campaign's own 指导思想 …
    leaflet_activities: tuple[str, ...] = ()  # … and 活动内容 (else the source notice's, attributed)
    leaflet_file: Path | None = None  # [leaflet] file: the leaflet's wording (see templates/leaflet-public.toml)
    catalogue_dir: Path | None = None  # the campaign's own slogans folder; None: bundled only


def _show(value: object) -> str:
    """A value as it would be written in TOML, for messages."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str | int | float | bool | list) else str(value)


def default_hotline(year: int) -> str:
    """The quality complaint hotline of `year`: 12365 until 2019, 12315 after."""
    return "12365" if year <= LAST_12365_YEAR else "12315"


def default_campaign_path() -> Path:
    return bundled_dir("campaigns") / "default.toml"


def load_campaign(path: Path | None = None) -> Campaign:
    """Read and check a campaign file; None reads the bundled default campaign."""
    file = Path(path) if path is not None else default_campaign_path()
    text = _read_text(file)
    data = toml_errors.loads(text, f"活动文件 {file}", CampaignError)
    return _Reader(file, data, bundled=path is None).campaign()


def _read_text(file: Path) -> str:
    """The file's text: UTF-8 (Notepad may add a BOM) or GBK/GB18030, as Chinese Windows saves it."""
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        raise CampaignError(f"活动文件 {file} 不存在。", hint="用 qmposter init 生成一个 campaign.toml。") from None
    except IsADirectoryError:
        raise CampaignError(
            f"活动文件 {file} 无法读取：这是一个文件夹，不是文件。", hint=f"请给出 {file / CAMPAIGN_FILE_NAME}。"
        ) from None
    except OSError as error:
        raise CampaignError(f"活动文件 {file} 无法读取：{os_reason(error)}。") from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CampaignError(
        f"活动文件 {file} 既不是 UTF-8 也不是 GBK/GB18030 编码的文本。", hint="用记事本“另存为”，编码选 UTF-8。"
    )


class _Reader:
    """Checks one parsed campaign file; every message names the file and the key."""

    def __init__(self, path: Path, data: dict, *, bundled: bool = False) -> None:
        self.path = path
        self.data = data
        self.bundled = bundled

    def fail(self, key: str, problem: str, hint: str | None = None) -> CampaignError:
        return CampaignError(f"活动文件 {self.path}：{key} {problem}", hint=hint)

    def check_keys(self, table: dict, allowed: set[str], prefix: str) -> None:
        for key in sorted(set(table) - allowed):
            hint = did_you_mean(key, sorted(allowed), f"可用的键：{'、'.join(sorted(allowed))}。")
            raise self.fail(f"{prefix}{key}", "是未知的键。", hint)

    def table(self, name: str) -> dict:
        value = self.data.get(name, {})
        if not isinstance(value, dict):
            raise self.fail(name, f"应是一个表（[{name}]）。")
        self.check_keys(value, _TABLE_KEYS[name], f"{name}.")
        return value

    def text(self, table: dict, name: str, key: str, default: str | None) -> str | None:
        value = table.get(name, default)
        if value is not None and not isinstance(value, str):
            raise self.fail(key, f"应为字符串，而不是 {_show(value)}。")
        if value is not None and "\0" in value:  # a path with it cannot be opened (ValueError)
            raise self.fail(key, "中有空字符（\\0）。", "删去它。")
        return value.strip() if isinstance(value, str) else value

    def strings(self, table: dict, name: str, key: str) -> tuple[str, ...]:
        value = table.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(key, '应为非空字符串的列表，如 ["甲", "乙"]。')
        return tuple(v.strip() for v in value)

    def campaign(self) -> Campaign:
        data = self.data
        self.check_keys(data, _TOP_KEYS, "")
        self.check_placeholders(data)
        year = self.year()
        slogans, build, sms = self.table("slogans"), self.table("build"), self.table("sms")
        leaflet = self.table("leaflet")
        source = self.text(data, "source", "source", None) or None
        select = self.selection(slogans, source)
        return Campaign(
            path=self.path,
            year=year,
            name=self.text(data, "name", "name", f"{year}年“质量月”活动") or f"{year}年“质量月”活动",
            theme=self.text(data, "theme", "theme", "") or "",
            source=source,
            issuers=self.strings(data, "issuers", "issuers"),
            hotline=self.hotline(year),
            qr_url=self.qr_url(),
            qr_caption=self.text(data, "qr_caption", "qr_caption", "扫码了解质量月活动") or "",
            slogan_select=select,
            slogan_ids=self.strings(slogans, "ids", "slogans.ids"),
            out_dir=Path(self.text(build, "out", "build.out", "out") or "out"),
            templates=self.strings(build, "templates", "build.templates"),
            formats=self.formats(build),
            sms_signature=self.signature(sms),
            sms_opt_out=self.text(sms, "opt_out", "sms.opt_out", None) or None,
            date=self.date(),
            leaflet_guiding_idea=self.text(leaflet, "guiding_idea", "leaflet.guiding_idea", None) or None,
            leaflet_activities=self.strings(leaflet, "activities", "leaflet.activities"),
            leaflet_file=self.leaflet_file(leaflet),
            catalogue_dir=self.catalogue_dir(),
        )

    def check_placeholders(self, data: dict) -> None:
        """Refuse text `qmposter init` left for the user ("请填写落款"): it must never be printed."""
        left = list(_placeholders(data, ""))
        if not left:
            return
        key, value = left[0]
        others = f"（另有 {'、'.join(k for k, _v in left[1:])} 也还没改）" if len(left) > 1 else ""
        raise self.fail(
            key,
            f"还是 qmposter init 留下的占位文字“{value}”{others}，没有印出任何文件。",
            hint="按文件中标有【必改】的注释把写着“请填写”的各项改成本次活动的内容后再运行。",
        )

    def catalogue_dir(self) -> Path | None:
        """The campaign's own slogans folder: `catalogue` (relative to this file), default slogans/."""
        if self.bundled:
            return None
        value = self.text(self.data, "catalogue", "catalogue", None)
        if value == "":
            raise self.fail("catalogue", '为空：写口号库文件夹，如 catalogue = "slogans"，或删去这一行。')
        return self.path.parent / (value or OWN_CATALOGUE)

    def date(self) -> str | None:
        value = self.text(self.data, "date", "date", None) or None
        match = re.fullmatch(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?", value or "")
        if match and not (1 <= int(match[2]) <= 12 and 1 <= int(match[3] or 1) <= 31):
            hint = '写成 "2026-09-01"、"2026-09" 或 "2026年9月"。'
            raise self.fail("date", f'= "{value}" 不是有效的日期。', hint=hint)
        return value

    def leaflet_file(self, leaflet: dict) -> Path | None:
        value = self.text(leaflet, "file", "leaflet.file", None)
        return self.path.parent / value if value else None

    def year(self) -> int:
        if "year" not in self.data:
            raise self.fail("year", "缺少：写活动年份，如 year = 2010。")
        year = self.data["year"]
        if isinstance(year, bool) or not isinstance(year, int):
            raise self.fail("year", f"应为整数年份，而不是 {_show(year)}。")
        if not FIRST_QUALITY_MONTH <= year <= 2100:
            raise self.fail("year", f"= {year} 不合理（“质量月”始于 {FIRST_QUALITY_MONTH} 年）。")
        named = {int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d\d)年", str(self.data.get("name", "")))}
        if named and named != {year}:
            raise self.fail(
                "name",
                f"写的是 {'、'.join(map(str, sorted(named)))} 年，而 year = {year}：两处年份矛盾。",
                hint=f"把 name 中的年份改成 {year}，或改正 year。",
            )
        return year

    def hotline(self, year: int) -> str:
        value = self.text(self.data, "hotline", "hotline", None)
        if value is None:
            return default_hotline(year)
        if not _HOTLINE_RE.match(value):
            raise self.fail("hotline", f'= "{value}" 不像电话号码。', hint='如 "12365"（2019 年及以前）或 "12315"。')
        if value.replace(" ", "").replace("-", "") == RETIRED_HOTLINE and year > LAST_12365_YEAR:
            raise self.fail(
                "hotline",
                f'= "{value}" 与 year = {year} 矛盾：12365 只用到 {LAST_12365_YEAR} 年，此后并入 12315。',
                hint='改为 hotline = "12315"，或删去 hotline 一行（按年份自动取值）。',
            )
        return value

    def qr_url(self) -> str:
        value = self.text(self.data, "qr_url", "qr_url", "") or ""
        if value and not re.match(r"^https?://\S+$", value):
            raise self.fail("qr_url", f'= "{value}" 应是以 http:// 或 https:// 开头的网址。')
        return value

    def selection(self, slogans: dict, source: str | None) -> str:
        select = self.text(slogans, "select", "slogans.select", "source" if source else "year")
        if select not in SELECTIONS:
            raise self.fail("slogans.select", f'= "{select}" 应为 {" / ".join(SELECTIONS)} 之一。')
        if select == "source" and not source:
            raise self.fail("slogans.select", '= "source" 需要同时写 source（口号库中的通知，如 "2010-jiangsu"）。')
        if select == "ids" and not slogans.get("ids"):
            raise self.fail("slogans.ids", '为空：select = "ids" 时要列出口号的 ID 或别名。')
        return select

    def formats(self, build: dict) -> tuple[str, ...]:
        formats = tuple(
            "jpg" if f.lower() == "jpeg" else f.lower() for f in self.strings(build, "formats", "build.formats")
        )
        for fmt in formats:
            if fmt not in FORMATS:
                raise self.fail("build.formats", f'中的 "{fmt}" 不是可用的格式。', hint=f"可用：{'、'.join(FORMATS)}。")
        return formats

    def signature(self, sms: dict) -> str | None:
        value = self.text(sms, "signature", "sms.signature", None) or None
        if value is not None and not re.fullmatch(r"【[^【】]+】", value):
            raise self.fail("sms.signature", f'= "{value}" 应写成【签名】的形式，如 "【江苏质监】"。')
        return value


def _placeholders(table: dict, prefix: str) -> Iterator[tuple[str, str]]:
    """(key, text) of every string still holding a placeholder, in file order."""
    for key, value in table.items():
        if isinstance(value, dict):
            yield from _placeholders(value, f"{prefix}{key}.")
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and PLACEHOLDER in item:
                yield f"{prefix}{key}", item
                break


def campaign_catalogue(campaign: Campaign, catalogue_dir: Path | None = None) -> Catalogue:
    """The catalogue a campaign reads: bundled + its own folder (when it exists), or `catalogue_dir` alone."""
    from qmposter.catalogue.catalogue import load_catalogue

    if catalogue_dir is not None:
        return load_catalogue(catalogue_dir)
    return bundled_and_own(campaign.catalogue_dir)


def bundled_and_own(own: Path | None) -> Catalogue:
    """The bundled catalogue merged with a campaign's own folder (skipped while it does not exist yet)."""
    from qmposter.catalogue.catalogue import load_catalogues

    bundled = bundled_dir("slogans")
    if own is None or not own.exists() or own.resolve() == bundled.resolve():
        return load_catalogues([bundled])
    return load_catalogues([bundled, own])


def own_catalogue_dir(path: Path) -> Path:
    """A campaign file's own slogans folder, read without checking the rest of the file.

    `slogans import|list|variants --campaign` need only this, and must work on a fresh
    `qmposter init` whose other fields are still placeholders.
    """
    text = _read_text(path)
    value = toml_errors.loads(text, f"活动文件 {path}", CampaignError).get("catalogue", OWN_CATALOGUE)
    if not isinstance(value, str) or not value.strip():
        raise CampaignError(f'活动文件 {path}：catalogue 应为口号库文件夹，如 catalogue = "slogans"。')
    return path.parent / value.strip()


def campaign_slogans(campaign: Campaign, catalogue: Catalogue) -> list[Entry]:
    """The slogans a campaign prints: the current wording of each selected family, in order.

    "source": the slogans of the campaign's source notice, in the notice's order;
    "year": every slogan printed in the campaign year; "all": every current slogan;
    "ids": exactly the entries named (an older wording named on purpose is kept).
    """
    select = campaign.slogan_select
    if select == "ids":
        return _unique([catalogue.resolve(ref) for ref in campaign.slogan_ids])
    if select == "all":
        return catalogue.current()
    if select == "year":
        picked = catalogue.current(campaign.year)
        if not picked:
            raise CampaignError(
                f"活动文件 {campaign.path}：口号库中没有 {campaign.year} 年的口号。",
                hint=f'{catalogue.searched()}或把 [slogans] select 改为 "all"。',
            )
        return picked
    if campaign.source not in catalogue.sources:
        known = "、".join(sorted(catalogue.sources)) or "（无）"
        raise CampaignError(
            f'活动文件 {campaign.path}：source = "{campaign.source}" 不在口号库中。',
            hint=f"可用：{known}。{catalogue.searched()}",
        )
    return _unique([catalogue.resolve(entry.family) for entry in catalogue.by_source(campaign.source)])


def _unique(entries: list[Entry]) -> list[Entry]:
    seen: set[str] = set()
    return [e for e in entries if not (e.id in seen or seen.add(e.id))]
