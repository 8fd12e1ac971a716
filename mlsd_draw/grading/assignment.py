"""The assignment: the best one-to-one set of pairs for a score matrix, with a no-match cost.

Every pair below REJECT is forbidden and leaving a node unpaired is worth REJECT, so a weak
pair becomes a missing plus an extra node instead of a wrong pair. The candidate graph is
split into connected components, each solved exactly with scipy's sparse LAPJV solver. It
is kept apart because it only optimises a given score matrix, whatever the score means.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy import sparse  # type: ignore[import-untyped, unused-ignore]
from scipy.sparse.csgraph import (  # type: ignore[import-untyped, unused-ignore]
    connected_components,
    min_weight_full_bipartite_matching,
)

from .evidence import REJECT, FloatArray

__all__ = ["REJECT", "assign"]


def _solve(
    gain: FloatArray, prior: FloatArray
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The best one-to-one pairs (attempt, reference) of one component, REJECT for none.

    `gain` is attempt x reference; pairs below REJECT are not allowed. Each attempt node
    also has its own "no pair" column worth REJECT, so every node is matched to something.
    Solved with scipy's sparse assignment solver (LAPJVsp), which needs positive costs:
    every cost is `top - value`, the same shift for all, so the cheapest matching is the
    one of greatest total gain. (scipy.optimize's dense solver would give the same pairs
    but costs a third of a second of start-up to import.)
    """
    na, nr = gain.shape
    if na == 1 or nr == 1:
        # One node on a side: the best allowed pair is optimal, as any allowed pair is
        # worth at least the REJECT that leaving it out would give.
        total = np.where(gain >= REJECT, gain + prior[None, :], -np.inf)
        best = np.unravel_index(int(np.argmax(total)), total.shape)
        if not np.isfinite(total[best]):
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
        return np.array([best[0]], dtype=np.int64), np.array([best[1]], dtype=np.int64)
    att, ref = np.nonzero(gain >= REJECT)
    values = np.concatenate([gain[att, ref] + prior[ref], np.full(na, REJECT)])
    top = float(values.max()) + 1.0
    rows = np.concatenate([att, np.arange(na)])
    cols = np.concatenate([ref, nr + np.arange(na)])
    matrix = sparse.csr_matrix((top - values, (rows, cols)), shape=(na, nr + na))
    att_idx, col_idx = min_weight_full_bipartite_matching(matrix)
    keep = col_idx < nr
    return np.asarray(att_idx[keep], dtype=np.int64), np.asarray(col_idx[keep], dtype=np.int64)


def assign(score: FloatArray, prior: FloatArray) -> npt.NDArray[np.int64]:
    """The one-to-one pairs of greatest total score, each at or above REJECT, per attempt node.

    `result[j]` is the reference index paired with attempt node j, or -1 when unpaired.

    The candidate graph falls apart into small components, each solved exactly.
    """
    nr, na = score.shape
    result = np.full(na, -1, dtype=np.int64)
    cand_ref, cand_att = np.nonzero(score >= REJECT)
    if not len(cand_ref):
        return result
    graph = sparse.coo_matrix(
        (np.ones(len(cand_ref)), (cand_ref, nr + cand_att)), shape=(nr + na, nr + na)
    )
    _, labels = connected_components(graph, directed=False)
    ref_labels, att_labels = labels[:nr], labels[nr:]
    ref_order = np.argsort(ref_labels, kind="stable")
    att_order = np.argsort(att_labels, kind="stable")
    ref_bounds = np.searchsorted(ref_labels[ref_order], np.arange(labels.max() + 2))
    att_bounds = np.searchsorted(att_labels[att_order], np.arange(labels.max() + 2))
    for component in np.unique(att_labels[cand_att]):
        rows = ref_order[ref_bounds[component] : ref_bounds[component + 1]]
        cols = att_order[att_bounds[component] : att_bounds[component + 1]]
        block = score[np.ix_(rows, cols)]
        for a, c in zip(*_solve(block.T, prior[rows]), strict=True):
            result[cols[a]] = rows[c]
    return result
