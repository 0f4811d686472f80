"""The methods `@dataclass` writes for qmposter's classes, compiled once and kept on disk (issue 12).

For every class, `dataclasses` writes __init__, __repr__, __eq__ (frozen: also __hash__,
__setattr__, __delattr__) as Python source and compiles it while the module is imported:
qmposter's ~65 classes make ~400 small functions, ~20 ms of every process's start. The
compiled code depends only on that source text and the interpreter, so the code objects
are kept in the user cache folder (qmposter.disk_cache), one file per interpreter build,
and `dataclasses` is handed the stored code instead of compiling the same text again.

Only classes of qmposter's own modules are served, with the very globals `dataclasses`
passes, so each class is exactly what `dataclasses` makes. A missing, damaged (checksum) or
unwritable file only means compiling, as without this module.
"""

from __future__ import annotations

import atexit
import builtins
import dataclasses
import sys
import threading
import types
import zlib

MAX_ENTRIES = 1000  # qmposter has ~400; past this (old code versions pile up) the file starts over,
# since the whole file is read by every process (~1.5 ms at 400 entries)
KEEP_FILES = 4  # interpreter builds sharing one cache folder
PREFIX = "dataclasses"


class CodeStore:
    """source text → code object, read from the cache file on first use and written at exit when new."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._codes: dict[str, types.CodeType] | None = None
        self._path = None  # the cache file, found when the first class is made (not for `qmposter --version`)
        self.compiled = 0  # texts compiled by this process (not found in the file)

    def exec(self, source, globals=None, locals=None, /):
        """builtins.exec, with a qmposter module's source text replaced by its stored code."""
        if isinstance(source, str) and isinstance(globals, dict) and _ours(globals):
            source = self.code(source)
        return builtins.exec(source, globals, locals)

    def code(self, text: str) -> types.CodeType:
        """The code of `text` compiled as `exec(text)` in module dataclasses would (no __future__ flags)."""
        with self._lock:
            codes = self._load()
            code = codes.get(text)
            if code is None:
                code = compile(text, "<string>", "exec", dont_inherit=True)
                if len(codes) >= MAX_ENTRIES:
                    codes.clear()
                codes[text] = code
                if self.compiled == 0:
                    atexit.register(self.save)
                self.compiled += 1
            return code

    def save(self) -> None:
        from qmposter.disk_cache import prune, write_checked

        with self._lock:
            if self.compiled and self._codes is not None and self._path is not None:
                write_checked(self._path, self._codes)
                prune(PREFIX, KEEP_FILES)
                self.compiled = 0

    def _load(self) -> dict[str, types.CodeType]:
        if self._codes is None:
            from qmposter.disk_cache import cache_dir

            self._path = cache_dir() / f"{PREFIX}-{interpreter_tag()}.marshal"
            self._codes = _read(self._path)
        return self._codes


def _read(path) -> dict[str, types.CodeType]:
    from qmposter.disk_cache import read_checked

    codes = read_checked(path)
    if not isinstance(codes, dict):
        return {}
    return {k: v for k, v in codes.items() if isinstance(k, str) and isinstance(v, types.CodeType)}


def _ours(globals: dict) -> bool:
    name = globals.get("__name__")
    return isinstance(name, str) and (name == "qmposter" or name.startswith("qmposter."))


def interpreter_tag() -> str:
    """Code objects are valid for one interpreter build and optimisation level only."""
    build = zlib.crc32(f"{sys.version}\0{sys.implementation.cache_tag}".encode())
    return f"{sys.implementation.cache_tag}-{build:08x}-o{sys.flags.optimize}"


STORE = CodeStore()


def install() -> None:
    """Make `dataclasses` compile through STORE (its only compile is `exec(text, globals, ns)`)."""
    if getattr(dataclasses, "exec", None) is not STORE.exec:
        dataclasses.exec = STORE.exec  # module global: shadows the builtin for dataclasses alone
