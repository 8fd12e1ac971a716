"""The `mlsd-draw` command: parses arguments, calls the application layer, prints results.

Exit status: 0 success; 1 the answer is "no" (a file `fmt --check` would change, a
score below `--min-score`); 2 bad input or usage (a parse error, a missing file, an unknown format).
The commands live in one module per group; each imports the application layer inside its
body, so `mlsd-draw --help` loads no parser, grader or renderer.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import os
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import click

from ..core.version import VERSION
from .common import EXIT_ERROR

__all__ = ["COMMANDS", "cli", "main"]

COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("diagram_commands", "check"),
    "fmt": ("diagram_commands", "fmt"),
    "show": ("diagram_commands", "show"),
    "list": ("library_commands", "list_command"),
    "lint": ("library_commands", "lint_command"),
    "grade": ("grade_commands", "grade"),
    "demo": ("grade_commands", "demo"),
    "convert": ("diagram_commands", "convert"),
    "export": ("library_commands", "export"),
    "drill": ("practice_commands", "drill"),
    "next": ("practice_commands", "next_cases"),
    "history": ("practice_commands", "history_command"),
    "stats": ("practice_commands", "stats"),
    "hint": ("practice_commands", "hint"),
    "quiz": ("quiz_commands", "quiz"),
    "term": ("library_commands", "term_command"),
    "studio": ("studio_command", "studio"),
}
"""Each command: the module of this package that defines it, and its name there."""


class _Commands(click.Group):
    """The command group, each command's module imported only when that command runs
    (`mlsd-draw check` loads no grading or practice code); `--help` lists them all."""

    def list_commands(self, ctx: click.Context) -> list[str]:  # noqa: ARG002
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:  # noqa: ARG002
        if cmd_name not in COMMANDS:
            return None
        from importlib import import_module

        module, name = COMMANDS[cmd_name]
        command = getattr(import_module(f".{module}", __name__), name)
        assert isinstance(command, click.Command)
        return command


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(VERSION, prog_name="mlsd-draw")
def cli() -> None:
    """Drill ML system design architectures from memory.

    Write an architecture in the .mlsd language (`A -> B -> C`), check it, format it,
    draw it.

    Example: mlsd-draw show attempt.mlsd -o attempt.svg
    """


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the `mlsd-draw` console script.

    Output that cannot be written (standard output closed, or a full disk behind it) is
    an error with exit status 2, never a success whose output was lost.
    """
    for name in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS"):
        # The grader's matrices are small: BLAS threads would only spin (a setting the
        # person gave is kept). Set before anything imports numpy.
        os.environ.setdefault(name, "1")
    if sys.stdout is None:
        sys.stderr.write("error: standard output is closed: nothing could be shown\n")
        sys.exit(EXIT_ERROR)
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="mlsd-draw")
    except SystemExit as finished:
        if _reader_left():
            sys.exit(EXIT_READER_LEFT)
        _flush_or_fail()
        raise finished from None
    _flush_or_fail()


def run() -> NoReturn:
    """The `mlsd-draw` console script and `python -m mlsd_draw`: :func:`main`, then an
    exit that skips the interpreter's teardown (see :func:`_leave`).

    Start-up allocates a few hundred thousand objects that live until the end (modules,
    the vocabulary index); looking for reference cycles every 700 allocations, Python's
    default, costs a fresh grade about 12 ms. Cycles are still collected, every 50,000.
    """
    gc.set_threshold(50_000, 10, 10)
    try:
        main()
    except SystemExit as finished:
        if finished.code is not None and not isinstance(finished.code, int):
            raise  # a message for Python to print: its usual exit
        _leave(finished.code or 0)
    _leave(0)


EXIT_READER_LEFT = 141
"""The status of a command whose reader left early (`mlsd-draw list | head -1`): what
other Unix tools give, killed by SIGPIPE (128 + 13), and never 1 ("the answer is no")."""


def _reader_left() -> bool:
    """Whether Click stopped because standard output's reader closed the pipe (it then
    swaps in a wrapper that swallows the flush at exit)."""
    return type(sys.stdout).__name__.endswith("PacifyFlushWrapper")


def _leave(status: int) -> NoReturn:
    """End the process with `status` once everything is written, without the interpreter's
    teardown.

    Python's exit frees every object one at a time: numpy, the vocabulary index and the
    rest take about 30 ms, a sixth of a fresh grade, and the person waits for it. So, when
    no other thread runs (the studio's server or a watcher make a normal exit wait for
    them), the exit handlers run (temporary folders, worker pools), both streams are
    flushed and the process ends at once. Files and the history are closed by then: every
    write happens in a `with` block.
    """
    if threading.active_count() > 1:
        sys.exit(status)
    atexit._run_exitfuncs()
    _flush_or_fail()
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.flush()
    os._exit(status)


def _flush_or_fail() -> None:
    """Flush standard output; a write the system refused is reported and exits 2."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        sys.stdout = Path(os.devnull).open("w")  # noqa: SIM115 - the reader left: write nowhere
        os._exit(EXIT_READER_LEFT)
    except OSError as error:
        sys.stderr.write(f"error: cannot write the output: {error.strerror or error}\n")
        os._exit(EXIT_ERROR)
