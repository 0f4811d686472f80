#!/usr/bin/env python3
"""Build fonts/QMUnifontDots.ttf: GNU Unifont's 16×16 dot matrix as square TrueType outlines.

Usage:  python scripts/build_dot_font.py [--cache DIR] [--out fonts]

LED controllers are fed dot-matrix type. GNU Unifont is such a font (every glyph a 16-dot-high
bitmap, 8 or 16 dots wide) and is dual-licensed under the SIL OFL 1.1 and the GPL 2+ with the
font embedding exception (its own name table says so). The bitmap source, unifont.hex from the
pinned Debian `unifont` package, becomes a TrueType font whose every dot is a square of 64 units
on a 1024-unit em: set at 16 px (or 32 px) with FreeType's monochrome rasteriser, each dot lands
on exactly one pixel (or a 2×2 block), so the LED bitmaps are Unifont's own pixels, and the PDF,
SVG and layout code need nothing special. Same repertoire as the other bundled fonts (GB 2312 +
通用规范汉字表 + punctuation); a GSUB 'vert' feature and vertical metrics are added so vertical
text works as with the others. Run alone, it rewrites its own [[font]] entry in fonts/fonts.toml;
scripts/build_fonts.py calls it too when it rebuilds everything.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import tomllib
import unicodedata
from pathlib import Path

from fontTools.feaLib.builder import addOpenTypeFeaturesFromString
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen

sys.path.insert(0, str(Path(__file__).resolve().parent))
import build_fonts as bf  # a sibling script, not a package

UNIFONT = bf.Package("deb", "unifont", "1:15.0.01-2")
HEX_MEMBER = "usr/share/unifont/unifont.hex"
HEX_SHA256 = "fe93c0df9a69e71df0fcf9e71af3adab3c85a393b1a3cae1eb32f69880fc1841"
OUT = "QMUnifontDots.ttf"
LICENCE_FILE = "Unifont-OFL.txt"
FONT_ID = "unifont-dots"

UPM = 1024
DOTS = 16  # rows per glyph
DOT = UPM // DOTS  # 64 units: one pixel at 16 px, a 2×2 block at 32 px
ASCENT_DOTS = 14  # Unifont's baseline sits under row 13 (2 rows of descent)
ASCENDER, DESCENDER = ASCENT_DOTS * DOT, (ASCENT_DOTS - DOTS) * DOT
FAMILY = "QM Unifont Dots"
VERSION = "Version 15.0.01; QM dot outlines 1"
# Unifont 15.0.01's own copyright and licence records (name IDs 0 and 13 of its unifont.otf).
COPYRIGHT = (
    "Copyright © 1998-2022 Roman Czyborra, Paul Hardy, Qianqian Fang, Andrew Miller, Johnnie Weaver, "
    "David Corbett, Nils Moskopp, Rebecca Bettencourt, et al."
)
LICENCE_RECORD = (
    "Dual license: SIL Open Font License version 1.1, and GNU GPL version 2 or later with the GNU Font "
    "Embedding Exception. This font is used under the SIL Open Font License 1.1."
)


def read_hex(path: Path) -> dict[int, bytes]:
    """unifont.hex: "XXXX:HEX" per line, 32 hex digits for an 8×16 glyph, 64 for 16×16."""
    data = path.read_bytes()
    if bf.sha256_bytes(data) != HEX_SHA256:
        raise SystemExit(f"{path}: SHA-256 differs from the pinned one")
    glyphs = {}
    for line in data.decode("ascii").splitlines():
        code, bits = line.split(":")
        glyphs[int(code, 16)] = bytes.fromhex(bits)
    return glyphs


def dot_rows(bits: bytes) -> tuple[int, list[int]]:
    """(width in dots, one int per row with bit `width-1-x` set for a lit dot at column x)."""
    width = len(bits) * 8 // DOTS
    per_row = width // 8
    return width, [int.from_bytes(bits[r * per_row : (r + 1) * per_row], "big") for r in range(DOTS)]


def rectangles(width: int, rows: list[int]) -> list[tuple[int, int, int, int]]:
    """The lit dots as (column, row, width, height) rectangles: runs per row, stacked when equal."""
    runs: dict[tuple[int, int], tuple[int, int]] = {}  # (x, w) -> (top row, height) while open
    done: list[tuple[int, int, int, int]] = []
    for r, row in enumerate([*rows, 0]):
        current = set(_runs(width, row))
        for key in list(runs):
            if key not in current:
                top, height = runs.pop(key)
                done.append((key[0], top, key[1], height))
        for key in current:
            top, height = runs.get(key, (r, 0))
            runs[key] = (top, height + 1)
    return sorted(done, key=lambda rect: (rect[1], rect[0]))


def _runs(width: int, row: int) -> list[tuple[int, int]]:
    out, x = [], 0
    while x < width:
        if row >> (width - 1 - x) & 1:
            start = x
            while x < width and row >> (width - 1 - x) & 1:
                x += 1
            out.append((start, x - start))
        else:
            x += 1
    return out


def glyph_outline(width: int, rows: list[int]):
    """A TrueType glyph whose contours are the dot rectangles (clockwise, y up)."""
    pen = TTGlyphPen(None)
    for x, r, w, h in rectangles(width, rows):
        left, right = x * DOT, (x + w) * DOT
        top, bottom = (ASCENT_DOTS - r) * DOT, (ASCENT_DOTS - r - h) * DOT
        pen.moveTo((left, bottom))
        pen.lineTo((left, top))
        pen.lineTo((right, top))
        pen.lineTo((right, bottom))
        pen.closePath()
    return pen.glyph()


def vertical_pairs(cmap: set[int]) -> list[tuple[int, int]]:
    """(horizontal, vertical form) pairs from Unicode's <vertical> decompositions, both in the font."""
    pairs: dict[int, int] = {}
    for form in [*range(0xFE10, 0xFE1A), *range(0xFE30, 0xFE50)]:
        decomposition = unicodedata.decomposition(chr(form))
        if form in cmap and decomposition.startswith("<vertical>"):
            base = int(decomposition.split()[1], 16)
            if 0x21 <= base <= 0x7E:  # ASCII ( , : stay rotated Latin; their full-width forms turn
                base += 0xFEE0
            if base in cmap:
                pairs.setdefault(base, form)
    return sorted(pairs.items())


def build_font(glyphs: dict[int, bytes], unicodes: list[int]) -> bytes:
    codes = [cp for cp in unicodes if cp in glyphs]
    names = [".notdef", *(f"uni{cp:04X}" if cp <= 0xFFFF else f"u{cp:05X}" for cp in codes)]
    fb = FontBuilder(UPM, isTTF=True)
    fb.setupGlyphOrder(names)
    fb.setupCharacterMap(dict(zip(codes, names[1:], strict=True)))
    outlines, metrics, vmetrics = {".notdef": TTGlyphPen(None).glyph()}, {".notdef": (UPM // 2, 0)}, {}
    vmetrics[".notdef"] = (UPM, 0)
    for cp, name in zip(codes, names[1:], strict=True):
        width, rows = dot_rows(glyphs[cp])
        glyph = outlines[name] = glyph_outline(width, rows)
        glyph.recalcBounds(None)
        lsb = glyph.xMin if glyph.numberOfContours else 0
        metrics[name] = (width * DOT, lsb)
        tsb = ASCENDER - glyph.yMax if glyph.numberOfContours else 0
        vmetrics[name] = (UPM, tsb)
    fb.setupGlyf(outlines)
    fb.setupHorizontalMetrics(metrics)
    fb.setupHorizontalHeader(ascent=ASCENDER, descent=DESCENDER, lineGap=0)
    fb.setupVerticalMetrics(vmetrics)
    fb.setupVerticalHeader(ascent=UPM // 2, descent=-UPM // 2)
    fb.setupNameTable(
        {
            "copyright": COPYRIGHT,
            "familyName": FAMILY,
            "styleName": "Regular",
            "uniqueFontIdentifier": f"{FAMILY} Regular; 15.0.01",
            "fullName": f"{FAMILY} Regular",
            "psName": "QMUnifontDots-Regular",
            "version": VERSION,
            "licenseDescription": LICENCE_RECORD,
            "licenseInfoURL": "https://openfontlicense.org",
            "description": "GNU Unifont 15.0.01 16×16 dot matrix, each dot a square outline (by qmposter)",
        }
    )
    fb.setupOS2(
        sTypoAscender=ASCENDER, sTypoDescender=DESCENDER, sTypoLineGap=0, usWinAscent=ASCENDER,
        usWinDescent=-DESCENDER, fsType=0, achVendID="QMPT", usWeightClass=400,
    )  # fmt: skip
    fb.setupPost(keepGlyphNames=False)
    fb.font["fpgm"], fb.font["prep"] = _no_op_program("fpgm"), _no_op_program("prep")
    fb.setupHead(unitsPerEm=UPM, created=_UNIFONT_DATE, modified=_UNIFONT_DATE)
    pairs = vertical_pairs(set(codes))
    by_cp = dict(zip(codes, names[1:], strict=True))
    subs = "\n".join(f"  sub {by_cp[h]} by {by_cp[v]};" for h, v in pairs)
    features = f"languagesystem DFLT dflt;\nlanguagesystem hani dflt;\nfeature vert {{\n{subs}\n}} vert;\n"
    addOpenTypeFeaturesFromString(fb.font, features)
    with tempfile.TemporaryFile() as handle:
        fb.font.save(handle, reorderTables=True)
        handle.seek(0)
        return handle.read()


def _no_op_program(tag: str):
    """A one-instruction font or control-value program. FreeType auto-hints a TrueType font
    without hinting programs, which snaps bars to its blue zones and moves dots off the grid
    (自 grew a half-lit row over every bar); with them it runs the native interpreter, which
    here has nothing to do, and draws the outlines where they are: every dot on its pixel."""
    from fontTools.ttLib import newTable
    from fontTools.ttLib.tables import ttProgram

    table = newTable(tag)
    table.program = ttProgram.Program()
    table.program.fromAssembly(["SVTCA[0]"])
    return table


_UNIFONT_DATE = 3_750_000_000  # fixed head.created/modified (2022-10, Unifont 15.0.01): deterministic bytes


def licence_text(ofl_source: Path) -> str:
    """Unifont's copyright and dual-licence statement, then the OFL 1.1 text (from a bundled OFL file)."""
    text = ofl_source.read_text(encoding="utf-8")
    start = text.index("SIL OPEN FONT LICENSE Version 1.1")
    return (
        "GNU Unifont 15.0.01 (Debian package unifont 1:15.0.01-2), converted to outlines by qmposter\n"
        "(scripts/build_dot_font.py) as \"QM Unifont Dots\".\n\n"
        f"{COPYRIGHT}\n\n{LICENCE_RECORD}\n"
        "(Statement from name records 0 and 13 of unifont.otf 15.0.01; the Debian copyright file\n"
        "still lists GPL-2+ only.) The OFL 1.1 text follows.\n\n"
        "-----------------------------------------------------------\n" + text[start:]
    )


def manifest_row(data: bytes, gb2312: set[int], tgh: set[int]) -> dict[str, object]:
    counts = bf.coverage(data, gb2312, tgh)
    return {
        "id": FONT_ID,
        "family": FAMILY,
        "family_zh": "Unifont 点阵",
        "style": "16×16",
        "weight": 400,
        "role": "dotmatrix",
        "file": OUT,
        "licence": "OFL-1.1",
        "licence_file": f"licenses/{LICENCE_FILE}",
        "source": f"{UNIFONT.label}: {HEX_MEMBER}",
        "upstream": "GNU Unifont 15.0.01 (16×16 dot matrix, unifont.hex)",
        "sha256": bf.sha256_bytes(data),
        "size": len(data),
        **counts,
    }


def build(out: Path, cache: Path, unicodes: list[int], gb2312: set[int], tgh: set[int]) -> dict[str, object]:
    """Write the font and its licence into `out`; return its fonts.toml row."""
    root = bf.fetch(UNIFONT, cache)
    glyphs = read_hex(root / HEX_MEMBER)
    data = build_font(glyphs, unicodes)
    bf.write_atomic(out / OUT, data)
    bf.write_atomic(out / "licenses" / LICENCE_FILE, licence_text(out / "licenses" / "NotoSansSC-OFL.txt").encode())
    bf.log(f"  {OUT}: {len(data) / 1e6:.2f} MB")
    return manifest_row(data, gb2312, tgh)


def replace_row(manifest: str, row: dict[str, object]) -> str:
    """fonts.toml with this font's [[font]] block replaced (or appended), the others untouched."""
    blocks = re.split(r"(?m)^(?=\[\[font\]\])", manifest)
    kept = [b for b in blocks if not (b.startswith("[[font]]") and tomllib.loads(b)["font"][0]["id"] == FONT_ID)]
    body = "[[font]]\n" + "".join(f"{k} = {bf.toml_value(v)}\n" for k, v in row.items()) + "\n"
    return "".join(kept).rstrip("\n") + "\n\n" + body


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=bf.ROOT / "fonts", help="output folder (default: fonts/)")
    parser.add_argument("--cache", type=Path, help="keep downloads here between runs (default: a temp dir)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="qmposter-dots-") as tmp:
        cache = args.cache or Path(tmp)
        cache.mkdir(parents=True, exist_ok=True)
        tgh = bf.tgh_chars(bf.fetch(bf.UNICODE_DATA, cache))
        unicodes = bf.repertoire(tgh)
        row = build(args.out, cache, unicodes, bf.gb2312_chars(), {cp for _, cp in tgh})
    manifest = args.out / "fonts.toml"
    bf.write_atomic(manifest, replace_row(manifest.read_text(encoding="utf-8"), row).encode("utf-8"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
