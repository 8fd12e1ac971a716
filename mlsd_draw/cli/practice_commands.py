"""The practice loop's commands: `drill`, `next`, `hint`, `history`, `stats` (the quiz
itself is :mod:`.quiz_commands`; `next` and `stats` include its cards)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .common import colour, complete_case, format_option, handles_errors, when

if TYPE_CHECKING:
    from ..app.quiz import CardAgenda, CardKindStats


@click.command()
@click.argument("case", required=False, shell_complete=complete_case)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Default: CASE.mlsd here.")
@click.option("--force", is_flag=True, help="Overwrite the attempt file if it exists.")
@click.option("--edit", is_flag=True, help="Open the attempt file in your editor ($EDITOR).")
@handles_errors
def drill(case: str | None, output: str | None, force: bool, edit: bool) -> None:
    """Start a drill: show the question and write an attempt file to fill in from memory.

    Without CASE, picks the case most due for review (or a new one). The clock starts
    now: `grade` records how long the recall took.

    Example: mlsd-draw drill video-recommendation
    """
    from ..app.practice import start_drill

    started = start_drill(case, Path(output) if output else None, force=force)
    title = started.title
    click.echo(click.style(title, bold=True) if colour(sys.stdout) else title)
    if started.prompt:
        click.echo(started.prompt)
    target = started.attempt_file
    click.echo(f"\nYou have {started.minutes} minutes. Write your answer in {target}")
    click.echo(f"then run: mlsd-draw grade {target}")
    if edit:
        click.edit(filename=str(target))


@click.command(name="next")
@format_option()
@handles_errors
def next_cases(output_format: str) -> None:
    """List the cases due for review now, the new ones, and what comes up later.

    Example: mlsd-draw next
    """
    from ..app.documents import agenda_document, json_text
    from ..app.practice import agenda

    plan = agenda()
    if output_format == "json":
        click.echo(json_text(agenda_document(plan)), nl=False)
        return
    for heading, states in (("Due now", plan.due), ("New", plan.new), ("Later", plan.later)):
        if not states:
            continue
        click.echo(heading)
        for state in states:
            due = f"due {when(state.due, plan.now)}" if state.due else "never drilled"
            click.echo(f"  {state.case_id:24s} {due}")
    if plan.cards is not None:
        _card_agenda(plan.cards, plan.now)
    if plan.due or plan.new:
        click.echo(f"\nStart with: mlsd-draw drill {(plan.due or plan.new)[0].case_id}")
    if plan.cards is not None and any(plan.cards.due.values()):
        click.echo("Answer the due quiz cards with: mlsd-draw quiz")


def _card_agenda(cards: CardAgenda, now: datetime) -> None:
    """The quiz cards in `next`: how many of each kind are due, new and due later."""
    from .quiz_commands import soon

    def counts(per_kind: dict[str, int]) -> str:
        parts = ", ".join(f"{kind} {n}" for kind, n in per_kind.items() if n)
        return f"{sum(per_kind.values())}" + (f" ({parts})" if parts else "")

    click.echo("Quiz cards")
    click.echo(f"  due now {counts(cards.due)}; new {counts(cards.new)}")
    upcoming = [c.due for c in cards.answered if c.due is not None and c.due > now]
    if upcoming:
        click.echo(f"  later {counts(cards.later)}; the next {soon(upcoming[0], now)}")


@click.command(name="history")
@click.argument("case", required=False, shell_complete=complete_case)
@format_option()
@handles_errors
def history_command(case: str | None, output_format: str) -> None:
    """List graded attempts, oldest first: when, case, score, rating, time taken, hints.

    Example: mlsd-draw history visual-search
    """
    from ..app.documents import history_document, json_text
    from ..app.practice import attempt_history, rating_name

    attempts = attempt_history(case)
    if output_format == "json":
        click.echo(json_text(history_document(attempts)), nl=False)
        return
    if not attempts:
        click.echo("No graded attempts yet: start with `mlsd-draw drill`.")
        return
    for a in attempts:
        took = (
            f"{a.duration_seconds / 60:4.0f} min" if a.duration_seconds is not None else "       "
        )
        hints = f"  hint {a.hint_level}" if a.hint_level else ""
        click.echo(
            f"{a.graded_at:%Y-%m-%d %H:%M}  {a.case_id:24s} {a.score:5.1f}  "
            f"{rating_name(a.rating):5s} {took}{hints}"
        )


@click.command()
@format_option()
@click.option("--top", default=10, show_default=True, help="How many missed components to list.")
@handles_errors
def stats(output_format: str, top: int) -> None:
    """Progress per case (attempts, best, last, trend) and the components you miss most.

    Example: mlsd-draw stats
    """
    from ..app.documents import json_text, progress_document
    from ..app.practice import progress

    report = progress(top=top)
    if output_format == "json":
        click.echo(json_text(progress_document(report)), nl=False)
        return
    answered = any(kind.reviews for kind in report.cards)
    if not report.cases:
        click.echo("No graded attempts yet: start with `mlsd-draw drill`.")
        if answered:
            _card_stats(report.cards)
        return
    click.echo(f"{'case':24s} {'tries':>5s} {'best':>5s} {'last':>5s}  trend       due")
    for r in report.cases:
        due = when(r.due, report.now) if r.due else "-"
        mark = "" if r.case_id in report.known_cases else "  (case not found now)"
        scores = f"{r.attempts:5d} {r.best:5.1f} {r.last:5.1f}"
        click.echo(f"{r.case_id:24s} {scores}  {r.trend:10s}  {due}{mark}")
    if report.most_missed:
        click.echo("\nMost often missed")
        for m in report.most_missed:
            note = f": {m.note}" if m.note else ""
            click.echo(f"  {m.missed}/{m.attempts}  {m.label} ({m.case_id}){note}")
    if answered:
        _card_stats(report.cards)


def _card_stats(kinds: Sequence[CardKindStats]) -> None:
    """The quiz in `stats`: per kind of card, how many were answered, are due, and rated Again."""
    click.echo(
        f"\n{'quiz cards':24s} {'cards':>5s} {'seen':>5s} {'due':>5s} {'answers':>7s} {'again':>5s}"
    )
    for k in kinds:
        click.echo(
            f"{k.kind:24s} {k.cards:5d} {k.answered:5d} {k.due:5d} {k.reviews:7d} {k.again:5d}"
        )


@click.command()
@click.argument("case", shell_complete=complete_case)
@click.option(
    "--level",
    type=click.IntRange(1, 3),
    default=1,
    show_default=True,
    help="1: the stages; 2: counts and first letters per stage; 3: a component you missed.",
)
@handles_errors
def hint(case: str, level: int) -> None:
    """A hint for a case that does not give the answer away.

    A grade after a hint is rated at most Hard.

    Example: mlsd-draw hint video-recommendation --level 2
    """
    from ..app.practice import take_hint

    click.echo(take_hint(case, level))
