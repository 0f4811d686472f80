"""Template loading: validation messages name the file and the key; extends merges as documented."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from qmposter.errors import TemplateError
from qmposter.templates import list_templates, load_template, parse_color, template_names

MM = 72 / 25.4

BASE = """
title = "测试海报"
kind = "poster"
[page]
size = "A4"
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def error_of(folder: Path, name: str) -> str:
    with pytest.raises(TemplateError) as caught:
        load_template(name, folder)
    return str(caught.value)


def test_minimal_poster_gets_print_defaults(tmp_path):
    write(tmp_path, "t", BASE)
    template = load_template("t", tmp_path)
    assert (template.page.width / MM, template.page.height / MM) == pytest.approx((210, 297))
    assert template.page.bleed == pytest.approx(3 * MM)
    assert template.page.safe_margin == pytest.approx(5 * MM)
    assert template.page.crop_marks and template.page.dpi == 300
    assert template.is_print and template.elements == ()


def test_landscape_named_size(tmp_path):
    write(tmp_path, "t", BASE.replace('size = "A4"', 'size = "A4"\norientation = "landscape"'))
    page = load_template("t", tmp_path).page
    assert (page.width / MM, page.height / MM) == pytest.approx((297, 210))


def test_image_template_in_pixels(tmp_path):
    write(
        tmp_path,
        "square",
        """
        title = "方图"
        kind = "image"
        [page]
        width = "1080px"
        height = "1080px"
        dpi = 72
        """,
    )
    page = load_template("square", tmp_path).page
    assert (page.width, page.height) == (1080.0, 1080.0)
    assert page.bleed == 0 and not page.crop_marks and page.formats == ("png",)


def test_unknown_top_key_is_a_typo(tmp_path):
    path = write(tmp_path, "t", 'titel = "x"\n' + BASE)
    message = error_of(tmp_path, "t")
    assert str(path) in message and "titel" in message and "title" in message  # suggests the right key


def test_unknown_element_key(tmp_path):
    path = write(
        tmp_path,
        "t",
        BASE
        + """
        [[element]]
        type = "rect"
        x = "0mm"
        y = "0mm"
        width = "10mm"
        height = "10mm"
        colour = "#ff0000"
        """,
    )
    message = error_of(tmp_path, "t")
    assert str(path) in message and "element[1].colour" in message and "color" in message


def test_bad_unit_names_file_and_key(tmp_path):
    path = write(tmp_path, "t", BASE.replace('size = "A4"', 'width = "6 metres"\nheight = "0.9m"'))
    message = error_of(tmp_path, "t")
    assert str(path) in message and "page.width" in message and "6 metres" in message


def test_bad_colour_names_file_and_key(tmp_path):
    path = write(
        tmp_path,
        "t",
        BASE
        + """
        [[element]]
        id = "band"
        type = "rect"
        x = "0mm"
        y = "0mm"
        width = "10mm"
        height = "10mm"
        color = "#12345"
        """,
    )
    message = error_of(tmp_path, "t")
    assert str(path) in message and 'element[1]（id="band"）.color' in message and "#12345" in message


def test_bad_colour_in_background(tmp_path):
    write(tmp_path, "t", BASE + '[background]\ncolor = "cmyk(0,120,100,0)"\n')
    assert "background.color" in error_of(tmp_path, "t")


@pytest.mark.parametrize("src", ["../outside.png", "/etc/hostname", "assets/../../outside.png"])
def test_asset_path_must_stay_inside_the_templates_folder(tmp_path, src):
    folder = tmp_path / "templates"
    folder.mkdir()
    (tmp_path / "outside.png").write_bytes(b"")
    path = write(
        folder,
        "t",
        BASE
        + f"""
        [[element]]
        type = "image"
        src = "{src}"
        x = "0mm"
        y = "0mm"
        width = "10mm"
        height = "10mm"
        """,
    )
    message = error_of(folder, "t")
    assert str(path) in message and "element[1].src" in message and "之外" in message


def test_background_image_outside_is_refused(tmp_path):
    folder = tmp_path / "templates"
    folder.mkdir()
    write(folder, "t", BASE + '[background]\nimage = "../bg.png"\n')
    assert "background.image" in error_of(folder, "t")


def test_extends_cycle(tmp_path):
    write(tmp_path, "a", 'extends = "b"\n' + BASE)
    write(tmp_path, "b", 'extends = "a"\n' + BASE)
    message = error_of(tmp_path, "a")
    assert "循环" in message and "a → b → a" in message


def test_extends_missing_parent(tmp_path):
    path = write(tmp_path, "a", 'extends = "no-such-template"\n' + BASE)
    message = error_of(tmp_path, "a")
    assert str(path) in message and "no-such-template" in message


PARENT = """
title = "父模板"
kind = "poster"
abstract = true
[page]
size = "A4"
dpi = 200
[colors]
red = "#c8102e"
[background]
color = "red"
[[element]]
id = "band"
type = "rect"
x = "0mm"
y = "0mm"
width = "210mm"
height = "30mm"
color = "red"
[[element]]
id = "frame"
type = "rect"
x = "10mm"
y = "10mm"
width = "190mm"
height = "277mm"
stroke = "#000000"
[[element]]
id = "rule"
type = "line"
x0 = "20mm"
y0 = "40mm"
x1 = "190mm"
y1 = "40mm"
"""


def test_extends_merges_tables_and_elements_by_id(tmp_path):
    write(tmp_path, "parent", PARENT)
    write(
        tmp_path,
        "child",
        """
        extends = "parent"
        title = "子模板"
        [page]
        bleed = "5mm"
        [colors]
        blue = "#003a8c"
        [background]
        gradient = { angle = 90, stops = ["blue", "#000000"] }
        [[element]]
        id = "band"
        color = "blue"
        [[element]]
        id = "frame"
        remove = true
        [[element]]
        id = "dot"
        type = "rect"
        before = "rule"
        x = "100mm"
        y = "100mm"
        width = "5mm"
        height = "5mm"
        color = "red"
        """,
    )
    child = load_template("child", tmp_path)
    assert child.title == "子模板" and not child.abstract
    assert child.page.dpi == 200  # inherited
    assert child.page.bleed == pytest.approx(5 * MM)  # overridden
    assert [e.id for e in child.elements] == ["band", "dot", "rule"]
    band = child.elements[0]
    assert band.fill.hex == "#003a8c" and band.box.height == pytest.approx(30 * MM)
    assert child.elements[1].fill.hex == "#c8102e"  # the parent's palette is inherited
    # [background] is replaced, not merged: the parent's colour is gone
    assert child.background.color is None and child.background.gradient is not None
    assert [p.name for p in child.files] == ["child.toml", "parent.toml"]


def test_abstract_templates_are_not_listed(tmp_path):
    write(tmp_path, "parent", PARENT)
    write(tmp_path, "child", 'extends = "parent"\ntitle = "子模板"\n')
    names = template_names(tmp_path)
    assert "child" in names and "parent" not in names


def test_a_folder_named_like_a_template_is_not_listed(tmp_path):
    write(tmp_path, "parent", PARENT)
    write(tmp_path, "child", 'extends = "parent"\ntitle = "子模板"\n')
    (tmp_path / "backup.toml").mkdir()
    assert "backup" not in template_names(tmp_path)


def test_error_in_child_override_names_the_child(tmp_path):
    write(tmp_path, "parent", PARENT)
    path = write(tmp_path, "child", 'extends = "parent"\n[[element]]\nid = "band"\ncolor = "nicht"\n')
    message = error_of(tmp_path, "child")
    assert str(path) in message and "color" in message


def test_error_in_inherited_key_names_the_parent(tmp_path):
    parent = write(tmp_path, "parent", PARENT)
    # a smaller page makes the parent's band stick out of it
    write(tmp_path, "child", 'extends = "parent"\n[page]\nsize = "A5"\n')
    message = error_of(tmp_path, "child")
    assert str(parent) in message and 'id="band"' in message and "超出" in message


def test_remove_of_unknown_id(tmp_path):
    write(tmp_path, "parent", PARENT)
    write(tmp_path, "child", 'extends = "parent"\n[[element]]\nid = "nope"\nremove = true\n')
    assert "nope" in error_of(tmp_path, "child")


def test_text_outside_the_safe_area(tmp_path):
    path = write(
        tmp_path,
        "t",
        BASE
        + """
        [[element]]
        id = "slogan"
        type = "slogan"
        x = "2mm"
        y = "100mm"
        width = "100mm"
        height = "50mm"
        """,
    )
    message = error_of(tmp_path, "t")
    assert str(path) in message and 'id="slogan"' in message and "安全区" in message and "5 mm" in message


def test_unknown_text_field(tmp_path):
    write(
        tmp_path,
        "t",
        BASE
        + """
        [[element]]
        type = "text"
        text = "{yaer}年"
        x = "20mm"
        y = "20mm"
        width = "100mm"
        height = "20mm"
        """,
    )
    message = error_of(tmp_path, "t")
    assert "{yaer}" in message and "{year}" in message


def test_unknown_font(tmp_path):
    write(
        tmp_path,
        "t",
        BASE
        + """
        [[element]]
        type = "text"
        text = "{year}"
        font = "方正小标宋"
        x = "20mm"
        y = "20mm"
        width = "100mm"
        height = "20mm"
        """,
    )
    message = error_of(tmp_path, "t")
    assert "element[1].font" in message and "方正小标宋" in message


def test_bad_condition(tmp_path):
    write(tmp_path, "t", 'when = "phrases === 2"\n' + BASE)
    assert "when" in error_of(tmp_path, "t")


def test_name_must_match_file(tmp_path):
    write(tmp_path, "t", 'name = "other"\n' + BASE)
    assert "name" in error_of(tmp_path, "t")


def test_unknown_template_lists_known_ones(tmp_path):
    write(tmp_path, "mine", BASE)
    message = error_of(tmp_path, "nope")
    assert "nope" in message and "mine" in message


@pytest.mark.parametrize(
    ("text", "rgb", "cmyk"),
    [
        ("#c8102e", (200, 16, 46), None),
        ("#fff", (255, 255, 255), None),
        ("rgb(1, 2, 3)", (1, 2, 3), None),
        ("cmyk(0,100,100,0)", (255, 0, 0), (0.0, 1.0, 1.0, 0.0)),
        ("cmyk(0,0,0,100)", (0, 0, 0), (0.0, 0.0, 0.0, 1.0)),
        ("#e60012 cmyk(0,100,100,0)", (230, 0, 18), (0.0, 1.0, 1.0, 0.0)),
    ],
)
def test_colours(text, rgb, cmyk):
    color = parse_color(text)
    assert (color.r, color.g, color.b) == rgb and color.cmyk == cmyk


@pytest.mark.parametrize("text", ["#12345", "red", "cmyk(0,100,100)", "rgb(300,0,0)", "#ggg"])
def test_bad_colours(text):
    with pytest.raises(ValueError, match="颜色"):
        parse_color(text)


def test_bundled_templates_load():
    names = [t.name for t in list_templates()]
    assert {"poster-a3-red", "banner-red-0.9x6m"} <= set(names)
    poster = load_template("poster-a3-red")
    assert (poster.page.width / MM, poster.page.height / MM) == pytest.approx((297, 420))
    banner = load_template("banner-red-0.9x6m")
    assert (banner.page.width / MM, banner.page.height / MM) == pytest.approx((6000, 900))


def test_font_alias_with_unknown_key(tmp_path):
    path = write(tmp_path, "t", BASE + '[fonts]\ntitle = { role = "heiti", weight = 900 }\n')
    message = error_of(tmp_path, "t")
    assert str(path) in message and "fonts.title.role" in message


def test_font_alias_resolves_role_and_weight(tmp_path):
    write(
        tmp_path,
        "t",
        BASE
        + """
        [fonts]
        title = { font = "宋体", weight = 900 }
        [[element]]
        type = "text"
        text = "{year}"
        font = "title"
        x = "20mm"
        y = "20mm"
        width = "100mm"
        height = "20mm"
        """,
    )
    from qmposter.fonts import bundled_info

    font_id = load_template("t", tmp_path).elements[0].text.font_id
    info = bundled_info(font_id)
    assert info.role == "songti" and info.weight == 900


def test_font_file_inside_the_templates_folder(tmp_path):
    import shutil

    from qmposter.fonts import bundled_info, fonts_dir

    folder = tmp_path / "templates"
    (folder / "fonts").mkdir(parents=True)
    shutil.copy(fonts_dir() / bundled_info("noto-sans-sc-regular").file, folder / "fonts" / "mine.ttf")
    text_element = """
        [[element]]
        type = "text"
        text = "{year}"
        font = "FONT"
        x = "20mm"
        y = "20mm"
        width = "100mm"
        height = "20mm"
        """
    write(folder, "ok", BASE + text_element.replace("FONT", "fonts/mine.ttf"))
    font_id = load_template("ok", folder).elements[0].text.font_id
    assert font_id == str((folder / "fonts" / "mine.ttf").resolve())
    assert (folder / "fonts" / "mine.ttf").resolve() in load_template("ok", folder).files
    write(folder, "outside", BASE + text_element.replace("FONT", "../mine.ttf"))
    assert "element[1].font" in error_of(folder, "outside") and "之外" in error_of(folder, "outside")
