"""Units CSV (variable data for `qmposter build --units`): encodings, headers, checks, folder names."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from qmposter.errors import CampaignError
from qmposter.unit_list import Unit, load_units, unit_slug

ROWS = "单位,落款,二维码,电话\n南京市质量技术监督局,南京市质量技术监督局；南京市总工会,https://example.org/nj,025-12365\n"


def write(tmp_path: Path, data: bytes, name: str = "units.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


NANJING = Unit(
    name="南京市质量技术监督局",
    slug="南京市质量技术监督局",
    issuers=("南京市质量技术监督局", "南京市总工会"),
    qr_url="https://example.org/nj",
    hotline="025-12365",
    qr_caption=None,
    row=2,
)


@pytest.mark.parametrize(
    "data",
    [
        ROWS.encode("utf-8"),
        codecs.BOM_UTF8 + ROWS.encode("utf-8"),
        ROWS.encode("gb18030"),  # Excel "CSV" on Chinese Windows
        ROWS.replace("\n", "\r\n").encode("utf-8"),
        codecs.BOM_UTF16_LE + ROWS.replace(",", "\t").encode("utf-16-le"),  # Excel "Unicode text"
        ROWS.replace(",", ";").encode("utf-8"),
    ],
    ids=["utf8", "utf8-bom", "gb18030", "crlf", "utf16-tab", "semicolon"],
)
def test_encodings_and_separators_spreadsheets_write(tmp_path: Path, data: bytes) -> None:
    assert load_units(write(tmp_path, data)) == [NANJING]


def test_english_headers_captions_folders_and_ignored_notes(tmp_path: Path) -> None:
    text = (
        "Name,Issuer,QR URL,Hotline,QR caption,Folder,Notes\n"
        "Wuxi Bureau,A | B,https://example.org/wx,12315,扫码看无锡,wuxi,anything\n"
        ",,,,,,\n"  # an empty row is skipped
        "常州市局,,,,,,\n"
    )
    units = load_units(write(tmp_path, text.encode("utf-8")))
    assert units[0] == Unit("Wuxi Bureau", "wuxi", ("A", "B"), "https://example.org/wx", "12315", "扫码看无锡", 2)
    # no 落款: the unit signs with its own name; no URL/hotline/caption: the campaign's are used (None)
    assert units[1] == Unit("常州市局", "常州市局", ("常州市局",), None, None, None, 4)


def test_header_notes_in_brackets_are_ignored(tmp_path: Path) -> None:
    text = "单位名称（必填）,落款（多个用；分隔）,备注\n甲局,甲局；乙局,x\n"
    assert load_units(write(tmp_path, text.encode("utf-8")))[0].issuers == ("甲局", "乙局")


def test_folder_names_drop_spaces_and_slashes_but_keep_chinese() -> None:
    assert unit_slug("苏州 工业园区/质监分局") == "苏州工业园区质监分局"
    assert unit_slug("南京市\u3000质监局") == "南京市质监局"
    assert unit_slug('a:b*c?"d<e>f|g\\h') == "abcdefgh"
    assert unit_slug("..隐藏") == "隐藏"
    assert unit_slug("CON") == "CON_"
    assert unit_slug("/ /") == ""
    assert len(unit_slug("局" * 200)) == 80


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "是空的"),
        ("单位,落款\n", "只有表头"),
        ("落款,电话\n甲,12315\n", "缺少“单位”列"),
        ("单位,二唯码\n甲,x\n", "第 1 行第 B 列（二唯码）是未知的列名"),
        ("单位,名称\n甲,乙\n", "第 1 行第 B 列（名称）与第 A 列都是“单位”列"),
        ("单位,二维码\n甲,https://a.example\n乙,www.example.org\n", "第 3 行第 B 列（二维码）“www.example.org”应是"),
        ("单位,电话\n甲,热线12315\n", "第 2 行第 B 列（电话）“热线12315”不像电话号码"),
        ("单位,落款\n,甲局\n", "第 2 行第 A 列（单位）为空"),
        ("单位,落款\n甲局,甲局,多余\n", "第 2 行第 C 列在表头之外还有内容"),
        ("单位\n甲局\n乙局\n甲局\n", "第 4 行与第 2 行的单位名称相同"),
        ("单位\n甲 局\n甲局\n", "第 3 行与第 2 行的输出文件夹相同"),
        ("单位,目录\n甲局,a/b\n", "第 2 行第 B 列（目录）“a/b”不能用作文件夹名"),
        ("单位\n///\n", "第 2 行第 A 列（单位）“///”去掉不能用于文件夹名的字符后为空"),
    ],
)
def test_errors_name_the_row_and_column(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text.encode("utf-8"))
    with pytest.raises(CampaignError) as error:
        load_units(path)
    assert expected in str(error.value)
    assert str(path) in str(error.value)


def test_unknown_column_suggests_the_close_name(tmp_path: Path) -> None:
    with pytest.raises(CampaignError) as error:
        load_units(write(tmp_path, "单位,hotlin\n甲,1\n".encode()))
    assert "hotline" in str(error.value)


def test_a_file_that_is_neither_utf8_nor_gb18030(tmp_path: Path) -> None:
    with pytest.raises(CampaignError, match="既不是 UTF-8 也不是 GB18030"):
        load_units(write(tmp_path, b"\x81\x30\xff\xff\x80"))  # invalid in both


def test_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CampaignError, match="不存在"):
        load_units(tmp_path / "none.csv")


@pytest.mark.parametrize(
    "text",
    [
        "单位,落款\n\"南京市质量技术监督局,南京市总工会\n苏州市质量技术监督局,苏州市总工会\n",  # never closed
        "单位,落款\n\"南京\"市质量技术监督局,南京市总工会\n",  # text after the closing quote
    ],
)
def test_unpaired_quotes_are_an_error_naming_the_row(tmp_path: Path, text: str) -> None:
    """An open quote would silently swallow every later unit into one cell."""
    with pytest.raises(CampaignError, match="第 2 行的英文双引号不成对") as caught:
        load_units(write(tmp_path, text.encode("utf-8")))
    assert "成对" in caught.value.hint
