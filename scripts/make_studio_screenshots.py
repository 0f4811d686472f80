"""Screenshots of every studio page for docs/studio.md, taken as an office PC shows them (1366×768).

Starts `qmposter studio` on a scratch campaign made from the 2010 Jiangsu notice, walks
through the pages (a parsed notice, the catalogue, the previews, a finished build, leaflet
and SMS) and writes docs/studio/*.png. Needs Debian's chromium and playwright (test extra).

    python scripts/make_studio_screenshots.py
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from qmposter.studio.launch import CHROMIUM_ARGS, running_studio

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "studio"
NOTICE = ROOT / "tests" / "notices" / "2010-jiangsu-notice.txt"


def _settle(page) -> None:
    page.wait_for_load_state("networkidle")
    page.wait_for_function("!document.querySelector('[data-state=loading]')")
    page.evaluate("document.fonts.ready")


def _shoot(page, name: str) -> None:
    _settle(page)
    page.screenshot(path=str(OUT / f"{name}.png"))
    print(f"docs/studio/{name}.png")


def main() -> None:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="studio-shots-") as scratch:
        folder = Path(scratch) / "2010质量月"
        folder.mkdir()
        notice = Path(scratch) / "关于开展2010年全省质量月活动的通知.txt"
        shutil.copyfile(NOTICE, notice)
        with running_studio(folder / "campaign.toml", cwd=ROOT) as base, sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            page.set_default_timeout(120_000)
            page.goto(base + "/campaign")
            _shoot(page, "1-new-campaign")
            page.set_input_files("input[type=file]", str(notice))
            page.click("text=读取通知并新建活动")
            page.wait_for_url("**/campaign?saved=1*")
            page.check("input[name='build__templates[]'][value='poster-a3-red']")
            page.check("input[name='build__templates[]'][value='image-square-1080']")
            page.check("input[name='build__formats[]'][value='png']")
            page.click("text=保存活动文件")
            page.wait_for_url("**/campaign?saved=1")
            _shoot(page, "2-campaign")
            page.fill("#f-hotline", "一二三六五")
            page.wait_for_selector("#campaign-preview[data-state=error]")
            page.locator("[data-field=hotline]").scroll_into_view_if_needed()
            _shoot(page, "3-campaign-error")
            page.goto(base + "/notices")
            page.set_input_files("input[type=file]", str(ROOT / "tests" / "notices" / "2021-county.txt"))
            page.click("text=读取通知")
            _shoot(page, "4-notice-parsed")
            page.goto(base + "/slogans?year=2010")
            _shoot(page, "5-slogans")
            page.goto(base + "/previews")
            _shoot(page, "6-previews")
            page.goto(base + "/previews/poster-a3-red")
            _shoot(page, "7-preview-large")
            page.goto(base + "/build")
            page.click("#build-start")
            page.wait_for_selector("#build-panel[data-status=done]")
            page.wait_for_selector("#zip-all")
            _shoot(page, "8-build")
            page.goto(base + "/products")
            _shoot(page, "9-products")
            browser.close()


if __name__ == "__main__":
    main()
