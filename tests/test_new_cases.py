"""The six cases added for 2026 (search ranking, notification ranking, ETA, an LLM agent,
smart compose, a For You feed): each graded with a strong and a weak hand-written attempt,
written as candidates type (products, shorthand, their own grouping)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlsd_draw import parse
from mlsd_draw.grading.scoring import grade
from mlsd_draw.library.references import list_cases, load_case

NEW_CASES = (
    "search-ranking",
    "notification-ranking",
    "eta-prediction",
    "llm-agent",
    "smart-compose",
    "short-video-feed",
)
ATTEMPTS = Path(__file__).parent / "attempts"


@pytest.mark.parametrize("case", NEW_CASES)
def test_a_strong_attempt_scores_well_and_a_weak_one_poorly(case: str) -> None:
    reference = load_case(case).diagram
    strong = grade(reference, parse((ATTEMPTS / f"{case}-strong.mlsd").read_text("utf-8")))
    weak = grade(reference, parse((ATTEMPTS / f"{case}-weak.mlsd").read_text("utf-8")))
    assert 70 <= strong.score <= 95, strong.score
    assert 15 <= weak.score <= 45, weak.score
    assert strong.node_recall > 2 * weak.node_recall


@pytest.mark.parametrize("case", NEW_CASES)
def test_a_new_case_is_an_extra_of_fifteen_to_thirty_components_with_sources(case: str) -> None:
    reference = load_case(case).diagram
    assert 15 <= len(reference.nodes) <= 30
    assert reference.directives.level == "extra"
    assert reference.directives.source and reference.directives.prompt
    core = [n for n in reference.nodes if n.weight > 1]
    assert len(core) >= 3 and all(n.note for n in core)


def test_twenty_one_cases_ship_eleven_of_them_the_books() -> None:
    shipped = [info for info in list_cases() if info.origin == "shipped"]
    assert len(shipped) == 21
    assert sum(info.level == "core" for info in shipped) == 11
