"""The `mlsd-draw` command: parses arguments, calls the library, formats what it returns.

Exit status: 0 success; 1 the answer is "no" (a file `fmt --check` would change, a
score below `--min-score`); 2 bad input or usage (a parse error, a missing file, an unknown format).
Heavy modules (networkx, graphviz) are imported inside the commands that need them, so
`mlsd-draw --help` stays fast.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ..core.errors import Diagnostic, MlsdDrawError, ParseError, UsageError, render_diagnostics

if TYPE_CHECKING:
    from click.shell_completion import CompletionItem

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_NO, EXIT_ERROR = 0, 1, 2


def _colour(stream: Any) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    return "NO_COLOR" not in os.environ and hasattr(stream, "isatty") and stream.isatty()


def _echo_diagnostics(diagnostics: Sequence[Diagnostic], source: str, path: str) -> None:
    if not diagnostics:
        return
    text = render_diagnostics(diagnostics, source, path)
    if _colour(sys.stderr):
        text = text.replace(": error: ", ": " + click.style("error", fg="red", bold=True) + ": ")
        text = text.replace(": warning: ", ": " + click.style("warning", fg="yellow") + ": ")
    click.echo(text, err=True)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _report_parse_error(error: ParseError) -> None:
    _echo_diagnostics(error.diagnostics, error.source, error.path)
    warnings = len(error.diagnostics) - len(error.errors)
    summary = f"{error.path}: {_plural(len(error.errors), 'error')}"
    if warnings:
        summary += f", {_plural(warnings, 'warning')}"
    click.echo(summary, err=True)


def handles_errors(command: F) -> F:
    """Turn mlsd-draw errors into a clear message on stderr and exit status 2."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ParseError as error:
            _report_parse_error(error)
            sys.exit(EXIT_ERROR)
        except MlsdDrawError as error:
            prefix = click.style("error", fg="red", bold=True) if _colour(sys.stderr) else "error"
            click.echo(f"{prefix}: {error}", err=True)
            sys.exit(EXIT_ERROR)

    return wrapper  # type: ignore[return-value]


def _format_option(
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


def _complete_case(
    _ctx: click.Context, _param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Shell completion of case ids (shipped and in MLSD_DRAW_REFS)."""
    from click.shell_completion import CompletionItem

    from ..library.references import case_ids

    try:
        ids = case_ids()
    except MlsdDrawError:
        return []
    return [CompletionItem(case) for case in ids if case.startswith(incomplete)]


def _complete_case_or_file(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Shell completion of case ids, then of file names."""
    from click.shell_completion import CompletionItem

    return [*_complete_case(ctx, param, incomplete), CompletionItem(incomplete, type="file")]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="mlsd-draw")
def cli() -> None:
    """Drill ML system design architectures from memory.

    Write an architecture in the .mlsd language (`A -> B -> C`), check it, format it,
    draw it.

    Example: mlsd-draw show attempt.mlsd -o attempt.svg
    """


def _read_any(source: str, name: str, text: str) -> Any:
    """Parse text in the format its file name says: `.mlsd`, Graphviz or Mermaid."""
    from ..formats.dispatch import format_for_path, read_diagram

    return read_diagram(text, path=name, fmt=format_for_path(source))


def _try_parse(source: str, read: Callable[[str], tuple[str, str]]) -> tuple[str, str, Any] | None:
    """Read and parse one input for a command that goes on to the next: its display name,
    text and diagram, or None after reporting why it cannot be used."""
    try:
        name, text = read(source)
        return name, text, _read_any(source, name, text)
    except ParseError as error:
        _report_parse_error(error)
    except MlsdDrawError as error:
        click.echo(f"error: {error}", err=True)
    return None


def _load(path: str) -> tuple[Any, str, str]:
    """Parse a file (`.mlsd`, Graphviz or Mermaid, by its extension), printing its warnings;
    returns the diagram, its display name and text."""
    from ..language.parser import read_source

    name, text = read_source(path)
    diagram = _read_any(path, name, text)
    _echo_diagnostics(diagram.warnings, text, name)
    return diagram, name, text


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(allow_dash=True))
def check(files: tuple[str, ...]) -> None:
    """Check diagram files and print one summary line each.

    Every error and warning is printed with its line and a caret; `-` reads standard
    input. Exit status 2 if any file has an error.

    Example: mlsd-draw check attempt.mlsd
    """
    from ..language.parser import read_source

    failed = False
    for path in files:
        loaded = _try_parse(path, read_source)
        if loaded is None:
            failed = True
            continue
        name, text, diagram = loaded
        _echo_diagnostics(diagram.warnings, text, name)
        click.echo(
            f"{name}: ok, {_plural(len(diagram.nodes), 'component')}, "
            f"{_plural(len(diagram.edges), 'edge')}, {_plural(len(diagram.groups), 'group')}, "
            f"{_plural(len(diagram.warnings), 'warning')}"
        )
    if failed:
        sys.exit(EXIT_ERROR)


@cli.command()
@click.argument("file", type=click.Path(allow_dash=True))
@click.option("--write", "-w", is_flag=True, help="Replace the file with its canonical form.")
@click.option("--check", "check_only", is_flag=True, help="Exit 1 if the file is not canonical.")
@handles_errors
def fmt(file: str, write: bool, check_only: bool) -> None:
    """Print the canonical text of a diagram file.

    Groups are indented, each component with attributes is declared once in its group,
    edges are written as chains. Parsing the result gives the same diagram.

    Example: mlsd-draw fmt attempt.mlsd --write
    """
    from ..core.files import write_text_atomically
    from ..language.formatter import format_diagram

    if write and file != "-" and Path(file).suffix.lower() not in ("", ".mlsd"):
        raise UsageError(
            f"{file} is not a .mlsd file: --write would replace it with .mlsd text; "
            f"use `mlsd-draw convert {file} --to mlsd -o NEW.mlsd`"
        )
    diagram, name, text = _load(file)
    formatted = format_diagram(diagram)
    if check_only:
        if formatted != text:
            click.echo(f"{name}: would be reformatted", err=True)
            sys.exit(EXIT_NO)
        return
    if write:
        if file == "-":
            raise click.UsageError("--write needs a file, not standard input")
        if formatted != text:
            write_text_atomically(Path(file), formatted)
            click.echo(f"{name}: reformatted", err=True)
        return
    click.echo(formatted, nl=False)


def _load_file_or_case(spec: str) -> tuple[Any, str, str, str | None]:
    """A FILE|CASE argument: a path that exists (or ends in .mlsd, or has a /) is a file,
    anything else a case id. Returns the diagram, display name, text and default image.
    """
    from ..library.references import case_source, looks_like_path

    if spec == "-" or looks_like_path(spec):
        diagram, name, text = _load(spec)
        return diagram, name, text, None if spec == "-" else str(Path(spec).with_suffix(".svg"))
    from ..language.parser import parse

    name, text, _origin = case_source(spec)
    diagram = parse(text, path=name)
    _echo_diagnostics(diagram.warnings, text, name)
    return diagram, name, text, f"{spec}.svg"


@cli.command()
@click.argument("file", metavar="FILE|CASE", shell_complete=_complete_case_or_file)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Image to write; the extension picks the format: .svg, .png, .pdf or .dot. "
    "Default: FILE with .svg, or CASE.svg in the current folder.",
)
@click.option("--text", "as_text", is_flag=True, help="Print the canonical text instead.")
@handles_errors
def show(file: str, output: str | None, as_text: bool) -> None:
    """Draw a diagram file or a reference case with Graphviz and print the path of the image.

    A path that exists wins; otherwise FILE|CASE is a case id (see `mlsd-draw list`).
    SVG works after a plain pip install; PNG and PDF need the system Graphviz. --text
    prints the canonical text of the file or case instead of drawing it.

    Example: mlsd-draw show video-recommendation -o recsys.png
    """
    diagram, _name, _text, default_output = _load_file_or_case(file)
    if as_text:
        if output is not None:
            raise click.UsageError("--text prints to standard output: leave out -o")
        from ..language.formatter import format_diagram

        click.echo(format_diagram(diagram), nl=False)
        return
    from ..drawing.rendering import diagram_to_dot, output_format, write_image

    if output is None:
        if default_output is None:
            raise click.UsageError("reading standard input: choose the image with -o")
        output = default_output
    target = Path(output)
    output_format(target)  # reject an unknown extension before any work
    written = write_image(diagram_to_dot(diagram), target)
    click.echo(str(written))


@cli.command("list")
@_format_option("json prints a list of {id, title, components, level, origin}.")
@handles_errors
def list_command(output_format: str) -> None:
    """List the reference cases: the shipped ones and those in MLSD_DRAW_REFS folders.

    One line per case: its id (what --ref, show and lint take), title, number of
    components and level. A case from a folder of MLSD_DRAW_REFS (a path list) shows
    that folder; such a folder wins over a shipped case with the same id.

    Example: mlsd-draw list --format json
    """
    import json

    from ..library.references import SHIPPED, list_cases

    cases = list_cases()
    if output_format == "json":
        rows = [
            {
                "id": c.id,
                "title": c.title,
                "components": c.components,
                "level": c.level,
                "origin": c.origin,
            }
            for c in cases
        ]
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    table = [["id", "title", "components", "level"]]
    table += [[c.id, c.title or "", str(c.components), c.level or ""] for c in cases]
    if any(c.origin != SHIPPED for c in cases):
        table[0].append("from")
        for row, case in zip(table[1:], cases, strict=True):
            row.append(case.origin)
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    for row in table:
        cells = [
            cell.rjust(width) if i == 2 else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        click.echo("  ".join(cells).rstrip())


@cli.command("lint")
@click.argument(
    "targets",
    nargs=-1,
    required=True,
    metavar="FILE|CASE...",
    shell_complete=_complete_case_or_file,
)
def lint_command(targets: tuple[str, ...]) -> None:
    """Check reference files or cases against the rules of the reference library.

    Reports a missing @case, @title, @prompt, @level or @source; a component with no
    alias, or a core one (weight above 1) with fewer than 3; an alias that is another
    component's name or alias; a weighted component without a note; a component with no
    edge; and the parser's warnings. Each problem is printed with a caret, then one
    summary line per file. Exit status 1 if there is a problem, 2 if a file cannot be
    read or parsed.

    Example: mlsd-draw lint my-cases/search-ranking.mlsd video-recommendation
    """
    from ..language.parser import read_source
    from ..library.lint import lint
    from ..library.references import case_source, looks_like_path

    def read_case_or_file(target: str) -> tuple[str, str]:
        if target == "-" or looks_like_path(target):
            return read_source(target)
        name, text, _origin = case_source(target)
        return name, text

    status = EXIT_OK
    for target in targets:
        loaded = _try_parse(target, read_case_or_file)
        if loaded is None:
            status = EXIT_ERROR
            continue
        name, text, diagram = loaded
        problems = lint(diagram, text)
        _echo_diagnostics(problems, text, name)
        click.echo(f"{name}: {_plural(len(problems), 'problem') if problems else 'clean'}")
        if problems and status == EXIT_OK:
            status = EXIT_NO
    sys.exit(status)


_STYLES = {
    "good": {"fg": "green"},
    "bad": {"fg": "red"},
    "warn": {"fg": "yellow"},
    "dim": {"dim": True},
    "bold": {"bold": True},
}


def _terminal_style(text: str, role: str) -> str:
    return click.style(text, **_STYLES[role])  # type: ignore[arg-type]


@cli.command()
@click.argument("file", type=click.Path(allow_dash=True))
@click.option(
    "--ref",
    "reference",
    shell_complete=_complete_case_or_file,
    metavar="CASE|PATH",
    help="The reference: a shipped case id or a .mlsd file. Default: the attempt's @case.",
)
@_format_option("json prints one JSON object and nothing else on standard output.")
@click.option("--hints", is_flag=True, help="Count what is missing instead of naming it.")
@click.option(
    "--min-score",
    type=click.FloatRange(0, 100),
    metavar="N",
    help="Exit with status 1 when the score is below N.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="The diff picture to write: .svg, .png, .pdf, .dot, or .html for a full report. "
    "Default: ATTEMPT.diff.svg beside the attempt.",
)
@click.option("--no-render", is_flag=True, help="Do not draw the diff picture.")
@click.option("--no-save", is_flag=True, help="Do not record this grade in the history.")
@click.option(
    "--watch",
    is_flag=True,
    help="Grade and draw again at every save of FILE, until Ctrl-C (nothing is recorded).",
)
@handles_errors
def grade(
    file: str,
    reference: str | None,
    output_format: str,
    hints: bool,
    min_score: float | None,
    output: str | None,
    no_render: bool,
    no_save: bool,
    watch: bool,
) -> None:
    """Grade an attempt against its reference, explain the result and draw the differences.

    Components are matched by name, synonym, typo, abbreviation and by what they connect
    to; the score (0-100) weighs recalled components, correct arrows and extras. The diff
    picture shows reference and attempt side by side with every difference coloured.

    Example: mlsd-draw grade attempt.mlsd --ref visual-search -o report.html
    """
    from ..drawing.diff_image import DIFF_EXTENSIONS, default_diff_path

    target: Path | None = None
    if not no_render:
        if output is not None:
            target = Path(output)
            if target.suffix.lower() not in DIFF_EXTENSIONS:
                raise UsageError(f"cannot write {output}: use one of {', '.join(DIFF_EXTENSIONS)}")
        elif file != "-":
            target = default_diff_path(Path(file))
    if not watch:
        score = _grade_once(file, reference, output_format, hints, target, save=not no_save)
        if min_score is not None and score < min_score:
            sys.exit(EXIT_NO)
        return
    if file == "-":
        raise UsageError("--watch needs a file, not standard input")
    from ..app.watching import watch_file

    def again() -> None:
        click.echo(click.style(f"--- {file}", dim=True) if _colour(sys.stdout) else f"--- {file}")
        try:
            _grade_once(file, reference, output_format, hints, target, save=False)
        except ParseError as error:
            _report_parse_error(error)
        except MlsdDrawError as error:
            click.echo(f"error: {error}", err=True)
        click.echo(f"watching {file} (Ctrl-C to stop)", err=True)

    watch_file(Path(file), again)


def _grade_once(
    file: str,
    reference: str | None,
    output_format: str,
    hints: bool,
    target: Path | None,
    *,
    save: bool,
) -> float:
    """Grade, draw, record and print once; returns the score."""
    from ..drawing.diff_image import write_diff
    from ..grading.reports import json_text, plain, text_report
    from ..grading.scoring import grade as grade_attempt
    from ..library.references import reference_for

    attempt, _name, text = _load(file)
    ref = reference_for(attempt, reference)
    result = grade_attempt(ref.diagram, attempt)
    written = write_diff(result, target) if target is not None else None
    review = _save_review(result, ref, text, None if file == "-" else file) if save else None
    if output_format == "json":
        extra = {"review": _review_json(review)} if review is not None else None
        click.echo(json_text(result, extra), nl=False)
        if written is not None:
            click.echo(f"diff: {written}", err=True)
    else:
        style = _terminal_style if _colour(sys.stdout) else plain
        click.echo(text_report(result, hints=hints, style=style), nl=False)
        if written is not None:
            click.echo(f"\ndiff: {written}")
        if review is not None:
            click.echo(_review_line(review))
    return float(result.score)


def _save_review(result: Any, ref: Any, text: str, path: str | None) -> Any:
    """Record a grade in the history; a history problem stops here, before any output."""
    from importlib.metadata import version

    from ..practice.history import HistoryError, now_utc, open_history
    from ..practice.schedule import record_grade

    try:
        history = open_history()
    except HistoryError as error:
        raise HistoryError(f"{error}\n(grade with --no-save to skip the history)") from None
    try:
        return record_grade(
            history,
            result,
            case_id=ref.case,
            attempt_text=text,
            attempt_path=Path(path) if path else None,
            now=now_utc(),
            tool_version=version("mlsd-draw"),
            reference_origin=ref.origin,
        )
    finally:
        history.close()


def _review_json(review: Any) -> dict[str, Any]:
    from ..practice.schedule import RATING_NAMES

    return {
        "rating": RATING_NAMES[review.rating],
        "due": review.due.isoformat() if review.due else None,
        "duration_seconds": review.duration_seconds,
        "hint_level": review.hint_level,
    }


def _review_line(review: Any) -> str:
    from ..practice.history import now_utc
    from ..practice.schedule import RATING_NAMES

    parts = [f"saved: rated {RATING_NAMES[review.rating]}"]
    if review.hint_level:
        parts.append(f"(hint level {review.hint_level} used: at most Hard)")
    if review.duration_seconds is not None:
        parts.append(f"in {review.duration_seconds / 60:.0f} min")
    if review.due is not None:
        days = (review.due - now_utc()).total_seconds() / 86400
        when = "today" if days < 0.5 else "tomorrow" if days < 1.5 else f"in {days:.0f} days"
        parts.append(f"; next review {when} ({review.due:%Y-%m-%d})")
    return " ".join(parts).replace(" ;", ";")


@cli.command()
@click.option(
    "-o",
    "--output-dir",
    type=click.Path(file_okay=False),
    default="mlsd-draw-demo",
    show_default=True,
    help="Folder for the demo's files.",
)
@handles_errors
def demo(output_dir: str) -> None:
    """Grade a bundled example attempt, print the report and the files written.

    Example: mlsd-draw demo
    """
    from ..app.demo import run_demo
    from ..grading.reports import plain, text_report

    result = run_demo(Path(output_dir))
    style = _terminal_style if _colour(sys.stdout) else plain
    click.echo(text_report(result.grade, style=style))
    for path in result.written:
        click.echo(str(path))


@cli.command()
@click.argument("file", type=click.Path(allow_dash=True))
@click.option(
    "--to",
    "target_format",
    type=click.Choice(["mlsd", "dot", "mermaid"]),
    required=True,
    help="The format to write.",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), help="Write here instead of stdout."
)
@handles_errors
def convert(file: str, target_format: str, output: str | None) -> None:
    """Convert a diagram between .mlsd, Graphviz DOT and a Mermaid flowchart.

    Reads .mlsd, .dot/.gv, .mmd and the first Mermaid block of a .md file; paste the
    Mermaid output into notes or a README, where it renders.

    Example: mlsd-draw convert attempt.mlsd --to mermaid
    """
    from ..core.files import write_text_atomically
    from ..formats.dispatch import write_diagram

    diagram, _name, _text = _load(file)
    text = write_diagram(diagram, target_format)
    if output is None:
        click.echo(text, nl=False)
    else:
        click.echo(str(write_text_atomically(Path(output), text)))


@cli.group()
def export() -> None:
    """Export the reference library to other tools.

    Example: mlsd-draw export anki -o mlsd.apkg
    """


@export.command("anki")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default="mlsd-draw.apkg",
    show_default=True,
    help="The Anki package to write.",
)
@handles_errors
def export_anki(output: str) -> None:
    """Write an Anki deck: one note per case, the question on the front, the reference
    picture and the notes of its core components on the back.

    Notes keep the same id across exports, so importing again updates the cards.

    Example: mlsd-draw export anki -o mlsd.apkg
    """
    from ..library.references import case_ids, load_case
    from ..practice.anki import build_deck, write_deck

    ids = case_ids()
    written = write_deck(build_deck(load_case(case) for case in ids), Path(output))
    click.echo(f"{written}: {len(ids)} notes")


@contextmanager
def _history() -> Iterator[Any]:
    """The practice history, closed afterwards."""
    from ..practice.history import open_history

    history = open_history()
    try:
        yield history
    finally:
        history.close()


def _when(moment: Any, now: Any) -> str:
    """A due date in words: `today`, `in 3 days`, `2 days ago`."""
    days = round((moment - now).total_seconds() / 86400)
    if days == 0:
        return "today"
    if days > 0:
        return "tomorrow" if days == 1 else f"in {days} days"
    return "yesterday" if days == -1 else f"{-days} days ago"


@cli.command()
@click.argument("case", required=False, shell_complete=_complete_case)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Default: CASE.mlsd here.")
@click.option("--force", is_flag=True, help="Overwrite the attempt file if it exists.")
@click.option("--edit", is_flag=True, help="Open the attempt file in your editor ($EDITOR).")
@handles_errors
def drill(case: str | None, output: str | None, force: bool, edit: bool) -> None:
    """Start a drill: show the question and write an attempt file to fill in from memory.

    Without CASE, picks the case most due for review (or a new one). The clock starts
    now: `grade` records how long the recall took.

    Example: mlsd-draw drill video-recommendation
    """
    from ..core.files import write_text_atomically
    from ..library.references import case_ids, load_case
    from ..practice.history import now_utc
    from ..practice.schedule import drill_text, pick_next, schedule, suggested_minutes

    now = now_utc()
    with _history() as history:
        if case is None:
            chosen = pick_next(schedule(history, case_ids()), now)
            if chosen is None:
                raise UsageError("no cases found to drill")
            case = chosen.case_id
        reference = load_case(case).diagram
        target = Path(output) if output else Path(f"{case}.mlsd")
        if target.exists() and not force:
            raise UsageError(
                f"{target} already exists: grade it, choose another file with -o, "
                "or start over with --force"
            )
        write_text_atomically(target, drill_text(reference, case))
        history.start_drill(case, target, now)
    d = reference.directives
    click.echo(click.style(d.title or case, bold=True) if _colour(sys.stdout) else d.title or case)
    if d.prompt:
        click.echo(d.prompt)
    click.echo(f"\nYou have {suggested_minutes(reference)} minutes. Write your answer in {target}")
    click.echo(f"then run: mlsd-draw grade {target}")
    if edit:
        click.edit(filename=str(target))


@cli.command(name="next")
@_format_option()
@handles_errors
def next_cases(output_format: str) -> None:
    """List the cases due for review now, the new ones, and what comes up later.

    Example: mlsd-draw next
    """
    from ..library.references import case_ids
    from ..practice.history import now_utc
    from ..practice.schedule import due_now, schedule

    now = now_utc()
    with _history() as history:
        states = schedule(history, case_ids())
    due, fresh = due_now(states, now)
    later = [s for s in states if s.due is not None and s.due > now]
    if output_format == "json":

        def entry(state: Any) -> dict[str, Any]:
            return {
                "case": state.case_id,
                "due": state.due.isoformat() if state.due else None,
                "reviews": state.reviews,
            }

        report = {
            "due": [entry(s) for s in due],
            "new": [entry(s) for s in fresh],
            "later": [entry(s) for s in later],
        }
        click.echo(json.dumps(report, indent=2))
        return
    for heading, states_ in (("Due now", due), ("New", fresh), ("Later", later)):
        if not states_:
            continue
        click.echo(heading)
        for state in states_:
            when = f"due {_when(state.due, now)}" if state.due else "never drilled"
            click.echo(f"  {state.case_id:24s} {when}")
    if due or fresh:
        click.echo(f"\nStart with: mlsd-draw drill {(due or fresh)[0].case_id}")


@cli.command(name="history")
@click.argument("case", required=False, shell_complete=_complete_case)
@_format_option()
@handles_errors
def history_command(case: str | None, output_format: str) -> None:
    """List graded attempts, oldest first: when, case, score, rating, time taken, hints.

    Example: mlsd-draw history visual-search
    """
    from ..practice.schedule import RATING_NAMES

    with _history() as history:
        attempts = history.attempts(case)
    if output_format == "json":
        rows = [
            {
                "graded_at": a.graded_at.isoformat(),
                "case": a.case_id,
                "score": a.score,
                "rating": RATING_NAMES[a.rating],
                "duration_seconds": a.duration_seconds,
                "hint_level": a.hint_level,
            }
            for a in attempts
        ]
        click.echo(json.dumps(rows, indent=2))
        return
    if not attempts:
        click.echo("No graded attempts yet: start with `mlsd-draw drill`.")
        return
    for a in attempts:
        took = (
            f"{a.duration_seconds / 60:4.0f} min" if a.duration_seconds is not None else "       "
        )
        hints = f"  hint {a.hint_level}" if a.hint_level else ""
        click.echo(
            f"{a.graded_at:%Y-%m-%d %H:%M}  {a.case_id:24s} {a.score:5.1f}  "
            f"{RATING_NAMES[a.rating]:5s} {took}{hints}"
        )


@cli.command()
@_format_option()
@click.option("--top", default=10, show_default=True, help="How many missed components to list.")
@handles_errors
def stats(output_format: str, top: int) -> None:
    """Progress per case (attempts, best, last, trend) and the components you miss most.

    Example: mlsd-draw stats
    """
    from ..library.references import case_ids
    from ..practice.history import now_utc
    from ..practice.schedule import case_stats

    now = now_utc()
    with _history() as history:
        drilled = sorted({a.case_id for a in history.attempts()})
        rows = case_stats(history, drilled)
        missed = history.missed_counts()[:top]
        notes = _notes_of(missed)
    known = set(case_ids())
    if output_format == "json":
        report = {
            "cases": [
                {
                    "case": r.case_id,
                    "attempts": r.attempts,
                    "best": r.best,
                    "last": r.last,
                    "trend": r.trend,
                    "due": r.due.isoformat() if r.due else None,
                }
                for r in rows
            ],
            "most_missed": [
                {"case": c, "component": k, "label": lbl, "missed": m, "attempts": n,
                 "note": notes.get((c, k))}
                for c, k, lbl, m, n in missed
            ],
        }  # fmt: skip
        click.echo(json.dumps(report, indent=2))
        return
    if not rows:
        click.echo("No graded attempts yet: start with `mlsd-draw drill`.")
        return
    click.echo(f"{'case':24s} {'tries':>5s} {'best':>5s} {'last':>5s}  trend       due")
    for r in rows:
        due = _when(r.due, now) if r.due else "-"
        mark = "" if r.case_id in known else "  (case not found now)"
        scores = f"{r.attempts:5d} {r.best:5.1f} {r.last:5.1f}"
        click.echo(f"{r.case_id:24s} {scores}  {r.trend:10s}  {due}{mark}")
    if missed:
        click.echo("\nMost often missed")
        for case_id, component, label, times, seen in missed:
            note = notes.get((case_id, component))
            click.echo(f"  {times}/{seen}  {label} ({case_id})" + (f": {note}" if note else ""))


def _notes_of(missed: Sequence[tuple[str, str, str, int, int]]) -> dict[tuple[str, str], str]:
    """The reference note of each missed component, when its case can still be loaded."""
    from ..library.references import load_case

    notes: dict[tuple[str, str], str] = {}
    for case_id in {row[0] for row in missed}:
        try:
            reference = load_case(case_id).diagram
        except MlsdDrawError:
            continue
        for _case, component, *_rest in (r for r in missed if r[0] == case_id):
            note = next((n.note for n in reference.nodes if n.id == component), None)
            if note:
                notes[(case_id, component)] = note
    return notes


@cli.command()
@click.argument("case", shell_complete=_complete_case)
@click.option(
    "--level",
    type=click.IntRange(1, 3),
    default=1,
    show_default=True,
    help="1: the stages; 2: counts and first letters per stage; 3: a component you missed.",
)
@handles_errors
def hint(case: str, level: int) -> None:
    """A hint for a case that does not give the answer away.

    A grade after a hint is rated at most Hard.

    Example: mlsd-draw hint video-recommendation --level 2
    """
    from ..library.references import load_case
    from ..practice.history import now_utc
    from ..practice.schedule import hint as hint_text

    reference = load_case(case).diagram
    with _history() as history:
        attempts = history.attempts(case)
        last = history.outcomes(attempts[-1].id) if attempts else []
        history.record_hint(case, level, now_utc())
    click.echo(hint_text(reference, level, last))


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the `mlsd-draw` console script."""
    cli.main(args=list(argv) if argv is not None else None, prog_name="mlsd-draw")
