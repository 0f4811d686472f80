"""Bundled and user fonts, with metrics read from the font files by fontTools.

Layout needs exact metrics (advances, vertical advances, the ideographic em box)
from the font itself, never Pillow's rendered bounding boxes, so the PNG and the
PDF place every glyph at the same point. Fonts are read lazily: loading reads only
head/hhea/OS2/cmap/hmtx/vmtx/BASE; GSUB and glyf are touched on first use. What was
read (metrics, and the ink bounds and vertical forms asked for so far) is kept in the
user's cache folder per font file version (`save_font_cache`), so a warm process neither
parses the tables again nor imports fontTools.

The ideographic em box (where a CJK glyph's 1 em square sits relative to the
baseline) comes from, in order: the BASE table's 'ideo' (bottom) and 'idtp' (top,
else bottom + 1 em) baselines; the OS/2 typo ascender/descender when they span
exactly 1 em (the CJK convention, e.g. 880/-120); a 1-em box centred on the ink of
the reference ideographs 中国永; and last [typo descender, typo descender + 1 em].
"""

from __future__ import annotations

import array
import functools
import marshal
import struct
import sys
import threading
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from qmposter import char_map, toml_cache
from qmposter.char_map import CharMap
from qmposter.disk_cache import at_exit, code_version, file_version_path, prune, read_checked, write_checked
from qmposter.errors import FontError, MissingGlyphsError
from qmposter.fileio import os_reason, sha256_file
from qmposter.resources import bundled_dir

MANIFEST_NAME = "fonts.toml"
ROLES = ("heiti", "songti", "kaiti", "fangsong", "display", "dotmatrix")
ROLE_NAMES_ZH = {
    "heiti": "黑体", "songti": "宋体", "kaiti": "楷体", "fangsong": "仿宋", "display": "标题字体",
    "dotmatrix": "点阵字体",  # LED strips: every dot of the font on one pixel
}
VERTICAL_FORM_RANGES = ((0xFE10, 0xFE19), (0xFE30, 0xFE4F))
_REFERENCE_IDEOGRAPHS = "中国永"
_CONVERT_HINT = (
    "reportlab 只能嵌入 TrueType 轮廓（glyf）字体。请用 FontForge 打开后“生成字体”为 TrueType (.ttf)，"
    "或用 fontTools 把三次曲线转为二次曲线（cu2qu / otf2ttf）后再用。"
)


@dataclass(frozen=True)
class FontInfo:
    """One row of fonts/fonts.toml: what a bundled font is and where it came from."""

    id: str
    family: str
    family_zh: str
    weight: int
    role: str
    file: str
    licence: str
    source: str
    sha256: str
    style: str = "Regular"
    licence_file: str = ""  # licence text, relative to fonts/
    upstream: str = ""  # the original font this file was subset from
    size: int = 0  # bytes
    glyphs: int = 0
    chars: int = 0  # code points in the cmap
    hanzi: int = 0
    gb2312: int = 0  # of the 7445 GB 2312 characters
    gb2312_hanzi: int = 0  # of its 6763 hanzi
    tgh8105: int = 0  # of the 8105 characters of 通用规范汉字表

    @property
    def name_zh(self) -> str:
        """Human name for lists and messages, e.g. 思源黑体 Black."""
        return f"{self.family_zh} {self.style}"


@dataclass(frozen=True, eq=False)
class FontFace:
    """A loaded font: metrics in em (fractions of 1 em), y up, from the font's own tables."""

    id: str
    path: Path
    name: str
    units_per_em: int
    ascender: float
    descender: float
    ideo_top: float
    ideo_bottom: float
    info: FontInfo | None = field(default=None, repr=False)
    _cmap: Mapping[int, int] = field(default_factory=dict, repr=False)  # code point -> glyph id (a CharMap)
    _hmtx: _Metrics = field(default_factory=lambda: _Metrics(array.array("H"), array.array("h")), repr=False)
    _vmtx: _Metrics | None = field(default=None, repr=False)
    _lazy: dict[str, object] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def char_count(self) -> int:
        """How many code points the font maps."""
        return len(self._cmap)

    def codepoints(self) -> frozenset[int]:
        """Every code point the font maps (its cmap)."""
        return frozenset(self._cmap)

    def has(self, ch: str) -> bool:
        """True when the font maps the character (whitespace counts only if mapped)."""
        return len(ch) == 1 and ord(ch) in self._cmap

    def missing(self, text: str) -> list[str]:
        """Distinct characters of `text` the font cannot draw, in order; whitespace ignored."""
        seen: dict[str, None] = {}
        for ch in text:
            if not ch.isspace() and ord(ch) not in self._cmap:
                seen.setdefault(ch, None)
        return list(seen)

    def require(self, text: str, *, label: str = "") -> None:
        """Raise MissingGlyphsError naming the characters, the font and `label` if any is missing."""
        lacking = self.missing(text)
        if lacking:
            raise missing_glyphs_error(lacking, self, label)

    def advance(self, ch: str) -> float:
        """Horizontal advance in em (hmtx)."""
        return self._hmtx.advance(self._glyph(ch)) / self.units_per_em

    def vertical_advance(self, ch: str) -> float:
        """Vertical advance in em (vmtx); 1.0 when the font has no vertical metrics."""
        glyph = self._glyph(ch)
        if self._vmtx is None:
            return 1.0
        return self._vmtx.advance(glyph) / self.units_per_em

    def top_side_bearing(self, ch: str) -> float | None:
        """vmtx top side bearing in em (distance from the vertical origin to the ink top), or None."""
        glyph = self._glyph(ch)
        if self._vmtx is None:
            return None
        return self._vmtx.bearing(glyph) / self.units_per_em

    def vertical_form(self, ch: str) -> str | None:
        """The character's vertical presentation form (e.g. ， -> U+FE10) if GSUB 'vert' reaches a
        glyph that the cmap maps from U+FE10..FE19 / U+FE30..FE4F; failing that, Unicode's own
        <vertical> pair (e.g. — -> U+FE31) when the font has both; None otherwise."""
        if not self.has(ch):
            return None
        return self._vertical_forms().get(ch)

    def vertical_forms(self) -> dict[str, str]:
        """All horizontal -> vertical presentation-form pairs this font supports."""
        return dict(self._vertical_forms())

    def ink_bounds(self, ch: str) -> tuple[float, float, float, float]:
        """Glyph outline bounds (xMin, yMin, xMax, yMax) in em, y up; (0, 0, 0, 0) for a blank glyph."""
        glyph = self._glyph(ch)
        with self._lock:
            bounds = self._glyph_bounds(glyph)
        if bounds is None:
            return (0.0, 0.0, 0.0, 0.0)
        upem = self.units_per_em
        return (bounds[0] / upem, bounds[1] / upem, bounds[2] / upem, bounds[3] / upem)

    # -- internals -------------------------------------------------------------------------

    def _glyph(self, ch: str) -> int:
        glyph = self._cmap.get(ord(ch)) if len(ch) == 1 else None
        if glyph is None:
            raise missing_glyphs_error([ch], self, "")
        return glyph

    def _ttfont(self):  # -> fontTools.ttLib.TTFont, opened lazily and kept
        font = self._lazy.get("ttfont")
        if font is None:
            from fontTools.ttLib import TTFont

            font = TTFont(str(self.path), lazy=True)
            self._lazy["ttfont"] = font
        return font

    def _glyph_bounds(self, glyph: int) -> tuple[float, float, float, float] | None:
        known: dict = self._lazy.setdefault("ink", {})  # type: ignore[assignment]
        if glyph in known:
            return known[glyph]
        try:
            bounds = self._read_glyph_bounds(glyph)
        except CORRUPT_TABLE_ERRORS as error:
            raise _damaged(self.path, error) from None
        known[glyph] = bounds
        _face_changed(self)
        return bounds

    def _read_glyph_bounds(self, glyph: int) -> tuple[float, float, float, float] | None:
        loca = self._lazy.get("loca")
        if loca is None:
            loca = self._lazy["loca"] = _read_loca(self._ttfont())
        bounds = _simple_glyph_bounds(self._ttfont(), loca, glyph, self._hmtx.bearing(glyph))
        if bounds is not _COMPOSITE:
            return bounds  # type: ignore[return-value]
        glyph_set = self._lazy.get("glyphset")
        if glyph_set is None:
            glyph_set = self._ttfont().getGlyphSet()
            self._lazy["glyphset"] = glyph_set
        return _bounds(glyph_set, self._ttfont().getGlyphName(glyph))

    def _vertical_forms(self) -> dict[str, str]:
        with self._lock:
            forms = self._lazy.get("vertical_forms")
            if forms is None:
                try:
                    forms = _vertical_form_map(self._ttfont(), self._cmap)
                except CORRUPT_TABLE_ERRORS as error:
                    raise _damaged(self.path, error) from None
                self._lazy["vertical_forms"] = forms
                _face_changed(self)
        return forms  # type: ignore[return-value]


@dataclass(frozen=True)
class _Metrics:
    """(advance, side bearing) per glyph id, stored the way hmtx/vmtx store them: unsigned and
    signed 16-bit arrays, whose bytes the font cache keeps (a tuple of 10 000 ints was ~0.15 ms
    to read back, the bytes are one copy)."""

    advances: array.array  # "H"
    bearings: array.array  # "h"

    def pack(self) -> tuple[bytes, bytes]:
        return self.advances.tobytes(), self.bearings.tobytes()

    @classmethod
    def unpack(cls, packed: tuple[bytes, bytes]) -> _Metrics:
        advances, bearings = array.array("H"), array.array("h")
        advances.frombytes(packed[0])
        bearings.frombytes(packed[1])
        return cls(advances, bearings)

    def advance(self, glyph: int) -> int:
        return self.advances[min(glyph, len(self.advances) - 1)]

    def bearing(self, glyph: int) -> int:
        return self.bearings[glyph] if glyph < len(self.bearings) else 0


def missing_glyphs_error(chars: list[str], face: FontFace, label: str) -> MissingGlyphsError:
    """The Chinese error for characters a font lacks: what, which font, where, how to fix."""
    shown = "、".join(f"“{c}”(U+{ord(c):04X})" for c in chars[:20])
    more = f" 等 {len(chars)} 个字符" if len(chars) > 20 else ""
    where = f"（{label}）" if label else ""
    return MissingGlyphsError(
        f"字体“{face.name}”缺少字符 {shown}{more}{where}，印出来会是空白方框。",
        hint="换用含这些字的字体（qmposter fonts check 文字 可查各字体的覆盖），"
        "或改写文字；也可在模板中用 font = 字体文件路径 换用你有授权的字体。",
    )


# -- manifest ------------------------------------------------------------------------------


def fonts_dir() -> Path:
    """The bundled fonts/ folder."""
    return bundled_dir("fonts")


@functools.cache
def _manifest() -> tuple[FontInfo, ...]:
    path = fonts_dir() / MANIFEST_NAME
    try:
        data = toml_cache.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise FontError(
            f"找不到字体清单 {path}。", hint="在源码目录运行 python scripts/build_fonts.py 重新生成 fonts/。"
        ) from error
    except (OSError, ValueError) as error:  # unreadable, not UTF-8, or tomllib.TOMLDecodeError
        raise FontError(f"字体清单 {path} 无法读取：{error}。") from error
    rows = data.get("font", [])
    known = set(FontInfo.__dataclass_fields__)
    try:
        return tuple(FontInfo(**{k: v for k, v in row.items() if k in known}) for row in rows)
    except TypeError as error:
        raise FontError(f"字体清单 {path} 的条目缺少字段：{error}。") from error


def bundled_fonts() -> list[FontInfo]:
    """The bundled fonts, in manifest order."""
    return list(_manifest())


def bundled_info(font_id: str) -> FontInfo | None:
    """The manifest row of a bundled font id, or None."""
    return next((info for info in _manifest() if info.id == font_id), None)


def verify_bundled() -> list[str]:
    """Problems with the bundled files (missing, checksum or licence), as Chinese lines; [] when all good."""
    problems = []
    base = fonts_dir()
    for info in _manifest():
        path = base / info.file
        if not path.is_file():
            problems.append(f"{info.id}：缺少字体文件 {path}")
        elif sha256_file(path) != info.sha256:
            problems.append(f"{info.id}：{info.file} 的 SHA-256 与清单不符（文件被改动或损坏）")
        if info.licence_file and not (base / info.licence_file).is_file():
            problems.append(f"{info.id}：缺少许可证文件 {base / info.licence_file}")
    return problems


# -- loading -------------------------------------------------------------------------------


def load_font(ref: str | Path) -> FontFace:
    """Load a bundled font by id, or a user TrueType font by path; cached per process."""
    if isinstance(ref, Path) or _looks_like_path(ref):
        return _load_path(str(Path(ref).expanduser().resolve()))
    if bundled_info(ref) is not None:
        return _load_bundled(ref)
    known = "、".join(info.id for info in _manifest())
    raise FontError(f"没有名为“{ref}”的内置字体。", hint=f"可用的内置字体：{known}；也可给出 .ttf 文件的路径。")


def _looks_like_path(ref: str) -> bool:
    return "/" in ref or "\\" in ref or Path(ref).suffix.lower() in {".ttf", ".otf", ".ttc", ".otc", ".woff", ".woff2"}


@functools.cache
def _load_bundled(font_id: str) -> FontFace:
    info = bundled_info(font_id)
    assert info is not None
    path = fonts_dir() / info.file
    if not path.is_file():
        raise FontError(
            f"内置字体“{font_id}”的文件 {path} 不存在。", hint="运行 python scripts/build_fonts.py 重新生成 fonts/。"
        )
    return _read_face(path, font_id, f"{info.name_zh}", info)


@functools.cache
def _load_path(path_str: str) -> FontFace:
    path = Path(path_str)
    if not path.is_file():
        raise FontError(f"字体文件 {path} 不存在。", hint="检查路径是否写对。")
    return _read_face(path, path_str, None, None)


# What fontTools raises while lazily parsing a damaged table (besides TTLibError); the fuzz
# suite found AttributeError('Coordinate') in BASE and struct.error in OS/2 and glyf.
CORRUPT_TABLE_ERRORS = (
    KeyError, IndexError, ValueError, AssertionError, AttributeError, TypeError, EOFError, struct.error,
)  # fmt: skip


def _damaged(path: Path, error: Exception) -> FontError:
    return FontError(f"{path} 的字体表无法解析，文件可能已损坏（fontTools 报告：{error!r}）。")


def _open_checked(path: Path):  # -> TTFont
    from fontTools.ttLib import TTFont, TTLibError

    try:
        with path.open("rb") as handle:
            magic = handle.read(4)
    except OSError as error:
        raise FontError(f"无法读取字体文件 {path}：{os_reason(error)}。") from error
    if magic == b"ttcf":
        raise FontError(
            f"{path} 是字体集合（.ttc），不能直接使用。",
            hint="用 fontTools 拆出其中一款：python -c \"from fontTools.ttLib import TTCollection; "
            "[f.save(f'part{i}.ttf') for i, f in enumerate(TTCollection('文件.ttc'))]\"",
        )
    if magic in (b"wOFF", b"wOF2"):
        raise FontError(f"{path} 是网页字体（WOFF），不能用于印刷。", hint="请使用 .ttf 原始字体文件。")
    try:
        font = TTFont(str(path), lazy=True)
        tags = set(font.keys())
    except (TTLibError, OSError, ValueError, AssertionError, struct.error) as error:
        raise FontError(
            f"{path} 不是可读的字体文件（fontTools 报告：{error}）。", hint="请给出 TrueType 字体文件（.ttf）。"
        ) from error
    if "glyf" not in tags:
        kind = "CFF/PostScript" if ({"CFF ", "CFF2"} & tags) else "非 TrueType"
        raise FontError(f"{path} 是 {kind} 轮廓字体，不能嵌入 PDF。", hint=_CONVERT_HINT)
    lacking = {"head", "hhea", "hmtx", "maxp", "cmap", "OS/2", "loca"} - tags
    if lacking:
        raise FontError(f"{path} 缺少必需的字体表 {', '.join(sorted(lacking))}，文件可能已损坏。")
    try:
        fs_type = font["OS/2"].fsType  # lazy: the table is parsed here
    except (TTLibError, *CORRUPT_TABLE_ERRORS) as error:
        raise FontError(f"{path} 的字体表无法解析，文件可能已损坏（fontTools 报告：{error}）。") from error
    if (fs_type & 0x000F) == 0x0002:
        raise FontError(
            f"{path} 的授权标记为“禁止嵌入”（OS/2 fsType），不能嵌入 PDF 交付印刷。",
            hint="请向字体厂商确认授权，或改用可嵌入的字体。",
        )
    return font


def _read_face(path: Path, font_id: str, name: str | None, info: FontInfo | None) -> FontFace:
    cache_file = _cache_file(path)  # named now, for the version of the file read now
    cached = _cached_face(cache_file)
    cmap = CharMap.unpack(cached["facts"][6]) if cached is not None else None
    font = None
    if cmap is None:  # no cache file, or another packing under a colliding name: read the font
        cached, font = None, _open_checked(path)
        facts = _face_facts(font, path)
        cmap = CharMap.unpack(facts[6])
    else:
        facts = cached["facts"]
    upem, ascender, descender, bottom, top, family, _, hmtx, vmtx = facts
    face = FontFace(
        id=font_id,
        path=path,
        name=name or family or path.name,
        units_per_em=upem,
        ascender=ascender / upem,
        descender=descender / upem,
        ideo_top=top / upem,
        ideo_bottom=bottom / upem,
        info=info,
        _cmap=cmap,
        _hmtx=_Metrics.unpack(hmtx),
        _vmtx=_Metrics.unpack(vmtx) if vmtx is not None else None,
    )
    face._lazy["facts"] = facts
    face._lazy["cache_file"] = cache_file
    if font is not None:
        face._lazy["ttfont"] = font
        _face_changed(face)
    else:
        face._lazy["ink"] = cached["ink"]
        if cached["vertical_forms"] is not None:
            face._lazy["vertical_forms"] = cached["vertical_forms"]
    return face


def _face_facts(font, path: Path) -> tuple:
    """What a FontFace is made of, read from the font's tables, as builtin types (marshal-able):
    (upem, ascender, descender, ideo bottom, ideo top, family name, cmap, hmtx, vmtx), in font units;
    the cmap as CharMap.pack, the metrics as _Metrics.pack (arrays' bytes: one copy to read back)."""
    from fontTools.ttLib import TTLibError

    try:
        upem = font["head"].unitsPerEm
        num_glyphs = font["maxp"].numGlyphs
        cmap = _read_cmap(font, num_glyphs, path)
        if not cmap:
            raise FontError(f"{path} 没有 Unicode 字符映射表（cmap），无法按文字取字形。")
        hhea, os2 = font["hhea"], font["OS/2"]
        hmtx = _read_metrics(font.getTableData("hmtx"), hhea.numberOfHMetrics, num_glyphs)
        vmtx = None
        if "vhea" in font and "vmtx" in font:
            vmtx = _read_metrics(font.getTableData("vmtx"), font["vhea"].numberOfVMetrics, num_glyphs)
        bottom, top = _ideographic_box(font, cmap, upem)
        family = _family_name(font)
    except FontError:
        raise
    except (TTLibError, *CORRUPT_TABLE_ERRORS) as error:
        raise FontError(f"{path} 的字体表无法解析，文件可能已损坏（fontTools 报告：{error}）。") from error
    ascender, descender = hhea.ascent, hhea.descent
    if ascender == 0 and descender == 0:
        ascender, descender = os2.sTypoAscender, os2.sTypoDescender
    return (
        upem, ascender, descender, bottom, top, family, CharMap.from_dict(cmap).pack(),
        hmtx.pack(), vmtx.pack() if vmtx is not None else None,
    )  # fmt: skip


# -- the font cache on disk ------------------------------------------------------------------
# One marshal file per font file version (path, size, times, inode) and version of this module,
# in the user's cache folder (qmposter.disk_cache): the font's facts, and the ink bounds and
# vertical forms worked out so far. It is read when the font is loaded and written at exit when
# the process learned something new; a missing or damaged file means the font is read again,
# with the same result. Facts are stored only after the font passed every check of
# _open_checked, so a cached font is one that loaded before.

MAX_CACHED_INK = 65536  # glyphs with known ink bounds kept per font
MAX_CACHED_FONTS = 64  # font cache files kept (the most recently written): a few MB
_CHANGED: dict[int, FontFace] = {}  # faces whose cache file is out of date, saved at exit


def _cache_file(path: Path) -> Path | None:
    return file_version_path("font", path, _code_version())


def _cached_face(file: Path | None) -> dict | None:
    """What save_font_cache wrote to `file` (checksummed, and named after this code and this
    version of the font file), or None: then the font is read again, as without a cache."""
    stored = read_checked(file) if file is not None else None
    if not isinstance(stored, dict):
        return None
    facts = stored.get("facts")
    return stored if isinstance(facts, tuple) and len(facts) == 9 else None  # _read_face unpacks the cmap


def _face_changed(face: FontFace) -> None:
    if not _CHANGED:
        at_exit(save_font_cache)
    _CHANGED[id(face)] = face


def save_font_cache() -> None:
    """Write the cache files of the fonts this process read or learned about (runs at exit)."""
    faces = list(_CHANGED.values())
    _CHANGED.clear()
    for face in faces:
        with face._lock:
            ink = dict(face._lazy.get("ink", {}))  # type: ignore[call-overload]
            stored = {"facts": face._lazy["facts"], "ink": ink if len(ink) <= MAX_CACHED_INK else {},
                      "vertical_forms": face._lazy.get("vertical_forms")}  # fmt: skip
        file = face._lazy.get("cache_file")
        if file is not None:
            write_checked(file, stored)
    if faces:
        prune("font", MAX_CACHED_FONTS)


@functools.cache
def _code_version() -> str:
    """This module's source and the marshal format: new reading code, new cache files."""
    return code_version(Path(__file__), Path(char_map.__file__), extra=f"{marshal.version}\0{sys.byteorder}")


# Raw cmap/hmtx reading: fontTools would name every glyph first, which for a font
# without glyph names (post format 3) costs far more than the lookups themselves.

_CMAP_PREFERENCE = ((3, 10), (0, 6), (0, 4), (3, 1), (0, 3), (0, 2), (0, 1), (0, 0))  # as getBestCmap


def _read_cmap(font, num_glyphs: int, path: Path) -> dict[int, int]:
    """Code point -> glyph id from the best Unicode cmap subtable."""
    data = font.getTableData("cmap")
    _, count = struct.unpack_from(">HH", data, 0)
    subtables = {}
    for i in range(count):
        platform, encoding, offset = struct.unpack_from(">HHI", data, 4 + 8 * i)
        subtables.setdefault((platform, encoding), offset)
    for key in _CMAP_PREFERENCE:
        if key in subtables:
            offset = subtables[key]
            fmt = struct.unpack_from(">H", data, offset)[0]
            if fmt == 12:
                mapping = _cmap_format12(data, offset, path)
            elif fmt == 4:
                mapping = _cmap_format4(data, offset)
            elif fmt in (8, 10, 13):  # 32-bit ranges fontTools would expand without bound
                raise FontError(f"{path} 的字符映射表是少见的 cmap 格式 {fmt}。", hint="请换用常见的 TrueType 字体。")
            else:
                break
            return {cp: gid for cp, gid in mapping.items() if 0 < gid < num_glyphs}
    best = font.getBestCmap() or {}
    return {cp: font.getGlyphID(name) for cp, name in best.items()}


MAX_CODE_POINT = 0x10FFFF


def _cmap_format12(data: bytes, offset: int, path: Path) -> dict[int, int]:
    """Format-12 groups, bounded: a group ending past U+10FFFF, or groups covering more code
    points than Unicode has, is a corrupt (or hostile) cmap that would take gigabytes to expand."""
    (groups,) = struct.unpack_from(">I", data, offset + 12)
    table = data[offset + 16 : offset + 16 + 12 * groups]
    total = 0
    for start, end, _ in struct.iter_unpack(">III", table[: len(table) - len(table) % 12]):
        total += end - start + 1
        if end > MAX_CODE_POINT or start > end or total > MAX_CODE_POINT + 1:
            raise FontError(
                f"{path} 的字符映射表（cmap 格式 12）损坏：字符范围 U+{start:X}–U+{end:X} 超出 Unicode。",
                hint="换一个完好的字体文件（从字体发布处重新下载）。",
            )
    mapping = {}
    for start, end, glyph in struct.iter_unpack(">III", table[: len(table) - len(table) % 12]):
        for cp in range(start, end + 1):
            mapping[cp] = glyph + cp - start
    return mapping


def _cmap_format4(data: bytes, offset: int) -> dict[int, int]:
    seg_x2 = struct.unpack_from(">H", data, offset + 6)[0]
    segs = seg_x2 // 2
    ends = struct.unpack_from(f">{segs}H", data, offset + 14)
    starts = struct.unpack_from(f">{segs}H", data, offset + 16 + seg_x2)
    deltas = struct.unpack_from(f">{segs}h", data, offset + 16 + 2 * seg_x2)
    range_base = offset + 16 + 3 * seg_x2
    ranges = struct.unpack_from(f">{segs}H", data, range_base)
    mapping = {}
    for i in range(segs):
        for cp in range(starts[i], min(ends[i], 0xFFFE) + 1):
            if ranges[i] == 0:
                glyph = (cp + deltas[i]) & 0xFFFF
            else:
                address = range_base + 2 * i + ranges[i] + 2 * (cp - starts[i])
                glyph = struct.unpack_from(">H", data, address)[0]
                glyph = (glyph + deltas[i]) & 0xFFFF if glyph else 0
            if glyph:
                mapping[cp] = glyph
    return mapping


def _read_metrics(data: bytes, long_count: int, num_glyphs: int) -> _Metrics:
    """hmtx/vmtx: `long_count` (advance, bearing) pairs, then bare bearings up to num_glyphs."""
    long_count = max(1, min(long_count, num_glyphs, len(data) // 4))
    pairs = list(struct.iter_unpack(">Hh", data[: 4 * long_count]))
    extra = min(num_glyphs - long_count, (len(data) - 4 * long_count) // 2)
    tail = struct.unpack_from(f">{extra}h", data, 4 * long_count) if extra > 0 else ()
    return _Metrics(array.array("H", [a for a, _ in pairs]), array.array("h", [b for _, b in pairs] + list(tail)))


def _family_name(font) -> str | None:
    name = font["name"]
    full = name.getDebugName(4) or name.getDebugName(1)
    return str(full) if full else None


def _ideographic_box(font, cmap: dict[int, int], upem: int) -> tuple[float, float]:
    """(bottom, top) of the ideographic em box in font units; see the module docstring."""
    if "BASE" in font:
        box = _base_ideo(font["BASE"].table, upem)
        if box is not None:
            return box
    os2 = font["OS/2"]
    if os2.sTypoAscender - os2.sTypoDescender == upem:
        return float(os2.sTypoDescender), float(os2.sTypoAscender)
    ink = _reference_ink(font, cmap)
    if ink is not None:
        middle = (ink[0] + ink[1]) / 2
        return middle - upem / 2, middle + upem / 2
    return float(os2.sTypoDescender), float(os2.sTypoDescender + upem)


def _base_ideo(base, upem: int) -> tuple[float, float] | None:
    axis = getattr(base, "HorizAxis", None)
    if axis is None or axis.BaseTagList is None:
        return None
    tags = list(axis.BaseTagList.BaselineTag)
    if "ideo" not in tags:
        return None
    records = {rec.BaseScriptTag: rec for rec in axis.BaseScriptList.BaseScriptRecord}
    for script in ("hani", "DFLT", *records):
        rec = records.get(script)
        values = rec.BaseScript.BaseValues if rec is not None else None
        if values is None:
            continue
        coords = [c.Coordinate for c in values.BaseCoord]
        bottom = float(coords[tags.index("ideo")])
        top = float(coords[tags.index("idtp")]) if "idtp" in tags else bottom + upem
        return bottom, top
    return None


_COMPOSITE = object()  # a glyph made of other glyphs: drawn through fontTools' glyph set


def _simple_glyph_bounds(
    font, loca: array.array, glyph: int, lsb: int
) -> tuple[float, float, float, float] | object | None:
    """Outline bounds of one simple glyph, read from its own bytes in 'glyf'.

    fontTools' glyph set would first split the whole 'glyf' table and name every glyph
    (about 0.15 s per CJK font, most of a cold render); this reads one glyph and draws it
    the way the glyph set does (shifted so xMin = the hmtx side bearing), so the bounds
    are the same. _COMPOSITE for a composite glyph.
    """
    from fontTools.pens.boundsPen import BoundsPen
    from fontTools.ttLib.tables._g_l_y_f import Glyph

    start, end = loca[glyph : glyph + 2]
    if end <= start:
        return None  # an empty glyph (a space)
    entry = font.reader.tables["glyf"]
    font.reader.file.seek(entry.offset + start)
    data = font.reader.file.read(end - start)
    if struct.unpack_from(">h", data)[0] < 0:  # numberOfContours
        return _COMPOSITE
    outline = Glyph(data)
    outline.expand(None)
    pen = BoundsPen(None)
    outline.draw(pen, None, lsb - outline.xMin)
    return pen.bounds


def _read_loca(font) -> array.array:
    """'loca' as glyph byte offsets into 'glyf' (numGlyphs + 1 of them)."""
    short = font["head"].indexToLocFormat == 0
    offsets = array.array("H" if short else "I", font.getTableData("loca"))
    if sys.byteorder == "little":
        offsets.byteswap()
    return array.array("I", (2 * offset for offset in offsets)) if short else offsets


def _bounds(glyph_set, glyph_name: str) -> tuple[float, float, float, float] | None:
    from fontTools.pens.boundsPen import BoundsPen

    pen = BoundsPen(glyph_set)
    glyph_set[glyph_name].draw(pen)
    return pen.bounds


def _reference_ink(font, cmap: dict[int, int]) -> tuple[float, float] | None:
    """Vertical ink extent (yMin, yMax) of 中国永, in font units, or None if the font lacks them."""
    loca = _read_loca(font)
    lows, highs = [], []
    for ch in _REFERENCE_IDEOGRAPHS:
        glyph = cmap.get(ord(ch))
        bounds = _simple_glyph_bounds(font, loca, glyph, 0) if glyph is not None else None  # y only: lsb moot
        if bounds is _COMPOSITE:
            bounds = _bounds(font.getGlyphSet(), font.getGlyphName(glyph))
        if bounds is None:
            return None
        lows.append(bounds[1])
        highs.append(bounds[3])
    return min(lows), max(highs)


def _vertical_form_map(font, cmap: dict[int, int]) -> dict[str, str]:
    """char -> vertical presentation form char, via single substitutions of GSUB 'vert'."""
    if "GSUB" not in font:
        return {}
    gsub = font["GSUB"].table
    if gsub.FeatureList is None or gsub.LookupList is None:
        return {}
    indices = sorted(
        {i for rec in gsub.FeatureList.FeatureRecord if rec.FeatureTag == "vert" for i in rec.Feature.LookupListIndex}
    )
    substitution: dict[str, str] = {}
    for index in indices:
        lookup = gsub.LookupList.Lookup[index]
        for sub in lookup.SubTable:
            table = sub.ExtSubTable if lookup.LookupType == 7 else sub
            for src, dst in getattr(table, "mapping", {}).items():
                substitution.setdefault(src, dst)
    order = font.getGlyphOrder()
    presentation: dict[str, int] = {}
    for low, high in VERTICAL_FORM_RANGES:
        for cp in range(low, high + 1):
            if cp in cmap:
                presentation.setdefault(order[cmap[cp]], cp)
    forms = {}
    for cp, glyph in sorted(cmap.items()):
        if _is_vertical_form(cp):
            continue
        target = substitution.get(order[glyph])
        if target is not None and target in presentation:
            forms[chr(cp)] = chr(presentation[target])
    for source, form in _unicode_vertical_pairs():
        if source not in forms and ord(source) in cmap and ord(form) in cmap:
            forms[source] = form
    return forms


@functools.cache
def _unicode_vertical_pairs() -> tuple[tuple[str, str], ...]:
    """(char, vertical form) from Unicode's <vertical> decompositions, for non-ASCII chars only
    (ASCII punctuation in vertical text is rotated Latin, not CJK punctuation), plus U+2015,
    which is what GB 2312's 破折号 (A1AA) decodes to, as a second source of U+FE31."""
    pairs = []
    for low, high in VERTICAL_FORM_RANGES:
        for cp in range(low, high + 1):
            decomposition = unicodedata.decomposition(chr(cp)).split()
            if len(decomposition) == 2 and decomposition[0] == "<vertical>" and int(decomposition[1], 16) >= 0x80:
                pairs.append((chr(int(decomposition[1], 16)), chr(cp)))
    pairs.append(("\u2015", "\uFE31"))
    return tuple(pairs)


def _is_vertical_form(cp: int) -> bool:
    return any(low <= cp <= high for low, high in VERTICAL_FORM_RANGES)


# -- choosing ------------------------------------------------------------------------------


def font_for_role(role: str, weight: int | None = None) -> FontFace:
    """The bundled font of `role` whose weight is nearest `weight` (400 if None; ties go heavier)."""
    if role not in ROLES:
        raise FontError(f"未知的字体类别“{role}”。", hint=f"可用类别：{'、'.join(ROLES)}。")
    candidates = [info for info in _manifest() if info.role == role]
    if not candidates:
        raise FontError(
            f"没有内置的{ROLE_NAMES_ZH[role]}字体。",
            hint="请用字体文件路径指定一款你有授权的 TrueType 字体（如开源的朱雀仿宋）。",
        )
    wanted = 400 if weight is None else weight
    best = min(candidates, key=lambda info: (abs(info.weight - wanted), -info.weight))
    return load_font(best.id)
