"""Chinese wording for tomllib syntax errors: where the error is, the line, and what to change.

tomllib (Python 3.11) reports only an English message ending in "(at line L, column C)";
users edit campaign.toml and templates by hand and read Chinese. The two mistakes people
make most are named outright: Chinese curly quotes “…” used as TOML's quotes, and a
phone number written without quotes (0512-12345 is not a TOML value).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from qmposter import toml_cache
from qmposter.errors import QmposterError

if TYPE_CHECKING:
    import tomllib

# patterns, compiled by `re` on first use: only a file that does not parse needs them (~0.4 ms)
_POSITION = r"\(at line (\d+), column (\d+)\)"
HINT = "检查引号是否成对、键名后是否有“=”、文字是否用英文双引号括起来、[表头] 是否拼写正确。"

_CURLY_VALUE = r"(?:=|^\s*|[\[,])\s*[“”‘’「」]"
_BARE_NUMBER = r"^\s*([\w.-]+)\s*=\s*(\+?\d[\d -]*\d)\s*(?:#.*)?$"
_BARE_TEXT = r"^\s*([\w.-]+)\s*=\s*([^\s\"'\[{#=][^#]*?)\s*$"
_MESSAGES = (
    ("Invalid value", "值的写法不对"),
    ("Expected newline or end of document after a statement", "一行只能写一项，值后面多了内容"),
    ("Expected '=' after a key", "键名后应有“=”"),
    ("Illegal character", "引号没有成对（文字的结尾少了英文双引号）"),
    ("Expected ']' at the end of a table declaration", "[表头] 缺少右方括号 ]"),
    ("Cannot overwrite a value", "同一个键写了两次"),
    ("Cannot declare", "同一个 [表头] 写了两次"),
    ("Unclosed array", "列表 [ … ] 缺少右方括号"),
)


def loads(text: str, what: str, error: type[QmposterError]) -> dict[str, Any]:
    """tomllib.loads for every file people edit (through toml_cache): a syntax error raises `error` as
    '<what> 第 L 行… （这一行是：…）'."""
    try:
        return toml_cache.loads(text)
    except ValueError as exc:
        import tomllib  # imported already: a text that does not parse is never served from the cache

        if not isinstance(exc, tomllib.TOMLDecodeError):
            raise
        raise error(f"{what} {describe(exc, text)}。", hint=HINT) from None


def describe(error: tomllib.TOMLDecodeError, text: str | None = None) -> str:
    """'第 L 行第 C 列 TOML 格式有误：原因（这一行是：…）' from the tomllib message and the file text."""
    message = str(error)
    match = re.search(_POSITION, message)
    line_no = int(match.group(1)) if match else None
    if match:
        where = f"第 {match.group(1)} 行第 {match.group(2)} 列"
    elif "end of document" in message:
        where = "文件末尾"
    else:
        where = ""
    lines = text.splitlines() if text is not None else []
    line = lines[line_no - 1] if line_no is not None and 0 < line_no <= len(lines) else None
    reason = (line is not None and _common_cause(line)) or _translated(message)
    shown = f"（这一行是：{line.strip()}）" if line is not None and line.strip() else ""
    return f"{where} TOML 格式有误：{reason}{shown}".lstrip()


def _common_cause(line: str) -> str | None:
    """The two usual mistakes, said with the fix written out."""
    if re.search(_CURLY_VALUE, line.split("#", 1)[0]):
        return "值用了中文引号“…”；TOML 的文字要用英文双引号 \"…\" 括起来（文字里面可以有中文引号）"
    bare = re.match(_BARE_NUMBER, line)
    if bare and re.search(r"[ -]|^0", bare.group(2)):
        return f'电话号码要用英文双引号括起来，写成 {bare.group(1)} = "{bare.group(2)}"'
    text = re.match(_BARE_TEXT, line)
    if text and text.group(2) not in ("true", "false"):
        return f'文字要用英文双引号括起来，写成 {text.group(1)} = "{text.group(2)}"'
    return None


def _translated(message: str) -> str:
    english = re.sub(_POSITION, "", message).strip()
    for prefix, chinese in _MESSAGES:
        if english.startswith(prefix):
            return f"{chinese}（{english}）"
    return f"（{english}）"
