"""Build keys: a hash of everything a job's bytes depend on.

Template files, slogan and campaign fields, fonts, qmposter's version and rendering code,
format, dpi and path. The build cache reuses a file only when its key is unchanged.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import time
from pathlib import Path

from qmposter import __version__
from qmposter.content import Content
from qmposter.disk_cache import files_version_path, prune, read_checked, write_checked
from qmposter.fileio import sha256_file
from qmposter.templates import Template

_CODE_PARTS = ("layout", "render", "templates.py", "content.py", "fonts.py", "text.py")
FINGERPRINT_PREFIX = "code-fingerprint"  # files in the user cache folder (qmposter.disk_cache)
FINGERPRINT_VERSION = "1"  # how the fingerprint is computed: bump when that changes
FINGERPRINT_FILES = 4  # versions of the code kept (an installed and a development copy, say)
# git's racy-timestamp rule: a file changed this recently could change again within its timestamp's
# resolution (1 s, FAT 2 s) keeping its size and times; its stat would then name stale bytes
RACY_SECONDS = 2.0


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@functools.cache
def _code_fingerprint() -> str:
    """Hash of the rendering code: during development the version stays put while output changes."""
    return code_fingerprint(Path(__file__).resolve().parent.parent)


def code_fingerprint(package: Path) -> str:
    """The hash of the rendering code's files in `package` (qmposter's folder), kept in the user cache
    folder per version of those files (path, size, times, inode): reading and hashing ~370 KB of
    source cost ~1 ms of every build's start; a stat of each file tells whether they are the same."""
    files = _code_files(os.fspath(package))
    stored = files_version_path(FINGERPRINT_PREFIX, files, FINGERPRINT_VERSION)
    found = read_checked(stored) if stored is not None else None
    if isinstance(found, str):
        return found
    digest = hashlib.sha256()
    for file in files:
        relative = Path(file).relative_to(package).as_posix()
        digest.update(relative.encode() + b"\0" + Path(file).read_bytes() + b"\0")
    fingerprint = digest.hexdigest()
    if stored is not None and not _changed_lately(files):
        write_checked(stored, fingerprint)
        prune(FINGERPRINT_PREFIX, FINGERPRINT_FILES)
    return fingerprint


def _code_files(package: str) -> list[str]:
    """The .py files of _CODE_PARTS (folders searched recursively), in path order (as Paths sort: by
    their parts). Plain strings: ~35 Path objects made and compared cost ~0.2 ms of every build's start."""
    files: list[str] = []
    for part in _CODE_PARTS:
        path = os.path.join(package, part)
        if part.endswith(".py"):
            files += [path] if os.path.isfile(path) else []
        else:
            files += _python_files(path)
    return sorted(files, key=lambda file: file.split(os.sep))


def _changed_lately(files: list[str]) -> bool:
    """A file modified (mtime) or changed (ctime: also a move or copy in place) within RACY_SECONDS of now:
    its fingerprint is worked out but not kept, so an edit in the same second cannot be served the old one."""
    now = time.time()
    try:
        return any(max(st.st_mtime, st.st_ctime) > now - RACY_SECONDS for st in map(os.stat, files))
    except OSError:
        return True


def _python_files(folder: str) -> list[str]:
    """The .py files under `folder`, not following links to folders (as os.walk and Path.rglob)."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    found = []
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            found += _python_files(entry.path)
        elif entry.name.endswith(".py") and entry.is_file():
            found.append(entry.path)
    return found


def base_key() -> str:
    from qmposter.fonts import bundled_fonts

    fonts = sorted((info.id, info.sha256) for info in bundled_fonts())
    return sha256_bytes(json.dumps([__version__, _code_fingerprint(), fonts]).encode())


def template_key(template: Template) -> str:
    """Name, page and the bytes of every file it depends on (the file, its bases, assets, fonts)."""
    return sha256_bytes(json.dumps([template.name, [sha256_file(Path(p)) for p in template.files]]).encode())


# Content's fields hold only strings, numbers and tuples of strings: a flat dict of them is what
# dataclasses.asdict gives (its deep copy, ~15 µs per job, changes nothing here), so the keys are the same
_CONTENT_FIELDS = tuple(field.name for field in dataclasses.fields(Content))


def job_key(
    base: str, template_key: str, content: Content, fmt: str, dpi: float | None, path: str, cmyk: bool = False
) -> str:
    fields = {name: getattr(content, name) for name in _CONTENT_FIELDS}
    return sha256_bytes(
        json.dumps([base, template_key, fields, fmt, dpi, path, cmyk], ensure_ascii=False, sort_keys=True).encode()
    )
