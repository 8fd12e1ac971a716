"""The practice loop's data: the history of graded attempts, the FSRS schedule, drills and
hints, the quiz cards' schedule, and the Anki deck."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.exports import lazy_exports

if TYPE_CHECKING:
    from .anki import (
        AnkiDeck,
        AnkiNote,
        build_deck,
        core_list,
        deck_bytes,
        media_name,
        note_guid,
        note_model,
        reference_svg,
        to_package,
        write_deck,
    )
    from .anki_cards import AnkiCardNote, card_guid, card_note_model, card_notes
    from .card_schedule import (
        QuizCardState,
        card_states,
        quiz_queue,
        quiz_scheduler,
        record_card_answer,
    )
    from .drills import drill_text, hint, suggested_minutes
    from .history import (
        AttemptRecord,
        CardReview,
        History,
        Outcome,
        default_database_path,
        now_utc,
        open_history,
    )
    from .history_file import Migration
    from .ratings import rating_for
    from .schedule import (
        CardState,
        CaseStats,
        Review,
        card_state,
        case_stats,
        due_now,
        outcomes_of,
        pick_next,
        record_grade,
        replay_due,
        schedule,
        sparkline,
    )

_WHERE = {
    "AnkiCardNote": "anki_cards",
    "AnkiDeck": "anki",
    "AnkiNote": "anki",
    "AttemptRecord": "history",
    "build_deck": "anki",
    "card_guid": "anki_cards",
    "card_note_model": "anki_cards",
    "card_notes": "anki_cards",
    "card_state": "schedule",
    "card_states": "card_schedule",
    "CardReview": "history",
    "CardState": "schedule",
    "case_stats": "schedule",
    "CaseStats": "schedule",
    "core_list": "anki",
    "deck_bytes": "anki",
    "default_database_path": "history",
    "drill_text": "drills",
    "due_now": "schedule",
    "hint": "drills",
    "History": "history",
    "media_name": "anki",
    "Migration": "history_file",
    "note_guid": "anki",
    "note_model": "anki",
    "now_utc": "history",
    "open_history": "history",
    "Outcome": "history",
    "outcomes_of": "schedule",
    "pick_next": "schedule",
    "quiz_queue": "card_schedule",
    "quiz_scheduler": "card_schedule",
    "QuizCardState": "card_schedule",
    "rating_for": "ratings",
    "record_card_answer": "card_schedule",
    "record_grade": "schedule",
    "reference_svg": "anki",
    "replay_due": "schedule",
    "Review": "schedule",
    "schedule": "schedule",
    "sparkline": "schedule",
    "suggested_minutes": "drills",
    "to_package": "anki",
    "write_deck": "anki",
}

__all__ = [
    "AnkiCardNote",
    "AnkiDeck",
    "AnkiNote",
    "AttemptRecord",
    "CardReview",
    "CardState",
    "CaseStats",
    "History",
    "Migration",
    "Outcome",
    "QuizCardState",
    "Review",
    "build_deck",
    "card_guid",
    "card_note_model",
    "card_notes",
    "card_state",
    "card_states",
    "case_stats",
    "core_list",
    "deck_bytes",
    "default_database_path",
    "drill_text",
    "due_now",
    "hint",
    "media_name",
    "note_guid",
    "note_model",
    "now_utc",
    "open_history",
    "outcomes_of",
    "pick_next",
    "quiz_queue",
    "quiz_scheduler",
    "rating_for",
    "record_card_answer",
    "record_grade",
    "reference_svg",
    "replay_due",
    "schedule",
    "sparkline",
    "suggested_minutes",
    "to_package",
    "write_deck",
]

__getattr__, __dir__ = lazy_exports(__name__, globals(), _WHERE)
