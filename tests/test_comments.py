"""`fmt` keeps every comment, on the statement it ends or before the one it precedes."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from test_language_properties import diagrams, parse_or_none, syntax_text

from mlsd_draw import format_diagram, parse
from mlsd_draw.cli import cli
from mlsd_draw.language.comments import find_comments


def fmt(text: str) -> str:
    return format_diagram(parse(text))


# (what, source, canonical text)
PLACEMENT = [
    (
        "a trailing comment stays on its component",
        "A [kind: store]  # raw images\nA -> B\n",
        "A [kind: store]  # raw images\n\nA -> B\n",
    ),
    (
        "a comment line stays before the statement it precedes",
        "A -> B\n# then the model\nB -> C\n",
        "A -> B\n# then the model\nB -> C\n",
    ),
    (
        "the drill's question above the directives stays on top",
        "# Question: design visual search\n@case visual-search\nA -> B\n",
        "# Question: design visual search\n@case visual-search\n\nA -> B\n",
    ),
    (
        "a comment on a bare mention keeps its component declared",
        "A -> B\nB  # the ranker\n",
        "B  # the ranker\n\nA -> B\n",
    ),
    (
        "the comment of a backward arrow follows the edge it made",
        "Index <- Query  # looked up\n",
        "Query -> Index  # looked up\n",
    ),
    (
        "a comment before a group's closing brace stays inside the group",
        "S {\n  A -> B\n  # more later\n}\n",
        "S {\n  A -> B\n  # more later\n}\n",
    ),
    (
        "comments on a group's braces",
        "S {  # serving\n  A -> B\n}  # end of serving\n",
        "S {  # serving\n  A -> B\n}  # end of serving\n",
    ),
    (
        "a comment after the last statement stays at the end",
        "A -> B\n# to be continued\n",
        "A -> B\n\n# to be continued\n",
    ),
    (
        "a hash inside quotes is text, not a comment",
        'A -> B: "label # not a comment"  # a comment\n',
        'A -> B: "label # not a comment"  # a comment\n',
    ),
    (
        "a comment inside a multi-line attribute list trails its component",
        "A [kind: store;  # where images land\n   aka: blob store]\n",
        "A [kind: store; aka: blob store]  # where images land\n",
    ),
    (
        "two comments for one line: the first stays after it, the other goes before",
        "A -- B  # assoc\nB -> A  # takes over\n",
        "# takes over\nB -> A  # assoc\n",
    ),
    (
        "a chain is not joined across comments",
        "A -> B  # one\nB -> C  # two\n",
        "A -> B  # one\nB -> C  # two\n",
    ),
]


@pytest.mark.parametrize(("what", "source", "expected"), PLACEMENT, ids=[p[0] for p in PLACEMENT])
def test_comment_placement(what: str, source: str, expected: str) -> None:
    assert fmt(source) == expected, what
    assert fmt(expected) == expected, "the canonical text is a fixed point"


def test_fmt_write_keeps_the_question_drill_wrote(tmp_path: Path) -> None:
    runner = CliRunner()
    attempt = tmp_path / "attempt.mlsd"
    result = runner.invoke(cli, ["drill", "visual-search", "-o", str(attempt)])
    assert result.exit_code == 0, result.output
    written = attempt.read_text(encoding="utf-8")
    attempt.write_text(written + "Query image -> Image encoder  # my first box\n", encoding="utf-8")
    before = [c for _, c in find_comments(attempt.read_text(encoding="utf-8"))]
    assert before, "drill writes the question as comments"
    result = runner.invoke(cli, ["fmt", "--write", str(attempt)])
    assert result.exit_code == 0, result.output
    after = [c for _, c in find_comments(attempt.read_text(encoding="utf-8"))]
    assert sorted(after) == sorted(before)
    assert "Query image -> Image encoder  # my first box" in attempt.read_text(encoding="utf-8")


def comments_of(text: str) -> list[str]:
    return sorted(c for _, c in find_comments(text))


@given(syntax_text)
def test_fmt_keeps_every_comment_of_syntax_heavy_text(text: str) -> None:
    diagram = parse_or_none(text)
    if diagram is None:
        return
    formatted = format_diagram(diagram)
    assert comments_of(formatted) == comments_of(text.replace("\r", "\n"))
    assert format_diagram(parse(formatted)) == formatted


comment_words = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029\x85"),
    max_size=15,
)


@given(diagrams(), st.data())
def test_fmt_keeps_every_comment_of_rich_diagrams(text: str, data: st.DataObject) -> None:
    lines = text.split("\n")
    out = []
    for line in lines:
        if data.draw(st.booleans()):
            out.append("# " + data.draw(comment_words))
        trailing = data.draw(st.booleans())
        out.append(line + ("  # " + data.draw(comment_words) if trailing else ""))
    source = "\n".join(out)
    formatted = fmt(source)
    assert comments_of(formatted) == comments_of(source)
    assert parse(formatted) == parse(source)
    assert fmt(formatted) == formatted
