"""Benchmark of one PDF poster (or PNG image) per file, as the shared peer benchmark's `qm_api.py` drives it.

One fresh process per (installation, template): `plan_build` of the template's PDF jobs (PNG
for a template given as `NAME:png`), then `write_job` per file (layout, render, write_atomic),
each slogan once. Reported per process: the CPU of the first file (what a `qmposter render` or a
build pays once: imports, reportlab registering the fonts, first layouts, stored canvases and
glyphs read back), of the 2nd–4th files together (caches that fill on the first pages), the
median CPU of the files after the first (the warm per-file cost) and the warm-up: all files'
CPU minus their count × that median. Rounds interleave the installations (--compare BIN) and
templates, so they see the same load.

The default pair is the stock `poster-a3-red` against `peer-a3`, the same design drawn by the
peers (their templates folder: --peer-templates, by default ../shared/bench-peers/templates).
The user cache folder is warmed by the warm-up round (a user's second run); --cold-cache gives
every process an empty one instead. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = """
import json, sys, time
from pathlib import Path
c0 = time.process_time()
from qmposter.products.posters import BuildRequest, plan_build, write_job
out, template, tdir = Path(sys.argv[1]), sys.argv[2], (Path(sys.argv[3]) if sys.argv[3] else None)
template, _, fmt = template.partition(":")
plan = plan_build(BuildRequest(templates=(template,), formats=(fmt or "pdf",), out=out, force=True,
                               templates_dir=tdir))
setup = time.process_time() - c0
cpu = []
for job in plan.jobs:
    if job.skip_reason is None:
        c = time.process_time()
        outcome = write_job(job, out, tdir)
        cpu.append(time.process_time() - c)
        if outcome.error:
            raise SystemExit(outcome.error)
print(json.dumps({"setup": setup, "cpu": cpu}))
"""


STAGES_CHILD = """
import importlib, json, sys, time
from pathlib import Path
from qmposter.products.posters import BuildRequest, plan_build
from qmposter.build.job import worker_template
from qmposter.layout.engine import layout_page
from qmposter.render.output import render_bytes, write_atomic
out, template, tdir = Path(sys.argv[1]), sys.argv[2], (Path(sys.argv[3]) if sys.argv[3] else None)
template, _, fmt = template.partition(":")
plan = plan_build(BuildRequest(templates=(template,), formats=(fmt or "pdf",), out=out, force=True,
                               templates_dir=tdir))
backend = "qmposter.render.pdf" if (fmt or "pdf") == "pdf" else "qmposter.render.raster"
stages, pt = [], time.process_time
for job in plan.jobs:
    if job.skip_reason is None:  # the steps of build.job.write_job, timed one by one
        t0 = pt(); importlib.import_module(backend); t1 = pt()
        tpl = worker_template(job.template, tdir); page = layout_page(tpl, job.content); t2 = pt()
        data = render_bytes(page, job.format, dpi=job.dpi or tpl.page.dpi, cmyk=job.cmyk); t3 = pt()
        write_atomic(out / job.path, data, durable=False); t4 = pt()
        stages.append([t1 - t0, t2 - t1, t3 - t2, t4 - t3])
print(json.dumps({"setup": 0.0, "cpu": [sum(s) for s in stages], "stages": stages}))
"""
STAGES = ("import backend", "layout", "render", "write")


def run_child(python: str, out: Path, template: str, tdir: str, env: dict[str, str], code: str = CHILD) -> dict:
    proc = subprocess.run([python, "-c", code, str(out), template, tdir], env=env, capture_output=True,
                          text=True, cwd=out.parent)  # fmt: skip
    if proc.returncode != 0:
        raise SystemExit(f"{python} {template} failed:\n{proc.stderr}")
    return json.loads(proc.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", type=Path, default=Path(sys.executable).parent, help="bin/ of the qmposter to measure")
    parser.add_argument("--compare", type=Path, metavar="BIN", help="bin/ of another installation, same rounds")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1, help="unmeasured rounds first (.pyc, user cache)")
    parser.add_argument("--templates", default="poster-a3-red,peer-a3", help="comma list; the first / second = ratio")
    default_peers = Path(__file__).resolve().parents[2] / "shared" / "bench-peers" / "templates"
    parser.add_argument("--peer-templates", type=Path, default=default_peers,
                        help="folder holding templates not bundled (peer-a3)")  # fmt: skip
    parser.add_argument("--cold-cache", action="store_true", help="an empty user cache folder for every process")
    parser.add_argument("--stages", action="store_true",
                        help="time write_job's steps (backend import, layout, render, write) per file instead")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    insts = {"new": f"{args.bin}/python"} | ({"old": f"{args.compare}/python"} if args.compare else {})
    templates = args.templates.split(",")
    work = Path(tempfile.mkdtemp(prefix="qm-bench-pdf-"))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    results: dict = {lab: {t: [] for t in templates} for lab in insts}
    try:
        for round_no in range(1 - args.warmup, args.rounds + 1):
            for template in templates:
                for lab, python in insts.items():
                    tdir = str(args.peer_templates) if not _bundled(template) else ""
                    out = work / f"out-{lab}-{template}"
                    shutil.rmtree(out, ignore_errors=True)
                    out.mkdir()
                    cache = work / (f"cache-{lab}-{round_no}-{template}" if args.cold_cache else f"cache-{lab}")
                    child = run_child(python, out, template, tdir, env | {"QMPOSTER_CACHE_DIR": str(cache)},
                                      STAGES_CHILD if args.stages else CHILD)
                    if round_no > 0:
                        results[lab][template].append(child)
            print(f"round {round_no}/{args.rounds} done", file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(_stages_markdown(results, templates) if args.stages else _markdown(results, templates, args))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0


def _bundled(template: str) -> bool:
    return not template.startswith("peer-")  # NAME or NAME:FORMAT


def _markdown(results: dict, templates: list[str], args) -> str:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    lines = [
        f"{time.strftime('%Y-%m-%d %H:%M')}, load at end {load}, {args.rounds} rounds, "
        f"{'cold' if args.cold_cache else 'warm'} user cache; CPU ms, median over rounds [min–max]",
        "",
        "| installation | template | setup | first file | files 2–4 | per file (rest, median) | warm-up |",
        "|---|---|--:|--:|--:|--:|--:|",
    ]
    per_file: dict = {}
    for lab, by_template in results.items():
        for template in templates:
            rows = by_template[template]
            setup = [r["setup"] * 1000 for r in rows]
            first = [r["cpu"][0] * 1000 for r in rows]
            early = [sum(r["cpu"][1:4]) * 1000 for r in rows]
            rest = [statistics.median(r["cpu"][1:]) * 1000 for r in rows]
            warmup = [sum(r["cpu"]) * 1000 - len(r["cpu"]) * m for r, m in zip(rows, rest, strict=True)]
            per_file[lab, template] = rest
            cells = " | ".join(map(_stat, (setup, first, early, rest, warmup)))
            lines.append(f"| {lab} | {template} | {cells} |")
    if len(templates) >= 2:
        lines.append("")
        for lab in results:
            a, b = per_file[lab, templates[0]], per_file[lab, templates[1]]
            ratios = ", ".join(f"{x / y:.2f}" for x, y in zip(a, b, strict=True))
            ratio = statistics.median(a) / statistics.median(b)
            lines.append(f"{lab}: per-file ratio {templates[0]} / {templates[1]} = {ratio:.2f} (rounds {ratios})")
    return "\n".join(lines)


def _stages_markdown(results: dict, templates: list[str]) -> str:
    """Per installation and template: each step of the 1st and 2nd file and the median of the others (ms)."""
    lines = ["| installation | template | file | " + " | ".join(STAGES) + " |", "|---|---|---|" + "--:|" * len(STAGES)]
    for lab, by_template in results.items():
        for template in templates:
            rows = [r["stages"] for r in by_template[template]]
            picks = (("1st", lambda s: s[0]), ("2nd", lambda s: s[1]), ("rest (median)", _median_steps))
            for label, pick in picks:
                cells = [statistics.median(pick(r)[k] for r in rows) * 1000 for k in range(len(STAGES))]
                lines.append(f"| {lab} | {template} | {label} | " + " | ".join(f"{c:.2f}" for c in cells) + " |")
    return "\n".join(lines)


def _median_steps(files: list[list[float]]) -> list[float]:
    """Each step's median over the files after the second."""
    return [statistics.median(step) for step in zip(*files[2:], strict=True)]


def _stat(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} [{min(values):.2f}–{max(values):.2f}]"


if __name__ == "__main__":
    sys.exit(main())
