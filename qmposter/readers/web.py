"""Saved web pages (.html/.htm/.mhtml): the article body without the government-site chrome.

The body is the element whose own paragraphs hold the most text (navigation menus and link lists
have little text per paragraph); the page title (h1/h2 above it) is kept. Block elements become
lines, a table row its cells joined by tabs, so paragraph and list structure survives.
"""

from __future__ import annotations

import email
import email.policy
import re

from qmposter.errors import InputError

_DROP = ("script", "style", "noscript", "iframe", "form", "nav", "header", "footer", "aside", "select", "button")
_BLOCKS = {"p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "br", "table", "ul", "ol", "section",
           "article", "blockquote", "pre", "dd", "dt", "td", "th", "center", "hr"}  # fmt: skip
_CHROME = re.compile(r"nav|menu|breadcrumb|crumb|footer|header|share|related|sidebar|pager|position|copyright", re.I)
_CHARSET = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.I)


def looks_like_html(head: str) -> bool:
    """Does the start of a text look like markup (a saved page) rather than a notice?"""
    return bool(re.search(r"<(?:!doctype\s+html|html|head|body|meta|div|p)\b", head[:4096], re.I))


def html_bytes_to_text(data: bytes, where: str) -> str:
    return html_text(_decode_html(data, where))


def mhtml_text(data: bytes, where: str) -> str:
    """The first text/html part of a web archive (IE/Chrome “save as single file”)."""
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    for part in message.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True) or b""
            charset = part.get_content_charset()
            if charset:
                try:
                    return html_text(payload.decode(charset))
                except (LookupError, UnicodeDecodeError):
                    pass
            return html_text(_decode_html(payload, where))
    raise InputError(f"{where} 是网页存档（.mhtml），但里面没有网页正文。", hint="请在浏览器中重新“另存为网页”后再试。")


def _decode_html(data: bytes, where: str) -> str:
    found = _CHARSET.search(data[:4096])
    encodings = [found.group(1).decode("ascii").lower()] if found else []
    for encoding in [*encodings, "utf-8", "gb18030"]:
        try:
            return data.decode("gb18030" if encoding in ("gb2312", "gbk") else encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    raise InputError(f"{where} 的网页编码无法识别。", hint="请在浏览器中打开它，另存为 UTF-8 网页或复制正文为文本。")


def html_text(markup: str) -> str:
    """The article text of a page: its title line, then the body's lines."""
    import lxml.html
    from lxml import etree

    markup = re.sub(r"^\s*<\?xml[^>]*>", "", markup)  # lxml refuses a str with an encoding declaration
    if not markup.strip():
        return ""
    try:
        root = lxml.html.document_fromstring(markup)
    except (etree.ParserError, ValueError):
        return ""
    for bad in root.xpath("|".join(f"//{t}" for t in _DROP)):
        bad.drop_tree()
    for comment in root.xpath("//comment()"):
        if comment.getparent() is not None:  # a damaged <!DOCTYPE> becomes a comment outside the root
            comment.drop_tree()
    body = _article(root)
    lines = _lines(body)
    title = _title(root, body)
    if title and not any(title in line for line in lines[:6]):
        lines.insert(0, title)
    return "\n".join(lines)


def _score(element) -> int:
    """Text in the element's own paragraphs (p, or text and br directly inside it)."""
    total = len("".join(element.xpath("./p//text()|./text()|./font//text()|./span//text()")).strip())
    cls = f"{element.get('class', '')} {element.get('id', '')}"
    return total // 4 if _CHROME.search(cls) else total


def _article(root):
    body = root.find("body")
    if body is None:
        body = root
    best, best_score = body, 0
    for element in body.iter("div", "td", "article", "section", "font", "span"):
        score = _score(element)
        if score > best_score:
            best, best_score = element, score
    total = len("".join(body.itertext()).strip())
    return best if best_score >= 200 or best_score * 3 >= total else body


def _title(root, body) -> str | None:
    """The h1/h2 that precedes the body (a page title outside the article div)."""
    titled = [e for e in root.iter("div", "td", "p", "span") if "title" in f"{e.get('class', '')} {e.get('id', '')}"]
    for heading in [*root.iter("h1", "h2", "h3"), *titled]:
        text = _squash("".join(heading.itertext()))
        if text and len(text) <= 100 and ("质量月" in text or "質量月" in text):
            return text
    page_title = root.find(".//title")
    for part in re.split(r"\s[-_|—]\s|_", _squash(page_title.text_content()) if page_title is not None else ""):
        if "质量月" in part or "質量月" in part:
            return part.strip()
    return None


def _squash(text: str) -> str:
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


def _lines(element) -> list[str]:
    parts: list[str] = []

    def visit(node) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in ("td", "th"):
            parts.append("\t")
        elif tag in _BLOCKS:
            parts.append("\n")
        if node.text and tag not in ("br", "hr"):
            parts.append(node.text)
        for child in node:
            visit(child)
            if child.tail:
                parts.append(child.tail)
        if tag in _BLOCKS and tag not in ("td", "th"):
            parts.append("\n")

    visit(element)
    out = []
    for raw in "".join(parts).split("\n"):
        line = re.sub(r"[ \r\f\v]+", " ", raw).strip(" ")
        line = re.sub(r"^\t+|\t+$", "", line)
        line = re.sub(r"\t{2,}", "\t", line)
        if line.strip():
            out.append(line)
    return out
