"""The benchmark script runs, and what it times is what `qmposter build` makes.

Speed itself is never asserted here (docs/performance.md has the figures): only that
bench/bench_build.py --quick runs end to end on one small cell, reports both pipelines,
and that the bytes its phase-by-phase replica of a build job produced are the bytes
render_job produces for the same job — otherwise the benchmark would time something else.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from qmposter.build.job import render_job
from qmposter.build.plan import BuildRequest, plan_build
from qmposter.templates import template_names

ROOT = Path(__file__).resolve().parents[1]


def _small_template() -> str:
    names = template_names()
    return next((n for n in names if n.startswith("led")), names[0])


def test_quick_bench_reports_both_pipelines_and_times_the_real_job(tmp_path: Path) -> None:
    template = _small_template()
    report_file = tmp_path / "bench.json"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench_build.py"), "--quick", "--slogans", "1",
         "--templates", template, "--skip-build", "--json", str(report_file), "--work", str(tmp_path / "work")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "| template | format |" in proc.stdout
    report = json.loads(report_file.read_text(encoding="utf-8"))
    measured = [row for row in report["cells"] if row["files"]]
    assert measured, report["cells"]
    sha_by_path: dict[str, str] = {}
    for row in measured:
        assert row["template"] == template
        for side in ("qmposter", "baseline"):
            assert row[side]["total"]["median_ms"] > 0
        assert set(row["qmposter"]["phases"]) == {"layout", "render", "encode", "write"}
        sha_by_path.update(row["qmposter"]["sha256"])
    assert (tmp_path / "work" / "naive").is_dir()  # the baseline wrote its pictures

    jobs = {job.path: job for job in plan_build(BuildRequest(out=tmp_path / "plan", templates=(template,))).jobs}
    for path, sha in sha_by_path.items():
        assert render_job(jobs[path], None).sha256 == sha, path
