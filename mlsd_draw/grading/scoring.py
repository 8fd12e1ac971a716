"""Grading: classify every edge through an alignment, and turn the result into a score.

The score answers what an interviewer weighs: did you remember the components that
matter (weighted node recall), did you wire them the way data flows (edge credit), and
did you add things that are not there (a small, capped penalty)::

    recall = NODE_SHARE * node_recall + EDGE_SHARE * edge_credit
    score  = 100 * recall ** CURVE - penalty * recall

- node_recall: the reference weights of the components found over all weights. A name is
  not graded, only whether the component is there: a synonym, a typo or a box recognised
  by its neighbours counts in full. The matcher leaves a weak label with no support from
  the structure unpaired (missing, and extra) rather than guess, so a wrong pair is not
  rewarded over an honest gap.
- edge_credit: over the reference edges (their weights): matched or indirect 1, reversed
  REVERSED_CREDIT, missing 0. Edges at a weight-0 component the attempt left out do not
  count at all.
- CURVE (below 1) reads recall the way interviewers do: recalling the main flow but
  little else is a middling grade, not a failing one (half of everything scores 57).
- penalty: EXTRA_POINTS per extra component and per extra edge, at most MAX_PENALTY
  points, scaled by recall: in a weak attempt most extra boxes are misnamed tries at real
  components, already counted as missing, so they do not cost twice; the better the
  attempt, the more its extras are true additions. A shortcut (an arrow over a component
  you left out) costs nothing beyond that component.

The score rises with every component and arrow recalled (its slope in recall is at least
100 * CURVE - MAX_PENALTY > 0), is above 0 whenever anything is right, and a reference
graded against itself scores 100. CURVE was chosen on the two public evaluation sets
(`benchmarks/eval_grading.py`) as the one constant added to the earlier a-priori ones.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import pairwise

from ..language.model import Diagram, Edge
from .matching import Alignment, align
from .vocabulary import Vocabulary

NODE_SHARE = 0.6
EDGE_SHARE = 0.4
REVERSED_CREDIT = 0.5
EXTRA_POINTS = 1.0
MAX_PENALTY = 10.0
CURVE = 0.8

EDGE_CLASSES = ("matched", "reversed", "indirect", "missing", "extra", "shortcut")

EdgeKey = tuple[str, str]


@dataclass(frozen=True)
class GroupResult:
    """How much of one reference group (stage) the attempt recalled."""

    id: str
    name: str
    found: int
    total: int
    recall: float
    missing: tuple[str, ...]


@dataclass(frozen=True)
class Grade:
    """Everything a report needs: the alignment, edge classes, metrics and the score."""

    reference: Diagram
    attempt: Diagram
    alignment: Alignment
    score: float
    node_recall: float
    node_precision: float
    edge_recall: float
    edge_precision: float
    missing: tuple[str, ...]
    """Reference ids not found (weight-0 components are never missing)."""
    extra: tuple[str, ...]
    """Attempt ids that stand for nothing in the reference."""
    edges: Mapping[str, tuple[EdgeKey, ...]] = field(default_factory=dict)
    """Edge class -> edges: reference ids for reference edges, attempt ids for extra/shortcut."""
    groups: tuple[GroupResult, ...] = ()
    attempt_edges: Mapping[EdgeKey, str] = field(default_factory=dict)
    """The class of each attempt edge: matched, reversed, indirect (on an indirect path),
    shortcut or extra; for drawing the attempt."""
    skipped: Mapping[EdgeKey, tuple[str, ...]] = field(default_factory=dict)
    """For each shortcut (an attempt edge), the reference components it jumps over."""

    @property
    def case(self) -> str | None:
        """The case id of the reference."""
        return self.reference.directives.case


def grade(reference: Diagram, attempt: Diagram, vocabulary: Vocabulary | None = None) -> Grade:
    """Align the attempt with the reference and score it (see the module docstring).

    `vocabulary` is the shared vocabulary of terms (default: the shipped one).
    """
    return grade_alignment(reference, attempt, align(reference, attempt, vocabulary))


def grade_alignment(reference: Diagram, attempt: Diagram, alignment: Alignment) -> Grade:
    """Grade an attempt under a given alignment (used by `grade`, and to test the scoring)."""
    to_attempt = {p.reference: p.attempt for p in alignment.pairs}
    to_reference = {p.attempt: p.reference for p in alignment.pairs}
    weights = {node.id: node.weight for node in reference.nodes}
    missing = tuple(n.id for n in reference.nodes if n.id not in to_attempt and n.weight > 0)
    extra = alignment.extra(attempt)

    classes, accounted, edge_weights = _classify_reference_edges(reference, attempt, to_attempt)
    leftover = [e for e in attempt.edges if e.key not in accounted]
    skipped, extra_edges = _split_leftovers(reference, leftover, to_reference)
    shortcuts = list(skipped)
    classes["shortcut"] = tuple(shortcuts)
    classes["extra"] = tuple(extra_edges)
    accounted.update(dict.fromkeys(shortcuts, "shortcut"))
    accounted.update(dict.fromkeys(extra_edges, "extra"))

    total_weight = sum(weights.values())
    found_weight = sum(weights[p.reference] for p in alignment.pairs)
    node_recall = found_weight / total_weight if total_weight else 1.0

    total_edges = sum(edge_weights.values())
    good = sum(edge_weights[k] for k in (*classes["matched"], *classes["indirect"]))
    half = sum(edge_weights[k] for k in classes["reversed"]) * REVERSED_CREDIT
    edge_recall = good / total_edges if total_edges else 1.0
    edge_credit = (good + half) / total_edges if total_edges else 1.0

    node_precision = len(alignment.pairs) / len(attempt.nodes) if attempt.nodes else 0.0
    right_edges = len(attempt.edges) - len(extra_edges) - len(classes["reversed"])
    edge_precision = right_edges / len(attempt.edges) if attempt.edges else 0.0

    penalty = min(MAX_PENALTY, EXTRA_POINTS * (len(extra) + len(extra_edges)))
    recall = NODE_SHARE * node_recall + EDGE_SHARE * edge_credit
    raw = 100 * recall**CURVE - penalty * recall
    return Grade(
        reference=reference,
        attempt=attempt,
        alignment=alignment,
        score=round(min(100.0, max(0.0, raw)), 1),
        node_recall=round(node_recall, 3),
        node_precision=round(node_precision, 3),
        edge_recall=round(edge_recall, 3),
        edge_precision=round(edge_precision, 3),
        missing=missing,
        extra=extra,
        edges=classes,
        groups=_group_results(reference, to_attempt),
        attempt_edges={e.key: accounted[e.key] for e in attempt.edges},
        skipped=skipped,
    )


def _classify_reference_edges(
    reference: Diagram, attempt: Diagram, to_attempt: Mapping[str, str]
) -> tuple[dict[str, tuple[EdgeKey, ...]], dict[EdgeKey, str], dict[EdgeKey, float]]:
    """Each reference edge as matched, reversed, indirect or missing.

    Returns the classes, the attempt edges they account for (with the class of the
    reference edge they stand for), and each counted reference edge's weight (edges at an
    unpaired weight-0 component are left out).
    """
    directed = {e.key for e in attempt.edges if e.kind == "directed"}
    loose = {frozenset(e.key) for e in attempt.edges if e.kind == "undirected"}
    undirected_key = {frozenset(e.key): e.key for e in attempt.edges if e.kind == "undirected"}
    paired_attempt = set(to_attempt.values())
    successors = _successors(attempt.edges)
    weights = {node.id: node.weight for node in reference.nodes}

    found: dict[str, list[EdgeKey]] = {name: [] for name in ("matched", "reversed", "indirect")}
    missing: list[EdgeKey] = []
    accounted: dict[EdgeKey, str] = {}
    edge_weights: dict[EdgeKey, float] = {}
    for edge in reference.edges:
        a, b = to_attempt.get(edge.source), to_attempt.get(edge.target)
        if a is None or b is None:
            if (a is None and weights[edge.source] == 0) or (
                b is None and weights[edge.target] == 0
            ):
                continue  # a bonus component left out takes its edges with it
            edge_weights[edge.key] = edge.weight
            missing.append(edge.key)
            continue
        edge_weights[edge.key] = edge.weight
        either_way = edge.kind == "undirected"
        if (a, b) in directed or frozenset((a, b)) in loose or (either_way and (b, a) in directed):
            found["matched"].append(edge.key)
            if (a, b) in directed or (b, a) in directed:
                accounted[(a, b) if (a, b) in directed else (b, a)] = "matched"
            if frozenset((a, b)) in loose:
                accounted[undirected_key[frozenset((a, b))]] = "matched"
        elif (b, a) in directed:
            found["reversed"].append(edge.key)
            accounted.setdefault((b, a), "reversed")  # a match of another edge stays one
        elif path := _path_through(successors, a, b, lambda n: n not in paired_attempt):
            found["indirect"].append(edge.key)
            for step in pairwise(path):
                accounted.setdefault(step, "indirect")
        else:
            missing.append(edge.key)
    classes = {name: tuple(keys) for name, keys in found.items()}
    classes["missing"] = tuple(missing)
    return classes, accounted, edge_weights


def _split_leftovers(
    reference: Diagram, leftover: Iterable[Edge], to_reference: Mapping[str, str]
) -> tuple[dict[EdgeKey, tuple[str, ...]], list[EdgeKey]]:
    """Attempt edges no reference edge accounts for: shortcuts (with the reference
    components each one skips, in order), and the truly extra."""
    paired_reference = set(to_reference.values())
    successors = _successors(reference.edges)
    shortcuts: dict[EdgeKey, tuple[str, ...]] = {}
    extra: list[EdgeKey] = []
    for edge in leftover:
        a, b = to_reference.get(edge.source), to_reference.get(edge.target)
        path = (
            _path_through(successors, a, b, lambda n: n not in paired_reference)
            if a is not None and b is not None
            else None
        )
        if path:
            shortcuts[edge.key] = tuple(path[1:-1])
        else:
            extra.append(edge.key)
    return shortcuts, extra


def _successors(edges: Iterable[Edge]) -> dict[str, list[str]]:
    """Where one can go from each node; an undirected edge goes both ways."""
    result: dict[str, list[str]] = {}
    for edge in edges:
        result.setdefault(edge.source, []).append(edge.target)
        if edge.kind == "undirected":
            result.setdefault(edge.target, []).append(edge.source)
    return result


def _path_through(
    successors: Mapping[str, list[str]], start: str, goal: str, inner_ok: object
) -> list[str] | None:
    """A shortest path start -> ... -> goal of at least two edges whose inner nodes pass
    `inner_ok`; None if there is none."""
    assert callable(inner_ok)
    previous: dict[str, str] = {}
    queue = deque(n for n in successors.get(start, ()) if n != goal and inner_ok(n))
    for n in queue:
        previous.setdefault(n, start)
    seen = {start, *queue}
    while queue:
        node = queue.popleft()
        for nxt in successors.get(node, ()):
            if nxt == goal:
                path = [goal, node]
                while path[-1] != start:
                    path.append(previous[path[-1]])
                return path[::-1]
            if nxt not in seen and inner_ok(nxt):
                seen.add(nxt)
                previous[nxt] = node
                queue.append(nxt)
    return None


def _group_results(reference: Diagram, to_attempt: Mapping[str, str]) -> tuple[GroupResult, ...]:
    """Recall per reference group, counting components of nested groups in their parents."""
    results = []
    for group in reference.groups:
        members = [
            n for n in reference.nodes if n.weight > 0 and group.id in reference.group_path(n.group)
        ]
        if not members:
            continue
        found = [n for n in members if n.id in to_attempt]
        total_weight = sum(n.weight for n in members)
        recall = sum(n.weight for n in found) / total_weight
        results.append(
            GroupResult(
                id=group.id,
                name=group.name,
                found=len(found),
                total=len(members),
                recall=round(recall, 3),
                missing=tuple(n.id for n in members if n.id not in to_attempt),
            )
        )
    return tuple(results)
