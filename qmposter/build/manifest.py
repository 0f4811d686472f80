"""The build manifest: manifest.json + manifest.csv in job order, shard parts and their merge."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path

from qmposter import __version__
from qmposter.build.job import Outcome
from qmposter.build.plan import Job, Plan, Shard
from qmposter.errors import InputError
from qmposter.folder_lock import folder_lock
from qmposter.render.output import write_atomic

MANIFEST_JSON = "manifest.json"
MANIFEST_CSV = "manifest.csv"
ITEM_FIELDS = (
    "path", "slogan_id", "text", "template", "format", "unit",
    "width_mm", "height_mm", "width_px", "height_px", "dpi", "sha256",
)  # fmt: skip
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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
            "name": campaign.name,
            "year": campaign.year,
            "theme": campaign.theme,
            "source": campaign.source,
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


def merge_shard_manifests(out: Path) -> tuple[Path, int]:
    """Join OUT/manifest.shard-*-of-N.json into manifest.json/.csv in job order.

    Refuses (InputError) when a part is missing, parts disagree (another build, another N)
    or none are found. Returns the manifest path and the number of parts merged.
    """
    parts = sorted(out.glob("manifest.shard-*-of-*.json"))
    if not parts:
        raise InputError(f"{out} 中没有分片清单 manifest.shard-I-of-N.json。", hint="先用 --shard I/N 运行各个分片。")
    with folder_lock(out, "build --merge-shards"):
        return _merge(out, parts)


def _merge(out: Path, parts: list[Path]) -> tuple[Path, int]:
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
