"""Planning a build: what was asked (BuildRequest) → every job, in order (Plan)."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from qmposter.build.keys import base_key, job_key, template_key
from qmposter.campaign import Campaign, campaign_catalogue, campaign_slogans, load_campaign
from qmposter.catalogue.catalogue import Catalogue, Entry
from qmposter.content import Content
from qmposter.errors import CampaignError, InputError, TemplateError, close_matches
from qmposter.template_cache import loaded_template
from qmposter.templates import FORMATS, Template, is_template_name, template_names

if TYPE_CHECKING:
    from qmposter.unit_list import Unit

PREVIEW_DPI = 100  # PNG/JPEG of a print template: a preview, not the print file
PREVIEW_MAX_PX = 4000  # …whose longer side stays below this (a 6 m banner at 100 dpi would be 24 000 px)


@dataclass(frozen=True)
class Shard:
    """Shard `index` (1-based) of `count`: jobs index-1, index-1+count, …"""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        """ "2/3" → Shard(2, 3); InputError (Chinese) for anything else."""
        parts = text.strip().split("/")
        try:
            index, count = (int(p) for p in parts) if len(parts) == 2 else (0, 0)
        except ValueError:
            index = count = 0
        if count < 1 or not 1 <= index <= count:
            raise InputError(
                f"--shard “{text}” 无效：应写成 I/N，N ≥ 1 且 1 ≤ I ≤ N。",
                hint="例如三台机器分别用 --shard 1/3、--shard 2/3、--shard 3/3。",
            )
        return cls(index, count)

    @property
    def label(self) -> str:
        return f"shard-{self.index}-of-{self.count}"

    def take(self, jobs: Sequence[Job]) -> list[Job]:
        return list(jobs[self.index - 1 :: self.count])


@dataclass(frozen=True)
class BuildRequest:
    """What `qmposter build` was asked for; None/() means "from the campaign" or the default."""

    campaign_path: Path | None = None
    out: Path | None = None
    year: int | None = None
    templates: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    units_path: Path | None = None
    jobs: int | None = None
    shard: Shard | None = None
    executor: str = "local"
    scheduler: str | None = None
    force: bool = False
    templates_dir: Path | None = None
    catalogue_dir: Path | None = None
    cmyk: bool = False  # print PDFs in the templates' CMYK colours (what offset print shops ask for)


@dataclass(frozen=True)
class Job:
    """One file to make (or, with `skip_reason`, a slot the template does not take).

    `index` is the position in the full list; `path` is relative to the output folder.
    Jobs are pickled to worker processes and dask workers, so they carry their Content.
    """

    index: int
    template: str
    format: str
    dpi: float | None
    path: str
    content: Content
    slogan_id: str
    unit: str | None
    key: str
    width_mm: float
    height_mm: float
    skip_reason: str | None = None
    cmyk: bool = False


@dataclass(frozen=True)
class Plan:
    """Every job of a build, in order, and what is needed to run them."""

    out: Path
    campaign: Campaign
    jobs: tuple[Job, ...]
    templates_dir: Path | None


def plan_build(request: BuildRequest, *, campaign: Campaign | None = None, catalogue: Catalogue | None = None) -> Plan:
    """Read the campaign, catalogue, templates and units and list every job; QmposterError on bad input.

    `campaign` and `catalogue`, when the caller has loaded (and checked) them already for this
    request, are used instead of reading the files a second time.
    """
    formats = normalize_formats(request.formats)
    campaign = campaign if campaign is not None else load_campaign(request.campaign_path)
    units = _units(request.units_path) if request.units_path is not None else None
    templates = _templates(request, campaign)
    if catalogue is None:
        catalogue = campaign_catalogue(campaign, request.catalogue_dir)
    entries = _slogans(campaign, catalogue, request.year)
    alias_year = request.year if request.year is not None else campaign.year
    out = Path(request.out) if request.out is not None else campaign.out_dir
    jobs = _jobs(campaign, templates, entries, alias_year, formats or campaign.formats, units, cmyk=request.cmyk)
    return Plan(out=out, campaign=campaign, jobs=tuple(jobs), templates_dir=request.templates_dir)


def _units(path: Path) -> list[Unit]:
    from qmposter.unit_list import load_units  # only a build with --units reads a units list

    return load_units(path)


def normalize_formats(formats: Iterable[str]) -> tuple[str, ...]:
    """Lower-case, jpeg → jpg, duplicates dropped; InputError naming the unknown one."""
    result: list[str] = []
    for raw in formats:
        fmt = raw.strip().lower().lstrip(".")
        fmt = "jpg" if fmt == "jpeg" else fmt
        if fmt not in FORMATS:
            raise InputError(f"未知的输出格式“{raw}”。", hint=f"可用：{'、'.join(FORMATS)}。")
        if fmt not in result:
            result.append(fmt)
    return tuple(result)


def _templates(request: BuildRequest, campaign: Campaign) -> list[Template]:
    """The templates to build, loaded; named ones are checked one by one (listing every
    template parses every file, which only an unknown name or "all of them" needs)."""
    if request.templates:
        names, origin = list(dict.fromkeys(request.templates)), "--template"
    elif campaign.templates:
        names, origin = list(dict.fromkeys(campaign.templates)), f"活动文件 {campaign.path} 的 build.templates"
    else:
        names, origin = template_names(request.templates_dir), ""
    for name in names:
        if not origin or is_template_name(name, request.templates_dir):
            continue
        available = template_names(request.templates_dir)
        close = close_matches(name, available, n=3, cutoff=0.5)
        hint = f"是不是：{'、'.join(close)}？" if close else f"可用模板：{'、'.join(available) or '（无）'}。"
        raise TemplateError(
            f"{origin} 中的模板“{name}”不存在。", hint=hint + "qmposter templates list 可列出全部模板。"
        )
    if not names:
        raise TemplateError("没有可用的模板。", hint="检查 --templates 指定的文件夹。")
    return [loaded_template(name, request.templates_dir) for name in names]  # the jobs draw with these


def _slogans(campaign: Campaign, catalogue: Catalogue, year: int | None) -> list[Entry]:
    if year is None:
        entries = campaign_slogans(campaign, catalogue)
    else:
        entries = catalogue.current(year)
        if not entries:
            years = sorted({y for e in catalogue.entries for y in e.years})
            raise CampaignError(
                f"口号库中没有 {year} 年的口号。",
                hint=f"口号库中有这些年份：{'、'.join(map(str, years)) or '（无）'}。",
            )
    if not entries:
        raise CampaignError(f"活动文件 {campaign.path} 没有选中任何口号。")
    return entries


def _jobs(
    campaign: Campaign,
    templates: list[Template],
    entries: list[Entry],
    alias_year: int,
    formats: tuple[str, ...],
    units: list[Unit] | None,
    *,
    cmyk: bool = False,
) -> list[Job]:
    from qmposter.layout.engine import skip_reason

    jobs: list[Job] = []
    base = base_key()
    template_keys = {t.name: template_key(t) for t in templates}
    for unit in units if units is not None else [None]:
        for template in templates:
            for entry in entries:
                alias = entry.alias_in(alias_year)
                content = _content(campaign, entry, alias, unit)
                reason = skip_reason(template, content)
                folder = f"{unit.slug}/{template.name}" if unit is not None else template.name
                for fmt in formats or template.page.formats:
                    dpi = output_dpi(template, fmt)
                    path = f"{folder}/{alias}_{entry.id}.{fmt}"
                    job_cmyk = cmyk and fmt == "pdf"
                    key = job_key(base, template_keys[template.name], content, fmt, dpi, path, job_cmyk)
                    jobs.append(Job(
                        index=len(jobs), template=template.name, format=fmt, dpi=dpi, path=path, content=content,
                        slogan_id=entry.id, unit=unit.name if unit else None, key=key,
                        width_mm=_mm(template.page.width), height_mm=_mm(template.page.height), skip_reason=reason,
                        cmyk=job_cmyk,
                    ))  # fmt: skip
    return jobs


def _content(campaign: Campaign, entry: Entry, alias: str, unit: Unit | None) -> Content:
    content = Content.from_campaign(campaign, entry.text, alias)
    if unit is None:
        return content
    return dataclasses.replace(
        content,
        unit=unit.name,
        issuers=unit.issuers,
        qr_url=unit.qr_url or content.qr_url,
        hotline=unit.hotline or content.hotline,
        qr_caption=unit.qr_caption or content.qr_caption,
    )


def output_dpi(template: Template, fmt: str) -> float | None:
    """None for vector formats; the template's own dpi for screen images (pixel-exact);
    for a print template's preview PREVIEW_DPI (never above the template's dpi), lowered so
    the longer side stays under PREVIEW_MAX_PX."""
    if fmt in ("pdf", "svg"):
        return None
    if not template.is_print:
        return template.page.dpi
    longest_inch = max(template.page.width, template.page.height) / 72
    return float(max(1, min(PREVIEW_DPI, template.page.dpi, math.floor(PREVIEW_MAX_PX / longest_inch))))


def _mm(points: float) -> float:
    return round(points / 72 * 25.4, 2)
