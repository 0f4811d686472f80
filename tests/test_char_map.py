"""qmposter/char_map.py: a font's character map packed for the cache folder, answering as the dict.

Checked on every bundled font's real cmap (as fonts.py reads it) and on random maps.
"""

from __future__ import annotations

import marshal
import sys

import pytest
from fontTools.ttLib import TTFont
from hypothesis import given
from hypothesis import strategies as st

from qmposter.char_map import ABSENT, BMP, CharMap
from qmposter.fonts import _read_cmap, bundled_fonts, load_font

CODE_POINTS = st.integers(min_value=0, max_value=0x10FFFF)


def _same_as_dict(packed: CharMap, mapping: dict[int, int], probes: list[int]) -> None:
    assert len(packed) == len(mapping)
    assert sorted(packed) == sorted(mapping)
    assert dict(packed.items()) == mapping and packed == mapping
    for cp in probes:
        assert packed.get(cp) == mapping.get(cp)
        assert packed.get(cp, -1) == mapping.get(cp, -1)
        assert (cp in packed) == (cp in mapping)
        if cp in mapping:
            assert packed[cp] == mapping[cp]
        else:
            with pytest.raises(KeyError):
                packed[cp]


@pytest.mark.parametrize("font_id", sorted(f.id for f in bundled_fonts()))
def test_every_bundled_fonts_cmap_answers_as_its_dict(font_id: str) -> None:
    path = load_font(font_id).path
    font = TTFont(str(path), lazy=True)
    mapping = _read_cmap(font, font["maxp"].numGlyphs, path)
    packed = CharMap.unpack(marshal.loads(marshal.dumps(CharMap.from_dict(mapping).pack())))
    assert packed is not None
    probes = [*list(mapping)[:: max(1, len(mapping) // 2000)], 0, 0x20, 0x4E00, 0xFFFF, BMP, 0x20000, 0x10FFFF, -1]
    _same_as_dict(packed, mapping, probes)


@given(st.dictionaries(CODE_POINTS, st.integers(min_value=0, max_value=ABSENT - 1), max_size=60), st.lists(CODE_POINTS))
def test_random_maps_answer_as_their_dict(mapping: dict[int, int], probes: list[int]) -> None:
    packed = CharMap.unpack(CharMap.from_dict(mapping).pack())
    assert packed is not None
    _same_as_dict(packed, mapping, [*mapping, *probes])


def test_what_is_not_a_packed_map_is_refused() -> None:
    order, table, astral, count = CharMap.from_dict({0x4E00: 5, 0x20000: 7}).pack()
    assert CharMap.unpack((order, table, astral, count)) == {0x4E00: 5, 0x20000: 7}
    other = "big" if sys.byteorder == "little" else "little"
    assert CharMap.unpack((other, table, astral, count)) is None  # another machine's tables: never misread
    assert CharMap.unpack((order, table[:-2], astral, count)) is None
    assert CharMap.unpack((order, table, [], count)) is None
    assert CharMap.unpack((order, table, astral)) is None
    assert CharMap.unpack({0x4E00: 5}) is None
    with pytest.raises(ValueError):
        CharMap.from_dict({0x4E00: ABSENT})  # not a glyph id a TrueType font can have
