"""What every command shares: exit codes, colour, printing diagnostics, turning errors
into a message and exit status 2, the `--format` option and shell completion."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ..core.errors import (
    Diagnostic,
    MlsdDrawError,
    ParseError,
    render_diagnostics,
    shorten,
)

if TYPE_CHECKING:
    from click.shell_completion import CompletionItem

    from ..app.diagrams import LoadedDiagram

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_NO, EXIT_ERROR = 0, 1, 2

_STYLES = {
    "good": {"fg": "green"},
    "bad": {"fg": "red"},
    "warn": {"fg": "yellow"},
    "dim": {"dim": True},
    "bold": {"bold": True},
}


def colour(stream: Any) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    return "NO_COLOR" not in os.environ and hasattr(stream, "isatty") and stream.isatty()


def terminal_style(text: str, role: str) -> str:
    """A report's style roles (good, bad, warn, dim, bold) as terminal colours."""
    return click.style(text, **_STYLES[role])  # type: ignore[arg-type]


def report_style() -> Callable[[str, str], str] | None:
    """How to style a text report on standard output: colours on a terminal, else none."""
    return terminal_style if colour(sys.stdout) else None


def plural(count: int, word: str) -> str:
    """`1 error`, `2 errors`."""
    return f"{count} {word}{'' if count == 1 else 's'}"


def echo_diagnostics(diagnostics: Sequence[Diagnostic], source: str, path: str) -> None:
    """Print errors and warnings with their line and caret on standard error."""
    if not diagnostics:
        return
    text = render_diagnostics(diagnostics, source, path)
    if colour(sys.stderr):
        text = text.replace(": error: ", ": " + click.style("error", fg="red", bold=True) + ": ")
        text = text.replace(": warning: ", ": " + click.style("warning", fg="yellow") + ": ")
    click.echo(text, err=True)


def echo_warnings(loaded: LoadedDiagram) -> None:
    """Print the parser's warnings of a diagram that was read."""
    echo_diagnostics(loaded.diagram.warnings, loaded.text, loaded.name)


def report_parse_error(error: ParseError) -> None:
    """Print every problem of a file that does not parse, then a one-line summary."""
    echo_diagnostics(error.diagnostics, error.source, error.path)
    warnings = len(error.diagnostics) - len(error.errors)
    summary = f"{error.path}: {plural(len(error.errors), 'error')}"
    if warnings:
        summary += f", {plural(warnings, 'warning')}"
    click.echo(summary, err=True)


def report_error(error: MlsdDrawError) -> None:
    """Print any mlsd-draw error the way a command that goes on to its next input does."""
    if isinstance(error, ParseError):
        report_parse_error(error)
    else:
        click.echo(f"error: {error}", err=True)


def handles_errors(command: F) -> F:
    """Turn mlsd-draw errors into a clear message on stderr and exit status 2."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ParseError as error:
            report_parse_error(error)
            sys.exit(EXIT_ERROR)
        except MlsdDrawError as error:
            prefix = click.style("error", fg="red", bold=True) if colour(sys.stderr) else "error"
            click.echo(f"{prefix}: {error}", err=True)
            sys.exit(EXIT_ERROR)
        except BrokenPipeError:
            raise  # the reader went away (`| head`): click ends quietly
        except OSError as error:  # the system refused something no check foresaw
            where = f"{shorten(str(error.filename))}: " if error.filename else ""
            click.echo(f"error: {where}{error.strerror or error}", err=True)
            sys.exit(EXIT_ERROR)

    return wrapper  # type: ignore[return-value]


def format_option(
    help: str = "json prints one JSON document on standard output.",
) -> Callable[[F], F]:
    """The `--format text|json` option that every reporting command takes."""
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(["text", "json"]),
        default="text",
        show_default=True,
        help=help,
    )


def complete_case(
    _ctx: click.Context, _param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Shell completion of case ids (shipped and in MLSD_DRAW_REFS)."""
    from click.shell_completion import CompletionItem

    from ..app.cases import case_ids

    try:
        ids = case_ids()
    except MlsdDrawError:
        return []
    return [CompletionItem(case) for case in ids if case.startswith(incomplete)]


def complete_case_or_file(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Shell completion of case ids, then of file names."""
    from click.shell_completion import CompletionItem

    return [*complete_case(ctx, param, incomplete), CompletionItem(incomplete, type="file")]


def when(moment: Any, now: Any) -> str:
    """A due date in words: `today`, `in 3 days`, `2 days ago`."""
    days = round((moment - now).total_seconds() / 86400)
    if days == 0:
        return "today"
    if days > 0:
        return "tomorrow" if days == 1 else f"in {days} days"
    return "yesterday" if days == -1 else f"{-days} days ago"
