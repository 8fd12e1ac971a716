"""Commands on one diagram: `check`, `fmt`, `show`, `convert`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..core.errors import MlsdDrawError
from .common import (
    EXIT_ERROR,
    EXIT_NO,
    complete_case_or_file,
    echo_warnings,
    handles_errors,
    plural,
    report_error,
)


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(allow_dash=True))
def check(files: tuple[str, ...]) -> None:
    """Check diagram files and print one summary line each.

    Every error and warning is printed with its line and a caret; `-` reads standard
    input. Exit status 2 if any file has an error.

    Example: mlsd-draw check attempt.mlsd
    """
    from ..app.diagrams import load_diagram

    failed = False
    for path in files:
        try:
            loaded = load_diagram(path)
        except MlsdDrawError as error:
            report_error(error)
            failed = True
            continue
        echo_warnings(loaded)
        diagram = loaded.diagram
        click.echo(
            f"{loaded.name}: ok, {plural(len(diagram.nodes), 'component')}, "
            f"{plural(len(diagram.edges), 'edge')}, {plural(len(diagram.groups), 'group')}, "
            f"{plural(len(diagram.warnings), 'warning')}"
        )
    if failed:
        sys.exit(EXIT_ERROR)


@click.command()
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
    from ..app.diagrams import canonical_text, check_writable_as_mlsd, load_diagram, write_canonical

    if write:
        check_writable_as_mlsd(file)
    loaded = load_diagram(file)
    echo_warnings(loaded)
    if check_only:
        if canonical_text(loaded.diagram) != loaded.text:
            click.echo(f"{loaded.name}: would be reformatted", err=True)
            sys.exit(EXIT_NO)
        return
    if write:
        if file == "-":
            raise click.UsageError("--write needs a file, not standard input")
        if write_canonical(Path(file), loaded):
            click.echo(f"{loaded.name}: reformatted", err=True)
        return
    click.echo(canonical_text(loaded.diagram), nl=False)


@click.command()
@click.argument("file", metavar="FILE|CASE", shell_complete=complete_case_or_file)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Image to write; the extension picks the format: .svg, .png, .pdf or .dot. "
    "Default: FILE with .svg, or CASE.svg in the current folder.",
)
@click.option("--text", "as_text", is_flag=True, help="Print the canonical text instead.")
@click.option(
    "--framing",
    is_flag=True,
    help="Print the case's framing instead: objectives, input and output, ML category, "
    "labels, offline and online metrics.",
)
@handles_errors
def show(file: str, output: str | None, as_text: bool, framing: bool) -> None:
    """Draw a diagram file or a reference case with Graphviz and print the path of the image.

    A path that exists wins; otherwise FILE|CASE is a case id (see `mlsd-draw list`).
    SVG works after a plain pip install; PNG and PDF need the system Graphviz. --text
    prints the canonical text of the file or case instead of drawing it; --framing
    prints how the case is framed (a file: the case its `@case` names).

    Example: mlsd-draw show video-recommendation -o recsys.png
    """
    if framing:
        from ..app.quiz import framing_text

        if output is not None or as_text:
            raise click.UsageError("--framing prints to standard output: leave out -o and --text")
        click.echo(framing_text(file), nl=False)
        return
    from ..app.diagrams import canonical_text, draw, load_diagram_or_case

    loaded = load_diagram_or_case(file)
    echo_warnings(loaded)
    if as_text:
        if output is not None:
            raise click.UsageError("--text prints to standard output: leave out -o")
        click.echo(canonical_text(loaded.diagram), nl=False)
        return
    if output is None:
        if loaded.default_image is None:
            raise click.UsageError("reading standard input: choose the image with -o")
        output = loaded.default_image
    click.echo(str(draw(loaded.diagram, Path(output))))


@click.command()
@click.argument("file", type=click.Path(allow_dash=True))
@click.option(
    "--to",
    "target_format",
    type=click.Choice(["mlsd", "dot", "mermaid"]),
    help="The format to write. Default: the one the -o file's extension names.",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), help="Write here instead of stdout."
)
@handles_errors
def convert(file: str, target_format: str | None, output: str | None) -> None:
    """Convert a diagram between .mlsd, Graphviz DOT and a Mermaid flowchart.

    Reads .mlsd, .dot/.gv, .mmd and the first Mermaid block of a .md file; paste the
    Mermaid output into notes or a README, where it renders.

    Example: mlsd-draw convert attempt.mlsd --to mermaid
    """
    from ..app.diagrams import convert as convert_diagram
    from ..app.diagrams import load_diagram
    from ..app.diagrams import target_format as format_to_write

    fmt = format_to_write(target_format, output)
    loaded = load_diagram(file)
    echo_warnings(loaded)
    result = convert_diagram(loaded.diagram, fmt, Path(output) if output else None)
    if isinstance(result, Path):
        click.echo(str(result))
    else:
        click.echo(result, nl=False)
