"""The user cache folder's shared plumbing: checked values and the one prune (qmposter.disk_cache)."""

from __future__ import annotations

import marshal
import os
from pathlib import Path

import pytest

from qmposter import cache_usage, disk_cache


@pytest.fixture(autouse=True)
def cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("QMPOSTER_CACHE_DIR", str(folder))
    return folder


def test_a_checked_file_reads_back_and_any_damage_reads_as_nothing(cache_folder: Path) -> None:
    path = cache_folder / "thing-1.marshal"
    value = {"质量月": (1, 2.5, "x" * 300), "b": [None, True]}
    disk_cache.write_checked(path, value)
    assert disk_cache.read_checked(path) == value
    data = path.read_bytes()
    for damaged in (data[:-50] + bytes(b ^ 1 for b in data[-50:]), data[: len(data) // 2], b"\x00junk"):
        path.write_bytes(damaged)
        assert disk_cache.read_checked(path) is None
    disk_cache.write_marshal(path, value)  # written without a checksum: foreign, not misread
    assert disk_cache.read_checked(path) is None
    disk_cache.write_checked(path, {1: object()})  # not a marshal type: nothing written, no error
    assert disk_cache.read_checked(path) is None


def test_an_unwritable_folder_only_loses_the_value(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("QMPOSTER_CACHE_DIR", str(blocker / "cache"))
    path = disk_cache.cache_dir() / "thing-1.marshal"
    disk_cache.write_checked(path, (1, 2))
    assert disk_cache.read_checked(path) is None
    disk_cache.prune("thing", 1, max_bytes=10)  # no folder to list: nothing to do, no error


def test_checked_answers_are_fresh_copies_and_an_answer_under_another_question_is_refused(
    cache_folder: Path,
) -> None:
    source = Path(disk_cache.__file__)
    answers = disk_cache.AnswerFile("answers", source, "tomllib")
    answers.put("a", {"list": [1, 2]})
    answers.put("dated", {"when": object()})  # not a marshal type: not kept
    got = answers.get("a")
    got["list"].append(3)
    assert answers.get("a") == {"list": [1, 2]} and answers.get("dated") is None
    answers.save()
    (path,) = cache_folder.glob("answers-*-c1.marshal")  # its own name: never read as unchecked answers
    stored = marshal.loads(path.read_bytes())
    stored["b"] = stored["a"]  # whole and checksummed, but filed under another question
    path.write_bytes(marshal.dumps(stored))
    again = disk_cache.AnswerFile("answers", source, "tomllib")
    assert again.get("a") == {"list": [1, 2]} and again.get("b") is None


def test_answer_files_of_old_code_versions_are_pruned_when_a_new_one_is_written(
    cache_folder: Path, tmp_path: Path
) -> None:
    """Each code or package version writes its own file; only the newest few are kept."""
    written = []
    for version in range(disk_cache.AnswerFile.KEEP_FILES + 3):
        source = tmp_path / f"source-{version}.py"
        source.write_text(f"VERSION = {version}\n")
        answers = disk_cache.AnswerFile("answers", source, "tomllib")
        answers.put("q", ("a",))
        answers.save()
        (path,) = set(cache_folder.glob("answers-*.marshal")) - set(written)
        os.utime(path, ns=(10**9 * (version + 1), 10**9 * (version + 1)))  # one run a second
        written.append(path)
    kept = sorted(cache_folder.glob("answers-*.marshal"))
    assert kept == sorted(written[-disk_cache.AnswerFile.KEEP_FILES :])


def _files(folder: Path, prefix: str, sizes: list[int]) -> list[Path]:
    """Files written oldest first, one second apart."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for k, size in enumerate(sizes):
        path = folder / f"{prefix}-{k}.marshal"
        path.write_bytes(b"x" * size)
        os.utime(path, ns=(10**9 * (k + 1), 10**9 * (k + 1)))
        paths.append(path)
    return paths


def test_prune_keeps_the_newest_files_within_a_count_and_a_byte_budget(cache_folder: Path) -> None:
    paths = _files(cache_folder, "kind", [100] * 6)
    others = _files(cache_folder, "other", [100] * 3) + _files(cache_folder, "kinder", [100])
    disk_cache.prune("kind", 4)
    assert [p.exists() for p in paths] == [False, False, True, True, True, True]
    disk_cache.prune("kind", max_bytes=250)
    assert [p.exists() for p in paths] == [False] * 4 + [True, True]
    os.utime(paths[4], ns=(10**10, 10**10))  # touched (a hit): now the most recently used
    disk_cache.prune("kind", 5, max_bytes=150)
    assert [p.exists() for p in paths] == [False] * 4 + [True, False]
    disk_cache.prune("kind", 0)
    assert not any(p.exists() for p in paths)
    assert all(p.exists() for p in others)  # another prefix (even one starting with this one) is left alone


def test_usage_groups_files_by_the_name_before_their_key_and_clear_keeps_other_files(cache_folder: Path) -> None:
    names = {
        "glyphs-3f2a9c01d2e4f5a6b7c8d9e0.marshal": 300,
        "glyphs-00aa11bb22cc33dd44ee55ff.marshal": 200,
        "reportlab-font-9b8a7c6d5e4f3a2b1c0d9e8f.marshal": 50,
        "image-sizes-12dd63d971c872c9-c1.marshal": 7,
        "dataclasses-cpython-311-1f490200-o0.marshal": 40,
        "words-19a9170ea6b22e672e003c07.json": 9,  # an older release's word cache
        ".toml-0123456789abcdef-c1.marshal.4242.tmp": 3,  # a killed writer's temporary file
        "notes.json": 5,
        "mine.txt": 5,
    }
    cache_folder.mkdir()
    for name, size in names.items():
        (cache_folder / name).write_bytes(b"x" * size)
    assert cache_usage.usage() == [
        cache_usage.Kind("glyphs", 2, 500),
        cache_usage.Kind("reportlab-font", 1, 50),
        cache_usage.Kind("dataclasses", 1, 40),
        cache_usage.Kind("words", 1, 9),
        cache_usage.Kind("image-sizes", 1, 7),
    ]
    assert cache_usage.clear() == (7, 609)
    assert sorted(p.name for p in cache_folder.iterdir()) == ["mine.txt", "notes.json"]


def _no_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No HOME and no passwd entry (`~` stays `~`), the system temporary folder a fresh one, run from tmp_path/work."""
    import tempfile

    for name in ("QMPOSTER_CACHE_DIR", "XDG_CACHE_HOME", "HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(os.path, "expanduser", lambda path: path)
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    return tmp_path / "tmp"


def test_without_a_home_the_cache_is_a_private_folder_in_the_temporary_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    temporary = _no_home(tmp_path, monkeypatch)
    folder = Path(disk_cache.cache_folder())
    assert folder == temporary / f"qmposter-cache-{os.getuid()}" and folder.is_dir()
    assert folder.stat().st_mode & 0o777 == 0o700
    disk_cache.write_checked(disk_cache.cache_dir() / "probe-1.marshal", {"a": 1})
    assert disk_cache.read_checked(folder / "probe-1.marshal") == {"a": 1}
    assert list((tmp_path / "work").iterdir()) == []  # no ./~/.cache/qmposter in the working folder


def test_a_temporary_cache_folder_others_could_have_written_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    temporary = _no_home(tmp_path, monkeypatch)
    planted = temporary / f"qmposter-cache-{os.getuid()}"
    planted.mkdir(mode=0o777)
    planted.chmod(0o777)  # writable by everyone (as if another user had made it)
    disk_cache.write_checked(disk_cache.cache_dir() / "probe-1.marshal", {"a": 1})
    assert list(planted.iterdir()) == [] and list((tmp_path / "work").iterdir()) == []
    assert disk_cache.read_checked(disk_cache.cache_dir() / "probe-1.marshal") is None
    planted.rmdir()
    (temporary / "elsewhere").mkdir(mode=0o700)
    planted.symlink_to(temporary / "elsewhere")  # a link in its place
    disk_cache.write_checked(disk_cache.cache_dir() / "probe-1.marshal", {"a": 1})
    assert list((temporary / "elsewhere").iterdir()) == [] and list((tmp_path / "work").iterdir()) == []


def test_a_relative_xdg_cache_home_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The XDG base directory spec: a relative $XDG_CACHE_HOME is invalid and ignored (it put the cache
    in whatever folder the command ran from); an absolute one is used."""
    monkeypatch.delenv("QMPOSTER_CACHE_DIR")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    assert disk_cache.cache_folder() == str(tmp_path / "home" / ".cache" / "qmposter")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert disk_cache.cache_folder() == str(tmp_path / "xdg" / "qmposter")


def _learn_in_a_worker(folder: str) -> None:
    """A --jobs worker's life: learn an answer, then leave as the pool makes it leave (os._exit)."""
    os.environ["QMPOSTER_CACHE_DIR"] = folder
    answers = disk_cache.AnswerFile("probe", Path(disk_cache.__file__), "zlib_ng")
    answers.put("问题", [1, "答"])


def test_what_a_multiprocessing_worker_learns_is_saved_though_it_skips_atexit(cache_folder: Path) -> None:
    """Build workers leave through os._exit (no atexit): at_exit saves through multiprocessing's own
    exit finalizers too, so a worker's answers reach the cache folder as the main process's do."""
    import multiprocessing

    context = multiprocessing.get_context("forkserver")
    worker = context.Process(target=_learn_in_a_worker, args=(str(cache_folder),))
    worker.start()
    worker.join(60)
    assert worker.exitcode == 0
    stored = disk_cache.AnswerFile("probe", Path(disk_cache.__file__), "zlib_ng")
    assert stored.get("问题") == [1, "答"]
