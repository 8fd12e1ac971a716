"""The application layer: what a person does (drill, grade and record, hint, next, history,
stats, check, fmt, show, convert, list, lint, export) as plain functions returning
dataclasses, and the JSON documents built from them. Every front end (the CLI, the web
studio) calls these and adds no logic of its own."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.exports import lazy_exports

if TYPE_CHECKING:
    from .cases import ExportedDeck, case_ids, export_anki, lint_problems, list_cases
    from .demo import DemoResult, example_text, run_demo
    from .diagrams import (
        LoadedDiagram,
        canonical_text,
        check_writable_as_mlsd,
        convert,
        draw,
        load_diagram,
        load_diagram_or_case,
        read_text,
        write_canonical,
    )
    from .documents import (
        agenda_document,
        cases_document,
        grade_document,
        history_document,
        json_text,
        progress_document,
        review_document,
    )
    from .grading import GradeOutcome, grade_loaded, picture_path, record, report_text
    from .practice import (
        Agenda,
        DrillStarted,
        MissedComponent,
        Progress,
        agenda,
        attempt_history,
        now,
        opened_history,
        progress,
        rating_name,
        start_drill,
        take_hint,
    )
    from .watching import watch_file

_WHERE = {
    "Agenda": "practice",
    "agenda": "practice",
    "agenda_document": "documents",
    "attempt_history": "practice",
    "canonical_text": "diagrams",
    "case_ids": "cases",
    "cases_document": "documents",
    "check_writable_as_mlsd": "diagrams",
    "convert": "diagrams",
    "DemoResult": "demo",
    "draw": "diagrams",
    "DrillStarted": "practice",
    "example_text": "demo",
    "export_anki": "cases",
    "ExportedDeck": "cases",
    "grade_document": "documents",
    "grade_loaded": "grading",
    "GradeOutcome": "grading",
    "history_document": "documents",
    "json_text": "documents",
    "lint_problems": "cases",
    "list_cases": "cases",
    "load_diagram": "diagrams",
    "load_diagram_or_case": "diagrams",
    "LoadedDiagram": "diagrams",
    "MissedComponent": "practice",
    "now": "practice",
    "opened_history": "practice",
    "picture_path": "grading",
    "Progress": "practice",
    "progress": "practice",
    "progress_document": "documents",
    "rating_name": "practice",
    "read_text": "diagrams",
    "record": "grading",
    "report_text": "grading",
    "review_document": "documents",
    "run_demo": "demo",
    "start_drill": "practice",
    "take_hint": "practice",
    "watch_file": "watching",
    "write_canonical": "diagrams",
}

__all__ = [
    "Agenda",
    "DemoResult",
    "DrillStarted",
    "ExportedDeck",
    "GradeOutcome",
    "LoadedDiagram",
    "MissedComponent",
    "Progress",
    "agenda",
    "agenda_document",
    "attempt_history",
    "canonical_text",
    "case_ids",
    "cases_document",
    "check_writable_as_mlsd",
    "convert",
    "draw",
    "example_text",
    "export_anki",
    "grade_document",
    "grade_loaded",
    "history_document",
    "json_text",
    "lint_problems",
    "list_cases",
    "load_diagram",
    "load_diagram_or_case",
    "now",
    "opened_history",
    "picture_path",
    "progress",
    "progress_document",
    "rating_name",
    "read_text",
    "record",
    "report_text",
    "review_document",
    "run_demo",
    "start_drill",
    "take_hint",
    "watch_file",
    "write_canonical",
]

__getattr__, __dir__ = lazy_exports(__name__, globals(), _WHERE)
