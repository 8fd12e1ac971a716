"""Matrices for the grader: plain numpy arrays for the graphs people draw, scipy's sparse
ones for the very large graphs only.

A drawn architecture has tens of components, where dense arithmetic is instant; importing
scipy costs about a third of a second of start-up, most of a fresh grade. So every matrix
the grader builds goes through here: below :data:`DENSE_NODES` components a side it is a
numpy array, above it a scipy CSR matrix, and the few operations whose spelling differs
are given one name. The two kinds give the same numbers (a test grades both ways).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "DENSE_NODES",
    "Matrix",
    "at_most_one",
    "build",
    "diagonal",
    "entries",
    "is_dense",
    "scale_columns",
    "to_array",
    "use_dense",
    "without_diagonal",
]

DENSE_NODES = 400
"""Up to this many components on either side, matrices are dense numpy arrays."""

Matrix = Any
"""A dense `numpy.ndarray` or a scipy sparse matrix: they share `@`, `+`, `*` and `.T`."""


def use_dense(*sizes: int) -> bool:
    """Whether graphs of these node counts are small enough for dense matrices."""
    return max(sizes, default=0) <= DENSE_NODES


def is_dense(matrix: Matrix) -> bool:
    """Whether `matrix` is a plain numpy array."""
    return isinstance(matrix, np.ndarray)


def build(
    rows: Sequence[int] | npt.NDArray[np.int64],
    cols: Sequence[int] | npt.NDArray[np.int64],
    shape: tuple[int, int],
    *,
    dense: bool,
    data: npt.NDArray[np.float64] | None = None,
) -> Matrix:
    """A matrix with `data` (default ones) at (rows, cols), duplicates summed."""
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    values = np.ones(len(rows)) if data is None else np.asarray(data, dtype=np.float64)
    if dense:
        matrix = np.zeros(shape)
        np.add.at(matrix, (rows, cols), values)
        return matrix
    from scipy import sparse  # type: ignore[import-untyped, unused-ignore]

    return sparse.csr_matrix((values, (rows, cols)), shape=shape)


def diagonal(values: npt.NDArray[np.float64], *, dense: bool) -> Matrix:
    """A diagonal matrix holding `values`."""
    if dense:
        return np.diag(values)
    from scipy import sparse

    return sparse.diags(values)


def at_most_one(matrix: Matrix) -> Matrix:
    """Every entry capped at 1."""
    return np.minimum(matrix, 1.0) if is_dense(matrix) else matrix.minimum(1.0).tocsr()


def without_diagonal(matrix: Matrix) -> Matrix:
    """The matrix with its diagonal set to 0 (and, sparse, the zeros dropped)."""
    if is_dense(matrix):
        matrix = matrix.copy()
        np.fill_diagonal(matrix, 0.0)
        return matrix
    matrix = matrix.tolil()
    matrix.setdiag(0.0)
    matrix = matrix.tocsr()
    matrix.eliminate_zeros()
    return matrix


def scale_columns(matrix: Matrix, weights: npt.NDArray[np.float64]) -> Matrix:
    """Each column multiplied by its weight."""
    if is_dense(matrix):
        return matrix * weights[None, :]
    return matrix.multiply(weights[None, :]).tocsr()


def entries(
    matrix: Matrix,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """The non-zero entries as (rows, cols, values), in row-major order."""
    if is_dense(matrix):
        rows, cols = np.nonzero(matrix)
        return rows.astype(np.int64), cols.astype(np.int64), matrix[rows, cols]
    coo = matrix.tocsr().tocoo()
    order = np.lexsort((coo.col, coo.row))
    return (
        np.asarray(coo.row[order], dtype=np.int64),
        np.asarray(coo.col[order], dtype=np.int64),
        np.asarray(coo.data[order], dtype=np.float64),
    )


def to_array(matrix: Matrix) -> npt.NDArray[np.float64]:
    """The matrix as a dense numpy array."""
    return np.asarray(matrix if is_dense(matrix) else matrix.todense(), dtype=np.float64)
