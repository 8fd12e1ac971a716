"""The quiz: trade-offs, each case's framing and "why is it there?", asked as flashcards.

What a quiz does, for every front end (the CLI's `quiz`, a studio view):

1. :func:`quiz_cards` picks the cards to ask now: those due (most overdue first), then
   new ones, up to a count; :func:`card_list` lists every card with when it is due.
2. :func:`mark_answer` marks which key points a typed answer mentions, by meaning
   (:mod:`mlsd_draw.grading.keypoints`, with the vocabulary in force), and suggests a
   rating from how many it mentions.
3. :func:`record_answer` stores the rating the person chose (Again, Hard, Good, Easy) in
   the practice history, where FSRS schedules the card (:mod:`mlsd_draw.practice.card_schedule`).

A selection is `tradeoffs`, `framing`, `why`, or a case id (that case's framing and why
cards, and the trade-offs that decide something in it); None takes every card.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from ..core.errors import UsageError

if TYPE_CHECKING:
    from ..grading.keypoints import Marking
    from ..library.cards import Card

__all__ = [
    "SELECTIONS",
    "AnsweredCard",
    "CardAgenda",
    "CardKindStats",
    "QuizCard",
    "card_agenda",
    "card_list",
    "card_progress",
    "find_card",
    "framing_text",
    "mark_answer",
    "parse_rating",
    "quiz_cards",
    "record_answer",
    "select_cards",
]

SELECTIONS = {"tradeoffs": "tradeoff", "framing": "framing", "why": "why"}
"""The words that select a kind of card, and the kind each selects."""

DEFAULT_COUNT = 20
"""How many cards a quiz asks by default: about twenty minutes."""

NEW_ORDER = ("framing", "why", "tradeoff")
"""New cards are taken in turn from each kind, in this order."""


@dataclass(frozen=True)
class QuizCard:
    """A card and where it stands in the schedule."""

    card: Card
    due: datetime | None
    """None: never answered (a new card)."""
    reviews: int


def _now(moment: datetime | None) -> datetime:
    from .practice import now

    return moment if moment is not None else now()


def select_cards(selection: str | None = None) -> list[Card]:
    """The cards of a selection (see the module docstring), in card order.

    UsageError naming the closest choices for a word that is neither a kind nor a case
    with cards.
    """
    from ..library.cards import shipped_cards

    cards = shipped_cards()
    if selection is None:
        return cards
    key = selection.strip().lower()
    kind = SELECTIONS.get(key) or SELECTIONS.get(key + "s")
    if kind is not None:
        return [c for c in cards if c.kind == kind]
    chosen = [c for c in cards if key in c.cases]
    if chosen:
        own = [c for c in chosen if c.case == key]
        return own + [c for c in chosen if c.case != key]
    from ..library.references import case_ids

    if key in case_ids():
        raise UsageError(
            f"the case '{selection}' has no quiz cards: cards ship with the shipped cases; "
            "see `mlsd-draw quiz --list`"
        )
    cased = sorted({c.case for c in cards if c.case})
    choices = [*SELECTIONS, *cased]
    close = difflib.get_close_matches(key, choices, n=3, cutoff=0.5)
    hint = (
        f"did you mean {', '.join(close)}?" if close else "use tradeoffs, framing, why or a case id"
    )
    raise UsageError(f"unknown quiz selection '{selection}': {hint}")


def _states(cards: list[Card]) -> list[QuizCard]:
    from ..practice.card_schedule import card_states
    from .practice import opened_history

    with opened_history() as history:
        states = card_states(history, [c.id for c in cards])
    return [QuizCard(c, states[c.id].due, states[c.id].reviews) for c in cards]


def card_list(selection: str | None = None) -> list[QuizCard]:
    """Every card of the selection with when it is due, in card order."""
    return _states(select_cards(selection))


def _in_turn(cards: list[QuizCard]) -> list[QuizCard]:
    """New cards taken in turn from each kind (NEW_ORDER), each kind in card order."""
    queues = {kind: [c for c in cards if c.card.kind == kind] for kind in NEW_ORDER}
    out: list[QuizCard] = []
    while any(queues.values()):
        for kind in NEW_ORDER:
            if queues[kind]:
                out.append(queues[kind].pop(0))
    return out


def quiz_cards(
    selection: str | None = None, *, count: int = DEFAULT_COUNT, now: datetime | None = None
) -> list[QuizCard]:
    """The cards to ask now: those due (most overdue first), then new ones, at most `count`.

    A case's own cards come first among its new ones (its framing, then its why cards).
    """
    if count < 1:
        raise UsageError("--count must be at least 1")
    moment = _now(now)
    listed = card_list(selection)
    due = sorted(
        (c for c in listed if c.due is not None and c.due <= moment),
        key=lambda c: (c.due or moment, c.card.id),
    )
    fresh = [c for c in listed if c.due is None]
    if selection is None or selection.strip().lower() in SELECTIONS:
        fresh = _in_turn(fresh)
    return (due + fresh)[:count]


def find_card(card_id: str) -> Card:
    """The card with this id; UsageError if there is none."""
    from ..library.cards import shipped_cards

    for card in shipped_cards():
        if card.id == card_id:
            return card
    raise UsageError(f"no quiz card has the id '{card_id}': see `mlsd-draw quiz --list`")


def mark_answer(card: Card | str, answer: str) -> Marking:
    """Which key points of a card (or card id) the typed answer mentions, and the rating
    that suggests; an empty answer (said out loud) suggests none."""
    from ..grading.keypoints import mark_key_points
    from .vocabulary import current_vocabulary

    chosen = find_card(card) if isinstance(card, str) else card
    return mark_key_points(answer, chosen.key_points, current_vocabulary())


RATING_WORDS = {"again": 1, "hard": 2, "good": 3, "easy": 4}


def parse_rating(word: str) -> int:
    """A rating from its word (Again, Hard, Good, Easy; any case); UsageError otherwise."""
    rating = RATING_WORDS.get(word.strip().lower())
    if rating is None:
        raise UsageError(f"'{word.strip()}' is not a rating: answer Again, Hard, Good or Easy")
    return rating


@dataclass(frozen=True)
class AnsweredCard:
    """What recording an answer did: the card, its rating and when it is due next."""

    card_id: str
    rating: int
    due: datetime | None
    reviews: int


def record_answer(
    card: Card | str,
    rating: int | str,
    *,
    answer: str = "",
    marking: Marking | None = None,
    now: datetime | None = None,
) -> AnsweredCard:
    """Store the rating given to a card (a number 1 to 4 or its word) with the typed
    answer and the rating its key points suggested, and reschedule the card."""
    from ..core.version import VERSION
    from ..practice.card_schedule import record_card_answer
    from .practice import opened_history

    chosen = find_card(card) if isinstance(card, str) else card
    value = parse_rating(rating) if isinstance(rating, str) else rating
    if value not in RATING_WORDS.values():
        raise UsageError(f"{rating} is not a rating: use 1 to 4 (Again to Easy)")
    with opened_history() as history:
        state = record_card_answer(
            history,
            chosen.id,
            value,
            now=_now(now),
            answer_text=answer,
            tool_version=VERSION,
            suggested_rating=marking.suggested if marking else None,
            coverage=marking.coverage if marking and marking.suggested else None,
        )
    return AnsweredCard(chosen.id, value, state.due, state.reviews)


def _per_kind(cards: list[QuizCard]) -> dict[str, int]:
    return {
        kind: sum(c.card.kind == kind for c in cards) for kind in ("tradeoff", "framing", "why")
    }


@dataclass(frozen=True)
class CardAgenda:
    """The quiz cards as of `now`: how many of each kind are due, new and due later, and
    every answered card, soonest due first."""

    now: datetime
    due: dict[str, int]
    new: dict[str, int]
    later: dict[str, int]
    answered: list[QuizCard]


def card_agenda(*, now: datetime | None = None) -> CardAgenda:
    """What the quiz holds now (for `next`)."""
    moment = _now(now)
    listed = card_list()
    answered = sorted(
        (c for c in listed if c.due is not None), key=lambda c: (c.due or moment, c.card.id)
    )
    due = [c for c in answered if c.due is not None and c.due <= moment]
    later = [c for c in answered if c.due is not None and c.due > moment]
    fresh = [c for c in listed if c.due is None]
    return CardAgenda(moment, _per_kind(due), _per_kind(fresh), _per_kind(later), answered)


@dataclass(frozen=True)
class CardKindStats:
    """The record of one kind of card: how many there are, answered, due, and the answers."""

    kind: str
    cards: int
    answered: int
    due: int
    reviews: int
    again: int
    """How many answers were rated Again."""


def card_progress(*, now: datetime | None = None) -> list[CardKindStats]:
    """Per kind of card, the record of the quiz (for `stats`)."""
    from ..practice.card_schedule import card_states
    from .practice import opened_history

    moment = _now(now)
    cards = select_cards()
    with opened_history() as history:
        states = card_states(history, [c.id for c in cards])
        reviews = history.card_reviews()
    kind_of = {c.id: c.kind for c in cards}
    rows = []
    for kind in ("tradeoff", "framing", "why"):
        own = [states[c.id] for c in cards if c.kind == kind]
        answers = [r for r in reviews if kind_of.get(r.card_id) == kind]
        rows.append(
            CardKindStats(
                kind,
                len(own),
                sum(s.reviews > 0 for s in own),
                sum(s.due is not None and s.due <= moment for s in own),
                len(answers),
                sum(r.rating == 1 for r in answers),
            )
        )
    return rows


def framing_text(spec: str) -> str:
    """The framing of a case (a case id, or a diagram file naming one with `@case`), with
    its title: what `show CASE --framing` prints."""
    from ..library.cards import framing_answer, shipped_card_files, shipped_references
    from ..library.references import looks_like_path

    case = spec
    if spec == "-" or looks_like_path(spec):
        from .diagrams import load_diagram

        case = load_diagram(spec).diagram.directives.case or ""
        if not case:
            raise UsageError(f"{spec} names no case (`@case ID`): give a case id instead")
    framing = shipped_card_files().framings.get(case)
    if framing is None:
        from ..library.references import case_source

        case_source(case)  # an unknown case: the message names the closest ids
        raise UsageError(f"the case '{case}' has no framing: framings ship with the shipped cases")
    reference = shipped_references().get(case)
    title = (reference.directives.title if reference else None) or case
    return f"{title}\n\n{framing_answer(framing)}\n"
