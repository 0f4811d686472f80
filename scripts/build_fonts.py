#!/usr/bin/env python3
"""Rebuild fonts/: fetch pinned SIL-OFL fonts from npm and Debian, verify, subset, write the manifest.

Usage:  python scripts/build_fonts.py [--cache DIR] [--out fonts]

Needs `npm` and `apt-get` (run `apt-get update` once) plus fontTools. Every input is
pinned by package version and by the SHA-256 of the file taken from it, so a rebuild
with the same fontTools version gives byte-identical fonts (head.modified is kept from
the source font, never set to "now"). See docs/fonts.md for the repertoire and why.
"""

from __future__ import annotations

import argparse
import bz2
import contextlib
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from fontTools import subset
from fontTools import version as fonttools_version
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Package:
    """A registry package the fonts come from, pinned to one version."""

    kind: str  # "npm" | "deb"
    name: str
    version: str

    @property
    def label(self) -> str:
        return f"npm {self.name}@{self.version}" if self.kind == "npm" else f"Debian {self.name} {self.version}"


NOTO_SANS = Package("npm", "@expo-google-fonts/noto-sans-sc", "0.4.3")
NOTO_SERIF = Package("npm", "@expo-google-fonts/noto-serif-sc", "0.4.3")
WENKAI = Package("deb", "fonts-lxgw-wenkai", "1.250+repack-1")
SMILEY = Package("deb", "fonts-smiley-sans", "1.1.1-1")
UNICODE_DATA = Package("deb", "unicode-data", "15.0.0-1")


@dataclass(frozen=True)
class FontSpec:
    """One bundled font: where its file and licence sit in the package, and what it is."""

    id: str
    package: Package
    member: str  # path of the .ttf inside the unpacked package
    sha256: str  # of that source .ttf: the build refuses anything else
    licence_member: str
    licence_file: str  # name under fonts/licenses/
    out: str
    family: str
    family_zh: str
    style: str
    weight: int
    role: str
    upstream: str
    rename: tuple[tuple[str, str], ...] = ()  # OFL Reserved Font Names must leave a modified font's name


_WENKAI_DIR = "usr/share/fonts/truetype/lxgw-wenkai"
# OFL §3: "霞鹜" and "LXGW" are Reserved Font Names, and a subset is a Modified Version.
_WENKAI_RENAME = (("LXGWWenKai", "QMWenKai"), ("LXGW WenKai", "QM WenKai"), ("霞鹜文楷", "文楷 QM"))

FONTS = (
    FontSpec("noto-sans-sc-black", NOTO_SANS, "package/900Black/NotoSansSC_900Black.ttf",
             "2e4413c405bdf804f26571579b9b2dd8ea4732ea57a3b034f2467cad45a886e0",
             "package/LICENSE_FONT", "NotoSansSC-OFL.txt", "NotoSansSC-Black.ttf",
             "Noto Sans SC", "思源黑体", "Black", 900, "heiti", "Noto Sans SC Black (static TTF, Google Fonts)"),
    FontSpec("noto-sans-sc-bold", NOTO_SANS, "package/700Bold/NotoSansSC_700Bold.ttf",
             "9a38ae0ab28cd5a256f9ea8e00dedc688aac17f7915fcb000572990afa956b96",
             "package/LICENSE_FONT", "NotoSansSC-OFL.txt", "NotoSansSC-Bold.ttf",
             "Noto Sans SC", "思源黑体", "Bold", 700, "heiti", "Noto Sans SC Bold (static TTF, Google Fonts)"),
    FontSpec("noto-sans-sc-regular", NOTO_SANS, "package/400Regular/NotoSansSC_400Regular.ttf",
             "d45f67f0a7c0ca3f256950777ce6a61cc7ce5f9696d02900cbbaac25f8aa7d16",
             "package/LICENSE_FONT", "NotoSansSC-OFL.txt", "NotoSansSC-Regular.ttf",
             "Noto Sans SC", "思源黑体", "Regular", 400, "heiti", "Noto Sans SC Regular (static TTF, Google Fonts)"),
    FontSpec("noto-serif-sc-black", NOTO_SERIF, "package/900Black/NotoSerifSC_900Black.ttf",
             "092e71a70c744be3cc33999eb4edcb10fbe95c1b4cff6c2d7f04d6ff15d031e2",
             "package/LICENSE_FONT", "NotoSerifSC-OFL.txt", "NotoSerifSC-Black.ttf",
             "Noto Serif SC", "思源宋体", "Black", 900, "songti", "Noto Serif SC Black (static TTF, Google Fonts)"),
    FontSpec("noto-serif-sc-bold", NOTO_SERIF, "package/700Bold/NotoSerifSC_700Bold.ttf",
             "9c6a2ba736e4b499c84f65ce366bd3625c0401885fd3e585ace50fb738b96ff6",
             "package/LICENSE_FONT", "NotoSerifSC-OFL.txt", "NotoSerifSC-Bold.ttf",
             "Noto Serif SC", "思源宋体", "Bold", 700, "songti", "Noto Serif SC Bold (static TTF, Google Fonts)"),
    FontSpec("lxgw-wenkai", WENKAI, f"{_WENKAI_DIR}/LXGWWenKai-Regular.ttf",
             "bbf534b0ca093928f94d1782855e65a19a32cde82b075d495d072025521953c8",
             "usr/share/doc/fonts-lxgw-wenkai/copyright", "LXGWWenKai-OFL.txt", "QMWenKai-Regular.ttf",
             "QM WenKai", "文楷 QM", "Regular", 400, "kaiti", "LXGW WenKai 霞鹜文楷 Regular 1.250", _WENKAI_RENAME),
    FontSpec("lxgw-wenkai-bold", WENKAI, f"{_WENKAI_DIR}/LXGWWenKai-Bold.ttf",
             "2a24551c5c4fb42507aafa4773b08a5ea55d538a8d449032663ec9e3027a707e",
             "usr/share/doc/fonts-lxgw-wenkai/copyright", "LXGWWenKai-OFL.txt", "QMWenKai-Bold.ttf",
             "QM WenKai", "文楷 QM", "Bold", 700, "kaiti", "LXGW WenKai 霞鹜文楷 Bold 1.250", _WENKAI_RENAME),
    FontSpec("smiley-sans", SMILEY, "usr/share/fonts/truetype/smiley-sans/SmileySans-Oblique.ttf",
             "c2f62ff764f23bfa7ecc9dc934e710a5c2e727f763f1d4a663a0679b2aa2e14f",
             "usr/share/doc/fonts-smiley-sans/copyright", "SmileySans-OFL.txt", "SmileySans-Oblique.ttf",
             "Smiley Sans", "得意黑", "Oblique", 400, "display", "Smiley Sans Oblique 得意黑 1.1.1"),
)

UNIHAN_MEMBER = "usr/share/unicode/Unihan_OtherMappings.txt.bz2"
UNIHAN_SHA256 = "bdeef44d75d914e793b7f27ddc3bee01b2d11dd34f4e52de1a9fba74a1612dc2"
UNICODE_LICENCE_MEMBER = "usr/share/doc/unicode-data/copyright"

# Non-hanzi ranges kept in every font (a font keeps those of them it has).
EXTRA_RANGES = (
    (0x0020, 0x007E, "ASCII"),
    (0x00A0, 0x00FF, "Latin-1 Supplement (punctuation ·、×÷ and letters)"),
    (0x2000, 0x206F, "General Punctuation (— … “ ” ‘ ’ ‰ ※)"),
    (0x2100, 0x214F, "Letterlike Symbols (℃ № ™)"),
    (0x2460, 0x2473, "Circled numbers ①–⑳"),
    (0x3000, 0x303F, "CJK Symbols and Punctuation (、。〇《》「」【】〔〕)"),
    (0xFE10, 0xFE19, "Vertical Forms"),
    (0xFE30, 0xFE4F, "CJK Compatibility Forms (vertical brackets)"),
    (0xFF00, 0xFFEF, "Halfwidth and Fullwidth Forms"),
)

LAYOUT_FEATURES = ["vert", "vrt2", "vkrn", "vpal", "kern", "palt", "halt", "vhal", "fwid", "hwid", "pwid", "ccmp"]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- fetching ------------------------------------------------------------------------------


def fetch(package: Package, cache: Path) -> Path:
    """Download and unpack `package` into cache/<name>-<version>/ (reused when present)."""
    target = cache / f"{package.name.replace('/', '_').lstrip('@')}-{package.version}"
    if (target / ".complete").exists():
        return target
    if target.exists():
        shutil.rmtree(target)
    download = cache / "download"
    download.mkdir(parents=True, exist_ok=True)
    target.mkdir(parents=True)
    if package.kind == "npm":
        archive = _npm_pack(package, download)
        with tarfile.open(archive) as tar:
            tar.extractall(target, filter="data")
    else:
        archive = _apt_download(package, download)
        subprocess.run(["dpkg-deb", "-x", str(archive), str(target)], check=True)
    (target / ".complete").write_text(package.label + "\n")
    return target


def _npm_pack(package: Package, download: Path) -> Path:
    log(f"npm pack {package.name}@{package.version}")
    result = subprocess.run(
        ["npm", "pack", f"{package.name}@{package.version}", "--pack-destination", str(download), "--json"],
        check=True, capture_output=True, text=True,
    )
    name = json.loads(result.stdout)[0]["filename"]
    return download / name.replace("@", "").replace("/", "-")


def _apt_download(package: Package, download: Path) -> Path:
    log(f"apt-get download {package.name}={package.version}")
    subprocess.run(
        ["apt-get", "download", "-o", "APT::Sandbox::User=root", f"{package.name}={package.version}"],
        check=True, cwd=download,
    )
    version = package.version.replace(":", "%3a")
    matches = sorted(download.glob(f"{package.name}_{version}_*.deb"))
    if not matches:
        raise SystemExit(f"apt-get download gave no .deb for {package.label}")
    return matches[0]


# -- repertoire ----------------------------------------------------------------------------


def gb2312_chars() -> set[int]:
    """Every character of GB 2312 (rows 1–87), via Python's gb2312 codec."""
    chars = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(ord(bytes((high, low)).decode("gb2312")))
    return chars


def tgh_chars(unicode_data: Path) -> list[tuple[int, int]]:
    """(index, code point) of the 8105 characters of 通用规范汉字表 (2013), from Unihan kTGH."""
    path = unicode_data / UNIHAN_MEMBER
    if sha256_bytes(path.read_bytes()) != UNIHAN_SHA256:
        raise SystemExit(f"{path}: SHA-256 differs from the pinned one")
    rows = []
    with bz2.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 3 and parts[1] == "kTGH":
                index = int(parts[2].split(":")[1])
                rows.append((index, int(parts[0][2:], 16)))
    rows.sort()
    if len(rows) != 8105 or [i for i, _ in rows] != list(range(1, 8106)):
        raise SystemExit(f"expected 8105 kTGH entries numbered 1..8105, got {len(rows)}")
    return rows


def repertoire(tgh: list[tuple[int, int]]) -> list[int]:
    chars = gb2312_chars() | {cp for _, cp in tgh}
    for low, high, _ in EXTRA_RANGES:
        chars.update(range(low, high + 1))
    return sorted(chars)


# -- subsetting ----------------------------------------------------------------------------


def subset_options() -> subset.Options:
    options = subset.Options()
    options.layout_features = list(LAYOUT_FEATURES)
    options.name_IDs = ["*"]  # keep copyright, licence and trademark records
    options.name_languages = ["*"]
    options.name_legacy = True
    options.hinting = False  # smaller; renders the same in Pillow and in PDF
    options.recalc_timestamp = False  # keep head.modified: deterministic output
    options.glyph_names = False
    options.notdef_outline = True
    options.drop_tables = [*options.drop_tables, "DSIG"]
    return options


def build_font(spec: FontSpec, source: Path, unicodes: list[int]) -> bytes:
    """Subset one verified source font; return the new file's bytes."""
    font = TTFont(str(source), recalcTimestamp=False)
    subsetter = subset.Subsetter(subset_options())
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    for old, new in spec.rename:
        _rename(font, old, new)
    with tempfile.TemporaryFile() as handle:
        font.save(handle, reorderTables=True)
        handle.seek(0)
        return handle.read()


def _rename(font: TTFont, old: str, new: str) -> None:
    """Replace a Reserved Font Name in the naming records that present the font's name."""
    for record in font["name"].names:
        if record.nameID in (1, 3, 4, 6, 16, 18, 21):
            text = record.toUnicode()
            if old in text:
                record.string = text.replace(old, new)


def verify_source(spec: FontSpec, path: Path) -> None:
    digest = sha256_bytes(path.read_bytes())
    if digest != spec.sha256:
        raise SystemExit(f"{spec.id}: {path} has SHA-256 {digest}, pinned {spec.sha256}")
    font = TTFont(str(path), lazy=True)
    if "glyf" not in font:
        raise SystemExit(f"{spec.id}: {path} has no TrueType outlines (glyf)")


def verify_licence(spec: FontSpec, text: str) -> None:
    if "SIL OPEN FONT LICENSE" not in text.upper():
        raise SystemExit(f"{spec.id}: licence file {spec.licence_member} is not the SIL OFL")


def coverage(data: bytes, gb2312: set[int], tgh: set[int]) -> dict[str, int]:
    font = TTFont(io.BytesIO(data), lazy=True)
    cmap = font.getBestCmap()
    hanzi = {cp for cp in cmap if _is_hanzi(cp)}
    gb_hanzi = {cp for cp in gb2312 if _is_hanzi(cp)}
    vert = any(rec.FeatureTag == "vert" for rec in font["GSUB"].table.FeatureList.FeatureRecord)
    if not vert or "vmtx" not in font:
        raise SystemExit("subset lost GSUB 'vert' or vmtx")
    return {
        "glyphs": font["maxp"].numGlyphs,
        "chars": len(cmap),
        "hanzi": len(hanzi),
        "gb2312": len(gb2312 & set(cmap)),
        "gb2312_hanzi": len(gb_hanzi & hanzi),
        "tgh8105": len(tgh & set(cmap)),
    }


def _is_hanzi(cp: int) -> bool:
    return 0x3400 <= cp <= 0x4DBF or 0x4E00 <= cp <= 0x9FFF or 0x20000 <= cp <= 0x3FFFF


# -- writing -------------------------------------------------------------------------------


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def toml_value(value: object) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def manifest_text(rows: list[dict[str, object]], repertoire_size: int) -> str:
    lines = [
        "# Bundled fonts. Generated by scripts/build_fonts.py — do not edit by hand; rebuild instead.",
        "# All SIL Open Font License 1.1; subset to GB 2312 + 通用规范汉字表 (8105) + punctuation,",
        "# the LED dot-matrix font (GNU Unifont) by scripts/build_dot_font.py from the same repertoire;",
        f"# {repertoire_size} code points requested (each font keeps those it has). See docs/fonts.md.",
        f"# Built with fontTools {fonttools_version}.",
        "",
    ]
    for row in rows:
        lines.append("[[font]]")
        lines.extend(f"{key} = {toml_value(value)}" for key, value in row.items())
        lines.append("")
    return "\n".join(lines)


def tgh_text(tgh: list[tuple[int, int]]) -> str:
    header = (
        "# 通用规范汉字表 (2013): the 8105 characters, one per line as INDEX<TAB>CHAR<TAB>U+XXXX.\n"
        "# Extracted by scripts/build_fonts.py from the kTGH field of Unihan_OtherMappings.txt\n"
        f"# (Debian {UNICODE_DATA.name} {UNICODE_DATA.version}); Unicode data licence: licenses/Unicode-data.txt.\n"
        "# Modified from the original: only the kTGH field is kept.\n"
    )
    return header + "".join(f"{index}\t{chr(cp)}\tU+{cp:04X}\n" for index, cp in tgh)


def build(out: Path, cache: Path) -> None:
    unicode_data = fetch(UNICODE_DATA, cache)
    tgh = tgh_chars(unicode_data)
    unicodes = repertoire(tgh)
    gb2312, tgh_set = gb2312_chars(), {cp for _, cp in tgh}
    log(f"repertoire: {len(unicodes)} code points")
    rows, keep = [], {"fonts.toml", "README.md", "licenses", "tgh8105.txt"}
    for spec in FONTS:
        root = fetch(spec.package, cache)
        source = root / spec.member
        verify_source(spec, source)
        licence = (root / spec.licence_member).read_text(encoding="utf-8")
        verify_licence(spec, licence)
        log(f"subsetting {spec.id}")
        data = build_font(spec, source, unicodes)
        write_atomic(out / spec.out, data)
        write_atomic(out / "licenses" / spec.licence_file, licence.encode("utf-8"))
        keep.add(spec.out)
        rows.append(manifest_row(spec, data, coverage(data, gb2312, tgh_set)))
        log(f"  {spec.out}: {len(data) / 1e6:.2f} MB")
    import build_dot_font  # the LED dot-matrix font is made, not subset: its own script

    rows.append(build_dot_font.build(out, cache, unicodes, gb2312, tgh_set))
    keep.add(build_dot_font.OUT)
    licence = (unicode_data / UNICODE_LICENCE_MEMBER).read_bytes()
    write_atomic(out / "licenses" / "Unicode-data.txt", licence)
    write_atomic(out / "tgh8105.txt", tgh_text(tgh).encode("utf-8"))
    write_atomic(out / "fonts.toml", manifest_text(rows, len(unicodes)).encode("utf-8"))
    for stale in out.glob("*.ttf"):
        if stale.name not in keep:
            log(f"removing stale {stale.name}")
            stale.unlink()
    total = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    log(f"fonts/ total {total / 1e6:.2f} MB")


def manifest_row(spec: FontSpec, data: bytes, counts: dict[str, int]) -> dict[str, object]:
    return {
        "id": spec.id,
        "family": spec.family,
        "family_zh": spec.family_zh,
        "style": spec.style,
        "weight": spec.weight,
        "role": spec.role,
        "file": spec.out,
        "licence": "OFL-1.1",
        "licence_file": f"licenses/{spec.licence_file}",
        "source": f"{spec.package.label}: {spec.member}",
        "upstream": spec.upstream,
        "sha256": sha256_bytes(data),
        "size": len(data),
        **counts,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "fonts", help="output folder (default: fonts/)")
    parser.add_argument("--cache", type=Path, help="keep downloads here between runs (default: a temp dir)")
    args = parser.parse_args(argv)
    if args.cache:
        args.cache.mkdir(parents=True, exist_ok=True)
        build(args.out, args.cache)
    else:
        with tempfile.TemporaryDirectory(prefix="qmposter-fonts-") as tmp:
            build(args.out, Path(tmp))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
