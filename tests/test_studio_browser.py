"""The studio in a real browser: Debian's chromium driven by Playwright, the studio started as
`qmposter studio` in its own process on a free port.

One journey per window size (a common office screen, 1366×768, and a full-HD one): create a
campaign from a .docx notice (written with python-docx) dropped on the page, change the 落款
and see the poster change, edit a template file on disk and see its preview refresh, build with
the progress bar reaching 100 %, download the ZIP and check its manifest against its files; no
console error on any page, and no page wider than the window.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import zipfile
from pathlib import Path

import pytest
from notice_formats import make_docx

from qmposter.studio.launch import CHROMIUM_ARGS, running_studio

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"), reason="Debian chromium is not installed (scripts/test installs it)"
)
ROOT = Path(__file__).parents[1]
NOTICE = ROOT / "tests" / "notices" / "2010-jiangsu-notice.txt"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PAGES = ("/campaign", "/notices", "/slogans", "/previews", "/previews/poster-a3-red", "/build", "/products")



@pytest.fixture
def studio(tmp_path: Path):
    """`qmposter studio` on a free port with an empty campaign folder and a copy of the templates."""
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    folder = tmp_path / "活动"
    folder.mkdir()
    with running_studio(folder / "campaign.toml", templates=templates) as base:
        yield base, folder, templates


def _watch(page, problems: list[str]) -> None:
    """Collect console errors, script errors and failed requests; a request the page cancels itself (an
    older preview superseded by a newer edit, the event stream closed on leaving) is not a failure."""

    def console(message) -> None:
        if message.type == "error":
            problems.append(f"{page.url}: console error: {message.text}")

    def failed(request) -> None:
        if request.failure != "net::ERR_ABORTED":
            problems.append(f"request failed: {request.url}")

    page.on("console", console)
    page.on("pageerror", lambda e: problems.append(f"{page.url}: page error: {e}"))
    page.on("requestfailed", failed)


def _drop_file(page, selector: str, path: Path, mime: str) -> None:
    """Drop a file on the zone as a person dragging it from the desktop would."""
    page.evaluate(
        """([selector, name, mime, bytes]) => {
            const data = new DataTransfer();
            data.items.add(new File([new Uint8Array(bytes)], name, { type: mime }));
            const drop = new DragEvent("drop", { dataTransfer: data, bubbles: true });
            document.querySelector(selector).dispatchEvent(drop);
        }""",
        [selector, path.name, mime, list(path.read_bytes())],
    )


@pytest.mark.parametrize("viewport", [{"width": 1366, "height": 768}, {"width": 1920, "height": 1080}],
                         ids=["1366x768", "1920x1080"])  # fmt: skip
def test_studio_journey_in_chromium(studio, viewport: dict, tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    base, folder, templates = studio
    notice = make_docx(NOTICE.read_text(encoding="utf-8"), tmp_path / "关于开展2010年全省质量月活动的通知.docx")
    problems: list[str] = []
    with sync_api.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport=viewport, accept_downloads=True)
            page.set_default_timeout(60_000)
            _watch(page, problems)
            _create_from_notice(page, base, notice, folder)
            _edit_issuers(page)
            _designer_edit(page, base, templates)
            _build_and_download(page, base, tmp_path)
            for path in PAGES:
                page.goto(base + path)
                page.wait_for_load_state("networkidle")
                page.wait_for_function("!document.querySelector('[data-state=loading]')")
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= viewport["width"], f"{path} is {width}px wide in a {viewport['width']}px window"
        finally:
            browser.close()
    assert problems == []


def _create_from_notice(page, base: str, notice: Path, folder: Path) -> None:
    page.goto(base + "/")
    assert page.locator("h1").inner_text() == "新建活动"
    _drop_file(page, "[data-dropzone]", notice, DOCX)
    assert notice.name in page.locator("[data-chosen]").inner_text()
    page.click("text=读取通知并新建活动")
    page.wait_for_url("**/campaign?saved=1&note=issuers")  # the 落款 came from the notice: the page says so
    assert (folder / "campaign.toml").is_file()
    assert page.input_value("#f-year") == "2010"
    assert "江苏省质量技术监督局" in page.input_value("#f-issuers")


def _poster(page) -> bytes:
    frame = page.locator("#campaign-preview[data-state=ready]")
    frame.wait_for()
    return page.locator("#campaign-preview-img").screenshot()


def _edit_issuers(page) -> None:
    page.wait_for_selector("#campaign-preview[data-state=ready]")
    before = _poster(page)
    edits = int(page.get_attribute("#campaign-preview", "data-edit") or 0)
    page.fill("#f-issuers", "如东县市场监督管理局\n如东县总工会")
    page.wait_for_function(f"Number(document.querySelector('#campaign-preview').dataset.edit) > {edits}")
    after = _poster(page)
    assert after != before  # the 落款 on the poster changed before anything was saved
    page.fill("#f-sms__signature", "【如东县市场监管】")  # another body's signature would be refused, as by the CLI
    page.check("input[name='build__templates[]'][value='poster-a3-red']")
    page.check("input[name='build__formats[]'][value='png']")
    page.click("text=保存活动文件")
    page.wait_for_url("**/campaign?saved=1")
    assert page.input_value("#f-issuers") == "如东县市场监督管理局\n如东县总工会"
    assert page.locator(".alert.error").count() == 0


def _card(page, name: str):
    return page.locator(f".card[data-name='{name}']")


def _designer_edit(page, base: str, templates: Path) -> None:
    page.goto(base + "/previews")
    card = _card(page, "poster-a3-red")
    page.wait_for_selector(".card[data-name='poster-a3-red'][data-state=ready]")
    page.wait_for_function("!document.querySelector('.card[data-state=loading]')")
    version = card.get_attribute("data-version")
    before = card.locator("img").screenshot()
    source = templates / "poster-a3-red.toml"
    source.write_text(source.read_text(encoding="utf-8") + '\n[colors]\ngold = "#ffffff"\n', encoding="utf-8")
    page.wait_for_function(
        f"(() => {{ const c = document.querySelector(\".card[data-name='poster-a3-red']\");"
        f" return c.dataset.version !== '{version}' && c.dataset.state === 'ready'; }})()"
    )
    assert card.locator("img").screenshot() != before  # white slogan instead of gold, without a reload


def _build_and_download(page, base: str, tmp_path: Path) -> None:
    page.goto(base + "/build")
    page.click("#build-start")
    page.wait_for_selector("#build-panel[data-status=done]", timeout=300_000)
    assert page.get_attribute("#build-progress", "aria-valuenow") == "100"
    done, total = page.inner_text("#build-count").split("（")[0].split(" / ")
    assert done == total and int(total) > 0
    page.wait_for_selector("#zip-all")
    with page.expect_download() as event:
        page.click("#zip-all")
    target = tmp_path / "kit.zip"
    event.value.save_as(target)
    archive = zipfile.ZipFile(io.BytesIO(target.read_bytes()))
    manifest = json.loads(archive.read("manifest.json"))
    assert {item["path"] for item in manifest["items"]} == set(archive.namelist()) - {"manifest.json"}
    assert len(manifest["items"]) == int(total)
    for item in manifest["items"]:
        assert hashlib.sha256(archive.read(item["path"])).hexdigest() == item["sha256"]
        assert item["template"] == "poster-a3-red" and item["format"] == "png"
