"""The .mlsd language: every statement form of the spec, every error and warning it lists."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import pytest

from mlsd_draw import Diagram, ParseError, format_diagram, parse, parse_file, slugify
from mlsd_draw.language.model import Edge

SPEC = Path(__file__).resolve().parents[2] / "shared" / "spec" / "mlsd-language.md"

COMPLETE_EXAMPLE = """\
@case video-recommendation
@title Video recommendation for a home feed
@prompt Recommend videos on the home page of a video platform with 10B views a day.

# Everything is optional but the components and the arrows.
Serving {
  User request -> Candidate generation -> Ranking -> Re-ranking -> Home feed
  Candidate generation [aka: retrieval, two-tower retrieval; weight: 3]
  Ranking [aka: scoring, ranker; weight: 3; note: "precise, expensive model over ~1k candidates"]
}

Training {
  Interaction logs -> Feature pipeline -> Model training -> Model registry
  Feature store [kind: store]
}

Feature pipeline -> Feature store -> Ranking
Model registry -> Ranking, Candidate generation
ANN index -> Candidate generation: nearest videos to the user embedding
Vector DB: holds the video embeddings     # a node with a description
"""


def edges(diagram: Diagram) -> set[tuple[str, str]]:
    return {e.key for e in diagram.edges}


def test_complete_example() -> None:
    diagram = parse(COMPLETE_EXAMPLE)
    d = diagram.directives
    assert d.case == "video-recommendation"
    assert d.title == "Video recommendation for a home feed"
    assert d.prompt == "Recommend videos on the home page of a video platform with 10B views a day."
    assert [g.name for g in diagram.groups] == ["Serving", "Training"]
    ranking = diagram.node("ranking")
    assert ranking.group == "serving"
    assert ranking.aliases == ("scoring", "ranker")
    assert ranking.weight == 3
    assert ranking.note == "precise, expensive model over ~1k candidates"
    assert diagram.node("candidate-generation").aliases == ("retrieval", "two-tower retrieval")
    assert diagram.node("feature-store").kind == "store"
    # First mention decides the group: Feature store is declared inside Training.
    assert diagram.node("feature-store").group == "training"
    assert diagram.node("ann-index").group is None
    assert diagram.node("vector-db").description == "holds the video embeddings"
    assert ("model-registry", "candidate-generation") in edges(diagram)
    ann = next(e for e in diagram.edges if e.key == ("ann-index", "candidate-generation"))
    assert ann.label == "nearest videos to the user embedding"
    assert len(diagram.nodes) == 12
    assert len(diagram.edges) == 12
    assert [w.message for w in diagram.warnings] == ["'Vector DB' is connected to nothing"]


# (source, expected edges as "a>b" for directed and "a-b" for undirected)
STATEMENT_FORMS = [
    ("A -> B -> C", {"a>b", "b>c"}),
    ("A <- B", {"b>a"}),
    ("A <-> B", {"a>b", "b>a"}),
    ("A -- B", {"a-b"}),
    ("A, B -> C, D", {"a>c", "a>d", "b>c", "b>d"}),
    ("A -> B: text", {"a>b"}),
    ("A -> B [weight: 2]", {"a>b"}),
    ("Serving { A -> B }", {"a>b"}),
    ("Serving [note: online] { A -> B }", {"a>b"}),
    ("Feature store [kind: store] -> Ranking [weight: 2]", {"feature-store>ranking"}),
    ("Re-ranking -> A/B testing", {"re-ranking>a-b-testing"}),
    ("Is it spam? -> Two-tower model (user & item)", {"is-it-spam>two-tower-model-user-item"}),
    ('"Embeddings (user, item)" -> Ranking', {"embeddings-user-item>ranking"}),
    ("A; B -> C", {"b>c"}),
    ("A -> B -> C [weight: 2]: both", {"a>b", "b>c"}),
]


@pytest.mark.parametrize(("source", "expected"), STATEMENT_FORMS)
def test_statement_forms(source: str, expected: set[str]) -> None:
    diagram = parse(source)
    written = {f"{e.source}{'>' if e.kind == 'directed' else '-'}{e.target}" for e in diagram.edges}
    assert written == expected


def test_edge_attributes_apply_to_every_edge_of_a_chain() -> None:
    diagram = parse("A -> B -> C [weight: 2]: both")
    assert {(e.weight, e.label) for e in diagram.edges} == {(2.0, "both")}


def test_attributes_right_after_a_name_belong_to_the_node() -> None:
    diagram = parse("Feature store [kind: store] -> Ranking [weight: 2]")
    assert diagram.node("feature-store").kind == "store"
    assert diagram.node("ranking").weight == 1
    assert diagram.edges[0].weight == 2


def test_names_are_one_node_by_slug_and_keep_their_first_spelling() -> None:
    diagram = parse("Feature Store -> A\nfeature store -> B\nfeature-store -> C")
    assert [n.label for n in diagram.nodes if n.id == "feature-store"] == ["Feature Store"]
    assert len(diagram.nodes) == 4


def test_inner_whitespace_collapses() -> None:
    assert parse("  Feature    store  -> B").nodes[0].label == "Feature store"


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Re-ranking", "re-ranking"),
        ("A/B testing", "a-b-testing"),
        ("  Two-tower model (user & item) ", "two-tower-model-user-item"),
        ("Café ÜBER", "café-über"),
        ("---", ""),
    ],
)
def test_slugify(name: str, slug: str) -> None:
    assert slugify(name) == slug


def test_quoted_strings_and_escapes() -> None:
    diagram = parse('"say \\"hi\\" \\\\ now" -> B')
    assert diagram.nodes[0].label == 'say "hi" \\ now'


def test_quoted_description_may_hold_syntax_characters() -> None:
    diagram = parse('A: "holds; #1 {all}" \nA -> B')
    assert diagram.node("a").description == "holds; #1 {all}"


def test_comment_inside_quotes_is_text() -> None:
    diagram = parse('A -> B: "label # not a comment"')
    assert diagram.edges[0].label == "label # not a comment"


def test_aka_items_may_be_quoted_to_hold_commas() -> None:
    diagram = parse('A [aka: x, "y, z", w] -> B')
    assert diagram.node("a").aliases == ("x", "y, z", "w")


def test_attribute_list_may_span_lines() -> None:
    diagram = parse("A [aka: x;\n   weight: 2;\n   note: spans lines] -> B")
    node = diagram.node("a")
    assert (node.aliases, node.weight, node.note) == (("x",), 2.0, "spans lines")


def test_group_membership_by_first_mention_and_nesting() -> None:
    diagram = parse("Offline {\n  Training { A -> B }\n  C -> A\n}\nB -> D")
    assert [(g.id, g.parent) for g in diagram.groups] == [
        ("offline", None),
        ("training", "offline"),
    ]
    assert {n.id: n.group for n in diagram.nodes} == {
        "a": "training",
        "b": "training",
        "c": "offline",
        "d": None,
    }


def test_group_and_component_may_share_a_name() -> None:
    diagram = parse("Monitoring { Monitoring -> Alerts }")
    assert diagram.node("monitoring").group == "monitoring"
    assert diagram.warnings == ()


def test_directives() -> None:
    diagram = parse(
        "@case x\n@title T\n@prompt one\n@prompt two\n@level core\n@source book\nA -> B"
    )
    d = diagram.directives
    assert (d.case, d.title, d.prompt, d.level, d.source) == ("x", "T", "one two", "core", "book")


def test_undirected_edge_is_one_edge() -> None:
    diagram = parse("A -- B\nB -- A")
    assert [(e.key, e.kind) for e in diagram.edges] == [(("a", "b"), "undirected")]


def test_to_networkx() -> None:
    graph = parse(COMPLETE_EXAMPLE).to_networkx()
    assert graph.number_of_nodes() == 12
    assert graph.nodes["ranking"]["weight"] == 3
    assert graph.edges["ann-index", "candidate-generation"]["label"].startswith("nearest")


def test_edge_key() -> None:
    assert Edge("a", "b").key == ("a", "b")


# Every error the spec lists, with the exact text a person sees. (name, source, output)
ERROR_CASES = [
    (
        "arrow without target",
        "feature store -> candidate gen ->\n",
        """\
t.mlsd:1:32: error: this arrow has no target
  1 | feature store -> candidate gen ->
    |                                ^^ expected a component name after '->'""",
    ),
    (
        "arrow without source",
        "A -> B\n-> C\n",
        """\
t.mlsd:2:1: error: this arrow has no source
  2 | -> C
    | ^^ expected a component name before '->'""",
    ),
    (
        "empty file",
        "",
        """\
t.mlsd:1:1: error: the file has no components
  1 |
    | ^ write the architecture as arrows, e.g. `User request -> Ranking -> Results`""",
    ),
    (
        "only comments and directives",
        "@case x\n# nothing yet\n",
        """\
t.mlsd:1:1: error: the file has no components
  1 | @case x
    | ^^^^^^^ write the architecture as arrows, e.g. `User request -> Ranking -> Results`""",
    ),
    (
        "unclosed brace",
        "Serving {\n  A -> B\n",
        """\
t.mlsd:1:9: error: this '{' is never closed
  1 | Serving {
    |         ^ add a '}' to close the group 'Serving'""",
    ),
    (
        "unclosed bracket",
        "A [kind: store -> B\nC -> D\n",
        """\
t.mlsd:1:3: error: this '[' is never closed
  1 | A [kind: store -> B
    |   ^ close the attribute list with ']'""",
    ),
    (
        "unterminated quote",
        'A -> "Feature store\nB -> C\n',
        """\
t.mlsd:1:6: error: this quote is never closed
  1 | A -> "Feature store
    |      ^ add the closing '"' on the same line""",
    ),
    (
        "closing brace without group",
        "A -> B\n}\n",
        """\
t.mlsd:2:1: error: this '}' closes no group
  2 | }
    | ^ remove it, or open the group with `Name {` before its components""",
    ),
    (
        "directive after first statement",
        "A -> B\n@case late\n",
        """\
t.mlsd:2:1: error: the directive '@case' comes after the first statement
  2 | @case late
    | ^^^^^ move it to the top of the file, before any component""",
    ),
    (
        "name without letter or digit",
        "*** -> B\n",
        """\
t.mlsd:1:1: error: '***' is not a usable name: it has no letter or digit
  1 | *** -> B
    | ^^^ name the component with words, e.g. `Feature store`""",
    ),
    (
        "stray closing bracket",
        "A -> B ]\n",
        """\
t.mlsd:1:8: error: this ']' closes nothing
  1 | A -> B ]
    |        ^ remove it, or add the '[' it closes""",
    ),
    (
        "weight not a number",
        "A [weight: heavy] -> B\n",
        """\
t.mlsd:1:12: error: weight must be a number from 0 to 1000, not 'heavy'
  1 | A [weight: heavy] -> B
    |            ^^^^^ use 0 for a bonus item, 1 (the default) or more for core components""",
    ),
    (
        "negative weight",
        "A [weight: -1] -> B\n",
        """\
t.mlsd:1:12: error: weight must be a number from 0 to 1000, not '-1'
  1 | A [weight: -1] -> B
    |            ^^ use 0 for a bonus item, 1 (the default) or more for core components""",
    ),
    (
        "attribute without colon",
        "A [kind store] -> B\n",
        """\
t.mlsd:1:4: error: attribute 'kind store' has no value
  1 | A [kind store] -> B
    |    ^^^^^^^^^^ write attributes as `key: value`, separated by ';', e.g. `kind: store`""",
    ),
    (
        "attribute with empty value",
        "A [note: ] -> B\n",
        """\
t.mlsd:1:4: error: attribute 'note' has no value
  1 | A [note: ] -> B
    |    ^^^^^ write a value after 'note:', or remove it""",
    ),
    (
        "two names in a row",
        '"Embeddings" "(user, item)" -> B\n',
        """\
t.mlsd:1:14: error: two names in a row: 'Embeddings' then '(user, item)'
  1 | "Embeddings" "(user, item)" -> B
    |              ^^^^^^^^^^^^^^ put an arrow between them (`A -> B`), or quote the whole name""",
    ),
    (
        "dangling comma",
        "A, -> B\n",
        """\
t.mlsd:1:4: error: this arrow has no source
  1 | A, -> B
    |    ^^ expected a component name before '->'""",
    ),
    (
        "group opened by an edge",
        "A -> B {\n}\n",
        """\
t.mlsd:1:8: error: only a name (and attributes) can open a group
  1 | A -> B {
    |        ^ write `Group name {` on its own line, then the components inside""",
    ),
    (
        "group without name",
        "{ A -> B }\n",
        """\
t.mlsd:1:1: error: this group has no name
  1 | { A -> B }
    | ^ write the group's name before '{', e.g. `Serving {`""",
    ),
    (
        "description without component",
        ": holds embeddings\n",
        """\
t.mlsd:1:1: error: this ':' has no component before it
  1 | : holds embeddings
    | ^ a description follows a name: `Vector DB: holds embeddings`""",
    ),
    (
        "attributes without component",
        "[kind: store]\n",
        """\
t.mlsd:1:1: error: this attribute list belongs to no component
  1 | [kind: store]
    | ^^^^^^^^^^^^^ put it right after a name: `Feature store [kind: store]`""",
    ),
    (
        "directive without a name",
        "@ visual-search\nA -> B\n",
        """\
t.mlsd:1:1: error: this '@' names no directive
  1 | @ visual-search
    | ^ write the directive's name right after '@', e.g. `@case visual-search`""",
    ),
    (
        "directive without value",
        "@case\nA -> B\n",
        """\
t.mlsd:1:1: error: '@case' has no value
  1 | @case
    | ^^^^^ write it as `@case value`""",
    ),
    (
        "name starting with @",
        "A -> @B\n",
        """\
t.mlsd:1:6: error: a name cannot start with '@': '@B'
  1 | A -> @B
    |      ^^ directives such as `@case` go at the top of the file, each on its own line""",
    ),
    (
        "line number wider than one digit",
        "A -> B\n" * 9 + "C ->\n",
        """\
t.mlsd:10:3: error: this arrow has no target
  10 | C ->
     |   ^^ expected a component name after '->'""",
    ),
]


@pytest.mark.parametrize(
    ("source", "expected"), [c[1:] for c in ERROR_CASES], ids=[c[0] for c in ERROR_CASES]
)
def test_error(source: str, expected: str) -> None:
    with pytest.raises(ParseError) as info:
        parse(source, path="t.mlsd")
    assert info.value.render() == expected
    assert str(info.value) == expected


def test_error_every_problem_of_a_file_in_one_run() -> None:
    source = "A ->\nB [weight: x] -> C\n}\nD -> E\n@case late\n"
    with pytest.raises(ParseError) as info:
        parse(source, path="t.mlsd")
    assert [(d.span.line, d.message) for d in info.value.errors] == [
        (1, "this arrow has no target"),
        (2, "weight must be a number from 0 to 1000, not 'x'"),
        (3, "this '}' closes no group"),
        (5, "the directive '@case' comes after the first statement"),
    ]


def test_error_unclosed_bracket_still_checks_later_lines() -> None:
    with pytest.raises(ParseError) as info:
        parse("A [kind: store\nB -> C\nD ->\n", path="t.mlsd")
    assert [(d.span.line, d.message) for d in info.value.errors] == [
        (1, "this '[' is never closed"),
        (3, "this arrow has no target"),
    ]


# (name, source, message, line, column, hint)
WARNING_CASES = [
    ("unknown key", "A [colour: red] -> B", "unknown attribute 'colour'", 1, 4, "known: kind, weight, aka, note"),
    ("misspelt key", "A [wieght: 2] -> B", "unknown attribute 'wieght'", 1, 4, "did you mean 'weight'?"),
    ("self loop", "A -> A", "'A' feeds itself", 1, 3, "remove this arrow, or give the two ends different names"),
    ("isolated node", "Lonely\nA -> B", "'Lonely' is connected to nothing", 1, 1, "draw what feeds it or what it feeds, e.g. `Lonely -> ...`"),
    ("edge end names a group", "Training { A -> B }\nTraining -> B", "'Training' is also the name of a group; this arrow joins a component of that name, not the group", 2, 1, "edges join components: name a component inside the group instead"),
    ("arrow synonym -->", "A --> B", "'-->' is read as '->'", 1, 3, "write '->', the arrow of this language"),
    ("arrow synonym =>", "A => B", "'=>' is read as '->'", 1, 3, "write '->', the arrow of this language"),
    ("arrow synonym unicode", "A → B", "'→' is read as '->'", 1, 3, "write '->', the arrow of this language"),
    ("arrow synonym <--", "A <-- B", "'<--' is read as '<-'", 1, 3, "write '<-', the arrow of this language"),
    ("lone >", "A > B -> C", "'>' is kept as part of the name 'A > B'", 1, 3, "did you mean '->'?"),
    ("misspelt directive", "@cse x\nA -> B", "unknown directive '@cse'", 1, 1, "did you mean 'case'?"),
    ("unknown kind", "A [kind: database] -> B", "unknown kind 'database'", 1, 10, "did you mean 'store'?"),
    ("key for another target", "A -> B [aka: x]", "'aka' does not apply to edges; it is ignored", 1, 9, "edges take: weight, note, label"),
    ("directive twice", "@title A\n@title B\nA -> B", "'@title' is given twice", 2, 1, "the last one counts: 'B'"),
    ("unclosed parenthesis", "A -> B (x, C", "the '(' in 'B (x' is not closed, so the name ends at this ','", 1, 10, "close the parentheses on the same line, or quote the name"),
    ("kind twice", "A [kind: store]\nA [kind: model] -> B", "kind 'model' conflicts with the kind 'store' given earlier; the first one is kept", 2, 10, "give each kind once (`mlsd-draw fmt` writes a component's attributes together)"),
    ("weight twice on an edge", "A -> B [weight: 2]\nA -> B [weight: 3]", "weight '3' conflicts with the weight '2' given earlier; the first one is kept", 2, 17, "give each weight once (`mlsd-draw fmt` writes a component's attributes together)"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("source", "message", "line", "column", "hint"),
    [c[1:] for c in WARNING_CASES],
    ids=[c[0] for c in WARNING_CASES],
)
def test_warning(source: str, message: str, line: int, column: int, hint: str) -> None:
    diagram = parse(source)
    assert [(w.message, w.span.line, w.span.column, w.hint) for w in diagram.warnings] == [
        (message, line, column, hint)
    ]


def test_warning_renders_with_caret() -> None:
    diagram = parse("A --> B\n", path="t.mlsd")
    assert diagram.warnings[0].render("A --> B\n", "t.mlsd") == (
        "t.mlsd:1:3: warning: '-->' is read as '->'\n"
        "  1 | A --> B\n"
        "    |   ^^^ write '->', the arrow of this language"
    )


def test_arrow_synonyms_give_the_same_edges() -> None:
    assert parse("A --> B => C → D") == parse("A -> B -> C -> D")


def _spec_examples() -> list[str]:
    if not SPEC.exists():
        return []
    blocks = re.findall(r"```\n(.*?)```", SPEC.read_text(encoding="utf-8"), flags=re.DOTALL)
    return [b for b in blocks if "->" in b and "error:" not in b]


@pytest.mark.skipif(not SPEC.exists(), reason="the shared spec is not beside the project")
def test_every_example_block_of_the_shared_spec_parses() -> None:
    examples = _spec_examples()
    assert examples
    for example in examples:
        assert parse(example) == parse(format_diagram(parse(example)))


@pytest.mark.skipif(not SPEC.exists(), reason="the shared spec is not beside the project")
def test_every_inline_statement_form_of_the_shared_spec_parses() -> None:
    text = SPEC.read_text(encoding="utf-8")
    table = text.split("## Statements", 1)[1].split("## Attributes", 1)[0]
    forms = re.findall(r"^\| `([^`]+)`", table, flags=re.MULTILINE)
    assert len(forms) >= 10
    for form in forms:
        source = form.replace("...", "A -> B")
        if source.startswith("@"):
            source += "\nA -> B"
        parse(source)


@pytest.mark.parametrize(
    "statements",
    [["A -> B", "A -- B"], ["B -> A", "A -- B"], ["A -- B", "B -> A", "A -> B"]],
)
def test_an_association_merges_into_a_directed_edge_in_any_order(statements: list[str]) -> None:
    forwards = parse("\n".join(statements))
    backwards = parse("\n".join(reversed(statements)))
    assert forwards == backwards
    assert all(e.kind == "directed" for e in forwards.edges)


@pytest.mark.parametrize("source", ["A -> B", "A ->"])
@pytest.mark.parametrize("enabled", [True, False])
def test_parse_leaves_the_garbage_collector_as_it_found_it(source: str, enabled: bool) -> None:
    import gc

    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        with contextlib.suppress(ParseError):
            parse(source)
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


@pytest.mark.parametrize(
    ("text", "labels"),
    [
        ("Ranker (XGBoost, LightGBM) -> Feed", ["Ranker (XGBoost, LightGBM)", "Feed"]),
        ("Store (k: v, w) -> B", ["Store (k: v, w)", "B"]),
        ("A (x) , B -> C", ["A (x)", "B", "C"]),
        ("Outer (a, (b, c)) -> D", ["Outer (a, (b, c))", "D"]),
    ],
)
def test_a_comma_inside_a_names_parentheses_stays_in_the_name(text: str, labels: list[str]) -> None:
    diagram = parse(text)
    assert [n.label for n in diagram.nodes] == labels
    assert diagram.warnings == ()


def test_an_alias_may_hold_a_comma_inside_parentheses() -> None:
    (node, _) = parse("A [aka: Ranker (XGBoost, LightGBM), B] -> C").nodes
    assert node.aliases == ("Ranker (XGBoost, LightGBM)", "B")


def test_a_byte_order_mark_is_ignored(tmp_path: Path) -> None:
    text = "\ufeff@case x\nA -> B\n"
    diagram = parse(text)
    assert diagram.directives.case == "x" and [n.label for n in diagram.nodes] == ["A", "B"]
    path = tmp_path / "bom.mlsd"
    path.write_bytes(text.encode("utf-8"))
    assert parse_file(path) == diagram


@pytest.mark.parametrize("ending", ["\r", "\r\n", "\n"])
def test_every_line_ending_ends_a_statement_alike_in_files_and_strings(
    ending: str, tmp_path: Path
) -> None:
    text = ending.join(["A -> B", "C -> D", ""])
    path = tmp_path / "a.mlsd"
    path.write_bytes(text.encode("utf-8"))
    expected = parse("A -> B\nC -> D\n")
    assert parse(text) == expected
    assert parse_file(path) == expected


@pytest.mark.parametrize("weight", ["1e308", "1001", "inf", "nan"])
def test_a_weight_past_the_limit_is_an_error(weight: str) -> None:
    with pytest.raises(ParseError, match="weight must be a number from 0 to 1000"):
        parse(f"A [weight: {weight}] -> B")


@pytest.mark.parametrize("weight", ["1000", "0.1", "123.4567", "2.5", "7"])
def test_fmt_keeps_every_weight_exactly(weight: str) -> None:
    formatted = format_diagram(parse(f"A [weight: {weight}] -> B"))
    assert f"weight: {weight}]" in formatted
    assert parse(formatted).node("a").weight == float(weight)


def test_groups_nest_at_most_32_deep() -> None:
    def nested(depth: int) -> str:
        return "".join(f"G{i} {{\n" for i in range(depth)) + "A -> B\n" + "}\n" * depth

    assert len(parse(nested(32)).groups) == 32
    with pytest.raises(ParseError, match="groups nest more than 32 deep here") as info:
        parse(nested(1000))
    assert len(info.value.errors) == 1  # said once, not once per level


def test_a_very_long_line_is_shown_around_the_caret() -> None:
    text = "A -> B " + "x" * 5000 + " -> "
    with pytest.raises(ParseError) as info:
        parse(text, path="long.mlsd")
    shown = info.value.render()
    assert max(len(line) for line in shown.splitlines()) < 300
    assert "..." in shown and "^" in shown
