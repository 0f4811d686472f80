"""Live previews: one template, one slogan, the campaign's fields → a screen-sized PNG.

The same layout engine and raster backend as `qmposter render`; only the resolution is
chosen for a screen (the longer side in pixels). Loaded templates are the process's own
(qmposter.template_cache, as for a build and LivePreview): kept while none of their files (the
TOML, the files it extends, its assets) nor the template folders change, so a field edit costs
one layout and one raster, and a designer's save is picked up on the next request.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from qmposter.build.plan import output_dpi
from qmposter.campaign import Campaign
from qmposter.content import Content
from qmposter.errors import InputError
from qmposter.layout.engine import layout_page, skip_reason
from qmposter.render.output import render_bytes
from qmposter.render.raster import render_image
from qmposter.template_cache import loaded_template
from qmposter.templates import Template, search_dirs, template_names

CARD_PX = 420  # a card in the 版式预览 grid
LARGE_PX = 900  # the campaign page's poster and the large view: an A3 at about 54 dpi


@dataclass(frozen=True)
class Preview:
    """A PNG, or why the template does not take this slogan (`skipped`)."""

    png: bytes | None
    skipped: str | None = None


class PreviewService:
    """Renders previews with templates kept until their files change (qmposter.template_cache)."""

    def __init__(self, templates_dir: Path | None) -> None:
        self.templates_dir = templates_dir
        self._names: tuple[tuple, list[str]] | None = None

    def names(self) -> list[str]:
        """The page templates (`template_names`), listed again only when a template file changes."""
        files = sorted(p for folder in search_dirs(self.templates_dir) for p in folder.glob("*.toml"))
        key = tuple(zip(files, _stamps(tuple(files)), strict=True))
        if self._names is None or self._names[0] != key:
            self._names = (key, template_names(self.templates_dir))
        return self._names[1]

    def template(self, name: str) -> Template:
        """The loaded template `name` (a listed name only: never a path from a request)."""
        if name not in self.names():
            raise InputError(f"没有名为 {name} 的模板。")
        return loaded_template(name, self.templates_dir)

    def forget(self) -> None:
        """A template folder changed: list the templates again (loaded ones check their own files)."""
        self._names = None

    def png(self, name: str, campaign: Campaign, text: str, ref: str, longest_px: int = CARD_PX) -> Preview:
        """The template set with this slogan at `longest_px` on the longer side; layout errors raise."""
        template = self.template(name)
        content = Content.from_campaign(campaign, text, ref)
        reason = skip_reason(template, content)
        if reason:
            return Preview(None, reason)
        page = layout_page(template, content)
        dpi = longest_px * 72.0 / max(page.width, page.height)
        image = render_image(page, dpi)
        buffer = io.BytesIO()
        image.save(buffer, "PNG", compress_level=1)  # a screen preview: fast to encode beats small
        return Preview(buffer.getvalue())

    def download(self, name: str, campaign: Campaign, text: str, ref: str, fmt: str) -> bytes:
        """The file `qmposter build` would write for this slogan: print PDF, or PNG at the build's dpi."""
        template = self.template(name)
        page = layout_page(template, Content.from_campaign(campaign, text, ref))
        dpi = output_dpi(template, fmt) or template.page.dpi
        return render_bytes(page, fmt, dpi=dpi)


def _stamps(files: tuple[Path, ...]) -> tuple[int, ...]:
    return tuple(f.stat().st_mtime_ns if f.exists() else -1 for f in files)
