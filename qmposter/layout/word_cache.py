"""Word segmentation answers kept on disk, so a fresh process need not load jieba's dictionary.

Loading rjieba builds its dictionary: about 0.1 s of CPU, a third of a cold `qmposter
render`. The slogans, issuers and headers a campaign sets are few and come back every
run, so the break kinds `layout.breaking` derives from jieba's words are remembered in
one small file per (qmposter breaking code, rjieba build) in the user's cache folder
(`disk_cache.AnswerFile`: QMPOSTER_CACHE_DIR, else $XDG_CACHE_HOME/qmposter, else
~/.cache/qmposter). The file holds answers only, never decisions of its own: a missing,
damaged or unwritable file just means jieba is asked again, and the layout is the same
either way.
"""

from __future__ import annotations

from pathlib import Path

from qmposter.disk_cache import AnswerFile


class WordCache:
    """run of Han characters → break kinds, exactly as put (sealed answers: a damaged one is None)."""

    def __init__(self, source: Path) -> None:
        self._answers = AnswerFile("words", source, "rjieba")

    def get(self, run: str) -> tuple[str, ...] | None:
        return self._answers.get(run)

    def put(self, run: str, kinds: tuple[str, ...]) -> None:
        self._answers.put(run, kinds)
