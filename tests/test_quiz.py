"""The quiz: key points marked by meaning, the rating they suggest, and the quiz through
standard input, scheduled in the practice history alongside the drawings."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from mlsd_draw.app.quiz import (
    card_list,
    find_card,
    mark_answer,
    quiz_cards,
    record_answer,
    select_cards,
)
from mlsd_draw.cli import cli, quiz_commands
from mlsd_draw.grading.keypoints import AGAIN, EASY, GOOD, HARD, mark_key_points, suggest_rating
from mlsd_draw.library.cards import shipped_cards
from mlsd_draw.practice.history import open_history

# -- key points, by meaning -----------------------------------------------------------------------

# (key point, answer, mentioned?)
MARKING = [
    # the same words, inflected, hyphenated, in another order
    ("precompute item embeddings", "we pre-compute the embeddings of every item offline", True),
    ("cheap stage for recall", "a cheap first stage tuned for high recall", True),
    ("label delay versus late clicks", "clicks that arrive late delay the labels", True),
    ("precision over recall", "favour precision rather than recall", True),
    ("two-tower for retrieval", "retrieve with a two tower model", True),
    ("rules out batch prediction", "so predictions cannot be precomputed in batch", True),
    # one root, British and American spelling, a typo, shorthand
    ("calibration for the auction", "calibrated probabilities feed the auction", True),
    ("normalised cross-entropy", "normalized cross entropy", True),
    ("continual training on fresh data", "continual trainig on fresh data", True),
    ("click within t seconds", "a click within t secs", True),
    # acronyms either way round
    ("normalised cross-entropy", "NCE on a held-out day", True),
    ("ANN index", "an approximate nearest neighbour index", True),
    # a vocabulary term and its role's words are the same thing
    ("ANN index", "look the vectors up with HNSW", True),
    ("ANN index", "a Faiss index", True),
    ("feature store", "Feast serves them", True),
    ("event stream", "push events through Kafka", True),
    ("ranking model", "an XGBoost model orders them", True),
    ("human review queue", "moderators review the flagged posts", True),
    # unrelated, or only half of the point
    ("cheap stage for recall", "the ranker is expensive and precise", False),
    ("ANN index", "an index of the books in the library", False),
    ("fresh features", "Kafka and Flink", False),
    ("data drift", "the weather was nice", False),
    ("continual training on fresh data", "keep training it continually", False),
    ("precompute item embeddings", "", False),
]


@pytest.mark.parametrize(
    ("point", "answer", "mentioned"), MARKING, ids=[f"{p} <- {a}" for p, a, _ in MARKING]
)
def test_a_key_point_is_mentioned_by_meaning(point: str, answer: str, mentioned: bool) -> None:
    (mark,) = mark_key_points(answer, [point]).marks
    assert mark.covered is mentioned


@pytest.mark.parametrize(
    ("coverage", "rating"),
    [
        (0.0, AGAIN),
        (0.25, AGAIN),
        (0.26, HARD),
        (0.59, HARD),
        (0.6, GOOD),
        (0.89, GOOD),
        (0.9, EASY),
        (1.0, EASY),
    ],
)
def test_the_rating_coverage_suggests(coverage: float, rating: int) -> None:
    assert suggest_rating(coverage) == rating


def test_a_model_answer_covers_its_own_key_points_and_not_another_card() -> None:
    cards = shipped_cards()
    own = [mark_key_points(c.answer, c.key_points).coverage for c in cards]
    assert min(own) >= 0.5 and sum(own) / len(own) > 0.85
    others = [
        mark_key_points(b.answer, a.key_points).coverage
        for a, b in zip(cards, cards[7:], strict=False)
    ]
    assert sum(others) / len(others) < 0.15


def test_an_empty_answer_suggests_nothing() -> None:
    marking = mark_answer("tradeoff:two-tower-vs-cross-encoder", "   ")
    assert marking.suggested is None and marking.covered == []


def test_a_full_answer_suggests_easy() -> None:
    card = find_card("tradeoff:two-tower-vs-cross-encoder")
    answer = (
        "Two-tower for retrieval: the item vectors are precomputed and searched with ANN. "
        "A cross-encoder reads query and item pairs jointly, so rerank only the top few "
        "hundred: it trades interactions versus scale."
    )
    marking = mark_answer(card, answer)
    assert marking.missed == [] and marking.suggested == EASY


# -- selections ----------------------------------------------------------------------------------------


def test_a_selection_picks_a_kind_or_a_case() -> None:
    assert {c.kind for c in select_cards("tradeoffs")} == {"tradeoff"}
    assert {c.kind for c in select_cards("framing")} == {"framing"}
    assert {c.kind for c in select_cards("why")} == {"why"}
    case = select_cards("news-feed")
    assert case[0].id == "framing:news-feed"
    assert all(c.kind == "why" for c in case[1 : 1 + sum(c.kind == "why" for c in case)])
    assert {c.kind for c in case} == {"framing", "why", "tradeoff"}
    assert all("news-feed" in c.cases for c in case)


def test_new_cards_come_in_turn_from_each_kind() -> None:
    kinds = [c.card.kind for c in quiz_cards(count=6)]
    assert kinds == ["framing", "why", "tradeoff", "framing", "why", "tradeoff"]


# -- the quiz through standard input ---------------------------------------------------------------

DAY1 = "2026-03-02T09:00:00"


def run(args: list[str], now: str = DAY1, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, args, input=stdin, env={"MLSD_DRAW_NOW": now})


def later(minutes: float) -> str:
    return (datetime.fromisoformat(DAY1) + timedelta(minutes=minutes)).isoformat()


def test_the_quiz_records_reviews_and_moves_the_schedule() -> None:
    first, second = [c.card for c in quiz_cards("tradeoffs", count=2)]
    answers = f"{'; '.join(first.key_points)}\ngood\nno idea\nAgain\n"
    result = run(["quiz", "tradeoffs", "--count", "2"], stdin=answers)
    assert result.exit_code == 0, result.output
    assert first.front in result.stdout and second.front in result.stdout
    assert "Model answer" in result.stdout and "Suggested rating: " in result.stdout
    assert "Good: next in 10 minutes" in result.stdout
    assert "Again: next in 1 minute" in result.stdout
    assert result.stdout.rstrip().endswith("Done: 2 answers recorded. Next: `mlsd-draw next`.")

    history = open_history()
    try:
        reviews = history.card_reviews()
    finally:
        history.close()
    assert [(r.card_id, r.rating) for r in reviews] == [(first.id, GOOD), (second.id, AGAIN)]
    assert reviews[1].answer_text == "no idea" and reviews[1].suggested_rating == AGAIN
    assert reviews[0].coverage == 1.0 and reviews[0].suggested_rating == EASY

    # Right away nothing is due; the cards show up later, the one failed first.
    plan = json.loads(run(["next", "--format", "json"], later(0.5)).stdout)
    assert plan["cards"]["due"] == {"tradeoff": 0, "framing": 0, "why": 0}
    assert plan["cards"]["later"]["tradeoff"] == 2
    assert [c["id"] for c in plan["cards"]["answered"]] == [second.id, first.id]
    assert {"due", "new", "later"} <= set(plan)  # the drawings' keys stay

    plan = json.loads(run(["next", "--format", "json"], later(5)).stdout)
    assert plan["cards"]["due"]["tradeoff"] == 1
    listed = json.loads(run(["quiz", "--list", "--format", "json"], later(5)).stdout)
    due = {c["id"]: c["due"] for c in listed}
    assert due[second.id] is not None and due[second.id] <= later(5) + "+00:00"
    assert due[first.id] is not None and due[first.id] > later(5) + "+00:00"
    text = run(["next"], later(5)).stdout
    assert "Quiz cards\n  due now 1 (tradeoff 1)" in text
    assert "Answer the due quiz cards with: mlsd-draw quiz" in text

    # The due card is asked first.
    again = run(["quiz", "-n", "1"], later(5), stdin="the funnel\neasy\n")
    assert again.exit_code == 0, again.output
    assert second.front in again.stdout and first.front not in again.stdout

    stats = json.loads(run(["stats", "--format", "json"], later(6)).stdout)
    tradeoffs = next(k for k in stats["cards"] if k["kind"] == "tradeoff")
    assert tradeoffs["answered"] == 2 and tradeoffs["reviews"] == 3 and tradeoffs["again"] == 1
    assert "cases" in stats and "most_missed" in stats


def test_the_end_of_input_stops_and_keeps_what_was_recorded() -> None:
    result = run(["quiz", "framing", "-n", "3"], stdin="an answer\nhard\nhalf an answer\n")
    assert result.exit_code == 0, result.output
    assert "Stopped at the end of the input: 1 answer recorded." in result.stdout
    assert len(card_list_answered()) == 1


def test_a_bad_rating_word_exits_2_keeping_earlier_answers() -> None:
    result = run(["quiz", "why", "-n", "3"], stdin="x\ngood\ny\nbrilliant\n")
    assert result.exit_code == 2
    assert "error: 'brilliant' is not a rating: answer Again, Hard, Good or Easy" in result.stderr
    assert len(card_list_answered()) == 1


def card_list_answered() -> list[str]:
    return [c.card.id for c in card_list() if c.reviews]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["quiz", "news-fed"], "error: unknown quiz selection 'news-fed': did you mean news-feed"),
        (["quiz", "tradeofs"], "did you mean tradeoffs"),
        (["quiz", "--format", "json"], "--format json lists the cards: add --list"),
        (["quiz", "--count", "0"], "Invalid value for '-n' / '--count'"),
    ],
)
def test_bad_input_exits_2(args: list[str], message: str) -> None:
    result = run(args, stdin="")
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_a_case_of_my_own_has_no_cards(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path
    (folder / "mine.mlsd").write_text("@case mine\nA -> B\n", encoding="utf-8")
    monkeypatch.setenv("MLSD_DRAW_REFS", str(folder))
    result = run(["quiz", "mine"], stdin="")
    assert result.exit_code == 2
    assert "the case 'mine' has no quiz cards" in result.stderr


def test_list_prints_every_card_as_json() -> None:
    result = run(["quiz", "--list", "--format", "json"])
    assert result.exit_code == 0
    listed = json.loads(result.stdout)
    cards = shipped_cards()
    assert [c["id"] for c in listed] == [c.id for c in cards]
    assert all(set(c) == {"id", "kind", "case", "front", "due"} for c in listed)
    assert {c["kind"] for c in listed} == {"tradeoff", "framing", "why"}
    assert all(c["due"] is None for c in listed)
    one = run(["quiz", "visual-search", "--list", "--format", "json"])
    assert json.loads(one.stdout)[0] == {
        "id": "framing:visual-search",
        "kind": "framing",
        "case": "visual-search",
        "front": find_card("framing:visual-search").front,
        "due": None,
    }
    text = run(["quiz", "framing", "--list"]).stdout.splitlines()
    assert text[0].split() == ["new", "framing:ad-click-prediction"]


# -- at a terminal ---------------------------------------------------------------------------------


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Standard input is a terminal; `input()` returns the lines the test puts here."""
    lines: list[str] = []

    def typed(_prompt: str = "") -> str:
        if not lines:
            raise EOFError
        line = lines.pop(0)
        if line == "^C":
            raise KeyboardInterrupt
        return line

    monkeypatch.setattr(quiz_commands, "is_terminal", lambda _stream: True)
    monkeypatch.setattr("builtins.input", typed)
    yield lines


def test_at_a_terminal_an_answer_has_several_lines_and_enter_takes_the_suggestion(
    terminal: list[str],
) -> None:
    card = quiz_cards("tradeoffs", count=1)[0].card
    terminal.extend([*card.answer.splitlines(), "", ""])
    result = run(["quiz", "tradeoffs", "-n", "1"])
    assert result.exit_code == 0, result.output
    history = open_history()
    try:
        (review,) = history.card_reviews()
    finally:
        history.close()
    assert review.answer_text == card.answer
    assert review.rating == review.suggested_rating and review.rating in (GOOD, EASY)


def test_at_a_terminal_a_bad_word_is_asked_again_and_a_spoken_answer_is_rated_by_hand(
    terminal: list[str],
) -> None:
    terminal.extend(["", "", "great", "hard"])  # said out loud: Enter has no suggestion
    result = run(["quiz", "framing", "-n", "1"])
    assert result.exit_code == 0, result.output
    assert "Nothing typed to suggest a rating from" in result.stdout
    assert "'great' is not a rating" in result.stdout
    history = open_history()
    try:
        (review,) = history.card_reviews()
    finally:
        history.close()
    assert (review.rating, review.suggested_rating, review.answer_text) == (HARD, None, "")


def test_ctrl_c_stops_and_keeps_what_was_recorded(terminal: list[str]) -> None:
    terminal.extend(["an answer", "", "good", "^C"])
    result = run(["quiz", "why", "-n", "3"])
    assert result.exit_code == quiz_commands.INTERRUPTED
    assert "Stopped: 1 answer recorded." in result.stdout
    assert len(card_list_answered()) == 1


# -- the application layer, as the studio calls it --------------------------------------------------


def test_the_app_layer_asks_marks_and_records_without_click() -> None:
    moment = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    (asked,) = quiz_cards("framing", count=1, now=moment)
    marking = mark_answer(
        asked.card.id, "predict click probability with pointwise binary classification"
    )
    answered = record_answer(asked.card.id, "Good", answer="...", marking=marking, now=moment)
    assert answered.card_id == asked.card.id and answered.reviews == 1
    assert answered.due == moment + timedelta(minutes=10)
    (next_card,) = quiz_cards("framing", count=1, now=moment)
    assert next_card.card.id != asked.card.id
