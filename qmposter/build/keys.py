"""Build keys: a hash of everything a job's bytes depend on.

Template files, slogan and campaign fields, fonts, qmposter's version and rendering code,
format, dpi and path. The build cache reuses a file only when its key is unchanged.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
from pathlib import Path

from qmposter import __version__
from qmposter.content import Content
from qmposter.fileio import sha256_file
from qmposter.templates import Template

_CODE_PARTS = ("layout", "render", "templates.py", "content.py", "fonts.py", "text.py")


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@functools.cache
def _code_fingerprint() -> str:
    """Hash of the rendering code: during development the version stays put while output changes."""
    package = Path(__file__).resolve().parent.parent
    files = sorted(
        path
        for part in _CODE_PARTS
        for path in ([package / part] if part.endswith(".py") else (package / part).rglob("*.py"))
        if path.is_file()
    )
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def base_key() -> str:
    from qmposter.fonts import bundled_fonts

    fonts = sorted((info.id, info.sha256) for info in bundled_fonts())
    return sha256_bytes(json.dumps([__version__, _code_fingerprint(), fonts]).encode())


def template_key(template: Template) -> str:
    """Name, page and the bytes of every file it depends on (the file, its bases, assets, fonts)."""
    return sha256_bytes(json.dumps([template.name, [sha256_file(Path(p)) for p in template.files]]).encode())


def job_key(
    base: str, template_key: str, content: Content, fmt: str, dpi: float | None, path: str, cmyk: bool = False
) -> str:
    fields = dataclasses.asdict(content)
    return sha256_bytes(
        json.dumps([base, template_key, fields, fmt, dpi, path, cmyk], ensure_ascii=False, sort_keys=True).encode()
    )
