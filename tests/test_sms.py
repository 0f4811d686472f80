"""SMS composition, carrier length counting, phone lists and output files (qmposter.products.sms).

Every expected length below was counted by hand, character by character; the comments show
the count so a reader can check it without running the code.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pytest

from qmposter.errors import InputError, QmposterError
from qmposter.products.sms import (
    Message,
    compose_messages,
    compose_text,
    csv_safe,
    hotline_line,
    make_options,
    messages_csv,
    messages_txt,
    normalize_phone,
    parse_phones,
    part_count,
    phones_csv,
    read_phones,
    sms_length,
    split_parts,
    validate_signature,
    write_outputs,
)

SIG = "【江苏质监】"  # 【 江 苏 质 监 】 = 6


@dataclass(frozen=True)
class Line:
    """A slogan as composition sees it (id + canonical text), independent of the catalogue files."""

    id: str
    text: str


def filled(total: int) -> str:
    """The signature followed by 质 up to `total` characters."""
    return SIG + "质" * (total - len(SIG))


# ---------------------------------------------------------------------------- counting


def test_hand_counted_slogan_with_signature() -> None:
    text = "【江苏质监】质量是企业的生命，安全是人民的生命"
    # 【江苏质监】 6 + 质量是企业的生命 8 + ， 1 + 安全是人民的生命 8 = 23 → 1 part
    assert sms_length(text) == 23
    assert part_count(text) == 1


def test_digits_and_latin_count_one_each() -> None:
    # 【江苏质监】 6 + 开展 2 + Q C 2 + 小组活动 4 = 14
    assert sms_length("【江苏质监】开展QC小组活动") == 14
    # 质量投诉举报电话 8 + 1 2 3 6 5 5 = 13
    assert sms_length(hotline_line("12365")) == 13
    # half-width and full-width punctuation and a space count one each: a , b ， c space d = 7
    assert sms_length("a,b，c d") == 7


@pytest.mark.parametrize(
    ("length", "parts"),
    [(7, 1), (70, 1), (71, 2), (134, 2), (135, 3), (201, 3), (202, 4), (500, 8)],
)
def test_part_boundaries(length: int, parts: int) -> None:
    # ≤ 70 is one SMS; above, parts of 67: 71 = 67 + 4, 134 = 2 × 67, 135 = 2 × 67 + 1,
    # 201 = 3 × 67, 202 = 3 × 67 + 1, 500 = 7 × 67 + 31
    text = filled(length)
    assert sms_length(text) == length
    assert part_count(text) == parts


def test_split_parts_sizes() -> None:
    parts = split_parts(filled(71))
    assert [len(p) for p in parts] == [67, 4]
    assert "".join(parts) == filled(71)
    assert split_parts(filled(70)) == (filled(70),)


def test_non_bmp_character_counts_two_and_is_never_split() -> None:
    rare = "\U00020000"  # 𠀀, CJK Extension B: a surrogate pair in UTF-16
    assert sms_length(rare) == 2
    # 6 + 63 × 质 = 69 units, + 𠀀 2 = 71 → 2 parts
    assert part_count(filled(69) + rare) == 2
    # 6 + 60 = 66 units, then 𠀀 would end at 68 > 67: it starts part two
    parts = split_parts(filled(66) + rare + "质" * 10)
    assert parts[0] == filled(66)
    assert parts[1] == rare + "质" * 10
    assert [sms_length(p) for p in parts] == [66, 12]


def test_empty_text_has_no_parts() -> None:
    assert part_count("") == 0


# ---------------------------------------------------------------------------- signature and body


def test_valid_signatures() -> None:
    assert validate_signature(" 【江苏质监】 ") == "【江苏质监】"
    assert validate_signature("【12365热线】") == "【12365热线】"


@pytest.mark.parametrize(
    ("signature", "expected"),
    [
        ("江苏质监", "【江苏质监】"),  # the hint shows how to write it
        ("[江苏质监]", "【江苏质监】"),
        ("【质】", "2–16"),
        ("【江 苏】", "不允许的字符"),
        ("【江苏，质监】", "不允许的字符"),
        ("【江苏【质监】", "一对"),
        ("【12365】", "全是数字"),
        ("【" + "质" * 17 + "】", "17 个字"),
        ("", "为空"),
    ],
)
def test_bad_signatures_are_refused_with_a_fix(signature: str, expected: str) -> None:
    with pytest.raises(InputError) as caught:
        validate_signature(signature)
    assert expected in str(caught.value)


def test_missing_signature_says_where_to_set_it() -> None:
    with pytest.raises(InputError, match="signature"):
        make_options(None)


def test_brackets_in_the_body_are_refused() -> None:
    with pytest.raises(InputError, match="只能用于开头的签名"):
        make_options(SIG, opt_out="【退订】回T")
    options = make_options(SIG)
    with pytest.raises(InputError, match="口号 x-1"):
        compose_messages([Line("x-1", "质量【第一】")], options)


def test_control_characters_are_refused() -> None:
    with pytest.raises(InputError, match="控制字符"):
        make_options(SIG, opt_out="回T\u200b退订")


# ---------------------------------------------------------------------------- composition


def test_compose_signature_and_slogan_only() -> None:
    options = make_options(SIG)
    text = compose_text("质量是企业的生命，安全是人民的生命", options)
    assert text == "【江苏质监】质量是企业的生命，安全是人民的生命"


def test_compose_with_hotline_and_opt_out() -> None:
    options = make_options(SIG, extra_lines=[hotline_line("12365")], opt_out="回T退订")
    batch = compose_messages([Line("2010-13", "关注民生，重视质量")], options)
    (message,) = batch.messages
    assert message.text == "【江苏质监】关注民生，重视质量。质量投诉举报电话12365。回T退订"
    # 6 + 关注民生 4 + ， 1 + 重视质量 4 + 。 1 + 质量投诉举报电话 8 + 12365 5 + 。 1 + 回T退订 4 = 34
    assert (message.length, message.parts) == (34, 1)


def test_no_full_stop_added_after_a_sentence_end() -> None:
    options = make_options(SIG, opt_out="拒收请回复R")
    assert compose_text("质量第一！", options) == "【江苏质监】质量第一！拒收请回复R"


def test_spaces_between_phrases_become_a_comma() -> None:
    # the 2010 Jiangsu theme as printed: two spaces between its phrases; Latin keeps its spaces
    lines = [
        Line("theme", "抓质量水平提升  促发展方式转变"),
        Line("qc", "开展 QC 小组活动"),
        Line("p", "质量第一！ 安全"),
    ]
    batch = compose_messages(lines, make_options(SIG))
    assert [m.text for m in batch.messages] == [
        "【江苏质监】抓质量水平提升，促发展方式转变",
        "【江苏质监】开展 QC 小组活动",
        "【江苏质监】质量第一！安全",
    ]


def test_max_parts_leaves_out_and_names_what_does_not_fit() -> None:
    long_slogan = "质" * 65  # 6 + 65 = 71 → 2 parts
    short = "质量第一"  # 6 + 4 = 10
    options = make_options(SIG, max_parts=1)
    batch = compose_messages([Line("long-1", long_slogan), Line("short-1", short)], options)
    assert [m.id for m in batch.messages] == ["short-1"]
    (skipped,) = batch.skipped
    assert (skipped.id, skipped.length, skipped.parts) == ("long-1", 71, 2)
    assert skipped.text == SIG + long_slogan  # whole, never truncated
    assert "long-1" in skipped.message and "71 字" in skipped.message and "条数上限 1" in skipped.message


def test_exactly_seventy_fits_one_part() -> None:
    options = make_options(SIG, max_parts=1)
    batch = compose_messages([Line("edge", "质" * 64)], options)  # 6 + 64 = 70
    assert [(m.length, m.parts) for m in batch.messages] == [(70, 1)]
    assert batch.skipped == ()


def test_platform_length_cap() -> None:
    options = make_options(SIG)
    batch = compose_messages([Line("huge", "质" * 495), Line("cap", "质" * 494)], options)
    # 6 + 495 = 501 > 500 is left out; 6 + 494 = 500 = 7 × 67 + 31 goes, in 8 parts
    assert [(m.id, m.length, m.parts) for m in batch.messages] == [("cap", 500, 8)]
    assert (batch.skipped[0].id, batch.skipped[0].length) == ("huge", 501)
    assert "500" in batch.skipped[0].reason


def test_nothing_fits_is_an_error() -> None:
    with pytest.raises(InputError, match="口号 long-1") as caught:
        compose_messages([Line("long-1", "质" * 65)], make_options(SIG, max_parts=1))
    assert "没有一条短信放得下" in str(caught.value)


def test_overhead_that_leaves_no_room_is_an_error() -> None:
    options = make_options(SIG, opt_out="回" * 70, max_parts=1)
    with pytest.raises(InputError, match="放不下任何口号"):
        compose_messages([Line("a", "质量")], options)


def test_no_slogans_is_an_error() -> None:
    with pytest.raises(InputError, match="没有选中任何口号"):
        compose_messages([], make_options(SIG))


def test_bad_limits_are_refused() -> None:
    with pytest.raises(QmposterError):
        make_options(SIG, max_parts=0)
    with pytest.raises(QmposterError):
        make_options(SIG, max_length=0)


# ---------------------------------------------------------------------------- phones


@pytest.mark.parametrize(
    ("raw", "number"),
    [
        ("13812345678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("0086 13812345678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),  # full-width digits
        ("199 1234 5678", "19912345678"),
    ],
)
def test_phone_normalisation(raw: str, number: str) -> None:
    assert normalize_phone(raw) == (number, "")


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("1381234567", "10 位"),
        ("138123456789", "12 位"),
        ("12812345678", "号段"),  # second digit 2
        ("23812345678", "号段"),
        ("1.38123E+10", "数字以外"),  # what Excel does to a number column
        ("010-12345678", "号段"),  # a landline
    ],
)
def test_bad_phone_reasons(raw: str, reason: str) -> None:
    number, why = normalize_phone(raw)
    assert number is None
    assert reason in why


PHONES_FILE = """手机号码,姓名
13812345678,张三
+86 139-1234-5678,李四
12345,王五

8613812345678,张三又一行
23812345678
"15012345678",赵六
１８６１２３４５６７８
"""


def test_parse_phones_keeps_good_reports_bad_by_line_and_removes_duplicates() -> None:
    phones = parse_phones(PHONES_FILE)
    assert phones.numbers == ("13812345678", "13912345678", "15012345678", "18612345678")
    assert [(p.line, p.duplicate) for p in phones.problems] == [(4, False), (6, True), (7, False)]
    assert phones.problems[0].raw == "12345"
    assert "第 6 行" in phones.problems[1].message and "第 2 行重复" in phones.problems[1].message


def test_read_phones_gb18030_and_errors(tmp_path: Path) -> None:
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes("手机号\r\n13812345678\r\n".encode("gb18030"))
    assert read_phones(gbk).numbers == ("13812345678",)
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n", encoding="utf-8")
    with pytest.raises(InputError, match="没有号码"):
        read_phones(empty)
    bad = tmp_path / "bad.txt"
    bad.write_text("123\n456\n", encoding="utf-8")
    with pytest.raises(InputError, match="第 1 行"):
        read_phones(bad)
    with pytest.raises(InputError, match="找不到"):
        read_phones(tmp_path / "missing.txt")


# ---------------------------------------------------------------------------- output


def sample_messages() -> tuple[Message, ...]:
    options = make_options(SIG, opt_out="回T退订")
    lines = [Line("2010-05", "质量诚信是企业的信誉和生命"), Line("2010-13", "关注民生，重视质量")]
    batch = compose_messages(lines, options)
    return batch.messages


def test_csv_safe() -> None:
    for cell in ("=1+1", "+86", "-5", "@SUM(A1)", "\tx", "\rx"):
        assert csv_safe(cell) == "'" + cell
    for cell in ("【江苏质监】质量", "13812345678", "2010-05", ""):
        assert csv_safe(cell) == cell


def test_messages_csv_has_bom_and_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "sms.csv"
    path.write_bytes(messages_csv(sample_messages()))
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    # 6 + 质量诚信是企业的信誉和生命 13 + 。 1 + 回T退订 4 = 24
    text = "【江苏质监】质量诚信是企业的信誉和生命。回T退订"
    assert rows[0] == {"id": "2010-05", "text": text, "length": "24", "parts": "1"}
    assert rows[1]["text"] == "【江苏质监】关注民生，重视质量。回T退订"


def test_formula_cells_are_defused_in_the_csv() -> None:
    data = messages_csv([Message("=cmd", "x", "【江苏质监】x", 7, 1)]).decode("utf-8-sig")
    assert "'=cmd" in data


def test_text_file_one_message_per_line_without_bom() -> None:
    data = messages_txt(sample_messages())
    assert not data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8").splitlines() == [m.text for m in sample_messages()]


def test_phones_csv_every_recipient_every_message() -> None:
    messages = sample_messages()
    rows = list(csv.reader(phones_csv(["13812345678", "13912345678"], messages).decode("utf-8-sig").splitlines()))
    assert rows[0] == ["mobile", "content"]
    assert rows[1:] == [
        ["13812345678", messages[0].text],
        ["13912345678", messages[0].text],
        ["13812345678", messages[1].text],
        ["13912345678", messages[1].text],
    ]


def test_write_outputs_is_deterministic_and_complete(tmp_path: Path) -> None:
    batch = compose_messages([Line("a", "质量第一")], make_options(SIG))
    phones = parse_phones("13812345678\n")
    written = write_outputs(batch, tmp_path / "out" / "sms.csv", phones)
    assert sorted(p.name for p in written) == ["sms.csv", "sms.mobile.csv", "sms.txt"]
    first = {p.name: p.read_bytes() for p in written}
    write_outputs(batch, tmp_path / "out" / "sms.csv", phones)
    assert {p.name: p.read_bytes() for p in written} == first
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["sms.csv", "sms.mobile.csv", "sms.txt"]


def test_write_outputs_refuses_without_leaving_files(tmp_path: Path) -> None:
    batch = compose_messages([Line("a", "质量第一")], make_options(SIG))
    with pytest.raises(InputError, match=r"\.csv"):
        write_outputs(batch, tmp_path / "sms.txt")
    (tmp_path / "sms.txt").mkdir()
    with pytest.raises(InputError, match="文件夹"):
        write_outputs(batch, tmp_path / "sms.csv")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(InputError):
        write_outputs(batch, blocker / "sms.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file", "sms.txt"]
