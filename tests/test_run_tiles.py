"""A glyph run pasted from its stored tile (render/run_tiles.py) leaves the pixels drawing it would.

The tile may only be used when the run's box holds what it held when the tile was made: the same
run over a changed background (a slogan block reaching under it, another ground colour) is drawn.
"""

from __future__ import annotations

from helpers import heavy_font_id, set_line

from qmposter.layout.page import Color, Fill, Page
from qmposter.memo import LRU
from qmposter.render import glyph_masks
from qmposter.render.prefix_cache import PREFIXES
from qmposter.render.raster import render_image
from qmposter.render.run_tiles import RUN_TILES, RunTiles

WHITE = Color(255, 255, 255)
RED = Color(200, 16, 46)


def fresh(page: Page, dpi: float) -> bytes:
    PREFIXES.clear()
    RUN_TILES.clear()
    glyph_masks.clear()
    return render_image(page, dpi).tobytes()


def test_runs_seen_before_are_pasted_only_over_the_same_pixels() -> None:
    issuer = set_line("主办：江苏省质量技术监督局", heavy_font_id(), 14.3, 20.2, 180.6, RED)
    white, cream = Fill(0, 0, 300, 200, WHITE), Fill(0, 0, 300, 200, Color(250, 240, 200))
    nothing, block = Fill(0, 0, 1, 1, WHITE), Fill(60, 170, 30, 20, Color(0, 90, 160))  # block: under the issuer
    grounds = [(white, nothing), (white, nothing), (white, block), (white, nothing), (cream, nothing)]
    slogans = [set_line("质量第一月"[: k + 1], heavy_font_id(), 30, 20.5 + k, 80.3, RED) for k in range(5)]
    pages = [Page(300, 200, (*ground, slogan, issuer)) for ground, slogan in zip(grounds, slogans, strict=True)]
    expected = [fresh(page, 144) for page in pages]
    RUN_TILES.clear()
    PREFIXES.clear()
    pasted = []
    for page, want in zip(pages, expected, strict=True):
        before = RUN_TILES.pasted
        assert render_image(page, 144).tobytes() == want
        pasted.append(RUN_TILES.pasted - before)
    # seen, recorded, block under the issuer → drawn, pasted, other ground → drawn
    assert pasted == [0, 0, 0, 1, 0]


def test_a_pasted_run_does_not_look_its_font_up_again(monkeypatch) -> None:
    """The tile is tried before the font is found and checked (it exists only for a run drawn
    after that check): the repeated runs of a page cost a compare and a paste, nothing more."""
    from qmposter.render import raster

    issuer = set_line("主办：江苏省质量技术监督局", heavy_font_id(), 14.3, 20.2, 180.6, RED)
    pages = [Page(300, 200, (Fill(0, 0, 300, 200, WHITE), set_line("质量第一月"[: k + 1], heavy_font_id(), 30,
                                                                   20.5 + k, 80.3, RED), issuer)) for k in range(4)]
    expected = [fresh(page, 144) for page in pages]
    RUN_TILES.clear()
    PREFIXES.clear()
    looked_up, pasted = [], RUN_TILES.pasted
    original = raster.run_font_path
    monkeypatch.setattr(raster, "run_font_path", lambda run: looked_up.append(run) or original(run))
    for page, want in zip(pages, expected, strict=True):
        assert render_image(page, 144).tobytes() == want
    assert RUN_TILES.pasted - pasted == 2 and looked_up.count(issuer) == 2  # drawn, recorded, then pasted twice


def test_tiles_are_bounded() -> None:
    from PIL import Image

    tiles = RunTiles(LRU(None, budget=3 * 2 * 100))
    for k in range(6):
        tiles.store(("geometry", k), (0, 0, 10, 10), bytes(100), Image.new("RGB", (10, 10)))
    assert len(tiles.tiles) == 3 and tiles.tiles.used == 600
    assert [key for key, _ in tiles.tiles.items()] == [("geometry", 3), ("geometry", 4), ("geometry", 5)]
