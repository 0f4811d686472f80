"""Flate compression for the PDF backend that reuses work from earlier documents of the process.

A build writes many PDFs that share most of their bytes: the page stream of a poster begins
with the background and the ornaments (most of its length) and only then sets the slogan;
the subset of a font that sets only the campaign name or the issuers is the same file every
time. zlib gives the same output however its input is fed (without flushes), so:

- `PrefixFlate` keeps, for a few long prefixes seen in recent streams, the compressor state
  after the prefix, and compresses only the rest of a stream that starts with one;
- `SameFlate` remembers the compressed bytes of recent stream contents.

Both are reportlab stream filters (`pdfname`, `encode`) with zlib's defaults, so a document
is byte-identical to one made with reportlab's own `PDFZCompress`. `ASCII85` is reportlab's
ASCII85 filter handing back bytes (see there).
"""

from __future__ import annotations

import threading
import zlib
from dataclasses import dataclass

from reportlab.pdfbase.pdfdoc import PDFBase85Encode, pdfdocEnc

from qmposter.memo import LRU

MIN_PREFIX = 4096  # bytes: shorter common prefixes are not worth a compressor state (~270 KiB)


def _bytes(content: str | bytes) -> bytes:
    return content.encode("utf8") if isinstance(content, str) else content  # as reportlab's filter


@dataclass(frozen=True)
class _Prefix:
    """A page-stream prefix compressed once: its output so far and the compressor's state after it."""

    data: bytes
    head: bytes  # compressed output produced while reading `data`
    state: object  # the zlib compressor just after `data`


class PrefixFlate:
    """FlateDecode of page streams, resuming from the longest known prefix (see the module doc).

    On a miss the stream is compressed whole, and its common prefix with a recent stream or a
    known prefix, when at least MIN_PREFIX long, becomes a new entry (replacing a longer prefix
    it cut short: the part shared by every slogan is found by the second or third page). A
    stream whose caller knows how much of it later pages share (`encode(content, shared)`: the
    part before the slogan, `Head`) is compressed in two pieces on a miss, the first becoming
    an entry right away: the second page of a process already resumes.
    """

    pdfname = "FlateDecode"

    def __init__(self, entries: int = 8, recent: int = 8) -> None:
        self.size = entries
        self.hits = self.misses = 0
        self._prefixes: list[_Prefix] = []
        self._recent: list[bytes] = []
        self._recent_size = recent
        self._lock = threading.Lock()

    def encode(self, content: str | bytes, shared: int = 0) -> bytes:
        """zlib.compress(content); `shared`: how many of its first characters (or bytes) later
        streams will begin with."""
        data = _bytes(content)
        with self._lock:
            found = next((p for p in self._prefixes if data.startswith(p.data)), None)
            if found is not None:
                self.hits += 1
                self._prefixes.remove(found)
                self._prefixes.insert(0, found)
                state = found.state.copy()
            else:
                self.misses += 1
        if found is not None:
            return found.head + state.compress(data[len(found.data) :]) + state.flush()
        if isinstance(content, str) and not content.isascii():
            shared = len(_bytes(content[:shared]))
        self._learn(data)  # also with a hint: a part before the slogan that changes from page to page is still found
        if shared >= MIN_PREFIX:
            return self._split(data, shared)
        return zlib.compress(data)

    def _split(self, data: bytes, shared: int) -> bytes:
        """zlib.compress(data), keeping the compressor state after data[:shared] as an entry."""
        state = zlib.compressobj()
        head = state.compress(data[:shared])
        entry = _Prefix(data[:shared], head, state.copy())
        with self._lock:
            self._prefixes = [p for p in self._prefixes if p.data != entry.data]
            self._prefixes.insert(0, entry)
            del self._prefixes[self.size :]
        return head + state.compress(data[shared:]) + state.flush()

    def _learn(self, data: bytes) -> None:
        with self._lock:
            candidates = [p.data for p in self._prefixes] + self._recent
            self._recent = [data, *self._recent][: self._recent_size]
        best, length = None, 0
        for other in candidates:
            common = _common_prefix(data, other)
            if common > length:
                best, length = other, common
        if length < MIN_PREFIX:
            return
        state = zlib.compressobj()
        head = state.compress(data[:length])
        with self._lock:
            self._prefixes = [p for p in self._prefixes if p.data is not best]
            self._prefixes.insert(0, _Prefix(data[:length], head, state))
            del self._prefixes[self.size :]

    def __len__(self) -> int:
        return len(self._prefixes)

    def clear(self) -> None:
        with self._lock:
            self._prefixes.clear()
            self._recent.clear()
            self.hits = self.misses = 0


def _common_prefix(a: bytes, b: bytes) -> int:
    """Length of the longest common prefix (bisection on slices: memcmp, not a Python loop)."""
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


@dataclass(frozen=True)
class Head:
    """The page-stream filter for one page: `flate` told that its first `shared` characters
    recur on later pages (a reportlab stream filter: `pdfname`, `encode`)."""

    flate: PrefixFlate
    shared: int
    pdfname = "FlateDecode"

    def encode(self, content: str | bytes) -> bytes:
        return self.flate.encode(content, self.shared)


class SameFlate(LRU[bytes]):
    """FlateDecode that remembers the output for the last `size` stream contents."""

    pdfname = "FlateDecode"

    def __init__(self, size: int = 64) -> None:
        super().__init__(size)

    def encode(self, content: str | bytes) -> bytes:
        data = _bytes(content)
        return self.get_or_make(data, lambda: zlib.compress(data))


class ASCII85:
    """reportlab's ASCII85 filter, its text handed back as bytes.

    reportlab's filter returns text, which `PDFStream.format` turns into bytes through its
    pdfdoc codec, a Python charmap over every character (a quarter of a millisecond for a
    poster's page stream). ASCII85 writes only '!'–'u', 'z' and '~>' (and CR LF when wrapping),
    which that codec maps to their ASCII bytes, so ASCII gives the same bytes."""

    pdfname = PDFBase85Encode.pdfname

    def encode(self, content: str | bytes) -> bytes:
        text = PDFBase85Encode.encode(content)
        return text.encode("ascii") if text.isascii() else pdfdocEnc(text)


PAGE_FLATE = PrefixFlate()
ASCII85_BYTES = ASCII85()
SAME_FLATE = SameFlate()
