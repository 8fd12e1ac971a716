"""Structure support: how far the edges around a candidate pair agree with an assignment.

Given the pairs chosen so far, a (reference, attempt) pair earns the smoothed share of its
paired neighbours that sit next to the reference node too, counting reversed edges and short
paths through nodes the other side left out. This is graph arithmetic on sparse adjacency
matrices, independent of how labels are compared, so it lives apart from label evidence.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

from ..language.model import Diagram, Edge, Node
from .evidence import FloatArray
from .matrices import Matrix, at_most_one, build, diagonal, to_array, without_diagonal

__all__ = [
    "REVERSED",
    "STRUCTURE_SMOOTHING",
    "THREE_HOPS",
    "TWO_HOPS",
    "ends_alike",
    "sparse_adjacency",
    "structure_support",
]

STRUCTURE_SMOOTHING = 1.0
"""Added to the number of paired neighbours: one agreeing edge is weaker than three."""
REVERSED = 0.5
"""An edge drawn backwards still says the two components are linked."""
TWO_HOPS = 0.6
THREE_HOPS = 0.35
"""Paths through nodes the other side left out (a missing step, an extra queue) count less."""


def sparse_adjacency(
    nodes: Sequence[Node], edges: Iterable[tuple[str, str, bool]], *, dense: bool = False
) -> Matrix:
    """0/1 adjacency in node order, the matrix neighbour support is computed on.

    Built from (source, target, undirected) triples; `A -- B` counts both ways. Dense
    (a numpy array) or sparse as :mod:`.matrices` decides for the graphs' size.
    """
    index = {node.id: i for i, node in enumerate(nodes)}
    rows: list[int] = []
    cols: list[int] = []
    for source, target, undirected in edges:
        s, t = index.get(source), index.get(target)
        if s is None or t is None or s == t:
            continue
        rows.append(s)
        cols.append(t)
        if undirected:
            rows.append(t)
            cols.append(s)
    n = len(nodes)
    return at_most_one(build(rows, cols, (n, n), dense=dense))  # duplicates summed: 0/1


def _reach(adjacency: Matrix, skippable: FloatArray, dense: bool) -> Matrix:
    """Links with paths through skippable nodes: 1 direct, TWO_HOPS, THREE_HOPS; capped at 1."""
    skip = diagonal(skippable, dense=dense)
    two = adjacency @ skip @ adjacency
    three = two @ skip @ adjacency
    reach = adjacency + TWO_HOPS * at_most_one(two) + THREE_HOPS * at_most_one(three)
    return at_most_one(without_diagonal(reach))


def structure_support(
    ref_adj: Matrix,
    att_adj: Matrix,
    assignment: npt.NDArray[np.int64],
    nr: int,
) -> FloatArray:
    """Per (reference, attempt) pair, the share of agreeing neighbours: tells equal labels apart.

    The share is smoothed (STRUCTURE_SMOOTHING); it also lifts weak labels.

    `assignment[j]` is the reference index paired with attempt node j, or -1.
    """
    na = len(assignment)
    paired = assignment >= 0
    if not paired.any():
        return np.zeros((nr, na))  # no paired neighbour anywhere: no structural evidence
    dense = isinstance(ref_adj, np.ndarray)
    ref_unpaired = np.ones(nr)
    ref_unpaired[assignment[paired]] = 0.0
    att_unpaired = (~paired).astype(np.float64)
    ref_reach = _reach(ref_adj, ref_unpaired, dense)
    att_reach = _reach(att_adj, att_unpaired, dense)
    cols = np.nonzero(paired)[0]
    own = assignment[cols]
    # reference x attempt; unpaired attempt nodes have empty columns
    p = build(own, cols, (nr, na), dense=dense)
    related_out = at_most_one(ref_reach + REVERSED * ref_reach.T)
    related_in = related_out.T
    agree = related_out @ p @ att_reach.T + related_in @ p @ att_reach
    # The reference node an attempt node holds now is skippable when weighing its other
    # candidates: `Trainer` paired with `Data augmentation` may still sit after it.
    a = ref_adj
    pt, pa = p @ att_reach.T, p @ att_reach
    out_fwd = np.asarray((a @ pt)[own, cols]).ravel()
    out_back = np.asarray((a.T @ pt)[own, cols]).ravel()
    in_back = np.asarray((a.T @ pa)[own, cols]).ravel()
    in_fwd = np.asarray((a @ pa)[own, cols]).ravel()
    q1 = build(own, cols, (nr, na), dense=dense, data=out_fwd + REVERSED * in_fwd)
    q2 = build(own, cols, (nr, na), dense=dense, data=REVERSED * out_back + in_back)
    agree = agree + TWO_HOPS * (a @ q1 + a.T @ q2)
    weight = paired.astype(np.float64)
    available = np.asarray(att_reach @ weight + att_reach.T @ weight).ravel()
    share = to_array(agree) / (available[None, :] + STRUCTURE_SMOOTHING)
    return np.asarray(np.minimum(share, 1.0), dtype=np.float64)


def ends_alike(
    reference: Diagram, attempt: Diagram, att_nodes: Sequence[Node]
) -> npt.NDArray[np.bool_]:
    """Which (reference, attempt) pairs both start a flow (nothing feeds them, they feed
    something) or both end one (fed, feeding nothing). When two boxes of a chain could
    stand for one component (`user -> app -> backend` for a request), the one placed as
    the component is placed is the better reading. Associations (`--`) set no direction."""
    ref_start, ref_end = _flow_ends(reference.nodes, reference.edges)
    att_start, att_end = _flow_ends(att_nodes, attempt.edges)
    return np.outer(ref_start, att_start) | np.outer(ref_end, att_end)


def _flow_ends(
    nodes: Sequence[Node], edges: Iterable[Edge]
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    index = {node.id: k for k, node in enumerate(nodes)}
    fed = np.zeros(len(nodes), dtype=bool)
    feeds = np.zeros(len(nodes), dtype=bool)
    for edge in edges:
        if edge.kind == "directed" and edge.source in index and edge.target in index:
            feeds[index[edge.source]] = True
            fed[index[edge.target]] = True
    return feeds & ~fed, fed & ~feeds
