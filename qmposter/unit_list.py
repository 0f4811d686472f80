"""units CSV → Unit rows: one set of products per unit, as InDesign Data Merge does it.

People keep such lists in Excel or WPS and save them as CSV, so this reader takes what
those programs write: UTF-8 with or without a BOM, UTF-16 ("Unicode text", tab
separated) or GB18030/GBK (a Chinese Windows "CSV"), comma, semicolon or tab separated,
headers in Chinese or English. Every message names the file, the row (as the
spreadsheet numbers it: the header is row 1) and the column.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from qmposter.errors import CampaignError, did_you_mean
from qmposter.fileio import os_reason

# field → accepted header names (compared after _normal_header)
HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("单位", "单位名称", "名称", "name", "unit"),
    "issuers": ("落款", "落款单位", "发文单位", "issuer", "issuers"),
    "qr_url": ("二维码", "二维码网址", "二维码链接", "网址", "qr_url", "qr", "url"),
    "hotline": ("电话", "热线", "热线电话", "举报电话", "投诉电话", "hotline", "phone", "tel"),
    "qr_caption": ("二维码说明", "二维码文字", "qr_caption", "caption"),
    "folder": ("目录", "文件夹", "folder", "slug"),
}
IGNORED_HEADERS = ("备注", "注释", "note", "notes", "comment", "remark")
FIELD_NAMES_ZH = {
    "name": "单位", "issuers": "落款", "qr_url": "二维码", "hotline": "电话",
    "qr_caption": "二维码说明", "folder": "目录",
}  # fmt: skip
ISSUER_SEPARATORS = re.compile(r"[;；|｜\n]")
_HOTLINE_RE = re.compile(r"^[0-9][0-9 -]{2,19}$")
_URL_RE = re.compile(r"^https?://\S+$")
# Besides what Windows refuses: # and % break links to the folder (gallery, intranet pages), and
# format characters (U+202E, U+200B, …: Unicode category Cf) make a name look unlike its bytes.
_UNSAFE_IN_FOLDER = re.compile(r'[\\/:*?"<>|#%\x00-\x1f\x7f\s\u3000]')
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
MAX_FOLDER_CHARS = 80
MAX_FOLDER_BYTES = 240  # a file name is at most 255 bytes on Linux (ext4) and macOS


@dataclass(frozen=True)
class Unit:
    """One row of a units CSV. Empty optional cells are None: the campaign's value is used.

    `issuers` is never empty: a row without 落款 signs with the unit's own name.
    `slug` is the unit's output folder name (see unit_slug).
    """

    name: str
    slug: str
    issuers: tuple[str, ...]
    qr_url: str | None
    hotline: str | None
    qr_caption: str | None
    row: int


def unit_slug(name: str) -> str:
    """A folder name for a unit: its name without spaces, slashes and characters Windows refuses.

    Chinese characters are kept (every current file system stores them), so a folder reads
    like the unit's name: "南京市 质监局/城东" → "南京市质监局城东". "" when nothing is left.
    """
    visible = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cf", "Co", "Cs", "Cn"))
    slug = _UNSAFE_IN_FOLDER.sub("", visible).strip(".-")[:MAX_FOLDER_CHARS].rstrip(".-")
    if slug.upper() in _WINDOWS_RESERVED:
        slug += "_"
    return slug


def load_units(path: Path) -> list[Unit]:
    """Read and check a units CSV (see the module docstring); CampaignError naming row and column."""
    path = Path(path)
    text = _decode(path)
    return _Table(path, _rows(path, text)).units()


def _rows(path: Path, text: str) -> list[list[str]]:
    """All rows; unpaired quotes are an error (an open one would swallow the rest of the file)."""
    reader = csv.reader(io.StringIO(text, newline=""), dialect=_dialect(text))
    rows: list[list[str]] = []
    try:
        for row in reader:
            rows.append(row)
    except csv.Error:
        raise CampaignError(
            f"单位表 {path} 第 {len(rows) + 1} 行的英文双引号不成对（读到文件第 {reader.line_num} 行时出错）。",
            hint="检查该行的英文双引号 \" 是否成对；单元格内的引号要写成两个 \"\"。",
        ) from None
    return rows


def _decode(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CampaignError(f"单位表 {path} 不存在。") from None
    except OSError as error:
        raise CampaignError(f"单位表 {path} 无法读取：{os_reason(error)}。") from None
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    encodings = ("utf-16",) if utf16 else ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CampaignError(
        f"单位表 {path} 既不是 UTF-8 也不是 GB18030/GBK 编码的文本。",
        hint="在 Excel/WPS 中“另存为”“CSV UTF-8（逗号分隔）”。",
    )


def _dialect(text: str) -> type[csv.Dialect]:
    """Comma unless the header line clearly uses tabs or semicolons (Excel's other exports)."""
    first = text.split("\n", 1)[0]
    counts = {sep: first.count(sep) for sep in (",", "\t", ";")}
    sep = max(counts, key=lambda s: (counts[s], s == ","))
    if counts[sep] == 0:
        sep = ","

    class Dialect(csv.excel):
        delimiter = sep
        strict = True

    return Dialect


def _normal_header(header: str) -> str:
    """Header compared loosely: no BOM/spaces, lower case, a trailing （说明） dropped."""
    text = header.replace("\ufeff", "").strip()
    text = re.sub(r"\s*[（(][^）)]*[）)]\s*$", "", text)
    return re.sub(r"[\s\-]+", "_", text).lower()


def _column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: how a spreadsheet names the column."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


class _Table:
    """Checks the rows of one CSV; every message names file, row and column."""

    def __init__(self, path: Path, rows: list[list[str]]) -> None:
        self.path = path
        self.rows = rows
        self.columns: dict[str, int] = {}
        self.headers: list[str] = []

    def fail(self, row: int, column: int | None, problem: str, hint: str | None = None) -> CampaignError:
        where = f"第 {row} 行"
        if column is not None:
            header = self.headers[column].strip() if column < len(self.headers) else ""
            where += f"第 {_column_letter(column)} 列" + (f"（{header}）" if header else "")
        return CampaignError(f"单位表 {self.path}：{where}{problem}", hint=hint)

    def units(self) -> list[Unit]:
        if not self.rows or not any(cell.strip() for cell in self.rows[0]):
            raise CampaignError(f"单位表 {self.path} 是空的：第 1 行应是表头，如“单位,落款,二维码,电话”。")
        self.read_header(self.rows[0])
        units = [self.unit(number, row) for number, row in enumerate(self.rows[1:], start=2) if _filled(row)]
        if not units:
            raise CampaignError(f"单位表 {self.path} 只有表头，没有单位。", hint="从第 2 行起每行写一个单位。")
        self.check_unique(units)
        return units

    def read_header(self, header: list[str]) -> None:
        self.headers = header
        lookup = {alias.lower(): field for field, aliases in HEADERS.items() for alias in aliases}
        for index, raw in enumerate(header):
            name = _normal_header(raw)
            if not name or name in IGNORED_HEADERS:
                continue
            field = lookup.get(name)
            if field is None:
                hint = did_you_mean(name, sorted(lookup), "")
                known = "、".join(f"{FIELD_NAMES_ZH[f]}/{HEADERS[f][-1]}" for f in HEADERS)
                raise self.fail(1, index, "是未知的列名。", hint=f"{hint}可用的列：{known}；备注列可写“备注”。")
            if field in self.columns:
                raise self.fail(
                    1, index, f"与第 {_column_letter(self.columns[field])} 列都是“{FIELD_NAMES_ZH[field]}”列。"
                )
            self.columns[field] = index
        if "name" not in self.columns:
            raise CampaignError(
                f"单位表 {self.path}：缺少“单位”列（表头可写 单位/单位名称/name）。",
                hint="第 1 行是表头，如“单位,落款,二维码,电话”。",
            )

    def cell(self, row: list[str], field: str) -> str:
        index = self.columns.get(field)
        return row[index].strip() if index is not None and index < len(row) else ""

    def unit(self, number: int, row: list[str]) -> Unit:
        if len(row) > len(self.headers) and any(cell.strip() for cell in row[len(self.headers) :]):
            raise self.fail(
                number, len(self.headers), "在表头之外还有内容。", hint="检查是否多了逗号，或给这一列加上表头。"
            )
        name = self.cell(row, "name")
        if not name:
            raise self.fail(number, self.columns["name"], "为空：每行都要写单位名称。")
        for field in ("name", "issuers", "qr_caption", "folder"):
            if re.search(r"[\x00-\x08\x0b-\x1f\x7f]", self.cell(row, field)):
                raise self.fail(number, self.columns[field], "含有控制字符。")
        return Unit(
            name=name,
            slug=self.slug(number, row, name),
            issuers=self.issuers(row) or (name,),
            qr_url=self.checked(number, row, "qr_url", _URL_RE, "应是以 http:// 或 https:// 开头的网址"),
            hotline=self.checked(number, row, "hotline", _HOTLINE_RE, '不像电话号码（如 "12315" 或 "025-12345678"）'),
            qr_caption=self.cell(row, "qr_caption") or None,
            row=number,
        )

    def issuers(self, row: list[str]) -> tuple[str, ...]:
        return tuple(part.strip() for part in ISSUER_SEPARATORS.split(self.cell(row, "issuers")) if part.strip())

    def checked(self, number: int, row: list[str], field: str, pattern: re.Pattern, expected: str) -> str | None:
        value = self.cell(row, field)
        if value and not pattern.match(value):
            raise self.fail(number, self.columns[field], f"“{value}”{expected}。")
        return value or None

    def slug(self, number: int, row: list[str], name: str) -> str:
        folder = self.cell(row, "folder")
        if folder:
            if unit_slug(folder) != folder:
                raise self.fail(
                    number, self.columns["folder"], f"“{folder}”不能用作文件夹名。",
                    hint="不要用空格、/ \\ : * ? \" < > | # % 等字符和不可见字符，也不要以 . 开头，不超过 80 个字。",
                )  # fmt: skip
            return self.short(number, "folder", folder)
        slug = self.short(number, "name", unit_slug(name))
        if not slug:
            raise self.fail(
                number,
                self.columns["name"],
                f"“{name}”去掉不能用于文件夹名的字符后为空。",
                hint="加一列“目录”写文件夹名。",
            )
        return slug

    def short(self, number: int, field: str, slug: str) -> str:
        """`slug` unless it is too long in bytes for a folder name (emoji, Ext-B: 4 bytes each)."""
        size = len(slug.encode("utf-8"))
        if size > MAX_FOLDER_BYTES:
            raise self.fail(
                number, self.columns[field], f"作文件夹名有 {size} 字节，超过 {MAX_FOLDER_BYTES} 字节的上限。",
                hint="加一列“目录”，给这个单位写一个较短的文件夹名。",
            )  # fmt: skip
        return slug

    def check_unique(self, units: list[Unit]) -> None:
        for attribute, what in (("name", "单位名称"), ("slug", "输出文件夹")):
            seen: dict[str, Unit] = {}
            for unit in units:
                key = getattr(unit, attribute).casefold()
                if key in seen:
                    raise CampaignError(
                        f"单位表 {self.path}：第 {unit.row} 行与第 {seen[key].row} 行的{what}相同"
                        f"（“{getattr(unit, attribute)}”）。",
                        hint="每个单位只写一行；名称相近时加一列“目录”给出不同的文件夹名。",
                    )
                seen[key] = unit


def _filled(row: list[str]) -> bool:
    return any(cell.strip() for cell in row)
