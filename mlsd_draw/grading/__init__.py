"""Grading an attempt: aligning it with a reference (normalised labels, label evidence,
neighbour structure, one global assignment), classifying the arrows, the score, and the
text and JSON reports; and which key points a typed quiz answer mentions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.exports import lazy_exports

if TYPE_CHECKING:
    from .assignment import assign
    from .evidence import label_evidence
    from .keypoints import KeyPointMark, Marking, mark_key_points, suggest_rating
    from .matching import Alignment, Pair, align
    from .normalise import normal_words, normalize_label, raw_tokens, stem_word, wordset
    from .reports import extra_by_group, json_report, json_text, plain, text_report
    from .scoring import Grade, GroupResult, grade, grade_alignment
    from .spellings import Form, description_text, forms
    from .structure import sparse_adjacency, structure_support

_WHERE = {
    "align": "matching",
    "Alignment": "matching",
    "assign": "assignment",
    "description_text": "spellings",
    "extra_by_group": "reports",
    "Form": "spellings",
    "forms": "spellings",
    "Grade": "scoring",
    "grade": "scoring",
    "grade_alignment": "scoring",
    "GroupResult": "scoring",
    "json_report": "reports",
    "json_text": "reports",
    "KeyPointMark": "keypoints",
    "label_evidence": "evidence",
    "mark_key_points": "keypoints",
    "Marking": "keypoints",
    "normal_words": "normalise",
    "normalize_label": "normalise",
    "Pair": "matching",
    "plain": "reports",
    "raw_tokens": "normalise",
    "sparse_adjacency": "structure",
    "stem_word": "normalise",
    "structure_support": "structure",
    "suggest_rating": "keypoints",
    "text_report": "reports",
    "wordset": "normalise",
}

__all__ = [
    "Alignment",
    "Form",
    "Grade",
    "GroupResult",
    "KeyPointMark",
    "Marking",
    "Pair",
    "align",
    "assign",
    "description_text",
    "extra_by_group",
    "forms",
    "grade",
    "grade_alignment",
    "json_report",
    "json_text",
    "label_evidence",
    "mark_key_points",
    "normal_words",
    "normalize_label",
    "plain",
    "raw_tokens",
    "sparse_adjacency",
    "stem_word",
    "structure_support",
    "suggest_rating",
    "text_report",
    "wordset",
]

__getattr__, __dir__ = lazy_exports(__name__, globals(), _WHERE)
