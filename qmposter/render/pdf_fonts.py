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
"""

from __future__ import annotations

from reportlab import rl_config
from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.ttfonts import TTFont, TTFontFile

from qmposter.memo import LRU
from qmposter.render.pdf_objects import Group, can_reuse, config_key, record
from qmposter.render.pdf_streams import SAME_FLATE

MAX_SUBSETS = 16  # per font: glyph lists kept (a few tens of KiB each); the static ones are used every page
MAX_ARRAYS = 256
MAX_GROUPS = 8  # per font: formatted objects of recent character sets (a font file each, 10-30 KiB)


class CachedTTFont(TTFont):
    """A TTFont (see reportlab.pdfbase.ttfonts) with the per-glyph-set caches of the module doc."""

    def __init__(self, name: str, filename: object) -> None:
        super().__init__(name, filename)
        self.subsets: LRU[bytes] = LRU(MAX_SUBSETS)
        self.groups: LRU[Group] = LRU(MAX_GROUPS)
        face = self.face
        # instance attributes shadowing TTFontFile's methods of the same name
        face.makeSubset = lambda subset: self._subset(face, subset)
        face.get_table = lambda tag: _GlyfWindow(face) if tag == "glyf" else TTFontFile.get_table(face, tag)

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
