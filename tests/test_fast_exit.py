"""The console script ends without the interpreter's teardown, and nobody outside can tell (issue 12).

Each test compares a qmposter process (or a small program ending through fast_exit.end) with
what Python's own shutdown gives: the exit status, every byte of stdout and stderr, the
files the exit handlers write, a thread Python would have waited for.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from qmposter.cli.base import cli


def _env(tmp_path: Path | None = None) -> dict[str, str]:
    """The environment of a user's shell: output buffered (no PYTHONUNBUFFERED), a cache folder of the test's own."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    if tmp_path is not None:
        env["QMPOSTER_CACHE_DIR"] = str(tmp_path / "cache")
    return env


def _python(code: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], env=_env(), capture_output=True, text=True, **kwargs)


def test_the_console_script_delivers_all_its_output_and_its_exit_status(tmp_path: Path) -> None:
    env = _env(tmp_path)
    args = ["slogans", "list", "--year", "2010", "--format", "csv"]
    done = subprocess.run([sys.executable, "-m", "qmposter", *args], env=env, capture_output=True, text=True)
    expected = CliRunner().invoke(cli, args)
    assert done.returncode == 0 and expected.exit_code == 0
    assert done.stdout == expected.output and len(done.stdout) > 2000  # a pipe's buffered output, all of it
    bad = subprocess.run([sys.executable, "-m", "qmposter", "render", "poster-a3-red", "--slogan", "2010-99",
                          "-o", str(tmp_path / "x.pdf")], env=env, capture_output=True, text=True)  # fmt: skip
    assert bad.returncode == 2 and bad.stderr.startswith("错误：") and "Traceback" not in bad.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_the_exit_handlers_still_write_the_user_cache_folder(tmp_path: Path) -> None:
    env = _env(tmp_path)
    out = tmp_path / "a.png"
    command = [sys.executable, "-m", "qmposter", "render", "image-square-1080", "--slogan", "2010-05", "-o", str(out)]
    subprocess.run(command, env=env, check=True, capture_output=True)
    written = {path.name.split("-")[0] for path in (tmp_path / "cache").iterdir()}
    assert {"dataclasses", "toml", "words", "qr"} <= written  # saved by atexit handlers (a cold cache folder)
    first = out.read_bytes()
    subprocess.run(command, env=env, check=True, capture_output=True)  # and read back by the next process
    assert out.read_bytes() == first


def test_a_running_thread_is_waited_for_as_python_would(tmp_path: Path) -> None:
    marker = tmp_path / "thread-done"
    code = (
        "import threading, time\n"
        "from pathlib import Path\n"
        "from qmposter import fast_exit\n"
        "def work():\n    time.sleep(0.3)\n    Path(sys.argv[1]).write_text('done')\n"
        "import sys\n"
        "threading.Thread(target=work).start()\n"
        "fast_exit.end(3)\n"
    )
    done = subprocess.run([sys.executable, "-c", code, str(marker)], env=_env(), capture_output=True, text=True)
    assert done.returncode == 3 and marker.read_text() == "done"


def test_statuses_and_handlers_are_those_of_pythons_own_shutdown() -> None:
    for ending in ("end(None)", "end(0)", "end(7)", "end('没有完成')"):
        start = "import atexit\natexit.register(print, 'handler ran')\nprint('out')\n"
        ours = _python(f"{start}from qmposter import fast_exit\nfast_exit.{ending}\n")
        python = _python(f"{start}raise SystemExit({ending[4:-1]})\n")
        assert (ours.returncode, ours.stdout, ours.stderr) == (python.returncode, python.stdout, python.stderr)


def test_output_that_cannot_be_flushed_is_reported_as_python_reports_it() -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # whoever read the output has gone (`qmposter … | head -1`)
    try:
        endings = ("from qmposter import fast_exit\nfast_exit.end(0)", "raise SystemExit(0)")
        results = [
            subprocess.run(
                [sys.executable, "-c", f"import sys\nsys.stdout.write('x' * 100)\n{ending}"],
                env=_env(), stdout=write_end, stderr=subprocess.PIPE, text=True,
            )
            for ending in endings
        ]
    finally:
        os.close(write_end)
    ours, python = results
    assert ours.returncode == python.returncode == 120
    assert "BrokenPipeError" in ours.stderr and "BrokenPipeError" in python.stderr


def test_a_status_beyond_a_c_int_ends_as_pythons_own_shutdown_ends() -> None:
    for status in (2**31, -(2**31) - 1, 2**40, 2**70):
        start = "import atexit\natexit.register(print, 'handler ran')\nprint('out')\n"
        ours = _python(f"{start}from qmposter import fast_exit\nfast_exit.end({status})\n")
        python = _python(f"{start}raise SystemExit({status})\n")
        assert (ours.returncode, ours.stdout, ours.stderr) == (python.returncode, python.stdout, python.stderr)
        assert "Traceback" not in ours.stderr


def test_a_profiler_still_reports_at_the_end(tmp_path: Path) -> None:
    """`python -m cProfile -m qmposter …` prints its table after the command: the normal end is kept."""
    done = subprocess.run([sys.executable, "-m", "cProfile", "-s", "cumulative", "-m", "qmposter", "--version"],
                          env=_env(tmp_path), capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("qmposter 0.1.0\n")
    assert "function calls" in done.stdout and "cumulative" in done.stdout


_FULL_PIPE = """
import io, sys
sys.stdout = io.TextIOWrapper(io.BufferedWriter(io.FileIO(1, "w", closefd=False), buffer_size=1 << 21))
sys.stdout.write("x" * 1_000_000)  # all in the buffer: the pipe is first written by the flush at the end
from qmposter import fast_exit
fast_exit.end(0)
"""


def test_ctrl_c_while_the_output_waits_for_a_full_pipe_prints_no_traceback() -> None:
    import fcntl
    import signal
    import termios
    import time

    child = subprocess.Popen([sys.executable, "-c", _FULL_PIPE], env=_env(), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)  # fmt: skip
    try:
        capacity = fcntl.fcntl(child.stdout.fileno(), fcntl.F_GETPIPE_SZ)
        waiting = bytearray(4)
        for _ in range(3000):  # until the child's final flush has filled the pipe (it then blocks)
            fcntl.ioctl(child.stdout.fileno(), termios.FIONREAD, waiting)
            if int.from_bytes(waiting, sys.byteorder) >= capacity or child.poll() is not None:
                break
            time.sleep(0.01)
        child.send_signal(signal.SIGINT)  # the user's Ctrl-C, while the flush waits for the reader
        out, err = child.communicate(timeout=60)
    finally:
        child.kill()
    assert "Traceback" not in err.decode() and "KeyboardInterrupt" not in err.decode()
    assert (child.returncode, len(out)) == (0, 1_000_000)  # Python's shutdown flushed the rest
