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
    from ..grading.keypoints import Marking
    from ..library.cards import Card
    from ..library.references import CaseInfo
    from ..practice.history import AttemptRecord
    from ..practice.schedule import CardState, Review
    from .cohort import AttemptRow, Cohort
    from .grading import GradeOutcome
    from .practice import Agenda, Progress
    from .quiz import AnsweredCard, CardAgenda, QuizCard
    from .term_meaning import TermMeaning


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
    from ..practice.ratings import RATING_NAMES

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
    """`next`: the cases due now, the new ones and those due later, and the quiz cards."""
    document: dict[str, Any] = {
        "due": [_card(s) for s in agenda.due],
        "new": [_card(s) for s in agenda.new],
        "later": [_card(s) for s in agenda.later],
    }
    if agenda.cards is not None:
        document["cards"] = card_agenda_document(agenda.cards)
    return document


def card_agenda_document(cards: CardAgenda) -> dict[str, Any]:
    """The quiz cards in `next`: counts per kind due now, new and due later, and every
    answered card (soonest due first)."""
    return {
        "due": cards.due,
        "new": cards.new,
        "later": cards.later,
        "answered": [{**quiz_card_document(c), "reviews": c.reviews} for c in cards.answered],
    }


def quiz_card_document(card: QuizCard) -> dict[str, Any]:
    """`quiz --list`: one card (its id, kind, case, question and when it is due)."""
    return {
        "id": card.card.id,
        "kind": card.card.kind,
        "case": card.card.case,
        "front": card.card.front,
        "due": card.due.isoformat() if card.due else None,
    }


def marking_document(card: Card, marking: Marking) -> dict[str, Any]:
    """An answer marked: the model answer, each key point covered or not, the share
    covered and the suggested rating (None for an empty answer)."""
    from ..practice.ratings import RATING_NAMES

    return {
        "id": card.id,
        "answer": card.answer,
        "key_points": [{"point": m.point, "covered": m.covered} for m in marking.marks],
        "coverage": marking.coverage,
        "suggested": RATING_NAMES[marking.suggested] if marking.suggested else None,
    }


def answered_document(answered: AnsweredCard) -> dict[str, Any]:
    """A rating recorded: the card, its rating and when it is due next."""
    from ..practice.ratings import RATING_NAMES

    return {
        "id": answered.card_id,
        "rating": RATING_NAMES[answered.rating],
        "due": answered.due.isoformat() if answered.due else None,
        "reviews": answered.reviews,
    }


def history_document(attempts: Sequence[AttemptRecord]) -> list[dict[str, Any]]:
    """`history`: one object per graded attempt, oldest first."""
    from ..practice.ratings import RATING_NAMES

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
    """`stats`: per case its record, the components missed most with their notes, and
    per kind of quiz card its record."""
    document = {
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
    document["cards"] = [
        {"kind": k.kind, "cards": k.cards, "answered": k.answered, "due": k.due,
         "reviews": k.reviews, "again": k.again}
        for k in progress.cards
    ]  # fmt: skip
    return document


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


def attempt_row_document(row: AttemptRow) -> dict[str, Any]:
    """One attempt of `grade` on several files: its score, or the error that stopped it."""
    return {
        "file": row.file,
        "case": row.case,
        "score": row.score,
        "rating": row.rating,
        "node_recall": row.node_recall,
        "edge_recall": row.edge_recall,
        "missing_core": list(row.missing_core),
        "error": row.error,
    }


def cohort_document(cohort: Cohort) -> dict[str, Any]:
    """`grade` on several files: one object per attempt in input order, then the summary
    (the score distribution; per reference, its components from the most forgotten)."""
    scores = cohort.scores
    return {
        "attempts": [attempt_row_document(row) for row in cohort.rows],
        "summary": {
            "attempts": len(cohort.rows),
            "graded": scores.count,
            "failed": cohort.failed,
            "mean": scores.mean,
            "median": scores.median,
            "min": scores.minimum,
            "max": scores.maximum,
            "bands": [{"from": b.low, "to": b.high, "count": b.count} for b in scores.bands],
            "cases": [
                {
                    "case": case.reference.case,
                    "title": case.reference.title,
                    "attempts": len(case.attempts),
                    "components": [
                        {"id": r.component.id, "label": r.component.label,
                         "weight": r.component.weight, "recalled": r.recalled,
                         "note": r.component.note}
                        for r in case.components
                    ],
                }
                for case in cohort.cases
            ],
        },
    }  # fmt: skip
