"""Reading and writing one diagram: what `check`, `fmt`, `show` and `convert` do.

A diagram comes from a file in any format mlsd-draw reads (`.mlsd`, Graphviz, Mermaid,
standard input as `-`) or from a case id of the reference library. These functions
return what they read or wrote; printing it is the front end's job.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..core.errors import UsageError
from ..language.model import Diagram


@dataclass(frozen=True)
class LoadedDiagram:
    """A parsed diagram with its display name (the path, or a case's name) and its text."""

    diagram: Diagram
    name: str
    text: str
    default_image: str | None = None
    """Where `show` draws it when no output is given: beside the file, or `CASE.svg`."""


def read_text(source: str) -> tuple[str, str]:
    """The display name and text of a file, or of standard input for `-`."""
    from ..language.sources import read_source

    return read_source(source)


def parse_text(source: str, name: str, text: str) -> Diagram:
    """Parse text in the format the file name `source` says (`.mlsd`, Graphviz or
    Mermaid), naming `name` in its diagnostics: text read from a file, or typed in the
    studio and not saved yet, reads as `check` reads that file."""
    from ..formats.dispatch import format_for_path, read_diagram

    return read_diagram(text, path=name, fmt=format_for_path(source))


def load_diagram(source: str) -> LoadedDiagram:
    """Read and parse a diagram file (any format, by its extension) or standard input."""
    name, text = read_text(source)
    return LoadedDiagram(parse_text(source, name, text), name, text)


def load_diagram_or_case(spec: str) -> LoadedDiagram:
    """A FILE|CASE argument parsed, with the image `show` draws by default."""
    from ..library.references import case_source, looks_like_path

    if spec == "-" or looks_like_path(spec):
        loaded = load_diagram(spec)
        default = None if spec == "-" else str(Path(spec).with_suffix(".svg"))
        return LoadedDiagram(loaded.diagram, loaded.name, loaded.text, default)
    from ..language.parser import parse

    name, text, _origin = case_source(spec)
    return LoadedDiagram(parse(text, path=name), name, text, f"{spec}.svg")


def check_writable_as_mlsd(source: str) -> None:
    """`fmt --write` replaces a file with `.mlsd` text: refuse any other format up front."""
    if source != "-" and Path(source).suffix.lower() not in ("", ".mlsd"):
        raise UsageError(
            f"{source} is not a .mlsd file: --write would replace it with .mlsd text; "
            f"use `mlsd-draw convert {source} --to mlsd -o NEW.mlsd`"
        )


def canonical_text(diagram: Diagram) -> str:
    """The canonical `.mlsd` text of a diagram (what `fmt` prints)."""
    from ..language.formatter import format_diagram

    return format_diagram(diagram)


def write_canonical(path: Path, loaded: LoadedDiagram) -> bool:
    """Replace a `.mlsd` file by its canonical text, atomically; False if it already was."""
    from ..core.files import write_text_atomically

    formatted = canonical_text(loaded.diagram)
    if formatted == loaded.text:
        return False
    write_text_atomically(path, formatted)
    return True


def draw(diagram: Diagram, output: Path) -> Path:
    """Draw a diagram into an image whose extension picks the format; returns its path."""
    from ..drawing.layout import drawing_dot
    from ..drawing.limits import check_drawable
    from ..drawing.rendering import output_format, write_image

    output_format(output)  # reject an unknown extension before any work
    check_drawable((diagram,), instead="draw a smaller part, e.g. one stage at a time")
    return write_image(drawing_dot(diagram), output)


def target_format(given: str | None, output: str | None) -> str:
    """The format `convert` writes: the one asked for, else the one the output file's
    extension names (`.mlsd`, `.dot`/`.gv`, `.mmd`/`.mermaid`); UsageError when neither says."""
    from ..core.errors import UsageError
    from ..formats.dispatch import EXTENSIONS, WRITE_FORMATS

    if given is not None:
        return given
    named = EXTENSIONS.get(Path(output).suffix.lower()) if output else None
    if named in WRITE_FORMATS:
        return named
    where = f"'{output}' has no extension that names one" if output else "nothing names one"
    raise UsageError(
        f"which format should convert write? {where}: add --to mlsd, --to dot or "
        "--to mermaid, or write to a .mlsd, .dot or .mmd file"
    )


def convert(diagram: Diagram, target_format: str, output: Path | None = None) -> str | Path:
    """The diagram in another format (`mlsd`, `dot`, `mermaid`): its text, or the path of
    the file written atomically when `output` is given."""
    from ..formats.dispatch import write_diagram

    text = write_diagram(diagram, target_format)
    if output is None:
        return text
    from ..core.files import write_text_atomically

    return write_text_atomically(output, text)
