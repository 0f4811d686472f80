"""`qmposter studio` in a process of its own, for scripts: the browser tests, the latency
benchmark and the screenshot script start it the same way, on a free port, and wait until it
listens. Nothing here is used by the studio itself."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

# Headless Debian chromium on a machine without network: the flags that keep it quiet and offline.
CHROMIUM_ARGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run")  # fmt: skip
START_SECONDS = 60


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def running_studio(campaign: Path, *, templates: Path | None = None, cwd: Path | None = None) -> Iterator[str]:
    """Start `qmposter studio --campaign CAMPAIGN` and yield its base URL once it accepts connections;
    stop it on leaving. Its output is shown if it exits before listening."""
    port = free_port()
    command = [sys.executable, "-m", "qmposter", "studio", "--campaign", str(campaign),
               "--port", str(port), "--no-browser"]  # fmt: skip
    if templates is not None:
        command += ["--templates", str(templates)]
    with tempfile.TemporaryFile() as log:  # a file, not a pipe: a long run never blocks on a full pipe
        process = subprocess.Popen(command, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_listening(process, port, log)
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            process.wait(30)


def _wait_listening(process: subprocess.Popen, port: int, log) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            if process.poll() is not None:
                log.seek(0)
                output = log.read().decode("utf-8", "replace")
                raise RuntimeError(f"qmposter studio exited before listening:\n{output}") from None
            time.sleep(0.1)
    raise RuntimeError(f"qmposter studio did not listen on port {port} within {START_SECONDS} s")
