"""The quiz command: `quiz [CASE | tradeoffs | framing | why]`, one card at a time."""

from __future__ import annotations

import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any, TextIO

import click

from .common import colour, complete_case, format_option, handles_errors, when

if TYPE_CHECKING:
    from click.shell_completion import CompletionItem

    from ..app.quiz import QuizCard

INTERRUPTED = 130
"""The exit status after Ctrl-C, as shells report a program stopped by SIGINT."""

KIND_NAMES = {"tradeoff": "trade-off", "framing": "framing", "why": "why is it there?"}


def complete_selection(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Shell completion of the quiz selection: the kinds of card, then case ids."""
    from click.shell_completion import CompletionItem

    kinds = [CompletionItem(k) for k in ("tradeoffs", "framing", "why") if k.startswith(incomplete)]
    return kinds + complete_case(ctx, param, incomplete)


def soon(moment: datetime, now: datetime) -> str:
    """A due time in words, to the minute when it is within a day: `in 10 minutes`."""
    seconds = (moment - now).total_seconds()
    if seconds <= 0:
        return "now"
    if seconds < 3600:
        minutes = max(1, round(seconds / 60))
        return f"in {minutes} minute{'' if minutes == 1 else 's'}"
    if seconds < 86400:
        hours = round(seconds / 3600)
        return f"in {hours} hour{'' if hours == 1 else 's'}"
    return when(moment, now)


def is_terminal(stream: TextIO) -> bool:
    """Whether answers are typed at a terminal (several lines each, prompts, re-asking)
    rather than read from a pipe or file (one line each, then the rating line)."""
    return stream.isatty()


class _InputEnded(Exception):  # noqa: N818 - not an error: the input simply ended
    """The input ended (EOF): stop the quiz, keeping what was recorded."""


def _style(text: str, **style: Any) -> str:
    return click.style(text, **style) if colour(sys.stdout) else text


def _read_line(stream: TextIO, interactive: bool, prompt: str) -> str:
    """One line of input without its line end; _InputEnded at the end of the input."""
    if interactive:
        try:
            return input(prompt)
        except EOFError:
            click.echo()
            raise _InputEnded from None
    line = stream.readline()
    if not line:
        raise _InputEnded
    return line.rstrip("\r\n")


def _read_answer(stream: TextIO, interactive: bool) -> str:
    """The typed answer: lines until an empty one on a terminal, one line otherwise."""
    if not interactive:
        return _read_line(stream, interactive, "").strip()
    click.echo(
        _style("Your answer (end with an empty line; Enter alone if you said it aloud):", dim=True)
    )
    lines = []
    while line := _read_line(stream, interactive, "> ").strip():
        lines.append(line)
    return "\n".join(lines)


def _read_rating(stream: TextIO, interactive: bool, suggested: str | None) -> int:
    """The rating word: on a terminal, asked again until it is one (Enter takes the
    suggestion); otherwise the next line must hold one (UsageError, exit 2, if not)."""
    from ..app.quiz import parse_rating
    from ..core.errors import UsageError

    default = f" [{suggested}]" if suggested else ""
    prompt = f"Rating: again, hard, good or easy{default}: "
    while True:
        word = _read_line(stream, interactive, prompt).strip()
        if interactive and not word:
            if suggested:
                return parse_rating(suggested)
            click.echo("Nothing typed to suggest a rating from: type again, hard, good or easy.")
            continue
        if not interactive:
            return parse_rating(word)
        try:
            return parse_rating(word)
        except UsageError as error:
            click.echo(str(error))


def _show_marking(shown: dict[str, Any]) -> None:
    """The model answer and the key points of a marked answer (its JSON document)."""
    click.echo(_style("\nModel answer", bold=True))
    click.echo(shown["answer"])
    points = shown["key_points"]
    if shown["suggested"] is None:  # nothing typed: nothing to mark
        click.echo(_style("\nKey points", bold=True))
        for point in points:
            click.echo(f"  - {point['point']}")
        return
    mentioned = sum(point["covered"] for point in points)
    click.echo(_style(f"\nKey points: {mentioned} of {len(points)} mentioned", bold=True))
    for point in points:
        sign = _style("✓", fg="green") if point["covered"] else _style("✗", fg="red")
        click.echo(f"  {sign} {point['point']}")
    click.echo(f"Suggested rating: {shown['suggested']}")


def _ask(card: QuizCard, number: int, total: int, stream: TextIO, interactive: bool) -> str:
    """Ask one card, mark the answer, record the rating; what the schedule says now."""
    from ..app.documents import marking_document
    from ..app.practice import now, rating_name
    from ..app.quiz import mark_answer, record_answer

    where = f" · {card.card.case}" if card.card.case else ""
    click.echo(_style(f"\n[{number}/{total}] {KIND_NAMES[card.card.kind]}{where}", dim=True))
    click.echo(_style(card.card.front, bold=True))
    answer = _read_answer(stream, interactive)
    marking = mark_answer(card.card, answer)
    shown = marking_document(card.card, marking)
    _show_marking(shown)
    rating = _read_rating(stream, interactive, shown["suggested"])
    answered = record_answer(card.card, rating, answer=answer, marking=marking)
    due = soon(answered.due, now()) if answered.due else "-"
    return f"{rating_name(rating)}: next {due}"


@click.command()
@click.argument(
    "selection",
    required=False,
    metavar="[CASE|tradeoffs|framing|why]",
    shell_complete=complete_selection,
)
@click.option(
    "-n",
    "--count",
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    help="How many cards to ask at most: those due first, then new ones.",
)
@click.option("--list", "list_only", is_flag=True, help="List the cards and when each is due.")
@format_option("json (with --list) prints a list of {id, kind, case, front, due}.")
@handles_errors
def quiz(selection: str | None, count: int, list_only: bool, output_format: str) -> None:
    """Answer quiz cards: trade-offs, each case's framing, and why each core component is there.

    One card at a time: type your answer (or say it out loud and press Enter), then see
    the model answer with its key points marked as mentioned or missed, by meaning, and
    rate your recall: Again, Hard, Good or Easy (Enter takes the suggested rating). The
    cards are scheduled like the drawings; `next` and `stats` show them.

    CASE asks that case's framing and why cards and the trade-offs that matter in it.
    When standard input is not a terminal, each answer is one line followed by a line
    holding the rating word. Ctrl-C or the end of input stops; answers rated so far
    are kept.

    Example: mlsd-draw quiz tradeoffs --count 10
    """
    from ..app.documents import json_text, quiz_card_document
    from ..app.practice import now
    from ..app.quiz import card_list, quiz_cards

    if output_format == "json" and not list_only:
        raise click.UsageError("--format json lists the cards: add --list")
    if list_only:
        listed = card_list(selection)
        if output_format == "json":
            click.echo(json_text([quiz_card_document(c) for c in listed]), nl=False)
            return
        moment = now()
        for card in listed:
            due = soon(card.due, moment) if card.due else "new"
            click.echo(f"{due:>14}  {card.card.id}")
        return
    cards = quiz_cards(selection, count=count)
    if not cards:
        click.echo("No cards are due. See `mlsd-draw next` for when the next one is.")
        return
    stream = sys.stdin
    interactive = is_terminal(stream)
    done = 0
    try:
        for number, card in enumerate(cards, start=1):
            click.echo(_ask(card, number, len(cards), stream, interactive))
            done += 1
    except _InputEnded:
        click.echo(f"\nStopped at the end of the input: {_answers(done)} recorded.")
        return
    except KeyboardInterrupt:
        click.echo(f"\nStopped: {_answers(done)} recorded.")
        sys.exit(INTERRUPTED)
    click.echo(f"\nDone: {_answers(done)} recorded. Next: `mlsd-draw next`.")


def _answers(count: int) -> str:
    return f"{count} answer{'' if count == 1 else 's'}"
