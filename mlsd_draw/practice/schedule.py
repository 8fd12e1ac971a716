"""The practice schedule: a grade becomes a review, and the reviews say which case is due.

Each case is one spaced-repetition card, scheduled with FSRS (the `fsrs` package). A grade
becomes a review rating (:mod:`.ratings`: Again, Hard, Good or Easy).

A card's state is replayed from the recorded attempts, so it is never out of step with
the history, whatever ran concurrently. Fuzzing is off: the same history always gives the
same schedule. A failed case comes back the next day rather than in minutes: redrawing a
whole architecture is not a flashcard.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from ..grading.scoring import Grade
from .ratings import rating_for

if TYPE_CHECKING:
    from fsrs import Scheduler

    from .history import AttemptRecord, History, Outcome

SPARKS = "▁▂▃▄▅▆▇█"


def outcomes_of(grade: Grade) -> list[Outcome]:
    """What became of each reference component, for the history."""
    from .history import Outcome  # a grade that is not recorded needs no database code

    paired = grade.alignment.by_reference()
    return [
        Outcome(
            component=node.id,
            label=node.label,
            weight=node.weight,
            found=node.id in paired,
            how=paired[node.id].how if node.id in paired else None,
            note=node.note,
        )
        for node in grade.reference.nodes
        if node.weight > 0 or node.id in paired
    ]


def _scheduler() -> Scheduler:
    from fsrs import Scheduler

    return Scheduler(
        learning_steps=(timedelta(days=1),),
        relearning_steps=(timedelta(days=1),),
        enable_fuzzing=False,
    )


@dataclass(frozen=True)
class CardState:
    """Where a case stands in the schedule."""

    case_id: str
    due: datetime | None
    """None: never drilled (a new case)."""
    reviews: int
    last_rating: int | None


def replay_due(reviews: Sequence[tuple[datetime, int]], scheduler: Scheduler) -> datetime:
    """When a card is due after these (time, rating) reviews, oldest first, replayed
    through FSRS with `scheduler`: the state is never stored, so it never drifts from
    the history. Shared by the drawings and the quiz cards."""
    from fsrs import Card, Rating

    card = Card(card_id=1)
    try:
        for moment, rating in reviews:
            card, _log = scheduler.review_card(card, Rating(rating), review_datetime=moment)
    except OverflowError:  # a review dated near the end of the calendar (an old history)
        return datetime.max.replace(tzinfo=timezone.utc)
    due: datetime = card.due
    return due


def card_state(case_id: str, attempts: Sequence[AttemptRecord]) -> CardState:
    """Replay the graded attempts of one case through FSRS; returns when it is due."""
    if not attempts:
        return CardState(case_id, None, 0, None)
    due = replay_due([(a.graded_at, a.rating) for a in attempts], _scheduler())
    return CardState(case_id, due, len(attempts), attempts[-1].rating)


def schedule(history: History, case_ids: Sequence[str]) -> list[CardState]:
    """Every case's state, most urgent first: overdue by due time, then new cases."""
    states = [card_state(case, history.attempts(case)) for case in case_ids]
    drilled = sorted((s for s in states if s.due is not None), key=lambda s: (s.due, s.case_id))
    fresh = [s for s in states if s.due is None]
    return drilled + fresh


def due_now(states: Sequence[CardState], now: datetime) -> tuple[list[CardState], list[CardState]]:
    """The cases due by `now` (oldest first) and the new ones."""
    due = [s for s in states if s.due is not None and s.due <= now]
    return due, [s for s in states if s.due is None]


def pick_next(states: Sequence[CardState], now: datetime) -> CardState | None:
    """The case to drill now: the most overdue, else a new one, else the soonest due."""
    due, fresh = due_now(states, now)
    if due:
        return due[0]
    if fresh:
        return fresh[0]
    upcoming = [s for s in states if s.due is not None]
    return upcoming[0] if upcoming else None  # `schedule` sorts drilled cases by due time


def sparkline(scores: Sequence[float]) -> str:
    """Scores 0-100 as a line of block characters, one per attempt."""
    return "".join(SPARKS[min(len(SPARKS) - 1, int(s / 100 * len(SPARKS)))] for s in scores)


@dataclass(frozen=True)
class CaseStats:
    """The record of one case."""

    case_id: str
    attempts: int
    best: float
    last: float
    trend: str
    due: datetime | None


def case_stats(history: History, case_ids: Sequence[str]) -> list[CaseStats]:
    """Attempts, best and last score, trend and due date of every drilled case."""
    result = []
    for case_id in case_ids:
        attempts = history.attempts(case_id)
        if not attempts:
            continue
        scores = [a.score for a in attempts]
        state = card_state(case_id, attempts)
        result.append(
            CaseStats(case_id, len(scores), max(scores), scores[-1], sparkline(scores), state.due)
        )
    return result


@dataclass(frozen=True)
class Review:
    """What recording a grade did: the attempt's id, its rating, how long it took, next due."""

    attempt_id: int
    rating: int
    duration_seconds: float | None
    hint_level: int
    due: datetime | None
    repeated: bool = False
    """The same attempt of the same drill was graded before: nothing new was recorded."""


def record_grade(
    history: History,
    grade: Grade,
    *,
    case_id: str,
    attempt_text: str,
    attempt_path: Path | None,
    now: datetime,
    tool_version: str,
    reference_origin: str | None = None,
) -> Review:
    """Store a grade as a review of its case.

    The drill started for the same file, if any, gives the recall time; a hint asked for
    the case since that drill began (or since the case's last attempt) caps the rating at
    Hard. The same text graded again for a drill already graded is not recorded twice:
    the review returned is the earlier one, marked `repeated`.
    """
    if attempt_path is not None and (graded := history.graded_drill_text(attempt_path, case_id)):
        attempt_id, text = graded
        if text == attempt_text:  # graded again unchanged (say, to write the HTML report)
            earlier = next(a for a in history.attempts(case_id) if a.id == attempt_id)
            due = card_state(case_id, history.attempts(case_id)).due
            return Review(
                attempt_id,
                earlier.rating,
                earlier.duration_seconds,
                earlier.hint_level,
                due,
                repeated=True,
            )
    drill = history.open_drill(attempt_path, case_id) if attempt_path is not None else None
    previous = history.attempts(case_id)
    since = drill[1] if drill else (previous[-1].graded_at if previous else None)
    hint_level = history.hint_level_since(case_id, since)
    rating = rating_for(grade, hint_level=hint_level)
    duration = (now - drill[1]).total_seconds() if drill and now >= drill[1] else None
    attempt_id = history.record_attempt(
        case_id=case_id,
        graded_at=now,
        score=grade.score,
        rating=rating,
        attempt_text=attempt_text,
        outcomes=outcomes_of(grade),
        tool_version=tool_version,
        reference_origin=reference_origin,
        duration_seconds=duration,
        hint_level=hint_level,
        drill_id=drill[0] if drill else None,
    )
    state = card_state(case_id, history.attempts(case_id))
    return Review(attempt_id, rating, duration, hint_level, state.due)
