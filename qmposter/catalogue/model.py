"""Plain data parsed from a notice; shared by the parser, the store and the catalogue."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Activity:
    """One numbered activity of a notice, under its group heading (None when ungrouped)."""

    group: str | None
    title: str
    text: str


@dataclass(frozen=True)
class NoticeSlogan:
    """A slogan as listed: canonical `text`, and `original` where the printed form differs."""

    text: str
    original: str | None = None


@dataclass(frozen=True)
class Notice:
    """What qmposter reads from one 质量月 notice (DESIGN.md §3).

    scope is one of "national", "provincial", "municipal", "county"; absent fields are None
    or empty. `title` is the notice's own title line; `warnings` are things a person should
    check (e.g. no slogan list found).
    """

    year: int | None
    scope: str | None
    region: str | None
    doc_number: str | None
    issuers: tuple[str, ...]
    date: str | None
    theme: str | None
    activities: tuple[Activity, ...]
    slogans: tuple[NoticeSlogan, ...]
    title: str | None = None
    guiding_idea: str | None = None
    warnings: tuple[str, ...] = field(default=(), compare=False)
    form: str = field(default="notice", compare=False)
    """What kind of text it was: notice, plan, news, launch, slogan-list or slogan-call."""
    confidence: float = field(default=1.0, compare=False)
    """How sure the parser is of what it read, 0–1 (see docs/catalogue.md)."""

    def to_json(self) -> dict:
        """The JSON object of DESIGN.md §4 (`slogans parse --format json`)."""
        return {
            "year": self.year,
            "scope": self.scope,
            "region": self.region,
            "doc_number": self.doc_number,
            "issuers": list(self.issuers),
            "date": self.date,
            "theme": self.theme,
            "activities": [{"group": a.group, "title": a.title, "text": a.text} for a in self.activities],
            "slogans": [s.text for s in self.slogans],
        }
