"""Finding reference architectures: the shipped cases, the user's own folders, or a path.

A case id is the file name of a reference without `.mlsd`. Besides the references that
ship with mlsd-draw, the folders listed in the environment variable `MLSD_DRAW_REFS`
(separated by `os.pathsep`: `:` on Linux and macOS, `;` on Windows) are searched, in
order and before the shipped library: the first folder holding `ID.mlsd` wins, like
`PATH`. So a person can replace a shipped case with their own version, and `list` shows
where each case comes from.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import UsageError
from ..core.package_data import package_folder
from ..language.model import Diagram
from ..language.parser import parse
from ..language.sources import read_source

SUFFIX = ".mlsd"
ENV_VAR = "MLSD_DRAW_REFS"
SHIPPED = "shipped"
"""The origin of a case that ships with mlsd-draw."""


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
    folder = package_folder("mlsd_draw.reference_graphs")
    return sorted(
        entry.name[: -len(SUFFIX)] for entry in folder.iterdir() if entry.name.endswith(SUFFIX)
    )


@dataclass(frozen=True)
class CaseInfo:
    """One line of `mlsd-draw list`: a case and where it comes from."""

    id: str
    title: str | None
    components: int
    level: str | None
    origin: str
    """`shipped`, or the folder of `MLSD_DRAW_REFS` that holds it."""


def extra_folders() -> list[Path]:
    """The folders of `MLSD_DRAW_REFS`, in order; UsageError for one that is not a folder."""
    folders = []
    for entry in os.environ.get(ENV_VAR, "").split(os.pathsep):
        if not entry.strip():
            continue  # an empty entry (`a::b`, a trailing separator) adds nothing
        folder = Path(entry).expanduser()
        if not folder.is_dir():
            raise UsageError(
                f"{ENV_VAR} lists '{entry}', which is not a folder: "
                f"fix or remove it (entries are separated by '{os.pathsep}')"
            )
        folders.append(folder)
    return folders


def _user_cases() -> dict[str, Path]:
    """Case id -> file, over the folders of `MLSD_DRAW_REFS`; the first folder wins."""
    found: dict[str, Path] = {}
    for folder in extra_folders():
        for path in sorted(folder.glob("*" + SUFFIX)):
            if path.is_file():
                found.setdefault(path.name[: -len(SUFFIX)], path)
    return found


def case_ids() -> list[str]:
    """The ids of every case that `load_case` finds, shipped or in `MLSD_DRAW_REFS`, sorted."""
    return sorted({*shipped_case_ids(), *_user_cases()})


def case_source(case_id: str) -> tuple[str, str, str]:
    """The display name, text and origin (`shipped` or a folder) of the case `case_id`.

    A folder of `MLSD_DRAW_REFS` wins over the shipped library. UsageError naming the
    closest ids when no case has this id.
    """
    user = _user_cases()
    if case_id in user:
        name, text = read_source(user[case_id])
        return name, text, str(user[case_id].parent)
    if case_id not in shipped_case_ids():
        ids = sorted({*shipped_case_ids(), *user})
        close = difflib.get_close_matches(case_id, ids, n=3, cutoff=0.5)
        hint = f"did you mean {', '.join(close)}?" if close else "known: " + ", ".join(ids)
        raise UsageError(f"unknown case '{case_id}': {hint} (or give a path to a .mlsd file)")
    resource = package_folder("mlsd_draw.reference_graphs").joinpath(case_id + SUFFIX)
    return f"{case_id}{SUFFIX}", resource.read_text(encoding="utf-8"), SHIPPED


def load_case(case_id: str) -> Reference:
    """The reference `case_id` (see :func:`case_source` for where it is looked for)."""
    name, text, origin = case_source(case_id)
    return Reference(parse(text, path=name), case_id if origin == SHIPPED else name)


def list_cases() -> list[CaseInfo]:
    """Every case `load_case` finds, sorted by id, each parsed for its title and size."""
    infos = []
    for case_id in case_ids():
        name, text, origin = case_source(case_id)
        diagram = parse(text, path=name)
        infos.append(
            CaseInfo(
                case_id,
                diagram.directives.title,
                len(diagram.nodes),
                diagram.directives.level,
                origin,
            )
        )
    return infos


def looks_like_path(spec: str) -> bool:
    """Whether a FILE|CASE argument names a file rather than a case id.

    A path that exists wins; so does anything ending in a diagram file's extension
    (`.mlsd`, `.dot`, `.mmd`, `.md` ...) or holding a path separator, so that a mistyped
    file name is reported as a missing file.
    """
    from ..formats.dispatch import EXTENSIONS

    if Path(spec).suffix.lower() in EXTENSIONS or "/" in spec or "\\" in spec:
        return True
    try:
        return Path(spec).exists()
    except OSError:  # a name too long to look up is a path all the same
        return True


def load_reference(spec: str) -> Reference:
    """A reference from a case id or from the path of a diagram file (`.mlsd`, Graphviz or
    Mermaid)."""
    if looks_like_path(spec):
        from ..formats.dispatch import format_for_path, read_diagram

        name, text = read_source(spec)
        return Reference(read_diagram(text, path=name, fmt=format_for_path(spec)), name)
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
