"""layout_text: fitting, alignment, punctuation widths, optical centring, vertical text, errors.

Expected positions are derived by hand from the rules and the font's own metrics
(advances and the ideographic em box read by qmposter.fonts), never from earlier output.
"""

from __future__ import annotations

import itertools

import pytest

from qmposter.errors import LayoutError, MissingGlyphsError, TextOverflowError
from qmposter.fonts import load_font
from qmposter.layout.page import Color
from qmposter.layout.textbox import Box, TextStyle, layout_text

FONT = "noto-sans-sc-black"
BLACK = Color(0, 0, 0)
MM = 72 / 25.4
EPS = 1e-6


@pytest.fixture(scope="module")
def face():
    font = load_font(FONT)
    # preconditions the hand calculations rely on: Han and CJK marks are 1 em wide
    assert all(font.advance(ch) == 1.0 for ch in "质量第一安全中国“”。，")
    assert font.ideo_top - font.ideo_bottom == pytest.approx(1.0)
    return font


def style(**kw: object) -> TextStyle:
    base: dict[str, object] = {"font_id": FONT, "color": BLACK, "min_size": 10, "max_size": 500, "max_lines": 1}
    base.update(kw)
    return TextStyle(**base)  # type: ignore[arg-type]


def glyphs(block):
    """The drawn glyphs (hidden commas are invisible glyphs, kept only for the text)."""
    return [g for run in block.runs for g in run.glyphs if g.visible]


def hidden(block):
    return [g for run in block.runs for g in run.glyphs if not g.visible]


# --- fitting --------------------------------------------------------------------------------


def test_largest_size_limited_by_width(face) -> None:
    block = layout_text("质量第一", Box(0, 0, 400, 1000), style())
    assert block.size == pytest.approx(100.0)  # 4 em in 400 pt


def test_largest_size_limited_by_height(face) -> None:
    block = layout_text("质量第一", Box(0, 0, 4000, 50), style())
    assert block.size == pytest.approx(50.0)  # one 1-em line box in 50 pt; Han ink stays inside


def test_size_capped_at_max_size(face) -> None:
    assert layout_text("质量第一", Box(0, 0, 4000, 4000), style(max_size=72)).size == 72


def test_two_lines_with_line_gap(face) -> None:
    # two 4-em lines, 1 + 0.3 + 1 em tall: height 230 pt allows 100 pt, width 400 pt too
    block = layout_text("质量第一，安全第一", Box(0, 0, 400, 230), style(max_lines=2))
    assert block.lines == ("质量第一", "安全第一")
    assert block.size == pytest.approx(100.0)
    first, second = block.runs
    assert second.glyphs[0].y - first.glyphs[0].y == pytest.approx(130.0)


def test_overflow_names_label_box_and_fix() -> None:
    text = "质量" * 100
    box = Box(0, 0, 0.92 * 6000 * MM, 0.84 * 900 * MM)
    with pytest.raises(TextOverflowError) as err:
        layout_text(text, box, style(min_size=0.2 * box.height), label="口号 X（模板 banner-red-0.9x6m）")
    message = str(err.value)
    assert "口号 X（模板 banner-red-0.9x6m）" in message
    assert "5520×756 mm" in message
    assert "min_size" in message and "max_lines" in message


def test_overflow_names_an_unbreakable_piece() -> None:
    with pytest.raises(TextOverflowError, match="QC1234567890ABCDEFG"):
        layout_text("质量QC1234567890ABCDEFG", Box(0, 0, 100, 400), style(min_size=12, max_lines=4))


def test_missing_glyph_is_reported_before_anything_else(face) -> None:
    with pytest.raises(MissingGlyphsError) as err:
        layout_text("质量𠀀第一", Box(0, 0, 1, 1), style(), label="口号 2010-05")
    message = str(err.value)
    assert "𠀀" in message and "U+20000" in message
    assert face.name in message and "口号 2010-05" in message


def test_bad_style_is_a_layout_error() -> None:
    with pytest.raises(LayoutError, match="justify"):
        layout_text("质量", Box(0, 0, 100, 100), style(align="justify"))


# --- horizontal placement -------------------------------------------------------------------


def test_distribute_spreads_to_both_edges(face) -> None:
    block = layout_text("质量第一安全第一", Box(10, 20, 1000, 100), style(align="distribute", max_size=80))
    g = glyphs(block)
    assert block.size == 80
    assert g[0].x == pytest.approx(10.0, abs=EPS)
    assert g[-1].x + face.advance(g[-1].char) * block.size == pytest.approx(1010.0, abs=EPS)
    steps = {round(b.x - a.x, 6) for a, b in itertools.pairwise(g)}
    assert steps == {round(80 + (1000 - 8 * 80) / 7, 6)}


def test_banner_comma_becomes_an_empty_cell(face) -> None:
    s = style(align="distribute", inline_comma="gap", phrase_gap=1.0, max_size=80)
    block = layout_text("质量第一，安全第一", Box(0, 0, 1200, 100), s)
    g = glyphs(block)
    assert "".join(x.char for x in g) == "质量第一安全第一"
    pitch = g[1].x - g[0].x
    # the comma's place is one more (empty) cell with its own share of the spread
    assert g[4].x - g[3].x == pytest.approx(2 * pitch)
    assert g[-1].x + block.size == pytest.approx(1200.0)
    # the comma is still in the text: an invisible glyph at the start of its (spread) gap
    assert block.runs[0].text == "质量第一，安全第一" and block.lines == ("质量第一安全第一",)
    (comma,) = hidden(block)
    assert comma.char == comma.source == "，"
    assert comma.x == pytest.approx(g[3].x + pitch) and comma.y == g[3].y


def test_adjacent_marks_compress_and_line_ends_are_half_width(face) -> None:
    s = 50.0
    block = layout_text("“质量第一。”", Box(100, 0, 1000, 100), style(align="left", max_size=s))
    x = [g.x for g in glyphs(block)]
    # “ loses its empty leading half at the line start; 。” share a half em (1.5 em)
    assert x[0] == pytest.approx(100 - 0.5 * s)
    assert x[1] == pytest.approx(100 + 0.5 * s)
    assert x[5] == pytest.approx(100 + 4.5 * s)  # 。
    assert x[6] == pytest.approx(100 + 5.0 * s)  # ”
    right = layout_text("“质量第一。”", Box(100, 0, 1000, 100), style(align="right", max_size=s))
    last = glyphs(right)[-1]
    assert last.x + 0.5 * s == pytest.approx(1100.0)  # ” set half-width at the line end


def test_line_end_comma_hidden_or_kept(face) -> None:
    box = Box(0, 0, 400, 230)
    gone = layout_text("质量第一，安全第一", box, style(max_lines=2))
    assert all(g.source != "，" for g in glyphs(gone))
    assert gone.lines == ("质量第一", "安全第一")
    # not drawn, but in the text: an invisible glyph just after 一 (4 em from the line start)
    assert [run.text for run in gone.runs] == ["质量第一，", "安全第一"]
    (comma,) = hidden(gone)
    first_line = gone.runs[0].glyphs
    assert first_line[-1] is comma and comma.source == "，"
    assert comma.x == pytest.approx(first_line[0].x + 4 * gone.size) and comma.y == first_line[0].y
    assert gone.ink.x + gone.ink.width <= comma.x  # the invisible comma adds no ink
    kept = layout_text("质量第一，安全第一", box, style(max_lines=2, hide_line_end_comma=False))
    assert kept.lines == ("质量第一，", "安全第一")
    first = kept.runs[0].glyphs
    # the kept comma is set half-width at the line end: the centred line is 4.5 em long
    assert first[0].x == pytest.approx((400 - 4.5 * kept.size) / 2)


def test_han_latin_gap_and_proportional_digits(face) -> None:
    block = layout_text("2010年QC", Box(0, 0, 2000, 100), style(align="left", max_size=80))
    g = glyphs(block)
    s = block.size
    assert g[1].x - g[0].x == pytest.approx(face.advance("2") * s)
    end_of_digits = g[3].x + face.advance("0") * s
    assert g[4].x - end_of_digits == pytest.approx(0.125 * s)  # 年 after 2010
    assert g[5].x - (g[4].x + s) == pytest.approx(0.125 * s)  # Q after 年
    assert {gl.y for gl in g} == {g[0].y}  # one baseline


def test_tracking(face) -> None:
    block = layout_text("质量第一", Box(0, 0, 430, 1000), style(tracking=0.1))
    assert block.size == pytest.approx(100.0)  # 4 em + 3 × 0.1 em = 4.3 em in 430 pt
    g = glyphs(block)
    assert g[1].x - g[0].x == pytest.approx(110.0)


def test_tracking_is_dropped_before_overflowing(face) -> None:
    block = layout_text("质量第一", Box(0, 0, 160, 100), style(min_size=40, max_size=40, tracking=0.5))
    g = glyphs(block)
    assert g[1].x - g[0].x == pytest.approx(40.0)


def test_optical_centring_uses_the_ideographic_box(face) -> None:
    box = Box(0, 0, 600, 400)
    block = layout_text("中国质量", box, style(max_size=100))
    centre = (face.ideo_top + face.ideo_bottom) / 2
    baseline = glyphs(block)[0].y
    assert baseline - centre * block.size == pytest.approx(200.0)
    # and the ink of the Han characters, from the font's outlines, is centred within 3 %
    middles = [baseline - (face.ink_bounds(g.char)[1] + face.ink_bounds(g.char)[3]) / 2 * block.size
               for g in glyphs(block)]
    assert sum(middles) / len(middles) == pytest.approx(200.0, abs=0.03 * block.size)


def test_two_line_block_is_centred(face) -> None:
    block = layout_text("质量第一，安全第一", Box(0, 0, 300, 600), style(max_lines=2, max_size=60))
    top = block.runs[0].glyphs[0].y - face.ideo_top * block.size
    bottom = block.runs[1].glyphs[0].y - face.ideo_bottom * block.size
    assert (top + bottom) / 2 == pytest.approx(300.0)


def test_text_in_reading_order_and_ink_inside_box() -> None:
    box = Box(20, 30, 500, 300)
    block = layout_text("质量是企业的生命，安全是人民的生命", box, style(max_lines=3))
    for run in block.runs:
        assert run.text == "".join(g.source for g in run.glyphs)
    assert "".join(block.lines) == "质量是企业的生命安全是人民的生命"
    ink = block.ink
    assert box.x <= ink.x and ink.x + ink.width <= box.x + box.width
    assert box.y <= ink.y and ink.y + ink.height <= box.y + box.height


def test_latin_descender_stays_inside_the_box(face) -> None:
    box = Box(0, 0, 2000, 60)
    block = layout_text("Quality 质量", box, style(valign="bottom"))
    assert block.ink.y + block.ink.height <= 60 + EPS


# --- vertical text (竖排) -------------------------------------------------------------------


def test_vertical_columns_right_to_left_top_to_bottom(face) -> None:
    s = style(vertical=True, max_lines=2)
    block = layout_text("质量是企业的生命，安全是人民的生命", Box(0, 0, 200, 600), s)
    assert block.lines == ("质量是企业的生命", "安全是人民的生命")
    first, second = block.runs
    assert first.glyphs[0].x > second.glyphs[0].x
    ys = [g.y for g in first.glyphs]
    assert all(b - a == pytest.approx(block.size) for a, b in itertools.pairwise(ys))
    assert {g.rotate for g in first.glyphs} == {0}


def test_vertical_punctuation_uses_vertical_forms(face) -> None:
    block = layout_text("提高质量，建设强省。", Box(0, 0, 100, 800), style(vertical=True))
    by_source = {g.source: g for g in glyphs(block)}
    assert by_source["，"].char == "\ufe10" and by_source["，"].rotate == 0
    assert by_source["。"].char == "\ufe12"
    brackets = layout_text("（试行）“好”", Box(0, 0, 100, 800), style(vertical=True))
    assert [g.char for g in glyphs(brackets)] == ["\ufe35", "试", "行", "\ufe36", "\ufe43", "好", "\ufe44"]


def test_vertical_latin_rotated_upright_or_across(face) -> None:
    block = layout_text("2010年QC小组12", Box(0, 0, 100, 1000), style(vertical=True, max_size=60))
    g = glyphs(block)
    s = block.size
    digits, nian, q, c = g[0:4], g[4], g[5], g[6]
    assert {d.rotate for d in digits} == {90} and len({d.x for d in digits}) == 1
    assert digits[1].y - digits[0].y == pytest.approx(face.advance("2") * s)
    assert nian.rotate == 0 and q.rotate == 0 and c.rotate == 0
    assert c.y - q.y == pytest.approx(s)  # QC upright, one letter per cell
    one, two = g[9], g[10]  # "12" set across the column (纵中横)
    assert one.y == two.y and one.rotate == two.rotate == 0
    column_centre = nian.x + 0.5 * s
    assert (one.x + two.x + face.advance("2") * s) / 2 == pytest.approx(column_centre)


def test_vertical_distribute_fills_the_column(face) -> None:
    box = Box(0, 100, 120, 600)
    block = layout_text("质量兴省", box, style(vertical=True, align="distribute"))
    g = glyphs(block)
    top = g[0].y - face.ideo_top * block.size
    bottom = g[-1].y - face.ideo_top * block.size + block.size
    assert top == pytest.approx(100.0) and bottom == pytest.approx(700.0)


def test_vertical_centre_centres_the_block_with_columns_level(face) -> None:
    """5 + 8 characters in two columns: both start at one height, the longer one centred."""
    box = Box(0, 0, 400, 1000)
    block = layout_text("抓质量提升，促发展方式大转变", box, style(vertical=True, max_lines=2, max_size=100))
    first, second = block.runs
    assert len(first.text.rstrip("，")) == 5 and len(second.text) == 8
    assert first.glyphs[0].y == pytest.approx(second.glyphs[0].y)
    top = second.glyphs[0].y - face.ideo_top * block.size
    assert top + 8 * block.size / 2 == pytest.approx(500.0)

