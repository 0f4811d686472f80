"""Atomic file writes shared by every product.

A file is written to a temporary name in its target folder and moved into place with
os.replace (atomic on one file system), so a killed run never leaves a truncated file
under a final name; the temporary file is removed on failure.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path

from qmposter.errors import InputError


def _read_umask() -> int:
    """The process umask (mkstemp creates 0600 files; outputs should get the usual mode)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _read_umask()  # read once at import: os.umask is process-wide and not thread-safe


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write `data` to `path` via a temporary file and os.replace; parents are created."""
    path = Path(path)
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, path)
        tmp = None
    except OSError as error:
        raise InputError(f"无法写入 {path}：{error.strerror or error}", hint="请检查文件夹权限和磁盘空间") from error
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


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
