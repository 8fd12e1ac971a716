"""The JSON documents of every command, built in one place from the application's results.

`--format json` on the CLI prints these, and the web studio serves the same documents, so
a script written against one works against the other. Keys may be added, never changed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..grading.explain import Explanation
    from ..library.references import CaseInfo
    from ..practice.history import AttemptRecord
    from ..practice.schedule import CardState, Review
    from .grading import GradeOutcome
    from .practice import Agenda, Progress
    from .vocabulary import TermMeaning


def json_text(document: Mapping[str, Any] | Sequence[Any]) -> str:
    """A document as JSON text: two-space indent, UTF-8 characters kept, one final newline."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def cases_document(cases: Sequence[CaseInfo]) -> list[dict[str, Any]]:
    """`list`: one object per case."""
    return [
        {"id": c.id, "title": c.title, "components": c.components, "level": c.level,
         "origin": c.origin}
        for c in cases
    ]  # fmt: skip


def review_document(review: Review) -> dict[str, Any]:
    """What recording a grade did: its rating, next due date, recall time and hint level."""
    from ..practice.schedule import RATING_NAMES

    return {
        "rating": RATING_NAMES[review.rating],
        "due": review.due.isoformat() if review.due else None,
        "duration_seconds": review.duration_seconds,
        "hint_level": review.hint_level,
        "repeated": review.repeated,
    }


def grade_document(outcome: GradeOutcome) -> dict[str, Any]:
    """`grade`: the grading spec's report, plus `review` when the grade was recorded."""
    from ..grading.reports import json_report

    document = json_report(outcome.grade)
    if outcome.review is not None:
        document["review"] = review_document(outcome.review)
    return document


def _card(state: CardState) -> dict[str, Any]:
    return {
        "case": state.case_id,
        "due": state.due.isoformat() if state.due else None,
        "reviews": state.reviews,
    }


def agenda_document(agenda: Agenda) -> dict[str, Any]:
    """`next`: the cases due now, the new ones and those due later."""
    return {
        "due": [_card(s) for s in agenda.due],
        "new": [_card(s) for s in agenda.new],
        "later": [_card(s) for s in agenda.later],
    }


def history_document(attempts: Sequence[AttemptRecord]) -> list[dict[str, Any]]:
    """`history`: one object per graded attempt, oldest first."""
    from ..practice.schedule import RATING_NAMES

    return [
        {
            "graded_at": a.graded_at.isoformat(),
            "case": a.case_id,
            "score": a.score,
            "rating": RATING_NAMES[a.rating],
            "duration_seconds": a.duration_seconds,
            "hint_level": a.hint_level,
        }
        for a in attempts
    ]


def progress_document(progress: Progress) -> dict[str, Any]:
    """`stats`: per case its record, and the components missed most with their notes."""
    return {
        "cases": [
            {
                "case": r.case_id,
                "attempts": r.attempts,
                "best": r.best,
                "last": r.last,
                "trend": r.trend,
                "due": r.due.isoformat() if r.due else None,
            }
            for r in progress.cases
        ],
        "most_missed": [
            {"case": m.case_id, "component": m.component, "label": m.label, "missed": m.missed,
             "attempts": m.attempts, "note": m.note}
            for m in progress.most_missed
        ],
    }  # fmt: skip


def explanation_document(explanation: Explanation) -> dict[str, Any]:
    """`grade --explain`: the decision for one box and the candidates it was weighed against."""
    return {
        "box": explanation.attempt,
        "label": explanation.label,
        "paired_with": explanation.paired_with,
        "how": explanation.how,
        "reason": explanation.reason,
        "candidates": [
            {
                "ref": c.reference,
                "label": c.label,
                "evidence": c.evidence,
                "term": {"term": c.term[0], "role": c.term[1]} if c.term else None,
                "neighbours": c.neighbours,
                "total": c.total,
            }
            for c in explanation.candidates
        ],
    }


def term_document(meaning: TermMeaning) -> dict[str, Any]:
    """`term`: the roles a word can play and, with a reference, the components playing each."""
    return {
        "text": meaning.text,
        "known": meaning.known,
        "vague": meaning.vague,
        "case": meaning.case,
        "roles": [
            {"id": r.role.id, "kind": r.role.kind, "about": r.role.about,
             "components": list(r.components)}
            for r in meaning.roles
        ],
        "files": [str(f) for f in meaning.files],
    }  # fmt: skip
