"""Fuzzing the readers of files given by path: templates, images, fonts and a build's manifest.json.

Each example writes hostile files into a fresh folder and runs the real CLI; see
fuzz_support.check. Outputs go to out/ (render at a few dpi, so a huge page stays cheap).
"""

from __future__ import annotations

import json
import struct
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path
from urllib.parse import unquote, urlsplit

import tomlkit
from fuzz_support import check, files, fuzz, invoke, nasty_text, sandbox, toml_scalar, toml_value
from hypothesis import assume, given
from hypothesis import strategies as st
from PIL import Image

from qmposter.templates import _ELEMENT_KEYS, ELEMENT_TYPES, KINDS

# -- templates -------------------------------------------------------------------------------------------------

LENGTHS = ["0", "5mm", "10%", "50%", "100%", "120%", "-10%", "300px", "1e3mm", "2m", "1" + "0" * 30 + "mm", "12pt"]
length = st.one_of(st.sampled_from(LENGTHS), toml_scalar)
NUMBER = st.one_of(st.sampled_from([0, 1, 4, 72, 300, 2400, 2401, -1, 1e6, 1e300]), st.floats(), st.integers())
COLOR = st.sampled_from(["#c8102e", "#fff", "red", "rgb(1,2,3)", "cmyk(0,100,100,0)", "rgb(nan,1,1)"]) | toml_scalar
VALUES = {
    "x": length, "y": length, "width": length, "height": length, "size": length, "min_size": length,
    "max_size": length, "x0": length, "y0": length, "x1": length, "y1": length, "thickness": length,
    "stroke_width": length, "column_gap": length, "row_gap": length, "min_module": length,
    "text": st.sampled_from(["{year}", "{", "}}", "{theme}{unit}", "{x}", "{year:>9}", "{{质量}}"]) | nasty_text,
    "data": st.sampled_from(["{qr_url}", "https://a.cn", "{"]) | nasty_text,
    "border": NUMBER, "opacity": NUMBER, "line_gap": NUMBER, "tracking": NUMBER, "phrase_gap": NUMBER,
    "max_lines": NUMBER, "columns": NUMBER, "phrase": NUMBER, "weight": NUMBER,
    "color": COLOR,
    "gradient": st.fixed_dictionaries({"angle": NUMBER, "stops": st.lists(COLOR, max_size=3)}),
    "src": st.sampled_from(["assets/pic.png", "../x.png", "/etc/passwd", "assets", "assets/pic.gif"]) | nasty_text,
    "font": st.sampled_from(["heiti", "宋体", "assets/font.ttf", "nosuch", "/etc/passwd"]) | nasty_text,
    "when": st.sampled_from(["phrases == 2", "chars > 1e9", "x", "phrases == 99999999999999999999"]) | nasty_text,
    "type": st.sampled_from(["slogan", "ornament", "nosuch"]) | toml_value,
    "pattern": st.sampled_from(["dots", "rays", "huiwen", "nosuch"]) | toml_value,
    "spacing": st.sampled_from(["0.001mm", "1mm", "0"]) | length,
}  # fmt: skip


@st.composite
def element(draw) -> dict:
    """A well-formed element of a random type (the mutations come later, in template_doc)."""
    kind = draw(st.sampled_from(ELEMENT_TYPES))
    base = {"type": kind, "x": "10%", "y": "10%", "width": "50%", "height": "20%", "size": "20%"}
    out = {key: value for key, value in base.items() if key in _ELEMENT_KEYS[kind]}
    extra = {"line": {"x0": "10%", "y0": "10%", "x1": "90%", "y1": "10%"}, "text": {"text": "{year}"},
             "image": {"src": "assets/pic.png"}, "rect": {"color": "#c8102e"}}  # fmt: skip
    return out | extra.get(kind, {})


_TABLES = {
    "background": st.fixed_dictionaries(
        {}, optional={"color": COLOR, "gradient": VALUES["gradient"], "image": VALUES["src"], "image_opacity": NUMBER}
    ),
    "fonts": st.dictionaries(st.sampled_from(["heiti", "title", "宋体"]), VALUES["font"] | toml_value, max_size=2),
    "colors": st.dictionaries(st.sampled_from(["red", "gold"]), COLOR, max_size=2),
    "extends": st.sampled_from(["t", "poster-red-base", "nosuch", "../t"]) | toml_scalar,
    "nonsense": toml_value,
}
_PAGE = {"width": length, "height": length, "dpi": NUMBER, "bleed": length, "safe_margin": length,
         "formats": toml_value, "size": st.sampled_from(["A3", "大度对开", "B9"]) | toml_scalar}  # fmt: skip


@st.composite
def template_doc(draw) -> dict:
    """A well-formed template with up to three mutations: one key of the page, of an element or
    of the top level set to a hostile value, so most examples get past loading into layout."""
    doc = {
        "title": "模糊测试",
        "kind": draw(st.sampled_from(KINDS)),
        "page": {"width": draw(st.sampled_from(["200px", "30cm"])), "height": draw(st.sampled_from(["100px", "1m"]))},
        "element": draw(st.lists(element(), max_size=4)),
    }
    for _ in range(draw(st.integers(0, 3))):
        where = draw(st.sampled_from(["element", "page", "top"]))
        if where == "element" and doc["element"]:
            item = draw(st.sampled_from(doc["element"]))
            kind = item["type"] if isinstance(item["type"], str) else "slogan"
            key = draw(st.sampled_from(sorted(_ELEMENT_KEYS.get(kind, {"type"}))))
            item[key] = draw(VALUES.get(key, toml_value))
        elif where == "page":
            key = draw(st.sampled_from(sorted(_PAGE)))
            doc["page"][key] = draw(_PAGE[key])
        else:
            key = draw(st.sampled_from(["title", "kind", *_TABLES]))
            doc[key] = draw(_TABLES.get(key, toml_scalar))
    return doc


def _template_folder(root: Path, doc: dict) -> Path:
    folder = root / "tpl"
    (folder / "assets").mkdir(parents=True)
    Image.new("RGB", (16, 9), "red").save(folder / "assets" / "pic.png")
    (folder / "t.toml").write_text(tomlkit.dumps(doc), encoding="utf-8")
    return folder / "t.toml"


def _render(root: Path, template: Path, fmt: str):
    out = root / "out"
    out.mkdir(exist_ok=True)
    dpi = ["--dpi", "3"] if fmt in ("png", "jpg", "bmp") else []
    before = files(root)
    result = invoke("render", template, "--text", "质量第一，安全为先", "-o", out / f"x.{fmt}", *dpi)
    check(result, root, before, writes_to=out)
    produced = list(out.iterdir())
    if result.exit_code == 0:
        assert [p.name for p in produced] == [f"x.{fmt}"] and produced[0].stat().st_size > 0
    else:
        assert not produced, produced
    return result


@fuzz(150)
@given(doc=template_doc(), fmt=st.sampled_from(["png", "svg", "pdf"]))
def test_fuzz_template(doc: dict, fmt: str) -> None:
    try:
        text = tomlkit.dumps(doc)
        tomlkit.parse(text)
    except Exception:
        assume(False)
    with sandbox() as root:
        template = _template_folder(root, doc)
        _render(root, template, fmt)


# -- images given by path ---------------------------------------------------------------------------------------


def _image_bytes(kind: str, size: tuple[int, int]) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", size, (200, 16, 46)).save(buffer, "PNG" if kind == "png" else "JPEG")
    return buffer.getvalue()


@st.composite
def image_file(draw) -> bytes:
    kind = draw(st.sampled_from(["png", "jpeg"]))
    data = bytearray(_image_bytes(kind, (draw(st.integers(1, 40)), draw(st.integers(1, 40)))))
    for _ in range(draw(st.integers(0, 6))):
        if not data:
            break
        op = draw(st.integers(0, 3))
        at = draw(st.integers(0, len(data) - 1))
        if op == 0:
            data[at] = draw(st.integers(0, 255))
        elif op == 1:
            del data[at:]
        elif op == 2:
            data[at:at] = draw(st.binary(max_size=16))
        elif kind == "png" and len(data) > 24:  # the IHDR size: up to 2^31 per side
            struct.pack_into(">II", data, 16, draw(st.integers(0, 2**31 - 1)), draw(st.integers(0, 2**31 - 1)))
    return bytes(data)


@fuzz(60)
@given(
    data=image_file() | st.binary(max_size=200),
    where=st.sampled_from(["element", "background"]),
    fit=st.sampled_from(["contain", "stretch"]),
    fmt=st.sampled_from(["png", "svg", "pdf"]),
)
def test_fuzz_image_given_by_path(data: bytes, where: str, fit: str, fmt: str) -> None:
    doc = {"title": "图", "kind": "image", "page": {"width": "200px", "height": "100px", "dpi": 72}, "element": []}
    if where == "element":
        doc["element"].append({"type": "image", "src": "assets/pic.png", "fit": fit, "x": "0", "y": "0",
                               "width": "50%", "height": "50%"})  # fmt: skip
    else:
        doc["background"] = {"image": "assets/pic.png"}
    with sandbox() as root:
        template = _template_folder(root, doc)
        (template.parent / "assets" / "pic.png").write_bytes(data)
        _render(root, template, fmt)


# -- fonts given by path -----------------------------------------------------------------------------------------

_FONT: list[bytes] = []


def small_font() -> bytes:
    """The bundled regular 黑体 subset to a few characters (a few KB: quick to mutate and parse)."""
    if not _FONT:
        from fontTools import subset
        from fontTools.ttLib import TTFont

        from qmposter.fonts import font_for_role

        font = TTFont(font_for_role("heiti", 400).path)
        subsetter = subset.Subsetter(subset.Options())
        subsetter.populate(text="质量第一月安全")
        subsetter.subset(font)
        buffer = BytesIO()
        font.save(buffer)
        _FONT.append(buffer.getvalue())
    return _FONT[0]


def _table_offsets(data: bytes) -> dict[bytes, tuple[int, int]]:
    count = struct.unpack_from(">H", data, 4)[0]
    return {
        data[12 + 16 * i : 16 + 16 * i]: struct.unpack_from(">II", data, 20 + 16 * i) for i in range(count)
    }


@st.composite
def font_file(draw) -> bytes:
    data = bytearray(small_font())
    tables = _table_offsets(bytes(data))
    for _ in range(draw(st.integers(1, 6))):
        tag = draw(st.sampled_from(sorted(tables)))
        offset, size = tables[tag]
        at = offset + draw(st.integers(0, max(0, size - 4)))
        if draw(st.booleans()):
            struct.pack_into(">I", data, at, draw(st.sampled_from([0, 1, 0xFFFF, 0x10FFFF, 0x7FFFFFFF, 0xFFFFFFFF])
                                                  | st.integers(0, 2**32 - 1)))  # fmt: skip
        else:
            data[at] = draw(st.integers(0, 255))
    if draw(st.integers(0, 9)) == 0:
        del data[draw(st.integers(0, len(data) - 1)) :]
    return bytes(data)


@fuzz(40)
@given(data=font_file() | st.binary(max_size=64), fmt=st.sampled_from(["png", "svg"]))  # pdf: docs/hardening.md
def test_fuzz_font_given_by_path(data: bytes, fmt: str) -> None:
    with sandbox() as root:
        font = root / "f.ttf"
        font.write_bytes(data)
        before = files(root)
        checked = invoke("fonts", "check", "--font", font, "质量第一")
        check(checked, root, before)
        doc = {"title": "字", "kind": "image", "page": {"width": "200px", "height": "100px", "dpi": 72},
               "fonts": {"heiti": "assets/font.ttf"},
               "element": [{"type": "text", "text": "质量第一", "font": "heiti", "x": "5%", "y": "5%",
                            "width": "90%", "height": "90%"}]}  # fmt: skip
        template = _template_folder(root, doc)
        font.rename(template.parent / "assets" / "font.ttf")
        _render(root, template, fmt)


# -- manifest.json (gallery) --------------------------------------------------------------------------------------

PATHS = ["p.png", "sub/p.png", "../p.png", "../../outside/x.png", "/etc/passwd", "sub/../../x", "javascript:alert(1)",
         "JavaScript:x", "data:text/html,x", "https://a.cn/x.pdf", "http://a.cn", "file:///etc/passwd", "//evil/x",
         "\\\\evil\\x", "C:\\x", "%2e%2e/x", "link/p.png", "南京#1局/p 1%.png", "", "sub", "a\x00b"]  # fmt: skip
item = st.one_of(
    st.fixed_dictionaries(
        {"path": st.sampled_from(PATHS) | nasty_text},
        optional={
            "template": nasty_text | toml_scalar, "slogan_id": nasty_text, "text": nasty_text | toml_value,
            "format": st.sampled_from(["png", "jpg", "pdf", "svg", "PNG"]) | toml_scalar,
            "unit": nasty_text | st.none(), "sha256": st.sampled_from(["../../x", "a" * 64, "/tmp/x"]) | nasty_text,
            "width_mm": toml_scalar, "width_px": toml_scalar, "dpi": toml_scalar,
        },
    ),
    toml_value,
)  # fmt: skip
manifest_doc = st.fixed_dictionaries(
    {"items": st.lists(item, max_size=5) | toml_value},
    optional={"campaign": toml_value, "skipped": toml_value, "version": toml_scalar},
)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.links += [value or "" for name, value in attrs if name in ("href", "src")]


@fuzz(50)
@given(doc=manifest_doc)
def test_fuzz_gallery_manifest(doc: dict) -> None:
    try:
        text = json.dumps(doc, ensure_ascii=False, allow_nan=True)
    except (ValueError, TypeError):
        assume(False)
    with sandbox() as root:
        out = root / "a" / "out"
        (out / "sub").mkdir(parents=True)
        Image.new("RGB", (8, 8)).save(out / "p.png")
        Image.new("RGB", (8, 8)).save(root / "a" / "p.png")
        (out / "link").symlink_to(root / "a")
        (out / "manifest.json").write_text(text, encoding="utf-8")
        before = files(root)
        result = invoke("gallery", out)
        check(result, root, before, writes_to=out)
        if result.exit_code == 0:
            parser = _Links()
            parser.feed((out / "index.html").read_text(encoding="utf-8"))
            for link in parser.links:
                parts = urlsplit(link)
                if parts.scheme:
                    assert parts.scheme in ("http", "https"), link
                else:
                    assert not link.startswith(("/", "\\")), link
                    target = (out / unquote(parts.path)).resolve()
                    assert target.is_relative_to(out.resolve()), link
