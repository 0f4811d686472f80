"""How long a field edit on the studio's 活动 page takes to show the new A3 poster.

Starts `qmposter studio` on a copy of the bundled default campaign and measures two things:

1. server: POST /campaign/preview with a changed 落款 (form parsing, the CLI's campaign check,
   layout, raster at screen size, PNG) — what one edit costs the studio;
2. browser (needs Debian's chromium and playwright): from the `input` event of the 落款 box to
   the new picture decoded on the page — what a person sees, including the page's debounce,
   the request and the image decode.

    python bench/bench_studio.py [--edits 30] [--json FILE]

Results are recorded in docs/performance.md (“Studio: preview latency”). Nothing is asserted:
tests/test_bench_smoke.py-style checks belong in tests, figures here.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qmposter.studio.launch import CHROMIUM_ARGS, running_studio  # noqa: E402


def _issuers(number: int) -> str:
    return f"第{number}号市场监督管理局\n江苏省质量技术监督局"


def _summary(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {"n": len(samples), "median_ms": round(statistics.median(ordered), 1),
            "p90_ms": round(ordered[int(0.9 * (len(ordered) - 1))], 1), "max_ms": round(ordered[-1], 1)}  # fmt: skip


def server_edits(base: str, edits: int) -> dict:
    from qmposter.studio import campaign_form

    page = urllib.request.urlopen(base + "/campaign").read().decode("utf-8")
    csrf = page.split('name="csrf-token" content="')[1].split('"')[0]
    text = (ROOT / "campaigns" / "default.toml").read_text(encoding="utf-8")
    values = {k: "\n".join(map(str, v)) if isinstance(v, list) else str(v)
              for k, v in campaign_form.read_values(text).items() if not k.startswith("build__")}  # fmt: skip
    samples = []
    for number in range(edits + 1):
        body = urllib.parse.urlencode({**values, "issuers": _issuers(number)}).encode("utf-8")
        request = urllib.request.Request(base + "/campaign/preview", body, {"X-CSRF-Token": csrf})
        started = time.perf_counter()
        png = urllib.request.urlopen(request).read()
        elapsed = (time.perf_counter() - started) * 1000
        assert png.startswith(b"\x89PNG")
        if number:  # the first edit after start-up is reported apart
            samples.append(elapsed)
    return _summary(samples)


def browser_edits(base: str, edits: int) -> dict | None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if chromium is None:
        return None
    samples = []
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        page.goto(base + "/campaign")
        page.wait_for_selector("#campaign-preview[data-state=ready]")
        size = page.evaluate("[document.querySelector('#campaign-preview-img').naturalWidth,"
                             " document.querySelector('#campaign-preview-img').naturalHeight]")  # fmt: skip
        for number in range(edits):
            edit = int(page.get_attribute("#campaign-preview", "data-edit") or 0)
            page.evaluate("""() => {
                const box = document.querySelector('#f-issuers');
                box.addEventListener('input', () => { window.editStarted = performance.now(); }, { once: true });
            }""")
            page.fill("#f-issuers", _issuers(number + 100))
            frame = "document.querySelector('#campaign-preview').dataset"
            page.wait_for_function(f"Number({frame}.edit) > {edit} && {frame}.state === 'ready'")
            samples.append(page.evaluate("performance.now() - window.editStarted"))
        browser.close()
    return {**_summary(samples), "picture_px": size}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=30)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-studio-") as scratch:
        folder = Path(scratch)
        shutil.copyfile(ROOT / "campaigns" / "default.toml", folder / "campaign.toml")
        with running_studio(folder / "campaign.toml", cwd=ROOT) as base:
            time.sleep(2)  # start-up renders the poster once (fonts, word list)
            result = {"server": server_edits(base, args.edits), "browser": browser_edits(base, args.edits)}
    print("| measured | edits | median ms | p90 ms | max ms |")
    print("|---|---|---|---|---|")
    for name, row in result.items():
        if row:
            print(f"| {name} | {row['n']} | {row['median_ms']} | {row['p90_ms']} | {row['max_ms']} |")
    if result["browser"]:
        print(f"picture: {result['browser']['picture_px'][0]}×{result['browser']['picture_px'][1]} px (A3)")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
