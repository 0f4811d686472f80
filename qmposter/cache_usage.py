"""What the user cache folder holds, by kind, and emptying it (`qmposter cache`).

Apart from qmposter.disk_cache, which every process imports (its `Kind` tuple class alone cost
~0.1 ms of every start): only `qmposter cache` asks these questions.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import NamedTuple

from qmposter.disk_cache import cache_dir


class Kind(NamedTuple):
    """One kind of cache file (its name up to the key): how many files, how many bytes."""

    name: str
    files: int
    size: int


def usage() -> list[Kind]:
    """What the cache folder holds, by kind, largest first (`qmposter cache`)."""
    kinds: dict[str, tuple[int, int]] = {}
    for path, size in _cache_files():
        kind = _kind(path.name)
        files, total = kinds.get(kind, (0, 0))
        kinds[kind] = (files + 1, total + size)
    return sorted((Kind(name, *counts) for name, counts in kinds.items()), key=lambda k: (-k.size, k.name))


def clear() -> tuple[int, int]:
    """Delete every cache file (and a killed process's temporary ones); other files in the folder stay.

    Returns (files, bytes) deleted. A process running meanwhile may write a file again: that
    only costs its next reader nothing, and a later clear removes it.
    """
    files = size = 0
    for path, length in _cache_files(temporary=True):
        with contextlib.suppress(OSError):
            path.unlink()
            files += 1
            size += length
    return files, size


def _cache_files(*, temporary: bool = False) -> list[tuple[Path, int]]:
    """(path, bytes) of the folder's cache files (*.marshal, and words-*.json of releases before
    the word cache was an AnswerFile, which nothing prunes), with `temporary` write_marshal's leftovers."""
    found = []
    with contextlib.suppress(OSError), os.scandir(cache_dir()) as entries:
        for entry in entries:
            name = entry.name
            cache = name.endswith(".marshal") or (name.startswith("words-") and name.endswith(".json"))
            leftover = name.startswith(".") and name.endswith(".tmp") and ".marshal." in name
            if (cache or (temporary and leftover)) and entry.is_file(follow_symlinks=False):
                with contextlib.suppress(OSError):
                    found.append((Path(entry.path), entry.stat(follow_symlinks=False).st_size))
    return found


def _kind(name: str) -> str:
    """The name before its key: "glyphs-3f…" → glyphs, "reportlab-font-…" → reportlab-font."""
    parts = name.removesuffix(".marshal").removesuffix(".json").split("-")
    for index, part in enumerate(parts[1:], 1):
        if part.startswith(("cpython", "pypy")) or (len(part) >= 8 and all(c in "0123456789abcdef" for c in part[:8])):
            return "-".join(parts[:index])
    return parts[0]
