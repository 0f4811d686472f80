"""Chinese for click's own messages (usage, help headings, option errors).

Users read qmposter in Simplified Chinese, but click prints its usage errors and help
headings through gettext in English, and gettext only honours the process locale, which
is "C" on most servers. So the translations are installed directly into click's modules,
by replacing the `_`/`ngettext` names they imported. A string missing here (e.g. after a
click upgrade changes it) simply stays English.
"""

from __future__ import annotations

import importlib
import unicodedata

from click import _compat

_MESSAGES: dict[str, str] = {
    "Usage:": "用法:",
    "Options": "选项",
    "Commands": "命令",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本号并退出。",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行 '{command} {option}' 查看帮助。",
    "No such option: {name}": "没有这个选项：{name}",
    "No such option {name!r}.": "没有这个选项：{name!r}。",
    "No such command {name!r}.": "没有这个命令：{name!r}。",
    "Missing command.": "缺少命令。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing {param_type}": "缺少{param_type}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Invalid value: {message}": "值无效：{message}",
    "Option {name!r} does not take a value.": "选项 {name!r} 不接受值。",
    "Argument {name!r} takes {nargs} values.": "参数 {name!r} 需要 {nargs} 个值。",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是一个文件夹。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是一个文件。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 不可读。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 不可写。",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}：{message}",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的数字。",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
    "default: {default}": "默认：{default}",
    "required": "必填",
    "Aborted!": "已中止。",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
}

# click's ngettext messages: both the singular and the plural form map to one Chinese text.
_PLURALS: dict[str, str] = {
    "Got unexpected extra argument ({args})": "多余的参数：{args}",
    "Got unexpected extra arguments ({args})": "多余的参数：{args}",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 需要 {nargs} 个值。",
    "{value!r} is not {choice}.": "{value!r} 不是 {choice}。",
    "{value!r} is not one of {choices}.": "{value!r} 不是可选值 {choices} 之一。",
    "Did you mean {possibility}?": "你是不是想用 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（你是不是想用其中之一：{possibilities}？）",
}

_CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "types", "termui", "utils")


def gettext(message: str) -> str:
    return _MESSAGES.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    chosen = singular if n == 1 else plural
    return _PLURALS.get(chosen, chosen)


def display_width(text: str) -> int:
    """Terminal columns of `text`: wide and full-width characters (Han, ，。) take two."""
    plain = _compat.strip_ansi(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in plain)


def install() -> None:
    """Make click speak Chinese in every module that looks up messages, and align Chinese help columns."""
    importlib.import_module("click.formatting").term_len = display_width  # type: ignore[attr-defined]
    for name in _CLICK_MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]
    _use_chinese_full_stop_for_missing_parameters()


def _use_chinese_full_stop_for_missing_parameters() -> None:
    """click writes "Missing argument 'X'." with a literal ASCII full stop; end it with "。"."""
    missing = importlib.import_module("click.exceptions").MissingParameter
    if getattr(missing.format_message, "_qmposter", False):
        return
    english = missing.format_message

    def format_message(self) -> str:  # type: ignore[no-untyped-def]
        text = english(self)
        if text.endswith("."):
            return text[:-1] + "。"
        head, dot, tail = text.partition(". ")
        return f"{head}。{tail}" if dot else text

    format_message._qmposter = True  # type: ignore[attr-defined]
    missing.format_message = format_message
