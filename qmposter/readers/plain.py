"""Plain text: a byte cap that holds whatever stat says, and the encodings Chinese files come in."""

from __future__ import annotations

from pathlib import Path

from qmposter.errors import InputError
from qmposter.fileio import os_reason

BINARY_HINT = "请给出通知的文本、Word（.docx/.doc/.wps）、PDF 或网页（.html/.mhtml）文件，或网页地址。"


def read_capped(path: Path, cap: int, what: str = "通知文件") -> bytes:
    """At most `cap` bytes of `path`, read in chunks: a device or pipe (/dev/zero reports size 0)
    cannot make it read more, and a bigger file is refused rather than truncated."""
    if not path.exists():
        raise InputError(f"找不到{what}：{path}", hint="请检查路径和文件名是否正确。")
    if path.is_dir():
        raise InputError(f"{path} 是一个文件夹，不是{what}。", hint="请给出通知文件，例如 通知.txt 或 通知.docx。")
    chunks: list[bytes] = []
    total = 0
    try:
        with path.open("rb") as handle:
            while total <= cap:
                chunk = handle.read(min(1 << 20, cap + 1 - total))
                if not chunk:
                    break
                chunks.append(chunk)
                total += len(chunk)
    except OSError as error:
        raise InputError(f"无法读取{what} {path}：{os_reason(error)}") from error
    if total > cap:
        raise InputError(
            f"{what} {path} 超过 {size_text(cap)}，不像一份通知。",
            hint="请确认给的是通知本身，而不是设备、压缩包或整本文件汇编。",
        )
    return b"".join(chunks)


def size_text(size: int) -> str:
    """20 MB, 512 KB: the cap as people read it."""
    return f"{size // (1 << 20)} MB" if size >= 1 << 20 else f"{max(1, size // 1024)} KB"


def decode_text(data: bytes, where: str) -> str:
    """Text with "\\n" line ends: BOMs first, then UTF-8, then GB18030 (GBK files from Chinese Windows)."""
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    elif b"\x00" in data:
        raise InputError(f"{where} 是二进制文件，不是纯文本通知。", hint=BINARY_HINT)
    else:
        candidates = ["utf-8", "gb18030"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if looks_binary(text):
            break
        return text.replace("\r\n", "\n").replace("\r", "\n")
    raise InputError(f"{where} 不是可识别的文本文件（既不是 UTF-8 也不是 GB18030/GBK 编码）。", hint=BINARY_HINT)


def looks_binary(text: str) -> bool:
    """Control characters other than tab/newline/form feed do not occur in a typed notice."""
    controls = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\t\n\r\f\v") or ch == "\x7f")
    return controls > max(2, len(text) // 1000)
