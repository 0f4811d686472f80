"""The animated GIF preview of an LED strip: the panel's window running over the strip.

A slogan too long for the panel is output as one wide 1-bit bitmap, which the LED
controller scrolls ("连续左移"). People approving it want to see what passers-by will:
this preview shows the window of `Page.viewport` dots moving left over the strip, looping,
lit dots in the text's colour on black. A page that fits its panel gives a one-frame GIF.
"""

from __future__ import annotations

import io

from PIL import Image

from qmposter.layout.page import GlyphRun, Page

STEP_PX = 4  # dots the text moves per frame
FRAME_MS = 80  # 4 dots per 80 ms = 50 dots a second: a 32-dot character passes in about 0.6 s


def encode_gif(page: Page, image: Image.Image, dpi: float) -> bytes:
    """GIF bytes of a rendered monochrome `page` (lit = white in `image`), animated when it scrolls."""
    lit = _lit_colour(page)
    mask = image.convert("L").point(lambda v: 255 if v >= 128 else 0)
    window = round(page.viewport * dpi / 72) if page.viewport else image.width
    frames = [_frame(mask, offset, window, lit) for offset in _offsets(image.width, window)]
    out = io.BytesIO()
    extra = {"save_all": True, "append_images": frames[1:], "duration": FRAME_MS, "loop": 0} if len(frames) > 1 else {}
    frames[0].save(out, "GIF", optimize=False, disposal=1, **extra)
    return out.getvalue()


def _offsets(width: int, window: int) -> range:
    """Start of the window in each frame: one still frame when the strip fits, else a full loop."""
    if width <= window:
        return range(0, 1)
    return range(0, width, STEP_PX)


def _frame(mask: Image.Image, offset: int, window: int, lit: tuple[int, int, int]) -> Image.Image:
    """The `window` dots from `offset` on, wrapping round to the strip's start (the loop)."""
    width, height = mask.size
    view = Image.new("L", (min(window, width), height), 0)
    view.paste(mask.crop((offset, 0, min(offset + window, width), height)), (0, 0))
    if offset + window > width:
        view.paste(mask.crop((0, 0, offset + window - width, height)), (width - offset, 0))
    frame = Image.new("P", view.size, 0)
    frame.putpalette([0, 0, 0, *lit])
    frame.paste(1, (0, 0), view)
    return frame


def _lit_colour(page: Page) -> tuple[int, int, int]:
    """The colour of the page's text (the LEDs' colour), red if it has none."""
    run = next((item for item in page.items if isinstance(item, GlyphRun)), None)
    return (run.color.r, run.color.g, run.color.b) if run is not None else (255, 0, 0)
