"""The reference library: finding cases (shipped and the user's own) and the rules a
reference follows (`lint`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.exports import lazy_exports

if TYPE_CHECKING:
    from .lint import lint
    from .references import (
        CaseInfo,
        Reference,
        case_ids,
        case_source,
        extra_folders,
        list_cases,
        load_case,
        load_reference,
        looks_like_path,
        reference_for,
        shipped_case_ids,
    )

_WHERE = {
    "case_ids": "references",
    "case_source": "references",
    "CaseInfo": "references",
    "extra_folders": "references",
    "lint": "lint",
    "list_cases": "references",
    "load_case": "references",
    "load_reference": "references",
    "looks_like_path": "references",
    "Reference": "references",
    "reference_for": "references",
    "shipped_case_ids": "references",
}

__all__ = [
    "CaseInfo",
    "Reference",
    "case_ids",
    "case_source",
    "extra_folders",
    "lint",
    "list_cases",
    "load_case",
    "load_reference",
    "looks_like_path",
    "reference_for",
    "shipped_case_ids",
]

__getattr__, __dir__ = lazy_exports(__name__, globals(), _WHERE)
