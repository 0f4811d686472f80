"""`read_source`: any notice source (path or URL) -> text plus provenance.

The format is decided by the content (PDF, ZIP/OOXML, OLE, RTF, MIME and HTML signatures),
the suffix only breaks ties, so a .txt that is really a saved page or a .doc that is really a
.docx reads correctly.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from qmposter.errors import InputError
from qmposter.readers import fetch, legacy, plain, script, web, word
from qmposter.readers import pdf as pdf_reader

MAX_SOURCE_BYTES = 20 * 1024 * 1024

FORMATS = ("txt", "docx", "pdf", "html", "mhtml", "doc", "wps", "rtf")


@dataclass(frozen=True)
class SourceText:
    """What a notice source says, as text, and where that text came from.

    text: Simplified Chinese, "\\n" line ends. origin: the path or URL as given. name: a file name
    for messages and the catalogue's `file`. format: one of FORMATS. traditional: the source was
    in Traditional script (converted with OpenCC). sha256: of the source's bytes, to recognise it
    again. warnings: what a person should know about the reading (Chinese).
    """

    text: str
    origin: str
    name: str
    format: str
    traditional: bool
    sha256: str
    warnings: tuple[str, ...] = ()

    def provenance(self) -> dict[str, object]:
        """The JSON object `slogans parse` prints under "source"."""
        return {
            "origin": self.origin,
            "format": self.format,
            "traditional": self.traditional,
            "sha256": self.sha256,
            "warnings": list(self.warnings),
        }


def read_source(source: str | Path, *, max_bytes: int = MAX_SOURCE_BYTES, timeout: float = fetch.TIMEOUT) -> SourceText:
    """Read a notice from a path or an http(s) URL. Bad input raises InputError (exit 2)."""
    if fetch.is_url(source):
        url = str(source)
        data, kind = fetch.fetch(url, max_bytes, timeout)
        name = url.rstrip("/").rsplit("/", 1)[-1] or "index.html"
        hint = "html" if "html" in kind else ""
        return source_from_bytes(data, origin=url, name=name, suffix_hint=hint)
    path = Path(source)
    data = plain.read_capped(path, max_bytes)
    return source_from_bytes(data, origin=str(path), name=path.name, suffix_hint=path.suffix.lower().lstrip("."))


def source_from_bytes(data: bytes, *, origin: str, name: str, suffix_hint: str = "") -> SourceText:
    """Read the bytes of a notice source (an upload, a download) by their content."""
    where = origin
    kind = sniff(data, suffix_hint)
    warnings: list[str] = []
    if kind in ("doc", "wps", "rtf"):
        text = word.docx_text(legacy.convert_to_docx(data, f".{kind}", where), where)
        warnings.append(f"{kind} 文件经 LibreOffice 转换后读取，请核对文字。")
    elif kind == "docx":
        text = word.docx_text(data, where)
    elif kind == "pdf":
        text = pdf_reader.pdf_text(data, where)
    elif kind == "mhtml":
        text = web.mhtml_text(data, where)
    elif kind == "html":
        text = web.html_bytes_to_text(data, where)
    else:
        text = plain.decode_text(data, where)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip(" \t\n\u3000\u00a0\ufeff\u200b"):
        what = "网页里没有找到正文文字" if kind in ("html", "mhtml") else "是空的"
        raise InputError(f"通知文件 {where} {what}。", hint="请确认保存了通知的全文。")
    text, traditional = script.to_simplified(text)
    if traditional:
        warnings.append("原文是繁体字，已转换为简体（OpenCC）；口号按简体规范写法保存，请核对个别字。")
    return SourceText(
        text=text,
        origin=origin,
        name=name,
        format=kind,
        traditional=traditional,
        sha256=hashlib.sha256(data).hexdigest(),
        warnings=tuple(warnings),
    )


def sniff(data: bytes, suffix: str = "") -> str:
    """The format of a source from its first bytes; the suffix only decides between text and markup."""
    head = data[:4096]
    if head.startswith(b"%PDF-") or (b"%PDF-" in head[:1024] and suffix == "pdf"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        if b"word/" in data[:65536] or suffix == "docx":
            return "docx"
        raise InputError(
            "文件是 ZIP 压缩包（或 Excel/PPT 等），不是 Word 文档。",
            hint="请解压后给出其中的通知文件，或另存为 .docx。",
        )
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "wps" if suffix == "wps" else "doc"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    lowered = head.lower()
    if suffix in ("mht", "mhtml") or (b"mime-version:" in lowered and b"multipart/related" in lowered):
        return "mhtml"
    if suffix in ("html", "htm", "shtml", "xhtml") or web.looks_like_html(head.decode("utf-8", "ignore")):
        return "html"
    return "txt"
