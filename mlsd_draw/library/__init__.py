"""The reference library: finding cases (shipped and the user's own), the rules a
reference follows (`lint`), and the quiz cards that ship beside the references
(trade-offs, each case's framing, why each core component is there)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.exports import lazy_exports

if TYPE_CHECKING:
    from .card_checks import check_cards, check_case_cards
    from .cards import (
        Card,
        CardFiles,
        CardProblem,
        Framing,
        Tradeoff,
        WhyEntry,
        build_cards,
        framing_answer,
        read_card_files,
        shipped_card_files,
        shipped_cards,
        shipped_references,
    )
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
    "build_cards": "cards",
    "Card": "cards",
    "CardFiles": "cards",
    "CardProblem": "cards",
    "check_cards": "card_checks",
    "check_case_cards": "card_checks",
    "Framing": "cards",
    "framing_answer": "cards",
    "read_card_files": "cards",
    "shipped_card_files": "cards",
    "shipped_cards": "cards",
    "shipped_references": "cards",
    "Tradeoff": "cards",
    "WhyEntry": "cards",
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
    "Card",
    "CardFiles",
    "CardProblem",
    "CaseInfo",
    "Framing",
    "Reference",
    "Tradeoff",
    "WhyEntry",
    "build_cards",
    "case_ids",
    "case_source",
    "check_cards",
    "check_case_cards",
    "extra_folders",
    "framing_answer",
    "lint",
    "list_cases",
    "load_case",
    "load_reference",
    "looks_like_path",
    "read_card_files",
    "reference_for",
    "shipped_card_files",
    "shipped_cards",
    "shipped_case_ids",
    "shipped_references",
]

__getattr__, __dir__ = lazy_exports(__name__, globals(), _WHERE)
