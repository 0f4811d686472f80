"""Warm re-render for a live preview (issue 12: ≤ 100 ms): `LivePreview.render` CPU ms after an edit.

Two kinds of edit, each in one warm process (fonts, pictures, word breaks loaded once):
- text: a new slogan text every time (what a designer types);
- template: the template file edited every time (LivePreview re-reads it), counted as the worst
  case: the stored canvases and run tiles are dropped first, as when the edit moves the first item
  (glyph masks and pictures stay: an edit does not change the fonts).

usage: python bench/bench_live.py [--repeat 8] [TEMPLATE ...]
Runs from the repository root without installing (the repository is put on sys.path).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qmposter.products.live import LivePreview  # noqa: E402
from qmposter.render.prefix_cache import PREFIXES  # noqa: E402
from qmposter.render.run_tiles import RUN_TILES  # noqa: E402
from qmposter.resources import bundled_dir  # noqa: E402

DEFAULT = ["poster-a3-red", "poster-a2-modern", "image-square-1080", "banner-red-0.9x6m", "vertical-red-0.8x3m"]


def cpu_ms(call) -> float:
    start = time.process_time()
    call()
    return (time.process_time() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("templates", nargs="*", default=DEFAULT)
    parser.add_argument("--repeat", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        templates = Path(tmp) / "templates"
        shutil.copytree(bundled_dir("templates"), templates)
        preview = LivePreview(templates_dir=templates)
        print("| template | new text: median / max ms | template edit: median / max ms |")
        print("|---|--:|--:|")
        for name in args.templates:
            preview.render(name, slogan="2010-05")  # warm-up: fonts, pictures, template
            texts = [f"质量第一安全至上第{k}条" for k in range(args.repeat)]
            text = [cpu_ms(lambda n=name, t=t: preview.render(n, text=t)) for t in texts]
            path = templates / f"{name}.toml"
            original = path.read_text(encoding="utf-8")
            edits = []
            for k in range(args.repeat):
                path.write_text(original + f"\n# edit {k}\n", encoding="utf-8")
                PREFIXES.clear()
                RUN_TILES.clear()
                edits.append(cpu_ms(lambda n=name: preview.render(n, slogan="2010-05")))
            path.write_text(original, encoding="utf-8")
            print(f"| {name} | {statistics.median(text):.1f} / {max(text):.1f} | "
                  f"{statistics.median(edits):.1f} / {max(edits):.1f} |")


if __name__ == "__main__":
    main()
