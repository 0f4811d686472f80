"""One writer per output folder: an advisory lock file that the kernel releases with its process.

Two builds into one folder at once each write files and a manifest that the other then
overwrites, so the manifest stops matching the files. `build`, `gallery` and
`--merge-shards` hold FOLDER/.qmposter.lock exclusively; shards of one build, which are
meant to run side by side, share it and each holds its own shard lock exclusively. The
lock is `flock(2)`: a build killed with `kill -9` leaves the file behind but not the lock,
so the next run just takes it (no stale-lock cleanup, no PID guessing). An exclusive
holder removes the file when done; whoever locked a removed file locks the new one. Where flock does
not exist (Windows) there is no lock.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from qmposter.errors import InputError
from qmposter.fileio import os_reason

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

LOCK_NAME = ".qmposter.lock"


@contextlib.contextmanager
def folder_lock(folder: Path, what: str, *, shared: bool = False, name: str = LOCK_NAME) -> Iterator[None]:
    """Hold FOLDER/`name` while the block runs; InputError (Chinese, exit 2) when another process has it.

    `what` names this process's task in the lock file, for the message the other one gets.
    """
    if fcntl is None:  # pragma: no cover - Windows
        yield
        return
    path = Path(folder) / name
    fd = _acquire(folder, path, shared)
    try:
        if not shared:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()} {what}\n".encode(), 0)
        yield
    finally:
        if not shared:  # still holding it: nobody can be between open and flock on this file
            with contextlib.suppress(OSError):
                path.unlink()
        os.close(fd)


def _acquire(folder: Path, path: Path, shared: bool) -> int:
    """Open and lock `path`; again if the holder we waited for removed the file meanwhile."""
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
        except OSError as error:
            raise InputError(f"无法在 {folder} 中创建锁文件 {path.name}：{os_reason(error)}。") from None
        try:
            fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
            if os.fstat(fd).st_ino == os.stat(path).st_ino:
                return fd
        except BlockingIOError:
            os.close(fd)
            raise _busy(folder, path) from None
        except FileNotFoundError:
            pass
        os.close(fd)


def _busy(folder: Path, path: Path) -> InputError:
    """The message for a folder another process is writing, naming it when the lock file still does."""
    who = "另一个 qmposter 进程"
    try:
        pid_text, _, task = path.read_text(encoding="utf-8").strip().partition(" ")
        pid = int(pid_text)
        os.kill(pid, 0)
        who = f"另一个 qmposter {task}（进程 {pid}）"
    except (OSError, ValueError):
        pass
    return InputError(
        f"输出文件夹 {folder} 正被{who}使用：两个进程同时写入同一个文件夹，清单会与文件对不上。",
        hint="等它结束后再运行，或用 --out 换一个输出文件夹。",
    )
