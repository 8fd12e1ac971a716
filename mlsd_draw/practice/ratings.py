"""The review rating a grade earns, from Again to Easy.

| rating | when |
| --- | --- |
| Again | score below 50, or a core component (weight > 1) missing |
| Hard  | score 50 to 69, or any hint was used for this attempt |
| Good  | score 70 to 89 |
| Easy  | score 90 or more |

Apart from the schedule (:mod:`.schedule`), so that a grade which is not recorded can be
rated and drawn without loading the scheduler's types.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..grading.scoring import Grade

__all__ = ["AGAIN", "EASY", "GOOD", "HARD", "RATING_NAMES", "rating_for"]

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
RATING_NAMES = {AGAIN: "Again", HARD: "Hard", GOOD: "Good", EASY: "Easy"}


def rating_for(grade: Grade, *, hint_level: int = 0) -> int:
    """The review rating of a grade (see the module docstring)."""
    core_missed = any(grade.reference.node(n).weight > 1 for n in grade.missing)
    if grade.score < 50 or core_missed:
        return AGAIN
    if grade.score < 70 or hint_level > 0:
        return HARD
    return GOOD if grade.score < 90 else EASY
