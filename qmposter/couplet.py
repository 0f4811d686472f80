"""对联: which slogans make a couplet, which half is the upper line, and the 横批.

A couplet is two lines of equal length; the upper line (上联, hung on the right) ends on an
oblique tone (仄) and the lower line (下联, on the left) on a level tone (平). Tones are today's
Mandarin (中华新韵: tones 1 and 2 are 平, 3 and 4 仄), read by pypinyin with its phrase
dictionary so that 质量 gives liàng, not liáng. A two-phrase slogan whose phrases are in the
wrong order is swapped; one whose phrases differ in length, or end on the same tone class, is
not a couplet, and the reason says why. The 横批 is four characters: a four-character phrase of
the year's theme, else the template's choice sharing most characters with the theme.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from qmposter.disk_cache import AnswerFile
from qmposter.text import canonical, is_han

LEVEL, OBLIQUE = "平", "仄"
HENGPI_LENGTH = 4


@dataclass(frozen=True)
class Couplet:
    """The two halves in hanging order: `upper` ends 仄 (right strip), `lower` ends 平 (left)."""

    upper: str
    lower: str


def han_count(phrase: str) -> int:
    return sum(1 for ch in phrase if is_han(ch))


def tone_class(phrase: str) -> str | None:
    """平 or 仄 of the phrase's last Han character in its context; None when it has no tone."""
    han = [ch for ch in phrase if is_han(ch)]
    if not han:
        return None
    tone = _tones("".join(han))[-1]
    return LEVEL if tone in (1, 2) else OBLIQUE if tone in (3, 4) else None


# pypinyin's dictionaries cost ~0.2 s CPU to load: its answers are kept on disk, so a process
# that plans or draws couplets of known slogans does not load it (qmposter.disk_cache).
_TONE_FILE = AnswerFile("tones", Path(__file__), "pypinyin")


@lru_cache(maxsize=1024)
def _tones(han: str) -> tuple[int, ...]:
    known = _TONE_FILE.get(han)  # sealed: exactly what put stored for this text, or None
    if known is not None:
        return known
    from pypinyin import Style, pinyin  # imported on the first unknown couplet only: its dictionaries are large

    tones = tuple(int(syllable[0][-1]) if syllable[0][-1:].isdigit() else 0
                  for syllable in pinyin(han, style=Style.TONE3, neutral_tone_with_five=True))  # fmt: skip
    _TONE_FILE.put(han, tones)
    return tones


def problem(phrases: list[str]) -> str | None:
    """Why these phrases are not a couplet (in Chinese), or None when they are one."""
    if len(phrases) != 2:
        return f"对联需要恰好两句的口号（上下联各一句），这条有 {len(phrases)} 句"
    first, second = (han_count(p) for p in phrases)
    if first != second:
        return f"上下联字数须相等，这条两句分别是 {first} 字和 {second} 字"
    tones = [tone_class(p) for p in phrases]
    if tones[0] == tones[1]:
        return f"两句末字“{phrases[0][-1]}”“{phrases[1][-1]}”都是{tones[0] or '无调'}声，排不出上仄下平"
    if None in tones:
        return "句末不是有声调的汉字，定不出上下联"
    return None


def couplet(phrases: list[str]) -> Couplet:
    """The halves in hanging order; ValueError with `problem`'s reason when they are no couplet."""
    reason = problem(phrases)
    if reason is not None:
        raise ValueError(reason)
    first, second = phrases
    return Couplet(first, second) if tone_class(first) == OBLIQUE else Couplet(second, first)


def hengpi(theme: str, choices: tuple[str, ...]) -> str:
    """The 横批: a four-character phrase of the theme, else the choice sharing most characters
    with the theme (the first of equals), else ""."""
    for phrase in _phrases(theme):
        if han_count(phrase) == HENGPI_LENGTH and len(phrase) == HENGPI_LENGTH:
            return phrase
    if not choices:
        return ""
    wanted = set(theme)
    return max(choices, key=lambda choice: len(set(choice) & wanted))  # max keeps the first of equals


def _phrases(text: str) -> list[str]:
    """Runs of Han characters: the theme's phrases, whatever separates them (，or spaces)."""
    out, current = [], []
    for ch in canonical(text):
        if is_han(ch):
            current.append(ch)
        elif current:
            out.append("".join(current))
            current = []
    if current:
        out.append("".join(current))
    return out
