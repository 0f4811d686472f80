"""Where notices given to the studio are kept: DIR/notices/, under a safe name that is not taken yet.

The catalogue records the file a notice was imported from, so the studio keeps every
uploaded, pasted or downloaded notice as a file in the campaign folder.
"""

from __future__ import annotations

import re
from pathlib import Path

from qmposter.errors import InputError
from qmposter.studio.security import inside

_SAFE_NAME = re.compile(r"[^\w.\-（）()一-鿿]+")


def free_name(folder: Path, name: str) -> Path:
    """A safe file name inside `folder` that is not taken yet (通知.docx, 通知-2.docx, …)."""
    base = _SAFE_NAME.sub("_", Path(name).name).strip("._") or "通知.txt"
    stem, suffix = Path(base).stem[:80], Path(base).suffix[:10]
    for number in range(1, 1000):
        candidate = inside(folder, f"{stem}{'' if number == 1 else f'-{number}'}{suffix}")
        if not candidate.exists():
            return candidate
    raise InputError(f"文件夹 {folder} 中同名的通知太多了。", hint="请整理一下 notices 文件夹。")
