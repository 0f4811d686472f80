"""What `re` compiles for the console script's regular expressions, kept on disk (issue 12).

A qmposter command compiles 50–70 patterns on its way (click's imports: platform, gettext;
json, logging, reportlab; the catalogue's and templates' checks): ~4 ms of every process,
the same work each time. `re` parses a pattern into opcodes (re._compiler) and hands them to
`_sre.compile` with the pattern's flags and groups. Those arguments depend only on the pattern
text, its flags and the interpreter's `re`, so they are kept in the user cache folder (one file
per interpreter build and version of `re`'s source files, with a checksum, qmposter.disk_cache)
and the next process makes each pattern from them: the same Pattern (`==` compares the
opcodes), without the parsing.

Only the console script installs it (qmposter.__main__), as it holds the garbage collector:
a program that imports qmposter compiles its patterns as it always did. A pattern is kept only
when the one made from its stored arguments equals the one `re` made; a stored entry that
`_sre` refuses, or a missing, damaged or unwritable file only means compiling.
"""

from __future__ import annotations

import _sre
import atexit
import marshal
import os
import re
import sys
import threading
import zlib
from re import _casefix, _compiler, _constants, _parser
from typing import Any

from qmposter.dataclass_code import interpreter_tag
from qmposter.disk_cache import cache_folder, files_version, prune, read_checked, write_checked

MAX_ENTRIES = 1000  # a command uses < 100; past this (old `re` versions, built patterns) the file starts over
KEEP_FILES = 4  # interpreter builds or versions of `re` sharing one cache folder
PREFIX = "regex"
FORMAT = "k2"  # how entries are keyed and which are stored: a file written under other rules is never read
_ARGS = 6  # _sre.compile(pattern, flags, code, groups - 1, groupindex, indexgroup)


class _Recorder:
    """Stands for `_sre` inside re._compiler: passes everything on, and keeps the arguments of the
    last `compile` in this thread (the pattern's compiled form)."""

    def __init__(self) -> None:
        self._local = threading.local()

    def __getattr__(self, name: str) -> Any:
        value = getattr(_sre, name)
        setattr(self, name, value)  # looked up once: re._compiler reads these per character
        return value

    def compile(self, *args: Any) -> re.Pattern:
        self._local.args = args
        return _sre.compile(*args)

    def take(self) -> tuple | None:
        args, self._local.args = getattr(self._local, "args", None), None
        return args


class PatternStore:
    """(is bytes, pattern, flags) → the arguments `_sre.compile` got for it; read on first use, written at exit."""

    def __init__(self, compile_: Any, recorder: _Recorder) -> None:
        self._compile, self._recorder = compile_, recorder
        self._lock = threading.Lock()
        self._stored: dict[tuple, tuple] | None = None
        self._new: dict[tuple, tuple] = {}  # compiled by this process (not served from the file)
        self._path: str | None = None  # the cache file (a string: `qmposter --version` imports no pathlib)
        self._version: str | None = None  # of `re` and the interpreter, stored in the file

    def compile(self, p: Any, flags: int = 0) -> re.Pattern:
        """re._compiler.compile(p, flags), from the stored arguments when they are there."""
        if not isinstance(p, (str, bytes)) or flags & _constants.SRE_FLAG_DEBUG:
            return self._compile(p, flags)
        # "x" and b"x" hash alike: the bytes flag first keeps them apart without comparing str with bytes
        # (a BytesWarning under `python -b`); a plain int, as a RegexFlag would make marshal refuse the file
        key = (isinstance(p, bytes), p, int(flags))
        with self._lock:
            args = self._load().get(key)
        if isinstance(args, tuple) and len(args) == _ARGS:
            try:
                return _sre.compile(*args)
            except (TypeError, ValueError, RuntimeError, OverflowError):  # refused by _sre's own check
                pass
        self._recorder.take()
        pattern = self._compile(p, flags)
        self._keep(key, self._recorder.take(), pattern)
        return pattern

    def _keep(self, key: tuple, args: tuple | None, pattern: re.Pattern) -> None:
        if _may_warn(key[1]):
            return
        try:  # plain ints (re's opcodes are an int subclass), as the next process will read them
            pattern_text, pattern_flags, code, groups, groupindex, indexgroup = args  # type: ignore[misc]
            plain = (pattern_text, int(pattern_flags), [int(c) for c in code], int(groups), dict(groupindex),
                     tuple(indexgroup))  # fmt: skip
            args = marshal.loads(marshal.dumps(plain))
            same = isinstance(args, tuple) and len(args) == _ARGS and _sre.compile(*args) == pattern
        except (TypeError, ValueError, RuntimeError, OverflowError, EOFError):  # also: nothing recorded
            return
        if not same:
            return
        with self._lock:
            if self._path is None:
                return
            if not self._new:
                atexit.register(self.save)
            self._new[key] = args

    def save(self) -> None:
        """Add this process's new patterns to the file, unless there is only one and the file has others:
        a pattern built anew in every process (reportlab joins a set's names, in hash order) would
        otherwise rewrite the file each time; a new command brings several."""
        with self._lock:
            new, self._new = self._new, {}
            stored = self._stored
            if not new or stored is None or self._path is None or (len(new) == 1 and stored):
                return
            if len(stored) + len(new) > MAX_ENTRIES:
                stored.clear()
            stored.update(new)
            write_checked(self._path, (self._version, stored))
            prune(PREFIX, KEEP_FILES)

    def _load(self) -> dict[tuple, tuple]:
        if self._stored is None:
            sources = [module.__file__ or "" for module in (_compiler, _parser, _constants, _casefix)]
            self._version = files_version(sources, f"{interpreter_tag()}-{_sre.MAGIC}-{FORMAT}")
            if self._version is not None:  # named by a CRC, not hashlib (OpenSSL: 2 ms `--version` has no use for)
                name = f"{PREFIX}-{zlib.crc32(self._version.encode()):08x}.marshal"
                self._path = os.path.join(cache_folder(), name)
            stored = read_checked(self._path) if self._path is not None else None
            # the file names the version it is for: another version under the same CRC is not read
            found = isinstance(stored, tuple) and len(stored) == 2 and stored[0] == self._version
            self._stored = stored[1] if found and isinstance(stored[1], dict) else {}
        return self._stored


def _may_warn(text: str | bytes) -> bool:
    """Whether parsing `text` may warn (a possible nested set or set operation, an odd group name): such a
    pattern is compiled every time, so its warning is given as `re` gives it, not only the first time."""
    probe = text if isinstance(text, str) else text.decode("latin-1")
    return any(mark in probe for mark in _WARNING_MARKS) or (isinstance(text, bytes) and not text.isascii())


_WARNING_MARKS = ("[[", "--", "&&", "~~", "||", "(?(")  # what re._parser warns about (Python 3.11–3.13)
_VERSIONS = ((3, 11), (3, 13))  # the Pythons whose `re` these rules were written for

STORE: PatternStore | None = None


def _supported() -> bool:
    """Whether this interpreter's `re` is the one the store was written for: what it calls and reads is
    there, and its Python is one whose warnings _WARNING_MARKS knows (another just compiles as usual)."""
    return (
        _VERSIONS[0] <= sys.version_info[:2] <= _VERSIONS[1]
        and callable(getattr(_compiler, "compile", None))
        and hasattr(_compiler, "_sre")
        and hasattr(_sre, "MAGIC")
        and hasattr(_constants, "SRE_FLAG_DEBUG")
    )


def install() -> None:
    """Make `re` compile through the store, for the rest of this process (the console script only)."""
    global STORE
    if STORE is not None or not _supported():
        return
    recorder = _Recorder()
    STORE = PatternStore(_compiler.compile, recorder)
    _compiler._sre = recorder  # type: ignore[attr-defined]
    _compiler.compile = STORE.compile
