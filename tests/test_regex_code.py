"""Regular expressions made from the stored form are the ones `re` compiles (qmposter.regex_code, issue 12).

Each check runs a fresh interpreter that installs the store, as the console script does, and
compares every pattern with the one Python's own `re` makes (`==` compares the opcodes) and
what it matches; the cache folder is cold, warm, damaged or unwritable.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from qmposter.disk_cache import read_checked, write_checked

# str and bytes, flags, groups and back-references, lookarounds, classes of Han characters
PATTERNS = [
    (r"(?P<year>\d{4})-(?P<n>\d{1,2})", 0),
    (r"(?<=[\u3400-\u9fff])\.(?![0-9A-Za-z])", 0),
    (r"^[a-z][a-z0-9+.-]*://|www\.", re.IGNORECASE),
    (r"""(?x) ( [“”] | " ) (.*?) \1  # quoted""", 0),
    (r"[\s\u00a0\u202f\u2007,，]+", 0),
    (r"\w+", re.ASCII),
    (r"^质量.*月$", re.MULTILINE | re.DOTALL),
]
TEXT = "2010-9 质量.月 www.Example.org “工匠”精神 \"x\" 质量第一,诚信为本 abc_1 质量\n月"

_PROBE = """
import json, re, sys
from qmposter import regex_code
regex_code.install()
patterns = [(p, f) for p, f in json.loads(sys.argv[1])]
patterns += [(p.encode(), 0) for p in (r"/ID\\s*\\[<([0-9a-f]{32})>", r"\\d+")]
text = sys.argv[2]
shown = []
for pattern, flags in patterns:
    made = re.compile(pattern, flags)
    fresh = regex_code.STORE._compile(pattern, flags)  # what Python's re makes, compiled now
    sample = text.encode() if isinstance(pattern, bytes) else text
    shown.append([made == fresh, made.flags, made.groups, dict(made.groupindex),
                  [str(m) for m in made.findall(sample)], [m.span() for m in made.finditer(sample)]])
print(json.dumps([shown, len(regex_code.STORE._new)]))
"""


def _run(cache: Path) -> tuple[list, int]:
    env = {**os.environ, "QMPOSTER_CACHE_DIR": str(cache)}
    out = subprocess.run([sys.executable, "-c", _PROBE, json.dumps(PATTERNS), TEXT], env=env, capture_output=True,
                         text=True, check=True)  # fmt: skip
    shown, compiled = json.loads(out.stdout)
    return shown, compiled


def _expected() -> list:
    shown = []
    for pattern, flags in [*PATTERNS, (rb"/ID\s*\[<([0-9a-f]{32})>", 0), (rb"\d+", 0)]:
        made = re.compile(pattern, flags)
        sample = TEXT.encode() if isinstance(pattern, bytes) else TEXT
        shown.append([True, made.flags, made.groups, dict(made.groupindex), [str(m) for m in made.findall(sample)],
                      [list(m.span()) for m in made.finditer(sample)]])  # fmt: skip
    return shown


def test_patterns_from_the_store_are_the_patterns_re_compiles(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    expected = _expected()
    shown, compiled = _run(cache)
    assert shown == expected and compiled >= len(expected)  # cold: every pattern compiled, then stored
    (stored,) = cache.glob("regex-*.marshal")
    assert _run(cache) == (expected, 0)  # warm: every pattern made from the file, the same
    # damaged (bits flipped, cut short, not marshal): compiled again, the same patterns
    data = stored.read_bytes()
    for damaged in (data[:-200] + bytes(b ^ 0x55 for b in data[-200:]), data[: len(data) // 2], b"\x00junk"):
        stored.write_bytes(damaged)
        assert _run(cache) == (expected, compiled)
    # opcodes that _sre refuses, under a right checksum: compiled again
    _run(cache)  # stored again
    version, patterns = read_checked(stored)  # type: ignore[misc]
    write_checked(stored, (version, {key: (*args[:2], [0, 1, 2], *args[3:]) for key, args in patterns.items()}))
    assert _run(cache)[0] == expected
    # a file for another version of `re` or of the interpreter (same name): not read
    write_checked(stored, ("another version", patterns))
    assert _run(cache) == (expected, compiled)
    # an unwritable cache folder (a file in its place)
    assert _run(stored) == (expected, compiled)


def test_one_new_pattern_alone_does_not_rewrite_the_file(tmp_path: Path) -> None:
    """reportlab builds a pattern from a set's names, in an order that changes with every process."""
    cache = tmp_path / "cache"
    _run(cache)
    (stored,) = cache.glob("regex-*.marshal")
    before = read_checked(stored)
    one_more = [*PATTERNS, (r"one (new|other) pattern", 0)]
    env = {**os.environ, "QMPOSTER_CACHE_DIR": str(cache)}
    subprocess.run([sys.executable, "-c", _PROBE, json.dumps(one_more), TEXT], env=env, check=True,
                   capture_output=True)  # fmt: skip
    assert read_checked(stored) == before
    two_more = [*one_more, (r"and (a|one) second", 0)]
    subprocess.run([sys.executable, "-c", _PROBE, json.dumps(two_more), TEXT], env=env, check=True,
                   capture_output=True)  # fmt: skip
    assert len(read_checked(stored)[1]) == len(before[1]) + 2  # type: ignore[index]


def test_only_the_console_script_compiles_through_the_store(tmp_path: Path) -> None:
    env = {**os.environ, "QMPOSTER_CACHE_DIR": str(tmp_path / "cache")}
    code = "import qmposter.cli, qmposter.build.run\nfrom re import _compiler\nprint(_compiler.compile.__module__)\n"
    imported = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert imported.stdout.strip() == "re._compiler"  # a program importing qmposter: `re` as it is
    console = subprocess.run([sys.executable, "-m", "qmposter", "--version"], env=env, capture_output=True, text=True,
                             check=True)  # fmt: skip
    assert console.stdout.strip() == "qmposter 0.1.0"
    assert list((tmp_path / "cache").glob("regex-*.marshal"))  # click's patterns, kept for the next command


_WARNS = """
import re, sys, warnings
from qmposter import regex_code
regex_code.install()
warnings.simplefilter("always")
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    re.compile(r"[[a]b")
    re.compile(r"[a&&b]c")
print(len(caught), len(regex_code.STORE._new))
"""


def test_a_pattern_that_warns_warns_in_every_process(tmp_path: Path) -> None:
    env = {**os.environ, "QMPOSTER_CACHE_DIR": str(tmp_path / "cache")}
    for _ in range(2):
        shown = subprocess.run([sys.executable, "-c", _WARNS], env=env, capture_output=True, text=True, check=True)
        assert shown.stdout.split() == ["2", "0"]  # both FutureWarnings given; neither pattern stored


def test_the_console_script_runs_where_the_regex_store_cannot_be_imported(tmp_path: Path) -> None:
    """An interpreter whose `re` lacks what regex_code imports (a future Python): the import fails, the
    store is not installed, the command runs as usual."""
    code = (
        "import sys\n"
        "sys.modules['qmposter.regex_code'] = None  # importing it now raises ImportError\n"
        "sys.argv = ['qmposter', 'templates', 'list']\n"
        "from qmposter.__main__ import main\n"
        "main()\n"
    )
    env = {**os.environ, "QMPOSTER_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "poster-a3-red" in done.stdout
    assert not list((tmp_path / "cache").glob("regex-*.marshal"))


_SAME_TEXT = """
import re
from re import _compiler
from qmposter import regex_code
regex_code.install()
made = [re.compile(p) for p in ("([*?[])", b"([*?[])", r"(\\d+)-(\\d+)", rb"(\\d+)-(\\d+)")]
made.append(_compiler.compile("qm(a+)b", re.IGNORECASE))  # a RegexFlag, as callers of re._compiler may pass
print(len(regex_code.STORE._new), [type(p.pattern).__name__ for p in made], made[-1].match("QMAAB").group(1))
"""


def test_str_and_bytes_patterns_of_the_same_text_are_kept_apart(tmp_path: Path) -> None:
    """"x" and b"x" hash alike (glob compiles both): under `python -bb` comparing them would be an error."""
    env = {**os.environ, "QMPOSTER_CACHE_DIR": str(tmp_path / "cache")}
    shown = []
    for _ in range(2):  # cold, then warm (from the file)
        done = subprocess.run([sys.executable, "-bb", "-c", _SAME_TEXT], env=env, capture_output=True, text=True)
        assert (done.returncode, done.stderr) == (0, "")
        shown.append(done.stdout.strip().split(maxsplit=1))
    types = "['str', 'bytes', 'str', 'bytes', 'str'] AA"
    assert shown == [["5", types], ["0", types]]  # all five stored (the RegexFlag one too), then all served
    version = subprocess.run([sys.executable, "-bb", "-m", "qmposter", "--version"], env=env, capture_output=True,
                             text=True)  # fmt: skip
    assert (version.returncode, version.stdout.strip(), version.stderr) == (0, "qmposter 0.1.0", "")


def test_an_interpreter_the_store_was_not_written_for_compiles_as_usual(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from re import _compiler\n"
        "from qmposter import regex_code\n"
        "sys.version_info = tuple(int(n) for n in sys.argv[1].split('.')) + (0, 'final', 0)\n"
        "regex_code.install()\n"
        "print(regex_code.STORE is None, _compiler.compile.__module__)\n"
    )
    env = {**os.environ, "QMPOSTER_CACHE_DIR": str(tmp_path / "cache")}
    for version, expected in (("3.10", "True re._compiler"), ("3.14", "True re._compiler")):
        done = subprocess.run([sys.executable, "-c", code, version], env=env, capture_output=True, text=True,
                              check=True)  # fmt: skip
        assert done.stdout.strip() == expected, version
    current = f"{sys.version_info[0]}.{sys.version_info[1]}"
    done = subprocess.run([sys.executable, "-c", code, current], env=env, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False qmposter.regex_code"
