"""Properties of the parser and formatter over generated text (hypothesis)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlsd_draw import Diagram, ParseError, format_diagram, parse
from mlsd_draw.language.parser import normalise_newlines

# Text made mostly of the language's own syntax, so generated files hit every path.
SYNTAX = [*'->-<={}[];:,#"\\@ \n\t', "->", "<-", "--", "<->", "=>", "→", "kind", "aka"]
WORDS = ["A", "B", "Ranking", "Feature store", "é", "x1", "store", "weight", "note", "3"]
chunks = st.sampled_from(SYNTAX + WORDS)
syntax_text = st.lists(chunks, max_size=40).map("".join)

settings.register_profile(
    "mlsd", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("mlsd")


def parse_or_none(text: str) -> Diagram | None:
    try:
        return parse(text, path="h.mlsd")
    except ParseError as error:
        assert error.errors, "a ParseError always carries at least one error"
        for problem in error.errors:
            # a lone \r ends a line too (see parse)
            assert 1 <= problem.span.line <= normalise_newlines(text).count("\n") + 1
            assert problem.span.column >= 1
        error.render()  # rendering never fails, whatever the span
        return None


@given(st.text(max_size=200))
def test_any_text_parses_or_raises_parse_error(text: str) -> None:
    parse_or_none(text)


@given(syntax_text)
def test_syntax_heavy_text_parses_or_raises_parse_error(text: str) -> None:
    parse_or_none(text)


@given(syntax_text)
def test_fmt_round_trips_and_is_idempotent(text: str) -> None:
    diagram = parse_or_none(text)
    if diagram is None:
        return
    formatted = format_diagram(diagram)
    again = parse(formatted)
    assert again == diagram
    assert format_diagram(again) == formatted


# Well-formed diagrams built from parts, so the round trip is tested on rich files too.
name_chars = st.characters(
    blacklist_categories=("Cs", "Cc"),
    blacklist_characters="\n\r\u2028\u2029\x85\x0b\x0c\x1c\x1d\x1e",
)
names = st.text(name_chars, min_size=1, max_size=12).filter(lambda n: any(c.isalnum() for c in n))
free_text = st.text(name_chars, min_size=1, max_size=20).filter(lambda t: t.strip() != "")


def quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@st.composite
def diagrams(draw: st.DrawFn) -> str:
    nodes = draw(st.lists(names, min_size=1, max_size=8, unique_by=lambda n: n.lower()))
    lines = []
    if draw(st.booleans()):
        lines.append(f"@case {quoted(draw(free_text))}")
    groups = draw(st.lists(names, max_size=3))
    depth = 0
    for node in nodes:
        open_group: bool = draw(st.booleans())
        if groups and open_group:
            lines.append(f"{quoted(groups.pop())} {{")
            depth += 1
        attrs = []
        if draw(st.booleans()):
            aliases = draw(st.lists(free_text, min_size=1, max_size=3))
            attrs.append(f"aka: {', '.join(quoted(a) for a in aliases)}")
        if draw(st.booleans()):
            attrs.append(f"weight: {draw(st.integers(0, 5))}")
        if draw(st.booleans()):
            attrs.append(f"note: {quoted(draw(free_text))}")
        if draw(st.booleans()):
            attrs.append(f"kind: {draw(st.sampled_from(['store', 'model', 'job']))}")
        line = quoted(node) + (f" [{'; '.join(attrs)}]" if attrs else "")
        if draw(st.booleans()):
            line += f": {quoted(draw(free_text))}"
        lines.append(line)
        if depth and draw(st.booleans()):
            lines.append("}")
            depth -= 1
    for _ in range(draw(st.integers(0, 10))):
        a, b = draw(st.sampled_from(nodes)), draw(st.sampled_from(nodes))
        arrow = draw(st.sampled_from(["->", "<-", "<->", "--"]))
        label = f": {quoted(draw(free_text))}" if draw(st.booleans()) else ""
        lines.append(f"{quoted(a)} {arrow} {quoted(b)}{label}")
    lines.extend("}" * depth)
    return "\n".join(lines)


@given(diagrams())
def test_fmt_round_trips_rich_diagrams(text: str) -> None:
    diagram = parse(text)
    formatted = format_diagram(diagram)
    again = parse(formatted)
    assert again == diagram
    assert format_diagram(again) == formatted


def meaning_without_first_spellings(diagram: Diagram) -> tuple[object, ...]:
    """What a diagram says, apart from which spelling or label happened to come first."""
    nodes = {(n.id, n.aliases and frozenset(n.aliases), n.weight, n.kind) for n in diagram.nodes}
    edges = {(frozenset(e.key) if e.kind == "undirected" else e.key, e.kind) for e in diagram.edges}
    return frozenset(nodes), frozenset(edges)


@given(diagrams())
def test_reordering_top_level_statements_keeps_components_and_edges(text: str) -> None:
    lines = text.split("\n")
    if any("{" in line or "}" in line or line.startswith("@") for line in lines):
        return
    if any("conflicts with" in w.message for w in parse(text).warnings):
        return  # two values of one attribute: a warning says the first one counts
    reordered = parse("\n".join(reversed(lines)))
    assert meaning_without_first_spellings(reordered) == meaning_without_first_spellings(
        parse(text)
    )
