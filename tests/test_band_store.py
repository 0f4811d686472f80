"""Compressed PNG bands kept across processes (qmposter/render/band_store.py).

A band read back must give the very bytes compressing it again gives, for real renders of a
stock template; only images with no neighbour (the first of a design in a process, a new layout
branch) look in the store, and only the first FIRST_IMAGES of a design; a damaged, foreign or
missing store costs time, never bytes.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
from helpers import square_images
from PIL import Image

from qmposter.render import band_store, pixel_store, png
from qmposter.render.raster import encode_png


@pytest.fixture(scope="module")
def squares(tmp_path_factory: pytest.TempPathFactory) -> list[Image.Image]:
    return square_images(tmp_path_factory.mktemp("cache"))


@pytest.fixture(autouse=True)
def empty_cache_folder(tmp_path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("QMPOSTER_CACHE_DIR", str(tmp_path / "cache"))
    new_process(monkeypatch, flush=False)
    yield
    band_store.STORE.clear()  # nothing left for the exit hook to write into the user's cache folder


def new_process(monkeypatch: pytest.MonkeyPatch, *, flush: bool = True) -> None:
    """End this "process" as a process ends (its new bands written, or forgotten), then start a new one."""
    if flush:
        band_store.STORE.flush()
    band_store.STORE.clear()
    monkeypatch.setattr(png, "_BANDS", png._BandCache(png.CACHE_IMAGES))
    monkeypatch.setattr(band_store, "STORE", band_store.BandStore())


def count_compressions(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    compressed: list[int] = []
    real = png._zlib_ng_flushed
    monkeypatch.setattr(
        png, "_zlib_ng_flushed", lambda data, strategy: compressed.append(len(data)) or real(data, strategy)
    )
    return compressed


def store_files() -> list:
    return sorted(pixel_store.cache_dir().glob("bands-*.marshal"))


def test_a_new_process_reads_the_first_images_bands_and_writes_the_same_bytes(
    squares: list[Image.Image], monkeypatch: pytest.MonkeyPatch
) -> None:
    made = [encode_png(image, 72) for image in squares]
    assert len(store_files()) == 0  # written when the process ends, not per image
    new_process(monkeypatch)
    assert len(store_files()) == 1  # one design: the square template's ground
    compressed = count_compressions(monkeypatch)
    hits = pixel_store.hits.get("bands", 0)
    assert encode_png(squares[0], 72) == made[0]
    assert compressed == []  # every band of the first image came from the store
    assert pixel_store.hits["bands"] == hits + 1
    assert [encode_png(image, 72) for image in squares[1:]] == made[1:]
    assert compressed  # the next slogans' text bands are new: compressed, next to the first image's


def test_only_an_image_with_no_neighbour_looks_in_the_store(
    squares: list[Image.Image], monkeypatch: pytest.MonkeyPatch
) -> None:
    digests: list[int] = []
    real = band_store.band_digest
    monkeypatch.setattr(band_store, "band_digest", lambda *a: digests.append(a[2]) or real(*a))
    encode_png(squares[0], 72)
    first = len(digests)
    assert first == -(-1080 // png.BAND_ROWS)  # every band of the first image
    encode_png(squares[1], 72)
    assert len(digests) == first  # the second changed a few bands only: its neighbour gave the rest


def noise_images(count: int, size: tuple[int, int] = (300, 480)) -> list[Image.Image]:
    """Images sharing their first band (one design) whose other rows are all different."""
    rng = random.Random(7)
    images = []
    for _ in range(count):
        image = Image.frombytes("RGB", size, rng.randbytes(size[0] * size[1] * 3))
        image.paste((200, 30, 30), (0, 0, size[0], png.BAND_ROWS))
        images.append(image)
    return images


def test_only_the_first_images_of_a_design_are_stored(monkeypatch: pytest.MonkeyPatch) -> None:
    images = noise_images(band_store.FIRST_IMAGES + 2)
    made = [encode_png(image, 72) for image in images]
    bands = -(-480 // png.BAND_ROWS)
    new_process(monkeypatch)
    assert len(store_files()) == 1
    compressed = count_compressions(monkeypatch)
    assert [encode_png(image, 72) for image in images] == made
    # the first images came from the store; the later ones compressed all but their first band
    # (the same as their neighbour's), as they were not stored
    assert len(compressed) == (len(images) - band_store.FIRST_IMAGES) * (bands - 1)


@pytest.mark.parametrize("damage", ["truncate", "flip", "foreign", "garbage"])
def test_a_damaged_or_foreign_store_costs_time_not_bytes(
    damage: str, squares: list[Image.Image], monkeypatch: pytest.MonkeyPatch
) -> None:
    made = encode_png(squares[0], 72)
    new_process(monkeypatch)
    (stored,) = store_files()
    data = stored.read_bytes()
    if damage == "truncate":
        stored.write_bytes(data[: len(data) // 2])
    elif damage == "flip":  # inside a band's deflate bytes: the store's checksum refuses the whole entry
        stored.write_bytes(data[:-300] + bytes(b ^ 0x5A for b in data[-300:-200]) + data[-200:])
    elif damage == "foreign":  # another design's entry under this name
        other = noise_images(1)[0]
        encode_png(other, 72)
        new_process(monkeypatch)
        foreign = next(path for path in store_files() if path != stored)
        stored.write_bytes(foreign.read_bytes())
    else:
        stored.write_bytes(b"\x00not a marshal file")
    new_process(monkeypatch, flush=False)
    compressed = count_compressions(monkeypatch)
    assert encode_png(squares[0], 72) == made
    assert len(compressed) >= -(-1080 // png.BAND_ROWS)  # nothing read: every band compressed again


def test_a_changed_encoder_reads_no_old_bands(squares: list[Image.Image], monkeypatch: pytest.MonkeyPatch) -> None:
    made = encode_png(squares[0], 72)
    new_process(monkeypatch)
    monkeypatch.setattr(band_store, "_code_version", lambda: "another encoder")
    compressed = count_compressions(monkeypatch)
    assert encode_png(squares[0], 72) == made
    assert len(compressed) >= -(-1080 // png.BAND_ROWS)


def test_an_entry_keeps_what_recent_processes_used_within_its_byte_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each process adds its first pages' bands; past MAX_DESIGN_BYTES only the last process's stay,
    so the entry holds the pages that recur, not a history that every process would read."""
    first, second = noise_images(2, (300, 480))[:1], noise_images(3, (300, 480))[1:2]
    bands = -(-480 // png.BAND_ROWS)
    made = [encode_png(image, 72) for image in first]
    new_process(monkeypatch)
    [encode_png(image, 72) for image in second]  # the same design (first band), other rows
    new_process(monkeypatch)
    compressed = count_compressions(monkeypatch)
    assert [encode_png(image, 72) for image in first] == made
    assert compressed == []  # within the bound: both processes' bands kept

    monkeypatch.setattr(band_store, "MAX_DESIGN_BYTES", 1)
    new_process(monkeypatch, flush=False)
    [encode_png(image, 72) for image in second]
    new_process(monkeypatch)  # nothing added: the entry is not written
    [encode_png(image, 72) for image in noise_images(4, (300, 480))[3:]]  # adds; over the bound: only its own
    new_process(monkeypatch)
    compressed = count_compressions(monkeypatch)
    assert [encode_png(image, 72) for image in first] == made
    assert len(compressed) == bands - 1  # the first band is the design's own: still there


def test_a_design_past_its_first_images_is_let_go(monkeypatch: pytest.MonkeyPatch) -> None:
    images = noise_images(band_store.FIRST_IMAGES + 1)
    for image in images:
        encode_png(image, 72)
    assert band_store.STORE._designs == {}  # not looked up again: its entry is not kept in memory
