"""ZIP downloads of a build: everything, one template, or one unit — with a manifest that matches.

The files to pack come from the build's manifest (read as the gallery reads it) and each
path must stay inside the output folder. A partial ZIP carries a manifest.json listing
exactly the files in it, so whoever receives it can check every file by its sha256. Entries
have a fixed date and order: the same build gives byte-identical ZIPs.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

from qmposter.errors import InputError
from qmposter.products.gallery import read_manifest
from qmposter.studio.security import inside

_EPOCH = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Selection:
    """Which part of a build: `kind` is all | template | unit, `value` its name."""

    kind: str = "all"
    value: str = ""

    def keeps(self, item: dict) -> bool:
        if self.kind == "template":
            return item.get("template") == self.value
        if self.kind == "unit":
            return (item.get("unit") or "") == self.value
        return True

    @property
    def file_name(self) -> str:
        safe = "".join(ch for ch in self.value if ch.isalnum() or ch in "-_") or "全部"
        return "宣传品-全部.zip" if self.kind == "all" else f"宣传品-{safe}.zip"


def build_zip(out: Path, selection: Selection) -> bytes:
    """The ZIP of the selected files of the build in `out`, with its own manifest.json."""
    manifest = read_manifest(out)
    items = [item for item in manifest["items"] if isinstance(item, dict) and selection.keeps(item)]
    if not items:
        raise InputError(f"输出文件夹 {out} 中没有可下载的文件（{selection.kind} {selection.value}）。")
    skipped = [s for s in manifest.get("skipped", []) if isinstance(s, dict) and selection.keeps(s)]
    part = {**manifest, "items": items, "skipped": skipped}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        _add(archive, "manifest.json", (json.dumps(part, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
        for item in sorted(items, key=lambda i: str(i.get("path"))):
            path = str(item.get("path", ""))
            _add(archive, path, inside(out, path).read_bytes())
    return buffer.getvalue()


def _add(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, _EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    info.flag_bits |= 0x800  # UTF-8 names: Chinese unit folders open right on Windows
    archive.writestr(info, data)


def build_parts(out: Path) -> tuple[list[str], list[str]]:
    """The templates and units of the build in `out`, for the download buttons."""
    items = read_manifest(out)["items"]
    templates = sorted({str(i["template"]) for i in items if isinstance(i, dict) and i.get("template")})
    units = sorted({str(i["unit"]) for i in items if isinstance(i, dict) and i.get("unit")})
    return templates, units
