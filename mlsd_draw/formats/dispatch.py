"""Other diagram languages in and out: Graphviz DOT, Mermaid flowcharts, Markdown notes.

People already sketch architectures in Mermaid (in notes and READMEs) and in Graphviz, so
mlsd-draw reads both wherever it reads `.mlsd`, and writes Mermaid so that a reference can
be pasted into notes. Every reader gives the same :class:`~mlsd_draw.language.model.Diagram` that
`.mlsd` gives, under the same rules: a component's id is the slug of its name, a group's
id the slug of its title, and at most one edge joins an ordered pair.

What the languages say and the model cannot hold is never dropped silently: it becomes a
warning in `Diagram.warnings`, with its line and a caret, like the `.mlsd` parser's own
warnings. Text that does not parse raises :class:`~mlsd_draw.core.errors.ParseError` listing
every problem (`FILE:LINE:COL: error: ...`), never a traceback or stray output.

The shape of a box and the kind of a component map onto each other (the Mermaid shape
closest to the one mlsd-draw draws that kind with), so `.mlsd` -> Mermaid -> `.mlsd`
keeps kinds as well as the graph:

=========  ===========  =====================
kind       Mermaid      Graphviz shape
=========  ===========  =====================
(none)     ``A[x]``     (any other)
service    ``A(x)``     (box, Graphviz's own)
model      ``A{{x}}``   box3d
store      ``A[(x)]``   cylinder
data       ``A[/x/]``   note
queue      ``A>x]``     cds
job        ``A[[x]]``   component
client     ``A([x])``   (ellipse, the default)
=========  ===========  =====================

This module picks the reader or writer for a format; the languages live in their own
modules of this package: :mod:`.mermaid_reader` (Mermaid and Markdown in, with
:mod:`.mermaid_nodes` and the tables of :mod:`.mermaid_syntax`), :mod:`.mermaid_writer`
(Mermaid out) and :mod:`.dot_reader` (Graphviz DOT in, with the token scan of
:mod:`.dot_scan`) and :mod:`.dot_writer` (DOT out, the same text that is drawn),
the readers building their diagram with the shared builder of :mod:`.builder`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path, PurePath

from ..core.errors import UsageError
from ..language.model import Diagram
from ..language.parser import parse
from ..language.sources import read_source

__all__ = [
    "EXTENSIONS",
    "READ_FORMATS",
    "WRITE_FORMATS",
    "format_for_path",
    "read_diagram",
    "read_diagram_file",
    "write_diagram",
]

READ_FORMATS = ("mlsd", "dot", "mermaid", "markdown")
"""What :func:`read_diagram` reads; `markdown` is the first Mermaid flowchart of a `.md` file."""

WRITE_FORMATS = ("mlsd", "dot", "mermaid")
"""What :func:`write_diagram` writes."""

EXTENSIONS: Mapping[str, str] = {
    ".mlsd": "mlsd",
    ".dot": "dot",
    ".gv": "dot",
    ".mmd": "mermaid",
    ".mermaid": "mermaid",
    ".md": "markdown",
    ".markdown": "markdown",
}
"""Input file extensions and the format each is read as; any other file is read as `.mlsd`."""


# -- public API ----------------------------------------------------------------------------


def format_for_path(path: str | PurePath) -> str:
    """The format a file is read as, from its extension (case ignored).

    `.dot`/`.gv` are Graphviz, `.mmd`/`.mermaid` Mermaid, `.md`/`.markdown` the first
    Mermaid flowchart of a Markdown file. Anything else, standard input (`-`) included,
    is `.mlsd`, so files that worked before keep working.
    """
    return EXTENSIONS.get(PurePath(str(path)).suffix.lower(), "mlsd")


def read_diagram(text: str, *, path: str, fmt: str) -> Diagram:
    """Read diagram text written in `fmt` (one of :data:`READ_FORMATS`).

    `path` names the text in messages. Raises ParseError listing every error of the text;
    the warnings of a text that reads are in `Diagram.warnings`, their spans pointing into
    `text` (for Markdown, into the whole file). UsageError for an unknown format.
    """
    if fmt == "mlsd":
        return parse(text, path=path)
    if fmt == "dot":
        from .dot_reader import read_dot  # each reader is imported only when it reads

        return read_dot(text, path=path)
    if fmt == "mermaid":
        from .mermaid_reader import read_mermaid

        return read_mermaid(text, path=path)
    if fmt == "markdown":
        from .mermaid_reader import read_markdown

        return read_markdown(text, path=path)
    raise UsageError(f"unknown input format {fmt!r}: use one of {', '.join(READ_FORMATS)}")


def read_diagram_file(path: str | Path, *, fmt: str | None = None) -> Diagram:
    """Read a diagram file (`-`: standard input) in `fmt`, by default the one its name implies."""
    name, text = read_source(path)
    return read_diagram(text, path=name, fmt=fmt or format_for_path(name))


def write_diagram(diagram: Diagram, fmt: str) -> str:
    """The diagram as text in `fmt` (one of :data:`WRITE_FORMATS`).

    `mlsd` is the canonical text of `mlsd-draw fmt`, `dot` the DOT that `show` draws,
    `mermaid` a flowchart (:func:`to_mermaid`). UsageError for an unknown format.
    """
    if fmt == "mlsd":
        from ..language.formatter import format_diagram

        return format_diagram(diagram)
    if fmt == "dot":
        from .dot_writer import diagram_to_dot

        return diagram_to_dot(diagram)
    if fmt == "mermaid":
        from .mermaid_writer import to_mermaid

        return to_mermaid(diagram)
    raise UsageError(f"unknown output format {fmt!r}: use one of {', '.join(WRITE_FORMATS)}")
