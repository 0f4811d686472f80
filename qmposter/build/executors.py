"""Where build jobs run: this machine's processes, or an existing dask.distributed cluster (dask_executor).

An executor takes the jobs still to do and yields their Outcomes as they finish, in any
order (the manifest is sorted by job afterwards). Locally, each worker process loads the
templates (and through them the fonts) once and writes its files itself, atomically, so
only small records travel back. On dask the workers may not share a disk with us, so
they send the bytes back and this process writes them.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import os
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from qmposter.build.job import Outcome, worker_template, write_job
from qmposter.build.plan import Job
from qmposter.errors import InputError

if TYPE_CHECKING:
    import multiprocessing.context
    from concurrent.futures import Future

EXECUTORS = ("local", "dask")


class Executor(Protocol):
    def run(self, jobs: Sequence[Job], out: Path, templates_dir: Path | None) -> Iterator[Outcome]: ...


def make_executor(name: str, *, jobs: int | None = None, scheduler: str | None = None) -> Executor:
    """The executor called `name` ("local" with `jobs` processes, or "dask" at `scheduler`)."""
    if name == "local":
        if scheduler:
            raise InputError("--scheduler 只用于 --executor dask。")
        return LocalExecutor(jobs or os.cpu_count() or 1)
    if name == "dask":
        if not scheduler:
            raise InputError(
                "--executor dask 需要 --scheduler 给出调度器地址。", hint="例如 --scheduler tcp://10.0.0.5:8786。"
            )
        from qmposter.build.dask_executor import DaskExecutor, dask_distributed  # only a dask build loads it

        dask_distributed()  # refuse before any work when dask is not installed
        return DaskExecutor(scheduler)
    raise InputError(f"未知的执行方式“{name}”。", hint=f"可用：{'、'.join(EXECUTORS)}。")


# -- local processes -------------------------------------------------------------------------------
# signal and select are imported by the functions that start or run workers: most builds start none.


MIN_JOBS_PER_WORKER = 32  # a worker's start (imports, templates, cold caches: ~0.4 s CPU) pays off past this many
MIN_WORK_PER_WORKER_MS = 3000.0  # … and past this much estimated work (estimated_cost) per worker
WAIT_SLICE_S = 0.1  # longest a Ctrl-C waits while this process waits for a worker's file
JOBS_IN_FLIGHT = 2  # per worker: the next job is waiting when one finishes, not when this process finishes its own
_MS_PER_MEGAPIXEL = {"png": 16.0, "jpg": 11.0, "bmp": 4.0, "gif": 4.0}  # rough CPU cost of a raster job
_MS_PER_VECTOR_FILE = {"pdf": 9.0, "svg": 5.0}
_PRELOAD = ["qmposter.build.job", "qmposter.layout.engine", "qmposter.render.pdf", "qmposter.render.raster"]


@dataclasses.dataclass(frozen=True)
class LocalExecutor:
    """This process plus up to `processes - 1` worker processes; 1 runs every job here.

    Workers start only when there is enough work to pay for their start (by job count and by
    estimated CPU), and this process renders jobs too while they start, so `--jobs N` is never
    slower than `--jobs 1`. This process works from the start of the job list and the workers
    from its end: each process draws one template's files one after another, so its
    per-process caches (templates, pictures, glyphs, the previous page's canvas) stay warm, and
    they meet in the middle. Each worker has two jobs queued, so it never waits for this
    process to finish its own file before it gets the next one.
    """

    processes: int

    def run(self, jobs: Sequence[Job], out: Path, templates_dir: Path | None) -> Iterator[Outcome]:
        work = sum(estimated_cost(job) for job in jobs)
        workers = min(self.processes - 1, len(jobs) // MIN_JOBS_PER_WORKER, int(work // MIN_WORK_PER_WORKER_MS))
        if workers <= 0:
            for job in jobs:
                yield write_job(job, out, templates_dir)
            return
        # imported only now: a build without workers (most small ones) never pays for them (cold start)
        from concurrent.futures import ProcessPoolExecutor

        names = tuple(dict.fromkeys(job.template for job in jobs))
        pending = collections.deque(jobs)  # plan order: a template's files one after another
        running: set[Future] = set()
        # concurrent.futures, not multiprocessing.Pool: a worker that dies (or cannot even
        # import qmposter) raises BrokenProcessPool here instead of being respawned forever.
        args = (out, templates_dir, names, os.getpid())
        with _ctrl_c_deferred():
            context = _context()
        with ProcessPoolExecutor(workers, context, _init_worker, args) as pool:
            try:
                while pending or running:
                    with _ctrl_c_deferred():  # a submit may start a worker: never leave one half-started
                        while pending and len(running) < JOBS_IN_FLIGHT * workers:  # workers: from the end
                            running.add(pool.submit(_run_in_worker, pending.pop()))
                    if pending:
                        yield write_job(pending.popleft(), out, templates_dir)
                        finished = {future for future in running if future.done()}
                    else:
                        finished = _first_finished(running)
                    running -= finished
                    for future in finished:
                        yield future.result()
            finally:
                for future in running:
                    future.cancel()


def estimated_cost(job: Job) -> float:
    """A job's rough CPU cost in ms (raster: by pixels and format; vector: per file): whether workers pay off."""
    if job.dpi is None:
        return _MS_PER_VECTOR_FILE.get(job.format, 20.0)
    megapixels = (job.width_mm / 25.4 * job.dpi) * (job.height_mm / 25.4 * job.dpi) / 1e6
    return megapixels * _MS_PER_MEGAPIXEL.get(job.format, 35.0)


def _context() -> multiprocessing.context.BaseContext:
    """Fresh worker processes, never plain fork: fontTools reads tables lazily from an open
    file, and forked children would share its file offset with each other and corrupt reads.
    forkserver (POSIX) starts them fast from a process that has imported the renderers only."""
    import multiprocessing

    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(_PRELOAD)
        _start_forkserver_deaf_to_ctrl_c()
        return context
    return multiprocessing.get_context("spawn")


def _start_forkserver_deaf_to_ctrl_c() -> None:
    """Start the forkserver with SIGINT ignored, so it and every worker it forks ignore Ctrl-C from birth.

    A terminal's Ctrl-C goes to the whole process group. Ignoring it only in `_init_worker`
    leaves the forkserver's preload and each worker's start-up open to a KeyboardInterrupt
    traceback; an ignored disposition is inherited across exec and fork, so ignoring it while
    the server is spawned closes that window. The build process itself handles Ctrl-C (exit 130).
    """
    import signal
    from multiprocessing import forkserver

    if threading.current_thread() is not threading.main_thread():  # e.g. the studio: no terminal Ctrl-C
        forkserver.ensure_running()
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        forkserver.ensure_running()
    finally:
        signal.signal(signal.SIGINT, previous)


def _first_finished(running: set[Future]) -> set[Future]:
    """The futures of `running` that are done, once one is.

    concurrent.futures.wait is not safe against Ctrl-C: it takes the futures' locks one by one,
    and interrupted half-way it keeps those it took. The pool's shutdown then waits forever for
    its manager thread, which needs one of them to hand over a result (a build hung on Ctrl-C).
    So it waits WAIT_SLICE_S at a time with Ctrl-C held, raised as soon as that slice ends.
    """
    from concurrent.futures import FIRST_COMPLETED, wait

    while True:
        with _ctrl_c_deferred():
            finished, _ = wait(running, timeout=WAIT_SLICE_S, return_when=FIRST_COMPLETED)
        if finished:
            return finished


@contextlib.contextmanager
def _ctrl_c_deferred() -> Iterator[None]:
    """Hold a Ctrl-C that arrives inside the block and raise it as KeyboardInterrupt at its end.

    Starting a worker is a hand-over with the forkserver; interrupted half-way, the worker
    starts after this process has cleaned up and prints a traceback. Deferring the
    interrupt to the end of the hand-over lets the pool shut down in order.
    """
    import signal

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, _frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise KeyboardInterrupt


_WORKER: dict[str, object] = {}


def _init_worker(out: Path, templates_dir: Path | None, names: tuple[str, ...], build_pid: int) -> None:
    """Once per worker process: die with the build, remember where to write, load the templates."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the build's to handle: no traceback per worker
    _die_with(build_pid)
    _WORKER["out"], _WORKER["templates_dir"] = out, templates_dir
    for name in names:
        worker_template(name, templates_dir)


def _die_with(pid: int) -> None:
    """Exit this worker as soon as process `pid` is gone, even after `kill -9` of it: no orphan
    keeps rendering into a folder nobody owns any more (and the resource tracker can exit)."""
    import select

    def watch() -> None:
        try:
            fd = os.pidfd_open(pid)
        except (AttributeError, OSError):  # no pidfd (not Linux ≥ 5.3), or already gone
            while _alive(pid):
                time.sleep(0.5)
        else:
            select.select([fd], [], [])  # readable once the process has exited
        os._exit(1)

    threading.Thread(target=watch, name="qmposter-build-watch", daemon=True).start()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _run_in_worker(job: Job) -> Outcome:
    return write_job(job, _WORKER["out"], _WORKER["templates_dir"])  # type: ignore[arg-type]
