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
@click.option(
    "--notes",
    is_flag=True,
    help="Also note aliases that only repeat the shared vocabulary (they never fail lint).",
)
def lint_command(targets: tuple[str, ...], notes: bool) -> None:
    """Check reference files or cases against the rules of the reference library.

    Reports a missing @case, @title, @prompt, @level or @source; a component with no
    alias, or a core one (weight above 1) with fewer than 3; an alias that is another
    component's name or alias; a weighted component without a note; a component with no
    edge; and the parser's warnings. Each problem is printed with a caret, then one
    summary line per file. Exit status 1 if there is a problem, 2 if a file cannot be
    read or parsed.

    A `.toml` file is checked as a vocabulary file of your own terms (see `term`). With
    --notes, also the aliases that only repeat the shared vocabulary (not problems).

    Example: mlsd-draw lint my-cases/search-ranking.mlsd video-recommendation
    """
    from ..app.cases import lint_problems, repeated_aliases
    from ..app.diagrams import load_diagram_or_case

    status = EXIT_OK
    for target in targets:
        if target.lower().endswith(".toml"):
            status = max(status, _lint_vocabulary(target))
            continue
        try:
            loaded = load_diagram_or_case(target)
        except MlsdDrawError as error:
            report_error(error)
            status = EXIT_ERROR
            continue
        problems = lint_problems(loaded)
        echo_diagnostics(problems, loaded.text, loaded.name)
        for repeat in repeated_aliases(loaded) if notes else []:
            click.echo(
                f"{loaded.name}: note: '{repeat.component}' lists '{repeat.alias}', which the "
                f"shared vocabulary already reads as a term for {repeat.role}: the alias can go"
            )
        click.echo(f"{loaded.name}: {plural(len(problems), 'problem') if problems else 'clean'}")
        if problems and status == EXIT_OK:
            status = EXIT_NO
    sys.exit(status)


@click.command("term")
@click.argument("text")
@click.option(
    "--ref",
    "reference",
    shell_complete=complete_case_or_file,
    metavar="CASE|PATH",
    help="Also show which components of this reference play each role.",
)
@format_option()
@handles_errors
def term_command(text: str, reference: str | None, output_format: str) -> None:
    """Show what a word means to the grader: the roles it can play in a diagram.

    The shared vocabulary knows technologies (Kafka, XGBoost, Grafana), everyday words
    (app, DB, model: vague, so the neighbours must agree) and the phrases references use.
    Add your own in vocabulary.toml in the data folder or in MLSD_DRAW_VOCABULARY files.

    Example: mlsd-draw term Kafka --ref ad-click-prediction
    """
    from ..app.documents import json_text, term_document
    from ..app.term_meaning import term_meaning

    meaning = term_meaning(text, reference)
    if output_format == "json":
        click.echo(json_text(term_document(meaning)), nl=False)
        return
    if not meaning.known:
        click.echo(f"{text!r} is not in the vocabulary: it is matched by its words alone.")
        click.echo("To add it, see `mlsd-draw term --help`.")
        return
    vague = " (a vague word: it pairs only where its neighbours agree)" if meaning.vague else ""
    click.echo(f"{text!r} can play{vague}:")
    for played in meaning.roles:
        kind = f" [{played.role.kind}]" if played.role.kind else ""
        click.echo(f"  {played.role.id}{kind}: {played.role.about}")
        if meaning.case is not None:
            where = ", ".join(played.components) or "no component"
            click.echo(f"      in {meaning.case}: {where}")
    if meaning.files:
        click.echo("with your files: " + ", ".join(str(f) for f in meaning.files))


def _lint_vocabulary(target: str) -> int:
    """Check a user's vocabulary file; the exit status it deserves."""
    from ..app.vocabulary import check_vocabulary_file

    try:
        problems = check_vocabulary_file(Path(target))
    except MlsdDrawError as error:
        report_error(error)
        return EXIT_ERROR
    for problem in problems:
        where = f"{target}:{problem.line}" if problem.line else target
        message = problem.message.removeprefix(f"{target}: ")
        click.echo(f"{where}: error: {message}", err=True)
    click.echo(f"{target}: {plural(len(problems), 'problem') if problems else 'clean'}")
    return EXIT_NO if problems else EXIT_OK


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
