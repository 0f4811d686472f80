"""The loaded slogan catalogue: deduplicated entries with provenance, variant families, IDs and aliases.

`load_catalogue` reads slogans/*.toml (one file per source notice) and variants.toml,
merges identical slogans (same canonical text), groups wordings edited between years
into families (qmposter.catalogue.dedupe) and answers "which slogan is 2010-05?".
`load_catalogues` does the same over several folders (the bundled one and a campaign's
own), so a campaign's notices are deduplicated against the bundled years.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qmposter.catalogue import dedupe
from qmposter.catalogue.model import Activity
from qmposter.catalogue.store import (
    VARIANTS_FILE,
    RawJoin,
    RawSplit,
    SourceRecord,
    check_catalogue_dir,
    read_source_file,
    read_variants_file,
    source_files,
)
from qmposter.errors import CatalogueError, close_matches
from qmposter.resources import bundled_dir
from qmposter.text import canonical


@dataclass(frozen=True)
class Occurrence:
    """Where a slogan was printed: source file stem, its year, 1-based position, printed form."""

    source: str
    year: int
    position: int
    original: str | None


@dataclass(frozen=True)
class Entry:
    """One distinct slogan (canonical text) with every place it appeared."""

    id: str
    text: str
    originals: tuple[str, ...]
    occurrences: tuple[Occurrence, ...]
    years: tuple[int, ...]
    aliases: tuple[str, ...]
    family: str
    current: bool

    @property
    def sources(self) -> tuple[str, ...]:
        """Source stems in (year, stem) order, each once."""
        return tuple(dict.fromkeys(o.source for o in self.occurrences))

    def alias_in(self, year: int | None = None) -> str:
        """The alias a person would use: its place in `year`'s list, else in the newest list it is in."""
        wanted = [o for o in self.occurrences if o.year == year] or list(self.occurrences)
        if not wanted:
            return self.id
        top = max(o.year for o in wanted)
        newest = min((o for o in wanted if o.year == top), key=lambda o: (o.source, o.position))
        year_alias = dedupe.format_alias(newest.year, newest.position)
        stem_alias = dedupe.format_alias(newest.source.lower(), newest.position)
        return year_alias if year_alias in self.aliases else stem_alias

    def to_json(self) -> dict[str, Any]:
        """The object of `slogans list --format json` (DESIGN.md §4)."""
        return {
            "id": self.id,
            "text": self.text,
            "years": list(self.years),
            "sources": list(self.sources),
            "family": self.family,
            "current": self.current,
        }


@dataclass(frozen=True)
class Source:
    """One slogans/<stem>.toml: its [source] table and activities."""

    stem: str
    title: str | None
    year: int | None
    scope: str | None
    region: str | None
    doc_number: str | None
    issuers: tuple[str, ...]
    date: str | None
    theme: str | None
    guiding_idea: str | None
    activities: tuple[Activity, ...]
    file: str | None = None
    sha256: str | None = None
    path: Path | None = None


class Catalogue:
    """Deduplicated slogans of every source, in the order of their newest printing."""

    def __init__(
        self,
        entries: Iterable[Entry],
        sources: dict[str, Source],
        directory: Path | None = None,
        manual_families: Iterable[str] = (),
        folders: Iterable[Path] = (),
    ) -> None:
        self.entries: tuple[Entry, ...] = tuple(entries)
        self.sources: dict[str, Source] = sources
        self.directory = directory
        self.folders: tuple[Path, ...] = tuple(folders) or ((directory,) if directory is not None else ())
        self.manual_families = frozenset(manual_families)
        self._members: dict[str, list[Entry]] = {}
        for entry in self.entries:
            self._members.setdefault(entry.family, []).append(entry)
        self._by_id = {e.id: e for e in self.entries}
        self._by_text = {e.text: e for e in self.entries}
        self._by_alias: dict[str, Entry] = {a: e for e in self.entries for a in e.aliases}
        self._sources_by_year: dict[int, list[str]] = {}
        for stem, source in sorted(sources.items()):
            if source.year is not None:
                self._sources_by_year.setdefault(source.year, []).append(stem)

    def __len__(self) -> int:
        return len(self.entries)

    # --- lookup ---

    def get(self, ref: str) -> Entry | None:
        """The entry for an ID, alias or exact slogan text, or None."""
        key = ref.strip()
        if key.lower() in self._by_id:
            return self._by_id[key.lower()]
        alias = dedupe.normalize_alias(key)
        if alias is not None and alias in self._by_alias:
            return self._by_alias[alias]
        return self._by_text.get(canonical(key)) if key else None

    def resolve(self, ref: str) -> Entry:
        """The entry for an ID (s1a2b3c4d) or alias (2010-05, 2010-jiangsu-05); CatalogueError otherwise."""
        entry = self.get(ref)
        if entry is not None:
            return entry
        raise CatalogueError(self._unknown_message(ref.strip()), hint=self._unknown_hint(ref.strip()))

    def _unknown_message(self, ref: str) -> str:
        if not ref:
            return "没有给出口号（ID 或别名是空的）。"
        alias = dedupe.normalize_alias(ref)
        match = re.fullmatch(r"(\d{4})-(\d+)", alias or "")
        if match and len(self._sources_by_year.get(int(match[1]), [])) > 1:
            stems = self._sources_by_year[int(match[1])]
            options = "、".join(dedupe.format_alias(s, int(match[2])) for s in stems)
            return f"别名 {ref} 有歧义：{match[1]} 年有 {len(stems)} 份通知（{'、'.join(stems)}）。请写 {options}。"
        if match and int(match[1]) in self._sources_by_year:
            counts = [self._slogan_count(s) for s in self._sources_by_year[int(match[1])]]
            return f"{match[1]} 年的口号表只有 {counts[0]} 条，没有第 {int(match[2])} 条（{ref}）。"
        key = ref.lower()
        clashing = [e.id for e in self.entries if key.startswith(dedupe.ID_PREFIX) and e.id.startswith(key)]
        if len(clashing) > 1:
            return f"口号 ID {ref} 有歧义，可能是 {'、'.join(clashing)}。"
        return f"口号库中没有 {ref}。"

    def _unknown_hint(self, ref: str) -> str:
        keys = [*self._by_id, *self._by_alias]
        close = close_matches(ref.lower(), keys, n=3, cutoff=0.7)
        hint = (
            "口号 ID 形如 s1a2b3c4d，别名形如 2010-05（年份-序号）或 2010-jiangsu-05；"
            "用 qmposter slogans list 查看全部。"
        )
        hint = f"{hint}\n{self.searched()}"
        return f"是不是 {'、'.join(close)}？" + hint if close else hint

    def searched(self) -> str:
        """Which folders were read and how to add a notice: the end of every "not in catalogue" hint."""
        folders = "、".join(str(f) for f in self.folders) or "（无）"
        return (
            f"已查找的口号库：{folders}。"
            "把通知加入活动自己的口号库：qmposter slogans import 通知.txt --campaign campaign.toml。"
        )

    def _slogan_count(self, stem: str) -> int:
        return sum(1 for e in self.entries for o in e.occurrences if o.source == stem)

    # --- views ---

    def current(self, year: int | None = None) -> list[Entry]:
        """Current wording of each family; with `year`, of each family printed that year, in that year's order."""
        if year is None:
            return [e for e in self.entries if e.current]
        families = [e.family for e in self.in_year(year)]
        return [self._by_id[f] for f in dict.fromkeys(families)]

    def in_year(self, year: int) -> list[Entry]:
        """The wordings printed in `year`, in printed order (sources of that year by stem)."""
        found = [(o.source, o.position, e) for e in self.entries for o in e.occurrences if o.year == year]
        found.sort(key=lambda t: (t[0], t[1]))
        return list(dict.fromkeys(e for _s, _p, e in found))

    def by_source(self, stem: str) -> list[Entry]:
        """The wordings of one source file, in printed order."""
        if stem not in self.sources:
            known = "、".join(sorted(self.sources)) or "无"
            raise CatalogueError(f"口号库中没有来源 {stem}。", hint=f"已有来源：{known}。{self.searched()}")
        found = sorted((o.position, e.id) for e in self.entries for o in e.occurrences if o.source == stem)
        return list(dict.fromkeys(self._by_id[i] for _p, i in found))

    def family(self, family_id: str) -> list[Entry]:
        """The wordings of a family, oldest first (current last). Accepts any member's ID or alias."""
        family = family_id if family_id in self._members else self.resolve(family_id).family
        return sorted(self._members[family], key=lambda e: (e.current, min(e.years), max(e.years), e.text))

    def is_manual_family(self, family_id: str) -> bool:
        """True when slogans/variants.toml shaped this family (a join, a split or a chosen current)."""
        return family_id in self.manual_families

    def families(self, *, variants_only: bool = True) -> list[list[Entry]]:
        """Every family (only those with several wordings by default), in catalogue order."""
        order = dict.fromkeys(e.family for e in self.entries if e.current)
        groups = [self.family(f) for f in order]
        return [g for g in groups if len(g) > 1 or not variants_only]


# --- loading --------------------------------------------------------------------------------


def _source(record: SourceRecord) -> Source:
    f = record.fields
    return Source(
        stem=record.stem,
        title=f.get("title"),
        year=f.get("year"),
        scope=f.get("scope"),
        region=f.get("region"),
        doc_number=f.get("doc_number"),
        issuers=tuple(f.get("issuers", ())),
        date=f.get("date"),
        theme=f.get("theme"),
        guiding_idea=f.get("guiding_idea"),
        activities=record.activities,
        file=f.get("file"),
        sha256=f.get("sha256"),
        path=record.path,
    )


def _check_stems(records: list[SourceRecord]) -> None:
    seen: dict[str, Path] = {}
    for record in records:
        key = record.stem.lower()
        if key in seen:
            raise CatalogueError(
                f"口号库文件 {seen[key]} 和 {record.path} 的名字只差大小写，别名会冲突。", hint="给其中一个改名。"
            )
        seen[key] = record.path


class _Resolver:
    """Resolves the refs people write in variants.toml: ID, alias, or the slogan text."""

    def __init__(self, ids: dict[str, str], aliases: dict[str, list[str]], path: Path) -> None:
        self.ids = set(ids.values())
        self.by_text = ids
        self.by_alias = {a: entry_id for entry_id, names in aliases.items() for a in names}
        self.path = path

    def __call__(self, ref: str, where: str) -> str:
        key = ref.strip()
        if key.lower() in self.ids:
            return key.lower()
        alias = dedupe.normalize_alias(key)
        if alias in self.by_alias:
            return self.by_alias[alias]
        if canonical(key) in self.by_text:
            return self.by_text[canonical(key)]
        raise CatalogueError(
            f"{where} 中的 {ref!r} 不是口号库中的口号。",
            hint="写口号 ID（如 s1a2b3c4d）、别名（如 2010-05）或口号原文；口号被删改后请同步修改或删去这一条。",
        )


def _overrides(
    raw: tuple[list[RawJoin], list[RawSplit]], resolve: _Resolver
) -> tuple[list[dedupe.Join], list[dedupe.Split]]:
    joins = []
    for join in raw[0]:
        ids = tuple(dict.fromkeys(resolve(r, join.where) for r in join.refs))
        current = resolve(join.current, join.where) if join.current else None
        if current is not None and current not in ids:
            raise CatalogueError(f"{join.where}：current 必须是 ids 中的一条。")
        joins.append(dedupe.Join(ids, current, join.where))
    splits = [dedupe.Split(tuple(dict.fromkeys(resolve(r, s.where) for r in s.refs)), s.where) for s in raw[1]]
    return joins, splits


def build_catalogue(records: list[SourceRecord], variants: tuple[list[RawJoin], list[RawSplit]],
                    variants_path: Path, directory: Path | None = None,
                    folders: Iterable[Path] = ()) -> Catalogue:
    """Merge identical slogans, group variants and make aliases from already-read files."""
    _check_stems(records)
    records = sorted(records, key=lambda r: (r.fields["year"], r.stem))
    occurrences: dict[str, list[Occurrence]] = {}
    for record in records:
        for position, slogan in enumerate(record.slogans, start=1):
            occurrence = Occurrence(record.stem, record.fields["year"], position, slogan.original)
            occurrences.setdefault(slogan.text, []).append(occurrence)
    ids = dedupe.assign_ids(occurrences)
    years_with_sources: dict[int, list[str]] = {}
    for record in records:
        years_with_sources.setdefault(record.fields["year"], []).append(record.stem)
    aliases = dedupe.build_aliases(
        ((ids[t], o.source, o.year, o.position) for t, occ in occurrences.items() for o in occ), years_with_sources
    )
    joins, splits = _overrides(variants, _Resolver(ids, aliases, variants_path))
    wordings = [dedupe.Wording(ids[t], t, frozenset(o.year for o in occ)) for t, occ in occurrences.items()]
    families = dedupe.group_variants(wordings, joins, splits)
    entries = [
        _entry(text, ids[text], occ, aliases[ids[text]], families[ids[text]]) for text, occ in occurrences.items()
    ]
    entries.sort(key=_catalogue_order)
    sources = {r.stem: _source(r) for r in records}
    manual = {f.id for f in families.values() if f.manual}
    return Catalogue(entries, sources, directory, manual, folders)


def _entry(text: str, entry_id: str, occ: list[Occurrence], aliases: list[str], family: dedupe.Family) -> Entry:
    return Entry(
        id=entry_id,
        text=text,
        originals=tuple(dict.fromkeys(o.original for o in occ if o.original and o.original != text)),
        occurrences=tuple(occ),
        years=tuple(sorted({o.year for o in occ})),
        aliases=tuple(aliases),
        family=family.id,
        current=family.current == entry_id,
    )


def _catalogue_order(entry: Entry) -> tuple[int, str, int, str]:
    """Newest printing first: the newest year's list in its order, then older lists' remaining slogans."""
    newest_year = max(entry.years)
    first = min((o for o in entry.occurrences if o.year == newest_year), key=lambda o: (o.source, o.position))
    return (-newest_year, first.source, first.position, entry.text)


def load_catalogue(directory: Path | None = None) -> Catalogue:
    """Load slogans/*.toml and variants.toml from `directory` (None: the bundled slogans/)."""
    folder = Path(directory) if directory is not None else bundled_dir("slogans")
    check_catalogue_dir(folder)
    records = [read_source_file(path) for path in source_files(folder)]
    variants_path = folder / VARIANTS_FILE
    return build_catalogue(records, read_variants_file(variants_path), variants_path, folder)


def load_catalogues(folders: list[Path]) -> Catalogue:
    """One catalogue from several folders, deduplicated across all of them.

    A later folder's file replaces an earlier one of the same name (a campaign's own copy of
    a bundled notice, edited by hand, wins); every folder's variants.toml applies.
    """
    merged: dict[str, SourceRecord] = {}
    joins: list[RawJoin] = []
    splits: list[RawSplit] = []
    for folder in folders:
        check_catalogue_dir(folder)
        records = [read_source_file(path) for path in source_files(folder)]
        _check_stems(records)
        merged.update((record.stem.lower(), record) for record in records)
        folder_joins, folder_splits = read_variants_file(folder / VARIANTS_FILE)
        joins += folder_joins
        splits += folder_splits
    last = folders[-1]
    return build_catalogue(list(merged.values()), (joins, splits), last / VARIANTS_FILE, last, folders)
