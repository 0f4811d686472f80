"""Chinese wording for tomllib syntax errors: where the error is, and what to check.

tomllib (Python 3.11) reports only an English message ending in "(at line L, column C)";
users edit campaign.toml and templates by hand and read Chinese.
"""

from __future__ import annotations

import re
import tomllib

_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")
HINT = "检查引号是否成对、键名后是否有“=”、文字是否用引号括起来、[表头] 是否拼写正确。"


def describe(error: tomllib.TOMLDecodeError) -> str:
    """'第 L 行第 C 列 TOML 格式有误（原文）' or '文件末尾 …' from the tomllib message."""
    message = str(error)
    match = _POSITION.search(message)
    if match:
        where = f"第 {match.group(1)} 行第 {match.group(2)} 列"
    elif "end of document" in message:
        where = "文件末尾"
    else:
        where = ""
    return f"{where} TOML 格式有误（{message}）".lstrip()
