"""The practice loop's data: the history of graded attempts, the FSRS schedule, drills and
hints, and the Anki deck."""

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
    from .drills import drill_text, hint, suggested_minutes
    from .history import (
        AttemptRecord,
        History,
        Outcome,
        default_database_path,
        now_utc,
        open_history,
    )
    from .history_file import Migration
    from .schedule import (
        CardState,
        CaseStats,
        Review,
        card_state,
        case_stats,
        due_now,
        outcomes_of,
        pick_next,
        rating_for,
        record_grade,
        schedule,
        sparkline,
    )

_WHERE = {
    "AnkiDeck": "anki",
    "AnkiNote": "anki",
    "AttemptRecord": "history",
    "build_deck": "anki",
    "card_state": "schedule",
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
    "rating_for": "schedule",
    "record_grade": "schedule",
    "reference_svg": "anki",
    "Review": "schedule",
    "schedule": "schedule",
    "sparkline": "schedule",
    "suggested_minutes": "drills",
    "to_package": "anki",
    "write_deck": "anki",
}

__all__ = [
    "AnkiDeck",
    "AnkiNote",
    "AttemptRecord",
    "CardState",
    "CaseStats",
    "History",
    "Migration",
    "Outcome",
    "Review",
    "build_deck",
    "card_state",
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
    "rating_for",
    "record_grade",
    "reference_svg",
    "schedule",
    "sparkline",
    "suggested_minutes",
    "to_package",
    "write_deck",
]

__getattr__, __dir__ = lazy_exports(__name__, globals(), _WHERE)
