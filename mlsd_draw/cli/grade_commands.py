"""Commands that grade: `grade` (once, or at every save with --watch) and `demo`."""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..core.errors import HistoryError, MlsdDrawError, UsageError
from .common import (
    EXIT_NO,
    colour,
    complete_case_or_file,
    echo_warnings,
    handles_errors,
    report_error,
    report_style,
)

if TYPE_CHECKING:
    from ..app.grading import Review


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(allow_dash=True),
                metavar="FILE...")  # fmt: skip
@click.option(
    "--ref",
    "reference",
    shell_complete=complete_case_or_file,
    metavar="CASE|PATH",
    help="The reference: a shipped case id or a .mlsd file (for every attempt). "
    "Default: each attempt's @case.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "csv"]),
    default="text",
    show_default=True,
    help="json prints one JSON object and nothing else on standard output; csv prints one "
    "row per attempt (a cohort, even of one).",
)
@click.option("--hints", is_flag=True, help="Count what is missing instead of naming it.")
@click.option(
    "--min-score",
    type=click.FloatRange(0, 100),
    callback=lambda _ctx, _param, value: _a_number(value),
    metavar="N",
    help="Exit with status 1 when the score (of any attempt, in a cohort) is below N.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="The diff picture to write: .svg, .png, .pdf, .dot, or .html for a full report. "
    "Default: ATTEMPT.diff.svg beside the attempt. In a cohort: the cohort page (.html).",
)
@click.option("--no-render", is_flag=True, help="Do not draw the diff picture.")
@click.option("--no-save", is_flag=True, help="Do not record this grade in the history.")
@click.option(
    "--save",
    is_flag=True,
    help="In a cohort, record every attempt in the history (off by default there).",
)
@click.option(
    "--pictures",
    is_flag=True,
    help="In a cohort, draw each attempt's diff picture beside it (not drawn by default).",
)
@click.option(
    "--explain",
    metavar="NAME",
    help="Show why your box NAME was paired as it was, or left unpaired (grades nothing).",
)
@click.option(
    "--watch",
    is_flag=True,
    help="Grade and draw again at every save of FILE, until Ctrl-C (nothing is recorded).",
)
@handles_errors
def grade(
    files: tuple[str, ...],
    reference: str | None,
    output_format: str,
    hints: bool,
    min_score: float | None,
    output: str | None,
    no_render: bool,
    no_save: bool,
    save: bool,
    pictures: bool,
    explain: str | None,
    watch: bool,
) -> None:
    """Grade an attempt against its reference, explain the result and draw the differences.

    Components are matched by name, synonym, typo, abbreviation and by what they connect
    to; the score (0-100) weighs recalled components, correct arrows and extras. The diff
    picture shows reference and attempt side by side with every difference coloured.

    Several files or a folder (its .mlsd, .dot and .mmd files) grade a cohort: one row
    per attempt, then the score distribution and the components the group forgot most.
    A cohort draws no pictures unless --pictures and records nothing unless --save; a
    file that cannot be graded is reported in its row and the exit status is 2.

    Example: mlsd-draw grade attempt.mlsd --ref visual-search -o report.html

    Example: mlsd-draw grade cohort/ --ref visual-search --format csv -o cohort.html
    """
    from .cohort_output import grade_several, is_batch

    if save and no_save:
        raise UsageError("--save and --no-save contradict each other: give one")
    if is_batch(files, output_format):
        for flag, given in (("--watch", watch), ("--explain", explain is not None),
                            ("--hints", hints)):  # fmt: skip
            if given:
                raise UsageError(f"{flag} works on one attempt, not on a cohort")
        if pictures and no_render:
            raise UsageError("--pictures and --no-render contradict each other: give one")
        grade_several(files, reference, output_format, min_score=min_score, output=output,
                      save=save, pictures=pictures)  # fmt: skip
        return
    (file,) = files
    from ..app.grading import picture_path

    if explain is not None:
        _explain(file, reference, explain, output_format)
        return
    target = picture_path(file, output, render=not no_render)
    if not watch:
        score = _grade_once(file, reference, output_format, hints, target, save=not no_save)
        if min_score is not None and score < min_score:
            sys.exit(EXIT_NO)
        return
    if file == "-":
        raise UsageError("--watch needs a file, not standard input")
    if not Path(file).is_file():
        raise UsageError(f"{file}: no such file to watch; create it first (mlsd-draw drill)")
    from ..app.watching import watch_file

    def again() -> None:
        click.echo(click.style(f"--- {file}", dim=True) if colour(sys.stdout) else f"--- {file}")
        try:
            _grade_once(file, reference, output_format, hints, target, save=False)
        except MlsdDrawError as error:
            report_error(error)
        click.echo(f"watching {file} (Ctrl-C to stop)", err=True)

    watch_file(Path(file), again)


LONG_GRADE_COMPONENTS = 2000
"""From this many components a grade takes a second or more: a terminal is told."""


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
    from ..app.diagrams import load_diagram
    from ..app.documents import grade_document, json_text
    from ..app.grading import grade_loaded, report_text

    attempt = load_diagram(file)
    echo_warnings(attempt)
    if len(attempt.diagram.nodes) >= LONG_GRADE_COMPONENTS and sys.stderr.isatty():
        # Work of more than about a second says so, rather than sit silent.
        click.echo(f"grading {len(attempt.diagram.nodes):,} components...", err=True)
    try:
        outcome = grade_loaded(attempt, file, reference, picture=target, save=save, hints=hints)
    except HistoryError as error:
        raise HistoryError(f"{error}\n(grade with --no-save to skip the history)") from None
    if output_format == "json":
        click.echo(json_text(grade_document(outcome)), nl=False)
        if outcome.picture is not None:
            click.echo(f"diff: {outcome.picture}", err=True)
    else:
        click.echo(report_text(outcome.grade, hints=hints, style=report_style()), nl=False)
        if outcome.picture is not None:
            click.echo(f"\ndiff: {outcome.picture}")
        if outcome.review is not None:
            click.echo(_review_line(outcome.review))
    return float(outcome.grade.score)


def _a_number(value: float | None) -> float | None:
    """Refuse `nan`, which every range check lets through and no score is ever below."""
    if value is not None and math.isnan(value):
        raise click.BadParameter("must be a number from 0 to 100, not nan")
    return value


def _explain(file: str, reference: str | None, name: str, output_format: str) -> None:
    """Print what the matcher weighed for one of the attempt's boxes."""
    from ..app.diagrams import load_diagram
    from ..app.documents import explanation_document, json_text
    from ..app.grading import explain_box

    attempt = load_diagram(file)
    echo_warnings(attempt)
    explanation = explain_box(attempt, reference, name)
    if output_format == "json":
        click.echo(json_text(explanation_document(explanation)), nl=False)
        return
    click.echo(f"{explanation.label}: {explanation.reason}")
    if not explanation.candidates:
        return
    click.echo("weighed against:")
    for c in explanation.candidates:
        parts = [f"{kind} {value:.2f}" for kind, value in c.evidence.items()]
        if c.term:
            parts = [
                f"{p} ({c.term[0]!r} plays {c.term[1]})" if p.startswith("term") else p
                for p in parts
            ]
        if c.neighbours:
            parts.append(f"neighbours +{c.neighbours:.2f}")
        mark = "  <- paired" if c.reference == explanation.paired_with else ""
        click.echo(f"  {c.label}: {', '.join(parts) or 'no label evidence'}; "
                   f"weighed {c.total:.2f}{mark}")  # fmt: skip


def _review_line(review: Review) -> str:
    """`saved: rated Good in 12 min; next review in 3 days (2026-01-08)`."""
    from ..app.practice import now, rating_name

    if review.repeated:
        return (
            f"not saved again: this drill was graded before with the same text "
            f"(rated {rating_name(review.rating)}); edit the attempt or start a new drill"
        )
    parts = [f"saved: rated {rating_name(review.rating)}"]
    if review.hint_level:
        parts.append(f"(hint level {review.hint_level} used: at most Hard)")
    if review.duration_seconds is not None:
        parts.append(f"in {review.duration_seconds / 60:.0f} min")
    if review.due is not None:
        days = (review.due - now()).total_seconds() / 86400
        when = "today" if days < 0.5 else "tomorrow" if days < 1.5 else f"in {days:.0f} days"
        parts.append(f"; next review {when} ({review.due:%Y-%m-%d})")
    return " ".join(parts).replace(" ;", ";")


@click.command()
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
    from ..app.grading import report_text

    result = run_demo(Path(output_dir))
    click.echo(report_text(result.grade, style=report_style()))
    for path in result.written:
        click.echo(str(path))
