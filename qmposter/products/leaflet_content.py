"""What a leaflet prints, decided from the campaign (and, where it is silent, one notice).

The leaflet speaks for the campaign: year, name, theme, 落款, date, hotline and QR code
are the campaign's. The 指导思想 and 活动内容 are the campaign's when it gives them
(``[leaflet]`` in campaign.toml or its leaflet file); otherwise they are taken from the
source notice and an attribution line naming the notice's issuer, title and 文号 is
printed with them, so another body's words never appear silently under the campaign's
落款. The public part (what the month is, what you can do, where to complain) is
editable wording (`leaflet_words`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qmposter.campaign import Campaign, campaign_slogans
from qmposter.catalogue.catalogue import Catalogue, Source
from qmposter.errors import CatalogueError, InputError
from qmposter.products.leaflet_words import PublicWords, own_plan, public_words

LAYOUT_NAMES_ZH = {"a4": "A4 双面传单", "trifold": "A4 三折页"}
_SENTENCE_RE = re.compile(r"[^。！？!?]*[。！？!?]+[”’」』）)]*|[^。！？!?]+$")
_STRIP_RE = re.compile(r"[\s，。、；：！？“”‘’《》（）,.;:!?()·]+")
_OWN_TITLE_RE = re.compile(r"^(.{2,24}?)[：:。]\s*(.*)$", re.DOTALL)
_COUNT_ZH = "零一二三四五六七八九十"


@dataclass(frozen=True)
class LeafletActivity:
    """One activity as printed: its number, title, and text (may be empty)."""

    number: int
    title: str
    text: str


@dataclass(frozen=True)
class LeafletGroup:
    """Activities under one group heading (None when ungrouped)."""

    heading: str | None
    activities: tuple[LeafletActivity, ...]


@dataclass(frozen=True)
class LeafletContent:
    """Everything printed on a leaflet, before the fitting chooses how much of the plan to show."""

    source: str | None
    year: int
    kicker: str
    theme: str
    guiding_idea: str | None
    groups: tuple[LeafletGroup, ...]
    credit: str | None  # "……摘自《通知》（文号）" when the plan is the notice's; None when the campaign's own
    slogans: tuple[str, ...]
    words: PublicWords
    qr_url: str
    qr_caption: str
    hotline: str
    issuers: tuple[str, ...]
    date: str | None

    @property
    def title(self) -> str:
        """Document title for the PDF metadata."""
        return f"{self.kicker}宣传单"

    @property
    def activities(self) -> tuple[LeafletActivity, ...]:
        return tuple(a for g in self.groups for a in g.activities)

    @property
    def issuer_short(self) -> str:
        """The 落款 in one line: the first body, "等七部门" when several (never a bare 等)."""
        return issuer_short(self.issuers)


def leaflet_content(campaign: Campaign, catalogue: Catalogue, source_id: str | None = None) -> LeafletContent:
    """Gather what the leaflet prints: the campaign's identity, its own plan or the notice's (attributed).

    `source_id` (default: the campaign's source) names the notice whose plan and slogans
    are used when the campaign gives none of its own.
    """
    stem = source_id or campaign.source
    source = _source(catalogue, stem) if stem else None
    plan = own_plan(campaign.leaflet_file)
    guiding = campaign.leaflet_guiding_idea or plan.guiding_idea
    own_activities = campaign.leaflet_activities or plan.activities
    borrowed: list[str] = []
    if guiding is None and source is not None and source.guiding_idea:
        guiding = source.guiding_idea
        borrowed.append("指导思想")
    if own_activities:
        groups = _own_groups(own_activities)
    else:
        groups = _groups(source) if source is not None else ()
        if groups:
            borrowed.append("活动内容")
    theme = _clean_theme(campaign.theme or (source.theme if source else None) or "")
    if not theme:
        raise InputError(
            f"活动文件 {campaign.path} 没有活动主题（theme），传单无法排出题头。", hint="在活动文件中写上 theme。"
        )
    if not groups and not guiding:
        raise InputError(
            "传单没有可印的指导思想和活动内容。",
            hint="在活动文件中写 source（口号库中的通知），或在 [leaflet] 中写 guiding_idea 和 activities。",
        )
    return LeafletContent(
        source=stem,
        year=campaign.year,
        kicker=campaign.name,
        theme=theme,
        guiding_idea=guiding,
        groups=groups,
        credit=credit_line(source, borrowed) if source is not None and borrowed else None,
        slogans=_slogans(campaign, catalogue, stem, theme),
        words=public_words(campaign.leaflet_file, hotline=campaign.hotline, year=campaign.year),
        qr_url=campaign.qr_url,
        qr_caption=campaign.qr_caption,
        hotline=campaign.hotline,
        issuers=tuple(campaign.issuers),
        date=date_zh(campaign.date),
    )


def _source(catalogue: Catalogue, stem: str) -> Source:
    source = catalogue.sources.get(stem)
    if source is None:
        known = "、".join(sorted(catalogue.sources)) or "（口号库为空）"
        raise CatalogueError(
            f"口号库中没有来源通知“{stem}”。", hint=f"可用的通知：{known}；或先用 qmposter slogans import 导入通知。"
        )
    return source


def credit_line(source: Source, parts: list[str]) -> str:
    """The attribution printed under a plan taken from a notice: issuer, title and 文号."""
    what = "和".join(parts)
    issuer = issuer_short(source.issuers)
    title = f"《{source.title}》" if source.title else f"{source.year or ''}年“质量月”活动通知"
    number = f"（{source.doc_number}）" if source.doc_number else ""
    return f"{what}摘自{issuer}{title}{number}"


def issuer_short(issuers: tuple[str, ...]) -> str:
    """"甲", "甲、乙" or "甲等七部门": a list cut short always says how many bodies there are."""
    if len(issuers) <= 2:
        return "、".join(issuers)
    count = _COUNT_ZH[len(issuers)] if len(issuers) <= 10 else str(len(issuers))
    return f"{issuers[0]}等{count}部门"


def _clean_theme(theme: str) -> str:
    return theme.strip().rstrip("。.")


def _groups(source: Source) -> tuple[LeafletGroup, ...]:
    groups: list[LeafletGroup] = []
    for number, activity in enumerate(source.activities, start=1):
        item = LeafletActivity(number, activity.title.strip(), (activity.text or "").strip())
        if groups and groups[-1].heading == activity.group:
            groups[-1] = LeafletGroup(activity.group, (*groups[-1].activities, item))
        else:
            groups.append(LeafletGroup(activity.group, (item,)))
    return tuple(groups)


def _own_groups(activities: tuple[str, ...]) -> tuple[LeafletGroup, ...]:
    """A campaign's own activities, each "标题：说明" (or "标题。说明"); a line without one is all title."""
    items = []
    for number, line in enumerate(activities, start=1):
        match = _OWN_TITLE_RE.match(line)
        title, text = (match[1], match[2]) if match else (line, "")
        items.append(LeafletActivity(number, title.strip(), f"{title.strip()}。{text.strip()}" if text else ""))
    return (LeafletGroup(None, tuple(items)),)


def _slogans(campaign: Campaign, catalogue: Catalogue, stem: str | None, theme: str) -> tuple[str, ...]:
    """Slogans in priority order, without the one that repeats the headline."""
    own = stem == campaign.source
    entries = campaign_slogans(campaign, catalogue) if own or stem is None else catalogue.by_source(stem)
    key = _STRIP_RE.sub("", theme)
    texts = [e.text for e in entries if _STRIP_RE.sub("", e.text) != key]
    return tuple(dict.fromkeys(texts))


def date_zh(date: str | None) -> str | None:
    """2026-09-01 → 2026年9月1日, 2026-09 → 2026年9月 (GB/T 9704 style); other text stays; None stays None."""
    if not date:
        return None
    match = re.fullmatch(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?", date.strip())
    if not match:
        return date.strip()
    year, month, day = match.groups()
    return f"{year}年{int(month)}月" + (f"{int(day)}日" if day else "")


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
