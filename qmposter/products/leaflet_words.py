"""The leaflet's words for the public: what the month is, what you can do, where to complain.

A leaflet handed out in the street speaks to citizens, not to the government bodies a
notice addresses, so its public part is editable wording, not notice text:
templates/leaflet-public.toml (bundled), optionally overridden key by key by the file a
campaign names in ``[leaflet] file``. That file may also carry the campaign's own
``guiding_idea`` and ``activities`` (read by `leaflet_content`). ``{hotline}`` and
``{year}`` in the wording are filled from the campaign.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from qmposter import toml_errors
from qmposter.errors import CampaignError, TemplateError
from qmposter.fileio import os_reason
from qmposter.resources import bundled_dir

PUBLIC_FILE = "leaflet-public.toml"
_KEYS = {"kind", "part", "about", "tips", "complaint", "guiding_idea", "activities"}
_SECTION_KEYS = {"heading", "text", "items"}


@dataclass(frozen=True)
class Tip:
    """One thing a citizen can do: a short bold title and one sentence."""

    title: str
    text: str


@dataclass(frozen=True)
class PublicWords:
    """The public part of a leaflet (see the module docstring)."""

    about_heading: str
    about: str
    tips_heading: str
    tips: tuple[Tip, ...]
    complaint_heading: str
    complaint: str


@dataclass(frozen=True)
class OwnPlan:
    """A campaign's own 指导思想 and 活动内容 given in its leaflet file (empty when not given)."""

    guiding_idea: str | None
    activities: tuple[str, ...]


def public_words(own_file: Path | None, *, hotline: str, year: int) -> PublicWords:
    """The bundled wording, with the keys of `own_file` (a campaign's [leaflet] file) taking precedence."""
    bundled = _read(bundled_dir("templates") / PUBLIC_FILE, TemplateError)
    own = _read(own_file, CampaignError) if own_file else {}
    reader = _Words(own_file or bundled_dir("templates") / PUBLIC_FILE, {"hotline": hotline, "year": str(year)})
    about = reader.section(own, bundled, "about")
    tips = reader.section(own, bundled, "tips")
    complaint = reader.section(own, bundled, "complaint")
    return PublicWords(
        about_heading=reader.text(about, "about.heading"),
        about=reader.text(about, "about.text"),
        tips_heading=reader.text(tips, "tips.heading"),
        tips=reader.tips(tips),
        complaint_heading=reader.text(complaint, "complaint.heading"),
        complaint=reader.text(complaint, "complaint.text"),
    )


def own_plan(own_file: Path | None) -> OwnPlan:
    """The guiding idea and activities a campaign's leaflet file gives (none without a file)."""
    if own_file is None:
        return OwnPlan(None, ())
    data = _read(own_file, CampaignError)
    reader = _Words(own_file, {})
    guiding = data.get("guiding_idea")
    activities = data.get("activities", [])
    if guiding is not None and not (isinstance(guiding, str) and guiding.strip()):
        raise reader.fail("guiding_idea", "应为非空字符串。")
    if not isinstance(activities, list) or not all(isinstance(a, str) and a.strip() for a in activities):
        raise reader.fail("activities", '应为非空字符串的列表，如 ["开展质量咨询：……", "……"]。')
    return OwnPlan(guiding.strip() if guiding else None, tuple(a.strip() for a in activities))


def _read(path: Path, error: type[CampaignError] | type[TemplateError]) -> dict:
    try:
        text = _decode(path.read_bytes())
    except FileNotFoundError:
        hint = "检查活动文件 [leaflet] file 的路径（相对于活动文件）。"
        raise error(f"找不到传单文字文件 {path}。", hint=hint) from None
    except UnicodeDecodeError:
        raise error(f"传单文字文件 {path} 不是文本文件（UTF-8 或 GB18030/GBK）。") from None
    except OSError as exc:
        raise error(f"传单文字文件 {path} 无法读取：{os_reason(exc)}。") from None
    data = toml_errors.loads(text, f"传单文字文件 {path}", error)
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise error(f"传单文字文件 {path}：{unknown[0]} 是未知的键。", hint=f"可用的键：{'、'.join(sorted(_KEYS))}。")
    return data


def _decode(data: bytes) -> str:
    """UTF-8 (with or without the BOM Notepad writes), else GB18030 (a superset of GBK): how
    Chinese Windows editors save a file."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")


class _Words:
    """Checks wording tables; every message names the file and the key."""

    def __init__(self, path: Path, fields: dict[str, str]) -> None:
        self.path = path
        self.fields = fields

    def fail(self, key: str, problem: str) -> CampaignError:
        return CampaignError(f"传单文字文件 {self.path}：{key} {problem}")

    def section(self, own: dict, bundled: dict, name: str) -> dict:
        tables = [t.get(name, {}) for t in (bundled, own)]
        for table in tables:
            if not isinstance(table, dict):
                raise self.fail(name, f"应是一个表（[{name}]）。")
            unknown = sorted(set(table) - _SECTION_KEYS)
            if unknown:
                raise self.fail(f"{name}.{unknown[0]}", f"是未知的键；可用：{'、'.join(sorted(_SECTION_KEYS))}。")
        return {**tables[0], **tables[1]}

    def fill(self, text: str, key: str) -> str:
        try:
            return text.strip().format(**self.fields)
        except (KeyError, ValueError, IndexError):
            names = "、".join("{" + k + "}" for k in self.fields)
            raise self.fail(key, f"中的花括号无法替换；可用的占位符：{names}。") from None

    def text(self, table: dict, key: str) -> str:
        value = table.get(key.split(".")[-1])
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "缺失或不是非空字符串。")
        return self.fill(value, key)

    def tips(self, table: dict) -> tuple[Tip, ...]:
        items = table.get("items")
        ok = isinstance(items, list) and items and all(_is_tip(i) for i in items)
        if not ok:
            raise self.fail("tips.items", '应为非空列表，每项写成 { title = "……", text = "……" }。')
        return tuple(Tip(self.fill(i["title"], "tips.items"), self.fill(i["text"], "tips.items")) for i in items)


def _is_tip(item: object) -> bool:
    return (
        isinstance(item, dict)
        and set(item) == {"title", "text"}
        and all(isinstance(v, str) and v.strip() for v in item.values())
    )
