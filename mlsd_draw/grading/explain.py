"""Why one box went where it went: the evidence behind a single pairing decision.

`grade --explain NAME` answers "why is my `Kafka` not paired?" with what the matcher
actually weighed: for the attempt's box, the reference components it was compared with,
each kind of evidence for each (names, terms, descriptions, neighbours), and the decision:
paired and why, taken by a box with stronger evidence, or too weak to pair at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.errors import UsageError
from ..language.keywords import did_you_mean
from ..language.model import Diagram, slugify
from .assignment import REJECT
from .evidence import KINDS
from .matching import Solution, pair_reason, solve
from .vocabulary import Vocabulary

__all__ = ["Candidate", "Explanation", "explain"]

SHOWN = 5
"""How many reference components an explanation lists, strongest first."""


@dataclass(frozen=True)
class Candidate:
    """One reference component weighed against the box, and the evidence for the pair."""

    reference: str
    label: str
    evidence: dict[str, float]
    """Each kind of label evidence that is not zero (see KINDS), rounded."""
    term: tuple[str, str] | None
    """The vocabulary term and role the term evidence rests on, if any."""
    neighbours: float
    """The bonus from neighbours paired consistently, under the final alignment."""
    total: float
    """What the assignment weighed: label evidence, plus neighbours where they lift it."""


@dataclass(frozen=True)
class Explanation:
    """The decision for one attempt box and the candidates it was made among."""

    attempt: str
    label: str
    paired_with: str | None
    how: str | None
    candidates: tuple[Candidate, ...]
    reason: str


def _find_box(attempt: Diagram, name: str) -> str:
    """The id of the attempt's box called `name` (any spelling with the same slug)."""
    wanted = slugify(name)
    if any(node.id == wanted for node in attempt.nodes):
        return wanted
    labels = {node.label.lower(): node.label for node in attempt.nodes}
    hint = did_you_mean(name, list(labels))
    for lowered, label in labels.items():
        hint = hint.replace(f"'{lowered}'", f"'{label}'")
    raise UsageError(f"the attempt has no box called {name!r}: {hint}")


def explain(
    reference: Diagram, attempt: Diagram, name: str, vocabulary: Vocabulary | None = None
) -> Explanation:
    """Explain what became of the attempt's box `name` when graded against `reference`."""
    box = _find_box(attempt, name)
    solution = solve(reference, attempt, vocabulary)
    assert solution is not None  # the attempt has the box, and a reference has nodes
    j = next(k for k, node in enumerate(solution.att_nodes) if node.id == box)
    label = solution.att_nodes[j].label
    rows = sorted(range(len(reference.nodes)), key=lambda i: -float(solution.score[i, j]))
    candidates: list[Candidate] = []
    for i in rows:
        if len(candidates) == SHOWN:
            break
        kinds = {
            kind: round(solution.evidence.get(kind, i, j), 3)
            for kind in KINDS
            if solution.evidence.get(kind, i, j) > 0
        }
        if not kinds:  # neighbours alone never pair a box: nothing to weigh
            continue
        candidates.append(
            Candidate(
                reference=reference.nodes[i].id,
                label=reference.nodes[i].label,
                evidence=kinds,
                term=solution.evidence.terms.get((i, j)),
                neighbours=round(float(solution.support[i, j]), 3),
                total=round(float(solution.score[i, j]), 3),
            )
        )
    paired = int(solution.assignment[j])
    if paired >= 0:
        how, similarity = pair_reason(solution, paired, j)
        target = reference.nodes[paired]
        reason = f"paired with {target.label!r} ({how}, {similarity:.2f})"
        return Explanation(box, label, target.id, how, tuple(candidates), reason)
    return Explanation(box, label, None, None, tuple(candidates), _unpaired_reason(solution, j))


def _unpaired_reason(solution: Solution, j: int) -> str:
    """Why a box stayed unpaired: nothing came close, or its best match went elsewhere."""
    reference = solution.reference
    column = solution.score[:, j]
    if not len(column) or float(column.max()) <= 0:
        return "unpaired: no reference component shares a word, a term or a description with it"
    best = int(column.argmax())
    target = reference.nodes[best]
    holders = [k for k, i in enumerate(solution.assignment) if i == best]
    if float(column[best]) >= REJECT and holders:
        other = solution.att_nodes[holders[0]]
        strength = float(solution.score[best, holders[0]])
        return (
            f"unpaired: its best match {target.label!r} ({float(column[best]):.2f}) went to "
            f"your box {other.label!r}, which fits it better ({strength:.2f})"
        )
    return (
        f"unpaired: the strongest evidence, {float(column[best]):.2f} for {target.label!r}, "
        f"is below the {REJECT:.2f} a pair needs, and its neighbours do not make "
        f"{target.label!r} a clear choice"
    )
