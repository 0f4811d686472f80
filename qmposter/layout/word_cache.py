"""Word segmentation answers kept on disk, so a fresh process need not load jieba's dictionary.

Loading rjieba builds its dictionary: about 0.1 s of CPU, a third of a cold `qmposter
render`. The slogans, issuers and headers a campaign sets are few and come back every
run, so the break kinds `layout.breaking` derives from jieba's words are remembered in
one small JSON file per (qmposter breaking code, rjieba build) in the user's cache folder
(QMPOSTER_CACHE_DIR, else $XDG_CACHE_HOME/qmposter, else ~/.cache/qmposter). The file
holds answers only, never decisions of its own: a missing, damaged or unwritable file
just means jieba is asked again, and the layout is the same either way.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import threading
from pathlib import Path

from qmposter.disk_cache import cache_dir, package_key

MAX_ENTRIES = 50_000  # a runaway cache (a fuzzer's random text) starts over instead of growing


class WordCache:
    """run of Han characters → break kinds, loaded on first use and saved at exit if it grew."""

    def __init__(self, source: Path, kinds: frozenset[str]) -> None:
        self._source = source
        self._kinds = kinds
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[str, ...]] | None = None
        self._added = 0

    def get(self, run: str) -> tuple[str, ...] | None:
        with self._lock:
            kinds = self._load().get(run)
        if kinds is None or len(kinds) != len(run) - 1 or not self._kinds.issuperset(kinds):
            return None  # unknown, or a damaged entry: ask jieba
        return kinds

    def put(self, run: str, kinds: tuple[str, ...]) -> None:
        with self._lock:
            entries = self._load()
            if len(entries) >= MAX_ENTRIES:
                entries.clear()
            entries[run] = kinds
            if self._added == 0:
                atexit.register(self.save)
            self._added += 1

    def save(self) -> None:
        """Write the file (temporary name, then rename) when this process learned something."""
        with self._lock:
            if not self._added or self._entries is None:
                return
            path = self._path()
            if path is None:
                return
            body = json.dumps(dict(sorted(self._entries.items())), ensure_ascii=False)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            with contextlib.suppress(OSError):
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp.write_text(body, encoding="utf-8")
                os.replace(tmp, path)
                self._added = 0
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)

    def _load(self) -> dict[str, tuple[str, ...]]:
        if self._entries is None:
            self._entries = {}
            path = self._path()
            with contextlib.suppress(OSError, ValueError, AttributeError, TypeError):
                raw = json.loads(path.read_text(encoding="utf-8")) if path is not None else {}
                lists = {run: kinds for run, kinds in raw.items() if isinstance(kinds, list)}
                self._entries = {str(run): tuple(map(str, kinds)) for run, kinds in lists.items()}
        return self._entries

    def _path(self) -> Path | None:
        key = package_key(self._source, "rjieba")
        return cache_dir() / f"words-{key}.json" if key else None
