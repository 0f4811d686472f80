"""One writer per output folder (issue 11 rows 9 and 10), with real processes.

Another process really holds the folder's lock (flock) while `build`, `gallery` and
`--merge-shards` are run; a holder killed with SIGKILL must not block the next build;
two real builds of different campaigns started together must leave a manifest that
matches the files on disk; and after `kill -9` of a parallel build none of its processes
(forkserver, resource tracker, workers) may stay alive.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from click.testing import CliRunner
from test_build import make_inputs, run

from qmposter.cli import cli
from qmposter.folder_lock import LOCK_NAME

HOLD = """
import sys
from pathlib import Path
from qmposter.folder_lock import folder_lock
with folder_lock(Path(sys.argv[1]), sys.argv[2], shared=sys.argv[3] == "shared", name=sys.argv[4]):
    print("locked", flush=True)
    sys.stdin.read()
"""


@contextmanager
def held(folder: Path, what: str = "build", *, shared: bool = False, name: str = LOCK_NAME) -> Iterator[int]:
    """Another process holding the folder's lock until the block ends; yields its PID."""
    folder.mkdir(parents=True, exist_ok=True)
    mode = "shared" if shared else "exclusive"
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(folder), what, mode, name],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
        yield proc.pid
    finally:
        proc.kill()
        proc.wait()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_second_build_into_a_locked_folder_stops_with_a_chinese_message(tmp_path: Path) -> None:
    inputs = make_inputs(tmp_path)
    with held(inputs["out"]) as pid:
        result = run(inputs, "--template", "tiny-image")
    assert result.exit_code == 2
    assert f"输出文件夹 {inputs['out']} 正被另一个 qmposter build（进程 {pid}）使用" in result.output
    assert "--out" in result.output and "Traceback" not in result.output
    assert not (inputs["out"] / "manifest.json").exists()
    assert not (inputs["out"] / "tiny-image").exists()  # refused before any file was written
    # once the other process is done, the same build runs and leaves no lock file behind
    assert run(inputs, "--template", "tiny-image").exit_code == 0
    assert (inputs["out"] / "manifest.json").is_file()
    assert not (inputs["out"] / LOCK_NAME).exists()


def test_a_lock_left_by_a_killed_build_is_taken_over(tmp_path: Path) -> None:
    inputs = make_inputs(tmp_path)
    with held(inputs["out"]) as pid:
        os.kill(pid, signal.SIGKILL)  # like `kill -9` of a build: its lock file stays behind
    stale = inputs["out"] / LOCK_NAME
    assert stale.read_text(encoding="utf-8") == f"{pid} build\n"
    result = run(inputs, "--template", "tiny-image")
    assert result.exit_code == 0, result.output
    body = json.loads((inputs["out"] / "manifest.json").read_text(encoding="utf-8"))
    assert all(sha256(inputs["out"] / item["path"]) == item["sha256"] for item in body["items"])
    assert not stale.exists()


def test_gallery_and_merge_shards_wait_for_no_build(tmp_path: Path) -> None:
    inputs = make_inputs(tmp_path)
    assert run(inputs, "--template", "tiny-image", "--shard", "1/2").exit_code == 0
    assert run(inputs, "--template", "tiny-image", "--shard", "2/2").exit_code == 0
    with held(inputs["out"]) as pid:
        merged = run(inputs, "--merge-shards")
    assert merged.exit_code == 2 and f"正被另一个 qmposter build（进程 {pid}）使用" in merged.output
    assert not (inputs["out"] / "manifest.json").exists()
    assert run(inputs, "--merge-shards").exit_code == 0
    with held(inputs["out"]) as pid:
        gallery = CliRunner().invoke(cli, ["gallery", str(inputs["out"])])
    assert gallery.exit_code == 2 and f"正被另一个 qmposter build（进程 {pid}）使用" in gallery.output
    assert not (inputs["out"] / "index.html").exists()
    assert CliRunner().invoke(cli, ["gallery", str(inputs["out"])]).exit_code == 0
    assert (inputs["out"] / "index.html").is_file()


def test_shards_of_one_build_run_side_by_side_but_not_beside_a_full_build(tmp_path: Path) -> None:
    inputs = make_inputs(tmp_path)
    with held(inputs["out"], shared=True):  # shard 1/2 running
        assert run(inputs, "--template", "tiny-image", "--shard", "2/2").exit_code == 0
        full = run(inputs, "--template", "tiny-image")
        assert full.exit_code == 2 and "正被另一个 qmposter 进程使用" in full.output
    with held(inputs["out"], "build --shard", name=".qmposter.shard-2-of-2.lock") as pid:
        again = run(inputs, "--template", "tiny-image", "--shard", "2/2")  # the same shard twice
    assert again.exit_code == 2 and f"build --shard（进程 {pid}）" in again.output


def test_two_builds_of_different_campaigns_into_one_folder_leave_a_true_manifest(tmp_path: Path) -> None:
    inputs = make_inputs(tmp_path)
    common = [sys.executable, "-m", "qmposter", "build", "--templates", str(inputs["templates"])]
    common += ["--out", str(inputs["out"]), "--template", "tiny-image", "--template", "tiny-print", "--jobs", "1"]
    procs = [
        subprocess.Popen([*common, "--campaign", str(inputs["campaign"])], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True),
        subprocess.Popen(common, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True),  # default campaign
    ]  # fmt: skip
    results = [(proc.wait(), proc.communicate()[0]) for proc in procs]
    assert {code for code, _ in results} <= {0, 2} and any(code == 0 for code, _ in results), results
    for code, output in results:
        assert "Traceback" not in output
        if code == 2:
            assert "正被另一个 qmposter" in output
    body = json.loads((inputs["out"] / "manifest.json").read_text(encoding="utf-8"))
    assert body["items"]
    mismatched = [item["path"] for item in body["items"] if sha256(inputs["out"] / item["path"]) != item["sha256"]]
    assert mismatched == []


# -- workers die with the build ------------------------------------------------------------------


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            tree.setdefault(ppid, []).append(int(entry))
    return tree


def _descendants(pid: int) -> set[int]:
    tree, found, todo = _children(), set(), [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _running(pid: int) -> bool:
    """Alive and not a zombie (an orphan's zombie waits for init, which may not reap here)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_kill_9_of_a_parallel_build_leaves_none_of_its_processes(tmp_path: Path) -> None:
    # the default campaign on every bundled template: hundreds of files, so workers start
    build = subprocess.Popen(
        [sys.executable, "-m", "qmposter", "build", "--jobs", "3", "--force", "--out", str(tmp_path / "out")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    family: set[int] = set()
    # forkserver and resource tracker are children of the build, the workers its grandchildren
    while time.monotonic() < deadline and build.poll() is None:
        family = _descendants(build.pid)
        if any(_descendants(child) for child in family):
            break
        time.sleep(0.05)
    assert build.poll() is None and any(_descendants(child) for child in family), "no worker process started"
    family = _descendants(build.pid)
    os.kill(build.pid, signal.SIGKILL)
    build.wait()
    deadline = time.monotonic() + 30  # a bound for a hung test, not a speed check (issue: 5 s)
    while time.monotonic() < deadline and any(_running(pid) for pid in family):
        time.sleep(0.1)
    assert [pid for pid in family if _running(pid)] == []
