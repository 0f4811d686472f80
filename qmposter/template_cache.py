"""Templates loaded once per version of their files: the same Template object until an edit.

A build's plan loads each template (to list and key its jobs) and the jobs in this process
draw with the same Template, not a second load; a live preview re-renders with it after a
text edit, so the layout's caches keyed by the template's objects stay warm. An entry is
handed out again only while what it was read from is unchanged: the template file, its bases
and assets (size, times, inode), and the template folders themselves (a file added, removed
or replaced there changes the folder, and may shadow a template or a base by name). So a
long-lived process (the studio) sees a template edit at once, as a new process would.
"""

from __future__ import annotations

from pathlib import Path

from qmposter.disk_cache import files_version
from qmposter.memo import LRU
from qmposter.templates import Template, is_template_path, load_template, search_dirs

_LOADED: LRU[tuple[Template, tuple | None]] = LRU(64)


def loaded_template(ref: str | Path, templates_dir: Path | None = None) -> Template:
    """load_template(ref, templates_dir) (a name or a .toml path), reused while its files and folders are unchanged."""
    dirs = search_dirs(templates_dir)
    if is_template_path(ref):
        dirs = [Path(ref).parent, *dirs]  # where load_template looks for its bases
    key = (str(ref), templates_dir)
    found = _LOADED.get(key)
    if found is not None and found[1] is not None and found[1] == _stamp(dirs, found[0].files):
        return found[0]
    template = load_template(ref, templates_dir)
    _LOADED.put(key, (template, _stamp(dirs, template.files)))
    return template


def _stamp(dirs: list[Path], files: tuple[Path, ...]) -> str | None:
    """What changes when any of `dirs` or `files` is edited, replaced, added to or removed (None: one is gone)."""
    return files_version((*dirs, *files), "")
