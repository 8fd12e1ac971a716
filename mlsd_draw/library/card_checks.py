"""What can be wrong with the quiz cards, found before a person meets it in a quiz.

:func:`check_cards` compares the card files with the references and reports, each with
its file:

- a file that cannot be read, or a field of the wrong type;
- an empty front, side, pick, field or key point, a trade-off with other than 2 or 3
  sides, a list of key points longer or shorter than the format asks, a key point that
  is not a short phrase, a trade-off id that is not a kebab-case slug or is used twice;
- an unknown case: a trade-off, framing or why file naming a case with no reference;
- a case without framing;
- a core component (weight above 1) without an entry in its case's why file, or without
  a note to answer with;
- an entry naming no component of the reference, or a component that is not core.

`mlsd-draw lint` reports the problems of a shipped case's cards when it lints that case's
shipped reference (:func:`reference_card_diagnostics`), pointing at the component when a
problem is about one.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from ..core.errors import Diagnostic, Span
from ..core.package_data import package_folder
from ..language.model import Diagram, slugify
from .cards import (
    FRAMING,
    TRADEOFFS,
    WHY,
    CardFiles,
    CardProblem,
    Framing,
    WhyEntry,
    core_components,
    shipped_card_files,
)

__all__ = ["check_cards", "check_case_cards", "reference_card_diagnostics"]

TRADEOFF_POINTS = (3, 5)
FRAMING_POINTS = (5, 8)
WHY_POINTS = (2, 4)
POINT_WORDS = (2, 6)
"""How many key points each kind of card has, and how many words a key point has."""


def _points(points: Sequence[str], limits: tuple[int, int], where: str) -> Iterator[str]:
    """What is wrong with a list of key points: its length, an empty or long phrase."""
    low, high = limits
    if not low <= len(points) <= high:
        yield f"{where} has {len(points)} key points: give {low} to {high}"
    for point in points:
        words = len(point.split())
        if not words:
            yield f"{where} has an empty key point"
        elif not POINT_WORDS[0] <= words <= POINT_WORDS[1]:
            yield (
                f"{where}: the key point '{point}' has {words} words: a key point is a "
                f"short phrase of {POINT_WORDS[0]} to {POINT_WORDS[1]} words"
            )


def _tradeoff_problems(card_files: CardFiles, cases: Mapping[str, Diagram]) -> Iterator[str]:
    seen: set[str] = set()
    for number, tradeoff in enumerate(card_files.tradeoffs, start=1):
        where = f"trade-off '{tradeoff.id}'" if tradeoff.id else f"trade-off {number}"
        if not tradeoff.id:
            yield f"{where} has no id"
        elif slugify(tradeoff.id) != tradeoff.id:
            yield f"{where}: the id must be a kebab-case slug such as '{slugify(tradeoff.id)}'"
        elif tradeoff.id in seen:
            yield f"{where} is defined twice: ids must be unique"
        seen.add(tradeoff.id)
        if not tradeoff.front:
            yield f"{where} has an empty front"
        if not 2 <= len(tradeoff.sides) <= 3:
            yield f"{where} has {len(tradeoff.sides)} sides: give 2 or 3"
        if any(not side for side in tradeoff.sides):
            yield f"{where} has an empty side"
        if not tradeoff.pick:
            yield f"{where} has an empty pick (when to pick which)"
        yield from _points(tradeoff.key_points, TRADEOFF_POINTS, where)
        for case in tradeoff.cases:
            if case not in cases:
                yield f"{where} names the unknown case '{case}'"


def _framing_problems(framing: Framing) -> Iterator[str]:
    for key in ("business_objective", "ml_objective", "input", "output", "ml_category", "labels"):
        if not getattr(framing, key):
            yield f"the framing has an empty '{key}'"
    for key in ("offline_metrics", "online_metrics"):
        metrics = getattr(framing, key)
        if not metrics:
            yield f"the framing has no '{key}'"
        elif any(not metric for metric in metrics):
            yield f"the framing has an empty entry in '{key}'"
    yield from _points(framing.key_points, FRAMING_POINTS, "the framing")


def _why_problems(
    case: str, diagram: Diagram, entries: Sequence[WhyEntry]
) -> Iterator[tuple[str, str | None]]:
    """(message, component id) of what is wrong between a reference and its why entries."""
    core = core_components(diagram)
    by_label = {node.label: node for node in diagram.nodes}
    named: set[str] = set()
    for entry in entries:
        where = f"the entry '{entry.name}'" if entry.name else "an entry without a name"
        node = by_label.get(entry.name)
        if node is None:
            close = next((n.label for n in diagram.nodes if n.id == slugify(entry.name)), None)
            hint = f": write it exactly as '{close}'" if close else ""
            yield f"{where} names no component of the reference {case}{hint}", None
            continue
        if entry.name in named:
            yield f"{where} is written twice", node.id
        named.add(entry.name)
        if node.weight <= 1:
            yield (
                (
                    f"{where} names a component that is not core (weight {node.weight:g}): "
                    "only core components (weight above 1) get a why card"
                ),
                node.id,
            )
        for message in _points(entry.key_points, WHY_POINTS, where):
            yield message, node.id
    for node in core:
        if node.label not in named:
            yield (
                f"the core component '{node.label}' has no entry in {WHY}/{case}.toml",
                node.id,
            )
        if not node.note:
            yield f"the core component '{node.label}' has no note to answer with", node.id


def check_case_cards(card_files: CardFiles, case: str, diagram: Diagram) -> list[CardProblem]:
    """What is wrong with the framing and why cards of one case, against its reference."""
    found: list[CardProblem] = [p for p in card_files.problems if p.case == case]
    framing = card_files.framings.get(case)
    framing_file = f"{FRAMING}/{case}.toml"
    if framing is None:
        found.append(CardProblem(framing_file, f"the case {case} has no framing", case))
    else:
        found.extend(CardProblem(framing_file, m, case) for m in _framing_problems(framing))
    why_file = f"{WHY}/{case}.toml"
    if case not in card_files.whys:
        if core_components(diagram):
            found.append(CardProblem(why_file, f"the case {case} has no why file", case))
        return found
    for message, component in _why_problems(case, diagram, card_files.whys[case]):
        found.append(CardProblem(why_file, message, case, component))
    return found


def check_cards(card_files: CardFiles, references: Mapping[str, Diagram]) -> list[CardProblem]:
    """Every problem of the card files against the references (case id -> diagram): the
    trade-offs, then each case's framing and why cards, then files of unknown cases."""
    found = [p for p in card_files.problems if p.case is None]
    found.extend(CardProblem(TRADEOFFS, m) for m in _tradeoff_problems(card_files, references))
    for case in sorted(references):
        found.extend(check_case_cards(card_files, case, references[case]))
    for folder, cases in ((FRAMING, card_files.framings), (WHY, card_files.whys)):
        for case in sorted(set(cases) - set(references)):
            found.append(
                CardProblem(f"{folder}/{case}.toml", f"names the unknown case '{case}'", case)
            )
    return found


_FILE_START = Span(0, 1, 1, 1)


def reference_card_diagnostics(diagram: Diagram, source: str | None) -> list[Diagnostic]:
    """The problems of a shipped case's cards, as lint warnings of its reference.

    Only a shipped reference as it ships (its text is the shipped file's) is checked:
    a user's own version of a case, or a draft, has no cards to keep in step. A problem
    about a component points at it; the others at the top of the file.
    """
    case = diagram.directives.case
    if source is None or not case:
        return []
    shipped = package_folder("mlsd_draw.reference_graphs").joinpath(f"{case}.mlsd")
    if not shipped.is_file() or shipped.read_text(encoding="utf-8") != source:
        return []
    spans = {node.id: node.span for node in diagram.nodes}
    diagnostics = []
    for problem in check_case_cards(shipped_card_files(), case, diagram):
        span = spans.get(problem.component or "") or _FILE_START
        diagnostics.append(
            Diagnostic(
                "warning",
                f"quiz cards: {problem.file}: {problem.message}",
                span,
                "the quiz cards in mlsd_draw/library/cards must follow this reference",
            )
        )
    return diagnostics
