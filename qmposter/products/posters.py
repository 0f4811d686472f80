"""`qmposter build`: plan the poster set, run the jobs, keep it incremental, write the manifest.

A build is a deterministic list of independent jobs — unit × template × slogan × format,
in that order — each making one file (docs/build.md). The list is the same on every
machine, so `--shard I/N` can take every N-th job with no coordination.

A job's key hashes everything its bytes depend on (template files, slogan and campaign
fields, fonts, qmposter's version and code, format, dpi, path). OUT/.qmposter-build*.json
remembers the key and sha256 of each file written; a job whose key matches and whose file
still has that sha256 is not rendered again. Files are written to a temporary name and
renamed, the cache is saved every few seconds and the manifest last, so a build killed at
any point leaves only whole files and the next run finishes the rest.
"""

from __future__ import annotations

import csv
import dataclasses
import difflib
import functools
import hashlib
import io
import json
import math
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from qmposter import __version__
from qmposter.campaign import Campaign, campaign_catalogue, campaign_slogans, load_campaign
from qmposter.catalogue.catalogue import Catalogue, Entry
from qmposter.content import Content
from qmposter.errors import CampaignError, InputError, QmposterError, TemplateError
from qmposter.fileio import os_reason, sha256_file
from qmposter.render.output import RASTER, format_for, write_atomic
from qmposter.templates import FORMATS, Template, load_template, template_names
from qmposter.unit_list import Unit, load_units

PREVIEW_DPI = 100  # PNG/JPEG of a print template: a preview, not the print file
PREVIEW_MAX_PX = 4000  # …whose longer side stays below this (a 6 m banner at 100 dpi would be 24 000 px)
CACHE_PREFIX = ".qmposter-build"
MANIFEST_JSON = "manifest.json"
MANIFEST_CSV = "manifest.csv"
ITEM_FIELDS = (
    "path", "slogan_id", "text", "template", "format", "unit",
    "width_mm", "height_mm", "width_px", "height_px", "dpi", "sha256",
)  # fmt: skip
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_LABEL_PREFIX = re.compile(r"^口号 \S+（模板 [^）]+）：")  # the engine's label: the console message names both already
_CODE_PARTS = ("layout", "render", "templates.py", "content.py", "fonts.py", "text.py")


# -- requests and plans ------------------------------------------------------------------------


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


@dataclass(frozen=True)
class Outcome:
    """What a worker sends back: small, except `data` when the executor writes (dask)."""

    index: int
    sha256: str | None = None
    width_px: int | None = None
    height_px: int | None = None
    error: str | None = None
    data: bytes | None = None


@dataclass
class BuildReport:
    """Counts for the summary; `failures` are Chinese messages, one per failed job."""

    out: Path
    planned: int
    written: int = 0
    unchanged: int = 0
    skipped: int = 0
    failures: list[str] = field(default_factory=list)
    stale: int = 0
    seconds: float = 0.0
    manifest: Path | None = None

    @property
    def failed(self) -> int:
        return len(self.failures)


# -- planning --------------------------------------------------------------------------------------


def plan_build(request: BuildRequest) -> Plan:
    """Read the campaign, catalogue, templates and units and list every job; QmposterError on bad input."""
    formats = normalize_formats(request.formats)
    campaign = load_campaign(request.campaign_path)
    units = load_units(request.units_path) if request.units_path is not None else None
    templates = _templates(request, campaign)
    catalogue = campaign_catalogue(campaign, request.catalogue_dir)
    entries = _slogans(campaign, catalogue, request.year)
    alias_year = request.year if request.year is not None else campaign.year
    out = Path(request.out) if request.out is not None else campaign.out_dir
    jobs = _jobs(campaign, templates, entries, alias_year, formats or campaign.formats, units, cmyk=request.cmyk)
    return Plan(out=out, campaign=campaign, jobs=tuple(jobs), templates_dir=request.templates_dir)


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
    available = template_names(request.templates_dir)
    if request.templates:
        names, origin = list(dict.fromkeys(request.templates)), "--template"
    elif campaign.templates:
        names, origin = list(dict.fromkeys(campaign.templates)), f"活动文件 {campaign.path} 的 build.templates"
    else:
        names, origin = available, ""
    for name in names:
        if name not in available:
            close = difflib.get_close_matches(name, available, n=3, cutoff=0.5)
            hint = f"是不是：{'、'.join(close)}？" if close else f"可用模板：{'、'.join(available) or '（无）'}。"
            raise TemplateError(
                f"{origin} 中的模板“{name}”不存在。", hint=hint + "qmposter templates list 可列出全部模板。"
            )
    if not names:
        raise TemplateError("没有可用的模板。", hint="检查 --templates 指定的文件夹。")
    return [load_template(name, request.templates_dir) for name in names]


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
    base = _base_key()
    template_keys = {t.name: _template_key(t) for t in templates}
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
                    key = _job_key(base, template_keys[template.name], content, fmt, dpi, path, job_cmyk)
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


# -- keys ------------------------------------------------------------------------------------------


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@functools.cache
def _code_fingerprint() -> str:
    """Hash of the rendering code: during development the version stays put while output changes."""
    package = Path(__file__).resolve().parent.parent
    files = sorted(
        path
        for part in _CODE_PARTS
        for path in ([package / part] if part.endswith(".py") else (package / part).rglob("*.py"))
        if path.is_file()
    )
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _base_key() -> str:
    from qmposter.fonts import bundled_fonts

    fonts = sorted((info.id, info.sha256) for info in bundled_fonts())
    return _sha256(json.dumps([__version__, _code_fingerprint(), fonts]).encode())


def _template_key(template: Template) -> str:
    """Name, page and the bytes of every file it depends on (the file, its bases, assets, fonts)."""
    return _sha256(json.dumps([template.name, [sha256_file(Path(p)) for p in template.files]]).encode())


def _job_key(
    base: str, template_key: str, content: Content, fmt: str, dpi: float | None, path: str, cmyk: bool = False
) -> str:
    fields = dataclasses.asdict(content)
    return _sha256(
        json.dumps([base, template_key, fields, fmt, dpi, path, cmyk], ensure_ascii=False, sort_keys=True).encode()
    )


# -- running one job (in a worker) -----------------------------------------------------------------


@functools.lru_cache(maxsize=64)
def _worker_template(name: str, templates_dir: Path | None) -> Template:
    return load_template(name, templates_dir)


def render_job(job: Job, templates_dir: Path | None) -> Outcome:
    """Lay out and render one job in memory; a user-fixable failure becomes Outcome.error."""
    from qmposter.layout.engine import layout_page
    from qmposter.render.output import render_bytes

    try:
        template = _worker_template(job.template, templates_dir)
        page = layout_page(template, job.content)
        data = render_bytes(page, job.format, dpi=job.dpi or template.page.dpi, cmyk=job.cmyk)
    except QmposterError as error:
        return Outcome(job.index, error=_LABEL_PREFIX.sub("", str(error), count=1))
    width_px, height_px = _pixel_size(data) if format_for(Path(job.path)) in RASTER else (None, None)
    return Outcome(job.index, sha256=_sha256(data), width_px=width_px, height_px=height_px, data=data)


def write_job(job: Job, out: Path, templates_dir: Path | None) -> Outcome:
    """Render one job and write its file atomically; returns the outcome without the bytes."""
    outcome = render_job(job, templates_dir)
    if outcome.data is not None:
        write_atomic(out / job.path, outcome.data)
    return dataclasses.replace(outcome, data=None)


def failure_message(job: Job, reason: str) -> str:
    """A failed job for the console: which slogan, template, format (and unit), then why."""
    unit = f"，单位 {job.unit}" if job.unit else ""
    where = f"口号 {job.content.slogan_ref}“{job.content.slogan}”，模板 {job.template}，{job.format.upper()}{unit}"
    return f"{where}：{reason}"


def _pixel_size(data: bytes) -> tuple[int, int]:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        return image.size


# -- the build cache -------------------------------------------------------------------------------


def cache_path(out: Path, shard: Shard | None) -> Path:
    return out / (f"{CACHE_PREFIX}.{shard.label}.json" if shard else f"{CACHE_PREFIX}.json")


def journal_path(out: Path, shard: Shard | None) -> Path:
    return cache_path(out, shard).with_suffix(".journal")


class BuildCache:
    """What earlier builds made: OUT/.qmposter-build[.shard-I-of-N].json, plus this run's journal.

    The journal gets one line per finished job, flushed at once, so a build killed at any
    moment has recorded (almost) everything it wrote; save() folds it into the JSON file.
    A full run reads every shard's cache too, so it reuses what the shards made.
    """

    def __init__(self, out: Path, shard: Shard | None, *, force: bool) -> None:
        self.out, self.shard = out, shard
        self.known: dict[str, list[dict]] = {}
        for file in sorted(out.glob(f"{CACHE_PREFIX}*.json")) + sorted(out.glob(f"{CACHE_PREFIX}*.journal")):
            for path, entry in _read_cache_file(file).items():
                if entry is not None:
                    self.known.setdefault(path, []).append(entry)
        if force:
            self.known = {}
        self.own = _read_cache_file(cache_path(out, shard))
        self.own.update(_read_cache_file(journal_path(out, shard)))
        self.own = {path: entry for path, entry in self.own.items() if entry is not None}
        self._journal = None

    def lookup(self, job: Job) -> Outcome | None:
        """An earlier outcome if its key matches and the file still has its sha256."""
        for entry in self.known.get(job.path, ()):
            if entry.get("key") != job.key:
                continue
            try:
                if sha256_file(self.out / job.path) != entry.get("sha256"):
                    return None
            except OSError:
                return None
            return Outcome(job.index, sha256=entry["sha256"], width_px=entry.get("width_px"),
                           height_px=entry.get("height_px"))  # fmt: skip
        return None

    def record(self, job: Job, outcome: Outcome | None, *, journal: bool = True) -> None:
        """Remember a written (or reused) file; None forgets the path (its job failed)."""
        entry = None
        if outcome is not None:
            entry = {"key": job.key, "sha256": outcome.sha256, "width_px": outcome.width_px,
                     "height_px": outcome.height_px}  # fmt: skip
            self.own[job.path] = entry
        else:
            self.own.pop(job.path, None)
        if journal:
            if self._journal is None:
                self._journal = journal_path(self.out, self.shard).open("a", encoding="utf-8")
            self._journal.write(json.dumps({"path": job.path, "entry": entry}, ensure_ascii=False) + "\n")
            self._journal.flush()

    def save(self) -> None:
        body = {"format": 1, "files": dict(sorted(self.own.items()))}
        write_atomic(cache_path(self.out, self.shard), (json.dumps(body, ensure_ascii=False, indent=1) + "\n").encode())
        if self._journal is not None:
            self._journal.close()
            self._journal = None
        journal_path(self.out, self.shard).unlink(missing_ok=True)

    def stale(self, planned: set[str]) -> int:
        """Files an earlier build made that the plan no longer lists (left in place)."""
        return sum(1 for path in self.known if path not in planned and (self.out / path).is_file())


def _read_cache_file(file: Path) -> dict[str, dict | None]:
    """path → entry (None: forgotten) from a cache JSON or a journal; damage only costs re-renders."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    if file.suffix == ".journal":
        found: dict[str, dict | None] = {}
        for line in text.splitlines():
            try:
                record = json.loads(line)
                found[str(record["path"])] = record["entry"] if isinstance(record["entry"], dict) else None
            except (ValueError, KeyError, TypeError):
                continue  # the last line of a killed build may be cut short
        return found
    try:
        files = json.loads(text).get("files", {})
    except (ValueError, AttributeError):
        return {}
    return {str(k): v for k, v in files.items() if isinstance(v, dict)} if isinstance(files, dict) else {}


# -- running the build -----------------------------------------------------------------------------


def run_build(
    plan: Plan,
    request: BuildRequest,
    *,
    on_progress: Callable[[int], None] | None = None,
) -> BuildReport:
    """Run the plan (or its shard): reuse, render, record; write the manifest (part) last.

    `on_progress(n)` is called as jobs finish (n jobs at a time).
    """
    from qmposter.products.executors import make_executor

    started = time.monotonic()
    shard = request.shard
    out = plan.out
    selected = shard.take(plan.jobs) if shard else list(plan.jobs)
    report = BuildReport(out=out, planned=len(selected))
    executor = make_executor(request.executor, jobs=request.jobs, scheduler=request.scheduler)
    _check_out(out)
    _remove_leftovers(out, selected, shard)
    cache = BuildCache(out, shard, force=request.force)
    outcomes: dict[int, Outcome] = {}
    todo: list[Job] = []
    for job in selected:
        cached = None if job.skip_reason else cache.lookup(job)
        if job.skip_reason:
            report.skipped += 1
        elif cached is not None:
            outcomes[job.index] = cached
            report.unchanged += 1
            cache.record(job, cached, journal=False)
        else:
            todo.append(job)
    if on_progress and len(selected) > len(todo):
        on_progress(len(selected) - len(todo))
    by_index = {job.index: job for job in todo}
    try:
        if todo:
            for outcome in executor.run(todo, out, plan.templates_dir):
                job = by_index[outcome.index]
                outcomes[job.index] = outcome
                report.written += outcome.error is None
                cache.record(job, outcome if outcome.error is None else None)
                if on_progress:
                    on_progress(1)
    finally:
        cache.save()
    report.failures = [failure_message(j, e) for j in todo if (e := outcomes[j.index].error)]  # in job order
    report.stale = cache.stale({job.path for job in plan.jobs})
    report.manifest = write_manifest(plan, selected, outcomes, shard)
    report.seconds = time.monotonic() - started
    return report


def _check_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise InputError(f"输出位置 {out} 已存在且不是文件夹。", hint="用 --out 换一个文件夹。")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(f"无法创建输出文件夹 {out}：{os_reason(error)}。") from None


def _remove_leftovers(out: Path, jobs: Sequence[Job], shard: Shard | None) -> None:
    """Temporary files a killed build left next to this run's own files (write_atomic names
    them .NAME.XXXX.tmp). Only this run's names: a shard running beside us keeps its own."""
    own_root = {cache_path(out, shard).name, f"manifest.{shard.label}.json" if shard else MANIFEST_JSON, MANIFEST_CSV}
    names_by_dir: dict[Path, set[str]] = {out: own_root if shard is None else own_root - {MANIFEST_CSV}}
    for job in jobs:
        target = out / job.path
        names_by_dir.setdefault(target.parent, set()).add(target.name)
    for folder, names in names_by_dir.items():
        try:
            leftovers = [p for p in folder.glob(".*.tmp") if p.name[1:].rsplit(".", 2)[0] in names]
        except OSError:
            continue
        for path in leftovers:
            path.unlink(missing_ok=True)


# -- the manifest ----------------------------------------------------------------------------------


def manifest_item(job: Job, outcome: Outcome) -> dict:
    dpi = job.dpi
    return {
        "path": job.path,
        "slogan_id": job.slogan_id,
        "text": job.content.slogan,
        "template": job.template,
        "format": job.format,
        "unit": job.unit,
        "width_mm": job.width_mm,
        "height_mm": job.height_mm,
        "width_px": outcome.width_px,
        "height_px": outcome.height_px,
        "dpi": int(dpi) if dpi is not None and dpi == int(dpi) else dpi,
        "sha256": outcome.sha256,
    }


def _slot(job: Job, reason: str) -> dict:
    return {
        "slogan_id": job.slogan_id, "template": job.template, "format": job.format, "unit": job.unit, "reason": reason,
    }  # fmt: skip


def manifest_body(plan: Plan, jobs: Sequence[Job], outcomes: dict[int, Outcome], shard: Shard | None) -> dict:
    """The manifest of `jobs` (all of a full run, or one shard's), in job order, no timestamps."""
    items, skipped, failed = [], [], []
    for job in jobs:
        outcome = outcomes.get(job.index)
        if job.skip_reason:
            skipped.append(_slot(job, job.skip_reason))
        elif outcome is not None and outcome.error is None:
            items.append(manifest_item(job, outcome))
        elif outcome is not None:
            failed.append(_slot(job, outcome.error or ""))
    campaign = plan.campaign
    body: dict = {
        "version": __version__,
        "campaign": {
            "name": campaign.name, "year": campaign.year, "theme": campaign.theme, "source": campaign.source,
            "issuers": list(campaign.issuers),
        },
        "items": items,
        "skipped": skipped,
        "failed": failed,
    }
    if shard is not None:
        body["shard"] = {"index": shard.index, "count": shard.count, "jobs": len(plan.jobs)}
        body["job_index"] = {
            "items": [j.index for j in jobs if not j.skip_reason and _ok(outcomes.get(j.index))],
            "skipped": [j.index for j in jobs if j.skip_reason],
            "failed": [j.index for j in jobs if not j.skip_reason and _failed(outcomes.get(j.index))],
        }
    return body


def _ok(outcome: Outcome | None) -> bool:
    return outcome is not None and outcome.error is None


def _failed(outcome: Outcome | None) -> bool:
    return outcome is not None and outcome.error is not None


def write_manifest(plan: Plan, jobs: Sequence[Job], outcomes: dict[int, Outcome], shard: Shard | None) -> Path:
    """manifest.json + manifest.csv for a full run; manifest.shard-I-of-N.json for a shard."""
    body = manifest_body(plan, jobs, outcomes, shard)
    if shard is not None:
        path = plan.out / f"manifest.{shard.label}.json"
        write_atomic(path, _json_bytes(body))
        return path
    return write_full_manifest(plan.out, body)


def write_full_manifest(out: Path, body: dict) -> Path:
    write_atomic(out / MANIFEST_CSV, manifest_csv(body["items"]))
    path = out / MANIFEST_JSON
    write_atomic(path, _json_bytes(body))
    return path


def _json_bytes(body: dict) -> bytes:
    return (json.dumps(body, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def manifest_csv(items: Sequence[dict]) -> bytes:
    """The items as CSV: UTF-8 with BOM (Excel/WPS), CRLF, no cell a spreadsheet would run as a formula."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(ITEM_FIELDS)
    for item in items:
        writer.writerow([_csv_cell(item[name]) for name in ITEM_FIELDS])
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    text = str(value)
    return "'" + text if isinstance(value, str) and text.startswith(_FORMULA_START) else text


# -- merging shard manifests -----------------------------------------------------------------------


def merge_shard_manifests(out: Path) -> tuple[Path, int]:
    """Join OUT/manifest.shard-*-of-N.json into manifest.json/.csv in job order.

    Refuses (InputError) when a part is missing, parts disagree (another build, another N)
    or none are found. Returns the manifest path and the number of parts merged.
    """
    parts = sorted(out.glob("manifest.shard-*-of-*.json"))
    if not parts:
        raise InputError(f"{out} 中没有分片清单 manifest.shard-I-of-N.json。", hint="先用 --shard I/N 运行各个分片。")
    bodies = [_read_part(p) for p in parts]
    counts = {(b["shard"]["count"], b["shard"]["jobs"], b["version"], json.dumps(b["campaign"])) for b in bodies}
    if len(counts) != 1:
        raise InputError(
            f"{out} 中的分片清单来自不同的构建（分片数、任务数或活动不一致）。", hint="删掉旧的分片清单后重新运行。"
        )
    count = bodies[0]["shard"]["count"]
    present = {b["shard"]["index"] for b in bodies}
    missing = [str(i) for i in range(1, count + 1) if i not in present]
    if missing:
        raise InputError(f"{out} 缺少分片 {'、'.join(missing)}（共 {count} 片）。", hint="等所有分片都运行完再合并。")
    merged: dict = {"version": bodies[0]["version"], "campaign": bodies[0]["campaign"]}
    for kind in ("items", "skipped", "failed"):
        pairs = [(i, entry) for b in bodies for i, entry in zip(b["job_index"][kind], b[kind], strict=True)]
        merged[kind] = [entry for _i, entry in sorted(pairs, key=lambda pair: pair[0])]
    return write_full_manifest(out, merged), len(bodies)


def _read_part(path: Path) -> dict:
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
        shard = body["shard"]
        for kind in ("items", "skipped", "failed"):
            if len(body["job_index"][kind]) != len(body[kind]):
                raise ValueError(kind)
        int(shard["index"]), int(shard["count"]), int(shard["jobs"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise InputError(f"分片清单 {path} 无法读取或已损坏：{error}。", hint="重新运行这个分片。") from None
    return body
