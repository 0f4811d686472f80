"""Builds started from the browser: `qmposter build` in a thread, with progress and cancel.

The build is planned and run by the same functions as the CLI, under the output folder's
build lock, so a second tab or a CLI build on the same folder is refused instead of
interleaving. Cancelling stops at the next finished job: files already written are whole
and stay, and a later build reuses them.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from qmposter.errors import QmposterError
from qmposter.studio import seams

_LOG = logging.getLogger(__name__)


class Cancelled(Exception):
    """Raised from the progress callback to stop a running build."""


@dataclass
class BuildState:
    """What the 生成 page shows; read by the polling endpoint as JSON."""

    status: str = "idle"  # idle | running | done | failed | cancelled
    done: int = 0
    total: int = 0
    current: str = ""
    errors: list[str] = field(default_factory=list)
    summary: str = ""
    out: str = ""
    started: float = 0.0

    def to_json(self) -> dict:
        percent = 100 if self.status == "done" else (round(100 * self.done / self.total) if self.total else 0)
        return {
            "status": self.status, "done": self.done, "total": self.total, "percent": percent,
            "current": self.current, "errors": self.errors, "summary": self.summary, "out": self.out,
        }  # fmt: skip


class BuildJobs:
    """At most one build at a time per studio; the build lock guards against everyone else."""

    def __init__(self) -> None:
        self.state = BuildState()
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def start(self, request: seams.BuildRequest) -> None:
        """Plan now (bad input raises here, shown on the page), run in a thread."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                raise QmposterError("已有一次生成正在进行。", hint="等它结束，或先点“取消”。")
            plan = seams.plan_build(request)
            total = sum(1 for job in plan.jobs if not job.skip_reason)
            self._cancel.clear()
            self.state = BuildState("running", 0, total, out=str(plan.out), started=time.monotonic())
            self._thread = threading.Thread(target=self._run, args=(plan, request), daemon=True)
            self._thread.start()

    def cancel(self) -> None:
        self._cancel.set()

    def wait(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self, plan: seams.Plan, request: seams.BuildRequest) -> None:
        state = self.state

        def progress(count: int) -> None:
            state.done = min(state.total, state.done + count)
            if self._cancel.is_set():
                raise Cancelled

        def finished(job: seams.Job, error: str | None) -> None:
            state.current = job.path
            if error is not None:
                state.errors = [*state.errors, error]

        try:
            report = seams.run_locked_build(plan, request, progress, finished)
        except Cancelled:
            state.status, state.summary = "cancelled", f"已取消：完成 {state.done}/{state.total} 项，已写出的文件保留。"
            return
        except QmposterError as error:
            state.status, state.errors = "failed", [*state.errors, str(error)]
            return
        except Exception as error:  # a bug: say so on the page instead of a bar that never ends
            _LOG.exception("build failed")
            bug = f"程序错误（请报告）：{type(error).__name__}: {error}"
            state.status, state.errors = "failed", [*state.errors, bug]
            return
        _gallery(Path(state.out))  # before "done": the page then links a gallery that exists
        state.errors = list(report.failures)
        state.current = ""
        state.summary = (
            f"共 {report.planned} 项：新写出 {report.written} 个文件，未变 {report.unchanged} 个，"
            f"跳过 {report.skipped} 项，失败 {report.failed} 项；用时 {report.seconds:.1f} 秒。"
        )
        state.status = "done" if not report.failures else "failed"


def _gallery(out: Path) -> None:
    """`qmposter gallery OUT` after the build, so the results can be browsed at once."""
    from qmposter.products.gallery import build_gallery

    with contextlib.suppress(QmposterError):  # the downloads still work without the gallery
        build_gallery(out)
