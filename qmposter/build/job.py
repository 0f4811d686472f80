"""One build job → one file, in whichever process runs it (this one, a worker, a dask worker)."""

from __future__ import annotations

import dataclasses
import io
import re
import struct
from dataclasses import dataclass
from pathlib import Path

from qmposter.build.keys import sha256_bytes
from qmposter.build.plan import Job
from qmposter.errors import QmposterError
from qmposter.render.output import RASTER, format_for, render_bytes, write_atomic
from qmposter.template_cache import loaded_template
from qmposter.templates import Template

_LABEL_PREFIX = re.compile(r"^口号 \S+（模板 [^）]+）：")  # the engine's label: the console message names both already


@dataclass(frozen=True)
class Outcome:
    """What a worker sends back: small, except `data` when the executor writes (dask)."""

    index: int
    sha256: str | None = None
    width_px: int | None = None
    height_px: int | None = None
    error: str | None = None
    data: bytes | None = None


def worker_template(name: str, templates_dir: Path | None) -> Template:
    """The template a job draws with: the one the plan loaded, while its files are unchanged."""
    return loaded_template(name, templates_dir)


def render_job(job: Job, templates_dir: Path | None) -> Outcome:
    """Lay out and render one job in memory; a user-fixable failure becomes Outcome.error."""
    from qmposter.layout.engine import layout_page

    try:
        template = worker_template(job.template, templates_dir)
        page = layout_page(template, job.content)
        data = render_bytes(page, job.format, dpi=job.dpi or template.page.dpi, cmyk=job.cmyk)
    except QmposterError as error:
        return Outcome(job.index, error=_LABEL_PREFIX.sub("", str(error), count=1))
    fmt = format_for(Path(job.path))
    width_px, height_px = _pixel_size(data, fmt) if fmt in RASTER else (None, None)
    return Outcome(job.index, sha256=sha256_bytes(data), width_px=width_px, height_px=height_px, data=data)


def write_job(job: Job, out: Path, templates_dir: Path | None) -> Outcome:
    """Render one job and write its file atomically; returns the outcome without the bytes.

    No fsync per file: the build syncs the file system once before its manifest (run.py).
    """
    outcome = render_job(job, templates_dir)
    if outcome.data is not None:
        write_atomic(out / job.path, outcome.data, durable=False)
    return dataclasses.replace(outcome, data=None)


def failure_message(job: Job, reason: str) -> str:
    """A failed job for the console: which slogan, template, format (and unit), then why."""
    unit = f"，单位 {job.unit}" if job.unit else ""
    where = f"口号 {job.content.slogan_ref}“{job.content.slogan}”，模板 {job.template}，{job.format.upper()}{unit}"
    return f"{where}：{reason}"


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _pixel_size(data: bytes, fmt: str) -> tuple[int, int]:
    """Width and height from the file's header: a PNG's IHDR directly, other formats through
    Pillow's plugin for that one format (Image.open without formats= imports five plugins)."""
    if data[:8] == _PNG_SIGNATURE and data[12:16] == b"IHDR":
        width, height = struct.unpack_from(">II", data, 16)
        return width, height
    from PIL import Image

    with Image.open(io.BytesIO(data), formats=[fmt.upper()]) as image:
        return image.size
