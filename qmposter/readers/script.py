"""Traditional-script copies (台港澳 sites, mirrors): detected and converted to Simplified with OpenCC."""

from __future__ import annotations

from functools import cache

MIN_CHANGED = 3
MIN_SHARE = 0.02  # a Traditional text changes ~20 % of its Han characters; a Simplified one ~0 %


@cache
def _converter():
    import opencc  # imported on first use: only Traditional copies need it

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> tuple[str, bool]:
    """(text in Simplified, whether it was Traditional). A Simplified text comes back unchanged."""
    converted = _converter().convert(text)
    if len(converted) != len(text):
        return text, False  # t2s maps character for character; anything else is not a script change
    changed = sum(1 for a, b in zip(text, converted, strict=True) if a != b)
    han = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff") or 1
    if changed >= MIN_CHANGED and changed / han >= MIN_SHARE:
        return converted, True
    return text, False
