"""The quiz cards' schedule: every card is a flashcard, scheduled by FSRS in the same
history as the drawings.

A drawing takes twenty minutes and comes back the next day at the soonest; a card is
answered in a minute, so it follows FSRS's own flashcard steps: a new card steps through
1 and 10 minutes (Again back to 1 minute, Good on to the next step, Easy skips them)
before its intervals grow to days and weeks, and a forgotten card comes back in 10
minutes. Fuzzing is off, so the same reviews always give the same schedule, and a card's
state is replayed from its reviews (:func:`mlsd_draw.practice.schedule.replay_due`),
never stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from .history import CardReview, History
from .schedule import replay_due

if TYPE_CHECKING:
    from fsrs import Scheduler

__all__ = [
    "QuizCardState",
    "card_states",
    "quiz_queue",
    "quiz_scheduler",
    "record_card_answer",
]


@dataclass(frozen=True)
class QuizCardState:
    """Where a quiz card stands: when it is due (None: never answered), how often it was
    answered and the last rating."""

    card_id: str
    due: datetime | None
    reviews: int
    last_rating: int | None


def quiz_scheduler() -> Scheduler:
    """FSRS with its flashcard learning steps and no fuzzing (see the module docstring)."""
    from fsrs import Scheduler

    return Scheduler(enable_fuzzing=False)


def _state(card_id: str, reviews: Sequence[CardReview], scheduler: Scheduler) -> QuizCardState:
    if not reviews:
        return QuizCardState(card_id, None, 0, None)
    due = replay_due([(r.reviewed_at, r.rating) for r in reviews], scheduler)
    return QuizCardState(card_id, due, len(reviews), reviews[-1].rating)


def card_states(history: History, card_ids: Iterable[str]) -> dict[str, QuizCardState]:
    """The state of every card in `card_ids`, read from the history in one query."""
    by_card: dict[str, list[CardReview]] = {}
    for review in history.card_reviews():
        by_card.setdefault(review.card_id, []).append(review)
    scheduler = quiz_scheduler()
    return {card: _state(card, by_card.get(card, []), scheduler) for card in card_ids}


def quiz_queue(
    states: Sequence[QuizCardState], now: datetime
) -> tuple[list[QuizCardState], list[QuizCardState], list[QuizCardState]]:
    """The cards due by `now` (most overdue first), the new ones (in the order given) and
    the rest (soonest first)."""
    answered = sorted(
        ((s.due, s) for s in states if s.due is not None), key=lambda p: (p[0], p[1].card_id)
    )
    due = [s for moment, s in answered if moment <= now]
    later = [s for moment, s in answered if moment > now]
    return due, [s for s in states if s.due is None], later


def record_card_answer(
    history: History,
    card_id: str,
    rating: int,
    *,
    now: datetime,
    answer_text: str,
    tool_version: str,
    suggested_rating: int | None = None,
    coverage: float | None = None,
) -> QuizCardState:
    """Store an answer to a card with its rating; returns the card's new state."""
    history.record_card_review(
        card_id=card_id,
        reviewed_at=now,
        rating=rating,
        answer_text=answer_text,
        tool_version=tool_version,
        suggested_rating=suggested_rating,
        coverage=coverage,
    )
    return _state(card_id, history.card_reviews(card_id), quiz_scheduler())
