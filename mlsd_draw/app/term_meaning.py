"""What a word means to the grader (the `term` command): the roles the vocabulary reads in
it, whether it is vague, and which components of a reference play each role.

Apart from :mod:`.vocabulary`, which every grade loads, so that a grade does not build
these types.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .vocabulary import current_vocabulary, vocabulary_files

if TYPE_CHECKING:
    from ..grading.vocabulary import Role


@dataclass(frozen=True)
class RolePlayed:
    """A role a term can play, and the components of a reference that play it."""

    role: Role
    components: tuple[str, ...]


@dataclass(frozen=True)
class TermMeaning:
    """What a word means to the grader: the roles it plays, and whether it is vague."""

    text: str
    known: bool
    vague: bool
    roles: tuple[RolePlayed, ...]
    case: str | None
    files: tuple[Path, ...]


def term_meaning(text: str, reference_spec: str | None = None) -> TermMeaning:
    """The roles the grader reads `text` as (a term, or a phrase references use); with a
    reference (a case id or a path), which of its components play each role."""
    from ..grading.normalise import normalize_label
    from ..grading.spellings import forms
    from ..grading.terms import reference_roles, roles_read_in

    vocabulary = current_vocabulary()
    words = normalize_label(text)
    exact = vocabulary.term(words)
    role_ids: list[str] = list(exact.roles) if exact else []
    role_ids.extend(r for r in roles_read_in(text, vocabulary) if r not in role_ids)
    players: dict[str, dict[int, float]] = {}
    case = None
    labels: list[str] = []
    if reference_spec is not None:
        from ..library.references import load_reference

        reference = load_reference(reference_spec)
        case = reference.case
        labels = [node.label for node in reference.diagram.nodes]
        ref_forms = forms(reference.diagram.nodes, attempt=False)
        players = reference_roles(reference.diagram, ref_forms, vocabulary)
    roles = tuple(
        RolePlayed(
            vocabulary.roles[r],
            tuple(labels[i] for i in sorted(players.get(r, {}), key=lambda i: -players[r][i])),
        )
        for r in role_ids
    )
    return TermMeaning(
        text,
        bool(role_ids),
        vocabulary.is_vague(words),
        roles,
        case,
        tuple(vocabulary_files()),
    )
