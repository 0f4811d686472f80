"""Bundled fonts: files match the manifest, coverage, vertical forms, metrics, user fonts."""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.t2CharStringPen import T2CharStringPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont

from qmposter.cli import cli
from qmposter.errors import FontError, MissingGlyphsError
from qmposter.fonts import bundled_fonts, font_for_role, fonts_dir, load_font, verify_bundled

FONTS = bundled_fonts()
IDS = [info.id for info in FONTS]
TEXT_FONTS = [info.id for info in FONTS if info.role in ("heiti", "songti", "kaiti")]
OUTLINE_FONTS = [info.id for info in FONTS if info.role != "dotmatrix"]  # the LED font: tests/test_led.py

# Unicode's vertical presentation forms (U+FE10–FE19, U+FE30–FE4F), checked by name in the code charts.
VERTICAL = {
    "，": "\uFE10",  # PRESENTATION FORM FOR VERTICAL COMMA
    "、": "\uFE11",  # ... VERTICAL IDEOGRAPHIC COMMA
    "。": "\uFE12",  # ... VERTICAL IDEOGRAPHIC FULL STOP
    "：": "\uFE13",  # ... VERTICAL COLON
    "；": "\uFE14",  # ... VERTICAL SEMICOLON
    "！": "\uFE15",  # ... VERTICAL EXCLAMATION MARK
    "？": "\uFE16",  # ... VERTICAL QUESTION MARK
    "（": "\uFE35",  # ... VERTICAL LEFT PARENTHESIS
    "）": "\uFE36",  # ... VERTICAL RIGHT PARENTHESIS
    "《": "\uFE3D",  # ... VERTICAL LEFT DOUBLE ANGLE BRACKET
    "》": "\uFE3E",  # ... VERTICAL RIGHT DOUBLE ANGLE BRACKET
    "「": "\uFE41",  # ... VERTICAL LEFT CORNER BRACKET
    "」": "\uFE42",  # ... VERTICAL RIGHT CORNER BRACKET
}
# 得意黑 1.1.1 has no 'vert' substitution for full-width ：；！？ (checked in the source font).
SMILEY_VERTICAL = set(VERTICAL) - set("：；！？")


def gb2312_hanzi() -> list[str]:
    """GB 2312 levels 1 and 2: rows 16–87 (bytes B0–F7), via Python's codec."""
    chars = []
    for high in range(0xB0, 0xF8):
        for low in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                chars.append(bytes((high, low)).decode("gb2312"))
    return chars


def tgh_chars() -> list[str]:
    rows = [line.split("\t") for line in (fonts_dir() / "tgh8105.txt").read_text("utf-8").splitlines()
            if not line.startswith("#")]
    assert [int(row[0]) for row in rows] == list(range(1, 8106))
    assert all(row[2] == f"U+{ord(row[1]):04X}" for row in rows)
    return [row[1] for row in rows]


# -- files and manifest ----------------------------------------------------------------------


def test_manifest_lists_the_required_faces() -> None:
    by_role = {(info.role, info.weight) for info in FONTS}
    assert {("heiti", 900), ("heiti", 400), ("songti", 700), ("kaiti", 400)} <= by_role
    assert len(set(IDS)) == len(IDS)
    assert all(info.licence == "OFL-1.1" for info in FONTS)


def test_files_match_manifest_sha256() -> None:
    assert verify_bundled() == []
    for info in FONTS:
        data = (fonts_dir() / info.file).read_bytes()
        assert hashlib.sha256(data).hexdigest() == info.sha256
        assert len(data) == info.size


def test_every_ttf_in_fonts_is_in_the_manifest() -> None:
    assert sorted(p.name for p in fonts_dir().glob("*.ttf")) == sorted(info.file for info in FONTS)


def test_total_size_within_budget() -> None:
    total = sum(p.stat().st_size for p in fonts_dir().rglob("*") if p.is_file())
    assert total <= 40 * 1024 * 1024


def test_each_font_has_its_ofl_licence_text() -> None:
    for info in FONTS:
        text = (fonts_dir() / info.licence_file).read_text("utf-8")
        assert "SIL OPEN FONT LICENSE" in text.upper()
        assert "Version 1.1" in text


def test_subsets_keep_licence_and_copyright_names() -> None:
    for info in FONTS:
        name = TTFont(fonts_dir() / info.file, lazy=True)["name"]
        assert name.getDebugName(0), info.id  # copyright
        assert "Open Font License" in (name.getDebugName(13) or ""), info.id


def test_wenkai_subset_does_not_use_the_reserved_font_names() -> None:
    """霞鹜 and LXGW are OFL Reserved Font Names; a subset is a Modified Version."""
    for info in FONTS:
        if info.role != "kaiti":
            continue
        name = TTFont(fonts_dir() / info.file, lazy=True)["name"]
        for record in name.names:
            if record.nameID in (1, 3, 4, 6, 16):
                text = record.toUnicode()
                assert "LXGW" not in text and "霞鹜" not in text, text


@pytest.mark.parametrize("font_id", IDS)
def test_font_is_truetype_and_reportlab_registers_it(font_id: str) -> None:
    from reportlab.pdfbase.ttfonts import TTFont as ReportlabFont

    path = load_font(font_id).path
    font = TTFont(path, lazy=True)
    assert "glyf" in font and "CFF " not in font
    registered = ReportlabFont(f"test-{font_id}", str(path))
    # 1000 for the outline fonts; 1024 for the dot-matrix font (a dot is 64 units)
    assert registered.face.unitsPerEm == font["head"].unitsPerEm in (1000, 1024)


# -- coverage -------------------------------------------------------------------------------


@pytest.mark.parametrize("font_id", TEXT_FONTS)
def test_all_gb2312_hanzi_present(font_id: str) -> None:
    hanzi = gb2312_hanzi()
    assert len(hanzi) == 6763
    assert load_font(font_id).missing("".join(hanzi)) == []


@pytest.mark.parametrize("font_id", TEXT_FONTS)
def test_all_8105_tongyong_guifan_hanzi_present(font_id: str) -> None:
    assert load_font(font_id).missing("".join(tgh_chars())) == []


def test_display_font_coverage_is_recorded_honestly() -> None:
    for info in FONTS:
        face = load_font(info.id)
        assert info.chars == face.char_count
        assert info.tgh8105 == 8105 - len(face.missing("".join(tgh_chars())))


@pytest.mark.parametrize("font_id", IDS)
def test_punctuation_and_symbols_present(font_id: str) -> None:
    face = load_font(font_id)
    required = "，。、：；！？（）《》「」『』【】—…“”‘’·0123456789ABCXYZabcxyz%-/."
    if face.info is not None and face.info.role != "display":
        required += "〇①②⑳〔〕～　"  # 得意黑 has no 〇
    assert face.missing(required) == []


def test_missing_is_distinct_ordered_and_ignores_whitespace() -> None:
    face = load_font("noto-sans-sc-regular")
    assert face.missing("中\U00020000 文\n\U00020001\U00020000\u3000") == ["\U00020000", "\U00020001"]
    assert face.has("中") and not face.has("\U00020000") and not face.has("中文")


# -- vertical text --------------------------------------------------------------------------


@pytest.mark.parametrize("font_id", IDS)
def test_vert_feature_and_vertical_metrics_retained(font_id: str) -> None:
    font = TTFont(load_font(font_id).path, lazy=True)
    features = {rec.FeatureTag for rec in font["GSUB"].table.FeatureList.FeatureRecord}
    assert "vert" in features
    assert "vhea" in font and "vmtx" in font


@pytest.mark.parametrize("font_id", IDS)
def test_vertical_forms_of_punctuation(font_id: str) -> None:
    face = load_font(font_id)
    expected = SMILEY_VERTICAL if face.info is not None and face.info.role == "display" else set(VERTICAL)
    for ch in expected:
        assert face.vertical_form(ch) == VERTICAL[ch], (font_id, ch)
        assert face.has(VERTICAL[ch])
    assert face.vertical_form("中") is None
    assert face.vertical_form("\U00020000") is None


@pytest.mark.parametrize("font_id", TEXT_FONTS)
def test_dash_and_ellipsis_have_vertical_forms(font_id: str) -> None:
    face = load_font(font_id)
    assert face.vertical_form("…") == "\uFE19"  # PRESENTATION FORM FOR VERTICAL HORIZONTAL ELLIPSIS
    assert face.vertical_form("—") == "\uFE31"  # ... VERTICAL EM DASH (Unicode <vertical> pair; no 'vert' entry)
    assert face.vertical_form("\u2015") == "\uFE31"  # GB 2312's 破折号 decodes to U+2015
    assert face.vertical_form("(") is None  # ASCII stays rotated Latin


def test_vertical_comma_sits_top_right() -> None:
    """Horizontal ， sits bottom-left of the em box; its vertical form top-right."""
    face = load_font("noto-sans-sc-black")
    x0, _, _, y1 = face.ink_bounds("，")
    vx0, vy0, _, _ = face.ink_bounds(face.vertical_form("，") or "")
    assert x0 < 0.5 and y1 < 0.4
    assert vx0 > 0.5 and vy0 > 0.4


# -- metrics --------------------------------------------------------------------------------


@pytest.mark.parametrize("font_id", OUTLINE_FONTS)
def test_metrics_are_sane(font_id: str) -> None:
    face = load_font(font_id)
    assert face.units_per_em == 1000
    assert face.ascender > 0 > face.descender
    assert face.ideo_top - face.ideo_bottom == pytest.approx(1.0)
    assert face.ideo_bottom < 0 < face.ideo_top
    assert face.advance("i") < face.advance("n") < face.advance("m")  # proportional Latin
    assert 0 < face.advance("1") < 1 and 0 < face.advance("A") < 1
    x0, y0, x1, y1 = face.ink_bounds("中")
    assert 0 <= x0 < x1 <= face.advance("中")
    assert face.ideo_bottom - 0.05 <= y0 < y1 <= face.ideo_top + 0.05
    assert face.ink_bounds(" ") == (0.0, 0.0, 0.0, 0.0)


@pytest.mark.parametrize("font_id", TEXT_FONTS)
def test_hanzi_and_fullwidth_punctuation_are_one_em(font_id: str) -> None:
    face = load_font(font_id)
    for ch in "中国质量月，。《》":
        assert face.advance(ch) == pytest.approx(1.0)
        assert face.vertical_advance(ch) == pytest.approx(1.0)
    assert face.ideo_bottom == pytest.approx(-0.12)  # BASE 'ideo' of all these fonts is -120/1000


def test_smiley_is_condensed_and_has_no_base_table() -> None:
    face = load_font("smiley-sans")
    assert face.advance("中") == pytest.approx(0.8)
    # No BASE; typo metrics span 1.04 em, so the box is centred on the ink of 中国永.
    _, low, _, _ = face.ink_bounds("永")
    assert face.ideo_bottom <= low + 0.01


def test_advance_of_missing_char_raises() -> None:
    with pytest.raises(MissingGlyphsError, match="U\\+20000"):
        load_font("noto-sans-sc-regular").advance("\U00020000")


def test_font_for_role_picks_nearest_weight() -> None:
    assert font_for_role("heiti").id == "noto-sans-sc-regular"
    assert font_for_role("heiti", 900).id == "noto-sans-sc-black"
    assert font_for_role("heiti", 650).id == "noto-sans-sc-bold"
    assert font_for_role("songti").id == "noto-serif-sc-bold"
    assert font_for_role("kaiti", 400).id == "lxgw-wenkai"
    with pytest.raises(FontError, match="仿宋"):
        font_for_role("fangsong")
    with pytest.raises(FontError, match="未知"):
        font_for_role("mingti")


def test_load_font_is_cached() -> None:
    assert load_font("noto-sans-sc-black") is load_font("noto-sans-sc-black")


def test_unknown_id_is_a_clear_error() -> None:
    with pytest.raises(FontError, match="noto-sans-sc-black"):
        load_font("fangzheng-xiaobiaosong")


# -- user fonts -----------------------------------------------------------------------------


def test_user_font_by_path(tmp_path: Path) -> None:
    bundled = load_font("noto-serif-sc-bold")
    copy = tmp_path / "我的字体.ttf"
    shutil.copy(bundled.path, copy)
    face = load_font(copy)
    assert face.id == str(copy.resolve())
    assert load_font(str(copy)) is face  # the id works as a font reference again
    assert face.path == copy.resolve()
    assert face.info is None and face.name == "Noto Serif SC Bold"
    assert face.advance("A") == bundled.advance("A")
    assert (face.ideo_bottom, face.ideo_top) == (bundled.ideo_bottom, bundled.ideo_top)
    assert face.vertical_form("，") == "\uFE10"


def test_missing_path_is_a_font_error(tmp_path: Path) -> None:
    with pytest.raises(FontError, match="不存在"):
        load_font(tmp_path / "nope.ttf")


def test_non_font_file_is_a_font_error(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.ttf"
    bogus.write_text("这不是字体", encoding="utf-8")
    with pytest.raises(FontError, match="不是可读的字体文件"):
        load_font(bogus)


def test_truncated_font_is_a_font_error(tmp_path: Path) -> None:
    cut = tmp_path / "cut.ttf"
    cut.write_bytes(load_font("smiley-sans").path.read_bytes()[:4000])
    with pytest.raises(FontError):
        load_font(cut)


def test_font_collection_is_refused_with_a_hint(tmp_path: Path) -> None:
    ttc = tmp_path / "simsun.ttc"
    ttc.write_bytes(b"ttcf" + bytes(60))
    with pytest.raises(FontError, match="ttc") as caught:
        load_font(ttc)
    assert "TTCollection" in str(caught.value)


def _build_font(path: Path, *, cff: bool = False, fs_type: int = 0) -> None:
    """A two-glyph font (.notdef, 'A') built with fontTools, TrueType or CFF outlines."""
    builder = FontBuilder(1000, isTTF=not cff)
    builder.setupGlyphOrder([".notdef", "A"])
    builder.setupCharacterMap({0x41: "A"})
    if cff:
        pen = T2CharStringPen(600, None)
        _square(pen)
        outline = pen.getCharString()
        builder.setupCFF("TestCFF", {"FullName": "Test CFF"}, {".notdef": outline, "A": outline}, {})
    else:
        pen = TTGlyphPen(None)
        _square(pen)
        glyph = pen.glyph()
        builder.setupGlyf({".notdef": glyph, "A": glyph})
    builder.setupHorizontalMetrics({".notdef": (600, 100), "A": (600, 100)})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": "Test", "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=800, sTypoDescender=-200, usWinAscent=800, usWinDescent=200, fsType=fs_type)
    builder.setupPost()
    builder.save(str(path))


def _square(pen) -> None:
    pen.moveTo((100, 0))
    pen.lineTo((100, 700))
    pen.lineTo((500, 700))
    pen.lineTo((500, 0))
    pen.closePath()


def test_cff_otf_is_refused_with_conversion_hint(tmp_path: Path) -> None:
    otf = tmp_path / "方正小标宋.otf"
    _build_font(otf, cff=True)
    with pytest.raises(FontError, match="CFF") as caught:
        load_font(otf)
    assert "TrueType" in str(caught.value) and "reportlab" in str(caught.value)


def test_small_truetype_user_font_loads_with_fallback_metrics(tmp_path: Path) -> None:
    ttf = tmp_path / "tiny.ttf"
    _build_font(ttf)
    face = load_font(ttf)
    assert face.advance("A") == pytest.approx(0.6)
    assert face.vertical_advance("A") == 1.0  # no vmtx
    assert (face.ideo_bottom, face.ideo_top) == (pytest.approx(-0.2), pytest.approx(0.8))  # OS/2 typo spans 1 em
    assert face.ink_bounds("A") == pytest.approx((0.1, 0.0, 0.5, 0.7))
    assert face.vertical_form("A") is None
    assert face.missing("AB") == ["B"]


def test_font_that_forbids_embedding_is_refused(tmp_path: Path) -> None:
    ttf = tmp_path / "restricted.ttf"
    _build_font(ttf, fs_type=0x0002)
    with pytest.raises(FontError, match="禁止嵌入"):
        load_font(ttf)


# -- startup and CLI ------------------------------------------------------------------------


def test_importing_fonts_module_does_not_load_fonttools() -> None:
    code = "import sys, qmposter.fonts, qmposter.cli.fonts; print('fontTools' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_cli_fonts_list_json() -> None:
    result = CliRunner().invoke(cli, ["fonts", "list", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [row["id"] for row in rows] == IDS
    assert {row["licence"] for row in rows} == {"OFL-1.1"}


def test_cli_fonts_list_table() -> None:
    result = CliRunner().invoke(cli, ["fonts", "list"])
    assert result.exit_code == 0
    assert "思源黑体 Black" in result.output and "楷体" in result.output


def test_cli_fonts_check_text_ok() -> None:
    result = CliRunner().invoke(cli, ["fonts", "check", "--font", "noto-sans-sc-black", "2010年质量月，QC小组 12365"])
    assert result.exit_code == 0, result.output
    assert "校验通过" in result.output and "全部可用" in result.output


def test_cli_fonts_check_reports_missing_and_exits_2() -> None:
    result = CliRunner().invoke(cli, ["fonts", "check", "质量\U00020000"])
    assert result.exit_code == 2
    assert "U+20000" in result.output
    assert "所有被检查的字体都没有" in result.output


def test_cli_fonts_check_named_font_missing_exits_2(tmp_path: Path) -> None:
    rare = next(ch for ch in tgh_chars() if not load_font("smiley-sans").has(ch))
    result = CliRunner().invoke(cli, ["fonts", "check", "--font", "smiley-sans", f"质量{rare}"])
    assert result.exit_code == 2
    assert f"U+{ord(rare):04X}" in result.output


def test_cli_fonts_check_opens_a_given_font_even_without_text(tmp_path: Path) -> None:
    """A designer checking their own .ttf before a build: a broken file must fail, not "pass"."""
    broken = tmp_path / "方正小标宋.ttf"
    broken.write_bytes(b"not a font at all")
    result = CliRunner().invoke(cli, ["fonts", "check", "--font", str(broken)])
    assert result.exit_code == 2, result.output
    assert "不是可读的字体文件" in result.output
    good = CliRunner().invoke(cli, ["fonts", "check", "--font", "noto-sans-sc-black"])
    assert good.exit_code == 0, good.output
    assert "字体可用" in good.output


def test_cli_fonts_check_catalogue() -> None:
    result = CliRunner().invoke(cli, ["fonts", "check", "--font", "noto-sans-sc-black", "--catalogue"])
    assert result.exit_code == 0, result.output
    assert "全部可用" in result.output


def test_manifest_is_valid_toml_with_generated_header() -> None:
    text = (fonts_dir() / "fonts.toml").read_text("utf-8")
    assert text.startswith("# Bundled fonts. Generated by scripts/build_fonts.py")
    assert len(tomllib.loads(text)["font"]) == len(FONTS)
