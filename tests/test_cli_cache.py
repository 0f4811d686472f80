"""`qmposter cache`: the user cache folder's kinds and sizes, and --clear, on a folder a real render filled."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def _qmposter(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qmposter", *args], env=env, capture_output=True, text=True)


def test_cache_lists_what_a_render_kept_and_clear_removes_only_cache_files(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    env = {**os.environ, "QMPOSTER_CACHE_DIR": str(folder)}
    empty = _qmposter(env, "cache")
    assert empty.returncode == 0 and "没有缓存文件" in empty.stdout and str(folder) in empty.stdout

    rendered = _qmposter(env, "render", "image-square-1080", "--slogan", "2010-01", "-o", str(tmp_path / "a.png"))
    assert rendered.returncode == 0, rendered.stderr
    (folder / "notes.txt").write_text("用户自己的文件", encoding="utf-8")
    (folder / ".glyphs-0123456789abcdef.marshal.4242.tmp").write_bytes(b"half")  # a killed writer's leftover
    cached = sorted(p for p in folder.iterdir() if p.name.endswith(".marshal"))
    assert cached

    listed = _qmposter(env, "cache")
    assert listed.returncode == 0, listed.stderr
    assert str(folder) in listed.stdout and f"合计 {len(cached)} 个文件" in listed.stdout
    for kind in ("glyphs", "font", "dataclasses"):
        assert any(line.split()[0] == kind for line in listed.stdout.splitlines()[1:-1]), kind

    cleared = _qmposter(env, "cache", "--clear")
    assert cleared.returncode == 0, cleared.stderr
    assert f"删除 {len(cached) + 1} 个缓存文件" in cleared.stdout
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]
    assert "没有缓存文件" in _qmposter(env, "cache").stdout


def test_clear_leaves_the_folder_empty_even_of_what_the_command_learnt(tmp_path: Path) -> None:
    """The command compiles patterns and makes dataclasses too; saved at exit, they would appear in
    the folder it has just emptied."""
    folder = tmp_path / "cache"
    env = {**os.environ, "QMPOSTER_CACHE_DIR": str(folder)}
    cleared = _qmposter(env, "cache", "--clear")
    assert cleared.returncode == 0, cleared.stderr
    assert not folder.exists() or sorted(folder.iterdir()) == []
