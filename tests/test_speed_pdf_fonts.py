"""reportlab's parse of a font kept in the user cache folder (issue 12): only ever saves time.

A face read back from the cache must be the face reportlab parses, and a PDF must come out
the same whether the cache is empty, warm, damaged, stale or cannot be written.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from reportlab.pdfbase.ttfonts import TTFont

from qmposter.disk_cache import read_marshal, write_marshal
from qmposter.render import pdf_fonts

FONTS = Path(__file__).resolve().parents[1] / "fonts"
RENDER = """
import hashlib, sys
from qmposter.build.plan import BuildRequest, plan_build
from qmposter.layout.engine import layout_page
from qmposter.render.pdf import render_pdf
from qmposter.templates import load_template
from pathlib import Path
job = [j for j in plan_build(BuildRequest(templates=("poster-a3-red",), formats=("pdf",), out=Path("x"))).jobs
       if j.skip_reason is None][0]
print(hashlib.sha256(render_pdf([layout_page(load_template("poster-a3-red"), job.content)])).hexdigest())
"""


def _face_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("reportlab-font-*.marshal"))


def _comparable(face: object) -> dict:
    for name in pdf_fonts._ON_FIRST_USE:  # a stored face unmarshals these on first use (pdf_fonts._StoredFace)
        assert isinstance(getattr(face, name), dict)
    attrs = dict(face.__dict__)
    attrs.pop("_later", None)
    attrs["hmetrics"] = [tuple(pair) for pair in attrs["hmetrics"]]  # a stored face keeps them as one array
    attrs["charToGlyph"] = dict(attrs["charToGlyph"])  # ... the character map as a CharMap
    attrs["glyphPos"] = list(attrs["glyphPos"])  # ... and loca's offsets as an array
    scale = attrs.pop("_pdfScale")
    attrs.pop("makeSubset", None)  # CachedTTFont's instance shortcuts (see pdf_fonts)
    attrs.pop("get_table", None)
    names = {key: value.ustr for key, value in attrs.items() if hasattr(value, "ustr")}
    return attrs | {"scaled": [scale(v) for v in (0, 1, 777, -1234)], "names": names,
                    "types": {key: type(value) for key, value in attrs.items()}}  # fmt: skip


@pytest.mark.parametrize("font", ["NotoSerifSC-Black.ttf", "QMWenKai-Bold.ttf"])
def test_a_face_read_back_from_the_cache_is_the_face_reportlab_parses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, font: str
) -> None:
    monkeypatch.setenv("QMPOSTER_CACHE_DIR", str(tmp_path))
    path = str(FONTS / font)
    parsed = TTFont("plain", path)
    first = pdf_fonts.CachedTTFont("cached", path)  # parses, then stores
    assert len(_face_files(tmp_path)) == 1
    again = pdf_fonts.CachedTTFont("cached", path)  # reads the stored face
    assert not set(pdf_fonts._ON_FIRST_USE) & set(again.face.__dict__)  # not unmarshalled until read
    assert _comparable(again.face) == _comparable(parsed.face) == _comparable(first.face)
    plain = {k: v for k, v in parsed.__dict__.items() if k not in ("face", "state", "encoding", "fontName")}
    assert {k: again.__dict__[k] for k in plain} == plain
    assert again.stringWidth("质量第一 Quality", 12) == parsed.stringWidth("质量第一 Quality", 12)
    packed = pdf_fonts.CachedTTFont("cached", path).face  # charWidths not unpacked: getCharWidth works it out
    codes = [*parsed.face.charToGlyph, 0x10FFFF, -1]  # every character, and two it has not
    assert [packed.getCharWidth(c) for c in codes] == [parsed.face.getCharWidth(c) for c in codes]
    assert "charWidths" not in packed.__dict__


def _render(cache: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k != "QMPOSTER_CACHE_DIR"} | {"QMPOSTER_CACHE_DIR": str(cache)}
    return subprocess.run([sys.executable, "-c", RENDER], env=env, capture_output=True, text=True,
                          check=True).stdout.strip()  # fmt: skip


def test_pdfs_are_the_same_with_a_cold_warm_damaged_or_unwritable_cache(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cold = _render(cache)
    files = _face_files(cache)
    assert len(files) >= 4  # three CJK fonts and reportlab's Vera
    assert _render(cache) == cold  # warm
    for n, file in enumerate(files):  # damaged: garbage, cut short, or a well-formed foreign value
        if n % 3 == 0:
            file.write_bytes(b"\x00garbage")
        elif n % 3 == 1:
            file.write_bytes(file.read_bytes()[: file.stat().st_size // 2])
        else:
            write_marshal(file, {"attrs": {"charToGlyph": {}}, "names": {}})
    assert _render(cache) == cold
    assert _render(cache) == cold  # rewritten by the run before
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be")
    assert _render(blocked) == cold


def test_a_changed_font_file_is_parsed_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QMPOSTER_CACHE_DIR", str(tmp_path / "cache"))
    copy = tmp_path / "font.ttf"
    shutil.copy(FONTS / "SmileySans-Oblique.ttf", copy)
    pdf_fonts.CachedTTFont("a", str(copy))
    before = _face_files(tmp_path / "cache")
    os.utime(copy, ns=(copy.stat().st_atime_ns, copy.stat().st_mtime_ns + 10**9))
    assert pdf_fonts._stored_face(pdf_fonts._face_file(str(copy)), str(copy)) is None  # stale: another key
    font = pdf_fonts.CachedTTFont("a", str(copy))
    assert len(_face_files(tmp_path / "cache")) == len(before) + 1
    assert hashlib.sha256(font.face._ttf_data).digest() == hashlib.sha256(copy.read_bytes()).digest()


def test_a_stored_face_with_a_changed_advance_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bit flipped on disk inside a glyph's advance still unmarshals to a plausible face: only
    the checksum tells, and a wrong width would silently move every glyph after it."""
    monkeypatch.setenv("QMPOSTER_CACHE_DIR", str(tmp_path))
    path = str(FONTS / "QMWenKai-Bold.ttf")
    pdf_fonts.CachedTTFont("a", path)
    (file,) = _face_files(tmp_path)
    checksum, blob = read_marshal(file)
    value = marshal.loads(blob)
    flat = bytearray(value["attrs"]["hmetrics_flat"])
    flat[8] ^= 1  # the advance of glyph 1
    value["attrs"]["hmetrics_flat"] = bytes(flat)
    write_marshal(file, (checksum, marshal.dumps(value)))  # the old checksum: damaged on disk
    assert pdf_fonts._stored_face(file, path) is None


def test_a_face_marshal_cannot_hold_is_not_kept_and_does_not_stop_the_pdf(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reportlab whose glyph → character map held a type marshal cannot keep: the face is simply
    not stored (as any other value write_checked refuses), the font still registers."""
    monkeypatch.setenv("QMPOSTER_CACHE_DIR", str(tmp_path / "cache"))
    face = TTFont("a", str(FONTS / "SmileySans-Oblique.ttf")).face
    face.glyphToChar = {1: object()}
    pdf_fonts._store_face(pdf_fonts._face_file(str(FONTS / "SmileySans-Oblique.ttf")), face)
    assert _face_files(tmp_path / "cache") == []


PACKED = RENDER + """
from reportlab.pdfbase import pdfmetrics
from qmposter.render import pdf_fonts
stored = [f.face for f in pdfmetrics._fonts.values() if isinstance(getattr(f, "face", None), pdf_fonts._StoredFace)]
print(len(stored), sorted({name for face in stored for name in pdf_fonts._ON_FIRST_USE if name in face.__dict__}))
"""


def test_a_poster_pdf_never_unpacks_what_only_shaping_and_measuring_read(tmp_path: Path) -> None:
    """The faces read back for a poster keep glyphToChar and charWidths packed: the point of
    _ON_FIRST_USE (a CJK face's read-back drops from ~3 to ~1 ms)."""
    env = {k: v for k, v in os.environ.items() if k != "QMPOSTER_CACHE_DIR"} | {"QMPOSTER_CACHE_DIR": str(tmp_path)}
    subprocess.run([sys.executable, "-c", RENDER], env=env, check=True, capture_output=True)  # stores the faces
    out = subprocess.run([sys.executable, "-c", PACKED], env=env, check=True, capture_output=True, text=True)
    count, unpacked = out.stdout.splitlines()[-1].split(" ", 1)
    assert int(count) >= 3 and unpacked == "[]"


def test_widths_of_a_font_whose_em_is_not_1000_units_are_reportlabs(tmp_path: Path, monkeypatch) -> None:
    """reportlab scales the advances of glyphs past numberOfHMetrics into hmetrics already: for
    such a font (em 2048 units) working a width out from the glyph would scale it twice. The stored
    face then keeps reportlab's charWidths, and every width is still reportlab's."""
    from fontTools.ttLib import TTFont as FontToolsFont

    monkeypatch.setenv("QMPOSTER_CACHE_DIR", str(tmp_path / "cache"))
    font = FontToolsFont(str(FONTS / "SmileySans-Oblique.ttf"))
    font["head"].unitsPerEm = 2048
    assert font["hhea"].numberOfHMetrics < font["maxp"].numGlyphs  # the tail the double scaling hit
    path = tmp_path / "em2048.ttf"
    font.save(str(path))
    parsed = TTFont("plain", str(path)).face
    pdf_fonts.CachedTTFont("cached", str(path))  # parses, then stores
    stored = pdf_fonts.CachedTTFont("cached", str(path)).face
    assert isinstance(stored, pdf_fonts._StoredFace)
    codes = [*parsed.charToGlyph, 0x10FFFF]
    assert [stored.getCharWidth(c) for c in codes] == [parsed.getCharWidth(c) for c in codes]
    wrong = [c for c in parsed.charToGlyph if pdf_fonts._glyph_width(parsed, c) != parsed.getCharWidth(c)]
    assert wrong  # the case this guards: the glyph's advance alone would have given other widths


@pytest.mark.parametrize("damage", ["glyphPos cut", "charToGlyph both ways", "charToGlyph foreign", "no widths"])
def test_a_checksummed_face_of_another_shape_is_parsed_again(
    damage: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A value with a sound checksum but not of the shape _store_face writes (another release's
    format under this name, say) is parsed again, never half used."""
    from qmposter.disk_cache import read_checked, write_checked

    monkeypatch.setenv("QMPOSTER_CACHE_DIR", str(tmp_path))
    path = str(FONTS / "SmileySans-Oblique.ttf")
    pdf_fonts.CachedTTFont("a", path)
    (file,) = _face_files(tmp_path)
    value = read_checked(file)
    attrs = value["attrs"]
    if damage == "glyphPos cut":
        attrs["glyphPos_packed"] = attrs["glyphPos_packed"][:-1]
    elif damage == "charToGlyph both ways":
        attrs["charToGlyph"] = {0x41: 1}
    elif damage == "charToGlyph foreign":
        attrs["charToGlyph_packed"] = ("little", b"", {}, 0)
    else:
        value["later"].pop("charWidths")
    write_checked(file, value)
    assert pdf_fonts._stored_face(file, path) is None
