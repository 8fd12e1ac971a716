"""`grade` on several files or a folder: grade the cohort, print its rows and summary.

One row per attempt (`--format text|csv|json`), then the score distribution and, per
reference, the components from the most forgotten; `-o cohort.html` draws the summary.
The exit status says whether every file could be graded (2 when one could not) and,
with `--min-score`, whether every attempt reached it (1 when one did not).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..core.errors import UsageError
from .common import EXIT_ERROR, EXIT_NO, plural, report_style

if TYPE_CHECKING:
    from ..app.cohort import AttemptRow, CaseSummary, Cohort

CSV_COLUMNS = (
    "file",
    "case",
    "score",
    "rating",
    "node_recall",
    "edge_recall",
    "missing_core",
    "error",
)
"""The header of `--format csv`; `missing_core` joins the labels with `; `."""

BAR = 40
"""The width of the histogram's longest bar in the text summary, in characters."""


def is_batch(paths: Sequence[str], output_format: str) -> bool:
    """Whether `grade` grades a cohort: several files, a folder, or CSV rows asked for."""
    return (
        len(paths) > 1
        or output_format == "csv"
        or any(path not in ("", "-") and Path(path).is_dir() for path in paths)
    )


def grade_several(
    paths: Sequence[str],
    reference: str | None,
    output_format: str,
    *,
    min_score: float | None,
    output: str | None,
    save: bool,
    pictures: bool,
) -> None:
    """Grade every attempt of `paths`, print the rows and summary, write the page, and
    exit 2 if a file could not be graded, else 1 if an attempt scored below `min_score`."""
    from ..app.cohort import attempt_files, grade_cohort, write_cohort_page
    from ..app.documents import cohort_document, json_text

    if output is not None and Path(output).suffix.lower() not in (".html", ".htm"):
        raise UsageError(
            f"cannot write {output}: with several attempts, -o writes the cohort page; "
            "name it .html"
        )
    files = attempt_files(paths)
    if sys.stderr.isatty():
        with click.progressbar(length=len(files), label="grading", file=sys.stderr) as bar:
            cohort = grade_cohort(
                files, reference, save=save, pictures=pictures, on_progress=bar.update
            )
    else:
        cohort = grade_cohort(files, reference, save=save, pictures=pictures)
    if output_format == "json":
        click.echo(json_text(cohort_document(cohort)), nl=False)
    elif output_format == "csv":
        click.echo(csv_text(cohort.rows), nl=False)
        click.echo(summary_line(cohort), err=True)
    else:
        click.echo(table_text(cohort.rows, report_style()), nl=False)
        click.echo()
        click.echo(summary_text(cohort), nl=False)
    if output_format != "text":
        for row in cohort.rows:
            if row.error is not None:
                click.echo(f"error: {_with_file(row)}", err=True)
    in_text = output_format == "text"
    drawn = sum(1 for row in cohort.rows if row.picture is not None)
    if drawn:
        click.echo(f"{plural(drawn, 'diff picture')} written beside the attempts", err=not in_text)
    if output is not None:
        click.echo(f"cohort page: {write_cohort_page(cohort, Path(output))}", err=not in_text)
    if cohort.failed:
        sys.exit(EXIT_ERROR)
    if min_score is not None and any(r.score is not None and r.score < min_score
                                     for r in cohort.rows):  # fmt: skip
        sys.exit(EXIT_NO)


def _with_file(row: AttemptRow) -> str:
    """A failed row's error, starting with its file (most messages already do)."""
    error = row.error or ""
    return error if error.startswith(row.file) else f"{row.file}: {error}"


def csv_text(rows: Sequence[AttemptRow]) -> str:
    """The rows as CSV with a header (`CSV_COLUMNS`); an empty cell for what is unknown."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow(
            [
                row.file,
                row.case or "",
                "" if row.score is None else f"{row.score:g}",
                row.rating or "",
                "" if row.node_recall is None else f"{row.node_recall:g}",
                "" if row.edge_recall is None else f"{row.edge_recall:g}",
                "; ".join(row.missing_core),
                row.error or "",
            ]
        )
    return buffer.getvalue()


def table_text(rows: Sequence[AttemptRow], style: Callable[[str, str], str] | None) -> str:
    """The rows as an aligned table; a failed attempt says why instead of its figures."""
    paint = style or (lambda text, _role: text)
    head = ("file", "case", "score", "rating", "components", "arrows", "missing core")
    cells = [
        (
            row.file,
            row.case or "",
            f"{row.score:.1f}" if row.score is not None else "",
            row.rating or "",
            _percent(row.node_recall),
            _percent(row.edge_recall),
            ", ".join(row.missing_core) or "-",
        )
        for row in rows
    ]
    widths = [max(len(head[i]), *(len(c[i]) for c in cells)) for i in range(len(head) - 1)]
    right = {2, 4, 5}

    def line(values: Sequence[str], roles: Sequence[str | None]) -> str:
        out = []
        for i, (value, role) in enumerate(zip(values, roles, strict=True)):
            if i < len(widths):
                value = value.rjust(widths[i]) if i in right else value.ljust(widths[i])
            out.append(paint(value, role) if role else value)
        return "  ".join(out).rstrip()

    lines = [line(head, ["dim"] * len(head))]
    for row, values in zip(rows, cells, strict=True):
        if row.error is not None or row.score is None:
            shown = row.file.ljust(widths[0])
            lines.append(f"{shown}  {paint('not graded: ' + (row.error or ''), 'bad')}")
            continue
        score_role = "good" if row.score >= 75 else "warn" if row.score >= 50 else "bad"
        missing_role = "bad" if row.missing_core else None
        roles = [None, None, score_role, None, None, None, missing_role]
        lines.append(line(values, roles))
    return "\n".join(lines) + "\n"


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value:.0%}"


def summary_line(cohort: Cohort) -> str:
    """`12 attempts graded: mean 57.1, median 56.3, min 28.1, max 87.5` (and how many
    could not be graded, if any)."""
    scores = cohort.scores
    head = f"{plural(len(cohort.rows), 'attempt')} graded"
    if cohort.failed:
        head = f"{plural(len(cohort.rows), 'attempt')}: {scores.count} graded, {cohort.failed} not"
    if scores.count == 0:
        return head
    return (
        f"{head}: mean {scores.mean:g}, median {scores.median:g}, "
        f"min {scores.minimum:g}, max {scores.maximum:g}"
    )


def summary_text(cohort: Cohort) -> str:
    """The distribution with its histogram, then per reference the components from the
    most forgotten, each with how many attempts recalled it and why it matters."""
    lines = [summary_line(cohort)]
    bands = cohort.scores.bands
    tallest = max((band.count for band in bands), default=0) or 1
    for band in bands:
        last = band.high >= 100
        name = f"{band.low}-{band.high if last else band.high - 1}"
        bar = "#" * round(BAR * band.count / tallest)
        lines.append(f"  {name:>6}  {band.count:>4}  {bar}".rstrip())
    for case in cohort.cases:
        lines.append("")
        lines.extend(_case_lines(case))
    return "\n".join(lines) + "\n"


def _case_lines(case: CaseSummary) -> list[str]:
    reference = case.reference
    name = f"{reference.title} ({reference.case})" if reference.title else reference.case
    lines = [
        f"{name}, {plural(len(case.attempts), 'attempt')}: "
        "how many recalled each component, the most forgotten first"
    ]
    width = len(str(len(case.attempts)))
    for recall in case.components:
        part = recall.component
        tag = " (core)" if part.weight > 1 else " (bonus)" if part.weight == 0 else ""
        why = f": {part.shown_note}" if part.shown_note else ""
        count = f"{recall.recalled:>{width}}/{recall.attempts}"
        lines.append(f"  {count}  {part.label}{tag}{why}")
    return lines
