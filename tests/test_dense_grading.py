"""The grader's two kinds of matrices give the same grades: dense numpy arrays for the
graphs people draw (no scipy import, a fast start) and scipy's sparse ones for very large
graphs. Every attempt at hand is graded both ways and the alignments and scores compared."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlsd_draw import parse
from mlsd_draw.grading import matrices
from mlsd_draw.grading.assignment import _cheapest_matching
from mlsd_draw.grading.scoring import grade
from mlsd_draw.library.references import load_case, shipped_case_ids

ROOT = Path(__file__).parent.parent
EVAL = ROOT.parent / "shared" / "eval"


def attempts() -> list[tuple[str, Path | None, Path]]:
    """(id, reference file or None for the attempt's @case, attempt file)."""
    found: list[tuple[str, Path | None, Path]] = [
        (p.name, None, p) for p in sorted((ROOT / "tests" / "attempts").glob("*.mlsd"))
    ]
    found += [(p.name, None, p) for p in sorted((ROOT / "mlsd_draw" / "examples").glob("*.mlsd"))]
    for folder in (EVAL / "cases", EVAL / "realvocab" / "cases"):  # when ../shared is there
        for case in sorted(folder.glob("*")) if folder.is_dir() else []:
            for attempt in sorted(case.glob("attempt-*.mlsd")):
                found.append((f"{case.name}/{attempt.name}", case / "reference.mlsd", attempt))
    return found


def graded(reference: Path | None, attempt: Path) -> tuple[object, float]:
    diagram = parse(attempt.read_text(encoding="utf-8"))
    if reference is None:
        assert diagram.directives.case is not None
        ref = load_case(diagram.directives.case).diagram
    else:
        ref = parse(reference.read_text(encoding="utf-8"))
    result = grade(ref, diagram)
    pairs = sorted((p.reference, p.attempt, p.how, p.similarity) for p in result.alignment.pairs)
    return pairs, result.score


@pytest.mark.parametrize(("name", "reference", "attempt"), attempts(), ids=lambda x: str(x))
def test_dense_and_sparse_matrices_grade_alike(
    name: str, reference: Path | None, attempt: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dense = graded(reference, attempt)
    monkeypatch.setattr(matrices, "DENSE_NODES", 0)
    assert graded(reference, attempt) == dense, name


@pytest.mark.parametrize("case", shipped_case_ids())
def test_each_reference_against_another_grades_alike(
    case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    cases = shipped_case_ids()
    other = load_case(cases[(cases.index(case) + 1) % len(cases)]).diagram
    reference = load_case(case).diagram
    dense = grade(reference, other)
    monkeypatch.setattr(matrices, "DENSE_NODES", 0)
    sparse = grade(reference, other)
    assert dense.alignment == sparse.alignment and dense.score == sparse.score


costs = st.integers(1, 6).flatmap(
    lambda n: st.integers(n, n + 3).flatmap(
        lambda m: st.lists(
            st.one_of(st.none(), st.integers(0, 9)), min_size=n * m, max_size=n * m
        ).map(lambda cells: (n, m, cells))
    )
)


@settings(max_examples=300, deadline=None)
@given(costs)
def test_the_dense_solver_finds_a_cheapest_full_matching(
    problem: tuple[int, int, list[int | None]],
) -> None:
    n, m, cells = problem
    cost = np.array([np.inf if c is None else float(c) for c in cells]).reshape(n, m)
    best = min(
        (sum(cost[i, cols[i]] for i in range(n)) for cols in itertools.permutations(range(m), n)),
        default=np.inf,
    )
    if not np.isfinite(best):
        with pytest.raises(ValueError, match="no full matching"):
            _cheapest_matching(cost)
        return
    chosen = _cheapest_matching(cost)
    assert len(set(chosen.tolist())) == n
    assert sum(cost[i, chosen[i]] for i in range(n)) == best
