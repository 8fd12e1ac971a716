"""The practice loop: start a drill, see what is due, ask for a hint, look back.

Every function opens the history (the SQLite file of `mlsd_draw.practice.history`),
does its work and closes it again, so two front ends or two terminals can share it.
`now` defaults to the clock (`MLSD_DRAW_NOW` rehearses a schedule).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.errors import MlsdDrawError, UsageError

if TYPE_CHECKING:
    from ..language.model import Diagram
    from ..practice.history import AttemptRecord, History
    from ..practice.schedule import CardState, CaseStats
    from .quiz import CardAgenda, CardKindStats


@contextmanager
def opened_history(path: Path | None = None) -> Iterator[History]:
    """The practice history (the default file, or `path`), closed afterwards."""
    from ..practice.history import open_history

    history = open_history(path)
    try:
        yield history
    finally:
        history.close()


def now() -> datetime:
    """The current time in UTC, or `MLSD_DRAW_NOW` when set (to rehearse a schedule)."""
    from ..practice.history import now_utc

    return now_utc()


def _now(moment: datetime | None) -> datetime:
    return moment if moment is not None else now()


def rating_name(rating: int) -> str:
    """A review rating's name: Again, Hard, Good or Easy."""
    from ..practice.ratings import RATING_NAMES

    return RATING_NAMES[rating]


@dataclass(frozen=True)
class DrillStarted:
    """A drill begun: the case, its question, the time to give it and the attempt file."""

    case_id: str
    title: str
    prompt: str | None
    minutes: int
    attempt_file: Path


def start_drill(
    case_id: str | None,
    attempt_file: Path | None = None,
    *,
    force: bool = False,
    now: datetime | None = None,
) -> DrillStarted:
    """Write the attempt file for a case (by default the one most due) and start its clock.

    An existing attempt file is never overwritten unless `force` is set.
    """
    from ..core.files import write_text_atomically
    from ..library.references import case_ids, load_case
    from ..practice.drills import drill_text, suggested_minutes
    from ..practice.schedule import pick_next, schedule

    moment = _now(now)
    with opened_history() as history:
        if case_id is None:
            chosen = pick_next(schedule(history, core_first(case_ids())), moment)
            if chosen is None:
                raise UsageError("no cases found to drill")
            case_id = chosen.case_id
        reference = load_case(case_id).diagram
        target = attempt_file or Path(f"{case_id}.mlsd")
        if target.exists() and not force:
            raise UsageError(
                f"{target} already exists: grade it, choose another file with -o, "
                "or start over with --force"
            )
        write_text_atomically(target, drill_text(reference, case_id))
        history.start_drill(case_id, target, moment)
    directives = reference.directives
    return DrillStarted(
        case_id,
        directives.title or case_id,
        directives.prompt,
        suggested_minutes(reference),
        target,
    )


@dataclass(frozen=True)
class Agenda:
    """The schedule as of `now`: cases due (most overdue first), new, and due later, and
    the quiz cards."""

    now: datetime
    due: list[CardState]
    new: list[CardState]
    later: list[CardState]
    cards: CardAgenda | None = None


def core_first(ids: list[str]) -> list[str]:
    """The case ids with the book's core cases (`@level core`) first, each part in order:
    a new learner starts on the cases every interview builds on."""
    from ..library.references import list_cases

    levels = {info.id: info.level for info in list_cases()}
    return sorted(ids, key=lambda case: levels.get(case) != "core")


def agenda(*, now: datetime | None = None) -> Agenda:
    """What to drill: the cases due now, the new ones and the rest by due date; and how
    many quiz cards are due, new and due later."""
    from ..library.references import case_ids
    from ..practice.schedule import due_now, schedule
    from .quiz import card_agenda

    moment = _now(now)
    with opened_history() as history:
        states = schedule(history, core_first(case_ids()))
    due, fresh = due_now(states, moment)
    later = [s for s in states if s.due is not None and s.due > moment]
    return Agenda(moment, due, fresh, later, card_agenda(now=moment))


def take_hint(case_id: str, level: int, *, now: datetime | None = None) -> str:
    """A hint for a case at level 1 to 3, recorded so the next grade is rated at most Hard."""
    from ..library.references import load_case
    from ..practice.drills import hint

    reference = load_case(case_id).diagram
    with opened_history() as history:
        attempts = history.attempts(case_id)
        last = history.outcomes(attempts[-1].id) if attempts else []
        history.record_hint(case_id, level, _now(now))
    return hint(reference, level, last)


def attempt_history(case_id: str | None = None) -> list[AttemptRecord]:
    """Every graded attempt (of one case, or all), oldest first."""
    with opened_history() as history:
        return history.attempts(case_id)


@dataclass(frozen=True)
class MissedComponent:
    """A reference component the person keeps forgetting, with why it matters."""

    case_id: str
    component: str
    label: str
    missed: int
    attempts: int
    note: str | None


@dataclass(frozen=True)
class Progress:
    """Per drilled case its record, the components missed most, and the known case ids."""

    now: datetime
    cases: list[CaseStats]
    most_missed: list[MissedComponent]
    known_cases: frozenset[str]
    cards: list[CardKindStats] = field(default_factory=list)
    """The quiz's record per kind of card."""


def progress(*, top: int = 10, now: datetime | None = None) -> Progress:
    """The record of every drilled case, the `top` components missed most often, and the
    quiz's record per kind of card."""
    from ..library.references import case_ids
    from ..practice.schedule import case_stats
    from .quiz import card_progress

    moment = _now(now)
    with opened_history() as history:
        drilled = sorted({a.case_id for a in history.attempts()})
        rows = case_stats(history, drilled)
        missed = history.missed_counts()[:top]
    notes = _notes_of(missed)
    most_missed = [
        MissedComponent(case, component, label, times, seen, notes.get((case, component)))
        for case, component, label, times, seen in missed
    ]
    return Progress(moment, rows, most_missed, frozenset(case_ids()), card_progress(now=moment))


def _notes_of(missed: Sequence[tuple[str, str, str, int, int]]) -> dict[tuple[str, str], str]:
    """The reference note of each missed component, when its case can still be loaded."""
    from ..library.references import load_case

    notes: dict[tuple[str, str], str] = {}
    for case_id in {row[0] for row in missed}:
        try:
            reference: Diagram = load_case(case_id).diagram
        except MlsdDrawError:
            continue
        for _case, component, *_rest in (r for r in missed if r[0] == case_id):
            note = next((n.note for n in reference.nodes if n.id == component), None)
            if note:
                notes[(case_id, component)] = note
    return notes
