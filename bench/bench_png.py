"""PNG encoding, A/B in one process: qmposter's encoder against an earlier one.

Renders every PNG job of the default campaign (or --templates) once, untimed, then encodes each
template's images in build order (the band cache sees the slogans one after the other, as in a
build), alternating old/new per file (old, new, new, old …), --rounds times with fresh caches.
Prints a markdown table: bytes per file, size ratio, worst file, the largest new file against
Pillow's own zlib 6 of the same pixels (the size budget), median CPU ms (time.process_time),
first file (empty cache). "Old" = --before, an earlier qmposter/render/png.py loaded from that
file (e.g. `git show 65f8504:qmposter/render/png.py > /tmp/png_before.py`); without it, the
encoder before issue 12's band cache: Pillow's adaptive filter at level 0, inflated,
re-deflated whole by libdeflate 6 (957748b).

    python bench/bench_png.py [--templates NAME,…] [--templates-dir DIR] [--slogans N]
                              [--before FILE] [--rounds N]
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import statistics
import struct
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image, PngImagePlugin


def reference_png(image: Image.Image, dpi: float) -> bytes:
    """957748b's deliverable PNG: Pillow filters and stores at level 0, libdeflate 6 re-deflates."""
    import deflate  # libdeflate (PyPI `deflate`): only this reference uses it now
    info = PngImagePlugin.PngInfo()
    info.add(b"sRGB", b"\x00")
    out = io.BytesIO()
    image.save(out, "PNG", dpi=(dpi, dpi), pnginfo=info, optimize=False, compress_level=0)
    png, chunks, pos = out.getvalue(), [], 8
    while pos < len(png):
        (length,) = struct.unpack_from(">I", png, pos)
        chunks.append((png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]))
        pos += 12 + length
    idat = deflate.zlib_compress(zlib.decompress(b"".join(d for k, d in chunks if k == b"IDAT")), 6)
    parts, done = [png[:8]], False
    for kind, data in chunks:
        if kind == b"IDAT":
            if done:
                continue
            data, done = idat, True
        parts += [struct.pack(">I", len(data)), kind, data, struct.pack(">I", zlib.crc32(data, zlib.crc32(kind)))]
    return b"".join(parts)


def before_encoder(path: str | None) -> tuple[object, Callable[[Image.Image, float], bytes]]:
    """The module of an earlier png.py (its own band cache) and its encode function, or 957748b's."""
    if path is None:
        return None, reference_png
    spec = importlib.util.spec_from_file_location("png_before", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["png_before"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module, module.encode_png


def pillow_png(image: Image.Image, dpi: float) -> bytes:
    """Pillow's own PNG at zlib 6 (issue 12's "today"): the size budget is 1.05× this."""
    info = PngImagePlugin.PngInfo()
    info.add(b"sRGB", b"\x00")
    out = io.BytesIO()
    image.save(out, "PNG", dpi=(dpi, dpi), pnginfo=info, compress_level=6)
    return out.getvalue()


def rendered(
    templates: list[str], slogans: int | None, templates_dir: Path | None = None
) -> dict[str, list[tuple[Image.Image, float]]]:
    """Each template's PNG images in build order (RGB pages only: LED pages stay Pillow's zlib 6)."""
    from qmposter.layout.engine import layout_page
    from qmposter.products.posters import BuildRequest, plan_build
    from qmposter.render.raster import render_image
    from qmposter.templates import load_template

    with tempfile.TemporaryDirectory() as out:
        request = BuildRequest(templates=tuple(templates), formats=("png",), out=Path(out), templates_dir=templates_dir)
        plan = plan_build(request)
    images: dict[str, list[tuple[Image.Image, float]]] = {}
    for job in plan.jobs:
        if job.skip_reason or len(images.get(job.template, [])) >= (slogans or 10**9):
            continue
        page = layout_page(load_template(job.template, templates_dir), job.content)
        if not page.monochrome:
            images.setdefault(job.template, []).append((render_image(page, job.dpi), job.dpi))
    return images


def fresh_caches(before: object) -> None:
    """Empty band caches (ours and the earlier module's), as in a new process. The band store
    (render/band_store.py: bands kept across processes) is left out: this measures the encoder;
    bench_pdf.py and bench_startup.py measure builds with it."""
    from qmposter.render import band_store, png

    png._BANDS = png._BandCache(png.CACHE_IMAGES)
    band_store.FIRST_IMAGES = 0
    if hasattr(before, "_BandCache"):
        before._BANDS = before._BandCache(before.CACHE_IMAGES)


def ab(
    images: list[tuple[Image.Image, float]], before: object, old_png: Callable[[Image.Image, float], bytes], rounds: int
) -> tuple[list[float], list[float], list[int], list[int]]:
    """CPU ms (least of the rounds) and bytes of each image, old and new encoder, alternating
    which goes first; each round starts with empty caches and goes through the images in order."""
    from qmposter.render.raster import encode_png

    old_ms = [float("inf")] * len(images)
    new_ms = [float("inf")] * len(images)
    old_b: list[int] = []
    new_b: list[int] = []
    for r in range(rounds):
        fresh_caches(before)
        for n, (image, dpi) in enumerate(images):
            for which in ("old", "new") if (n + r) % 2 == 0 else ("new", "old"):
                start = time.process_time()
                data = old_png(image, dpi) if which == "old" else encode_png(image, dpi)
                ms = (time.process_time() - start) * 1000
                times, sizes = (old_ms, old_b) if which == "old" else (new_ms, new_b)
                times[n] = min(times[n], ms)
                if r == 0:
                    sizes.append(len(data))
    return old_ms, new_ms, old_b, new_b


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--templates", default="", help="comma-separated; default: every template")
    parser.add_argument("--templates-dir", type=Path, default=None, help="templates from this folder")
    parser.add_argument("--slogans", type=int, default=None, help="at most N images per template")
    parser.add_argument("--before", default=None, help="an earlier qmposter/render/png.py to compare with")
    parser.add_argument("--rounds", type=int, default=1, help="each template's images N times, least CPU kept")
    args = parser.parse_args()
    from qmposter.templates import template_names

    before, old_png = before_encoder(args.before)
    names = [t for t in args.templates.split(",") if t] or template_names(args.templates_dir)
    print("| template | px | files | before B/file | after B/file | ratio | worst | after ÷ Pillow 6 (max) | "
          "before ms | after ms | × | Σ before ÷ after | first |")
    print("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|")
    all_old_ms: list[float] = []
    all_new_ms: list[float] = []
    all_old_b: list[int] = []
    all_new_b: list[int] = []
    for name, images in rendered(names, args.slogans, args.templates_dir).items():
        old_ms, new_ms, old_b, new_b = ab(images, before, old_png, args.rounds)
        budget = max(b / len(pillow_png(image, dpi)) for b, (image, dpi) in zip(new_b, images, strict=True))
        old_med, new_med = statistics.median(old_ms), statistics.median(new_ms)
        worst = max(b / a for a, b in zip(old_b, new_b, strict=True))
        w, h = images[0][0].size
        n = len(images)
        print(f"| {name} | {w}×{h} | {n} | {sum(old_b) // n:,} | {sum(new_b) // n:,} | {sum(new_b) / sum(old_b):.3f} | "
              f"{worst:.3f} | {budget:.3f} | {old_med:.1f} | {new_med:.1f} | {old_med / new_med:.2f}× | "
              f"{sum(old_ms) / sum(new_ms):.2f}× | {old_ms[0]:.1f} / {new_ms[0]:.1f} |", flush=True)
        all_old_ms += old_ms
        all_new_ms += new_ms
        all_old_b += old_b
        all_new_b += new_b
    worst = max(b / a for a, b in zip(all_old_b, all_new_b, strict=True))
    print(f"| **all** | | {len(all_old_b)} | {sum(all_old_b):,} | {sum(all_new_b):,} | "
          f"{sum(all_new_b) / sum(all_old_b):.4f} | {worst:.3f} | | Σ {sum(all_old_ms) / 1000:.2f} s | "
          f"Σ {sum(all_new_ms) / 1000:.2f} s | | {sum(all_old_ms) / sum(all_new_ms):.2f}× | |")


if __name__ == "__main__":
    main()
