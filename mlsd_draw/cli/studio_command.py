"""`mlsd-draw studio`: the web studio on this computer, opened in the browser."""

from __future__ import annotations

from pathlib import Path

import click

from .common import handles_errors


@click.command()
@click.argument("folder", required=False, type=click.Path(file_okay=False))
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    metavar="N",
    help="The port on 127.0.0.1 (0: any free one). Default: 8737, or the next free one.",
)
@click.option("--no-browser", is_flag=True, help="Do not open the page in the browser.")
@handles_errors
def studio(folder: str | None, port: int | None, no_browser: bool) -> None:
    """Drill, grade, look at the diff and review your history in the browser.

    Serves a page on 127.0.0.1 only (nobody else on the network can reach it) and opens
    it. FOLDER holds your attempt files: the page lists its .mlsd files and shows each
    save you make in your own editor. Default: an `attempts` folder beside your history.
    Grades are recorded in the same history as `grade`. Ctrl-C stops it.

    Example: mlsd-draw studio ~/mlsd-practice
    """
    import webbrowser

    from ..web.server import prepare

    server = prepare(Path(folder) if folder is not None else None, port)
    click.echo(f"mlsd-draw studio: {server.url}")
    click.echo(f"folder: {server.folder}")
    click.echo("Ctrl-C to stop", err=True)
    if not no_browser:
        webbrowser.open(server.url)
    server.run()
    click.echo("studio stopped", err=True)
