"""What the web studio does, on top of the functions the CLI uses: check text as it is
typed, start a drill in the studio's folder, grade and record a file of it, gather the
schedule and the history for the review page, and ask, mark and record quiz cards.

Each of these calls the same function as the command it stands for (`check`, `drill`,
`grade`, `next`, `history`, `stats`, `quiz`), so the studio and the CLI give the same
answers and record the same reviews. The JSON documents the studio serves are built here
too, from the documents of :mod:`mlsd_draw.app.documents` where one exists.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.errors import Diagnostic, MlsdDrawError, ParseError, RenderError, UsageError
from .folder import AttemptExistsError, confined, read_attempt, write_attempt

if TYPE_CHECKING:
    from ..grading.scoring import Grade
    from .grading import GradeOutcome
    from .practice import DrillStarted


@dataclass(frozen=True)
class Checked:
    """Text checked as `check` checks a file: its problems, and what it holds if it reads."""

    diagnostics: tuple[Diagnostic, ...]
    parses: bool
    case: str | None
    components: int
    edges: int
    groups: int
    empty: bool = False
    """Nothing but the header yet (a drill just begun): a page need not call it an error."""


def check_text(text: str, name: str) -> Checked:
    """Check `text` as the file `name` (its extension picks the format), with the parser
    `check` uses: every error and warning, and the attempt's `@case` when it reads."""
    from .diagrams import parse_text

    text = text.removeprefix("\ufeff")
    try:
        diagram = parse_text(name, name, text)
    except ParseError as error:
        case, empty = _header(text)
        return Checked(error.diagnostics, False, case, 0, 0, 0, empty)
    return Checked(
        diagram.warnings,
        True,
        diagram.directives.case,
        len(diagram.nodes),
        len(diagram.edges),
        len(diagram.groups),
    )


def _header(text: str) -> tuple[str | None, bool]:
    """The `@case` of `.mlsd` text that does not parse, as the language's tokenizer reads
    it, and whether the text holds nothing but directives and comments."""
    from ..language.tokenizer import Tok, tokenize

    tokens, problems = tokenize(text)
    case = next(
        (t.value.strip() or None for t in tokens if t.kind == Tok.DIRECTIVE and t.key == "case"),
        None,
    )
    empty = not problems and all(t.kind in (Tok.DIRECTIVE, Tok.END, Tok.EOF) for t in tokens)
    return case, empty


def diagnostics_document(diagnostics: Sequence[Diagnostic]) -> list[dict[str, Any]]:
    """Each problem with its line and column (1-based), its length and its hint."""
    return [
        {
            "severity": d.severity,
            "message": d.message,
            "hint": d.hint,
            "line": d.span.line,
            "column": d.span.column,
            "length": max(1, d.span.end - d.span.start),
        }
        for d in diagnostics
    ]


def checked_document(checked: Checked) -> dict[str, Any]:
    """The JSON form of a check."""
    return {
        "parses": checked.parses,
        "case": checked.case,
        "components": checked.components,
        "edges": checked.edges,
        "groups": checked.groups,
        "empty": checked.empty,
        "diagnostics": diagnostics_document(checked.diagnostics),
    }


def drill_menu_document() -> dict[str, Any]:
    """The cases to pick from, in the order of `next`: due now (most overdue first), new,
    then later; each with its title, level and size."""
    from .cases import list_cases
    from .practice import agenda

    plan = agenda()
    infos = {c.id: c for c in list_cases()}

    def entry(state: Any) -> dict[str, Any]:
        info = infos.get(state.case_id)
        return {
            "case": state.case_id,
            "title": info.title if info and info.title else state.case_id,
            "level": info.level if info else None,
            "components": info.components if info else None,
            "due": state.due.isoformat() if state.due else None,
            "reviews": state.reviews,
        }

    return {
        "now": plan.now.isoformat(),
        "due": [entry(s) for s in plan.due],
        "new": [entry(s) for s in plan.new],
        "later": [entry(s) for s in plan.later],
    }


@dataclass(frozen=True)
class DrillSession:
    """A drill started in the folder: the drill, its file's name and text, and when."""

    started: DrillStarted
    name: str
    text: str
    started_at: datetime


def start_drill_in(folder: Path, case_id: str, *, restart: bool = False) -> DrillSession:
    """Start a drill of `case_id` written to `CASE.mlsd` in `folder`, as `drill` does.

    An existing file is kept (AttemptExistsError) unless `restart` is set.
    """
    from .practice import now, start_drill

    name = f"{case_id}.mlsd"
    path = confined(folder, name)
    if path.exists() and not restart:
        raise AttemptExistsError(f"{name} is already in the folder: open it, or start over")
    moment = now()
    started = start_drill(case_id, path, force=restart, now=moment)
    return DrillSession(started, name, read_attempt(folder, name), moment)


def drill_session_document(session: DrillSession) -> dict[str, Any]:
    """The JSON form of a drill started: the question and the file to write it in."""
    started = session.started
    return {
        "case": started.case_id,
        "title": started.title,
        "prompt": started.prompt,
        "minutes": started.minutes,
        "name": session.name,
        "text": session.text,
        "started_at": session.started_at.isoformat(),
    }


def open_drill_document(folder: Path, name: str, case_id: str | None) -> dict[str, Any] | None:
    """For an attempt file whose drill has not been graded yet: the case's question, the
    time to give it and when the drill began; None otherwise."""
    if case_id is None:
        return None
    from ..library.references import load_case
    from ..practice.drills import suggested_minutes
    from .practice import opened_history

    path = confined(folder, name)
    try:
        reference = load_case(case_id).diagram
    except MlsdDrawError:
        return None
    with opened_history() as history:
        drill = history.open_drill(path, case_id)
    directives = reference.directives
    return {
        "case": case_id,
        "title": directives.title or case_id,
        "prompt": directives.prompt,
        "minutes": suggested_minutes(reference),
        "started_at": drill[1].isoformat() if drill else None,
    }


@dataclass(frozen=True)
class MissedItem:
    """A reference component the attempt left out, with why it matters and its stage."""

    component: str
    label: str
    note: str | None
    core: bool
    stage: str


@dataclass(frozen=True)
class StudioGrade:
    """A grade recorded from the studio, with what its page shows."""

    name: str
    outcome: GradeOutcome
    rating: str
    missed: tuple[MissedItem, ...]
    extra: tuple[str, ...]
    pairs: dict[str, str]
    svg: str | None
    picture_problem: str | None


def grade_attempt(folder: Path, name: str, text: str) -> StudioGrade:
    """Save `text` to attempt file `name`, then grade it and record it exactly as `grade`
    does (the same function, against the attempt's `@case`), and draw the diff as SVG.

    A picture that cannot be drawn does not undo the grade: the problem is returned.
    """
    from .diagrams import load_diagram
    from .grading import grade_loaded, rating_of
    from .practice import rating_name

    path = write_attempt(folder, name, text)
    attempt = load_diagram(str(path))
    if attempt.diagram.directives.case is None:
        raise UsageError(
            "no reference to grade against: add `@case ID` at the top of the attempt "
            "(the id of a case, as in the list of cases)"
        )
    outcome = grade_loaded(attempt, str(path), None, picture=None, save=True)
    result = outcome.grade
    rating = outcome.review.rating if outcome.review is not None else rating_of(result)
    svg, problem = _diff_svg(result)
    pairs: dict[str, str] = {}
    for pair in result.alignment.pairs:
        pairs[f"r-{pair.reference}"] = f"a-{pair.attempt}"
        pairs[f"a-{pair.attempt}"] = f"r-{pair.reference}"
    extra = tuple(result.attempt.node(n).label for n in result.extra)
    return StudioGrade(
        name, outcome, rating_name(rating), _missed(result), extra, pairs, svg, problem
    )


_PROLOG = re.compile(r"^\s*(<\?xml[^>]*>\s*)?(<!DOCTYPE[^>]*>\s*)?(<!--.*?-->\s*)*", re.DOTALL)


def _diff_svg(result: Grade) -> tuple[str | None, str | None]:
    """The diff picture as SVG markup without its XML prolog, or why it cannot be drawn."""
    from ..drawing.diff_image import render_diff

    try:
        svg = render_diff(result, "svg").decode("utf-8")
    except RenderError as error:
        return None, str(error)
    return _PROLOG.sub("", svg, count=1), None


def _missed(result: Grade) -> tuple[MissedItem, ...]:
    """What the attempt left out, core components first, each with its note and stage."""
    reference = result.reference
    items = []
    for node_id in sorted(result.missing, key=lambda n: -reference.node(n).weight):
        node = reference.node(node_id)
        path = reference.group_path(node.group)
        stage = reference.group(path[0]).name if path else "Outside any stage"
        items.append(MissedItem(node.id, node.label, node.note, node.weight > 1, stage))
    return tuple(items)


def studio_grade_document(graded: StudioGrade) -> dict[str, Any]:
    """The grade as `grade --format json` prints it (under `grade`), and what the page
    shows around it: the rating, the missed components, the extras, the diff picture."""
    from .documents import grade_document

    return {
        "name": graded.name,
        "grade": grade_document(graded.outcome),
        "rating": graded.rating,
        "missed": [
            {"component": m.component, "label": m.label, "note": m.note, "core": m.core,
             "stage": m.stage}
            for m in graded.missed
        ],
        "extra": list(graded.extra),
        "pairs": graded.pairs,
        "svg": graded.svg,
        "picture_problem": graded.picture_problem,
        "warnings": diagnostics_document(graded.outcome.attempt.diagram.warnings),
    }  # fmt: skip


def review_page_document() -> dict[str, Any]:
    """Everything the review page shows, from the same history as `next`, `stats` and
    `history`: the schedule, the record per case, the components missed most (with their
    notes), every graded attempt, and the cases' titles."""
    from .cases import list_cases
    from .documents import agenda_document, history_document, progress_document
    from .practice import agenda, attempt_history, progress

    plan = agenda()
    return {
        "now": plan.now.isoformat(),
        "agenda": agenda_document(plan),
        "progress": progress_document(progress(now=plan.now)),
        "history": history_document(attempt_history()),
        "titles": {c.id: c.title or c.id for c in list_cases()},
    }


QUIZ_ALL = "all"
"""The quiz selection the studio sends for every card (the CLI's `quiz` without one)."""

MAX_QUIZ_COUNT = 500
"""The most cards one round of the studio's quiz asks (more than the quiz holds)."""

MAX_ANSWER = 20_000
"""The longest typed quiz answer marked, in characters: an answer is a paragraph or two,
and marking reads every word of it."""


def _quiz_selection(selection: str | None) -> str | None:
    """The app's selection for the studio's: `all` (or nothing) takes every card."""
    if selection is None or selection.strip().lower() in ("", QUIZ_ALL):
        return None
    return selection


def _quiz_answer(answer: str) -> str:
    if len(answer) > MAX_ANSWER:
        raise UsageError(
            f"the answer is over {MAX_ANSWER} characters: an answer is a paragraph or two"
        )
    return answer


def quiz_round_document(selection: str | None, count: int) -> dict[str, Any]:
    """A round of the quiz, as `quiz [SELECTION] --count N` asks it: the cards due (most
    overdue first), then new ones, each as `quiz --list --format json` prints it; and
    what the page's picker offers (the kinds, and every case with cards, by title)."""
    from .cases import list_cases
    from .documents import quiz_card_document
    from .quiz import SELECTIONS, quiz_cards, select_cards

    if not 1 <= count <= MAX_QUIZ_COUNT:
        raise UsageError(f"the count must be 1 to {MAX_QUIZ_COUNT}")
    chosen = _quiz_selection(selection)
    cards = quiz_cards(chosen, count=count)
    every = select_cards()
    titles = {c.id: c.title or c.id for c in list_cases()}
    cased = sorted({c.case for c in every if c.case}, key=lambda case: titles.get(case, case))
    return {
        "selection": chosen or QUIZ_ALL,
        "count": count,
        "cards": [quiz_card_document(c) for c in cards],
        "kinds": {
            word: sum(c.kind == kind for c in every) for word, kind in SELECTIONS.items()
        },
        "cases": [
            {"case": case, "title": titles.get(case, case),
             "cards": sum(case in c.cases for c in every)}
            for case in cased
        ],
    }  # fmt: skip


def quiz_marking_document(card_id: str, answer: str) -> dict[str, Any]:
    """A typed answer marked as `quiz` marks it: the model answer, each key point
    mentioned or not (by meaning), the share mentioned and the rating that suggests."""
    from .documents import marking_document
    from .quiz import find_card, mark_answer

    card = find_card(card_id)
    return marking_document(card, mark_answer(card, _quiz_answer(answer)))


def quiz_answer_document(card_id: str, rating: int | str, answer: str) -> dict[str, Any]:
    """Record the rating given to a card, with the typed answer and the rating its key
    points suggested, as `quiz` records it; the card's next due date."""
    from .documents import answered_document
    from .quiz import find_card, mark_answer, record_answer

    card = find_card(card_id)
    text = _quiz_answer(answer)
    answered = record_answer(card, rating, answer=text, marking=mark_answer(card, text))
    return answered_document(answered)


def listing_document(folder: Path) -> dict[str, Any]:
    """The folder and its attempt files, by name."""
    from .folder import list_attempts

    listing = list_attempts(folder)
    return {
        "folder": str(listing.folder),
        "files": [
            {"name": f.name, "size": f.size, "modified": f.modified.isoformat()}
            for f in listing.files
        ],
        "truncated": listing.truncated,
    }


def attempt_document(folder: Path, name: str) -> dict[str, Any]:
    """An attempt file of the folder: its text, its check, and its drill if still open."""
    text = read_attempt(folder, name)
    checked = check_text(text, name)
    return {
        "name": name,
        "text": text,
        "check": checked_document(checked),
        "drill": open_drill_document(folder, name, checked.case),
    }
