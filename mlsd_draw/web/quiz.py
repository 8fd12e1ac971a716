"""The quiz view's JSON endpoints: a round of cards, an answer marked, a rating recorded.
Each is one call of the application layer (:mod:`mlsd_draw.app.studio`, on
:mod:`mlsd_draw.app.quiz`), so the studio asks, marks and schedules cards as `quiz` does,
in the same history.

| route | does | the CLI's counterpart |
| --- | --- | --- |
| `GET /api/quiz?selection=S&count=N` | the cards to ask: due first, then new | `quiz S --count N` |
| `POST /api/quiz/mark` | mark a typed answer (`id`, `answer`) | `quiz`, after an answer |
| `POST /api/quiz/record` | record a rating (`id`, `rating`, `answer`) | `quiz`, after a rating |
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from .api import BadRequestError, answer, call, endpoint, json_body, text_field

DEFAULT_COUNT = 20
"""Cards in a round when the page names no count, as `quiz` asks by default."""

MAX_SELECTION = 200
"""The longest selection read: a kind of card or a case id is a few words."""


def _count(request: Request) -> int:
    """The `count` query parameter: a whole number (its range is the app's to check)."""
    given = request.query_params.get("count")
    if given is None:
        return DEFAULT_COUNT
    if not given.isdigit() or len(given) > 6:
        raise BadRequestError("'count' must be a whole number of cards, e.g. ?count=20")
    return int(given)


def _answer_text(body: dict[str, Any]) -> str:
    """The typed answer: a string, empty when it was said out loud."""
    given = body.get("answer", "")
    if not isinstance(given, str):
        raise BadRequestError("'answer' must be a string (empty if you said it out loud)")
    return given


def _rating(body: dict[str, Any]) -> int | str:
    """The rating: its word (Again, Hard, Good, Easy) or its number, 1 to 4."""
    rating = body.get("rating")
    if isinstance(rating, bool) or not isinstance(rating, (int, str)):
        raise BadRequestError("'rating' must be Again, Hard, Good or Easy (or 1 to 4)")
    return rating


@endpoint
async def cards(request: Request) -> Response:
    """A round of the quiz: the cards due now, then new ones, and the picker's choices."""
    from ..app.studio import quiz_round_document

    selection = request.query_params.get("selection")
    if selection is not None and len(selection) > MAX_SELECTION:
        raise BadRequestError("'selection' is all, tradeoffs, framing, why or a case id")
    return answer(await call(quiz_round_document, selection, _count(request)))


@endpoint
async def mark(request: Request) -> Response:
    """Mark a typed answer against a card's key points; nothing is recorded yet."""
    from ..app.studio import quiz_marking_document

    body = await json_body(request)
    card_id = text_field(body, "id")
    return answer(await call(quiz_marking_document, card_id, _answer_text(body)))


@endpoint
async def record(request: Request) -> Response:
    """Record the rating given to a card (with the answer typed) and reschedule it."""
    from ..app.studio import quiz_answer_document

    body = await json_body(request)
    card_id = text_field(body, "id")
    rating = _rating(body)
    return answer(await call(quiz_answer_document, card_id, rating, _answer_text(body)))
