"""Templates loaded once per version of their files, shared by a build's plan and its jobs.

The plan loads each template (to list and key its jobs) and the jobs in this process draw
with the same Template, not a second load. An entry is handed out again only while what it
was read from is unchanged: the template file, its bases and assets (size, times, inode),
and the template folders themselves (a file added, removed or replaced there changes the
folder, and may shadow a template or a base by name). So a long-lived process (the studio)
that builds again after a template edit draws the edited template, as a new process would.
"""

from __future__ import annotations

import os
from pathlib import Path

from qmposter.memo import LRU
from qmposter.templates import Template, load_template, search_dirs

_LOADED: LRU[tuple[Template, tuple | None]] = LRU(64)


def loaded_template(name: str, templates_dir: Path | None) -> Template:
    """load_template(name, templates_dir), reused while its files and folders are unchanged."""
    dirs = search_dirs(templates_dir)
    key = (name, templates_dir)
    found = _LOADED.get(key)
    if found is not None and found[1] is not None and found[1] == _stamp(dirs, found[0].files):
        return found[0]
    template = load_template(name, templates_dir)
    _LOADED.put(key, (template, _stamp(dirs, template.files)))
    return template


def _stamp(dirs: list[Path], files: tuple[Path, ...]) -> tuple | None:
    """What changes when any of `dirs` or `files` is edited, replaced, added to or removed (None: one is gone)."""
    stamp = []
    for path in (*dirs, *files):
        try:
            st = os.stat(path)
        except OSError:
            return None
        stamp.append((st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino))
    return tuple(stamp)
