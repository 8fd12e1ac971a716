"""Term evidence: a box named by a technology or an everyday word, paired by the role it plays.

`Kafka` shares no word with `Event stream`, yet any interviewer reads it as one. The shared
vocabulary (:mod:`.vocabulary`) says which roles a term can play; the reference says which
of its components play a role, through their names, aliases and kinds. A term whose role
one component plays is good evidence on its own; one whose role several components play,
and an everyday word (`app`, `DB`, `model`), only weak evidence that the neighbours must
confirm (see :mod:`.matching`). Kept apart from :mod:`.evidence` because it reads the
vocabulary rather than comparing the two labels' words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..language.model import Diagram, Node
from .normalise import normal_words, raw_tokens
from .spellings import PREPOSITIONS, Form, forms
from .vocabulary import TermHit, Vocabulary

__all__ = [
    "TERM",
    "TERM_SHARED",
    "VAGUE",
    "TermMatch",
    "reference_roles",
    "roles_read_in",
    "term_matches",
]

TERM = 0.85
"""A specific term (`XGBoost`) whose role exactly one reference component plays."""
TERM_SHARED = 0.55
"""A term whose role several reference components play: its neighbours must decide."""
VAGUE = 0.5
"""An everyday word (`app`, `DB`, `model`): evidence only where its neighbours agree."""
KIND_MISMATCH = 0.6
"""A role drawn as one kind (a queue) read into a component drawn as another (a store)."""
SURE = 0.9
"""Components that play a role at least this surely (relative to the surest) all count as
candidates for a term of that role."""


@dataclass(frozen=True)
class TermMatch:
    """Term evidence for one (reference node, attempt node) pair and what it rests on."""

    reference: int
    attempt: int
    value: float
    term: str
    role: str
    cap: float = 1.0
    """The most the pair may be worth: a term in one part of a merged box (`train + eval`)
    speaks for that part only."""


def reference_roles(
    reference: Diagram, ref_forms: Sequence[Form], vocabulary: Vocabulary
) -> dict[str, dict[int, float]]:
    """For each role, the reference nodes that play it and how surely (0 to 1)."""
    roles: dict[str, dict[int, float]] = {}
    for form in ref_forms:
        for role_id, sureness in vocabulary.roles_named_by(form.words).items():
            node = reference.nodes[form.node]
            role = vocabulary.roles[role_id]
            value = sureness * form.weight
            if role.kind and node.kind and role.kind != node.kind:
                value *= KIND_MISMATCH
            players = roles.setdefault(role_id, {})
            players[form.node] = max(players.get(form.node, 0.0), value)
    return roles


def _before_preposition(raw: Sequence[str]) -> tuple[str, ...]:
    """The words of a name up to its first preposition: `SFT on instruct data` is an SFT."""
    for k, token in enumerate(raw):
        if k > 0 and token in PREPOSITIONS:
            return normal_words(raw[:k])
    return normal_words(raw)


def _attempt_hits(node: Node, att_forms: Sequence[Form], vocabulary: Vocabulary) -> list[TermHit]:
    """The vocabulary words in an attempt box's name (qualifier in parentheses included),
    and a role's phrase that ends the name before any preposition (`message bus`, `SFT on
    instruct data`): what the box is, not what it works on."""
    hits = vocabulary.terms_in(normal_words(raw_tokens(node.label)))
    named_as: list[TermHit] = []
    for form in att_forms:
        words = _before_preposition(form.raw)
        if not words or vocabulary.is_vague(words):
            continue
        named = vocabulary.roles_named_by(words)
        sure = tuple(sorted(role for role, value in named.items() if value >= SURE))
        if sure:
            named_as.append(TermHit(" ".join(form.raw), sure, vague=False))
    if named_as:
        # The phrase that says what the box is outranks a word inside it that would play
        # a role of its own: `Beam search` is decoding, not Apache Beam.
        what = {role for hit in named_as for role in hit.roles}
        hits = [hit for hit in hits if set(hit.roles) & what]
    return hits + named_as


def roles_read_in(label: str, vocabulary: Vocabulary) -> list[str]:
    """The roles the grader reads in a box named `label`, surest reading first: what
    `mlsd-draw term` shows, from the same reading the matcher makes."""
    node = Node(id="term", label=label)
    roles: list[str] = []
    for hit in _attempt_hits(node, forms([node], attempt=True), vocabulary):
        roles.extend(role for role in hit.roles if role not in roles)
    return roles


def term_matches(
    reference: Diagram,
    ref_forms: Sequence[Form],
    attempt: Sequence[Node],
    att_forms: Sequence[Form],
    vocabulary: Vocabulary,
) -> list[TermMatch]:
    """Term evidence for every pair where an attempt box names a role a component plays."""
    roles = reference_roles(reference, ref_forms, vocabulary)
    if not roles:
        return []
    forms_of: dict[int, list[Form]] = {}
    for form in att_forms:
        forms_of.setdefault(form.node, []).append(form)
    matches: list[TermMatch] = []
    for j, node in enumerate(attempt):
        cap = min((form.cap for form in forms_of.get(j, [])), default=1.0)
        for hit in _attempt_hits(node, forms_of.get(j, []), vocabulary):
            players: dict[int, tuple[float, str]] = {}
            for role_id in hit.roles:
                for i, sureness in roles.get(role_id, {}).items():
                    if sureness > players.get(i, (0.0, ""))[0]:
                        players[i] = (sureness, role_id)
            if not players:
                continue
            surest = max(value for value, _ in players.values())
            candidates = [i for i, (value, _) in players.items() if value >= SURE * surest]
            base = VAGUE if hit.vague else TERM if len(candidates) == 1 else TERM_SHARED
            for i, (sureness, role_id) in players.items():
                matches.append(TermMatch(i, j, base * sureness, hit.term, role_id, cap))
    return matches
