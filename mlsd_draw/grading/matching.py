"""Align an attempt with a reference: which drawn box stands for which reference component.

The alignment is one global one-to-one assignment (see `grading.md`, section Alignment):

1. every label is normalised (case, punctuation, plurals, stop words, common ML and
   system-design shorthand such as `svc` or `emb`, typos against the reference's words);
2. each (reference node, attempt node) pair gets label evidence, the best over the reference
   label and its aliases: exact or alias equality, an acronym, a fuzzy score (word stems
   weighted by how rare they are, so `model` does not match `model registry` while `Featur
   store` matches `Feature store`), and the attempt's description text;
3. one global assignment (scipy's sparse LAPJV solver) with an explicit no-match cost, so
   a weak pair is left as missing plus extra instead of becoming a wrong pair;
4. a few rounds of neighbour re-ranking in the style of similarity flooding: a candidate pair
   earns a bonus for the share of its edges whose other ends are paired with neighbours of the
   reference node, then the assignment is solved again. This separates two boxes with the same
   label and rescues weak labels (`how = "structure"`).

Everything is vectorised (rapidfuzz `cdist`, numpy, scipy.sparse), so 1,000 x 1,000 nodes align
in well under a second, and the result does not depend on the order of the attempt's statements.

The steps live in their own modules: `normalise` (reading labels as words), `spellings` (the
names a node goes by), `evidence` (label evidence), `structure` (neighbour support) and
`assignment` (the one-to-one solver); this module ties them together in `align`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ..language.model import Diagram, Node
from .assignment import REJECT, assign
from .evidence import KINDS, NORMALISED_EQUAL, Evidence, FloatArray, label_evidence
from .matrices import use_dense
from .structure import ends_alike, sparse_adjacency, structure_support
from .vocabulary import Vocabulary, shipped_vocabulary

__all__ = ["HOWS", "Alignment", "Pair", "Solution", "align", "pair_reason", "solve"]

HOWS = ("exact", "alias", "fuzzy", "acronym", "term", "description", "structure")
"""The reasons a pair can be justified by, from the strongest kind of evidence to the weakest."""


# --------------------------------------------------------------------------------------------
# Parameters. Similarities are in [0, 1]; a pair is kept when its evidence reaches REJECT
# (see `assignment`).

STRUCTURE_WEIGHT = 1.0
"""Bonus for a pair all of whose paired neighbours agree (smoothed: see `structure`)."""
FLOW_END = 0.02
"""What being placed alike (both start, or both end, a flow) adds to a pair's label
evidence: less than any difference between kinds of evidence, so it only breaks near-ties."""

STRUCTURE_FLOOR = 0.25
"""Label evidence a pair needs before neighbours may lift it over REJECT."""
STRUCTURE_ROUNDS = 3
CLEAR_CHOICE = 0.9
"""A weak label is lifted only where its neighbours point nearly as strongly as anywhere."""
WEIGHT_TIE = 0.01
"""Breaks ties towards the reference component that weighs more."""
ORDER_TIE = 1e-6
"""Breaks remaining ties towards the reference component written first."""


# --------------------------------------------------------------------------------------------
# Public result types.


@dataclass(frozen=True)
class Pair:
    """One reference node and the attempt node that stands for it, and why.

    `how` is one of HOWS. `similarity` is in [0, 1]: the label evidence of the pair, or for
    a `structure` pair that evidence plus the neighbour bonus that justified it (capped at 1).
    """

    reference: str
    attempt: str
    how: str
    similarity: float
    term: str | None = None
    """For a `term` pair: the vocabulary word the attempt's box was read by (`Kafka`)."""
    role: str | None = None
    """For a `term` pair: the role that word plays (`event-stream`)."""
    role_name: str | None = None
    """For a `term` pair: how the role reads in a sentence (`event stream`)."""


@dataclass(frozen=True)
class Alignment:
    """The pairs of one alignment; every node id occurs in at most one pair."""

    pairs: tuple[Pair, ...]

    def by_reference(self) -> dict[str, Pair]:
        """The pairs keyed by reference node id, to look up what became of a component."""
        return {pair.reference: pair for pair in self.pairs}

    def by_attempt(self) -> dict[str, Pair]:
        """The pairs keyed by attempt node id, to look up what a drawn box stands for."""
        return {pair.attempt: pair for pair in self.pairs}

    def missing(self, reference: Diagram) -> tuple[str, ...]:
        """Reference node ids with no pair, in reference order: what the attempt forgot."""
        paired = {pair.reference for pair in self.pairs}
        return tuple(node.id for node in reference.nodes if node.id not in paired)

    def extra(self, attempt: Diagram) -> tuple[str, ...]:
        """Attempt node ids with no pair, in attempt order: what stands for nothing."""
        paired = {pair.attempt for pair in self.pairs}
        return tuple(node.id for node in attempt.nodes if node.id not in paired)


@dataclass(frozen=True)
class Solution:
    """Everything an alignment was decided on, for `align` and for explaining one box.

    `assignment[j]` is the reference index paired with attempt node `att_nodes[j]` (or -1);
    `label` is the label evidence of each pair (of the kind `kind` indexes in KINDS),
    `score` the evidence with the neighbour bonus of the final assignment.
    """

    reference: Diagram
    att_nodes: tuple[Node, ...]
    evidence: Evidence
    label: FloatArray
    kind: npt.NDArray[np.int8]
    support: FloatArray
    score: FloatArray
    assignment: npt.NDArray[np.int64]


def align(reference: Diagram, attempt: Diagram, vocabulary: Vocabulary | None = None) -> Alignment:
    """Pair attempt nodes with the reference nodes they stand for, one to one.

    Label evidence (exact, alias, acronym, fuzzy, term, description) is combined with
    neighbour agreement over a few rounds; each round solves one global assignment in which
    leaving a node unpaired costs REJECT, so a doubtful pair becomes a missing plus an extra
    node. The result does not depend on the order of the attempt's statements. `vocabulary`
    defaults to the shipped one; an empty one (`Vocabulary.from_roles(())`) reads no terms.
    """
    vocabulary = shipped_vocabulary() if vocabulary is None else vocabulary
    solution = solve(reference, attempt, vocabulary)
    if solution is None:
        return Alignment(())
    pairs = []
    order = sorted((int(i), j) for j, i in enumerate(solution.assignment) if i >= 0)
    for i, j in order:
        how, similarity = pair_reason(solution, i, j)
        found = solution.evidence.terms.get((i, j)) if how == "term" else None
        pairs.append(
            Pair(
                reference=reference.nodes[i].id,
                attempt=solution.att_nodes[j].id,
                how=how,
                similarity=round(min(1.0, max(0.0, similarity)), 4),
                term=found[0] if found else None,
                role=found[1] if found else None,
                role_name=_role_name(vocabulary, found[1]) if found else None,
            )
        )
    return Alignment(tuple(pairs))


def _role_name(vocabulary: Vocabulary, role_id: str) -> str:
    """How a role reads in a sentence: its first phrase (`event stream`), else its id."""
    role = vocabulary.roles.get(role_id)
    return role.means[0] if role is not None and role.means else role_id.replace("-", " ")


def pair_reason(solution: Solution, i: int, j: int) -> tuple[str, float]:
    """Why reference node i and attempt node j pair (a kind of HOWS) and how similar they are.

    Label evidence that clears REJECT on its own names the kind; a weaker label that the
    neighbours lifted is `structure`, except a term, which stays the reason it was read by.
    """
    how = KINDS[int(solution.kind[i, j])]
    if solution.label[i, j] >= REJECT:
        return how, float(solution.label[i, j])
    return ("term" if how == "term" else "structure"), float(min(1.0, solution.score[i, j]))


def solve(
    reference: Diagram, attempt: Diagram, vocabulary: Vocabulary | None = None
) -> Solution | None:
    """The global assignment with the evidence behind it; None when a side has no nodes."""
    att_nodes = tuple(sorted(attempt.nodes, key=lambda n: n.id))
    nr, na = len(reference.nodes), len(att_nodes)
    if nr == 0 or na == 0:
        return None
    vocabulary = shipped_vocabulary() if vocabulary is None else vocabulary
    evidence = label_evidence(reference, att_nodes, vocabulary)
    label, kind = evidence.best()
    # Among readings the words allow, one placed where the component is placed (both
    # start or both end a flow) is a little better: a tie-break, never a pair by itself.
    label = label + np.where(
        label >= STRUCTURE_FLOOR, FLOW_END * ends_alike(reference, attempt, att_nodes), 0.0
    )
    dense = use_dense(nr, na)
    ref_adj = sparse_adjacency(
        reference.nodes,
        ((e.source, e.target, e.kind == "undirected") for e in reference.edges),
        dense=dense,
    )
    att_adj = sparse_adjacency(
        att_nodes,
        ((e.source, e.target, e.kind == "undirected") for e in attempt.edges),
        dense=dense,
    )
    weak = (label >= STRUCTURE_FLOOR) & (label < REJECT)
    exact_pairs = _sole_exact_pairs(label, kind)
    alias_pairs = _sole_written_aliases(evidence.written_aliases, exact_pairs)
    resembling = kind == KINDS.index("fuzzy")
    # Ties go to the heavier reference component, then to the one written first.
    prior = WEIGHT_TIE * np.log1p([max(0.0, node.weight) for node in reference.nodes])
    prior -= ORDER_TIE * np.arange(nr) / nr

    def rescore(assignment: npt.NDArray[np.int64]) -> tuple[FloatArray, FloatArray]:
        """Label evidence plus the neighbour bonus that `assignment` gives each pair."""
        support = structure_support(ref_adj, att_adj, assignment, nr)
        raw = label + STRUCTURE_WEIGHT * support
        # A weak label is lifted only where structure (alone or with the label) points
        # about as strongly as anywhere else: neighbours must make it a clear choice.
        clear = (raw >= CLEAR_CHOICE * raw.max(axis=0, keepdims=True)) | (
            support >= CLEAR_CHOICE * support.max(axis=0, keepdims=True)
        )
        lifted = (label >= REJECT) | (weak & (support > 0) & clear)
        score = np.where(lifted, raw, label)
        # A box named exactly as one component, and the only one so named, is that
        # component: neighbours may not pull it elsewhere (they still tell apart two boxes
        # of the same name).
        _keep_ahead(score, exact_pairs, None)
        # A box whose name is one component's alias word for word is not moved by its
        # neighbours to a component its name only resembles (`human review` is an alias
        # of the review queue; `human reviewers` only shares its stems).
        _keep_ahead(score, alias_pairs, resembling)
        return score, support

    def fit(assignment: npt.NDArray[np.int64], score: FloatArray) -> float:
        """How well an assignment is justified by the bonus it gives itself."""
        cols = np.nonzero(assignment >= 0)[0]
        rows = assignment[cols]
        return float(np.sum(score[rows, cols] - REJECT + prior[rows]))

    # Hard re-ranking can cycle (two readings that each support the other's rival), so every
    # assignment met is kept and the one best justified by its own structure wins.
    assignment = assign(label, prior)
    history: list[tuple[float, npt.NDArray[np.int64], FloatArray, FloatArray]] = []
    for _ in range(STRUCTURE_ROUNDS + 1):
        score, support = rescore(assignment)
        history.append((fit(assignment, score), assignment, score, support))
        new = assign(score, prior)
        if any(np.array_equal(new, seen) for _, seen, _, _ in history):
            break
        assignment = new
    best = max(range(len(history)), key=lambda k: (history[k][0], -k))
    _, assignment, score, support = history[best]
    # A pair that its own alignment no longer lifts over REJECT is dropped (then recheck).
    while True:
        cols = np.nonzero(assignment >= 0)[0]
        weak_pairs = cols[score[assignment[cols], cols] < REJECT]
        if not len(weak_pairs):
            break
        assignment = assignment.copy()
        assignment[weak_pairs] = -1
        score, support = rescore(assignment)
    return Solution(reference, att_nodes, evidence, label, kind, support, score, assignment)


EXACT_MARGIN = 0.05
"""How far below a sole exact name any other reading of that box stays (more than the
ties the weights break)."""


def _sole_exact_pairs(label: FloatArray, kind: npt.NDArray[np.int8]) -> list[tuple[int, int]]:
    """(reference, attempt) pairs named exactly alike where neither has another exact match."""
    exact = (label >= NORMALISED_EQUAL) & (kind == KINDS.index("exact"))
    rows, cols = np.nonzero(exact)
    row_counts = exact.sum(axis=1)
    col_counts = exact.sum(axis=0)
    return [
        (int(i), int(j))
        for i, j in zip(rows, cols, strict=True)
        if row_counts[i] == 1 and col_counts[j] == 1
    ]


def _keep_ahead(
    score: FloatArray, pairs: list[tuple[int, int]], rivals: npt.NDArray[np.bool_] | None
) -> None:
    """For each (reference, attempt) pair, hold the box's other readings (those `rivals`
    marks, or all) at least EXACT_MARGIN below it, in place. Each box is in one pair."""
    if not pairs:
        return
    rows = np.array([i for i, _ in pairs], dtype=np.int64)
    cols = np.array([j for _, j in pairs], dtype=np.int64)
    capped = np.ones((score.shape[0], len(cols)), dtype=bool) if rivals is None else rivals[:, cols]
    capped[rows, np.arange(len(cols))] = False
    block = score[:, cols]
    limit = score[rows, cols] - EXACT_MARGIN
    score[:, cols] = np.where(capped, np.minimum(block, limit[None, :]), block)


def _sole_written_aliases(
    written: set[tuple[int, int]], exact_pairs: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Of the (reference, attempt) pairs where the box's name is the component's alias word
    for word, those where neither has another such match and the box is not a sole exact
    name of another component."""
    exact_boxes = {j for _, j in exact_pairs}
    rows = Counter(i for i, _ in written)
    cols = Counter(j for _, j in written)
    return sorted(
        (i, j) for i, j in written if rows[i] == 1 and cols[j] == 1 and j not in exact_boxes
    )
