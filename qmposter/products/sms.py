"""Public-service SMS texts: composition, length counting as carriers do, segmentation, output.

Rules implemented here (details and sources in docs/sms.md):
- Length is counted in UTF-16 code units (UCS-2 with surrogate pairs): every Han character,
  letter, digit, punctuation mark, space and the 【】 of the signature counts 1; a character
  outside the BMP (emoji, rare Han in Extension B+) counts 2. GSM-7 is never used: a mainland
  message always carries a 【signature】, and 【】 are not GSM-7 characters.
- A message of at most 70 units is one part; a longer one is split into parts of 67 units
  (a surrogate pair is never split between parts).
- A message is never shortened: what does not fit the part or length limit is left out and
  reported by its slogan id.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from qmposter.errors import InputError
from qmposter.fileio import os_reason, output_mode
from qmposter.text import is_cjk_punct, is_han, is_latin_or_digit

SINGLE_LIMIT = 70
"""UCS-2 units in a message that goes as one SMS (140 octets / 2)."""
PART_LIMIT = 67
"""UCS-2 units per part of a concatenated (long) SMS: 6 octets of the 140 go to the UDH."""
DEFAULT_MAX_LENGTH = 500
"""The usual platform cap for one long message, signature included (Aliyun, Huawei Cloud)."""
SIGNATURE_MIN, SIGNATURE_MAX = 2, 16
"""Characters inside 【】 (Huawei Cloud: 2–16; Aliyun is stricter at 2–12)."""

_SENTENCE_END = "。！？!?；;…"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PHONE_RE = re.compile(r"1[3-9]\d{9}")
_PHONE_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―－]+")


class Slogan(Protocol):
    """What composition needs from a catalogue entry (qmposter.catalogue.catalogue.Entry has it)."""

    @property
    def id(self) -> str: ...

    @property
    def text(self) -> str: ...


# ---------------------------------------------------------------------------- counting


def sms_length(text: str) -> int:
    """Length as carriers bill it: UTF-16 code units, so a non-BMP character counts 2."""
    return sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)


def split_parts(text: str) -> tuple[str, ...]:
    """The parts a phone receives: one if ≤ 70 units, else chunks of ≤ 67 units, pairs kept whole."""
    if sms_length(text) <= SINGLE_LIMIT:
        return (text,)
    parts: list[str] = []
    current: list[str] = []
    used = 0
    for ch in text:
        units = sms_length(ch)
        if used + units > PART_LIMIT:
            parts.append("".join(current))
            current, used = [], 0
        current.append(ch)
        used += units
    parts.append("".join(current))
    return tuple(parts)


def part_count(text: str) -> int:
    """Number of SMS parts billed for `text` (0 for an empty text)."""
    return len(split_parts(text)) if text else 0


# ---------------------------------------------------------------------------- validation


def validate_signature(signature: str) -> str:
    """Return the signature stripped, or raise InputError saying how to write it."""
    sig = signature.strip()
    example = "例如 --signature 【江苏质监】"
    if not sig:
        raise InputError("短信签名为空。", hint=f"请给出签名，{example}，或在活动文件 [sms] 表中写 signature。")
    if not (sig.startswith("【") and sig.endswith("】")):
        inner = sig.strip("【】[]")
        raise InputError(
            f"短信签名“{sig}”须用全角方括号【】括起来。",
            hint=f"请写成【{inner}】（签名放在短信开头，【】只用于签名）。",
        )
    inner = sig[1:-1]
    if "【" in inner or "】" in inner:
        raise InputError(f"短信签名“{sig}”只能有一对【】。", hint=example)
    bad = sorted({ch for ch in inner if not _signature_char(ch)})
    if bad:
        shown = "、".join(repr(ch) if ch.isspace() else ch for ch in bad)
        raise InputError(
            f"短信签名“{sig}”含有不允许的字符：{shown}。",
            hint="签名只能由汉字、英文字母和数字组成，不能有空格或标点。",
        )
    if not SIGNATURE_MIN <= len(inner) <= SIGNATURE_MAX:
        raise InputError(
            f"短信签名“{sig}”括号内有 {len(inner)} 个字，应为 {SIGNATURE_MIN}–{SIGNATURE_MAX} 个字。",
            hint="请用单位的全称或通用简称，例如【江苏质监】。",
        )
    if inner.isdigit():
        raise InputError(f"短信签名“{sig}”不能全是数字。", hint=example)
    return sig


def _signature_char(ch: str) -> bool:
    """Han characters, ASCII letters and digits: what platforms accept inside 【】."""
    return is_latin_or_digit(ch) or is_han(ch)


def check_body_text(text: str, what: str) -> str:
    """Clean one body segment (slogan, extra line, opt-out); reject 【】 and control characters."""
    cleaned = _tidy_spaces(text)
    if "【" in cleaned or "】" in cleaned:
        raise InputError(
            f"{what}“{cleaned}”含有【】：短信里【】只能用于开头的签名，平台会把它当作第二个签名而拒发。",
            hint="请把【】改成“”或〔〕，或者去掉。",
        )
    controls = [ch for ch in cleaned if unicodedata.category(ch) in ("Cc", "Cf")]
    if controls:
        raise InputError(f"{what}“{cleaned}”含有控制字符 {controls[0]!r}。", hint="请删掉不可见字符后重试。")
    return cleaned


def _tidy_spaces(text: str) -> str:
    """Whitespace between two Chinese phrases becomes "，", next to Chinese punctuation it goes; else one space.

    A notice separates a theme's phrases with spaces (“抓质量水平提升  促发展方式转变”); on a
    phone that reads as one run-on phrase, and each space is billed anyway.
    """
    text = text.strip()

    def replace(match: re.Match[str]) -> str:
        before, after = text[match.start() - 1], text[match.end()]
        if is_cjk_punct(before) or is_cjk_punct(after):
            return ""
        return "，" if is_han(before) and is_han(after) else " "

    return re.sub(r"\s+", replace, text)


# ---------------------------------------------------------------------------- composition


@dataclass(frozen=True)
class SmsOptions:
    """How every message is composed: 【signature】 + slogan + extra lines + opt-out."""

    signature: str
    extra_lines: tuple[str, ...] = ()
    opt_out: str = ""
    max_parts: int | None = None
    max_length: int = DEFAULT_MAX_LENGTH


@dataclass(frozen=True)
class Message:
    """One composed message with the length and part count a carrier bills."""

    id: str
    slogan: str
    text: str
    length: int
    parts: int


@dataclass(frozen=True)
class Skipped:
    """A slogan whose message does not fit the limits; it is left out whole, never cut."""

    id: str
    text: str
    length: int
    parts: int
    reason: str

    @property
    def message(self) -> str:
        """A Chinese report line naming the slogan id."""
        return f"口号 {self.id}：短信共 {self.length} 字、{self.parts} 条，{self.reason}，已略去（不会截断）。"


@dataclass(frozen=True)
class SmsBatch:
    """Messages that fit, in the order of the slogans, and those left out."""

    messages: tuple[Message, ...]
    skipped: tuple[Skipped, ...]


def hotline_line(hotline: str) -> str:
    """The hotline line, e.g. 质量投诉举报电话12365 (the number comes from the campaign year)."""
    return f"质量投诉举报电话{hotline.strip()}"


def make_options(
    signature: str | None,
    *,
    extra_lines: Iterable[str] = (),
    opt_out: str | None = None,
    max_parts: int | None = None,
    max_length: int = DEFAULT_MAX_LENGTH,
) -> SmsOptions:
    """Validate every fixed piece of the messages once, before any slogan is composed."""
    if signature is None:
        raise InputError(
            "没有短信签名。",
            hint="请用 --signature 【单位简称】 给出，或在活动文件的 [sms] 表中写 signature = \"【…】\"。",
        )
    if max_parts is not None and max_parts < 1:
        raise InputError(f"条数上限须为正整数，收到 {max_parts}。")
    if max_length < 1:
        raise InputError(f"字数上限须为正整数，收到 {max_length}。")
    lines = tuple(check_body_text(line, "附加行") for line in extra_lines if line.strip())
    return SmsOptions(
        signature=validate_signature(signature),
        extra_lines=lines,
        opt_out=check_body_text(opt_out, "退订语") if opt_out and opt_out.strip() else "",
        max_parts=max_parts,
        max_length=max_length,
    )


def compose_text(slogan: str, options: SmsOptions) -> str:
    """Signature, then the segments joined by 。 (unless a segment already ends a sentence)."""
    segments = [slogan, *options.extra_lines]
    if options.opt_out:
        segments.append(options.opt_out)
    body = ""
    for i, segment in enumerate(segments):
        body += segment
        if i < len(segments) - 1 and not segment.endswith(tuple(_SENTENCE_END)):
            body += "。"
    return options.signature + body


def compose_messages(slogans: Sequence[Slogan], options: SmsOptions) -> SmsBatch:
    """One message per slogan; those over the part or length limit go to `skipped`.

    Raises InputError when no slogan is selected or none fits: there would be nothing to send.
    """
    if not slogans:
        raise InputError("没有选中任何口号，无法生成短信。", hint="请检查活动文件的 [slogans] 选择或 --year。")
    _check_overhead(options)
    messages: list[Message] = []
    skipped: list[Skipped] = []
    for entry in slogans:
        body = check_body_text(entry.text, f"口号 {entry.id}")
        text = compose_text(body, options)
        length, parts = sms_length(text), part_count(text)
        reason = _over_limit(length, parts, options)
        if reason:
            skipped.append(Skipped(entry.id, text, length, parts, reason))
        else:
            messages.append(Message(entry.id, entry.text, text, length, parts))
    if not messages:
        listed = "\n".join(s.message for s in skipped[:10])
        raise InputError(
            f"没有一条短信放得下，什么也没有写出：\n{listed}",
            hint="请缩短签名或退订语，去掉热线/活动名称行，或放宽条数上限。",
        )
    return SmsBatch(tuple(messages), tuple(skipped))


def _over_limit(length: int, parts: int, options: SmsOptions) -> str | None:
    if length > options.max_length:
        return f"超过平台单条长短信上限 {options.max_length} 字"
    if options.max_parts is not None and parts > options.max_parts:
        return f"超过条数上限 {options.max_parts} 条"
    return None


def _check_overhead(options: SmsOptions) -> None:
    """Refuse up front when signature, extra lines and opt-out alone leave no room for a slogan."""
    fixed = compose_text("口", options)  # one character stands for the shortest slogan
    room = options.max_length
    if options.max_parts is not None:
        room = min(room, SINGLE_LIMIT if options.max_parts == 1 else PART_LIMIT * options.max_parts)
    if sms_length(fixed) > room:
        raise InputError(
            f"签名、附加行和退订语合计已有 {sms_length(fixed) - 1} 字，放不下任何口号（上限 {room} 字）。",
            hint="请缩短签名或退订语，去掉热线/活动名称行，或放宽条数上限。",
        )


# ---------------------------------------------------------------------------- phone numbers


@dataclass(frozen=True)
class PhoneProblem:
    """A line of the phones file that was not used, with its 1-based line number."""

    line: int
    raw: str
    reason: str
    duplicate: bool = False

    @property
    def message(self) -> str:
        return f"第 {self.line} 行“{self.raw}”：{self.reason}"


@dataclass(frozen=True)
class PhoneList:
    """Valid mainland mobile numbers in file order (11 digits, no prefix) and the lines dropped."""

    numbers: tuple[str, ...]
    problems: tuple[PhoneProblem, ...]


def normalize_phone(raw: str) -> tuple[str | None, str]:
    """Return (number, "") for a valid mainland mobile number, else (None, Chinese reason).

    Tolerated: full-width digits, spaces and dashes anywhere, a +86 / 0086 / 86 country prefix.
    """
    value = _PHONE_SEPARATORS.sub("", unicodedata.normalize("NFKC", raw))
    for prefix in ("+86", "0086"):
        if value.startswith(prefix):
            value = value[len(prefix) :]
            break
    else:
        if value.startswith("86") and len(value) == 13:
            value = value[2:]
    if not value.isascii() or not value.isdigit():
        return None, "含有数字以外的字符"
    if len(value) != 11:
        return None, f"有 {len(value)} 位数字，手机号应为 11 位"
    if not _PHONE_RE.fullmatch(value):
        return None, "不是大陆手机号段（应以 13–19 开头）"
    return value, ""


def parse_phones(text: str) -> PhoneList:
    """Numbers from one-a-line text or a CSV whose first column holds them.

    A first line without any digit is a header and is skipped; blank lines are ignored;
    invalid numbers and repeats are reported with their line numbers and left out.
    """
    numbers: list[str] = []
    problems: list[PhoneProblem] = []
    first_seen: dict[str, int] = {}
    seen_content = False
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        raw = _first_field(line)
        if not seen_content and not any(ch.isdigit() for ch in raw):
            seen_content = True
            continue  # header row such as "mobile" or "手机号码"
        seen_content = True
        number, reason = normalize_phone(raw)
        if number is None:
            problems.append(PhoneProblem(lineno, raw, reason))
        elif number in first_seen:
            problems.append(PhoneProblem(lineno, raw, f"与第 {first_seen[number]} 行重复，已去掉", duplicate=True))
        else:
            first_seen[number] = lineno
            numbers.append(number)
    return PhoneList(tuple(numbers), tuple(problems))


def _first_field(line: str) -> str:
    row = next(csv.reader([line]), [""])
    return (row[0] if row else "").strip()


def read_phones(path: Path) -> PhoneList:
    """Read a phones file (UTF-8, with or without BOM, or GB18030 as Excel saves it in China)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"找不到号码文件 {path}。", hint="请检查 --phones 的路径。") from None
    except OSError as error:
        raise InputError(f"无法读取号码文件 {path}：{os_reason(error)}。") from None
    text = _decode(data, path)
    phones = parse_phones(text)
    if not phones.numbers and not phones.problems:
        raise InputError(f"号码文件 {path} 里没有号码。", hint="每行写一个手机号，或用 CSV 第一列。")
    if not phones.numbers:
        listed = "\n".join(p.message for p in phones.problems[:10])
        more = f"\n……另有 {len(phones.problems) - 10} 行" if len(phones.problems) > 10 else ""
        raise InputError(f"号码文件 {path} 里没有一个有效的大陆手机号：\n{listed}{more}")
    return phones


def _decode(data: bytes, path: Path) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(f"号码文件 {path} 既不是 UTF-8 也不是 GB18030 编码。", hint="请另存为 UTF-8 文本或 CSV。")


# ---------------------------------------------------------------------------- output


def csv_safe(cell: str) -> str:
    """Prefix ' to a cell a spreadsheet would run as a formula (OWASP CSV injection)."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def _csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """UTF-8 with BOM (so Excel shows the Chinese), CRLF rows as RFC 4180 says."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_safe(str(cell)) for cell in row])
    return buffer.getvalue().encode("utf-8-sig")


def messages_csv(messages: Sequence[Message]) -> bytes:
    """The id,text,length,parts table."""
    return _csv_bytes(("id", "text", "length", "parts"), ((m.id, m.text, m.length, m.parts) for m in messages))


def messages_txt(messages: Sequence[Message]) -> bytes:
    """One message per line, UTF-8 without BOM (a BOM would be pasted into the first message)."""
    return "".join(m.text + "\n" for m in messages).encode("utf-8")


def phones_csv(numbers: Sequence[str], messages: Sequence[Message]) -> bytes:
    """mobile,content rows: every recipient gets every message, grouped message by message."""
    return _csv_bytes(("mobile", "content"), ((n, m.text) for m in messages for n in numbers))


@dataclass(frozen=True)
class OutputPaths:
    """Where `write_outputs` puts its files, all derived from the -o CSV path."""

    csv: Path
    txt: Path
    phones: Path


def output_paths(csv_path: Path) -> OutputPaths:
    """FILE.csv → FILE.csv, FILE.txt and FILE.mobile.csv; refuse anything but .csv."""
    if csv_path.suffix.lower() != ".csv":
        raise InputError(f"输出文件 {csv_path} 须以 .csv 结尾。", hint="例如 -o 短信.csv（同名 .txt 会写在旁边）。")
    return OutputPaths(csv_path, csv_path.with_suffix(".txt"), csv_path.with_suffix(".mobile.csv"))


def write_outputs(batch: SmsBatch, csv_path: Path, phones: PhoneList | None = None) -> list[Path]:
    """Write the CSV, the text file and (with phones) the import CSV, all or nothing."""
    paths = output_paths(csv_path)
    files = {paths.csv: messages_csv(batch.messages), paths.txt: messages_txt(batch.messages)}
    if phones is not None:
        files[paths.phones] = phones_csv(phones.numbers, batch.messages)
    write_atomic(files)
    return list(files)


def write_atomic(files: dict[Path, bytes]) -> None:
    """Write every file to a temp file beside it, then rename them all; on error remove the temps."""
    for path in files:
        if path.is_dir():
            raise InputError(f"无法写出 {path}：同名的文件夹已存在。", hint="请换一个 -o 文件名。")
    temps: list[tuple[Path, Path]] = []
    target: Path | None = None  # the file being written, named in the message (not its temp file)
    try:
        for path, data in files.items():
            target = path
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            temps.append((Path(name), path))
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.chmod(name, output_mode())  # like every other output, not mkstemp's 0600
        for temp, path in temps:
            target = path
            os.replace(temp, path)
    except OSError as error:
        for temp, _ in temps:
            temp.unlink(missing_ok=True)
        raise InputError(f"无法写出 {target or '输出文件'}：{os_reason(error)}。") from None


# ---------------------------------------------------------------------------- display


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, *, right: bool = False) -> str:
    space = " " * max(0, width - _width(text))
    return space + text if right else text + space


def format_table(messages: Sequence[Message]) -> str:
    """A readable table for the terminal: id, length, parts, then the message itself."""
    header = ("编号", "字数", "条数", "短信内容")
    id_width = max([_width(header[0]), *(_width(m.id) for m in messages)])
    lines = [f"{_pad(header[0], id_width)}  {header[1]}  {header[2]}  {header[3]}"]
    for m in messages:
        lines.append(f"{_pad(m.id, id_width)}  {_pad(str(m.length), 4, right=True)}  "
                     f"{_pad(str(m.parts), 4, right=True)}  {m.text}")
    return "\n".join(lines)
