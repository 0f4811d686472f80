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


def test_setting_and_odd_keys_answer_as_the_dict() -> None:
    """reportlab's shaping adds private-use code points to charToGlyph; a str or float key is never
    a code point."""
    mapping = {0x4E00: 5, 0x20000: 7}
    packed = CharMap.from_dict(mapping)
    for cp, glyph in ((0xE000, 9), (0x4E00, 6), (0xF0000, 11)):
        packed[cp] = glyph
        mapping[cp] = glyph
    _same_as_dict(packed, mapping, [0xE000, 0x4E00, 0xF0000, 0xE001])
    assert packed.get("一") is None and "一" not in packed and packed.get(None, -1) == -1
    with pytest.raises(ValueError):
        packed[0xE002] = ABSENT


def test_a_font_cache_file_of_another_packing_means_reading_the_font(tmp_path, monkeypatch) -> None:
    """A checksummed cache file whose cmap is not CharMap.pack's (an older release's dict, under a
    colliding name) costs a read of the font, never an error or a wrong glyph."""
    from qmposter import fonts
    from qmposter.disk_cache import read_checked, write_checked

    monkeypatch.setenv("QMPOSTER_CACHE_DIR", str(tmp_path))
    path = load_font("smiley-sans").path
    face = fonts._read_face(path, "x", None, None)
    fonts.save_font_cache()
    file = fonts._cache_file(path)
    stored = read_checked(file)
    facts = list(stored["facts"])
    facts[6] = dict(face._cmap.items())
    write_checked(file, {**stored, "facts": tuple(facts)})
    again = fonts._read_face(path, "x", None, None)
    assert isinstance(again._cmap, CharMap) and again._cmap == face._cmap
