"""Errors a user can fix. The CLI prints their message (Chinese) and exits with code 2.

Anything else that escapes is a bug and exits with code 1.
"""

from __future__ import annotations


class QmposterError(Exception):
    """Bad input or a refused render: `message` says what, where and how to fix it."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n提示：{self.hint}"


class InputError(QmposterError):
    """A file or option cannot be read or does not make sense."""


class NoticeError(QmposterError):
    """A text is not a 质量月 notice, or cannot be parsed as one."""


class CatalogueError(QmposterError):
    """The slogan catalogue (slogans/*.toml) is inconsistent or an ID is unknown."""


class FontError(QmposterError):
    """A font is missing, unreadable, not TrueType, or lacks glyphs."""


class MissingGlyphsError(FontError):
    """Characters the chosen font cannot draw: printing them would give tofu boxes."""


class TemplateError(QmposterError):
    """A template file is invalid."""


class LayoutError(QmposterError):
    """A layout cannot be made, e.g. text that does not fit its box."""


class TextOverflowError(LayoutError):
    """Text does not fit its box even at the minimum size."""


class QRCodeError(LayoutError):
    """A QR code would be too small or too dense to scan."""


class CampaignError(QmposterError):
    """campaign.toml or a units CSV is invalid."""


def close_matches(word: str, choices, n: int = 1, cutoff: float = 0.6) -> list[str]:
    """The choices a "是不是…？" hint suggests for a misspelt `word` (difflib, imported only here:
    every command loads files whose checks may need it, few ever print it)."""
    import difflib

    return difflib.get_close_matches(word, choices, n=n, cutoff=cutoff)


def did_you_mean(word: str, choices, otherwise: str) -> str:
    """The hint for an unknown key or column: "是不是“X”？" with the closest choice, else `otherwise`."""
    close = close_matches(word, choices, n=1)
    return f"是不是“{close[0]}”？" if close else otherwise
