"""Benchmark of `qmposter build`: per template and format, time and memory per file, against a naive loop.

For every (template, format) of the build, in a fresh process of its own (so its peak
RSS is that cell's alone):
  1. qmposter: the build's own jobs, run the way a worker runs them, timed per phase —
     layout (layout_page), render (raster: render_image; PDF: drawing on the canvas),
     encode (PNG/JPEG encoder; PDF: reportlab's Canvas.save, i.e. font subsetting,
     compression, serialisation), write (write_atomic: temp file, fsync, rename);
  2. the naive baseline (bench/baseline.py) drawing the same pictures from specs taken
     from qmposter's display lists.
Then two full `qmposter build --force` runs in subprocesses (--jobs 1 and --jobs N,
fresh output folders), with the peak RSS of the main process and of each worker sampled
from /proc; their manifests are checked against the bytes the per-cell runs made.

Output: a Markdown report on stdout, --json FILE for the raw figures. See bench/README.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import math
import os
import pickle
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
PHASES = ("layout", "render", "encode", "write")
MEMORY_JOBS = 3  # jobs per cell measured again under tracemalloc (it slows Python code 2-5x)
POLL_SECONDS = 0.05
MIB = 1024 * 1024
IDEOGRAPHIC_SPACE = "\u3000"

if str(ROOT) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT))


# -- measuring phases --------------------------------------------------------------------------------


def maxrss_mib() -> float:
    """This process's peak RSS so far (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Recorder:
    """Per-file phase times (wall and CPU), the RSS high-water mark after each phase and,
    when tracing, the tracemalloc peak within each phase. `mark(phase)` ends a phase."""

    def __init__(self, trace: bool = False) -> None:
        self.trace = trace
        self.files: list[dict[str, float]] = []
        self.cpu: list[dict[str, float]] = []
        self.rss: dict[str, float] = {}
        self.heap: dict[str, float] = {}

    def begin(self) -> None:
        self.files.append({})
        self.cpu.append({})
        if self.trace:
            tracemalloc.reset_peak()
        self._t, self._c = time.perf_counter(), time.process_time()

    def mark(self, phase: str) -> None:
        wall, cpu = time.perf_counter() - self._t, time.process_time() - self._c
        self.files[-1][phase] = self.files[-1].get(phase, 0.0) + wall
        self.cpu[-1][phase] = self.cpu[-1].get(phase, 0.0) + cpu
        if self.trace:
            self.heap[phase] = max(self.heap.get(phase, 0.0), tracemalloc.get_traced_memory()[1] / MIB)
            tracemalloc.reset_peak()
        else:
            self.rss[phase] = max(self.rss.get(phase, 0.0), maxrss_mib())
        self._t, self._c = time.perf_counter(), time.process_time()


_CURRENT: list[Recorder] = []  # the recorder the PDF save hook reports to


def _stats(values: list[float]) -> dict[str, float]:
    ms = [v * 1000 for v in values]
    return {"median_ms": statistics.median(ms), "min_ms": min(ms), "max_ms": max(ms)} if ms else {}


def summarize(recorder: Recorder, phases: tuple[str, ...]) -> dict:
    """Medians per phase and of the per-file totals (not the sum of the phase medians)."""
    out: dict = {"phases": {}, "cpu_median_ms": None}
    for phase in phases:
        out["phases"][phase] = _stats([f.get(phase, 0.0) for f in recorder.files])
    out["total"] = _stats([sum(f.values()) for f in recorder.files])
    if recorder.cpu:
        out["cpu_median_ms"] = statistics.median(sum(c.values()) * 1000 for c in recorder.cpu)
    return out


# -- one cell, in its own process -------------------------------------------------------------------


def _hook_pdf_save() -> bool:
    """Time reportlab's Canvas.save apart from the drawing, by subclassing the Canvas pdf.py uses."""
    import qmposter.render.pdf as pdf

    base = getattr(pdf, "Canvas", None)
    if base is None:
        return False

    class TimedCanvas(base):  # type: ignore[misc, valid-type]
        def save(self) -> None:
            if _CURRENT:
                _CURRENT[-1].mark("render")
            super().save()

    pdf.Canvas = TimedCanvas
    return True


def qmposter_job(job, template, out: Path, mark: Callable[[str], None]):
    """What render_job + write_job do (qmposter/build/job.py), with a mark after each phase."""
    from qmposter.layout.engine import layout_page
    from qmposter.render.output import write_atomic

    page = layout_page(template, job.content)
    mark("layout")
    dpi = job.dpi or template.page.dpi
    if job.format in ("png", "jpg", "bmp", "gif"):
        from qmposter.render.raster import encode_bmp, encode_jpeg, encode_png, render_image

        image = render_image(page, dpi, include_bleed=False)
        mark("render")
        if job.format == "png":
            data = encode_png(image, dpi, one_bit=page.monochrome)
        elif job.format == "bmp":
            data = encode_bmp(image, dpi, one_bit=page.monochrome)
        elif job.format == "gif":  # the LED strip's preview (qmposter/render/scroll.py)
            from qmposter.render.scroll import encode_gif

            data = encode_gif(page, image, dpi)
        else:
            data = encode_jpeg(image, dpi)
    elif job.format == "pdf":
        from qmposter.render.pdf import render_pdf

        data = render_pdf([page], cmyk=False, include_bleed=True)  # the save hook marks "render"
    else:
        from qmposter.render.svg import render_svg

        text = render_svg(page)
        mark("render")
        data = text.encode("utf-8")
    mark("encode")
    write_atomic(out / job.path, data)
    mark("write")
    return page, data


def run_qmposter_cell(task: dict, rss_start: float) -> dict:
    """Time the cell's jobs (warm-up first), then measure heap peaks under tracemalloc; write specs."""
    from qmposter.templates import load_template

    pdf_split = _hook_pdf_save()
    jobs = task["jobs"]
    template = load_template(jobs[0].template)  # what a worker does once, at start
    out = Path(task["out"])
    rss_setup = maxrss_mib()
    cold = Recorder()
    _CURRENT.append(cold)
    cold.begin()
    qmposter_job(jobs[0], template, out, cold.mark)
    timing = Recorder()
    _CURRENT[-1] = timing
    specs, hashes = [], {}
    for repeat in range(task["repeat"]):
        for job in jobs:
            timing.begin()
            page, data = qmposter_job(job, template, out, timing.mark)
            if repeat == 0:
                hashes[job.path] = hashlib.sha256(data).hexdigest()
                specs.append(page_spec(page, job, template))
    Path(task["specs"]).write_text(json.dumps(specs, ensure_ascii=False), encoding="utf-8")
    heap = _heap_pass(jobs, template, out)
    phases = PHASES
    return {
        **summarize(timing, phases),
        "cold_ms": {p: v * 1000 for p, v in cold.files[0].items()},
        "rss_mib": {"start": rss_start, "setup": rss_setup, **_rss_after(cold, timing, phases=phases)},
        "heap_peak_mib": heap.heap,
        "pdf_split": pdf_split,
        "sha256": hashes,
        "size": _size_label(specs[0]) if specs else "",
    }


def _heap_pass(jobs: list, template, out: Path) -> Recorder:
    heap = Recorder(trace=True)
    _CURRENT[-1] = heap
    tracemalloc.start()
    try:
        for job in _spread(jobs, MEMORY_JOBS):
            heap.begin()
            qmposter_job(job, template, out, heap.mark)
    finally:
        tracemalloc.stop()
    return heap


def _rss_after(*recorders: Recorder, phases: tuple[str, ...]) -> dict[str, float]:
    return {p: max(r.rss.get(p, 0.0) for r in recorders) for p in phases}


def _spread(items: list, count: int) -> list:
    """`count` items spread evenly over the list (first, …, last; the middle one alone)."""
    if len(items) <= count:
        return list(items)
    if count == 1:
        return [items[len(items) // 2]]
    return [items[round(i * (len(items) - 1) / (count - 1))] for i in range(count)]


def run_baseline_cell(task: dict, rss_start: float) -> dict:
    """The naive loop over the specs: warm-up, timing, tracemalloc pass — like the qmposter cell."""
    sys.path.insert(0, str(BENCH))
    import baseline

    specs = json.loads(Path(task["specs"]).read_text(encoding="utf-8"))
    out = Path(task["out"])
    rss_setup = maxrss_mib()
    phases = ("render", "encode")
    cold = Recorder()
    cold.begin()
    baseline.run_job(specs[0], out, cold.mark)
    timing = Recorder()
    for _ in range(task["repeat"]):
        for spec in specs:
            timing.begin()
            baseline.run_job(spec, out, timing.mark)
    heap = Recorder(trace=True)
    tracemalloc.start()
    try:
        for spec in _spread(specs, MEMORY_JOBS):
            heap.begin()
            baseline.run_job(spec, out, heap.mark)
    finally:
        tracemalloc.stop()
    return {
        **summarize(timing, phases),
        "cold_ms": {p: v * 1000 for p, v in cold.files[0].items()},
        "rss_mib": {"start": rss_start, "setup": rss_setup, **_rss_after(cold, timing, phases=phases)},
        "heap_peak_mib": heap.heap,
    }


def cell_main(kind: str, task_file: str, result_file: str) -> int:
    rss_start = maxrss_mib()  # the interpreter alone; unpickling qmposter jobs imports qmposter
    with open(task_file, "rb") as handle:
        task = pickle.load(handle)
    run_cell_kind = run_qmposter_cell if kind == "qmposter" else run_baseline_cell
    result = run_cell_kind(task, rss_start)
    Path(result_file).write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    return 0


# -- display list → baseline spec ---------------------------------------------------------------------


def page_spec(page, job, template) -> dict:
    """A plain description of the picture for bench/baseline.py: geometry and items in points."""
    spec: dict = {"name": job.path, "format": job.format, "items": [_item(i, template) for i in page.items]}
    spec["items"] = [i for i in spec["items"] if i is not None]
    if job.format == "pdf":
        spec["pdf"] = _pdf_geometry(page)
    else:
        from qmposter.render.raster import pixel_size

        dpi = job.dpi or template.page.dpi
        width, height = pixel_size(page, dpi)
        spec["raster"] = {"width": width, "height": height, "scale": dpi / 72, "offset": 0.0, "dpi": dpi,
                          "mono": page.monochrome}  # fmt: skip
    return spec


def _pdf_geometry(page) -> dict:
    from qmposter.render.pdf import page_boxes

    boxes = page_boxes(page, True)
    x0, y0, x1, y1 = boxes["TrimBox"]
    marks = []
    if page.crop_marks:
        start = page.bleed + 2 * 72 / 25.4
        end = start + 6 * 72 / 25.4
        for x in (x0, x1):
            marks += [(x, y0 - start, x, y0 - end), (x, y1 + start, x, y1 + end)]
        for y in (y0, y1):
            marks += [(x0 - start, y, x0 - end, y), (x1 + start, y, x1 + end, y)]
    media = boxes["MediaBox"]
    return {"width": media[2], "height": media[3], "origin": x0, "trim_height": page.height, "marks": marks,
            "trim_mm": [page.width / 72 * 25.4, page.height / 72 * 25.4]}  # fmt: skip


def _rgb(color) -> list[int]:
    return [color.r, color.g, color.b]


def _item(item, template) -> dict | None:
    from qmposter.layout import page as p

    if isinstance(item, p.Fill):
        box = {"x": item.x, "y": item.y, "w": item.width, "h": item.height}
        if isinstance(item.paint, p.Color):
            return {"t": "fill", **box, "color": _rgb(item.paint)}
        g = item.paint
        stops = [[t, _rgb(c)] for t, c in sorted(g.stops, key=lambda s: s[0])]
        return {"t": "gradient", **box, "x0": g.x0, "y0": g.y0, "x1": g.x1, "y1": g.y1, "stops": stops}
    if isinstance(item, p.Line):
        return {"t": "line", "x0": item.x0, "y0": item.y0, "x1": item.x1, "y1": item.y1, "width": item.width,
                "color": _rgb(item.color)}  # fmt: skip
    if isinstance(item, p.GlyphRun):
        return _text_item(item)
    if isinstance(item, p.QRCode):
        return _qr_spec(item, template)
    if isinstance(item, p.Picture):
        return {"t": "image", "path": item.path, "x": item.x, "y": item.y, "w": item.width, "h": item.height,
                "opacity": item.opacity}  # fmt: skip
    return None


def _text_item(run) -> dict | None:
    from qmposter.fonts import load_font

    shown = [g for g in run.glyphs if g.char and getattr(g, "visible", True)]
    if not shown:
        return None
    common = {"font": str(load_font(run.font_id).path), "size": run.size, "color": _rgb(run.color)}
    xs, ys = [g.x for g in shown], [g.y for g in shown]
    if len(shown) > 1 and max(ys) - min(ys) > max(xs) - min(xs):
        return {"t": "vtext", **common, "glyphs": [[g.char, g.x, g.y] for g in shown if not g.char.isspace()]}
    # a hidden comma between phrases is a gap: a script would type an ideographic space there
    chars = [g.char if getattr(g, "visible", True) else IDEOGRAPHIC_SPACE for g in run.glyphs if g.char]
    text = "".join(chars).strip(IDEOGRAPHIC_SPACE)
    return {"t": "text", **common, "x": shown[0].x, "y": shown[0].y, "text": text}


def _qr_spec(item, template) -> dict:
    element = next((e for e in template.elements if e.type == "qr"), None)
    ec = getattr(element, "error_correction", "M") or "M"
    border = getattr(element, "border", 4)
    return {"t": "qr", "data": item.data, "x": item.x, "y": item.y, "size": item.size, "ec": ec.upper(),
            "border": border, "dark": _rgb(item.dark), "light": _rgb(item.light)}  # fmt: skip


def _size_label(spec: dict) -> str:
    if "raster" in spec:
        r = spec["raster"]
        return f"{r['width']}×{r['height']} px @{r['dpi']:g}"
    width, height = spec["pdf"]["trim_mm"]
    return f"{width:.0f}×{height:.0f} mm"


# -- planning the run (parent process) ----------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Options:
    templates: tuple[str, ...]
    formats: tuple[str, ...]
    repeat: int
    jobs: int
    slogans: int | None
    skip_build: bool
    only_build: bool
    json_path: Path | None
    work: Path
    keep: bool


def plan_cells(opts: Options) -> tuple[list[tuple[str, str, list, int]], list[str]]:
    """(template, format, jobs, skipped) in build order, and the slogan ids used."""
    from qmposter.build.plan import BuildRequest, plan_build

    plan = plan_build(BuildRequest(out=opts.work / "plan", templates=opts.templates, formats=opts.formats))
    ids = list(dict.fromkeys(job.slogan_id for job in plan.jobs))
    if opts.slogans is not None and opts.slogans < len(ids):
        texts = {job.slogan_id: job.content.slogan for job in plan.jobs}
        by_length = sorted(ids, key=lambda i: (len(texts[i]), ids.index(i)))
        keep = set(_spread(by_length, opts.slogans))
        ids = [i for i in ids if i in keep]
    cells: dict[tuple[str, str], list] = {}
    skipped: dict[tuple[str, str], int] = {}
    for job in plan.jobs:
        if job.slogan_id not in ids:
            continue
        key = (job.template, job.format)
        cells.setdefault(key, [])
        if job.skip_reason:
            skipped[key] = skipped.get(key, 0) + 1
        else:
            cells[key].append(job)
    return [(t, f, jobs, skipped.get((t, f), 0)) for (t, f), jobs in cells.items()], ids


def run_cell(kind: str, task: dict, work: Path, tag: str) -> dict:
    task_file, result_file = work / f"{tag}.{kind}.task", work / f"{tag}.{kind}.json"
    with open(task_file, "wb") as handle:
        pickle.dump(task, handle)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--cell", kind, str(task_file), str(result_file)]
    proc = subprocess.run(cmd, env=_env(), capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{kind} cell {tag} failed:\n{proc.stderr[-4000:]}")
    return json.loads(result_file.read_text(encoding="utf-8"))


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def bench_cells(opts: Options) -> tuple[list[dict], list[str]]:
    cells, ids = plan_cells(opts)
    results = []
    for index, (template, fmt, jobs, skipped) in enumerate(cells):
        row = {"template": template, "format": fmt, "files": len(jobs), "skipped": skipped}
        if jobs:
            tag = f"cell{index:03d}"
            _log(f"[{index + 1}/{len(cells)}] {template} {fmt}: {len(jobs)} 个文件 × {opts.repeat} …")
            specs = opts.work / f"{tag}.specs.json"
            common = {"repeat": opts.repeat, "specs": str(specs)}
            row["qmposter"] = run_cell("qmposter", {**common, "jobs": jobs, "out": str(opts.work / "qm")},
                                       opts.work, tag)  # fmt: skip
            row["baseline"] = run_cell("baseline", {**common, "out": str(opts.work / "naive")}, opts.work, tag)
        results.append(row)
    return results, ids


# -- full builds in subprocesses -----------------------------------------------------------------------


class TreeSampler(threading.Thread):
    """Polls /proc for the build process and its descendants: peak RSS per process (VmHWM) and
    the largest sampled sum of RSS over the tree."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.hwm: dict[int, float] = {}
        self.peak_sum = 0.0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.sample()
            self.done.wait(POLL_SECONDS)

    def sample(self) -> None:
        total = 0.0
        for pid in _descendants(self.root):
            status = _status(pid)
            if status:
                self.hwm[pid] = max(self.hwm.get(pid, 0.0), status.get("VmHWM", 0.0))
                total += status.get("VmRSS", 0.0)
        self.peak_sum = max(self.peak_sum, total)


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry))
    found, todo = [root], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _status(pid: int) -> dict[str, float]:
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return {}
    out = {}
    for line in lines:
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            out[key] = int(value.split()[0]) / 1024  # kB → MiB
    return out


def full_build(opts: Options, jobs: int, campaign: Path | None) -> dict:
    out = opts.work / f"full-j{jobs}"
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, "-m", "qmposter", "build", "--force", "--out", str(out), "--jobs", str(jobs)]
    cmd += [arg for t in opts.templates for arg in ("--template", t)]
    cmd += [arg for f in opts.formats for arg in ("--format", f)]
    if campaign is not None:
        cmd += ["--campaign", str(campaign)]
    _log(f"完整构建 --jobs {jobs} …")
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=opts.work)
    sampler = TreeSampler(proc.pid)
    sampler.start()
    stdout, stderr = proc.communicate()
    wall = time.perf_counter() - started
    sampler.done.set()
    sampler.join()
    if proc.returncode != 0:
        raise RuntimeError(f"qmposter build --jobs {jobs} failed ({proc.returncode}):\n{stderr.decode()[-4000:]}")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    workers = [v for pid, v in sampler.hwm.items() if pid != proc.pid]
    return {
        "jobs": jobs, "wall_s": wall, "files": len(manifest["items"]), "skipped": len(manifest["skipped"]),
        "command": " ".join(["qmposter", *cmd[3:]]).replace(str(opts.work), "$WORK"),
        "summary": stdout.decode().strip().splitlines()[:1],
        "main_peak_rss_mib": sampler.hwm.get(proc.pid), "worker_peak_rss_mib": max(workers, default=None),
        "processes_seen": len(sampler.hwm), "tree_rss_peak_mib": sampler.peak_sum,
        "sha256": {item["path"]: item["sha256"] for item in manifest["items"]},
    }  # fmt: skip


def quick_campaign(work: Path, ids: list[str]) -> Path:
    """The bundled default campaign limited to `ids`, so a full build makes the same set as the cells."""
    import tomlkit

    from qmposter.campaign import default_campaign_path

    doc = tomlkit.parse(default_campaign_path().read_text(encoding="utf-8"))
    doc.setdefault("slogans", tomlkit.table())
    doc["slogans"]["select"] = "ids"
    doc["slogans"]["ids"] = ids
    path = work / "campaign.toml"
    path.write_text(tomlkit.dumps(doc), encoding="utf-8")
    return path


# -- report -------------------------------------------------------------------------------------------


def git_state() -> str:
    """The commit measured, and a hash of the code and templates: others keep editing the tree."""
    try:
        described = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True,
                                   text=True, timeout=10).stdout.strip() or "?"  # fmt: skip
    except OSError:
        described = "?"
    digest = hashlib.sha256()
    for path in sorted([*(ROOT / "qmposter").rglob("*.py"), *(ROOT / "templates").rglob("*")]):
        if path.is_file():
            digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return f"{described}, source {digest.hexdigest()[:10]}"


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    import PIL
    import qrcode  # noqa: F401
    import reportlab

    from qmposter import __version__

    return {
        "nproc": os.cpu_count(), "cpu": cpu, "ram_gib": round(ram, 1), "python": platform.python_version(),
        "pillow": PIL.__version__, "reportlab": reportlab.Version, "qmposter": __version__,
        "load_avg_start": os.getloadavg(), "platform": platform.platform(),
    }  # fmt: skip


def _f(value: float | None, digits: int = 0) -> str:
    return "—" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.{digits}f}"


def _med(result: dict | None, phase: str | None = None) -> float | None:
    if not result:
        return None
    stats = result["total"] if phase is None else result["phases"].get(phase, {})
    return stats.get("median_ms")


def markdown(report: dict) -> str:
    lines = [_header(report)]
    if report["cells"]:
        lines += _cell_tables(report)
    if report.get("builds"):
        lines += _build_table(report)
    return "\n".join(lines) + "\n"


def _cell_tables(report: dict) -> list[str]:
    lines = ["", "### qmposter, per file (median ms; heap = tracemalloc peak; RSS = ru_maxrss)", ""]
    lines += [
        "| template | format | size | files | layout | render | encode | write | total | CPU | cold | "
        "heap MiB L/R/E | RSS MiB setup→peak |",
        "|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|---|---|",
    ]
    for row in report["cells"]:
        lines.append(_qm_row(row))
    lines += ["", "### Naive baseline (bench/baseline.py) and ratio", ""]
    lines += [
        "| template | format | qmposter ms | baseline ms | ratio | ratio CPU | ratio render+encode+write | "
        "baseline render/encode | RSS MiB qm / baseline |",
        "|---|---|--:|--:|--:|--:|--:|---|---|",
    ]
    for row in report["cells"]:
        lines.append(_ratio_row(row))
    lines.append(_total_row(report["cells"]))
    return lines


def _build_table(report: dict) -> list[str]:
    lines = ["", "### Full `qmposter build --force` (subprocess, fresh output folder)", ""]
    lines += ["| command | files | wall s | main peak RSS MiB | max worker peak RSS MiB | tree RSS peak MiB |",
              "|---|--:|--:|--:|--:|--:|"]  # fmt: skip
    for b in report["builds"]:
        lines.append(f"| `{b['command']}` | {b['files']} | {b['wall_s']:.1f} | {_f(b['main_peak_rss_mib'])} | "
                     f"{_f(b['worker_peak_rss_mib'])} | {_f(b['tree_rss_peak_mib'])} |")  # fmt: skip
    lines.append("")
    lines.append(f"Bytes of the per-cell runs vs the build's manifest: {report['identical']}.")
    return lines


def _header(report: dict) -> str:
    m = report["machine"]
    return (
        f"## qmposter build benchmark\n\n{m['nproc']} × {m['cpu']}, {m['ram_gib']} GiB RAM, Python {m['python']}, "
        f"Pillow {m['pillow']}, reportlab {m['reportlab']}, qmposter {m['qmposter']}; "
        f"load average {_loads(m.get('load_avg_start'))} at start, {_loads(m.get('load_avg_end'))} at the end.\n\n"
        f"`{report['command']}` — {len(report['slogans'])} slogans, repeat {report['repeat']}; code {_code(report)}."
    )


def _code(report: dict) -> str:
    start, end = report.get("git", "?"), report.get("git_end", "?")
    return start if start == end else f"{start} at start, {end} at the end (the tree changed during the run)"


def _loads(values) -> str:
    return "/".join(f"{v:.1f}" for v in values) if values else "?"


def _qm_row(row: dict) -> str:
    qm = row.get("qmposter")
    if not qm:
        return f"| {row['template']} | {row['format']} | — | 0 (skipped {row['skipped']}) |" + " — |" * 9
    heap = "/".join(_f(qm["heap_peak_mib"].get(p), 1) for p in ("layout", "render", "encode"))
    rss = f"{qm['rss_mib']['setup']:.0f}→{max(qm['rss_mib'][p] for p in PHASES):.0f}"
    skipped = f" (+{row['skipped']} skipped)" if row["skipped"] else ""
    cold = sum(qm["cold_ms"].values())
    cells = [_f(_med(qm, p), 1) for p in PHASES]
    return (f"| {row['template']} | {row['format']} | {qm['size']} | {row['files']}{skipped} | {' | '.join(cells)} | "
            f"{_f(_med(qm), 1)} | {_f(qm['cpu_median_ms'], 1)} | {cold:.0f} | {heap} | {rss} |")  # fmt: skip


def _ratio_row(row: dict) -> str:
    qm, base = row.get("qmposter"), row.get("baseline")
    if not qm or not base:
        return f"| {row['template']} | {row['format']} |" + " — |" * 7
    qm_total, base_total = _med(qm), _med(base)
    qm_re = (_med(qm, "render") or 0) + (_med(qm, "encode") or 0) + (_med(qm, "write") or 0)
    split = f"{_f(_med(base, 'render'), 1)} / {_f(_med(base, 'encode'), 1)}"
    rss = f"{max(qm['rss_mib'][p] for p in PHASES):.0f} / {max(base['rss_mib'][p] for p in ('render', 'encode')):.0f}"
    return (f"| {row['template']} | {row['format']} | {_f(qm_total, 1)} | {_f(base_total, 1)} | "
            f"{qm_total / base_total:.2f} | {qm['cpu_median_ms'] / base['cpu_median_ms']:.2f} | "
            f"{qm_re / base_total:.2f} | {split} | {rss} |")  # fmt: skip


def _total_row(cells: list[dict]) -> str:
    """Σ median × files: what one process would spend on the whole set, warm."""
    qm = sum((_med(r.get("qmposter")) or 0) * r["files"] for r in cells)
    base = sum((_med(r.get("baseline")) or 0) * r["files"] for r in cells)
    qm_cpu = sum((r["qmposter"]["cpu_median_ms"] or 0) * r["files"] for r in cells if r.get("qmposter"))
    base_cpu = sum((r["baseline"]["cpu_median_ms"] or 0) * r["files"] for r in cells if r.get("baseline"))
    ratio = f"{qm / base:.2f}" if base else "—"
    ratio_cpu = f"{qm_cpu / base_cpu:.2f}" if base_cpu else "—"
    return (f"| **all (Σ median × files)** | | {qm / 1000:.1f} s | {base / 1000:.1f} s | **{ratio}** | **{ratio_cpu}** "
            "| | | |")  # fmt: skip


def compare_bytes(cells: list[dict], builds: list[dict]) -> str:
    if not builds:
        return "not checked (--skip-build)"
    if not cells:
        return "not checked (--only-build)"
    made = {path: sha for row in cells if row.get("qmposter") for path, sha in row["qmposter"]["sha256"].items()}
    verdicts = []
    for build in builds:
        same = sum(1 for path, sha in made.items() if build["sha256"].get(path) == sha)
        extra = len(set(build["sha256"]) - set(made))
        verdicts.append(f"--jobs {build['jobs']}: {same}/{len(made)} identical" + (f", {extra} not benched" if extra
                                                                                    else ""))  # fmt: skip
    return "; ".join(verdicts)


# -- main ---------------------------------------------------------------------------------------------


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _split(values: list[str] | None) -> tuple[str, ...]:
    return tuple(v.strip() for raw in values or () for v in raw.split(",") if v.strip())


def parse_args(argv: list[str]) -> Options:
    parser = argparse.ArgumentParser(
        description="qmposter build 的基准测试：每个模板和格式的单文件耗时、内存，以及与朴素循环的比值。"
    )
    add = parser.add_argument
    add("--templates", action="append", metavar="NAME", help="只测这些模板（可重复或用逗号分隔；默认：全部）。")
    add("--formats", action="append", metavar="FMT", help="只测这些格式（默认：每个模板自己的格式）。")
    add("--repeat", type=int, default=1, help="每个文件计时的次数（默认 1）。")
    add("--jobs", type=int, default=os.cpu_count() or 1, help="并行完整构建的进程数（默认：CPU 核数）。")
    add("--quick", action="store_true", help="只用 3 条口号（最短、居中、最长）。")
    add("--slogans", type=int, metavar="N", help="只用 N 条口号（按长度均匀挑选）。")
    add("--skip-build", action="store_true", help="不做完整的 qmposter build 计时。")
    add("--only-build", action="store_true", help="只做完整构建的计时（不逐个模板测）。")
    add("--json", type=Path, metavar="FILE", help="另把全部数据写成 JSON。")
    add("--work", type=Path, metavar="DIR", help="工作目录（默认：临时目录，结束后删除）。")
    add("--keep", action="store_true", help="保留工作目录（输出文件）。")
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.jobs < 1 or (args.slogans is not None and args.slogans < 1):
        parser.error("--repeat、--jobs、--slogans 必须 ≥ 1")
    if args.skip_build and args.only_build:
        parser.error("--skip-build 与 --only-build 不能同时使用")
    slogans = args.slogans if args.slogans is not None else (3 if args.quick else None)
    work = args.work or Path(tempfile.mkdtemp(prefix="qmposter-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    return Options(_split(args.templates), _split(args.formats), args.repeat, args.jobs, slogans, args.skip_build,
                   args.only_build, args.json, work.resolve(), args.keep or args.work is not None)  # fmt: skip


def run(opts: Options, argv: list[str]) -> dict:
    started = time.perf_counter()
    report: dict = {"machine": machine(), "command": " ".join(["python bench/bench_build.py", *argv]),
                    "repeat": opts.repeat, "git": git_state()}  # fmt: skip
    cells, ids = ([], plan_cells(opts)[1]) if opts.only_build else bench_cells(opts)
    report["slogans"], report["cells"] = ids, cells
    builds = []
    if not opts.skip_build:
        campaign = quick_campaign(opts.work, ids) if opts.slogans is not None else None
        builds = [full_build(opts, 1, campaign)]
        if opts.jobs != 1:
            builds.append(full_build(opts, opts.jobs, campaign))
    report["builds"] = builds
    report["identical"] = compare_bytes(cells, builds)
    report["machine"]["load_avg_end"] = os.getloadavg()
    report["git_end"] = git_state()
    report["bench_seconds"] = time.perf_counter() - started
    return report


def main(argv: list[str]) -> int:
    if argv[:1] == ["--cell"]:
        return cell_main(*argv[1:4])
    opts = parse_args(argv)
    from qmposter.errors import QmposterError

    try:
        report = run(opts, argv)
    except QmposterError as error:
        _log(str(error))
        return 2
    finally:
        if not opts.keep:
            shutil.rmtree(opts.work, ignore_errors=True)
    print(markdown(report))
    if opts.json_path is not None:
        opts.json_path.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
