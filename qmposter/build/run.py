"""Running a Plan: reuse what is unchanged, render the rest, record it, write the manifest last.

Files are written to a temporary name and renamed, the cache journal records every
finished job and the manifest comes last, so a build killed at any point leaves only
whole files and the next run finishes the rest. The files are made durable with one
filesystem sync before the cache and the manifest are written (not one fsync per file);
after a power cut the cache's sha256 check re-renders any file the disk lost.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from qmposter.build.cache import BuildCache, cache_path
from qmposter.build.executors import Executor, make_executor
from qmposter.build.job import Outcome, failure_message
from qmposter.build.manifest import MANIFEST_CSV, MANIFEST_JSON, write_manifest
from qmposter.build.plan import BuildRequest, Job, Plan, Shard
from qmposter.errors import InputError
from qmposter.fileio import is_temporary_of, os_reason, sync_filesystem
from qmposter.folder_lock import folder_lock


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


def run_build(
    plan: Plan,
    request: BuildRequest,
    *,
    on_progress: Callable[[int], None] | None = None,
    on_job: Callable[[Job, str | None], None] | None = None,
) -> BuildReport:
    """Run the plan (or its shard): reuse, render, record; write the manifest (part) last.

    `on_progress(n)` is called as jobs finish (n jobs at a time); `on_job(job, error)` after each
    job rendered in this run, with its failure message or None (the studio shows both as they come).
    """
    started = time.monotonic()
    shard = request.shard
    selected = shard.take(plan.jobs) if shard else list(plan.jobs)
    executor = make_executor(request.executor, jobs=request.jobs, scheduler=request.scheduler)
    _check_out(plan.out)
    with build_lock(plan.out, shard):
        report = _run_locked(plan, request, selected, executor, on_progress, on_job)
    report.seconds = time.monotonic() - started
    return report


@contextlib.contextmanager
def build_lock(out: Path, shard: Shard | None) -> Iterator[None]:
    """The output folder's lock: a full build alone; shards of one build side by side, each shard once."""
    if shard is None:
        with folder_lock(out, "build"):
            yield
        return
    with folder_lock(out, "build", shared=True), folder_lock(
        out, "build --shard", name=f".qmposter.{shard.label}.lock"
    ):
        yield


def _run_locked(
    plan: Plan,
    request: BuildRequest,
    selected: list[Job],
    executor: Executor,
    on_progress: Callable[[int], None] | None,
    on_job: Callable[[Job, str | None], None] | None = None,
) -> BuildReport:
    out, shard = plan.out, request.shard
    report = BuildReport(out=out, planned=len(selected))
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
                if on_job:
                    on_job(job, failure_message(job, outcome.error) if outcome.error else None)
                if on_progress:
                    on_progress(1)
    finally:
        if todo:  # the files were written without one fsync each: make them durable at once
            sync_filesystem(out)  # (a build that reused every file wrote nothing: no wait for the disk)
        cache.save()
    report.failures = [failure_message(j, e) for j in todo if (e := outcomes[j.index].error)]  # in job order
    report.stale = cache.stale({job.path for job in plan.jobs})
    report.manifest = write_manifest(plan, selected, outcomes, shard)
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
    them fileio.temporary_name). Only this run's names: a shard running beside us keeps its own."""
    own_root = {cache_path(out, shard).name, f"manifest.{shard.label}.json" if shard else MANIFEST_JSON, MANIFEST_CSV}
    names_by_dir: dict[Path, set[str]] = {out: own_root if shard is None else own_root - {MANIFEST_CSV}}
    for job in jobs:
        target = out / job.path
        names_by_dir.setdefault(target.parent, set()).add(target.name)
    for folder, names in names_by_dir.items():
        try:
            with os.scandir(folder) as entries:  # not Path.glob: no pattern for `re` to compile in every build
                leftovers = [folder / e.name for e in entries if is_temporary_of(e.name, names)]
        except OSError:
            continue
        for path in leftovers:
            path.unlink(missing_ok=True)

