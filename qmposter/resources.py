"""Where the bundled slogans/, templates/ and fonts/ live.

In a checkout (or an editable install) they sit at the top of the repository, where
people edit them; a wheel carries copies under qmposter/data/ (see pyproject.toml).
"""

from __future__ import annotations

import functools
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


@functools.cache  # asked for with every template, font and job; where the package lies does not change
def bundled_dir(name: str) -> Path:
    """Return the bundled data folder `name` ("slogans", "templates", "fonts" or "campaigns")."""
    installed = _PACKAGE_DIR / "data" / name
    if installed.is_dir():
        return installed
    return _PACKAGE_DIR.parent / name
