"""Live preview: re-render one product after an edit, fast enough to follow typing.

A live preview (the studio, an editor plugin) keeps one `LivePreview` for its whole life.
Fonts, glyph metrics, word breaks, template pictures and gradients stay loaded in the
process, so a re-render pays only for what changed: the template is read again when its
files change (checked on every call, so an edit shows at once; qmposter.template_cache),
the campaign and catalogue when their files change. A screen-sized PNG of an A3 poster takes about 40–60 ms of CPU warm
(docs/performance.md), inside the 100 ms a preview can take.

    preview = LivePreview(templates_dir=Path("my-templates"))
    shot = preview.render("poster-a3-red", slogan="2010-05")        # PNG, longer side ≤ 1200 px
    shot = preview.render(Path("my-templates/mine.toml"), text="质量第一", fmt="pdf")

Errors are QmposterError with the same Chinese messages as the CLI.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from qmposter.campaign import Campaign, load_campaign
from qmposter.catalogue.catalogue import Catalogue, load_catalogue
from qmposter.content import Content
from qmposter.disk_cache import files_version
from qmposter.errors import InputError
from qmposter.layout.engine import layout_page
from qmposter.layout.page import Page
from qmposter.render.output import RASTER, format_for, render_bytes
from qmposter.template_cache import loaded_template
from qmposter.templates import Template

PREVIEW_MAX_PX = 1200  # a screen: the longer side of a preview image


@dataclass(frozen=True)
class Preview:
    """One rendered preview: the file bytes, their format, and what was laid out."""

    data: bytes
    fmt: str
    dpi: float
    template: Template
    page: Page
    content: Content


class LivePreview:
    """Renders previews in this process, keeping everything that does not change warm."""

    def __init__(
        self,
        *,
        campaign_path: Path | None = None,
        templates_dir: Path | None = None,
        catalogue_dir: Path | None = None,
    ) -> None:
        self.campaign_path, self.templates_dir, self.catalogue_dir = campaign_path, templates_dir, catalogue_dir
        self._lock = threading.Lock()
        self._campaign: tuple[tuple, Campaign] | None = None
        self._catalogue: tuple[tuple, Catalogue] | None = None

    def render(
        self,
        template: str | Path,
        *,
        slogan: str | None = None,
        text: str | None = None,
        fmt: str = "png",
        max_px: int | None = PREVIEW_MAX_PX,
        dpi: float | None = None,
        allow_overflow: bool = False,
    ) -> Preview:
        """`template` (a name or a .toml path) with a catalogue slogan (ID or alias) or any `text`.

        Images are scaled so the longer side is at most `max_px` (None: the template's own dpi),
        unless `dpi` is given, and PNGs are compressed for speed (a preview, not a deliverable).
        """
        if (slogan is None) == (text is None):
            raise InputError("预览需要口号 ID/别名或文字，二者给一个。")
        kind = format_for(Path(f"preview.{fmt}"))
        loaded = loaded_template(template, self.templates_dir)  # checked every call: an edit shows at once
        content = self._content(slogan, text)
        page = layout_page(loaded, content, allow_overflow=allow_overflow)
        resolution = dpi or _screen_dpi(page, loaded.page.dpi, max_px)
        data = render_bytes(page, kind, dpi=resolution, fast=kind in RASTER)
        return Preview(data=data, fmt=kind, dpi=resolution, template=loaded, page=page, content=content)

    def _content(self, slogan: str | None, text: str | None) -> Content:
        campaign = self.campaign()
        if text is not None:
            if not text.strip():
                raise InputError("预览的文字不能为空。")
            return Content.from_campaign(campaign, text)
        entry = self.catalogue().resolve(slogan)
        return Content.from_campaign(campaign, entry.text, slogan)

    def campaign(self) -> Campaign:
        """The campaign, read again only when its file changed."""
        with self._lock:
            stamp = _stamp([self.campaign_path]) if self.campaign_path is not None else ()
            if self._campaign is None or self._campaign[0] != stamp:
                self._campaign = (stamp, load_campaign(self.campaign_path))
            return self._campaign[1]

    def catalogue(self) -> Catalogue:
        """The slogan catalogue, read again only when one of its files changed."""
        with self._lock:
            folder = self.catalogue_dir
            stamp = _stamp(sorted(Path(folder).glob("*.toml"))) if folder is not None else ()
            if self._catalogue is None or self._catalogue[0] != stamp:
                self._catalogue = (stamp, load_catalogue(folder))
            return self._catalogue[1]


def _screen_dpi(page: Page, template_dpi: float, max_px: int | None) -> float:
    """The template's dpi, lowered so the longer side of the image is at most max_px."""
    if max_px is None:
        return template_dpi
    longest_inch = max(page.width, page.height) / 72
    return min(template_dpi, max_px / longest_inch)


def _stamp(paths: list[Path]) -> tuple:
    """What identifies a version of these files: disk_cache.files_version's path, size, times and
    inode each (a rewrite of the same size within one mtime tick still shows), a missing one by name."""
    return tuple(files_version([path], "") or f"missing\0{path}" for path in paths)
