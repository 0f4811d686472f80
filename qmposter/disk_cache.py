"""Files that only save time: where qmposter keeps them and how they are read and written.

A cache holds answers a process could work out again (word breaks, font metrics, tones), so a
fresh process starts faster. A missing, damaged or unwritable file only costs that work
again; it never changes a result and never stops a command.
"""

from __future__ import annotations

import atexit
import contextlib
import marshal
import os
import threading
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


def package_key(source: Path, package: str) -> str | None:
    """Hash of `source` (the code that asks) and of the installed `package`'s top-level files
    (name, size, mtime): new rules or a new dictionary get a new cache file. None when the
    package is not installed or cannot be read."""
    import hashlib
    import importlib.util

    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    digest = hashlib.sha256()
    try:
        digest.update(source.read_bytes())
        for folder in spec.submodule_search_locations:
            for entry in sorted(os.scandir(folder), key=lambda e: e.name):
                if entry.is_file():
                    st = entry.stat()
                    digest.update(f"{entry.name}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    except OSError:
        return None
    return digest.hexdigest()[:24]


class AnswerFile:
    """The answers of one pure function (text → tuple) that needs a slow package, on disk.

    Loaded on first use, written at exit when this process added answers; the caller checks
    each answer it gets back (a damaged file must cost time, never a wrong result).
    """

    MAX_ENTRIES = 50_000  # a runaway file (a fuzzer's random text) starts over instead of growing

    def __init__(self, name: str, source: Path, package: str, *, max_entries: int = MAX_ENTRIES) -> None:
        self._name, self._source, self._package = name, source, package
        self._max_entries = max_entries
        self._lock = threading.Lock()
        self._answers: dict | None = None
        self._added = 0

    def get(self, question: str) -> tuple | None:
        with self._lock:
            answer = self._load().get(question)
        return answer if isinstance(answer, tuple) else None

    def put(self, question: str, answer: tuple) -> None:
        with self._lock:
            answers = self._load()
            if len(answers) >= self._max_entries:
                answers.clear()
            answers[question] = answer
            if self._added == 0:
                atexit.register(self.save)
            self._added += 1

    def save(self) -> None:
        with self._lock:
            path = self._path()
            if self._added and self._answers is not None and path is not None:
                write_marshal(path, self._answers)
                self._added = 0

    def _load(self) -> dict:
        if self._answers is None:
            path = self._path()
            stored = read_marshal(path) if path is not None else None
            self._answers = stored if isinstance(stored, dict) else {}
        return self._answers

    def _path(self) -> Path | None:
        key = package_key(self._source, self._package)
        return cache_dir() / f"{self._name}-{key}.marshal" if key else None


def prune(prefix: str, keep: int) -> None:
    """Delete all but the `keep` most recently written `prefix`-* files of the cache folder
    (answers for font files or code versions that are gone would otherwise pile up)."""
    with contextlib.suppress(OSError):
        files = sorted(cache_dir().glob(f"{prefix}-*"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for stale in files[keep:]:
            stale.unlink(missing_ok=True)
