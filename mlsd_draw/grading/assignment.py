"""The assignment: the best one-to-one set of pairs for a score matrix, with a no-match cost.

Every pair below REJECT is forbidden and leaving a node unpaired is worth REJECT, so a weak
pair becomes a missing plus an extra node instead of a wrong pair. The candidate graph is
split into connected components, each solved exactly: with our own shortest-augmenting-path
solver for the graphs people draw, and scipy's sparse LAPJV solver for very large ones
(importing scipy costs a third of a second of start-up). It is kept apart because it only
optimises a given score matrix, whatever the score means.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from .evidence import REJECT, FloatArray
from .matrices import use_dense

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
    if use_dense(na, nr) and na * (nr + na) <= DENSE_SOLVE_CELLS:
        cost = np.full((na, nr + na), np.inf)
        cost[rows, cols] = top - values
        att_idx, col_idx = np.arange(na), _cheapest_matching(cost)
    else:
        from scipy import sparse  # type: ignore[import-untyped, unused-ignore]
        from scipy.sparse.csgraph import (  # type: ignore[import-untyped, unused-ignore]
            min_weight_full_bipartite_matching,
        )

        matrix = sparse.csr_matrix((top - values, (rows, cols)), shape=(na, nr + na))
        att_idx, col_idx = min_weight_full_bipartite_matching(matrix)
    keep = col_idx < nr
    return np.asarray(att_idx[keep], dtype=np.int64), np.asarray(col_idx[keep], dtype=np.int64)


DENSE_SOLVE_CELLS = 20_000
"""Up to this many cells a block is solved here, in Python with numpy rows (a 30-box
attempt in under a millisecond); larger blocks go to scipy's compiled solver."""


def _cheapest_matching(cost: FloatArray) -> npt.NDArray[np.int64]:
    """The column of each row in a matching of every row that costs the least in all.

    Shortest augmenting paths with row and column potentials (the Jonker-Volgenant
    method): rows are added one at a time, each along the cheapest path of reduced
    costs, so an optimal matching of the rows so far is kept. `cost` has at least as many
    columns as rows and `inf` where a pair is forbidden; a full matching must exist.
    """
    n, m = cost.shape
    u, v = np.zeros(n), np.zeros(m)
    col_of = np.full(n, -1, dtype=np.int64)
    row_of = np.full(m, -1, dtype=np.int64)
    for start in range(n):
        shortest = np.full(m, np.inf)
        came_from = np.full(m, -1, dtype=np.int64)
        rows_seen = np.zeros(n, dtype=bool)
        cols_seen = np.zeros(m, dtype=bool)
        row, reached, sink = start, 0.0, -1
        while sink < 0:
            rows_seen[row] = True
            through = reached + cost[row] - u[row] - v
            better = ~cols_seen & (through < shortest)
            came_from[better] = row
            shortest[better] = through[better]
            open_cost = np.where(cols_seen, np.inf, shortest)
            reached = float(open_cost.min())
            if not np.isfinite(reached):
                raise ValueError("no full matching: a row can reach no column")
            ties = np.nonzero(open_cost == reached)[0]
            free = ties[row_of[ties] < 0]
            col = int(free[0] if len(free) else ties[0])  # an unmatched column ends the path
            cols_seen[col] = True
            if row_of[col] < 0:
                sink = col
            else:
                row = int(row_of[col])
        u[start] += reached
        others = rows_seen.copy()
        others[start] = False
        u[others] += reached - shortest[col_of[others]]
        v[cols_seen] -= reached - shortest[cols_seen]
        col = sink
        while True:
            row = int(came_from[col])
            row_of[col] = row
            col_of[row], col = col, int(col_of[row])
            if row == start:
                break
    return col_of


def _components(
    nr: int, na: int, cand_ref: npt.NDArray[np.int64], cand_att: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """The connected component of every node of the candidate graph (references first,
    then attempt nodes), numbered by their smallest node as scipy numbers them."""
    parent = list(range(nr + na))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for r, a in zip(cand_ref.tolist(), (cand_att + nr).tolist(), strict=True):
        x, y = root(r), root(a)
        if x != y:
            parent[max(x, y)] = min(x, y)
    roots = [root(x) for x in range(nr + na)]
    number: dict[int, int] = {}
    return np.array([number.setdefault(r, len(number)) for r in roots], dtype=np.int64)


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
    if use_dense(nr, na):
        labels = _components(nr, na, cand_ref, cand_att)
    else:
        from scipy import sparse
        from scipy.sparse.csgraph import connected_components  # type: ignore[import-untyped, unused-ignore]

        graph = sparse.coo_matrix(
            (np.ones(len(cand_ref)), (cand_ref, nr + cand_att)), shape=(nr + na, nr + na)
        )
        _, labels = connected_components(graph, directed=False)
    ref_labels, att_labels = labels[:nr], labels[nr:]
    ref_order = np.argsort(ref_labels, kind="stable")
    att_order = np.argsort(att_labels, kind="stable")
    ref_bounds = np.searchsorted(ref_labels[ref_order], np.arange(labels.max() + 2))
    att_bounds = np.searchsorted(att_labels[att_order], np.arange(labels.max() + 2))
    for component in sorted(set(att_labels[cand_att].tolist())):
        rows = ref_order[ref_bounds[component] : ref_bounds[component + 1]]
        cols = att_order[att_bounds[component] : att_bounds[component + 1]]
        block = score[np.ix_(rows, cols)]
        for a, c in zip(*_solve(block.T, prior[rows]), strict=True):
            result[cols[a]] = rows[c]
    return result
