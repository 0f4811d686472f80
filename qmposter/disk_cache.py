"""Files that only save time: where qmposter keeps them and how they are read and written.

A cache holds answers a process could work out again (word breaks, font metrics, tones), so a
fresh process starts faster. A missing, damaged or unwritable file only costs that work
again; it never changes a result and never stops a command.

The one way here to keep a value whose damage must be noticed (`seal`/`unseal`, a CRC-32 over
its marshal bytes: `write_checked`/`read_checked` for a whole file, `AnswerFile`
per answer), and the one way to bound a kind of file (`prune`: by count and/or bytes, least
recently written or touched first).
"""

from __future__ import annotations

import atexit
import contextlib
import marshal
import os
import sys
import threading
import zlib
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path


def cache_dir() -> Path:
    """Where qmposter keeps caches that only save time (safe to delete at any moment):
    QMPOSTER_CACHE_DIR, else $XDG_CACHE_HOME/qmposter (if absolute), else ~/.cache/qmposter; with no home
    (no HOME, no passwd entry: `~` stays `~`) a private folder in the system temporary folder."""
    from pathlib import Path

    return Path(cache_folder())


def cache_folder() -> str:
    """cache_dir() as a string: what runs before pathlib is imported (`qmposter --version` never is) uses this."""
    if os.environ.get("QMPOSTER_CACHE_DIR"):
        return os.environ["QMPOSTER_CACHE_DIR"]
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(xdg):  # a relative one is ignored, as the XDG base directory spec says
        return os.path.join(xdg, "qmposter")
    home = os.path.expanduser("~")
    if not os.path.isabs(home):  # never ./~/.cache: a folder named "~" in the working folder invites `rm -rf ~`
        return _private_temporary_folder()
    return os.path.join(home, ".cache", "qmposter")


def _private_temporary_folder() -> str:
    """$TMPDIR/qmposter-cache-UID, made 0700; used only when it is this user's own folder, writable by
    nobody else: caches hold code (dataclass_code), so a folder another user made there must not be
    read. Otherwise a place where no folder can be made, where every cache only costs time."""
    import stat
    import tempfile

    uid = os.getuid() if hasattr(os, "getuid") else None  # POSIX; elsewhere the temporary folder is the user's
    folder = os.path.join(tempfile.gettempdir(), f"qmposter-cache-{'user' if uid is None else uid}")
    with contextlib.suppress(OSError):
        os.mkdir(folder, 0o700)
    try:
        st = os.lstat(folder)
    except OSError:
        return _NOWHERE
    own = stat.S_ISDIR(st.st_mode) and (uid is None or st.st_uid == uid) and not st.st_mode & 0o022
    return folder if own else _NOWHERE


_NOWHERE = os.path.join(os.devnull, "qmposter")  # inside a device: nothing can be made or read there


def read_marshal(path: str | Path) -> object | None:
    """The value stored by write_marshal, or None when the file is missing or damaged."""
    try:
        with open(path, "rb") as handle:
            return marshal.loads(handle.read())
    except (OSError, EOFError, ValueError, TypeError):
        return None


_writing = True  # False after stop_writing()


def stop_writing() -> None:
    """Write no cache file from now on in this process: `qmposter cache --clear` empties the folder,
    and what the command itself learnt (compiled patterns, say) would be saved there at exit."""
    global _writing
    _writing = False


def write_marshal(path: str | Path, value: object) -> None:
    """Store `value` (builtin types only) under a temporary name, then rename; errors are ignored.

    Not fileio.atomic_write_bytes: this runs at exit, also from the regex store while it holds its
    lock, and importing fileio then (its module compiles patterns) would wait for that lock; and
    `qmposter --version` imports neither pathlib nor hashlib. The temporary name holds the process
    and the thread, so two threads of the studio never share one."""
    if not _writing:
        return
    folder, name = os.path.split(os.fspath(path))
    tmp = os.path.join(folder, f".{name}.{os.getpid()}-{threading.get_ident()}.tmp")
    with contextlib.suppress(OSError, ValueError):
        data = marshal.dumps(value)
        os.makedirs(folder or os.curdir, exist_ok=True)
        with open(tmp, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    with contextlib.suppress(OSError):
        os.unlink(tmp)


def at_exit(save: Callable[[], object]) -> None:
    """Run `save` when this process ends: at exit, and in a multiprocessing worker (a build's
    --jobs worker leaves through os._exit, skipping atexit) through multiprocessing's own exit
    finalizers, so what a worker learnt is kept as the main process's is."""
    atexit.register(save)
    mp = sys.modules.get("multiprocessing")  # never imported here: a build without workers has none
    if mp is not None and mp.parent_process() is not None:
        from multiprocessing.util import Finalize

        Finalize(None, save, exitpriority=10)


def seal(value: object, salt: str = "") -> tuple[int, bytes]:
    """(CRC-32, marshal bytes) of `value` (builtin types only; ValueError otherwise). `salt` (e.g. the
    question an answer belongs to) enters the CRC, so an answer filed under another question fails."""
    blob = marshal.dumps(value)
    return zlib.crc32(blob, _salt_crc(salt)), blob


def unseal(stored: object, salt: str = "") -> object | None:
    """The value `seal(value, salt)` made, or None when `stored` is not such a pair or the CRC fails."""
    if not (isinstance(stored, tuple) and len(stored) == 2 and isinstance(stored[1], bytes)):
        return None
    if stored[0] != zlib.crc32(stored[1], _salt_crc(salt)):
        return None
    try:
        return marshal.loads(stored[1])
    except (EOFError, ValueError, TypeError):
        return None


def _salt_crc(salt: str) -> int:
    return zlib.crc32(salt.encode("utf-8", "surrogatepass")) if salt else 0


def read_checked(path: str | Path) -> object | None:
    """The value stored by write_checked, or None when the file is missing, damaged or foreign."""
    return unseal(read_marshal(path))


def write_checked(path: str | Path, value: object) -> None:
    """write_marshal with a checksum: a file damaged on disk is refused by read_checked, not misread."""
    with contextlib.suppress(ValueError):
        write_marshal(path, seal(value))


def code_version(*sources: Path, extra: str = "") -> str:
    """Hash of the source files a cache's answers come from (and `extra`: library versions, the
    marshal format): edited code gets new cache files. A file that cannot be read counts by name."""
    import hashlib

    digest = hashlib.sha256(extra.encode())
    for source in sources:
        try:
            digest.update(source.read_bytes())
        except OSError:
            digest.update(str(source).encode())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def file_version_path(prefix: str, source: str | Path, version: str) -> Path | None:
    """The cache file `prefix`-*.marshal for this version of the file `source` (path, size, times,
    inode) as read by code `version`; None when `source` cannot be read."""
    return files_version_path(prefix, (source,), version)


def files_version_path(prefix: str, sources: Iterable[str | Path], version: str) -> Path | None:
    """file_version_path for an answer that depends on several files: any of them edited, replaced,
    added or removed names another cache file. None when one cannot be read."""
    import hashlib

    ident = files_version(sources, version)
    if ident is None:
        return None
    return cache_dir() / f"{prefix}-{hashlib.sha256(ident.encode()).hexdigest()[:24]}.marshal"


def files_version(sources: Iterable[str | Path], version: str) -> str | None:
    """What names a version of the files `sources` (path, size, times, inode each) read by code `version`."""
    ident = [version]
    for source in sources:
        try:
            st = os.stat(source)
        except OSError:
            return None
        ident.append(f"{source}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ctime_ns}\0{st.st_ino}")
    return "\0".join(ident)


def package_key(source: Path, package: str) -> str | None:
    """Hash of `source` (the code that asks) and of the installed `package`'s top-level files
    (name, size, mtime): new rules or a new dictionary get a new cache file. None when the
    package is not installed or cannot be read."""
    import importlib.util

    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    files = []
    try:
        for folder in spec.submodule_search_locations:
            for entry in sorted(os.scandir(folder), key=lambda e: e.name):
                if entry.is_file():
                    st = entry.stat()
                    files.append(f"{entry.name}\0{st.st_size}\0{st.st_mtime_ns}\0")
        source.stat()
    except OSError:
        return None
    return code_version(source, extra="".join(files))


class AnswerFile:
    """The answers of one pure function (text → value) that needs a slow package, on disk.

    Loaded on first use, written at exit when this process added answers, to the file named
    when it was loaded (code or package updated meanwhile: the answers still go under the
    version that made them). Each answer is any marshal-able value kept sealed (`seal`, salted
    with its question): `get` hands out a fresh copy whose checksum held, or None, so a damaged
    file costs time, never a wrong result; `put` skips a value marshal cannot hold, and one whose
    marshal bytes pass `max_answer_bytes`.
    """

    MAX_ENTRIES = 50_000  # a runaway file (a fuzzer's random text) starts over instead of growing
    KEEP_FILES = 4  # versions of one name (code or package updates): older files are pruned when one is written

    def __init__(
        self,
        name: str,
        source: Path,
        package: str,
        *,
        max_entries: int = MAX_ENTRIES,
        max_answer_bytes: int | None = None,
    ) -> None:
        self._name, self._source, self._package = name, source, package
        self._max_entries = max_entries
        self._max_answer_bytes = max_answer_bytes  # a bigger answer is not kept: every process reads the whole file
        self._lock = threading.Lock()
        self._answers: dict | None = None
        self._file: Path | None = None  # named by _load, from the code and package versions then
        self._added = 0

    def get(self, question: str) -> Any:
        with self._lock:
            answer = self._load().get(question)
        return unseal(answer, question)

    def put(self, question: str, answer: Any) -> None:
        try:
            answer = seal(answer, question)
        except ValueError:  # not a marshal type: not kept
            return
        if self._max_answer_bytes is not None and len(answer[1]) > self._max_answer_bytes:
            return
        with self._lock:
            answers = self._load()
            if len(answers) >= self._max_entries:
                answers.clear()
            answers[question] = answer
            if self._added == 0:
                at_exit(self.save)
            self._added += 1

    def save(self) -> None:
        with self._lock:
            path = self._file
            if self._added and self._answers is not None and path is not None:
                write_marshal(path, self._answers)
                prune(self._name, self.KEEP_FILES)
                self._added = 0

    def _load(self) -> dict:
        if self._answers is None:
            key = package_key(self._source, self._package)
            # "-c1": the layout of a sealed answer (bump when it changes); older files are never read
            self._file = cache_dir() / f"{self._name}-{key}-c1.marshal" if key else None
            stored = read_marshal(self._file) if self._file is not None else None
            self._answers = stored if isinstance(stored, dict) else {}
        return self._answers


def prune(prefix: str, keep: int | None = None, *, max_bytes: int | None = None) -> None:
    """Delete the least recently written (or touched: os.utime on a hit) `prefix`-*.marshal files of
    the cache folder beyond the newest `keep` and beyond `max_bytes` in all (answers for font files
    or code versions that are gone, or pixels not drawn for a while, would otherwise pile up)."""
    files = []
    with contextlib.suppress(OSError), os.scandir(cache_folder()) as entries:
        for entry in entries:
            if entry.name.startswith(f"{prefix}-") and entry.name.endswith(".marshal"):
                with contextlib.suppress(OSError):
                    st = entry.stat()
                    files.append((st.st_mtime_ns, st.st_size, entry.path))
    used = 0
    for count, (_, size, path) in enumerate(sorted(files, reverse=True), 1):
        used += size
        if (keep is not None and count > keep) or (max_bytes is not None and used > max_bytes):
            with contextlib.suppress(OSError):
                os.unlink(path)
