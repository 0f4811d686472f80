"""A font's character map (code point → glyph id), packed so that a new process reads it at once.

fonts.py keeps what it read from a font in the user cache folder. As a dict, a CJK font's
10 000–30 000 mappings took 0.4–0.9 ms of every process's read-back of every face (a build
reads three); packed, the Basic Multilingual Plane is one array of glyph ids (128 KiB of
bytes: one copy) and the few code points beyond it a small dict. `CharMap` answers like the
dict it replaces (`get`, `in`, `[]`, `len`, iteration, `items`, setting a code point); lookups of
the BMP index the array. Keys are code points (ints): iteration gives them in code point order,
not in the order the cmap listed them, and walks the whole table (only `codepoints()` does).
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Iterator, Mapping

BMP = 0x10000
ABSENT = 0xFFFF  # no glyph: glyph ids are below numGlyphs, which is at most 65 535


class CharMap(Mapping[int, int]):
    """Code point → glyph id, with dict semantics; see the module doc."""

    __slots__ = ("_astral", "_bmp", "_len")

    def __init__(self, bmp: array, astral: dict[int, int], count: int) -> None:
        self._bmp = bmp
        self._astral = astral
        self._len = count  # kept: array.count compares 65 536 objects (~1 ms), and `if cmap:` asks len

    @classmethod
    def from_dict(cls, mapping: Mapping[int, int]) -> CharMap:
        bmp = array("H", [ABSENT]) * BMP
        astral = {}
        for cp, glyph in mapping.items():
            if not 0 <= glyph < ABSENT:
                raise ValueError(f"glyph id {glyph} of U+{cp:04X} is not a TrueType glyph id")
            if 0 <= cp < BMP:
                bmp[cp] = glyph
            else:
                astral[cp] = glyph
        return cls(bmp, astral, len(mapping))

    @classmethod
    def unpack(cls, packed: object) -> CharMap | None:
        """The map `pack` made, or None when `packed` is not of that shape."""
        if not (isinstance(packed, tuple) and len(packed) == 4 and packed[0] == sys.byteorder):
            return None
        _, table, astral, count = packed
        if not (isinstance(table, bytes) and len(table) == 2 * BMP and isinstance(astral, dict)):
            return None
        if not isinstance(count, int):
            return None
        bmp = array("H")
        bmp.frombytes(table)
        return cls(bmp, astral, count)

    def pack(self) -> tuple[str, bytes, dict[int, int], int]:
        """Builtin types for marshal: the byte order (the array's bytes are in it), the BMP table,
        the code points beyond it, how many there are in all."""
        return sys.byteorder, self._bmp.tobytes(), dict(self._astral), self._len

    def get(self, cp: int, default: int | None = None) -> int | None:  # type: ignore[override]
        if not isinstance(cp, int):
            return default  # keys are code points: a str or float is never one (a dict would say None too)
        if 0 <= cp < BMP:
            glyph = self._bmp[cp]
            return default if glyph == ABSENT else glyph
        return self._astral.get(cp, default)

    def __setitem__(self, cp: int, glyph: int) -> None:
        """Map `cp` to `glyph`, as the dict did (reportlab's shaping adds private-use code points)."""
        if not isinstance(cp, int) or cp < 0 or not 0 <= glyph < ABSENT:
            raise ValueError(f"not a code point and TrueType glyph id: {cp!r} → {glyph!r}")
        if cp not in self:
            self._len += 1
        if cp < BMP:
            self._bmp[cp] = glyph
        else:
            self._astral[cp] = glyph

    def __getitem__(self, cp: int) -> int:
        glyph = self.get(cp) if isinstance(cp, int) else None
        if glyph is None:
            raise KeyError(cp)
        return glyph

    def __contains__(self, cp: object) -> bool:
        return isinstance(cp, int) and self.get(cp) is not None

    def __iter__(self) -> Iterator[int]:
        yield from (cp for cp, glyph in enumerate(self._bmp) if glyph != ABSENT)
        yield from self._astral

    def __len__(self) -> int:
        return self._len
