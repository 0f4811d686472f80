"""Files that only save time: where qmposter keeps them and how they are read and written.

A cache holds answers a process could work out again (word breaks, font metrics), so a
fresh process starts faster. A missing, damaged or unwritable file only costs that work
again; it never changes a result and never stops a command.
"""

from __future__ import annotations

import contextlib
import marshal
import os
from pathlib import Path


def cache_dir() -> Path:
    """Where qmposter keeps caches that only save time (safe to delete at any moment):
    QMPOSTER_CACHE_DIR, else $XDG_CACHE_HOME/qmposter, else ~/.cache/qmposter."""
    if os.environ.get("QMPOSTER_CACHE_DIR"):
        return Path(os.environ["QMPOSTER_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "qmposter"


def read_marshal(path: Path) -> object | None:
    """The value stored by write_marshal, or None when the file is missing or damaged."""
    try:
        return marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None


def write_marshal(path: Path, value: object) -> None:
    """Store `value` (builtin types only) under a temporary name, then rename; errors are ignored."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with contextlib.suppress(OSError, ValueError):
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(marshal.dumps(value))
        os.replace(tmp, path)
    with contextlib.suppress(OSError):
        tmp.unlink(missing_ok=True)
