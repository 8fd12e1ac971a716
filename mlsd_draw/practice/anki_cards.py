"""The quiz cards in Anki: their own note type (Front, Back, Key points) in the same deck
as the reference notes (:mod:`mlsd_draw.practice.anki`).

Identity is fixed as for the reference notes: the note type has a constant id, and each
note's GUID is derived from its card id alone (`tradeoff:<id>`, `framing:<case>`,
`why:<case>:<component>`), so importing a newer export updates the cards, keeping their
Anki schedule, rather than adding copies.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import genanki  # type: ignore[import-untyped, unused-ignore]

from ..library.cards import Card

__all__ = [
    "CARD_FIELDS",
    "CARD_MODEL_ID",
    "AnkiCardNote",
    "card_guid",
    "card_note_model",
    "card_notes",
]

CARD_MODEL_ID = 1_730_462_817
"""The id of the quiz cards' note type; never change it, or re-imports duplicate them."""

CARD_MODEL_NAME = "mlsd-draw quiz card"
GUID_NAMESPACE = "mlsd-draw"
CARD_FIELDS = ("Card", "Front", "Back", "Key points")

_CSS = """\
.card { font-family: Helvetica, Arial, sans-serif; font-size: 18px; color: #1f2733;
        background: white; text-align: left; line-height: 1.4; }
.front { font-size: 20px; font-weight: bold; }
.back li, .keypoints li { margin: 0.3em 0; }
.keypoints { margin-top: 0.8em; }
"""
_FRONT = '<div class="front">{{Front}}</div>'
_BACK = (
    '{{FrontSide}}\n<hr id="answer">\n<div class="back">{{Back}}</div>\n'
    '<div class="keypoints"><b>Key points</b>{{Key points}}</div>'
)


@dataclass(frozen=True)
class AnkiCardNote:
    """One quiz card as an Anki note: fields as HTML (every text escaped)."""

    card_id: str
    guid: str
    fields: tuple[str, ...]
    tags: tuple[str, ...] = ()


def card_guid(card_id: str) -> str:
    """The GUID of a quiz card's note: the same on every export, so a re-import updates it.

    Card ids hold a colon, which no case id does, so they never share a reference note's GUID.
    """
    guid: str = genanki.guid_for(GUID_NAMESPACE, card_id)
    return guid


def _answer_html(answer: str) -> str:
    """The model answer as HTML: `- ` lines as a list, the other lines as lines."""
    parts: list[str] = []
    items: list[str] = []
    for line in answer.splitlines():
        stripped = line.strip()
        if stripped.startswith("- "):
            items.append(f"<li>{html.escape(stripped[2:])}</li>")
            continue
        if items:
            parts.append("<ul>" + "".join(items) + "</ul>")
            items = []
        if stripped:
            parts.append(f"<div>{html.escape(stripped)}</div>")
    if items:
        parts.append("<ul>" + "".join(items) + "</ul>")
    return "\n".join(parts)


def card_notes(cards: Iterable[Card]) -> tuple[AnkiCardNote, ...]:
    """One note per quiz card, tagged with its kind (and its case, if it has one)."""
    notes = []
    for card in cards:
        tags = ["mlsd-draw", "mlsd-draw::quiz", f"mlsd-draw::quiz::{card.kind}"]
        if card.case:
            tags.append(f"mlsd-draw::case::{card.case}")
        points = "".join(f"<li>{html.escape(point)}</li>" for point in card.key_points)
        notes.append(
            AnkiCardNote(
                card_id=card.id,
                guid=card_guid(card.id),
                fields=(
                    html.escape(card.id),
                    html.escape(card.front),
                    _answer_html(card.answer),
                    f"<ul>{points}</ul>" if points else "",
                ),
                tags=tuple(tags),
            )
        )
    return tuple(notes)


def card_note_model() -> Any:
    """The genanki note type of quiz cards: fields :data:`CARD_FIELDS`, one card, fixed id
    :data:`CARD_MODEL_ID`, sorted by the front."""
    return genanki.Model(
        CARD_MODEL_ID,
        CARD_MODEL_NAME,
        fields=[{"name": name} for name in CARD_FIELDS],
        templates=[{"name": "Quiz card", "qfmt": _FRONT, "afmt": _BACK}],
        css=_CSS,
        sort_field_index=CARD_FIELDS.index("Front"),
    )
