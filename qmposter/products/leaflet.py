"""The campaign leaflet (传单): a print-ready PDF from one source notice and the campaign.

Two layouts, each described by templates/leaflet-<layout>.toml:

- ``a4``: A4 portrait, two pages (front and back);
- ``trifold``: A4 landscape three-panel roll fold (三折页), outside and inside pages.

What goes on it is decided here (`leaflet_content`); where it goes and how it fits is
`leaflet_pages`. When the content does not fit, the fitting tries, in this order of
preference, smaller body sizes, fewer slogans and shorter activity texts (whole
sentences only), and raises a Chinese LayoutError when even the smallest settings do
not fit: text is never clipped. The PDF is deterministic (reportlab invariant mode).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from qmposter.campaign import Campaign, campaign_slogans
from qmposter.catalogue.catalogue import Catalogue, Source
from qmposter.errors import CatalogueError, InputError
from qmposter.fileio import atomic_write_bytes
from qmposter.products.leaflet_style import LAYOUTS, load_style

LAYOUT_NAMES_ZH = {"a4": "A4 双面传单", "trifold": "A4 三折页"}
_TITLE_RE = re.compile(r"^关于(?:组织|举办|开展|组织开展|继续开展)?(.+?)的(?:通知|意见|方案)$")
_SENTENCE_RE = re.compile(r"[^。！？!?]*[。！？!?]+[”’」』）)]*|[^。！？!?]+$")
_STRIP_RE = re.compile(r"[\s，。、；：！？“”‘’《》（）,.;:!?()·]+")


@dataclass(frozen=True)
class LeafletActivity:
    """One activity as printed: its number in the notice, title, and (possibly shortened) text."""

    number: int
    title: str
    text: str


@dataclass(frozen=True)
class LeafletGroup:
    """Activities under one group heading (None when the notice does not group them)."""

    heading: str | None
    activities: tuple[LeafletActivity, ...]


@dataclass(frozen=True)
class LeafletContent:
    """Everything printed on a leaflet, before any shortening by the fitting."""

    source: str
    year: int | None
    kicker: str
    theme: str
    guiding_idea: str | None
    groups: tuple[LeafletGroup, ...]
    slogans: tuple[str, ...]
    qr_url: str
    qr_caption: str
    hotline: str
    issuers: tuple[str, ...]
    date: str | None

    @property
    def title(self) -> str:
        """Document title for the PDF metadata."""
        return f"{self.kicker}宣传单"


def leaflet_content(
    campaign: Campaign, catalogue: Catalogue, source_id: str | None = None, *, guiding_max_chars: int = 220
) -> LeafletContent:
    """Gather what the leaflet prints from the source notice (default: the campaign's) and the campaign.

    Campaign fields that speak for a notice (theme, name, issuers, slogan selection)
    are used when the leaflet is for the campaign's own source; a leaflet for another
    source takes them from that notice. QR code, caption and hotline always come from
    the campaign.
    """
    stem = source_id or campaign.source
    if not stem:
        raise InputError("活动文件没有指定来源通知（source），请用 --source 指定口号库中的一份通知。")
    source = _source(catalogue, stem)
    own = stem == campaign.source
    theme = _clean_theme((campaign.theme if own else None) or source.theme or "")
    if not theme:
        raise InputError(
            f"通知 {stem} 没有活动主题，传单无法排出题头。", hint=f"在 slogans/{stem}.toml 的 [source] 中补上 theme。"
        )
    return LeafletContent(
        source=stem,
        year=source.year,
        kicker=_kicker(source, campaign if own else None),
        theme=theme,
        guiding_idea=short_text(source.guiding_idea, guiding_max_chars) if source.guiding_idea else None,
        groups=_groups(source),
        slogans=_slogans(campaign, catalogue, stem, own, theme),
        qr_url=campaign.qr_url,
        qr_caption=campaign.qr_caption,
        hotline=campaign.hotline,
        issuers=tuple(campaign.issuers if own and campaign.issuers else source.issuers),
        date=_date_zh(source.date),
    )


def _source(catalogue: Catalogue, stem: str) -> Source:
    source = catalogue.sources.get(stem)
    if source is None:
        known = "、".join(sorted(catalogue.sources)) or "（口号库为空）"
        raise CatalogueError(
            f"口号库中没有来源通知“{stem}”。", hint=f"可用的通知：{known}；或先用 qmposter slogans import 导入通知。"
        )
    return source


def _clean_theme(theme: str) -> str:
    return theme.strip().rstrip("。.")


def _kicker(source: Source, campaign: Campaign | None) -> str:
    """The line above the headline: the campaign's name, else the notice title without 关于…的通知."""
    if campaign is not None and campaign.name:
        return campaign.name
    if source.title:
        match = _TITLE_RE.match(source.title.strip())
        if match:
            return match.group(1)
    return f"{source.year}年“质量月”活动" if source.year else "“质量月”活动"


def _groups(source: Source) -> tuple[LeafletGroup, ...]:
    groups: list[LeafletGroup] = []
    for number, activity in enumerate(source.activities, start=1):
        item = LeafletActivity(number, activity.title.strip(), (activity.text or "").strip())
        if groups and groups[-1].heading == activity.group:
            groups[-1] = LeafletGroup(activity.group, (*groups[-1].activities, item))
        else:
            groups.append(LeafletGroup(activity.group, (item,)))
    return tuple(groups)


def _slogans(campaign: Campaign, catalogue: Catalogue, stem: str, own: bool, theme: str) -> tuple[str, ...]:
    """Slogans in priority order, without the one that repeats the headline."""
    entries = campaign_slogans(campaign, catalogue) if own else catalogue.by_source(stem)
    key = _STRIP_RE.sub("", theme)
    texts = [e.text for e in entries if _STRIP_RE.sub("", e.text) != key]
    return tuple(dict.fromkeys(texts))


def _date_zh(date: str | None) -> str | None:
    """2009-07-15 → 2009年7月15日 (GB/T 9704 style); None stays None."""
    if not date:
        return None
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", date.strip())
    if not match:
        return date.strip()
    year, month, day = match.groups()
    return f"{year}年{int(month)}月{int(day)}日"


def sentences(text: str) -> list[str]:
    """Split Chinese text into sentences ending in 。！？ (a closing quote stays with its stop)."""
    return [s for s in _SENTENCE_RE.findall(text.strip()) if s.strip()]


def first_sentences(text: str, count: int) -> tuple[str, bool]:
    """The first `count` sentences (0 = all) and whether anything was left out."""
    parts = sentences(text)
    if count <= 0 or len(parts) <= count:
        return text, False
    return "".join(parts[:count]), True


def short_text(text: str, max_chars: int) -> str:
    """Whole leading sentences up to `max_chars`; a first sentence that is longer is cut
    after the last clause (，；) that fits and marked with ……, never mid-clause."""
    parts = sentences(text)
    out = ""
    for part in parts:
        if len(out) + len(part) > max_chars:
            break
        out += part
    if out:
        return out
    first = parts[0] if parts else text
    cut = max(first.rfind("，", 0, max_chars), first.rfind("；", 0, max_chars))
    return first[:cut] + "……" if cut > max_chars // 3 else first


@dataclass(frozen=True)
class Leaflet:
    """A rendered leaflet: the PDF and the setting the fitting chose (for the CLI's report)."""

    pdf: bytes
    layout: str
    source: str
    body_size: float
    slogans: int
    slogans_available: int
    activity_sentences: int  # sentences kept per activity text; 0 = whole texts


def build_leaflet(
    campaign: Campaign,
    catalogue: Catalogue,
    *,
    source_id: str | None = None,
    layout: str = "a4",
    styles_dir: Path | None = None,
) -> Leaflet:
    """The leaflet for a source notice (default: the campaign's) in `layout` ("a4" or "trifold")."""
    from qmposter.products.leaflet_layouts import render_leaflet

    style = load_style(layout, styles_dir)
    content = leaflet_content(campaign, catalogue, source_id, guiding_max_chars=style.guiding_max_chars)
    pdf, attempt = render_leaflet(content, style)
    return Leaflet(pdf, layout, content.source, attempt.size, attempt.slogans, len(content.slogans), attempt.sentences)


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
