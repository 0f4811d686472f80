"""The campaign leaflet (传单): a print-ready PDF that speaks for the campaign.

Two layouts, each described by templates/leaflet-<layout>.toml:

- ``a4``: A4 portrait, two pages (front for the public, back for the campaign);
- ``trifold``: A4 landscape three-panel roll fold (三折页), outside and inside pages.

Modules, lowest first (a lower one never imports a higher one): leaflet_style (style
files), leaflet_text (Chinese paragraphs), leaflet_words (public wording),
leaflet_content (what is printed), leaflet_pages (building blocks), leaflet_art
(ornaments), leaflet_blocks (content blocks), leaflet_layouts (placement and fitting),
and this module: the public interface. The PDF is deterministic (reportlab invariant mode).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from qmposter.campaign import Campaign
from qmposter.catalogue.catalogue import Catalogue
from qmposter.errors import InputError
from qmposter.fileio import atomic_write_bytes
from qmposter.products.leaflet_content import (
    LAYOUT_NAMES_ZH,
    LeafletActivity,
    LeafletContent,
    LeafletGroup,
    first_sentences,
    leaflet_content,
    sentences,
    short_text,
)
from qmposter.products.leaflet_layouts import render_leaflet
from qmposter.products.leaflet_style import LAYOUTS, load_style


@dataclass(frozen=True)
class Leaflet:
    """A rendered leaflet: the PDF and the setting the fitting chose (for the CLI's report)."""

    pdf: bytes
    layout: str
    source: str | None
    body_size: float
    slogans: int
    slogans_available: int
    activity_sentences: int  # sentences kept per activity text; 0 = whole texts, -1 = titles only


def build_leaflet(
    campaign: Campaign,
    catalogue: Catalogue,
    *,
    source_id: str | None = None,
    layout: str = "a4",
    styles_dir: Path | None = None,
) -> Leaflet:
    """The campaign's leaflet in `layout` ("a4" or "trifold"); `source_id` names the notice whose
    plan and slogans are used where the campaign gives none (default: the campaign's source)."""
    style = load_style(layout, styles_dir)
    content = leaflet_content(campaign, catalogue, source_id)
    pdf, attempt = render_leaflet(content, style)
    return Leaflet(pdf, layout, content.source, attempt.size, attempt.slogans, len(content.slogans), attempt.detail)


def check_output(path: Path) -> None:
    """Refuse a bad output path before any work: wrong suffix, or a folder where the file should go."""
    if path.suffix.lower() != ".pdf":
        raise InputError(f"输出文件 {path} 的扩展名应为 .pdf：传单只输出 PDF。", hint="例如 -o 传单.pdf。")
    if path.is_dir():
        raise InputError(f"输出路径 {path} 是一个文件夹。", hint="请给出 PDF 文件名，例如 -o 传单.pdf。")
    blocker = next((p for p in path.parents if p.exists()), None)
    if blocker is not None and not blocker.is_dir():
        raise InputError(f"无法写入 {path}：{blocker} 是文件，不是文件夹。", hint="换一个输出路径。")


def write_leaflet(data: bytes, path: Path) -> None:
    """Write the PDF atomically (temp file in the same folder + os.replace); missing folders are created."""
    check_output(path)
    atomic_write_bytes(path, data)


__all__ = [
    "LAYOUTS",
    "LAYOUT_NAMES_ZH",
    "Leaflet",
    "LeafletActivity",
    "LeafletContent",
    "LeafletGroup",
    "build_leaflet",
    "check_output",
    "first_sentences",
    "leaflet_content",
    "sentences",
    "short_text",
    "write_leaflet",
]
