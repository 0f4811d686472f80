"""Drawing only (`render_image`): each raster template's pages of a build, in build order, in a new process.

Per template the CPU ms of the process's first page (pictures, gradients, ornaments, the glyphs of
every fixed text), the median of the others (the slogan's new glyphs) and the sum, with the user
cache folder empty ("cold", a user's first run), as that run left it ("warm", the same slogans
again: a rebuild, a re-render) and, with --new-text CAMPAIGN, that warm folder drawing another
campaign's slogans ("new text": the fixed texts and decorations are stored, the slogans' glyphs
at their own fitted sizes mostly are not). Layout is done before timing; encoding is not timed
(bench_png.py does it).

usage: python bench/bench_raster.py [--rounds 3] [--compare OLD/bin/python] [--new-text CAMPAIGN] [TEMPLATE ...]
With --compare, the same child runs with that interpreter (an installed older qmposter) in the same
round, alternating, each with its own cache folder. Runs from the repository root without installing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = [
    "image-square-1080", "poster-a3-red", "poster-a2-modern", "image-phone-1080x1920",
    "image-screen-1920x1080", "banner-red-0.9x6m", "vertical-red-0.8x3m", "couplet-upper",
]  # fmt: skip

CHILD = r"""
import json, sys, time
from pathlib import Path
if sys.argv[2]:
    sys.path.insert(0, sys.argv[2])
from qmposter.build.plan import BuildRequest, plan_build
from qmposter.layout.engine import layout_page
from qmposter.render.raster import render_image
from qmposter.templates import load_template
name = sys.argv[1]
campaign = Path(sys.argv[3]) if sys.argv[3] else None
plan = plan_build(BuildRequest(campaign_path=campaign, templates=(name,), out=Path("unused")))
jobs = [j for j in plan.jobs if not j.skip_reason and j.format in ("png", "jpg", "bmp")]
jobs = [j for j in jobs if j.format == jobs[0].format]
template = load_template(name)
pages = [(layout_page(template, j.content), j.dpi or template.page.dpi) for j in jobs]
ms = []
for page, dpi in pages:
    start = time.process_time()
    render_image(page, dpi)
    ms.append((time.process_time() - start) * 1000)
print(json.dumps(ms))
"""


def run(python: str, name: str, cache: Path, here: bool, campaign: str = "") -> list[float]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["QMPOSTER_CACHE_DIR"] = str(cache)
    with tempfile.TemporaryDirectory() as cwd:  # no campaign.toml: the bundled default campaign
        out = subprocess.run(
            [python, "-c", CHILD, name, str(ROOT) if here else "", campaign], env=env, cwd=cwd,
            check=True, capture_output=True, text=True,
        )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("templates", nargs="*", default=DEFAULT)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--compare", help="another interpreter with qmposter installed (the code before)")
    parser.add_argument("--new-text", help="a campaign file with other slogans, drawn after the warm run")
    args = parser.parse_args()
    states = ["cold", "warm"] + (["new text"] if args.new_text else [])
    codes = [("now", sys.executable, True)] + ([("before", args.compare, False)] if args.compare else [])
    columns = [f"{state} {c}" for state in states for c in ("first", "median", "sum")]
    print("| template | code | pages | " + " | ".join(columns) + " |")
    print("|---|---|--:|" + "--:|" * 3 * len(states))
    for name in args.templates:
        results: dict[str, dict[str, list[list[float]]]] = {}
        for _ in range(args.rounds):
            for label, python, here in codes:
                with tempfile.TemporaryDirectory() as tmp:
                    cache = Path(tmp) / "cache"
                    got = results.setdefault(label, {state: [] for state in states})
                    got["cold"].append(run(python, name, cache, here))
                    got["warm"].append(run(python, name, cache, here))
                    if args.new_text:
                        got["new text"].append(run(python, name, cache, here, str(Path(args.new_text).resolve())))
        for label, _, _ in codes:
            cells = []
            for state in states:
                runs = results[label][state]
                cells += [
                    statistics.median(r[0] for r in runs),
                    statistics.median(statistics.median(r[1:] or r) for r in runs),
                    statistics.median(sum(r) for r in runs),
                ]
            pages = len(results[label]["cold"][0])
            print(f"| {name} | {label} | {pages} | " + " | ".join(f"{v:.1f}" for v in cells) + " |")


if __name__ == "__main__":
    main()
