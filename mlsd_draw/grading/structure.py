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
from scipy import sparse  # type: ignore[import-untyped, unused-ignore]

from ..language.model import Node
from .evidence import FloatArray

__all__ = [
    "REVERSED",
    "STRUCTURE_SMOOTHING",
    "THREE_HOPS",
    "TWO_HOPS",
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
    nodes: Sequence[Node], edges: Iterable[tuple[str, str, bool]]
) -> sparse.csr_matrix:
    """0/1 adjacency in node order, the matrix neighbour support is computed on.

    Built from (source, target, undirected) triples; `A -- B` counts both ways.
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
    matrix = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    matrix.data[:] = 1.0  # duplicates summed: back to 0/1
    return matrix


def _reach(adjacency: sparse.csr_matrix, skippable: FloatArray) -> sparse.csr_matrix:
    """Links with paths through skippable nodes: 1 direct, TWO_HOPS, THREE_HOPS; capped at 1."""
    skip = sparse.diags(skippable)
    two = adjacency @ skip @ adjacency
    three = two @ skip @ adjacency
    reach = adjacency + TWO_HOPS * two.minimum(1.0) + THREE_HOPS * three.minimum(1.0)
    reach.setdiag(0.0)
    reach.eliminate_zeros()
    return reach.minimum(1.0).tocsr()


def structure_support(
    ref_adj: sparse.csr_matrix,
    att_adj: sparse.csr_matrix,
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
    ref_unpaired = np.ones(nr)
    ref_unpaired[assignment[paired]] = 0.0
    att_unpaired = (~paired).astype(np.float64)
    ref_reach = _reach(ref_adj, ref_unpaired)
    att_reach = _reach(att_adj, att_unpaired)
    cols = np.nonzero(paired)[0]
    own = assignment[cols]
    p = sparse.csr_matrix(
        (np.ones(len(cols)), (own, cols)), shape=(nr, na)
    )  # reference x attempt; unpaired attempt nodes have empty columns
    related_out = (ref_reach + REVERSED * ref_reach.T).minimum(1.0)
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
    q1 = sparse.csr_matrix((out_fwd + REVERSED * in_fwd, (own, cols)), shape=(nr, na))
    q2 = sparse.csr_matrix((REVERSED * out_back + in_back, (own, cols)), shape=(nr, na))
    agree = agree + TWO_HOPS * (a @ q1 + a.T @ q2)
    weight = paired.astype(np.float64)
    available = att_reach @ weight + att_reach.T @ weight
    dense = np.asarray(agree.todense()) if sparse.issparse(agree) else np.asarray(agree)
    share = dense / (available[None, :] + STRUCTURE_SMOOTHING)
    return np.asarray(np.minimum(share, 1.0), dtype=np.float64)
