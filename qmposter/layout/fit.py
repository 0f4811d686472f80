"""Choose the line breaks and the font size that fit a text into its box.

What a poster designer does with a slogan: try every sensible way to cut it into at
most `max_lines` lines, take the one that lets the type be largest, but not at any
price — a break inside a phrase, or one long and one short line, must buy a clearly
larger size to be worth it. Formally each candidate break set B (k lines) scores

    log(size(B)) − Σ PENALTY[kind of each break] − IMBALANCE · (1 − shortest/longest)² − LINE_COST · (k − 1)

where size(B) = min(max_size, main / longest line, cross / block extent of k lines),
and B is feasible when size(B) ≥ min_size. The highest score wins; ties go to the
candidate found first (fewer, earlier breaks), so the result is deterministic.

Slogans have few break opportunities, so the search enumerates them exhaustively
(depth-first, pruning lines longer than the box allows at `min_size`). A long text
with many lines could have millions of break sets; past `MAX_NODES` the search
switches to paragraph mode: the largest size at which greedy filling needs at most
`max_lines` lines (found by bisection), then the break set minimising penalties and
raggedness at that size (dynamic programming).

Everything is in em (a length divided by the font size) except `main`, `cross` and
the sizes, which are points. The module knows nothing about fonts: `textbox.py` gives
it `line_length(a, b)`, the em length of a line holding segments a..b inclusive, and
`block_extent(k)`, the em extent of k lines across the line direction.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from qmposter.layout.breaking import FORCED, PENALTY, PHRASE, Segment

IMBALANCE = 1.5
"""Weight of the squared line-length imbalance (1 − shortest/longest)². Small
differences cost almost nothing (7 + 8 characters: 0.02), a visibly short line a lot:
5 + 11 costs 0.45 (a 36 % smaller size is preferred to it), 2 + 9 costs 0.91. This is
what keeps a three-phrase slogan on one line or three, never split 1 + 2."""

LINE_COST = 0.05
"""Cost per extra line: another line must buy about 5 % more size, so near-ties (and
ties at max_size) go to fewer lines, which read as one slogan rather than a list."""

MAX_NODES = 4000
"""Search budget before switching to paragraph mode (keeps layout well under 10 ms)."""

_EPS = 1e-9

LineLength = Callable[[int, int], float]
BlockExtent = Callable[[int], float]


@dataclass(frozen=True)
class Fit:
    """The chosen layout: font size (pt), the segment index ending each line but the
    last, the em length of every line, and the candidate's score."""

    size: float
    ends: tuple[int, ...]
    lengths: tuple[float, ...]
    score: float


@dataclass(frozen=True)
class Frame:
    """The box seen along the lines: `main` is the line direction (box width for
    horizontal text, height for vertical), `cross` the other one, both in points."""

    main: float
    cross: float
    min_size: float
    max_size: float
    max_lines: int


def size_for(frame: Frame, longest: float, extent: float) -> float:
    """The largest size (capped at max_size) at which lines and block fit the frame."""
    size = frame.max_size
    if longest > 0:
        size = min(size, frame.main / longest)
    if extent > 0:
        size = min(size, frame.cross / extent)
    return size


def score(size: float, lengths: Sequence[float], penalty: float) -> float:
    """The designer's score of a candidate (see the module docstring)."""
    longest = max(lengths)
    balance = 1.0 - min(lengths) / longest if longest > 0 else 0.0
    return math.log(size) - penalty - IMBALANCE * balance**2 - LINE_COST * (len(lengths) - 1)


def best_fit(
    segments: Sequence[Segment], line_length: LineLength, block_extent: BlockExtent, frame: Frame
) -> Fit | None:
    """The best feasible layout, or None when the text cannot fit even at min_size."""
    if not segments:
        return None
    length = _cached(line_length)
    search = _Search(segments, length, block_extent, frame)
    if search.run():
        return search.best
    return _paragraph_fit(segments, length, block_extent, frame)


def _cached(line_length: LineLength) -> LineLength:
    cache: dict[tuple[int, int], float] = {}

    def length(a: int, b: int) -> float:
        key = (a, b)
        if key not in cache:
            cache[key] = line_length(a, b)
        return cache[key]

    return length


class _Search:
    """Depth-first branch and bound over break sets, with a node budget.

    A partial candidate can only lose score as it grows (more lines shrink the size
    limit of the block, more breaks add penalties), so a branch whose upper bound is
    below the best complete candidate is cut. A first pass that breaks only at
    phrases and forced breaks finds a good candidate quickly to bound the full pass.
    """

    def __init__(self, segments: Sequence[Segment], line_length: LineLength, block_extent: BlockExtent,
                 frame: Frame) -> None:
        self.segments = segments
        self.length = line_length
        self.extent = block_extent
        self.frame = frame
        self.longest_allowed = frame.main / frame.min_size + _EPS
        self.best: Fit | None = None
        self.nodes = 0
        self.allowed: frozenset[str] | None = None

    def run(self) -> bool:
        """Search everything; False if the budget ran out (the result is then partial)."""
        try:
            self.allowed = frozenset((PHRASE, FORCED))
            self._visit(0, (), (), 0.0)
            self.allowed = None
            self._visit(0, (), (), 0.0)
        except _BudgetExceeded:
            return False
        return True

    def _bound(self, lengths: tuple[float, ...], penalty: float) -> float:
        """Upper bound of the score of any completion of a partial candidate."""
        size = size_for(self.frame, max(lengths, default=0.0), self.extent(len(lengths) + 1))
        return math.log(size) - penalty - LINE_COST * len(lengths)

    def _visit(self, start: int, ends: tuple[int, ...], lengths: tuple[float, ...], penalty: float) -> None:
        if self.best is not None and self._bound(lengths, penalty) <= self.best.score + _EPS:
            return
        last = len(self.segments) - 1
        for b in range(start, last + 1):
            self.nodes += 1
            if self.nodes > MAX_NODES:
                raise _BudgetExceeded
            length = self.length(start, b)
            if length > self.longest_allowed:
                return
            if b == last:
                self._evaluate(ends, (*lengths, length), penalty)
                return
            kind = self.segments[b].brk
            usable = kind and (self.allowed is None or kind in self.allowed)
            if usable and len(ends) + 2 <= self.frame.max_lines:
                self._visit(b + 1, (*ends, b), (*lengths, length), penalty + PENALTY[kind])
            if kind == FORCED:
                return

    def _evaluate(self, ends: tuple[int, ...], lengths: tuple[float, ...], penalty: float) -> None:
        size = size_for(self.frame, max(lengths), self.extent(len(lengths)))
        if size < self.frame.min_size - _EPS:
            return
        value = score(size, lengths, penalty)
        if self.best is None or value > self.best.score + _EPS:
            self.best = Fit(size, ends, lengths, value)


class _BudgetExceeded(Exception):
    pass


def _paragraph_fit(
    segments: Sequence[Segment], line_length: LineLength, block_extent: BlockExtent, frame: Frame
) -> Fit | None:
    """Long texts: bisection on the size, then DP for the nicest breaks at that size."""

    def fits(size: float) -> bool:
        count = _greedy_count(segments, line_length, frame.main / size)
        return count is not None and count <= frame.max_lines and block_extent(count) * size <= frame.cross + _EPS

    if not fits(frame.min_size):
        return None
    lo, hi = frame.min_size, frame.max_size
    if fits(hi):
        lo = hi
    for _ in range(40):
        if hi - lo < 0.01:
            break
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if fits(mid) else (lo, mid)
    ends = _dp_breaks(segments, line_length, frame.main / lo, frame.max_lines)
    if ends is None:
        return None
    lengths = _lengths(line_length, ends, len(segments))
    size = size_for(frame, max(lengths), block_extent(len(lengths)))
    return Fit(size, ends, lengths, score(size, lengths, sum(PENALTY[segments[e].brk] for e in ends)))


def _greedy_count(segments: Sequence[Segment], line_length: LineLength, longest: float) -> int | None:
    """Fewest lines needed with lines at most `longest` em, or None if a segment is longer."""
    count, start, last = 1, 0, len(segments) - 1
    b = start
    while b <= last:
        if line_length(start, b) > longest + _EPS:
            if b == start:
                return None
            count, start = count + 1, b
            continue
        if segments[b].brk == FORCED and b < last:
            count, start = count + 1, b + 1
        b += 1
    return count


def _dp_breaks(
    segments: Sequence[Segment], line_length: LineLength, longest: float, max_lines: int
) -> tuple[int, ...] | None:
    """Break set minimising penalties plus squared slack of all lines but the last."""
    n = len(segments)
    inf = math.inf
    # cost[k][j]: best cost of setting segments 0..j-1 in k lines; back[k][j]: start of last line
    cost = [[inf] * (n + 1) for _ in range(max_lines + 1)]
    back = [[-1] * (n + 1) for _ in range(max_lines + 1)]
    cost[0][0] = 0.0
    for k in range(1, max_lines + 1):
        for a in range(n):
            if cost[k - 1][a] == inf or (a > 0 and not segments[a - 1].brk):
                continue
            for b in range(a, n):
                length = line_length(a, b)
                if length > longest + _EPS:
                    break
                final = b == n - 1
                slack = 0.0 if final else ((longest - length) / longest) ** 2
                pen = 0.0 if final else PENALTY[segments[b].brk] if segments[b].brk else inf
                if pen < inf and cost[k - 1][a] + slack + pen < cost[k][b + 1]:
                    cost[k][b + 1], back[k][b + 1] = cost[k - 1][a] + slack + pen, a
                if segments[b].brk == FORCED:
                    break
    k_best = min(range(1, max_lines + 1), key=lambda k: (cost[k][n], k))
    if cost[k_best][n] == inf:
        return None
    ends: list[int] = []
    j, k = n, k_best
    while k > 0:
        a = back[k][j]
        if a > 0:
            ends.append(a - 1)
        j, k = a, k - 1
    return tuple(sorted(ends))


def _lengths(line_length: LineLength, ends: Sequence[int], n: int) -> tuple[float, ...]:
    starts = [0, *(e + 1 for e in ends)]
    stops = [*ends, n - 1]
    return tuple(line_length(a, b) for a, b in zip(starts, stops, strict=True))
