"""One error hierarchy for mlsd-draw, and the diagnostics a parse produces.

Every error the tool raises on bad input derives from :class:`MlsdDrawError`; the CLI
prints it and exits with status 2. Problems found in a diagram file are
:class:`Diagnostic` values that carry their :class:`Span`, so they can be shown with
the source line and a caret under the exact place.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

Severity = Literal["error", "warning"]


class Span(NamedTuple):
    """A stretch of source text: character offsets plus the 1-based line and column of its start."""

    start: int
    end: int
    line: int
    column: int


@dataclass(frozen=True)
class Diagnostic:
    """One problem in a diagram file: an error (the file is rejected) or a warning."""

    severity: Severity
    message: str
    span: Span
    hint: str = ""

    def render(self, source: str, path: str, lines: Sequence[str] | None = None) -> str:
        """The problem as a person reads it: `FILE:LINE:COL: severity: message`, line, caret.

        `lines` is `source` split at "\n", when the caller renders many problems of one
        file (splitting once keeps that linear). A very long line is shown as the part
        around the caret.
        """
        header = f"{path}:{self.span.line}:{self.span.column}: {self.severity}: {self.message}"
        if lines is None:
            lines = source.split("\n")  # lines are counted at "\n" only, as the tokenizer does
        if self.span.line > len(lines):
            return header
        text = lines[self.span.line - 1].rstrip("\r")
        line_end_offset = self.span.start - (self.span.column - 1) + len(text)
        width = max(1, min(self.span.end, line_end_offset) - self.span.start)
        column = self.span.column
        if len(text) > SHOWN_LINE:  # a window of the line around the caret
            first = max(0, column - 1 - SHOWN_LINE // 2)
            last = min(len(text), first + SHOWN_LINE)
            prefix = "..." if first else ""
            text = prefix + text[first:last] + ("..." if last < len(text) else "")
            column = column - first + len(prefix)
            width = min(width, last - (self.span.column - 1))
        number = str(self.span.line)
        # Tabs keep their width under the caret so it lines up in any terminal.
        lead = "".join("\t" if ch == "\t" else " " for ch in text[: column - 1])
        caret = f"{lead}{'^' * width}"
        if self.hint:
            caret = f"{caret} {self.hint}"
        shown = f"  {number} | {text}" if text else f"  {number} |"
        return f"{header}\n{shown}\n  {' ' * len(number)} | {caret}"


SHOWN_LINE = 100
"""How much of a very long source line a message shows around its caret."""


class MlsdDrawError(Exception):
    """Base of every error mlsd-draw reports to a person; the CLI exits with status 2 on it."""


class ParseError(MlsdDrawError):
    """A diagram file has errors; it produces no graph.

    Carries every diagnostic of the file (errors and warnings), so one run reports them all.
    """

    def __init__(self, diagnostics: Sequence[Diagnostic], source: str, path: str) -> None:
        self.diagnostics = tuple(diagnostics)
        self.source = source
        self.path = path
        super().__init__(self.render())

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        """Only the errors, in the order they appear in the file."""
        return tuple(d for d in self.diagnostics if d.severity == "error")

    def render(self) -> str:
        """Every error of the file, each with its source line and caret."""
        return render_diagnostics(self.errors, self.source, self.path)


class RenderError(MlsdDrawError):
    """A diagram could not be drawn (no Graphviz for the format asked for, or Graphviz failed)."""


class LayoutError(RenderError):
    """Graphviz itself failed on the DOT it was given (as opposed to not being installed)."""


class HistoryError(MlsdDrawError):
    """The history database cannot be used (damaged, foreign, or unwritable)."""


class UsageError(MlsdDrawError):
    """The request itself is wrong: an unknown output format, a missing file, an unknown case."""


def render_diagnostics(diagnostics: Iterable[Diagnostic], source: str, path: str) -> str:
    """Several diagnostics, one block each, separated by blank lines (the source is split
    into lines once, however many there are)."""
    lines = source.split("\n")
    return "\n\n".join(d.render(source, path, lines) for d in diagnostics)


def shorten(path: str, limit: int = 120) -> str:
    """A path as a message shows it: whole unless very long, then its two ends."""
    if len(path) <= limit:
        return path
    return f"{path[: limit // 2]}...{path[-limit // 3 :]}"
