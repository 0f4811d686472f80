"""qmposter.readers: every notice format to the same text, bounded reads, clear refusals.

The docx/pdf/html/mhtml copies are built in the test from the reviewable .txt notices
(tests/notice_formats.py), then read back through `read_source` and parsed.
"""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from notice_formats import make_docx, make_html, make_mhtml, make_pdf

from qmposter.catalogue.notice import parse_notice_file, parse_source, read_notice_file
from qmposter.cli import cli
from qmposter.errors import InputError
from qmposter.readers import read_source, source_from_bytes

NOTICES = Path(__file__).resolve().parent / "notices"
SAME_NOTICE = ["2009-national-notice", "2010-jiangsu-notice", "2015-national", "2023-haian-plan"]
MAKERS = {"docx": make_docx, "pdf": make_pdf, "html": make_html, "mhtml": make_mhtml}


@pytest.mark.parametrize("stem", SAME_NOTICE)
@pytest.mark.parametrize("fmt", sorted(MAKERS))
def test_the_same_notice_in_every_format_parses_the_same(stem: str, fmt: str, tmp_path: Path) -> None:
    txt = NOTICES / f"{stem}.txt"
    copy = MAKERS[fmt](read_notice_file(txt), tmp_path / f"{stem}.{fmt}")
    source = read_source(copy)
    assert source.format == fmt
    assert parse_source(source).to_json() == parse_notice_file(txt).to_json()


def test_a_file_is_read_by_its_content_not_its_suffix(tmp_path: Path) -> None:
    disguised = make_docx(read_notice_file(NOTICES / "2015-national.txt"), tmp_path / "通知.docx")
    renamed = disguised.rename(tmp_path / "通知.txt")
    assert read_source(renamed).format == "docx"
    page = make_html(read_notice_file(NOTICES / "2015-national.txt"), tmp_path / "page.txt")
    assert read_source(page).format == "html"


def test_docx_reads_tables_and_text_boxes_in_order(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("2021年全市“质量月”宣传标语")
    grid = document.add_table(rows=2, cols=2)
    grid.rows[0].cells[0].text, grid.rows[0].cells[1].text = "1", "质量第一，品质生活"
    grid.rows[1].cells[0].text, grid.rows[1].cells[1].text = "2", "建设质量强市，共享品质生活"
    document.add_paragraph("此页完")
    path = tmp_path / "list.docx"
    document.save(str(path))
    text = read_source(path).text
    assert text.split("\n") == [
        "2021年全市“质量月”宣传标语", "1\t质量第一，品质生活", "2\t建设质量强市，共享品质生活", "此页完",
    ]  # fmt: skip


def test_pdf_drops_running_heads_and_page_numbers(tmp_path: Path) -> None:
    text = read_notice_file(NOTICES / "2009-national-notice.txt")
    source = read_source(make_pdf(text, tmp_path / "n.pdf", running_head="国家质检总局网站 打印版"))
    assert "国家质检总局网站" not in source.text
    assert not any(line.strip("- ").isdigit() for line in source.text.split("\n"))


def test_a_scanned_pdf_says_it_has_no_text_layer(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    path = tmp_path / "scan.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.rect(50, 50, 400, 600, fill=1)  # the page image of a scan: no text at all
    pdf.showPage()
    pdf.save()
    with pytest.raises(InputError, match="没有文字层"):
        read_source(path)
    result = CliRunner().invoke(cli, ["slogans", "parse", str(path)])
    assert result.exit_code == 2 and "扫描件" in result.output and "Traceback" not in result.output


def test_web_page_chrome_is_left_out(tmp_path: Path) -> None:
    text = read_source(make_html(read_notice_file(NOTICES / "2015-national.txt"), tmp_path / "p.html")).text
    for chrome in ("当前位置", "机构概况", "打印本页", "上一篇", "版权所有", "浏览次数", "_hmt"):
        assert chrome not in text, chrome
    assert text.startswith("关于开展2015年全国“质量月”活动的通知")


# --- issue 11 row 11: a byte cap that holds whatever stat says -----------------------------------


def test_dev_zero_is_refused_by_the_byte_cap_not_a_memory_error() -> None:
    with pytest.raises(InputError, match="超过 20 MB"):
        read_source("/dev/zero")
    result = CliRunner().invoke(cli, ["slogans", "parse", "/dev/zero"])
    assert result.exit_code == 2 and "超过 20 MB" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_the_cap_refuses_rather_than_truncates(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(read_notice_file(NOTICES / "2015-national.txt").encode())
    assert path.stat().st_size > 1024
    with pytest.raises(InputError, match="超过 1 KB"):
        read_source(path, max_bytes=1024)
    assert read_source(path).format == "txt"


# --- http(s): a local server, nothing on the internet --------------------------------------------


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    handler = functools.partial(_QuietHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", tmp_path
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def test_a_url_is_fetched_and_read_as_its_page(site: tuple[str, Path]) -> None:
    base, root = site
    txt = NOTICES / "2010-jiangsu-notice.txt"
    make_html(read_notice_file(txt), root / "art.html")
    source = read_source(f"{base}/art.html")
    assert (source.format, source.origin) == ("html", f"{base}/art.html")
    assert parse_source(source).to_json() == parse_notice_file(txt).to_json()
    result = CliRunner().invoke(cli, ["slogans", "parse", f"{base}/art.html"])
    assert result.exit_code == 0 and "抓质量水平提升，促发展方式转变" in result.stdout


def test_a_url_too_big_or_missing_exits_2(site: tuple[str, Path]) -> None:
    base, root = site
    (root / "big.html").write_bytes(b"<html><body><p>" + "质量月".encode() * 400_000 + b"</p></body></html>")
    with pytest.raises(InputError, match="超过 1 MB"):
        read_source(f"{base}/big.html", max_bytes=1024 * 1024)
    result = CliRunner().invoke(cli, ["slogans", "parse", f"{base}/gone.html"])
    assert result.exit_code == 2 and "404" in result.output


def test_an_unreachable_url_exits_2() -> None:
    result = CliRunner().invoke(cli, ["slogans", "parse", "http://127.0.0.1:9/notice.html"])
    assert result.exit_code == 2 and "下载" in result.output and "Traceback" not in result.output


# --- .doc/.wps through LibreOffice ---------------------------------------------------------------


def test_old_word_without_libreoffice_says_how_to_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # a machine without soffice on its PATH
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    for suffix in ("doc", "wps"):
        with pytest.raises(InputError, match=re.escape("用 WPS/Word 另存为 .docx，或安装 LibreOffice")) as caught:
            source_from_bytes(ole, origin=f"通知.{suffix}", name=f"通知.{suffix}", suffix_hint=suffix)
        assert f".{suffix}" in caught.value.message


def test_a_doc_converted_by_libreoffice_parses_like_the_text(tmp_path: Path) -> None:
    assert shutil.which("soffice"), "LibreOffice is missing: scripts/test installs it (libreoffice-writer-nogui)"
    txt = NOTICES / "2010-jiangsu-notice.txt"
    made = make_docx(read_notice_file(txt), tmp_path / "notice.docx")
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "doc", "--outdir",
         str(tmp_path / "doc"), str(made)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    doc = tmp_path / "doc" / "notice.doc"
    assert doc.read_bytes().startswith(b"\xd0\xcf\x11\xe0")  # a real binary Word file
    source = read_source(doc)
    assert source.format == "doc" and any("LibreOffice" in w for w in source.warnings)
    assert parse_source(source).to_json() == parse_notice_file(txt).to_json()


def test_a_two_column_pdf_is_read_column_by_column(tmp_path: Path) -> None:
    from notice_formats import FONT
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("NoticeSans", str(FONT)))
    path = tmp_path / "columns.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    pdf.setFont("NoticeSans", 11)
    left = ["2021年全市“质量月”宣传标语", "1.质量第一，品质生活", "2.建设质量强市，共享品质生活"]
    right = ["3.诚信经营，放心消费", "4.标准引领，质量提升"]
    for column, x in ((left, 60), (right, 320)):
        for row, text in enumerate(column):
            pdf.drawString(x, 760 - row * 18, text)  # the right column's rows sit beside the left's
    pdf.showPage()
    pdf.save()
    assert read_source(path).text.split("\n") == left + right


def test_docx_text_boxes_are_read_once(tmp_path: Path) -> None:
    """A text box is stored twice (DrawingML, and a VML copy for old Word): its text must come once."""
    import docx
    from docx.oxml import parse_xml

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    box = (
        f'<w:r xmlns:w="{w}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
        'xmlns:v="urn:schemas-microsoft-com:vml">'
        "<mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><wps:txbx><w:txbxContent>"
        "<w:p><w:r><w:t>宣传口号：质量第一，品质生活；建设质量强市，共享品质生活。</w:t></w:r></w:p>"
        "</w:txbxContent></wps:txbx></w:drawing></mc:Choice>"
        "<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>"
        "<w:p><w:r><w:t>宣传口号：质量第一，品质生活；建设质量强市，共享品质生活。</w:t></w:r></w:p>"
        "</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
    )
    document = docx.Document()
    anchor = document.add_paragraph("2021年全市“质量月”活动")
    anchor._p.append(parse_xml(box))
    document.add_paragraph("以上口号供各单位选用")
    path = tmp_path / "box.docx"
    document.save(str(path))
    assert read_source(path).text.split("\n") == [
        "2021年全市“质量月”活动",
        "宣传口号：质量第一，品质生活；建设质量强市，共享品质生活。",
        "以上口号供各单位选用",
    ]


@pytest.fixture(scope="module")
def format_seeds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("seeds")
    text = read_notice_file(NOTICES / "2015-national.txt")
    return {fmt: make(text, folder / f"seed.{fmt}").read_bytes() for fmt, make in MAKERS.items()}


@settings(max_examples=80, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_damaged_files_of_every_format_are_bad_input_never_a_crash(format_seeds: dict[str, bytes], data) -> None:
    fmt = data.draw(st.sampled_from(sorted(format_seeds)))
    raw = bytearray(format_seeds[fmt])
    for _ in range(data.draw(st.integers(1, 12))):
        at = data.draw(st.integers(0, len(raw) - 1))
        action = data.draw(st.sampled_from(["flip", "cut", "insert"]))
        if action == "flip":
            raw[at] = data.draw(st.integers(0, 255))
        elif action == "cut":
            del raw[at : at + data.draw(st.integers(1, 300))]
        else:
            raw[at:at] = data.draw(st.binary(min_size=1, max_size=16))
        if not raw:
            raw = bytearray(b"%PDF-")
    try:
        source = source_from_bytes(bytes(raw), origin=f"x.{fmt}", name=f"x.{fmt}", suffix_hint=fmt)
    except InputError as error:
        assert error.message  # a Chinese message, exit 2
    else:
        assert isinstance(source.text, str)


def test_a_damaged_doctype_is_read_past_not_a_crash() -> None:
    """lxml makes “<!ZOCTYPE html>” a comment outside the root; dropping it raised AssertionError."""
    page = "<!ZOCTYPE html>\n<html><body><p>2015年全国“质量月”活动宣传口号</p></body></html>"
    source = source_from_bytes(page.encode(), origin="x.html", name="x.html", suffix_hint="html")
    assert "2015年全国“质量月”活动宣传口号" in source.text
