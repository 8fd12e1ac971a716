"""Grading an attempt: align it with its reference, score it, draw the diff, record it.

This is the product's main job, shared by every front end: the CLI's `grade` (once or at
every save) and the web studio call the same functions and get the same result.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.errors import UsageError
from .diagrams import LoadedDiagram

if TYPE_CHECKING:
    from ..grading.explain import Explanation
    from ..grading.reports import Style
    from ..grading.scoring import Grade
    from ..library.references import Reference
    from ..practice.schedule import Review as Review


@dataclass(frozen=True)
class GradeOutcome:
    """One grade: the attempt, its reference, the result, the picture and the review."""

    attempt: LoadedDiagram
    reference: Reference
    grade: Grade
    picture: Path | None
    """The diff picture or HTML report written, if any."""
    review: Review | None
    """What recording it in the history did, if it was recorded."""


def picture_path(source: str, output: str | None, *, render: bool) -> Path | None:
    """Where the diff picture of grading `source` goes: `output` (checked for a known
    extension), else `ATTEMPT.diff.svg` beside the attempt; None when not drawing."""
    from ..drawing.diff_image import DIFF_EXTENSIONS, default_diff_path

    if not render:
        return None
    if output is not None:
        target = Path(output)
        if target.suffix.lower() not in DIFF_EXTENSIONS:
            raise UsageError(f"cannot write {output}: use one of {', '.join(DIFF_EXTENSIONS)}")
        return target
    if source in ("-", "") or not Path(source).name:
        return None  # standard input, or not a file: reading it will say what is wrong
    return default_diff_path(Path(source))


def grade_loaded(
    attempt: LoadedDiagram,
    source: str,
    reference_spec: str | None,
    *,
    picture: Path | None,
    save: bool,
    hints: bool = False,
) -> GradeOutcome:
    """Grade a parsed attempt against its reference (a case id, a path, or by default
    the attempt's `@case`), draw the diff into `picture` and, with `save`, record it.

    Recording happens before anything is drawn or returned, so a history problem (a
    damaged or foreign file) stops the grade with an error rather than losing the review
    silently. A picture too large to draw is refused before anything is graded or
    recorded (see :mod:`mlsd_draw.drawing.limits`). With `hints`, the picture and report
    name nothing you missed.
    """
    from ..drawing.diff_image import write_diff
    from ..grading.scoring import grade
    from ..library.references import reference_for
    from .vocabulary import current_vocabulary

    reference = reference_for(attempt.diagram, reference_spec)
    if picture is not None:
        from ..drawing.limits import check_drawable

        check_drawable(
            (reference.diagram, attempt.diagram),
            instead="grade with --no-render for the report alone, or draw a smaller attempt",
        )
    result = grade(reference.diagram, attempt.diagram, current_vocabulary())
    review = None
    if save:
        path = None if source == "-" else Path(source)
        review = record(result, reference, attempt.text, path)
    written = None
    if picture is not None:
        from ..practice.ratings import RATING_NAMES

        rating = rating_of(result) if review is None else review.rating
        written = write_diff(result, picture, hints=hints, rating=RATING_NAMES[rating])
    return GradeOutcome(attempt, reference, result, written, review)


def rating_of(result: Grade) -> int:
    """The review rating a grade earns (Again, Hard, Good, Easy as 1 to 4), without hints."""
    from ..practice.ratings import rating_for

    return rating_for(result)


def record(
    result: Grade,
    reference: Reference,
    text: str,
    path: Path | None,
    *,
    now: datetime | None = None,
) -> Review:
    """Record a grade in the practice history as a review of its case."""
    from ..core.version import VERSION
    from ..practice.history import now_utc
    from ..practice.schedule import record_grade
    from .practice import opened_history

    with opened_history() as history:
        return record_grade(
            history,
            result,
            case_id=reference.case,
            attempt_text=text,
            attempt_path=path,
            now=now or now_utc(),
            tool_version=VERSION,
            reference_origin=reference.origin,
        )


def report_text(grade: Grade, *, hints: bool = False, style: Style | None = None) -> str:
    """The text report of a grade (what `grade` prints); `style` colours its roles.

    With `hints`, what is missing is counted per stage instead of named.
    """
    from ..grading.reports import plain, text_report

    return text_report(grade, hints=hints, style=style or plain)


def explain_box(attempt: LoadedDiagram, reference_spec: str | None, name: str) -> Explanation:
    """For the attempt's box `name`: the reference components it was weighed against, the
    evidence for each, and why it was paired as it was or left unpaired."""
    from ..grading.explain import explain
    from ..library.references import reference_for
    from .vocabulary import current_vocabulary

    reference = reference_for(attempt.diagram, reference_spec)
    return explain(reference.diagram, attempt.diagram, name, current_vocabulary())
