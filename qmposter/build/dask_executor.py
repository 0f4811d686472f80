"""The dask.distributed executor: each job sent to an existing cluster, its bytes written here.

Its own module so that a local build (almost every build) does not load it: `make_executor`
imports it for `--executor dask` only.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from pathlib import Path

from qmposter.build.job import Outcome, render_job
from qmposter.build.plan import Job
from qmposter.errors import InputError
from qmposter.render.output import write_atomic

DASK_CONNECT_SECONDS = 15


def dask_distributed():  # -> the distributed module
    """dask.distributed, or a Chinese InputError saying how to install it."""
    try:
        import distributed
    except ImportError:
        raise InputError(
            "--executor dask 需要 dask.distributed，但没有安装。",
            hint="pip install 'qmposter[dask]'（即 dask[distributed]），集群的每个 worker 上也要装 qmposter。",
        ) from None
    return distributed


@dataclasses.dataclass(frozen=True)
class DaskExecutor:
    """Sends each job to an existing dask.distributed scheduler; writes the returned bytes here.

    The workers need qmposter installed; the bundled templates and fonts come with it, a
    --templates folder must exist at the same path on the workers.
    """

    scheduler: str

    def run(self, jobs: Sequence[Job], out: Path, templates_dir: Path | None) -> Iterator[Outcome]:
        cluster = dask_distributed()
        try:
            client = cluster.Client(self.scheduler, timeout=DASK_CONNECT_SECONDS, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as error:
            raise InputError(
                f"无法连接 dask 调度器 {self.scheduler}：{error}。", hint="检查地址（如 tcp://主机:8786）和网络。"
            ) from None
        by_index = {job.index: job for job in jobs}
        try:
            futures = client.map(render_job, list(jobs), templates_dir=templates_dir, pure=False)
            completed = cluster.as_completed(futures, loop=client.loop)
            del futures
            for future in completed:
                outcome: Outcome = future.result()
                future.release()
                if outcome.data is not None:
                    write_atomic(out / by_index[outcome.index].path, outcome.data, durable=False)
                yield dataclasses.replace(outcome, data=None)
        finally:
            client.close()
