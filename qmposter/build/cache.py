"""The build cache: which files earlier builds wrote, under which key and sha256.

OUT/.qmposter-build*.json remembers the key and sha256 of each file written; a job whose
key matches and whose file still has that sha256 is not rendered again.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from qmposter.build.job import Outcome
from qmposter.build.plan import Job, Shard
from qmposter.fileio import sha256_file
from qmposter.render.output import write_atomic

CACHE_PREFIX = ".qmposter-build"


def cache_path(out: Path, shard: Shard | None) -> Path:
    return out / (f"{CACHE_PREFIX}.{shard.label}.json" if shard else f"{CACHE_PREFIX}.json")


def journal_path(out: Path, shard: Shard | None) -> Path:
    return cache_path(out, shard).with_suffix(".journal")


class BuildCache:
    """What earlier builds made: OUT/.qmposter-build[.shard-I-of-N].json, plus this run's journal.

    The journal gets one line per finished job, flushed at once, so a build killed at any
    moment has recorded (almost) everything it wrote; save() folds it into the JSON file.
    A full run reads every shard's cache too, so it reuses what the shards made.
    """

    def __init__(self, out: Path, shard: Shard | None, *, force: bool) -> None:
        self.out, self.shard = out, shard
        self.known: dict[str, list[dict]] = {}
        for file in _cache_files(out, ".json") + _cache_files(out, ".journal"):
            for path, entry in _read_cache_file(file).items():
                if entry is not None:
                    self.known.setdefault(path, []).append(entry)
        if force:
            self.known = {}
        self.own = _read_cache_file(cache_path(out, shard))
        self.own.update(_read_cache_file(journal_path(out, shard)))
        self.own = {path: entry for path, entry in self.own.items() if entry is not None}
        self._journal = None

    def lookup(self, job: Job) -> Outcome | None:
        """An earlier outcome if its key matches and the file still has its sha256."""
        for entry in self.known.get(job.path, ()):
            if entry.get("key") != job.key:
                continue
            try:
                if sha256_file(self.out / job.path) != entry.get("sha256"):
                    return None
            except OSError:
                return None
            return Outcome(job.index, sha256=entry["sha256"], width_px=entry.get("width_px"),
                           height_px=entry.get("height_px"))  # fmt: skip
        return None

    def record(self, job: Job, outcome: Outcome | None, *, journal: bool = True) -> None:
        """Remember a written (or reused) file; None forgets the path (its job failed)."""
        entry = None
        if outcome is not None:
            entry = {"key": job.key, "sha256": outcome.sha256, "width_px": outcome.width_px,
                     "height_px": outcome.height_px}  # fmt: skip
            self.own[job.path] = entry
        else:
            self.own.pop(job.path, None)
        if journal:
            if self._journal is None:
                self._journal = journal_path(self.out, self.shard).open("a", encoding="utf-8")
            self._journal.write(json.dumps({"path": job.path, "entry": entry}, ensure_ascii=False) + "\n")
            self._journal.flush()

    def save(self) -> None:
        body = {"format": 1, "files": dict(sorted(self.own.items()))}
        write_atomic(cache_path(self.out, self.shard), (json.dumps(body, ensure_ascii=False, indent=1) + "\n").encode())
        if self._journal is not None:
            self._journal.close()
            self._journal = None
        journal_path(self.out, self.shard).unlink(missing_ok=True)

    def stale(self, planned: set[str]) -> int:
        """Files an earlier build made that the plan no longer lists (left in place)."""
        return sum(1 for path in self.known if path not in planned and (self.out / path).is_file())


def _cache_files(out: Path, suffix: str) -> list[Path]:
    """OUT/.qmposter-build*SUFFIX (every shard's), in path order; a listing, not Path.glob, whose
    patterns `re` compiles in every build (~0.2 ms)."""
    try:
        with os.scandir(out) as entries:
            names = [e.name for e in entries if e.name.startswith(CACHE_PREFIX) and e.name.endswith(suffix)]
    except OSError:
        return []
    return sorted(out / name for name in names)


def _read_cache_file(file: Path) -> dict[str, dict | None]:
    """path → entry (None: forgotten) from a cache JSON or a journal; damage only costs re-renders."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    if file.suffix == ".journal":
        found: dict[str, dict | None] = {}
        for line in text.splitlines():
            try:
                record = json.loads(line)
                found[str(record["path"])] = record["entry"] if isinstance(record["entry"], dict) else None
            except (ValueError, KeyError, TypeError):
                continue  # the last line of a killed build may be cut short
        return found
    try:
        files = json.loads(text).get("files", {})
    except (ValueError, AttributeError):
        return {}
    return {str(k): v for k, v in files.items() if isinstance(v, dict)} if isinstance(files, dict) else {}
