"""Finding reference architectures: the shipped cases, or any `.mlsd` file given by path."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from .errors import UsageError
from .language import parse, read_source
from .model import Diagram

SUFFIX = ".mlsd"


@dataclass(frozen=True)
class Reference:
    """A reference diagram and where it came from (a case id or a file path)."""

    diagram: Diagram
    origin: str

    @property
    def case(self) -> str:
        """The case id: the file's `@case`, else the origin's file name without `.mlsd`."""
        return self.diagram.directives.case or Path(self.origin).stem


def shipped_case_ids() -> list[str]:
    """The ids of the references that ship with mlsd-draw, sorted."""
    folder = files("mlsd_draw.reference_graphs")
    return sorted(
        entry.name[: -len(SUFFIX)] for entry in folder.iterdir() if entry.name.endswith(SUFFIX)
    )


def load_case(case_id: str) -> Reference:
    """The shipped reference `case_id`; UsageError naming the closest ids if there is none."""
    ids = shipped_case_ids()
    if case_id not in ids:
        close = difflib.get_close_matches(case_id, ids, n=3, cutoff=0.5)
        hint = f"did you mean {', '.join(close)}?" if close else "known: " + ", ".join(ids)
        raise UsageError(f"unknown case '{case_id}': {hint} (or give a path to a .mlsd file)")
    resource = files("mlsd_draw.reference_graphs").joinpath(case_id + SUFFIX)
    text = resource.read_text(encoding="utf-8")
    return Reference(parse(text, path=f"{case_id}{SUFFIX}"), case_id)


def load_reference(spec: str) -> Reference:
    """A reference from a case id or from the path of any `.mlsd` file."""
    path = Path(spec)
    if path.suffix == SUFFIX or path.exists() or "/" in spec or "\\" in spec:
        name, text = read_source(path)
        return Reference(parse(text, path=name), name)
    return load_case(spec)


def reference_for(attempt: Diagram, spec: str | None) -> Reference:
    """The reference an attempt is graded against: `spec` if given, else its `@case`."""
    if spec is not None:
        return load_reference(spec)
    if attempt.directives.case is None:
        raise UsageError(
            "no reference to grade against: add `@case ID` at the top of the attempt, "
            "or pass --ref CASE_OR_PATH"
        )
    return load_case(attempt.directives.case)
