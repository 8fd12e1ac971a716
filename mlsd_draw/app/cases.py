"""The reference library as a person uses it: list the cases, lint references, export.

Cases are the shipped references plus those in the folders of `MLSD_DRAW_REFS`; see
:mod:`mlsd_draw.library.references` for how an id is found.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.errors import Diagnostic
from ..library.references import SHIPPED
from .diagrams import LoadedDiagram

if TYPE_CHECKING:
    from ..library.references import CaseInfo

__all__ = ["SHIPPED", "case_ids", "export_anki", "lint_problems", "list_cases"]


def list_cases() -> list[CaseInfo]:
    """Every case, shipped and the user's own, in id order."""
    from ..library.references import list_cases as cases

    return cases()


def case_ids() -> list[str]:
    """The ids of every case, the user's own folders first in precedence."""
    from ..library.references import case_ids as ids

    return ids()


def lint_problems(loaded: LoadedDiagram) -> Sequence[Diagnostic]:
    """What a reference breaks of the library's rules (see `mlsd_draw.library.lint`)."""
    from ..library.lint import lint

    return lint(loaded.diagram, loaded.text)


@dataclass(frozen=True)
class ExportedDeck:
    """An Anki package written: where, and how many notes it holds."""

    path: Path
    notes: int


def export_anki(output: Path) -> ExportedDeck:
    """Write an Anki deck of every case: one note each, the same note ids every export."""
    from ..library.references import load_case
    from ..practice.anki import build_deck, write_deck

    ids = case_ids()
    written = write_deck(build_deck(load_case(case) for case in ids), output)
    return ExportedDeck(written, len(ids))
