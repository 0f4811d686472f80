"""Atomic file writes shared by every product.

A file is written to a temporary name in its target folder and moved into place with
os.replace (atomic on one file system), so a killed run never leaves a truncated file
under a final name; the temporary file is removed on failure. The temporary file is made
as tempfile.mkstemp makes one (exclusive, mode 0600, not following a link), without
importing tempfile, which brings shutil, bz2, lzma and random: ~2 ms of every command's start.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
from collections.abc import Container
from pathlib import Path

from qmposter.errors import InputError


def _read_umask() -> int:
    """The process umask (mkstemp creates 0600 files; outputs should get the usual mode)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _read_umask()  # read once at import: os.umask is process-wide and not thread-safe
# what tempfile.mkstemp opens with (O_BINARY, O_NOFOLLOW exist on some systems only)
_TEMP_FLAGS = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
_TEMP_ATTEMPTS = 100  # names already taken in a row before giving up (each has 2^32 choices)

_REASONS = {
    errno.ENOENT: "文件或文件夹不存在",
    errno.ENOTDIR: "路径中有一段是文件，不是文件夹",
    errno.EEXIST: "路径中有一段是已存在的文件，不是文件夹",
    errno.EISDIR: "这是一个文件夹，不是文件",
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.EROFS: "所在的磁盘是只读的",
    errno.ENOSPC: "磁盘空间不足",
    errno.EDQUOT: "磁盘配额已用完",
    errno.ENAMETOOLONG: "文件名太长",
}


def output_mode() -> int:
    """The mode of every output file: 0666 minus the umask (0644 usually); mkstemp alone gives 0600."""
    return 0o666 & ~_UMASK


def os_reason(error: OSError) -> str:
    """The reason of an OSError in Chinese (strerror is English on servers with the C locale)."""
    return _REASONS.get(error.errno or 0) or error.strerror or str(error)


def atomic_write_bytes(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write `data` to `path` via a temporary file and os.replace; parents are created.

    `durable=False` skips the fsync: the caller syncs many files at once (sync_filesystem).
    """
    path = Path(path)
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = _new_temporary(path)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.chmod(tmp, output_mode())
        os.replace(tmp, path)
        tmp = None
    except OSError as error:
        raise InputError(
            f"无法写入 {path}：{os_reason(error)}。", hint="请检查输出路径、文件夹权限和磁盘空间。"
        ) from error
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def temporary_name(target: str) -> str:
    """.TARGET.XXXXXXXX.tmp, 8 random characters as tempfile.mkstemp's: a target name that fits with
    mkstemp's temporary name (up to 241 bytes of 255) still fits."""
    return f".{target}.{os.urandom(4).hex()}.tmp"


def is_temporary_of(name: str, targets: Container[str]) -> bool:
    """Whether `name` is a temporary_name (or an earlier version's mkstemp name) of one of `targets`:
    build.run removes such leftovers of a killed run."""
    return len(name) > 4 and name.startswith(".") and name.endswith(".tmp") and name[1:].rsplit(".", 2)[0] in targets


def _new_temporary(path: Path) -> tuple[int, str]:
    """A new file temporary_name(path.name) next to `path`, open for writing, only this process's."""
    for _ in range(_TEMP_ATTEMPTS):
        tmp = os.path.join(path.parent, temporary_name(path.name))
        try:
            return os.open(tmp, _TEMP_FLAGS, 0o600), tmp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "没有可用的临时文件名", str(path.parent))


def sync_filesystem(folder: Path) -> None:
    """Flush every written file of the file system holding `folder` to disk in one call
    (Linux syncfs; elsewhere os.sync): many files durable for the price of one flush."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        if _libc_syncfs(fd) != 0:
            os.sync()
    finally:
        os.close(fd)


def _libc_syncfs(fd: int) -> int:
    import ctypes

    try:
        return ctypes.CDLL(None, use_errno=True).syncfs(fd)  # the C library the interpreter runs on
    except (OSError, AttributeError):
        return -1


def atomic_write_text(path: Path, text: str, *, encoding: str = "utf-8") -> None:
    """atomic_write_bytes for text (encoded as given, no newline translation)."""
    atomic_write_bytes(path, text.encode(encoding))


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file, streamed (fonts and posters are megabytes)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
