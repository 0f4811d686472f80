"""Shared helpers for the catalogue tests: where the seed notices are, small catalogue files."""

from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEED_NAMES = ("2009-national-notice.txt", "2010-jiangsu-notice.txt")
_SEED_DIRS = (REPO / "tests" / "notices", REPO / "tests" / "notices" / "seeds", REPO.parent / "shared" / "seeds")


def seed_path(name: str) -> Path:
    """A seed notice: in the repository's tests/notices/ if copied there, else ../shared/seeds/."""
    for folder in _SEED_DIRS:
        if (folder / name).is_file():
            return folder / name
    raise FileNotFoundError(f"seed notice {name} not found in {', '.join(map(str, _SEED_DIRS))}")


def copy_seeds(target: Path) -> list[Path]:
    """Copy both seed notices into `target` (same file names) and return their paths."""
    target.mkdir(parents=True, exist_ok=True)
    return [Path(shutil.copyfile(seed_path(name), target / name)) for name in SEED_NAMES]


def write_source(folder: Path, stem: str, year: int, slogans: list[str], extra: str = "") -> Path:
    """A minimal hand-written catalogue file, as a person would type it."""
    body = [f"[source]\nyear = {year}\n{extra}"]
    body += [f'[[slogan]]\ntext = "{text}"\n' for text in slogans]
    path = folder / f"{stem}.toml"
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(body), encoding="utf-8")
    return path
