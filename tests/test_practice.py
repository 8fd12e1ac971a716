"""Ratings, the FSRS schedule replayed from history, hints and the drill file."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from mlsd_draw import parse
from mlsd_draw.grading.scoring import grade
from mlsd_draw.practice.drills import drill_text, hint
from mlsd_draw.practice.history import AttemptRecord, Outcome, open_history
from mlsd_draw.practice.ratings import AGAIN, EASY, GOOD, HARD, rating_for
from mlsd_draw.practice.schedule import (
    card_state,
    pick_next,
    record_grade,
    schedule,
    sparkline,
)

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
REFERENCE = parse(
    "@case tiny\n@title Tiny\n@prompt Design a tiny thing.\n"
    "Serving { Request -> Ranking -> Results }\nOffline { Logs -> Training }\n"
    'Results -> Logs\nTraining -> Ranking\nRanking [weight: 3; note: "the core"]\n'
)


@pytest.mark.parametrize(
    ("attempt", "hints", "rating"),
    [
        ("Request -> Ranking -> Results -> Logs -> Training -> Ranking", 0, EASY),
        ("Request -> Ranking -> Results -> Logs -> Training -> Ranking", 1, HARD),
        ("Request -> Ranking -> Results -> Logs\nTraining", 0, GOOD),
        ("Request -> Results -> Logs -> Training", 0, AGAIN),  # the core component is missing
        ("Request -> Logs", 0, AGAIN),  # score below 50
    ],
)
def test_rating_for(attempt: str, hints: int, rating: int) -> None:
    assert rating_for(grade(REFERENCE, parse(attempt)), hint_level=hints) == rating


def attempt(day: float, rating: int) -> AttemptRecord:
    return AttemptRecord(0, T0 + timedelta(days=day), "tiny", 0, rating, None, 0, "", "t")


def test_a_failed_case_comes_back_the_next_day_and_success_spaces_it_out() -> None:
    failed = card_state("tiny", [attempt(0, AGAIN)])
    assert failed.due == T0 + timedelta(days=1)
    good_twice = card_state("tiny", [attempt(0, GOOD), attempt(1, GOOD)])
    good_once = card_state("tiny", [attempt(0, GOOD)])
    assert good_once.due is not None and good_twice.due is not None
    assert good_twice.due - (T0 + timedelta(days=1)) > good_once.due - T0
    assert card_state("tiny", []).due is None


def test_pick_next_prefers_overdue_then_new(tmp_path: Path) -> None:
    history = open_history(tmp_path / "h.sqlite3")
    for case, score, rating in (("a", 40, AGAIN), ("b", 95, EASY)):
        history.record_attempt(
            case_id=case, graded_at=T0, score=score, rating=rating, attempt_text="",
            outcomes=[], tool_version="t",
        )  # fmt: skip
    states = schedule(history, ["a", "b", "c"])
    assert [s.case_id for s in states] == ["a", "b", "c"]
    soon, later = (
        pick_next(states, T0 + timedelta(hours=1)),
        pick_next(states, T0 + timedelta(days=2)),
    )
    assert soon is not None and soon.case_id == "c"  # nothing due yet: a new case
    assert later is not None and later.case_id == "a"  # the overdue case first
    history.close()


def test_record_grade_uses_the_drill_and_caps_after_a_hint(tmp_path: Path) -> None:
    history = open_history(tmp_path / "h.sqlite3")
    path = tmp_path / "tiny.mlsd"
    history.start_drill("tiny", path, T0)
    history.record_hint("tiny", 1, T0 + timedelta(minutes=2))
    perfect = grade(REFERENCE, REFERENCE)
    review = record_grade(
        history, perfect, case_id="tiny", attempt_text="", attempt_path=path,
        now=T0 + timedelta(minutes=12), tool_version="t",
    )  # fmt: skip
    assert review.duration_seconds == 12 * 60
    assert (review.hint_level, review.rating) == (1, HARD)
    again = record_grade(
        history, perfect, case_id="tiny", attempt_text="edited", attempt_path=path,
        now=T0 + timedelta(days=2), tool_version="t",
    )  # fmt: skip
    assert (again.duration_seconds, again.hint_level, again.rating) == (None, 0, EASY)
    history.close()


def test_the_same_attempt_graded_again_is_not_recorded_twice(tmp_path: Path) -> None:
    history = open_history(tmp_path / "h.sqlite3")
    path = tmp_path / "tiny.mlsd"
    history.start_drill("tiny", path, T0)
    result = grade(REFERENCE, REFERENCE)

    def record(text: str, minutes: int) -> object:
        return record_grade(
            history, result, case_id="tiny", attempt_text=text, attempt_path=path,
            now=T0 + timedelta(minutes=minutes), tool_version="t",
        )  # fmt: skip

    first = record("A -> B", 10)
    repeated = record("A -> B", 12)  # the same file graded again, say for the HTML report
    assert repeated.repeated and repeated.attempt_id == first.attempt_id  # type: ignore[attr-defined]
    assert len(history.attempts("tiny")) == 1
    edited = record("A -> B -> C", 15)  # an edited attempt counts again
    assert not edited.repeated  # type: ignore[attr-defined]
    assert record("A -> B -> C", 16).repeated  # type: ignore[attr-defined]
    assert len(history.attempts("tiny")) == 2
    history.start_drill("tiny", path, T0 + timedelta(days=1))  # a new drill of the same file
    assert not record("A -> B -> C", 24 * 60 + 20).repeated  # type: ignore[attr-defined]
    assert len(history.attempts("tiny")) == 3
    history.close()


def test_hints_never_name_a_component_before_level_3() -> None:
    assert hint(REFERENCE, 1) == "Stages: Serving, Offline"
    assert hint(REFERENCE, 2) == "Serving: 3 components (R, R, R)\nOffline: 2 components (L, T)"
    missed = [
        Outcome("logs", "Logs", 1, False),
        Outcome("ranking", "Ranking", 3, False, note="the core"),
    ]
    assert hint(REFERENCE, 3, missed) == "Last time you missed Ranking: the core"
    assert "No graded attempt" in hint(REFERENCE, 3)


def test_drill_text_parses_and_names_the_case() -> None:
    text = drill_text(REFERENCE, "tiny")
    assert text.startswith("@case tiny\n@title Tiny\n")
    assert "Design a tiny thing." in text
    assert "Request" not in text


def test_sparkline() -> None:
    assert sparkline([0, 50, 100]) == "▁▅█"
