"""TOML files parsed once per text: the parsed values kept in the user cache folder (issue 12).

Every command reads the campaign, its templates and bases, the slogan catalogue and the font
list: ~10 TOML files, ~4 ms of parsing plus ~1.5 ms importing tomllib, in every process,
for files that rarely change. The values parsed from a file's text are stored under the
SHA-256 of that text (marshal, with a checksum: `AnswerFile`), so the next
process reading the same text neither parses nor imports tomllib; an edited file is a new
text, parsed again. Values
marshal cannot hold (TOML dates and times) are not stored. A missing, damaged or unwritable
file only means parsing, with the same result.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from qmposter.disk_cache import AnswerFile

MAX_TEXTS = 256  # distinct texts kept (a campaign's files are a few dozen; edits add new ones)

_STORED = AnswerFile("toml", Path(__file__), "tomllib", max_entries=MAX_TEXTS)


def loads(text: str) -> dict[str, Any]:
    """tomllib.loads(text): a new dict each call; tomllib.TOMLDecodeError (a ValueError) for bad text."""
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    found = _STORED.get(digest)  # checked: a fresh dict, or None (not stored, damaged)
    if isinstance(found, dict):
        return found
    import tomllib

    data = tomllib.loads(text)
    _STORED.put(digest, data)  # a date or time (not a marshal type) is not kept
    return data
