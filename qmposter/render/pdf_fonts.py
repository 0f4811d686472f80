"""reportlab TrueType fonts whose subset objects are made once per glyph set and process.

reportlab builds, for every document and every font it uses, a subset font file (parsing
and rewriting the glyph tables), its ToUnicode map and its widths array, and compresses the
two streams. A font that sets only the campaign name, the issuers or the hotline uses the
same glyphs in every document, so all of that comes out the same each time. `CachedTTFont`
lets reportlab build its objects as usual, then:

- the subset file comes from a cache keyed by the glyph list (`makeSubset` is a pure
  function of the font file and the list: safe to share), and a new one reads its glyphs
  straight from the file's bytes instead of a copy of the whole glyf table;
- both streams are compressed through `SAME_FLATE`, which remembers recent outputs;
- the widths array is formatted once per list of widths.

Nothing is cached per document, and every object is still reportlab's: the bytes are the
same as with a plain `TTFont`.

Registering a font made reportlab parse its tables (cmap, hmtx, loca: 14 ms for a CJK font,
paid by every process's first PDF). What that parse gives (`TTFontFile.extractInfo`: metrics,
character map, widths, glyph offsets — builtin types) is kept in the user cache folder, one
file per font file version (path, size, times, inode), reportlab version and version of this
module (`qmposter.disk_cache`); a later process reads it back instead (3 ms). A missing,
damaged or unwritable file only means parsing again.
"""

from __future__ import annotations

import functools
import marshal
import sys
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from fnmatch import fnmatch
from itertools import chain
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

import reportlab
from reportlab import rl_config
from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.ttfonts import TTEncoding, TTFNameBytes, TTFont, TTFontFace, TTFontFile

from qmposter import char_map, gc_hold
from qmposter.char_map import CharMap
from qmposter.disk_cache import code_version, file_version_path, prune, read_checked, write_checked
from qmposter.memo import LRU
from qmposter.render.pdf_objects import Group, can_reuse, config_key, record
from qmposter.render.pdf_streams import SAME_FLATE

MAX_SUBSETS = 16  # per font: glyph lists kept (a few tens of KiB each); the static ones are used every page
MAX_ARRAYS = 256
MAX_GROUPS = 8  # per font: formatted objects of recent character sets (a font file each, 10-30 KiB)
MAX_FACE_FILES = 32  # parsed fonts kept in the user cache folder (about 0.5 MB each)


class CachedTTFont(TTFont):
    """A TTFont (see reportlab.pdfbase.ttfonts) with the per-glyph-set caches of the module doc."""

    def __init__(self, name: str, filename: object) -> None:
        # named once, for the version of the file read now: a font rewritten meanwhile is not stored
        # under its new version with the old parse
        file = _face_file(filename) if isinstance(filename, str) else None
        face = _stored_face(file, filename) if file is not None else None
        if face is None:
            super().__init__(name, filename)
            if file is not None:
                _store_face(file, self.face)
        else:
            self._init_with_face(name, face)
        self.subsets: LRU[bytes] = LRU(MAX_SUBSETS)
        self.groups: LRU[Group] = LRU(MAX_GROUPS)
        face = self.face
        # instance attributes shadowing TTFontFile's methods of the same name
        face.makeSubset = lambda subset: self._subset(face, subset)
        face.get_table = lambda tag: _GlyfWindow(face) if tag == "glyf" else TTFontFile.get_table(face, tag)

    def _init_with_face(self, name: str, face: TTFontFace) -> None:
        """What TTFont.__init__(name, filename) does, with the face already made (tests compare)."""
        self.fontName = name
        self.face = face
        self.encoding = TTEncoding()
        self.state = WeakKeyDictionary()
        self._asciiReadable = rl_config.ttfAsciiReadable
        self.shapable = not any(fnmatch(name, pattern) for pattern in rl_config.unShapedFontGlob)

    def _subset(self, face: TTFontFile, subset: list[int]) -> bytes:
        return self.subsets.get_or_make(tuple(subset), lambda: TTFontFile.makeSubset(face, subset))

    def addObjects(self, doc: pdfdoc.PDFDocument) -> None:
        """The objects formatted for an earlier document with the same characters at the same
        object numbers (pdf_objects), else reportlab's, with the cached compression and widths
        swapped in, recorded for the next document."""
        state = self.state.get(doc)
        if state is None or not can_reuse(doc):  # never drawn in this document: reportlab made what it makes
            super().addObjects(doc)
            return
        key = (tuple(map(tuple, state.subsets)), state.internalName, doc.objectcounter, doc.compression, config_key())
        group = self.groups.get(key)
        if group is not None and group.fits(doc):
            fonts = doc.idToObject["BasicFonts"].dict
            for name, obj in group.register(doc).items():
                if name.startswith(state.internalName + "+"):
                    fonts[name] = obj
            state.frozen = 1
            del self.state[doc]
            return
        first = doc.objectcounter
        self._add_objects(doc, state)
        record(doc, first, lambda made: self.groups.put(key, made))

    def _add_objects(self, doc: pdfdoc.PDFDocument, state: TTFont.State) -> None:
        super().addObjects(doc)
        fonts = doc.idToObject["BasicFonts"].dict
        for n in range(len(state.subsets)):
            font = fonts[f"{state.internalName}+{n}"]
            font.Widths = _Widths(font.Widths.sequence)
            descriptor = doc.idToObject[font.FontDescriptor.name]
            for ref in (font.ToUnicode, descriptor.dict["FontFile2"]):
                stream = doc.idToObject[ref.name]
                if stream.filters == [pdfdoc.PDFZCompress]:
                    stream.filters = [SAME_FLATE]


class _GlyfWindow:
    """The glyf table as makeSubset reads it (slices only), without copying the whole table.

    makeSubset takes `get_table('glyf')` (a copy of 2.5–4 MiB for a CJK font) to cut out a
    few dozen glyphs; slicing the file's bytes directly gives the same glyph bytes.
    """

    def __init__(self, face: TTFontFile) -> None:
        self.data = face._ttf_data
        self.start, self.length = face.get_table_pos("glyf")

    def __getitem__(self, part: slice) -> bytes:
        lo, hi, _ = part.indices(self.length)
        return self.data[self.start + lo : self.start + max(lo, hi)]


_ARRAYS: LRU[bytes] = LRU(MAX_ARRAYS)


class _Widths(pdfdoc.PDFArray):
    """A PDFArray of numbers formatted once per content (numbers need no document)."""

    def format(self, document: pdfdoc.PDFDocument, IND: bytes = b"\n ") -> bytes:
        key = (tuple(self.sequence), rl_config.pdfMultiLine, IND)
        return _ARRAYS.get_or_make(key, lambda: super(_Widths, self).format(document, IND))


# -- parsed faces in the user cache folder ------------------------------------------------------

_NOT_STORED = ("_ttf_data", "_pdfScale")  # the file's bytes (read again), a lambda (made again)
# read by reportlab only to shape text (glyph → characters) and to measure it (stringWidth: the
# leaflet's text; a subset's widths array asks getCharWidth, which a stored face answers from
# charToGlyph and hmetrics): ~2 ms of a CJK face's read-back
_ON_FIRST_USE = ("glyphToChar", "charWidths")


class _Metrics:
    """A face's hmetrics, [(advance, left side bearing)] per glyph, kept as one flat array of
    ints: makeSubset reads a few dozen pairs by index, and unmarshalling 10 000 tuples for them
    was 0.6 ms of every CJK face's read-back."""

    def __init__(self, flat: array) -> None:
        self.flat = flat

    def __getitem__(self, glyph: int) -> tuple[int, int]:
        if glyph < 0:
            raise IndexError(glyph)  # makeSubset only asks glyph ids; a negative one is a mistake
        return self.flat[2 * glyph], self.flat[2 * glyph + 1]

    def __len__(self) -> int:
        return len(self.flat) // 2


def _flat_metrics(hmetrics: list) -> bytes | None:
    """hmetrics as the bytes of a flat int array, or None when they are not pairs of ints."""
    if not all(len(pair) == 2 for pair in hmetrics):
        return None
    try:
        return array("i", chain.from_iterable(hmetrics)).tobytes()  # a float or an int out of range: refused
    except (TypeError, OverflowError):
        return None


def _packed_map(char_to_glyph: dict) -> tuple | None:
    """charToGlyph as CharMap.pack (read back as one copy: ~0.8 ms of a CJK face as a dict), or None."""
    try:
        return CharMap.from_dict(char_to_glyph).pack()
    except (ValueError, TypeError, AttributeError):  # not ints, or not TrueType glyph ids: kept as it is
        return None


def _packed_offsets(glyph_pos: list) -> bytes | None:
    """glyphPos (loca's byte offsets) as the bytes of an unsigned 32-bit array, or None."""
    try:
        return array("I", glyph_pos).tobytes()
    except (TypeError, OverflowError):
        return None


def _whole(data: object, typecode: str, per_item: int = 1) -> array | None:
    """An array of `typecode` over `data`, or None when `data` is not bytes of whole items."""
    size = array(typecode).itemsize * per_item
    return array(typecode, data) if isinstance(data, bytes) and len(data) % size == 0 else None


def _metrics(flat: array | None) -> _Metrics | None:
    return _Metrics(flat) if flat is not None else None


@dataclass(frozen=True)
class _Packing:
    """How one large attribute of a parsed face is stored: as bytes read back in one copy, not as
    10 000 ints and tuples. `pack` gives None for a value it cannot hold (kept as reportlab made
    it, a `plain`); `unpack` gives None for stored bytes it did not make (the font is parsed again)."""

    stored_as: str
    plain: type
    pack: Callable[[Any], object | None]
    unpack: Callable[[object], object | None]


_PACKINGS = {
    "hmetrics": _Packing("hmetrics_flat", list, _flat_metrics, lambda d: _metrics(_whole(d, "i", 2))),
    "charToGlyph": _Packing("charToGlyph_packed", dict, _packed_map, CharMap.unpack),
    "glyphPos": _Packing("glyphPos_packed", list, _packed_offsets, lambda d: _whole(d, "I")),
}


class _StoredFace(TTFontFace):
    """A face read back from the cache file. The attributes of _ON_FIRST_USE stay marshal bytes
    (checked with the file) until something reads them: ~2 ms of a CJK face's 3 ms read-back,
    which a poster PDF never needs."""

    def __getattr__(self, name: str) -> object:
        later = self.__dict__.get("_later")
        if later is None or name not in later:
            raise AttributeError(name)
        value = marshal.loads(later[name])
        setattr(self, name, value)
        return value

    def getCharWidth(self, code: int) -> float:
        """reportlab's charWidths[code], worked out from the glyph when _store_face found that gives
        every stored width (charWidths then stays packed), else read from charWidths."""
        if "charWidths" in self.__dict__ or "charWidths" not in self.__dict__.get("_later", ()):
            return super().getCharWidth(code)
        return _glyph_width(self, code)


def _glyph_width(face: TTFontFace, code: int) -> float:
    """The scaled advance of the character's glyph: what extractInfo puts in charWidths, except
    where a font's hmetrics hold advances it scaled already (glyphs past numberOfHMetrics of a
    font whose em is not 1000 units): _store_face checks every character before relying on it."""
    glyph = face.charToGlyph.get(code)
    if glyph is None or not 0 <= glyph < len(face.hmetrics):
        return face.defaultWidth
    return face._pdfScale(face.hmetrics[glyph][0])


def _widths_from_glyphs(face: TTFontFace) -> bool:
    """True when _glyph_width gives charWidths' value for every character of the face (and the
    default width for those charWidths lacks)."""
    widths, default = face.charWidths, face.defaultWidth
    return all(_glyph_width(face, code) == widths.get(code, default) for code in (*widths, *face.charToGlyph))


def _face_file(path: str) -> Path | None:
    return file_version_path("reportlab-font", path, _code_version())


@functools.cache
def _code_version() -> str:
    """This module, reportlab's version and the marshal format: any change, new cache files."""
    extra = f"{reportlab.Version}\0{marshal.version}\0{sys.byteorder}"  # packed arrays are in this byte order
    return code_version(Path(__file__), Path(char_map.__file__), extra=extra)


def _store_face(file: Path, face: TTFontFace) -> None:
    """Keep what parsing the font gave in its cache `file` (names as their text: marshal keeps no bytes subclass)."""
    attrs, names, later = {}, {}, {}
    lazy = _ON_FIRST_USE if _widths_from_glyphs(face) else tuple(k for k in _ON_FIRST_USE if k != "charWidths")
    for key, value in face.__dict__.items():
        if isinstance(value, TTFNameBytes):
            names[key] = value.ustr
        elif key in lazy:
            try:
                later[key] = marshal.dumps(value)
            except ValueError:  # a type marshal cannot hold (another reportlab): not kept, as write_checked does
                return
        elif key in _PACKINGS and (packed := _PACKINGS[key].pack(value)) is not None:
            attrs[_PACKINGS[key].stored_as] = packed
        elif key not in _NOT_STORED:
            attrs[key] = value
    # checksummed as a whole: a flipped bit in a width is refused
    write_checked(file, {"attrs": attrs, "names": names, "later": later})
    prune("reportlab-font", MAX_FACE_FILES)


def _stored_face(file: Path, path: str) -> TTFontFace | None:
    """The face as TTFontFace(path) makes it, from its cache `file`; None when there is none
    or it is not what _store_face writes."""
    with gc_hold.paused():  # a face is some 30 000 lists and tuples, none in a cycle
        stored = read_checked(file)
    if not _plausible(stored):
        return None
    try:
        data = Path(path).read_bytes()
    except OSError:
        return None
    face = _StoredFace.__new__(_StoredFace)
    attrs = dict(stored["attrs"])
    for key, packing in _PACKINGS.items():
        if packing.stored_as in attrs:
            value = packing.unpack(attrs.pop(packing.stored_as))
            if value is None:
                return None
            attrs[key] = value
    face.__dict__.update(attrs)
    face._later = dict(stored["later"])
    for key, text in stored["names"].items():
        face.__dict__[key] = TTFNameBytes(text.encode("utf8"))
    face._ttf_data = data
    face._pdfScale = _scale(face.unitsPerEm)
    return face


def _scale(units_per_em: int):
    """TTFontFile.extractInfo's scale from font units to 1/1000 em."""
    if units_per_em == 1000:
        return lambda x: x
    factor = 1000 / units_per_em
    return lambda x: x * factor


def _plausible(stored: object) -> bool:
    """The shape _store_face writes (a damaged or foreign file is parsed again, never trusted)."""
    if not isinstance(stored, dict) or not isinstance(stored.get("names"), dict):
        return False
    attrs, later = stored.get("attrs"), stored.get("later")
    if not isinstance(attrs, dict) or not all(isinstance(t, str) for t in stored["names"].values()):
        return False
    if not isinstance(later, dict) or not set(later) <= set(_ON_FIRST_USE) or not all(map(_is_bytes, later.values())):
        return False
    # each packed attribute is stored one way only: packed (unpacked by _stored_face) or plain
    packed_ok = all(
        (packing.stored_as in attrs) != (key in attrs) and (key not in attrs or isinstance(attrs[key], packing.plain))
        for key, packing in _PACKINGS.items()
    )
    packed_ok = packed_ok and ("charWidths" in later or isinstance(attrs.get("charWidths"), dict)) and (
        "glyphToChar" in later
    )
    kinds = {"table": dict, "unitsPerEm": int, "numGlyphs": int, "filename": str}  # fmt: skip
    return packed_ok and all(isinstance(attrs.get(key), kind) for key, kind in kinds.items()) and (
        attrs["unitsPerEm"] > 0 and "name" in stored["names"]
    )


def _is_bytes(value: object) -> bool:
    return isinstance(value, bytes)
