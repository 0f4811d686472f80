"""Benchmark of what a qmposter process pays besides its files: cold start, per-build overhead, --jobs.

Every measurement is a fresh process (as a user runs qmposter), CPU = user + sys of the
whole process tree (worker processes included: this script adopts orphaned grandchildren
as a child subreaper and reaps them), wall = start to exit. Rounds are interleaved, and
with --compare BIN the other installation (e.g. the code before a change) runs in the same
rounds, command after command, so both see the same machine load.

  cold      `python -c pass`, `qmposter --version`, `qmposter render` of one PDF and one PNG, and
            of an unknown slogan (the error path, exit 2);
  builds    the shared peer benchmark's two builds (21 × poster-a3-red PDF, 21 × image-square-1080
            PNG, `--jobs 1 --force`), the same builds of one slogan (a campaign file selecting it),
            and the same jobs in one warm process (write_job per file):
            overhead = build CPU − files × median CPU per file of the warm process;
  jobs      (--jobs-sizes) builds of 21 / 42 / 126 / 651 files with --jobs 1 and --jobs N.
  phases    (--phases) the same two builds through the console script's main(), with CPU marks
            between the phases of a build (imports, campaign, plan, first file, the other files,
            sync, cache and manifest, exit handlers); the rest of the process's CPU (interpreter
            start, teardown) from the parent's rusage.

By default the user cache folder is filled by the warm-up round (a user's second run); with
--cold every command gets an empty one (a user's first run: fonts, word breaks, QR, dataclass
code worked out again). Output: a Markdown report on stdout, --json FILE for the raw figures.
See bench/README.md.
"""

from __future__ import annotations

import argparse
import ctypes
import itertools
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

PR_SET_CHILD_SUBREAPER = 36
SLOGAN = "2010-05"
UNKNOWN_SLOGAN = "2010-99"  # the error path: the 2010 list has 21
BUILDS = {"pdf": ("poster-a3-red", "pdf"), "png": ("image-square-1080", "png")}
# file sets for --jobs-sizes: build arguments (templates, formats); "all" is the whole default campaign
SIZES = {
    "21": (["poster-a3-red"], ["pdf"]),
    "42": (["poster-a3-red"], []),
    "126": (["poster-a3-red", "poster-a3-blue", "banner-red-0.7x5m"], []),
    "all": ([], []),
}
# one warm process: the build's own jobs, write_job per file, CPU per file (the shared benchmark's qm_api_stock)
WARM_SNIPPET = """
import json, sys, time
from pathlib import Path
from qmposter.products.posters import BuildRequest, plan_build, write_job
out = Path(sys.argv[1])
plan = plan_build(BuildRequest(templates=(sys.argv[2],), formats=(sys.argv[3],), out=out, force=True))
cpu = []
for job in plan.jobs:
    if job.skip_reason is None:
        c = time.process_time()
        write_job(job, out, None)
        cpu.append(time.process_time() - c)
print(json.dumps(cpu))
"""


# the console script's main() with CPU marks between a build's phases (bench_startup.py --phases); the
# collector hold and the regex store (qmposter.regex_code, when the installation has them) come first, as
# in main(), so the imports are timed as the console script makes them; the marks go to stderr as JSON
PHASES_SNIPPET = """
import time
T0 = time.process_time()
import atexit, json, sys
marks = [("start", T0)]
def mark(name):
    marks.append((name, time.process_time()))
def report():
    mark("exit handlers")
    print("PHASES " + json.dumps(marks), file=sys.stderr, flush=True)
atexit.register(report)  # registered first: runs last among the exit handlers
from qmposter import gc_hold
gc_hold.hold()
try:
    from qmposter import regex_code
    regex_code.install()
except ImportError:
    pass
mark("import qmposter")
import qmposter.cli
mark("import click, cli")
import qmposter.cli.build as command
mark("import build command")
import qmposter.build.executors as executors, qmposter.build.run as run
def marked(module, name, before, after, first_only=False):
    original, calls = getattr(module, name), []
    def wrapper(*args, **kwargs):
        calls.append(1)
        if before and (not first_only or len(calls) == 1):
            mark(before)
        result = original(*args, **kwargs)
        if after and (not first_only or len(calls) == 1):
            mark(after)
        return result
    setattr(module, name, wrapper)
marked(command, "checked_campaign", "click", "campaign")
marked(command, "plan_build", None, "plan")
marked(executors, "write_job", "run set-up", "first file", first_only=True)
marked(run, "sync_filesystem", "other files", "sync")
marked(command, "_summary", "cache, manifest", "summary")
sys.argv = ["qmposter", *sys.argv[1:]]
from qmposter.__main__ import main
main()
"""
PHASES = ["import qmposter", "import click, cli", "import build command", "click", "campaign", "plan",
          "run set-up", "first file", "other files", "sync", "cache, manifest", "summary", "exit handlers"]  # fmt: skip


# one slogan of the default campaign: a 1-file build, whose CPU is the build's fixed cost plus one file
ONE_SLOGAN_CAMPAIGN = f"""
year = 2010
name = "2010年某县“质量月”活动"
theme = "抓质量水平提升，促发展方式转变"
source = "2010-jiangsu"
issuers = ["某县质量技术监督局"]
hotline = "12365"
qr_url = "https://www.samr.gov.cn/"
qr_caption = "扫码了解质量月活动"

[slogans]
select = "ids"
ids = ["{SLOGAN}"]
"""


@dataclass
class Installation:
    """One qmposter to measure: the bin/ folder holding its `python` and `qmposter`, and optionally
    a source tree put first on PYTHONPATH (another version of the code under the same interpreter)."""

    label: str
    bin: Path
    source: Path | None = None

    @property
    def python(self) -> str:
        return str(self.bin / "python")

    @property
    def qmposter(self) -> str:
        return str(self.bin / "qmposter")


@dataclass
class Sample:
    wall: float
    cpu: float


@dataclass
class Series:
    samples: list[Sample] = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    def stat(self, what: str, how: str) -> float:
        values = [getattr(s, what) for s in self.samples]
        return (statistics.median if how == "median" else min)(values) if values else float("nan")


def become_subreaper() -> bool:
    """Orphaned descendants (the forkserver and its workers) are re-parented to us, so waiting
    for them adds their CPU time to RUSAGE_CHILDREN."""
    try:
        return ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _reap_orphans(timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.01)


def run(cmd: list[str], cwd: Path, env: dict[str, str], *, exit_code: int = 0) -> tuple[Sample, str, str]:
    """Run `cmd` to completion (it must exit with `exit_code`); wall until it exits, CPU of it and every descendant."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    _reap_orphans()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != exit_code:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return Sample(wall, cpu), proc.stdout, proc.stderr


def _phases(stderr: str, cpu: float) -> dict[str, float]:
    """CPU seconds of each phase from the PHASES marks; "interpreter, teardown": the process's CPU outside them."""
    line = next(line for line in stderr.splitlines() if line.startswith("PHASES "))
    marks = json.loads(line.removeprefix("PHASES "))
    spent = {name: end - start for (_, start), (name, end) in itertools.pairwise(marks)}
    spent["interpreter, teardown"] = cpu - (marks[-1][1] - marks[0][1])
    return spent


def build_cmd(
    inst: Installation, out: Path, templates: list[str], formats: list[str], jobs: int, campaign: Path | None = None
) -> list[str]:
    cmd = [inst.qmposter, "build", "--force", "--jobs", str(jobs), "--out", str(out)]
    if campaign is not None:
        cmd += ["--campaign", str(campaign)]
    for name in templates:
        cmd += ["--template", name]
    for fmt in formats:
        cmd += ["--format", fmt]
    return cmd


def measurements(inst: Installation, work: Path, jobs_n: int, sizes: list[str]) -> dict[str, list[str]]:
    """name → command, in the order a round runs them."""
    out = work / inst.label
    cmds = {
        "python -c pass": [inst.python, "-c", "pass"],
        "qmposter --version": [inst.qmposter, "--version"],
        "render pdf": [inst.qmposter, "render", BUILDS["pdf"][0], "--slogan", SLOGAN, "-o", str(out / "one.pdf")],
        "render png": [inst.qmposter, "render", BUILDS["png"][0], "--slogan", SLOGAN, "-o", str(out / "one.png")],
        "render error": [
            inst.qmposter, "render", BUILDS["pdf"][0], "--slogan", UNKNOWN_SLOGAN, "-o", str(out / "never.pdf")
        ],
    }
    for kind, (template, fmt) in BUILDS.items():
        cmds[f"build {kind}"] = build_cmd(inst, out / f"build-{kind}", [template], [fmt], 1)
        cmds[f"build1 {kind}"] = build_cmd(inst, out / f"build1-{kind}", [template], [fmt], 1, work / "one.toml")
        cmds[f"warm {kind}"] = [inst.python, "-c", WARM_SNIPPET, str(out / f"warm-{kind}"), template, fmt]
    for kind, (template, fmt) in BUILDS.items():
        build_args = ["build", "--force", "--jobs", "1", "--out", str(out / f"phases-{kind}"), "--template", template,
                      "--format", fmt]  # fmt: skip
        cmds[f"phases {kind}"] = [inst.python, "-c", PHASES_SNIPPET, *build_args]
    for size in sizes:
        templates, formats = SIZES[size]
        for jobs in dict.fromkeys((1, jobs_n)):
            cmds[f"jobs {size} -j{jobs}"] = build_cmd(inst, out / f"size-{size}-j{jobs}", templates, formats, jobs)
    return cmds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", type=Path, default=Path(sys.executable).parent,
                        help="bin/ folder of the qmposter to measure (default: this Python's)")  # fmt: skip
    parser.add_argument("--compare", type=Path, metavar="BIN", help="bin/ of another installation, same rounds")
    parser.add_argument("--compare-source", type=Path, metavar="DIR",
                        help="a source tree (holding qmposter/ and its data folders) run by the same bin/ via "
                             "PYTHONPATH: the code before a change, the same interpreter and packages")  # fmt: skip
    parser.add_argument("--rounds", type=int, default=5, help="measured rounds")
    parser.add_argument("--warmup", type=int, default=1, help="unmeasured rounds first (.pyc files, caches)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="N of the --jobs N builds")
    parser.add_argument("--jobs-sizes", default="", help="comma list of 21,42,126,all: --jobs 1 vs N builds")
    parser.add_argument("--only", default="", help="comma list of measurement names (prefixes) to run")
    parser.add_argument("--cold", action="store_true", help="an empty user cache folder for every command")
    parser.add_argument("--phases", action="store_true", help="also time the phases of the two builds (CPU marks)")
    parser.add_argument("--json", type=Path, help="write the raw figures here")
    args = parser.parse_args(argv)
    sizes = [s for s in args.jobs_sizes.split(",") if s]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        parser.error(f"unknown --jobs-sizes {unknown}; choose from {list(SIZES)}")
    insts = [Installation("new", args.bin)]
    if args.compare or args.compare_source:
        insts.append(Installation("old", args.compare or args.bin, args.compare_source))
    subreaper = become_subreaper()
    work = Path(tempfile.mkdtemp(prefix="qm-bench-startup-"))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # users have .pyc files
    env["QMPOSTER_CACHE_DIR"] = str(work / "cache")  # warmed by the warm-up round, like a user's second run
    try:
        results = _rounds(insts, work, env, args, sizes)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report = {"machine": _machine(), "subreaper": subreaper, "rounds": args.rounds, "cold": args.cold,
              "results": results}  # fmt: skip
    print(_markdown(report, insts))
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


def _rounds(insts: list[Installation], work: Path, env: dict[str, str], args, sizes: list[str]) -> dict:
    cmds = {inst.label: measurements(inst, work, args.jobs, sizes) for inst in insts}
    names = [n for n in cmds[insts[0].label] if not args.only or n.startswith(tuple(args.only.split(",")))]
    names = [n for n in names if args.phases or not n.startswith("phases ")]
    series = {inst.label: {name: Series() for name in names} for inst in insts}
    cwd = work / "cwd"  # no campaign.toml, no qmposter sources on sys.path
    cwd.mkdir()
    (work / "one.toml").write_text(ONE_SLOGAN_CAMPAIGN, encoding="utf-8")
    runs = 0
    for round_no in range(1 - args.warmup, args.rounds + 1):
        for name in names:
            for inst in insts:
                if args.cold:  # a user's first run: nothing in the cache folder
                    runs += 1
                    env = {**env, "QMPOSTER_CACHE_DIR": str(work / f"cache-{runs}")}
                own_env = {**env, "PYTHONPATH": str(inst.source)} if inst.source is not None else env
                sample, stdout, stderr = run(cmds[inst.label][name], cwd, own_env,
                                             exit_code=2 if name == "render error" else 0)  # fmt: skip
                if round_no <= 0:
                    continue  # warm-up: .pyc files, the word cache, the page cache
                entry = series[inst.label][name]
                entry.samples.append(sample)
                if name.startswith("warm "):
                    per_file = json.loads(stdout)
                    entry.extra.setdefault("file_cpu", []).append(statistics.median(per_file))
                    entry.extra["files"] = len(per_file)
                if name.startswith(("build ", "jobs ")):
                    entry.extra["files"] = _files_written(stdout)
                if name.startswith("phases "):
                    entry.extra.setdefault("phases", []).append(_phases(stderr, sample.cpu))
        print(f"round {round_no}/{args.rounds} done", file=sys.stderr)
    return {label: {name: _summary(s) for name, s in by_name.items()} for label, by_name in series.items()}


def _files_written(stdout: str) -> int | None:
    """The "新写出 N 个文件" count of the build's summary line."""
    found = re.search(r"新写出 (\d+) 个文件", stdout)
    return int(found.group(1)) if found else None


def _summary(series: Series) -> dict:
    out = {f"{what}_{how}": series.stat(what, how) for what in ("wall", "cpu") for how in ("median", "min")}
    out["samples"] = [[s.wall, s.cpu] for s in series.samples]
    if "file_cpu" in series.extra:
        out["file_cpu_median"] = statistics.median(series.extra["file_cpu"])
    if "files" in series.extra:
        out["files"] = series.extra["files"]
    if "phases" in series.extra:
        runs = series.extra["phases"]
        out["phases"] = {name: statistics.median(r.get(name, 0.0) for r in runs) for name in runs[0]}
    return out


def _machine() -> dict:
    return {
        "cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
        "load_end": os.getloadavg(), "time": time.strftime("%Y-%m-%d %H:%M"),
    }  # fmt: skip


def _markdown(report: dict, insts: list[Installation]) -> str:
    results = report["results"]
    labels = [inst.label for inst in insts]
    head = " | ".join(f"{lab} CPU s (min) | {lab} wall s (min)" for lab in labels)
    lines = [
        f"Machine: {report['machine']['cpus']} CPUs, Python {report['machine']['python']}, "
        f"load at end {', '.join(f'{x:.2f}' for x in report['machine']['load_end'])}; "
        f"{report['rounds']} rounds, medians (min); CPU = user+sys of the process tree; "
        f"user cache folder {'empty for every command (cold)' if report['cold'] else 'filled by the warm-up (warm)'}.",
        "",
        f"| measurement | {head} |",
        "|---|" + "--:|" * (2 * len(labels)),
    ]
    for name in results[labels[0]]:
        cells = []
        for lab in labels:
            r = results[lab][name]
            cells.append(f"{r['cpu_median']:.3f} ({r['cpu_min']:.3f}) | {r['wall_median']:.3f} ({r['wall_min']:.3f})")
        files = results[labels[0]][name].get("files")
        lines.append(f"| {name}{f' ({files} files)' if files else ''} | {' | '.join(cells)} |")
    lines += _phase_table(results, labels)
    lines += _table("Per-build overhead = build CPU − files × median CPU per file in a warm process:", "overhead",
                    _per_build(results, labels, "warm", _from_warm), labels)  # fmt: skip
    lines += _table("From the 1- and 21-slogan builds: per file = (build − build1) / 20, fixed = build1 − per file:",
                    "fixed", _per_build(results, labels, "build1", _from_one_slogan), labels)  # fmt: skip
    return "\n".join(lines)


def _phase_table(results: dict, labels: list[str]) -> list[str]:
    """--phases: CPU ms per phase of each build, medians over the rounds."""
    kinds = [k for k in BUILDS if all("phases" in results[lab].get(f"phases {k}", {}) for lab in labels)]
    if not kinds:
        return []
    head = " | ".join(f"{kind} {lab} ms" for kind in kinds for lab in labels)
    lines = ["", "Phases of the builds (console script's main(), CPU ms, medians):", "", f"| phase | {head} |",
             "|---|" + "--:|" * (len(kinds) * len(labels))]  # fmt: skip
    for phase in [*PHASES, "interpreter, teardown"]:
        cells = [results[lab][f"phases {kind}"]["phases"].get(phase, float("nan")) * 1000
                 for kind in kinds for lab in labels]  # fmt: skip
        lines.append(f"| {phase} | {' | '.join(f'{c:.1f}' for c in cells)} |")
    return lines


def _table(title: str, what: str, rows: dict, labels: list[str]) -> list[str]:
    if not rows:
        return []
    lines = ["", title, "", f"| build | {' | '.join(f'{lab} ms/file | {lab} {what} s' for lab in labels)} |",
             "|---|" + "--:|" * (2 * len(labels))]  # fmt: skip
    for kind, row in rows.items():
        lines.append(f"| {kind} | {' | '.join(f'{row[lab][0]:.1f} | {row[lab][1]:.3f}' for lab in labels)} |")
    return lines


def _per_build(results: dict, labels: list[str], other: str, split) -> dict:
    """kind → label → (ms per file, fixed s), from `build KIND` and `OTHER KIND` by `split`."""
    return {
        kind: {lab: split(results[lab][f"build {kind}"], results[lab][f"{other} {kind}"]) for lab in labels}
        for kind in BUILDS
        if all(f"build {kind}" in results[lab] and f"{other} {kind}" in results[lab] for lab in labels)
    }


def _from_warm(build: dict, warm: dict) -> tuple[float, float]:
    per_file = warm["file_cpu_median"]
    return per_file * 1000, build["cpu_median"] - warm["files"] * per_file


def _from_one_slogan(build: dict, one: dict) -> tuple[float, float]:
    per_file = (build["cpu_median"] - one["cpu_median"]) / max((build.get("files") or 21) - 1, 1)
    return per_file * 1000, one["cpu_median"] - per_file


if __name__ == "__main__":
    sys.exit(main())
