"""Commands on the reference library: `list`, `lint`, `export anki`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..core.errors import MlsdDrawError
from .common import (
    EXIT_ERROR,
    EXIT_NO,
    EXIT_OK,
    complete_case_or_file,
    echo_diagnostics,
    format_option,
    handles_errors,
    plural,
    report_error,
)


@click.command("list")
@format_option("json prints a list of {id, title, components, level, origin}.")
@handles_errors
def list_command(output_format: str) -> None:
    """List the reference cases: the shipped ones and those in MLSD_DRAW_REFS folders.

    One line per case: its id (what --ref, show and lint take), title, number of
    components and level. A case from a folder of MLSD_DRAW_REFS (a path list) shows
    that folder; such a folder wins over a shipped case with the same id.

    Example: mlsd-draw list --format json
    """
    from ..app.cases import SHIPPED, list_cases
    from ..app.documents import cases_document, json_text

    cases = list_cases()
    if output_format == "json":
        click.echo(json_text(cases_document(cases)), nl=False)
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


@click.command("lint")
@click.argument(
    "targets",
    nargs=-1,
    required=True,
    metavar="FILE|CASE...",
    shell_complete=complete_case_or_file,
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
    from ..app.cases import lint_problems
    from ..app.diagrams import load_diagram_or_case

    status = EXIT_OK
    for target in targets:
        try:
            loaded = load_diagram_or_case(target)
        except MlsdDrawError as error:
            report_error(error)
            status = EXIT_ERROR
            continue
        problems = lint_problems(loaded)
        echo_diagnostics(problems, loaded.text, loaded.name)
        click.echo(f"{loaded.name}: {plural(len(problems), 'problem') if problems else 'clean'}")
        if problems and status == EXIT_OK:
            status = EXIT_NO
    sys.exit(status)


@click.group()
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
    from ..app.cases import export_anki as write_deck

    deck = write_deck(Path(output))
    click.echo(f"{deck.path}: {deck.notes} notes")
