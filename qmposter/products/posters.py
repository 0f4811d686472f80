"""The build's library entry points under their old name, for scripts written against it.

The build itself lives in `qmposter.build` (plan, job, executors, cache, manifest, run);
scripts outside the project (e.g. the shared peer benchmark) import these names from here.
"""

from __future__ import annotations

from qmposter.build.job import Outcome, render_job, write_job
from qmposter.build.manifest import merge_shard_manifests
from qmposter.build.plan import BuildRequest, Job, Plan, Shard, normalize_formats, output_dpi, plan_build
from qmposter.build.run import BuildReport, run_build

__all__ = [
    "BuildReport", "BuildRequest", "Job", "Outcome", "Plan", "Shard", "merge_shard_manifests",
    "normalize_formats", "output_dpi", "plan_build", "render_job", "run_build", "write_job",
]  # fmt: skip
