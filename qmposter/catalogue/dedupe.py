"""Stable IDs, cross-year variant families and human aliases for catalogue slogans.

Everything here works on canonical texts, so the result depends only on what the
catalogue contains, never on file or insertion order (see docs/catalogue.md).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from qmposter.errors import CatalogueError

ID_PREFIX = "s"
ID_HEX_DIGITS = 8

# Two wordings of different years are variants when the characters they share, in order,
# make up at least this share of the longer one (punctuation and spaces ignored): one
# changed character in five. 0.75 was tried and let short template slogans through
# ("质量兴鲁，人人有责" / "质量强区，人人有责": 6/8, a different slogan for a different place).
SIMILARITY_THRESHOLD = 0.8


# --- stable IDs ---------------------------------------------------------------------------


def text_digest(text: str) -> str:
    """Full sha256 hex digest of a canonical text; the ID is a prefix of it."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def assign_ids(texts: Iterable[str]) -> dict[str, str]:
    """Map each distinct canonical text to its ID: "s" + the first 8 hex digits of its sha256.

    An ID depends on its own text only. If two texts ever share the 8-digit prefix
    (about one chance in 4 billion per pair), every text in that clash gets the shortest
    longer prefix that tells them apart; nothing else changes.
    """
    digests = {text: text_digest(text) for text in set(texts)}
    by_prefix: dict[str, list[str]] = {}
    for text, digest in digests.items():
        by_prefix.setdefault(digest[:ID_HEX_DIGITS], []).append(text)
    ids: dict[str, str] = {}
    for prefix, clash in by_prefix.items():
        if len(clash) == 1:
            ids[clash[0]] = ID_PREFIX + prefix
            continue
        width = ID_HEX_DIGITS
        while len({digests[t][:width] for t in clash}) < len(clash):
            width += 1
        for text in clash:
            ids[text] = ID_PREFIX + digests[text][:width]
    return ids


# --- similarity -----------------------------------------------------------------------------


def comparable(text: str) -> str:
    """The characters that carry meaning: punctuation, symbols' spacing and whitespace dropped."""
    return "".join(ch for ch in text if not unicodedata.category(ch).startswith(("P", "Z")) and not ch.isspace())


def _lcs_length(a: str, b: str) -> int:
    """Length of the longest common subsequence (characters kept in order)."""
    if len(a) < len(b):
        a, b = b, a
    previous = [0] * (len(b) + 1)
    for ch in a:
        current = [0]
        for j, other in enumerate(b):
            current.append(previous[j] + 1 if ch == other else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]


def similarity(a: str, b: str) -> float:
    """Share of the longer wording kept in the other: LCS / max length, on `comparable` text.

    1.0 for texts that differ only in punctuation; 0.0 when nothing is shared.
    """
    x, y = comparable(a), comparable(b)
    longest = max(len(x), len(y))
    if longest == 0:
        return 1.0 if a == b else 0.0
    return _lcs_length(x, y) / longest


def _shared_bound(x: Counter[str], y: Counter[str]) -> int:
    """Characters two texts have in common regardless of order: an upper bound of their LCS."""
    return sum((x & y).values())


# --- variant families -----------------------------------------------------------------------


@dataclass(frozen=True)
class Wording:
    """One distinct slogan as grouping sees it: ID, canonical text, years it was printed."""

    id: str
    text: str
    years: frozenset[int]


@dataclass(frozen=True)
class Join:
    """A person's decision: these IDs are one family (optionally with a chosen current one)."""

    ids: tuple[str, ...]
    current: str | None = None
    where: str = ""


@dataclass(frozen=True)
class Split:
    """A person's decision: no two of these IDs may be in the same family."""

    ids: tuple[str, ...]
    where: str = ""


@dataclass(frozen=True)
class Family:
    """A group of wordings of one slogan; `id` is the ID of the `current` (newest) wording."""

    id: str
    current: str
    members: tuple[str, ...]  # oldest wording first
    manual: bool  # shaped by slogans/variants.toml


class _Groups:
    """Union-find over wording IDs that also tracks each group's years and members."""

    def __init__(self, wordings: Sequence[Wording]) -> None:
        self.parent = {w.id: w.id for w in wordings}
        self.members = {w.id: {w.id} for w in wordings}
        self.years = {w.id: set(w.years) for w in wordings}

    def find(self, item: str) -> str:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if rb < ra:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.members[ra] |= self.members.pop(rb)
        self.years[ra] |= self.years.pop(rb)

    def split_forbids(self, a: str, b: str, splits: Mapping[str, set[str]]) -> bool:
        """True when joining the groups of a and b would put a split pair together."""
        group_b = self.members[self.find(b)]
        return any(splits.get(m, set()) & group_b for m in self.members[self.find(a)])


def _split_partners(splits: Sequence[Split]) -> dict[str, set[str]]:
    partners: dict[str, set[str]] = {}
    for split in splits:
        for item in split.ids:
            partners.setdefault(item, set()).update(x for x in split.ids if x != item)
    return partners


def _apply_joins(groups: _Groups, joins: Sequence[Join], partners: Mapping[str, set[str]]) -> None:
    for join in joins:
        for other in join.ids[1:]:
            if groups.split_forbids(join.ids[0], other, partners):
                raise CatalogueError(
                    f"{join.where}：要求合并的 {', '.join(join.ids)} 中有口号同时被 [[split]] 要求分开，"
                    "两条规定互相矛盾。",
                    hint="删去其中一条 [[join]] 或 [[split]]。",
                )
            groups.union(join.ids[0], other)


def _candidate_pairs(wordings: Sequence[Wording]) -> list[tuple[float, str, str]]:
    """Pairs of wordings never printed in the same year that pass the similarity rule, best first.

    Wordings are scanned shortest first, so a pair whose lengths alone rule it out ends the
    inner loop; a character-count bound skips most of the rest before the LCS is computed.
    """
    prepared = sorted(((comparable(w.text), w) for w in wordings), key=lambda p: (len(p[0]), p[1].text))
    counts = [Counter(x) for x, _w in prepared]
    pairs: list[tuple[float, str, str]] = []
    for i, (x, a) in enumerate(prepared):
        for j in range(i + 1, len(prepared)):
            y, b = prepared[j]
            if len(x) < SIMILARITY_THRESHOLD * len(y):
                break
            if a.years & b.years or _shared_bound(counts[i], counts[j]) < SIMILARITY_THRESHOLD * len(y):
                continue
            score = similarity(a.text, b.text)
            if score >= SIMILARITY_THRESHOLD:
                first, second = sorted((a.text, b.text))
                pairs.append((score, first, second))
    pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
    return pairs


def _newest_first_key(wording: Wording) -> tuple[int, int, str]:
    return (max(wording.years), min(wording.years), wording.text)


def group_variants(
    wordings: Sequence[Wording], joins: Sequence[Join] = (), splits: Sequence[Split] = ()
) -> dict[str, Family]:
    """Group wordings into variant families; returns the family of every wording ID.

    Rule (docs/catalogue.md): two wordings are candidates when no year printed both and
    `similarity` >= SIMILARITY_THRESHOLD. Candidates are taken best score first; a pair is
    joined only if the two families share no year, so a family holds at most one wording
    per year and every slogan gets at most one partner in each other year. People's
    [[join]] decisions are applied first (and may break that rule); [[split]] pairs are
    never joined. The current wording is the one printed most recently.
    """
    by_id = {w.id: w for w in wordings}
    by_text = {w.text: w.id for w in wordings}
    groups = _Groups(wordings)
    partners = _split_partners(splits)
    _apply_joins(groups, joins, partners)
    for _score, text_a, text_b in _candidate_pairs(wordings):
        a, b = by_text[text_a], by_text[text_b]
        ra, rb = groups.find(a), groups.find(b)
        if ra == rb or groups.years[ra] & groups.years[rb] or groups.split_forbids(a, b, partners):
            continue
        groups.union(a, b)
    chosen = {j.current: j for j in joins if j.current}
    manual_ids = {i for j in joins for i in j.ids} | set(partners)
    families: dict[str, Family] = {}
    for members in groups.members.values():
        ordered = sorted((by_id[m] for m in members), key=lambda w: (min(w.years), max(w.years), w.text))
        picked = sorted(m for m in members if m in chosen)
        if len(picked) > 1:
            raise CatalogueError(
                f"{chosen[picked[0]].where} 与 {chosen[picked[1]].where} 给同一个变体族指定了不同的 current。",
                hint="每个变体族只能有一个 current，请删去多余的一个。",
            )
        current = picked[0] if picked else max(ordered, key=_newest_first_key).id
        family = Family(
            id=current,
            current=current,
            members=tuple(w.id for w in ordered),
            manual=bool(manual_ids & members),
        )
        for member in members:
            families[member] = family
    return families


# --- aliases --------------------------------------------------------------------------------

_ALIAS_RE = re.compile(r"^(?P<prefix>.+?)-0*(?P<position>\d{1,4})$")


def format_alias(prefix: str | int, position: int) -> str:
    """`2010-05`, `2010-jiangsu-05`: two digits at least, so aliases sort and read well."""
    return f"{prefix}-{position:02d}"


def normalize_alias(ref: str) -> str | None:
    """Normalize how a person may type an alias (`2010-5`, ` 2010-JIANGSU-005 `); None if not one."""
    match = _ALIAS_RE.match(ref.strip().lower())
    if not match or int(match["position"]) == 0:
        return None
    return format_alias(match["prefix"], int(match["position"]))


def build_aliases(
    occurrences: Iterable[tuple[str, str, int, int]], years_with_sources: Mapping[int, Sequence[str]]
) -> dict[str, list[str]]:
    """Aliases per entry ID from (entry_id, source stem, year, position) occurrences.

    `<stem>-NN` always names position NN of that source; `<year>-NN` does too when that
    year has exactly one source (otherwise it would be ambiguous and is not made).
    Short year aliases come first, then the per-source ones, each in (year, stem, position)
    order.
    """
    short: dict[str, list[str]] = {}
    full: dict[str, list[str]] = {}
    for entry_id, stem, year, position in sorted(occurrences, key=lambda o: (o[2], o[1], o[3], o[0])):
        if len(years_with_sources.get(year, ())) == 1:
            alias = format_alias(year, position)
            if alias not in short.setdefault(entry_id, []):
                short[entry_id].append(alias)
        alias = format_alias(stem.lower(), position)
        if alias not in full.setdefault(entry_id, []):
            full[entry_id].append(alias)
    return {
        entry_id: short.get(entry_id, []) + [a for a in full[entry_id] if a not in short.get(entry_id, [])]
        for entry_id in full
    }
