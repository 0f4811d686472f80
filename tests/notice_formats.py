"""Build .docx, .pdf, .html and .mhtml copies of a notice from its reviewable plain text.

The fixtures stay text: each format is made here, in the test, the way offices make them —
paragraphs in Word (a slogan list as a table), a PDF typeset over pages with a running head and
page numbers, a government-site page with breadcrumbs, 来源 line and footer around the article.
"""

from __future__ import annotations

import email.mime.multipart
import email.mime.text
import html
import re
from pathlib import Path

FONT = Path(__file__).resolve().parent.parent / "fonts" / "NotoSansSC-Regular.ttf"
_ITEM = re.compile(r"^\s*(\d{1,2})\s*[、.．]\s*(.+)$")
_PAREN_ITEM = re.compile(r"^\s*([（(]\d{1,2}[)）])\s*(.+)$")  # “（1）” stays in its cell as written


def _item(line: str) -> re.Match | None:
    return _ITEM.match(line) or _PAREN_ITEM.match(line)


def make_docx(text: str, path: Path, *, table: bool = True) -> Path:
    """One paragraph per line; a run of numbered lines (a slogan list) as a 序号|口号 table."""
    import docx

    document = docx.Document()
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        items = []
        while table and i < len(lines) and (m := _item(lines[i])) and len(m.group(2)) <= 30:
            items.append(m.groups())
            i += 1
        if len(items) >= 3:
            grid = document.add_table(rows=len(items), cols=2)
            for row, (number, slogan) in zip(grid.rows, items, strict=True):
                row.cells[0].text, row.cells[1].text = number, slogan
            continue
        for number, slogan in items:
            document.add_paragraph(f"{number}.{slogan}")
        if i < len(lines):
            document.add_paragraph(lines[i].strip())
            i += 1
    document.sections[0].header.paragraphs[0].text = "质量月活动文件汇编"  # a running head: not in the body
    document.save(str(path))
    return path


def make_pdf(text: str, path: Path, *, running_head: str = "市场监管信息公开") -> Path:
    """A4 pages typeset like a 公文: the title centred, every paragraph indented two characters and
    wrapped at the text width, a running head and “- n -” page numbers."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("NoticeSans", str(FONT)))
    width, height = A4
    measure = width - 144

    def wrap(line: str) -> list[str]:
        rows, row = [], ""
        for ch in line:
            if pdfmetrics.stringWidth(row + ch, "NoticeSans", 12) > measure:
                rows.append(row)
                row = ""
            row += ch
        return [*rows, row]

    lines = [ln.strip().replace("\t", "    ") for ln in text.split("\n")]
    heading = lines.index("") if "" in lines[:4] else 1  # a long title wraps over the lines before the blank
    rows = [("title", line) for line in lines[:heading]] + [
        ("body", row) for line in lines[heading:] for row in (wrap("\u3000\u3000" + line) if line else [""])
    ]
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    per_page = 40
    for page, start in enumerate(range(0, len(rows), per_page), start=1):
        pdf.setFont("NoticeSans", 9)
        pdf.drawString(72, height - 40, running_head)
        pdf.drawCentredString(width / 2, 30, f"- {page} -")
        pdf.setFont("NoticeSans", 12)
        y = height - 80
        for kind, row in rows[start : start + per_page]:
            if kind == "title":
                pdf.drawCentredString(width / 2, y, row)
            elif row:
                pdf.drawString(72, y, row)
            y -= 17
        pdf.showPage()
    pdf.save()
    return path


def page_html(text: str, *, site: str = "某某市市场监督管理局") -> str:
    """A government-site article page: navigation, breadcrumbs, 来源/发布时间, the article, footer."""
    lines = [ln.strip() for ln in text.split("\n")]
    title, body = lines[0], lines[1:]
    paragraphs = "\n".join(f"<p style=\"text-indent:2em\">{html.escape(ln)}</p>" for ln in body if ln)
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{html.escape(title)}_{site}</title>
<script>var _hmt = _hmt || [];</script><style>.nav li{{float:left}}</style></head>
<body>
<div class="top"><a href="/">{site}</a> | <a href="/en">English</a> | 无障碍浏览</div>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/jg">机构概况</a></li><li><a href="/zw">政务公开</a></li>
<li><a href="/bs">办事服务</a></li><li><a href="/hd">互动交流</a></li></ul>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zw">政务公开</a> &gt; 通知公告</div>
<div class="article">
<h1 class="title">{html.escape(title)}</h1>
<div class="info">来源：{site}　发布时间：2020-08-20 09:30　浏览次数：1523
　【字体：<a>大</a> <a>中</a> <a>小</a>】</div>
<div class="TRS_Editor">
{paragraphs}
</div>
<div class="tools">【<a href="javascript:window.print()">打印本页</a>】
【<a href="javascript:window.close()">关闭窗口</a>】</div>
<div class="pager">上一篇：关于做好防汛工作的通知<br>下一篇：关于公布抽查结果的公告</div>
</div>
<div class="footer">主办单位：{site}　地址：人民路1号　邮编：210000<br>版权所有 © {site}　苏ICP备05000001号</div>
</body></html>
"""


def make_html(text: str, path: Path) -> Path:
    path.write_text(page_html(text), encoding="utf-8")
    return path


def make_mhtml(text: str, path: Path) -> Path:
    """A “save as single file” web archive (multipart/related, quoted-printable HTML in GBK)."""
    message = email.mime.multipart.MIMEMultipart("related")
    message["Subject"] = "notice"
    part = email.mime.text.MIMEText(page_html(text), "html", "gb18030")
    message.attach(part)
    path.write_bytes(message.as_bytes())
    return path
