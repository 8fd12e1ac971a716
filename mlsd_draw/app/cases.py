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
class RepeatedAlias:
    """An alias of a reference component that the shared vocabulary already reads as a
    role the component plays: the grader finds the component by it without the alias."""

    component: str
    alias: str
    role: str
    """How the role reads (`event stream`)."""


def repeated_aliases(loaded: LoadedDiagram) -> list[RepeatedAlias]:
    """The aliases of a reference that only repeat the shared vocabulary (`Kafka` on an
    event stream): a reference keeps the aliases specific to it and may drop these."""
    from dataclasses import replace

    from ..grading.normalise import normalize_label
    from ..grading.spellings import forms
    from ..grading.terms import reference_roles
    from .vocabulary import current_vocabulary

    vocabulary = current_vocabulary()
    found = []
    for node in loaded.diagram.nodes:
        for alias in node.aliases:
            hit = vocabulary.term(normalize_label(alias))
            if hit is None or hit.vague:
                continue
            rest = replace(node, aliases=tuple(a for a in node.aliases if a != alias))
            alone = replace(loaded.diagram, nodes=(rest,))
            played = reference_roles(alone, forms(alone.nodes, attempt=False), vocabulary)
            shared = [role for role in hit.roles if role in played]
            if shared:
                role = vocabulary.roles[shared[0]]
                found.append(RepeatedAlias(node.label, alias, (role.means or (role.id,))[0]))
    return found


@dataclass(frozen=True)
class ExportedDeck:
    """An Anki package written: where, and how many notes it holds (quiz cards included)."""

    path: Path
    notes: int
    cards: int = 0
    """How many of the notes are quiz cards."""


def export_anki(output: Path) -> ExportedDeck:
    """Write an Anki deck of every case (one note each) and every quiz card (one note
    each, a note type of their own), with the same note ids every export."""
    from ..library.cards import shipped_cards
    from ..library.references import load_case
    from ..practice.anki import build_deck, write_deck

    ids = case_ids()
    cards = shipped_cards()
    written = write_deck(build_deck((load_case(case) for case in ids), cards=cards), output)
    return ExportedDeck(written, len(ids) + len(cards), len(cards))
