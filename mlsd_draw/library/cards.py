"""The quiz cards: the trade-off cheat sheet, each case's framing, and "why is it there?".

An interview is not won by boxes alone: the interviewer asks how the problem is framed and
why each piece is there. The content ships as reviewable TOML files beside this module
(`cards/tradeoffs.toml`, `cards/framing/<case>.toml`, `cards/why/<case>.toml`); this
module reads them and turns them into :class:`Card` values, one question each:

- `tradeoff:<id>`: a trade-off; the answer is both sides and when to pick which;
- `framing:<case>`: how a case is framed (objectives, input and output, ML category,
  labels, offline and online metrics);
- `why:<case>:<component id>`: why a core component (weight above 1) of the shipped
  reference is there; the answer is its `note`, and what to monitor on it and what breaks
  without it where the why file says.

Card ids are stable (they key the review history and the Anki GUIDs). Why cards come from
the shipped references as they ship, never from a folder of `MLSD_DRAW_REFS`, so the
cards and their key points always describe the same components. What is wrong with the
files is found by :mod:`mlsd_draw.library.card_checks`.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ..core.package_data import package_folder
from ..language.model import Diagram, Node
from ..language.parser import parse

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

if TYPE_CHECKING:
    if sys.version_info >= (3, 11):
        from importlib.resources.abc import Traversable
    else:  # pragma: no cover - Python 3.10
        from importlib.abc import Traversable

__all__ = [
    "KINDS",
    "Card",
    "CardFiles",
    "CardProblem",
    "Framing",
    "Tradeoff",
    "WhyEntry",
    "build_cards",
    "core_components",
    "framing_answer",
    "read_card_files",
    "shipped_card_files",
    "shipped_cards",
    "shipped_references",
]

KINDS = ("tradeoff", "framing", "why")
"""The kinds of card, in the order a mixed quiz takes them."""


@dataclass(frozen=True)
class Card:
    """One question of the quiz with its model answer and the key points an answer names."""

    id: str
    kind: str
    """`tradeoff`, `framing` or `why`."""
    case: str | None
    """The case a framing or why card belongs to; None for a trade-off."""
    front: str
    answer: str
    key_points: tuple[str, ...]
    cases: tuple[str, ...] = ()
    """The cases the card is about: its own case, or those where a trade-off decides something."""


@dataclass(frozen=True)
class Tradeoff:
    """One entry of the cheat sheet: the question, its sides, when to pick which."""

    id: str
    front: str
    sides: tuple[str, ...]
    pick: str
    key_points: tuple[str, ...]
    cases: tuple[str, ...]


@dataclass(frozen=True)
class Framing:
    """How a case is framed, step 1 and 2 of the interview."""

    case: str
    business_objective: str
    ml_objective: str
    input: str
    output: str
    ml_category: str
    labels: str
    offline_metrics: tuple[str, ...]
    online_metrics: tuple[str, ...]
    key_points: tuple[str, ...]


@dataclass(frozen=True)
class WhyEntry:
    """What an answer to "why is this component there?" should say, and what to watch."""

    name: str
    key_points: tuple[str, ...]
    monitor: str | None = None
    if_missing: str | None = None


@dataclass(frozen=True)
class CardProblem:
    """Something wrong with the card files: the file (relative to the cards folder) and what."""

    file: str
    message: str
    case: str | None = None
    """The case the problem concerns, if one."""
    component: str | None = None
    """The id of the reference component it concerns, if one (lint points at it)."""


@dataclass(frozen=True)
class CardFiles:
    """The card files as read: trade-offs, framing and why entries per case, and what could
    not be read (a file that is not TOML, a field of the wrong type)."""

    tradeoffs: tuple[Tradeoff, ...]
    framings: Mapping[str, Framing]
    whys: Mapping[str, tuple[WhyEntry, ...]]
    problems: tuple[CardProblem, ...] = ()


TRADEOFFS = "tradeoffs.toml"
FRAMING = "framing"
WHY = "why"
_FRAMING_TEXT = (
    "business_objective",
    "ml_objective",
    "input",
    "output",
    "ml_category",
    "labels",
)
_FRAMING_LISTS = ("offline_metrics", "online_metrics", "key_points")


class _Reader:
    """Typed fields out of parsed TOML, every wrong type noted as a problem of its file."""

    def __init__(self, file: str, problems: list[CardProblem], case: str | None = None) -> None:
        self.file = file
        self.problems = problems
        self.case = case

    def problem(self, message: str) -> None:
        self.problems.append(CardProblem(self.file, message, self.case))

    def text(self, table: Mapping[str, Any], key: str, where: str) -> str:
        value = table.get(key, "")
        if not isinstance(value, str):
            self.problem(f"{where}: '{key}' must be a string")
            return ""
        return value.strip()

    def optional(self, table: Mapping[str, Any], key: str, where: str) -> str | None:
        return self.text(table, key, where) or None if key in table else None

    def texts(self, table: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(f"{where}: '{key}' must be a list of strings")
            return ()
        return tuple(v.strip() for v in value)


def _load(entry: Traversable, read: _Reader) -> dict[str, Any] | None:
    """The parsed TOML of a card file, or None (with a problem) when it cannot be read."""
    try:
        data: dict[str, Any] = tomllib.loads(entry.read_text(encoding="utf-8"))
        return data
    except (OSError, UnicodeDecodeError) as error:
        read.problem(f"cannot be read: {error}")
    except tomllib.TOMLDecodeError as error:
        read.problem(f"not valid TOML: {error}")
    return None


def _tradeoffs(root: Traversable, problems: list[CardProblem]) -> list[Tradeoff]:
    entry = root.joinpath(TRADEOFFS)
    if not entry.is_file():
        problems.append(CardProblem(TRADEOFFS, "the trade-off cheat sheet is missing"))
        return []
    read = _Reader(TRADEOFFS, problems)
    data = _load(entry, read)
    if data is None:
        return []
    tables = data.get("tradeoff", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        read.problem("write each trade-off as a [[tradeoff]] table")
        return []
    found = []
    for number, table in enumerate(tables, start=1):
        where = f"trade-off {number} ({table.get('id', 'no id')})"
        found.append(
            Tradeoff(
                id=read.text(table, "id", where),
                front=read.text(table, "front", where),
                sides=read.texts(table, "sides", where),
                pick=read.text(table, "pick", where),
                key_points=read.texts(table, "key_points", where),
                cases=read.texts(table, "cases", where),
            )
        )
    return found


def _toml_files(root: Traversable, folder: str) -> list[tuple[str, Traversable]]:
    """(case id, file) of every `.toml` in a sub-folder of the cards, by name."""
    sub = root.joinpath(folder)
    if not sub.is_dir():
        return []
    entries = [e for e in sub.iterdir() if e.name.endswith(".toml") and e.is_file()]
    return [(e.name[: -len(".toml")], e) for e in sorted(entries, key=lambda e: e.name)]


def _declared_case(data: Mapping[str, Any], stem: str, read: _Reader) -> str:
    """The `case` a per-case file declares; a problem when it is not the file's own name."""
    case = read.text(data, "case", "the file")
    if case != stem:
        read.problem(f"declares case = '{case}' but is named after '{stem}'")
    return stem


def _framings(root: Traversable, problems: list[CardProblem]) -> dict[str, Framing]:
    found = {}
    for stem, entry in _toml_files(root, FRAMING):
        read = _Reader(f"{FRAMING}/{entry.name}", problems, stem)
        data = _load(entry, read)
        if data is None:
            continue
        case = _declared_case(data, stem, read)
        text = {key: read.text(data, key, "the framing") for key in _FRAMING_TEXT}
        lists = {key: read.texts(data, key, "the framing") for key in _FRAMING_LISTS}
        found[case] = Framing(
            case=case,
            business_objective=text["business_objective"],
            ml_objective=text["ml_objective"],
            input=text["input"],
            output=text["output"],
            ml_category=text["ml_category"],
            labels=text["labels"],
            offline_metrics=lists["offline_metrics"],
            online_metrics=lists["online_metrics"],
            key_points=lists["key_points"],
        )
    return found


def _whys(root: Traversable, problems: list[CardProblem]) -> dict[str, tuple[WhyEntry, ...]]:
    found = {}
    for stem, entry in _toml_files(root, WHY):
        read = _Reader(f"{WHY}/{entry.name}", problems, stem)
        data = _load(entry, read)
        if data is None:
            continue
        case = _declared_case(data, stem, read)
        tables = data.get("component", [])
        if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
            read.problem("write each entry as a [[component]] table")
            continue
        entries = []
        for number, table in enumerate(tables, start=1):
            where = f"entry {number} ({table.get('name', 'no name')})"
            entries.append(
                WhyEntry(
                    name=read.text(table, "name", where),
                    key_points=read.texts(table, "key_points", where),
                    monitor=read.optional(table, "monitor", where),
                    if_missing=read.optional(table, "if_missing", where),
                )
            )
        found[case] = tuple(entries)
    return found


def read_card_files(root: Traversable) -> CardFiles:
    """Read the card files under `root` (a folder holding `tradeoffs.toml`, `framing/` and
    `why/`). Never raises on bad content: what cannot be read is in `problems`."""
    problems: list[CardProblem] = []
    tradeoffs = _tradeoffs(root, problems)
    framings = _framings(root, problems)
    whys = _whys(root, problems)
    return CardFiles(tuple(tradeoffs), framings, whys, tuple(problems))


@lru_cache(maxsize=1)
def shipped_card_files() -> CardFiles:
    """The card files that ship with mlsd-draw (read once per process)."""
    return read_card_files(package_folder("mlsd_draw.library").joinpath("cards"))


@lru_cache(maxsize=1)
def shipped_references() -> Mapping[str, Diagram]:
    """Case id -> the shipped reference diagram, as it ships (MLSD_DRAW_REFS ignored)."""
    folder = package_folder("mlsd_draw.reference_graphs")
    diagrams = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".mlsd"):
            diagrams[entry.name[: -len(".mlsd")]] = parse(
                entry.read_text(encoding="utf-8"), path=entry.name
            )
    return diagrams


def core_components(diagram: Diagram) -> list[Node]:
    """The core components of a reference (weight above 1), in the order of the file:
    every one of them gets a "why is it there?" card."""
    return [node for node in diagram.nodes if node.weight > 1]


def _bullets(items: Sequence[str]) -> str:
    return "\n".join(f"  - {item}" for item in items)


def framing_answer(framing: Framing) -> str:
    """The framing of a case as text: the model answer of its card, and `show --framing`."""
    return "\n".join(
        [
            f"Business objective: {framing.business_objective}",
            f"ML objective: {framing.ml_objective}",
            f"Input: {framing.input}",
            f"Output: {framing.output}",
            f"ML category: {framing.ml_category}",
            f"Labels: {framing.labels}",
            "Offline metrics:",
            _bullets(framing.offline_metrics),
            "Online metrics:",
            _bullets(framing.online_metrics),
        ]
    )


def _tradeoff_card(tradeoff: Tradeoff) -> Card:
    answer = "\n".join([*(f"- {side}" for side in tradeoff.sides), f"Pick: {tradeoff.pick}"])
    return Card(
        f"tradeoff:{tradeoff.id}",
        "tradeoff",
        None,
        tradeoff.front,
        answer,
        tradeoff.key_points,
        tradeoff.cases,
    )


def _title(case: str, diagram: Diagram | None) -> str:
    return (diagram.directives.title if diagram is not None else None) or case


def _framing_card(framing: Framing, diagram: Diagram | None) -> Card:
    front = (
        f"{_title(framing.case, diagram)}: how do you frame it? The business and ML "
        "objectives, input and output, ML category, labels, offline and online metrics."
    )
    return Card(
        f"framing:{framing.case}",
        "framing",
        framing.case,
        front,
        framing_answer(framing),
        framing.key_points,
        (framing.case,),
    )


def _why_cards(case: str, diagram: Diagram, entries: Sequence[WhyEntry]) -> list[Card]:
    """A why card per core component that has a note and an entry in the why file."""
    by_name = {entry.name: entry for entry in entries}
    cards = []
    for node in core_components(diagram):
        entry = by_name.get(node.label)
        if entry is None or not node.note:
            continue  # reported by the checks; a card without an answer is no card
        note = node.note[0].upper() + node.note[1:]
        answer = [note if note.endswith((".", "!", "?")) else note + "."]
        if entry.monitor:
            answer.append(f"Monitor: {entry.monitor}")
        if entry.if_missing:
            answer.append(f"If it is missing: {entry.if_missing}")
        cards.append(
            Card(
                f"why:{case}:{node.id}",
                "why",
                case,
                f'{_title(case, diagram)}: why is "{node.label}" there?',
                "\n".join(answer),
                entry.key_points,
                (case,),
            )
        )
    return cards


def build_cards(card_files: CardFiles, references: Mapping[str, Diagram]) -> list[Card]:
    """Every card the files and the references make: the trade-offs in file order, then per
    case (by id) its framing and its why cards in the order of the reference."""
    cards = [_tradeoff_card(t) for t in card_files.tradeoffs if t.id]
    for case in sorted({*card_files.framings, *card_files.whys}):
        diagram = references.get(case)
        if case in card_files.framings:
            cards.append(_framing_card(card_files.framings[case], diagram))
        if diagram is not None and case in card_files.whys:
            cards.extend(_why_cards(case, diagram, card_files.whys[case]))
    return cards


def shipped_cards() -> list[Card]:
    """Every card that ships with mlsd-draw."""
    return build_cards(shipped_card_files(), shipped_references())
