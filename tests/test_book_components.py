"""Every component the book draws is recognised by its case's reference.

tests/book_components.toml lists, per case, the components the research notes say the book
draws, in the notes' own words, and the arrows between them. Drawn as an attempt, each name
must pair with a component of the reference: a reference that folds a book component into
another node leaves that box unpaired, which would grade a learner who follows the book as
wrong. And a drawing that follows the book, arrows included, must score near 100: what the
book leaves out (a model registry, A/B testing, monitoring) is a bonus there, never a loss.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from mlsd_draw import parse, slugify
from mlsd_draw.grading.scoring import Grade, grade
from mlsd_draw.library.references import load_reference, shipped_case_ids

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

TABLE = Path(__file__).with_name("book_components.toml")

BOOK_DRAWING_MIN_SCORE = 90
"""What a drawing of exactly the book's components and arrows scores at least: near 100, the
few points below it left for components a reference requires beyond the book's figure."""


@dataclass(frozen=True)
class BookCase:
    """One case of the table: its book component names and the arrows between them."""

    case: str
    components: tuple[str, ...]
    edges: tuple[tuple[str, str], ...]


def load_table(path: Path = TABLE) -> list[BookCase]:
    """The cases of the table, in file order, so each test can be run per case."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return [
        BookCase(
            case=case,
            components=tuple(entry["components"]),
            edges=tuple((a, b) for a, b in entry["edges"]),
        )
        for case, entry in data.items()
    ]


CASES = load_table()


def quoted(name: str) -> str:
    """A name as the language reads it back whole (quoted when it holds a `,` or `:`)."""
    plain = not any(mark in name for mark in ',:#[]"') and "->" not in name
    return name if plain else '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def attempt_text(book: BookCase, *, with_edges: bool) -> str:
    """The book's components as boxes, one per line, then (optionally) its arrows."""
    lines = [quoted(name) for name in book.components]
    if with_edges:
        lines += [f"{quoted(a)} -> {quoted(b)}" for a, b in book.edges]
    return "\n".join(lines) + "\n"


def grade_book(book: BookCase, *, with_edges: bool) -> Grade:
    """The grade of the book's drawing against the case's shipped reference."""
    reference = load_reference(book.case).diagram
    return grade(reference, parse(attempt_text(book, with_edges=with_edges)))


def unpaired(book: BookCase, result: Grade) -> list[str]:
    """The book's names that no reference component took."""
    paired = result.alignment.by_attempt()
    return [name for name in book.components if slugify(name) not in paired]


def test_the_table_covers_every_shipped_case_it_names() -> None:
    cases = [book.case for book in CASES]
    assert len(cases) == len(set(cases))
    assert set(cases) <= set(shipped_case_ids())
    for book in CASES:
        names = {slugify(name) for name in book.components}
        assert len(names) == len(book.components), book.case
        loose = [edge for edge in book.edges if not {slugify(end) for end in edge} <= names]
        assert loose == [], f"{book.case}: arrows between names not listed: {loose}"


@pytest.mark.parametrize("with_edges", [False, True], ids=["boxes", "with-edges"])
@pytest.mark.parametrize("book", CASES, ids=[book.case for book in CASES])
def test_every_book_component_pairs_with_a_reference_component(
    book: BookCase, with_edges: bool
) -> None:
    result = grade_book(book, with_edges=with_edges)
    missed = unpaired(book, result)
    assert missed == [], f"{book.case}: no reference component for {', '.join(missed)}"


@pytest.mark.parametrize("book", CASES, ids=[book.case for book in CASES])
def test_a_drawing_that_follows_the_book_scores_near_100(book: BookCase) -> None:
    result = grade_book(book, with_edges=True)
    assert result.score >= BOOK_DRAWING_MIN_SCORE, (
        f"{book.case}: {result.score}; missing {', '.join(result.missing)}"
    )
