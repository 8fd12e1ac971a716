"""`lint`: the rules a reference diagram must follow, one tiny diagram per problem."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from mlsd_draw import parse
from mlsd_draw.cli import cli
from mlsd_draw.library.lint import lint

HEADER = """\
@case tiny
@title A tiny reference
@prompt Rank some results.
@level easy
@source nowhere
"""

# (name, body after HEADER, message, line, column, hint)
PROBLEM_CASES = [
    ("alias is another component's name", "Ranking [aka: ranker, Results] -> Results\nResults [aka: output]", "the alias 'Results' of 'Ranking' is the name of the component 'Results'", 6, 23, "an attempt that writes it means 'Results': remove this alias"),
    ("alias shared by two components", "Ranking [aka: scorer] -> Results\nResults [aka: scorer]", "the alias 'scorer' of 'Results' is also an alias of 'Ranking'", 7, 15, "an attempt that writes it could mean either: keep it on one of them"),
    ("aliases equal by slug", "Feature store [aka: Feast] -> Ranking\nRanking [aka: FEAST!]", "the alias 'FEAST!' of 'Ranking' is also an alias of 'Feature store'", 7, 15, "an attempt that writes it could mean either: keep it on one of them"),
    ("weighted component without a note", "Ranking [weight: 3; aka: ranker, scorer, ranking model] -> Results\nResults [aka: output]", "'Ranking' has weight 3 but no note", 6, 1, 'add `note: "..."` saying why it matters; it is shown when an attempt misses it'),
    ("core component with two aliases", 'Ranking [weight: 2; aka: ranker, scorer; note: "x"] -> Results\nResults [aka: output]', "'Ranking' is a core component (weight 2) with only 2 aliases", 6, 1, "give it at least 3 in `aka: ...`, so that attempts naming it differently still match"),
    ("core component with one alias", 'Ranking [weight: 1.5; aka: ranker; note: "x"] -> Results\nResults [aka: output]', "'Ranking' is a core component (weight 1.5) with only 1 alias", 6, 1, "give it at least 3 in `aka: ...`, so that attempts naming it differently still match"),
    ("component without alias", "Ranking -> Results\nResults [aka: output]", "'Ranking' has no alias", 6, 1, "add `aka: ...` with the other names people write for it: abbreviations, product names, common phrasings"),
    ("component with no edge, mentioned twice", "A [aka: a1] -> B\nB [aka: b1]\nLonely [aka: alone]\nLonely: still alone", "'Lonely' is connected to nothing", 8, 1, "draw what feeds it or what it feeds, e.g. `Lonely -> ...`"),
    ("component with no edge, reported once with the parser's warning", "A [aka: a1] -> B\nB [aka: b1]\nLonely [aka: alone]", "'Lonely' is connected to nothing", 8, 1, "draw what feeds it or what it feeds, e.g. `Lonely -> ...`"),
    ("parser warnings count too", "A [aka: a1; colour: red] -> B\nB [aka: b1]", "unknown attribute 'colour'", 6, 13, "known: kind, weight, aka, note"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("body", "message", "line", "column", "hint"),
    [c[1:] for c in PROBLEM_CASES],
    ids=[c[0] for c in PROBLEM_CASES],
)
def test_problem(body: str, message: str, line: int, column: int, hint: str) -> None:
    source = HEADER + body + "\n"
    problems = lint(parse(source), source)
    assert [(p.message, p.span.line, p.span.column, p.hint) for p in problems] == [
        (message, line, column, hint)
    ]
    assert all(p.severity == "warning" for p in problems)


@pytest.mark.parametrize(
    ("missing", "hint"),
    [
        (
            "case",
            "add `@case ...` at the top of the file: the case id, the file name without .mlsd",
        ),
        ("title", "add `@title ...` at the top of the file: a human title"),
        ("prompt", "add `@prompt ...` at the top of the file: the interview question"),
        (
            "level",
            "add `@level ...` at the top of the file: core (the book's cases) or extra (the others)",
        ),
        ("source", "add `@source ...` at the top of the file: where the facts come from"),
    ],
)
def test_problem_missing_directive(missing: str, hint: str) -> None:
    header = "".join(line + "\n" for line in HEADER.splitlines() if f"@{missing} " not in line)
    source = header + "A [aka: a1] -> B\nB [aka: b1]\n"
    problems = lint(parse(source), source)
    assert [(p.message, p.span.line, p.span.column, p.hint) for p in problems] == [
        (f"the directive '@{missing}' is missing", 1, 1, hint)
    ]


CLEAN_CASES = [
    ("complete", "Ranking [weight: 3; aka: ranker, scorer, ranking model; note: \"why\"] -> Results\nResults [aka: output]"),
    ("alias repeating its own name", "Ranking [aka: ranking, ranker] -> Results\nResults [aka: output]"),
    ("group alias equal to a component name", "Serving [aka: Results] {\n  A [aka: a1] -> Results\n  Results [aka: r1]\n}"),
    ("weight 0 needs no note", "A [weight: 0; aka: a1] -> B\nB [aka: b1]"),
    ("an alias spelt twice in one component", "A [aka: re-ranker, Re-Ranker] -> B\nB [aka: b1]"),
]  # fmt: skip


@pytest.mark.parametrize("body", [c[1] for c in CLEAN_CASES], ids=[c[0] for c in CLEAN_CASES])
def test_clean(body: str) -> None:
    source = HEADER + body + "\n"
    assert lint(parse(source), source) == []


def test_problems_come_in_file_order_with_the_directives_first() -> None:
    source = "@case tiny\nB [aka: scorer] -> A\nC [aka: scorer] -> A\n"
    problems = lint(parse(source), source)
    assert [(p.span.line, p.message) for p in problems] == [
        (1, "the directive '@title' is missing"),
        (1, "the directive '@prompt' is missing"),
        (1, "the directive '@level' is missing"),
        (1, "the directive '@source' is missing"),
        (2, "'A' has no alias"),
        (3, "the alias 'scorer' of 'C' is also an alias of 'B'"),
    ]


def test_without_the_source_an_alias_problem_points_at_its_component() -> None:
    source = HEADER + "Ranking [aka: scorer] -> Results\nResults [aka: scorer, output]\n"
    diagram = parse(source)
    with_source = [p for p in lint(diagram, source) if "scorer" in p.message]
    without = [p for p in lint(diagram) if "scorer" in p.message]
    assert [(p.span.line, p.span.column) for p in with_source] == [(7, 15)]
    assert [(p.span.line, p.span.column) for p in without] == [(6, 26)]  # first mention


def test_an_alias_problem_is_shown_with_a_caret_under_the_alias() -> None:
    source = HEADER + "Ranking [aka: ranker, Results] -> Results\nResults [aka: output]\n"
    (problem,) = lint(parse(source), source)
    assert problem.render(source, "t.mlsd") == (
        "t.mlsd:6:23: warning: the alias 'Results' of 'Ranking' is the name of the component "
        "'Results'\n"
        "  6 | Ranking [aka: ranker, Results] -> Results\n"
        "    |                       ^^^^^^^ an attempt that writes it means 'Results': "
        "remove this alias"
    )


def test_an_alias_list_over_several_lines_points_at_each_alias() -> None:
    source = HEADER + "Ranking [aka: ranker,\n    Results] -> Results\nResults [aka: output]\n"
    (problem,) = lint(parse(source), source)
    assert (problem.span.line, problem.span.column) == (7, 5)


def test_lint_notes_aliases_that_only_repeat_the_vocabulary(tmp_path: Path) -> None:
    reference = tmp_path / "mine.mlsd"
    reference.write_text(
        "Event stream [kind: queue; aka: Kafka, click events topic]\nEvent stream -> Trainer\n",
        encoding="utf-8",
    )
    plain = CliRunner().invoke(cli, ["lint", str(reference)])
    assert "note:" not in plain.output
    noted = CliRunner().invoke(cli, ["lint", str(reference), "--notes"])
    assert plain.exit_code == noted.exit_code, "notes never fail lint"
    notes = [line for line in noted.output.splitlines() if ": note: " in line]
    assert len(notes) == 1, "an alias of its own (click events topic) stays"
    assert "'Event stream' lists 'Kafka'" in notes[0] and "event stream" in notes[0]
