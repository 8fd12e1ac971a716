"""Reading DOT, Mermaid and Markdown; writing Mermaid; round trips; grading Mermaid like `.mlsd`."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlsd_draw import Diagram, ParseError, UsageError, parse
from mlsd_draw.formats.dispatch import (
    format_for_path,
    read_diagram,
    read_diagram_file,
    write_diagram,
)
from mlsd_draw.formats.dot_reader import read_dot
from mlsd_draw.formats.dot_writer import diagram_to_dot
from mlsd_draw.formats.mermaid_reader import read_markdown, read_mermaid
from mlsd_draw.formats.mermaid_writer import mermaid_quote, to_mermaid
from mlsd_draw.grading.scoring import grade
from mlsd_draw.library.references import load_case, shipped_case_ids

NodeView = dict[str, tuple[str, str | None, str | None]]
EdgeView = dict[tuple[str, str], tuple[str, str | None]]
GroupView = dict[str, tuple[str, str | None]]


def nodes_of(diagram: Diagram) -> NodeView:
    """id -> (name, group id, kind)."""
    return {n.id: (n.label, n.group, n.kind) for n in diagram.nodes}


def edges_of(diagram: Diagram) -> EdgeView:
    """(source, target) -> (kind, label)."""
    return {e.key: (e.kind, e.label) for e in diagram.edges}


def groups_of(diagram: Diagram) -> GroupView:
    """id -> (name, parent id)."""
    return {g.id: (g.name, g.parent) for g in diagram.groups}


def mermaid(text: str) -> Diagram:
    return read_mermaid(text, path="notes.mmd")


def dot(text: str) -> Diagram:
    return read_dot(text, path="graph.dot")


def warnings_of(diagram: Diagram) -> list[tuple[int, int, str]]:
    return [(w.span.line, w.span.column, w.message) for w in diagram.warnings]


# -- formats ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "fmt"),
    [
        ("a.mlsd", "mlsd"),
        ("a.dot", "dot"),
        ("dir/a.GV", "dot"),
        ("a.mmd", "mermaid"),
        ("a.mermaid", "mermaid"),
        ("README.md", "markdown"),
        ("notes.markdown", "markdown"),
        ("-", "mlsd"),
        ("attempt.txt", "mlsd"),
        ("no-extension", "mlsd"),
    ],
)
def test_format_for_path(path: str, fmt: str) -> None:
    assert format_for_path(path) == fmt


def test_unknown_formats_are_usage_errors() -> None:
    with pytest.raises(UsageError, match="unknown input format 'svg'"):
        read_diagram("A -> B", path="x", fmt="svg")
    with pytest.raises(UsageError, match="unknown output format 'png'"):
        write_diagram(parse("A -> B"), "png")


def test_mlsd_format_is_the_language_parser() -> None:
    assert read_diagram("A -> B", path="a.mlsd", fmt="mlsd") == parse("A -> B")


def test_read_diagram_file_picks_the_reader_by_extension(tmp_path: Path) -> None:
    (tmp_path / "a.mmd").write_text("flowchart LR\n  a[Feature store] --> b[Ranking]\n")
    (tmp_path / "a.gv").write_text('digraph { "Feature store" -> Ranking }\n')
    (tmp_path / "a.mlsd").write_text("Feature store -> Ranking\n")
    diagrams = [read_diagram_file(tmp_path / name) for name in ("a.mmd", "a.gv", "a.mlsd")]
    assert diagrams[0] == diagrams[1] == diagrams[2]


def test_write_diagram_formats() -> None:
    diagram = parse("A -> B")
    assert write_diagram(diagram, "mlsd") == "A -> B\n"
    assert write_diagram(diagram, "dot") == diagram_to_dot(diagram)
    assert write_diagram(diagram, "mermaid") == to_mermaid(diagram)


# -- Mermaid: one construct per case -------------------------------------------------------

MERMAID_CASES: list[tuple[str, str, NodeView, EdgeView, GroupView]] = [
    (
        "ids without labels",
        "flowchart LR\n  A --> B",
        {"a": ("A", None, None), "b": ("B", None, None)},
        {("a", "b"): ("directed", None)},
        {},
    ),
    (
        "graph TD header, labels become names",
        "graph TD\n  fs[Feature store] --> rk[Ranking]",
        {"feature-store": ("Feature store", None, None), "ranking": ("Ranking", None, None)},
        {("feature-store", "ranking"): ("directed", None)},
        {},
    ),
    (
        "shapes become kinds",
        "flowchart LR\n  a[(DB)] --> b([Request]) --> c[[Job]] --> d{{Model}} --> e[/Logs/] --> f>Queue] --> g(Service) --> h{Decision} --> i((Circle))",
        {
            "db": ("DB", None, "store"),
            "request": ("Request", None, "client"),
            "job": ("Job", None, "job"),
            "model": ("Model", None, "model"),
            "logs": ("Logs", None, "data"),
            "queue": ("Queue", None, "queue"),
            "service": ("Service", None, "service"),
            "decision": ("Decision", None, None),
            "circle": ("Circle", None, None),
        },
        {
            ("db", "request"): ("directed", None),
            ("request", "job"): ("directed", None),
            ("job", "model"): ("directed", None),
            ("model", "logs"): ("directed", None),
            ("logs", "queue"): ("directed", None),
            ("queue", "service"): ("directed", None),
            ("service", "decision"): ("directed", None),
            ("decision", "circle"): ("directed", None),
        },
        {},
    ),
    (
        "other shapes: trapezoids, double circle, reversed parallelogram",
        "flowchart LR\n  a[/Trap\\] --> b[\\Alt\\] --> c(((Twice)))",
        {
            "trap": ("Trap", None, None),
            "alt": ("Alt", None, "data"),
            "twice": ("Twice", None, None),
        },
        {("trap", "alt"): ("directed", None), ("alt", "twice"): ("directed", None)},
        {},
    ),
    (
        "quoted labels may hold brackets, entity codes are decoded",
        'flowchart LR\n  a["Embeddings (user, item)"] --> b["A #quot;quoted#quot; #35;1 &amp; more"]',
        {
            "embeddings-user-item": ("Embeddings (user, item)", None, None),
            "a-quoted-1-more": ('A "quoted" #1 & more', None, None),
        },
        {("embeddings-user-item", "a-quoted-1-more"): ("directed", None)},
        {},
    ),
    (
        "line breaks and markup in labels become spaces",
        'flowchart LR\n  a["Feature<br/>store"] --> b[<b>Ranking</b> model] --> c["`**Re-ranking**`"]',
        {
            "feature-store": ("Feature store", None, None),
            "ranking-model": ("Ranking model", None, None),
            "re-ranking": ("Re-ranking", None, None),
        },
        {
            ("feature-store", "ranking-model"): ("directed", None),
            ("ranking-model", "re-ranking"): ("directed", None),
        },
        {},
    ),
    (
        "unquoted labels have their spaces collapsed; brackets may nest",
        "flowchart LR\n  a[  Two   tower  ] --> b(Model (v2))",
        {"two-tower": ("Two tower", None, None), "model-v2": ("Model (v2)", None, "service")},
        {("two-tower", "model-v2"): ("directed", None)},
        {},
    ),
    (
        "a chain",
        "flowchart LR\n  A --> B --> C --> D",
        {
            "a": ("A", None, None),
            "b": ("B", None, None),
            "c": ("C", None, None),
            "d": ("D", None, None),
        },
        {
            ("a", "b"): ("directed", None),
            ("b", "c"): ("directed", None),
            ("c", "d"): ("directed", None),
        },
        {},
    ),
    (
        "every link style",
        "flowchart LR\n  A --> B\n  A --- C\n  A -.-> D\n  A ==> E\n  A -.- F\n  A === G\n  A ----> H\n  A --o I\n  A --x J",
        {k.lower(): (k, None, None) for k in "ABCDEFGHIJ"},
        {
            ("a", "b"): ("directed", None),
            ("a", "c"): ("undirected", None),
            ("a", "d"): ("directed", None),
            ("a", "e"): ("directed", None),
            ("a", "f"): ("undirected", None),
            ("a", "g"): ("undirected", None),
            ("a", "h"): ("directed", None),
            ("a", "i"): ("directed", None),
            ("a", "j"): ("directed", None),
        },
        {},
    ),
    (
        "link labels in every spelling",
        'flowchart LR\n  A -->|nightly| B\n  A --text--> C\n  A -- two words --> D\n  A == thick ==> E\n  A -. dotted .-> F\n  A ---|plain line| G\n  A -->|"a | bar"| H',
        {k.lower(): (k, None, None) for k in "ABCDEFGH"},
        {
            ("a", "b"): ("directed", "nightly"),
            ("a", "c"): ("directed", "text"),
            ("a", "d"): ("directed", "two words"),
            ("a", "e"): ("directed", "thick"),
            ("a", "f"): ("directed", "dotted"),
            ("a", "g"): ("undirected", "plain line"),
            ("a", "h"): ("directed", "a | bar"),
        },
        {},
    ),
    (
        "both ways and backwards",
        "flowchart LR\n  A <--> B\n  C <-.-> D\n  E <--- F",
        {k.lower(): (k, None, None) for k in "ABCDEF"},
        {
            ("a", "b"): ("directed", None),
            ("b", "a"): ("directed", None),
            ("c", "d"): ("directed", None),
            ("d", "c"): ("directed", None),
            ("f", "e"): ("directed", None),
        },
        {},
    ),
    (
        "& fans in and out",
        "flowchart LR\n  A & B --> C & D",
        {k.lower(): (k, None, None) for k in "ABCD"},
        {
            ("a", "c"): ("directed", None),
            ("a", "d"): ("directed", None),
            ("b", "c"): ("directed", None),
            ("b", "d"): ("directed", None),
        },
        {},
    ),
    (
        "; separates statements, %% comments and looks are ignored",
        '%% a comment before the header\nflowchart LR;A-->B;B-->C\n  %% a comment\n  A:::hot --> C\n  classDef hot fill:#f96\n  class A hot\n  style B fill:#fff,stroke:#333\n  linkStyle 0 stroke:#f00\n  click A callback "tip"\n  accTitle: The title\n  accDescr { several\n lines }',
        {"a": ("A", None, None), "b": ("B", None, None), "c": ("C", None, None)},
        {
            ("a", "b"): ("directed", None),
            ("b", "c"): ("directed", None),
            ("a", "c"): ("directed", None),
        },
        {},
    ),
    (
        "subgraph forms become groups, nested",
        'flowchart LR\n  subgraph serving [Online serving]\n    A --> B\n    subgraph inner\n      C\n    end\n  end\n  subgraph Offline training\n    D\n  end\n  subgraph "Quoted title"\n    E\n  end\n  B --> C --> D --> E',
        {
            "a": ("A", "online-serving", None),
            "b": ("B", "online-serving", None),
            "c": ("C", "inner", None),
            "d": ("D", "offline-training", None),
            "e": ("E", "quoted-title", None),
        },
        {
            ("a", "b"): ("directed", None),
            ("b", "c"): ("directed", None),
            ("c", "d"): ("directed", None),
            ("d", "e"): ("directed", None),
        },
        {
            "online-serving": ("Online serving", None),
            "inner": ("inner", "online-serving"),
            "offline-training": ("Offline training", None),
            "quoted-title": ("Quoted title", None),
        },
    ),
    (
        "direction inside a subgraph is looks only",
        "flowchart LR\n  subgraph S\n    direction TB\n    A --> B\n  end",
        {"a": ("A", "s", None), "b": ("B", "s", None)},
        {("a", "b"): ("directed", None)},
        {"s": ("S", None)},
    ),
    (
        "a link written inside a subgraph pulls its ends in, as Mermaid draws it",
        "flowchart LR\n  A --> B\n  subgraph S\n    B --> C\n  end",
        {"a": ("A", None, None), "b": ("B", "s", None), "c": ("C", "s", None)},
        {("a", "b"): ("directed", None), ("b", "c"): ("directed", None)},
        {"s": ("S", None)},
    ),
    (
        "a node mentioned in two subgraphs stays in the first to close",
        "flowchart LR\n  subgraph one\n    A\n  end\n  subgraph two\n    A --> B\n  end",
        {"a": ("A", "one", None), "b": ("B", "two", None)},
        {("a", "b"): ("directed", None)},
        {"one": ("one", None), "two": ("two", None)},
    ),
    (
        "Mermaid 11 shape data",
        'flowchart LR\n  db@{ shape: cyl, label: "Feature store" } --> doc@{ shape: doc }',
        {"feature-store": ("Feature store", None, "store"), "doc": ("doc", None, "data")},
        {("feature-store", "doc"): ("directed", None)},
        {},
    ),
    (
        "unicode ids and labels",
        "flowchart LR\n  données[Données brutes] --> модель",
        {"données-brutes": ("Données brutes", None, None), "модель": ("модель", None, None)},
        {("données-brutes", "модель"): ("directed", None)},
        {},
    ),
    (
        "ids with dashes, dots and digits",
        "flowchart LR\n  user-db --> v2.model --> 3d",
        {
            "user-db": ("user-db", None, None),
            "v2-model": ("v2.model", None, None),
            "3d": ("3d", None, None),
        },
        {("user-db", "v2-model"): ("directed", None), ("v2-model", "3d"): ("directed", None)},
        {},
    ),
    (
        "an edge id (Mermaid 11) is skipped",
        "flowchart LR\n  A e1@--> B",
        {"a": ("A", None, None), "b": ("B", None, None)},
        {("a", "b"): ("directed", None)},
        {},
    ),
    (
        "edges merge as in .mlsd: a directed edge takes over an association",
        "flowchart LR\n  A --- B\n  B --> A\n  A -->|first| C\n  A -->|second| C",
        {"a": ("A", None, None), "b": ("B", None, None), "c": ("C", None, None)},
        {("b", "a"): ("directed", None), ("a", "c"): ("directed", "second")},
        {},
    ),
]


@pytest.mark.parametrize(
    ("text", "nodes", "edges", "groups"),
    [case[1:] for case in MERMAID_CASES],
    ids=[case[0] for case in MERMAID_CASES],
)
def test_mermaid_constructs(text: str, nodes: NodeView, edges: EdgeView, groups: GroupView) -> None:
    diagram = mermaid(text)
    assert nodes_of(diagram) == nodes
    assert edges_of(diagram) == edges
    assert groups_of(diagram) == groups


def test_mermaid_front_matter_title_and_directive_comments() -> None:
    diagram = mermaid(
        "---\ntitle: My recsys\nconfig:\n  theme: dark\n---\nflowchart LR\n"
        "  %% @case video-recommendation\n  %% @prompt Design a home feed.\n  %% @prompt Ten billion videos.\n"
        "  A --> B\n  %% @level not a directive after the first statement\n"
    )
    assert diagram.directives.title == "My recsys"
    assert diagram.directives.case == "video-recommendation"
    assert diagram.directives.prompt == "Design a home feed. Ten billion videos."
    assert diagram.directives.level is None


MERMAID_WARNINGS: list[tuple[str, str, list[tuple[int, int, str]]]] = [
    (
        "two ids with one label stay two components",
        "flowchart LR\n  a[Model] --> b[Model]",
        [(2, 16, "'a' and 'b' have the same name, 'Model'")],
    ),
    (
        "a node labelled twice: the last label wins, as Mermaid draws it",
        "flowchart LR\n  a[Ranker] --> b\n  a[Ranking model]",
        [(3, 5, "'a' is labelled twice: 'Ranker', then 'Ranking model'")],
    ),
    (
        "an invisible link is not an edge",
        "flowchart LR\n  A ~~~ B\n  A --> C",
        [
            (
                2,
                5,
                "an invisible link (~~~) only spaces out the layout, so it is not read as an edge",
            ),
            (2, 9, "'B' is connected to nothing"),
        ],
    ),
    (
        "a link to a subgraph joins a component of that name",
        "flowchart LR\n  subgraph s1 [Serving]\n    A\n  end\n  B --> s1",
        [
            (3, 5, "'A' is connected to nothing"),
            (
                5,
                9,
                "'s1' is a subgraph; edges join components, so this is read as a component named 'Serving'",
            ),
        ],
    ),
    (
        "a subgraph without a title is no group",
        "flowchart LR\n  subgraph\n    A --> B\n  end",
        [(2, 3, "this subgraph has no title, so its nodes are kept without a group")],
    ),
    (
        "a label with no letter falls back to the id",
        "flowchart LR\n  a[???] --> b",
        [(2, 3, "the label '???' has no letter or digit")],
    ),
    (
        "a self-loop",
        "flowchart LR\n  A --> A",
        [(2, 5, "'A' feeds itself")],
    ),
    (
        "an unknown directive is kept, with a hint",
        "flowchart LR\n  %% @titel Oops\n  A --> B",
        [(2, 3, "unknown directive '@titel'")],
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [case[1:] for case in MERMAID_WARNINGS],
    ids=[case[0] for case in MERMAID_WARNINGS],
)
def test_mermaid_warnings(text: str, expected: list[tuple[int, int, str]]) -> None:
    assert warnings_of(mermaid(text)) == expected


def test_duplicate_labels_are_told_apart() -> None:
    diagram = mermaid("flowchart LR\n  a[Model] --> b[Model]")
    assert nodes_of(diagram) == {
        "model": ("Model", None, None),
        "model-b": ("Model (b)", None, None),
    }
    assert edges_of(diagram) == {("model", "model-b"): ("directed", None)}
    assert (
        diagram.warnings[0].hint
        == "'b' is named 'Model (b)' so the two nodes stay apart; give them different labels"
    )


def test_last_label_wins_and_unknown_directive_is_kept() -> None:
    assert (
        nodes_of(mermaid("flowchart LR\n  a[Ranker] --> b\n  a[Ranking model]"))["ranking-model"][0]
        == "Ranking model"
    )
    assert mermaid("flowchart LR\n  %% @titel Oops\n  A --> B").directives.extra == {
        "titel": "Oops"
    }


MERMAID_ERRORS: list[tuple[str, str, str]] = [
    (
        "a link with no target",
        "flowchart LR\n  A --> B -->\n",
        "notes.mmd:2:11: error: this link has no target\n  2 |   A --> B -->\n    |           ^^^ expected a node after '-->'",
    ),
    (
        "a link with no source",
        "flowchart LR\n  --> B\n",
        "notes.mmd:2:3: error: this link has no source\n  2 |   --> B\n    |   ^^^ expected a node before '-->'",
    ),
    (
        "an unclosed shape",
        "flowchart LR\n  A[Feature store --> B\n",
        "notes.mmd:2:4: error: this '[' is never closed\n  2 |   A[Feature store --> B\n    |    ^ close the label with ']' on the same line",
    ),
    (
        "an unclosed quote",
        'flowchart LR\n  A["Feature store] --> B\n',
        'notes.mmd:2:5: error: this quote is never closed\n  2 |   A["Feature store] --> B\n    |     ^ end the label with a `"`',
    ),
    (
        "text after a quoted label",
        'flowchart LR\n  A["Feature" store] --> B\n',
        'notes.mmd:2:15: error: expected \']\' after the quoted label\n  2 |   A["Feature" store] --> B\n    |               ^ put the whole label inside the quotes: `A["..."]`',
    ),
    (
        "a name with a space",
        "flowchart LR\n  Feature store --> Ranking\n",
        "notes.mmd:2:11: error: two nodes in a row: 'Feature' then 'store'\n  2 |   Feature store --> Ranking\n    |           ^^^^^ put a link between them (`A --> B`); an id has no spaces: `feature_store[Feature store]`",
    ),
    (
        "an .mlsd arrow",
        "flowchart LR\n  A -> B\n",
        "notes.mmd:2:5: error: '->' is not a Mermaid link\n  2 |   A -> B\n    |     ^^ Mermaid's arrow is `-->` (and `---` for a line without a head)",
    ),
    (
        "link text that never ends",
        "flowchart LR\n  A -- B\n",
        "notes.mmd:2:5: error: this link's text never ends\n  2 |   A -- B\n    |     ^^ write `A -- text --> B`, or `A -->|text| B`",
    ),
    (
        "an unclosed bar label",
        "flowchart LR\n  A -->|label B\n",
        "notes.mmd:2:8: error: this '|' is never closed\n  2 |   A -->|label B\n    |        ^ write the label between two bars: `A -->|text| B`",
    ),
    (
        "& with nothing after it",
        "flowchart LR\n  A & --> B\n",
        "notes.mmd:2:5: error: expected a node after '&'\n  2 |   A & --> B\n    |     ^ remove the '&', or name a node after it",
    ),
    (
        "an end with no subgraph",
        "flowchart LR\n  A --> B\n  end\n",
        "notes.mmd:3:3: error: this 'end' closes no subgraph\n  3 |   end\n    |   ^^^ remove it, or open a subgraph with `subgraph Title`",
    ),
    (
        "an unclosed subgraph",
        "flowchart LR\n  subgraph Serving\n    A --> B\n",
        "notes.mmd:2:3: error: this subgraph is never closed\n  2 |   subgraph Serving\n    |   ^^^^^^^^ add `end` after its last node",
    ),
    (
        "a stray bracket",
        "flowchart LR\n  A(Model (v2)) --> B)\n",
        "notes.mmd:2:22: error: unexpected ')'\n  2 |   A(Model (v2)) --> B)\n    |                      ^ quote a label that holds brackets or a bar: `A[\"f(x)\"]`",
    ),
    (
        "no header",
        "A --> B\n",
        "notes.mmd:1:1: error: a Mermaid flowchart starts with `flowchart LR` or `graph TD`\n  1 | A --> B\n    | ^ add the line `flowchart LR` above the first link",
    ),
    (
        "another kind of diagram",
        "sequenceDiagram\n  A->>B: hi\n",
        "notes.mmd:1:1: error: this is a Mermaid sequenceDiagram, not a flowchart\n  1 | sequenceDiagram\n    | ^^^^^^^^^^^^^^^ mlsd-draw reads flowcharts: `flowchart LR` (or `graph TD`), then links",
    ),
    (
        "an unknown direction",
        "flowchart XY\n  A --> B\n",
        "notes.mmd:1:11: error: unknown direction 'XY'\n  1 | flowchart XY\n    |           ^^ use LR, RL, TB, TD or BT",
    ),
    (
        "an empty text",
        "",
        "notes.mmd:1:1: error: the flowchart is empty\n  1 |\n    | ^ start with `flowchart LR`, then links such as `A --> B`",
    ),
    (
        "a header and nothing else",
        "flowchart LR\n  %% nothing yet\n",
        "notes.mmd:1:1: error: the flowchart has no nodes\n  1 | flowchart LR\n    | ^^^^^^^^^^^^ draw the architecture as links, e.g. `A[User request] --> B[Ranking]`",
    ),
    (
        "an id that is no name",
        "flowchart LR\n  _ --> B\n",
        "notes.mmd:2:3: error: '_' is not a usable name: it has no letter or digit\n  2 |   _ --> B\n    |   ^ name it with words, e.g. `Feature store`",
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [case[1:] for case in MERMAID_ERRORS],
    ids=[case[0] for case in MERMAID_ERRORS],
)
def test_mermaid_errors(text: str, expected: str) -> None:
    with pytest.raises(ParseError) as caught:
        mermaid(text)
    assert caught.value.render() == expected


def test_mermaid_reports_every_error_of_the_text() -> None:
    with pytest.raises(ParseError) as caught:
        mermaid("flowchart LR\n  A -->\n  B -> C\n  D[x\n  E --> F\n")
    assert [(e.span.line, e.message) for e in caught.value.errors] == [
        (2, "this link has no target"),
        (3, "'->' is not a Mermaid link"),
        (4, "this '[' is never closed"),
    ]


# -- Markdown ----------------------------------------------------------------------------------

README = """# My notes

Some prose, then a sequence diagram:

```mermaid
sequenceDiagram
  A->>B: hi
```

And the architecture:

~~~mermaid
flowchart LR
  A[User request] --> B[Ranking]
  B --> C
~~~

```mermaid
flowchart LR
  X --> Y
```
"""


def test_markdown_reads_the_first_mermaid_flowchart() -> None:
    diagram = read_markdown(README, path="README.md")
    assert set(nodes_of(diagram)) == {"user-request", "ranking", "c"}
    # Spans point into the whole file, so messages show the file's own line numbers.
    span = diagram.node("user-request").span
    assert span is not None
    assert span.line == 14


def test_markdown_errors_point_into_the_file() -> None:
    text = "# Notes\n\n```mermaid\nflowchart LR\n  A --> \n```\n"
    with pytest.raises(ParseError) as caught:
        read_markdown(text, path="README.md")
    assert caught.value.render() == (
        "README.md:5:5: error: this link has no target\n  5 |   A --> \n    |     ^^^ expected a node after '-->'"
    )


def test_markdown_without_a_mermaid_block() -> None:
    with pytest.raises(ParseError) as caught:
        read_markdown("# Notes\n\n```python\nprint(1)\n```\n", path="README.md")
    assert caught.value.render() == (
        "README.md:1:1: error: no ```mermaid block in this file\n  1 | # Notes\n    | ^^^^^^^ "
        "mlsd-draw reads the first fenced code block marked `mermaid` that holds a flowchart"
    )


def test_markdown_falls_back_to_the_first_block_when_none_is_a_flowchart() -> None:
    with pytest.raises(ParseError, match="this is a Mermaid pie, not a flowchart"):
        read_markdown('```mermaid\npie\n  "a": 1\n```\n', path="README.md")


# -- DOT ---------------------------------------------------------------------------------------

DOT_CASES: list[tuple[str, str, NodeView, EdgeView, GroupView]] = [
    (
        "names, labels win, escapes become spaces",
        'digraph { fs [label="Feature\\nstore"]; fs -> "Ranking model"; r [label="Re-\\lranking\\r"]; "Ranking model" -> r }',
        {
            "feature-store": ("Feature store", None, None),
            "ranking-model": ("Ranking model", None, None),
            "re-ranking": ("Re- ranking", None, None),
        },
        {
            ("feature-store", "ranking-model"): ("directed", None),
            ("ranking-model", "re-ranking"): ("directed", None),
        },
        {},
    ),
    (
        "shapes give kinds",
        "digraph { a [shape=cylinder]; b [shape=box3d]; c [shape=note]; d [shape=cds]; e [shape=component]; f [shape=box]; a -> b -> c -> d -> e -> f }",
        {
            "a": ("a", None, "store"),
            "b": ("b", None, "model"),
            "c": ("c", None, "data"),
            "d": ("d", None, "queue"),
            "e": ("e", None, "job"),
            "f": ("f", None, None),
        },
        dict.fromkeys(
            [("a", "b"), ("b", "c"), ("c", "d"), ("d", "e"), ("e", "f")], ("directed", None)
        ),
        {},
    ),
    (
        "clusters and plain subgraphs are groups, nested; anonymous ones are not",
        'digraph { subgraph cluster_serving { label="Online serving"; a -> b; subgraph cluster_inner { c } } subgraph offline { d } { rank=same; e } b -> c -> d -> e }',
        {
            "a": ("a", "online-serving", None),
            "b": ("b", "online-serving", None),
            "c": ("c", "inner", None),
            "d": ("d", "offline", None),
            "e": ("e", None, None),
        },
        {
            ("a", "b"): ("directed", None),
            ("b", "c"): ("directed", None),
            ("c", "d"): ("directed", None),
            ("d", "e"): ("directed", None),
        },
        {
            "online-serving": ("Online serving", None),
            "inner": ("inner", "online-serving"),
            "offline": ("offline", None),
        },
    ),
    (
        "a cluster's label may come from a graph statement",
        'digraph { subgraph cluster_0 { graph [label="Training"]; a } a -> b }',
        {"a": ("a", "training", None), "b": ("b", None, None)},
        {("a", "b"): ("directed", None)},
        {"training": ("Training", None)},
    ),
    (
        "undirected graphs, dir and edge labels",
        'graph { a -- b [label="related"]; b -- c [dir=forward]; c -- d [dir=back]; d -- e [dir=both] }',
        {k: (k, None, None) for k in "abcde"},
        {
            ("a", "b"): ("undirected", "related"),
            ("b", "c"): ("directed", None),
            ("d", "c"): ("directed", None),
            ("d", "e"): ("directed", None),
            ("e", "d"): ("directed", None),
        },
        {},
    ),
    (
        "dir=none in a digraph is an association",
        "digraph { a -> b [dir=none] }",
        {"a": ("a", None, None), "b": ("b", None, None)},
        {("a", "b"): ("undirected", None)},
        {},
    ),
    (
        "edges to and from subgraphs join every node in them",
        "digraph { a -> {b c}; {d e} -> f }",
        {k: (k, None, None) for k in "abcdef"},
        {
            ("a", "b"): ("directed", None),
            ("a", "c"): ("directed", None),
            ("d", "f"): ("directed", None),
            ("e", "f"): ("directed", None),
        },
        {},
    ),
    (
        "node and edge defaults are looks only",
        "digraph { node [shape=cylinder, label=x]; edge [label=y]; a -> b }",
        {"a": ("a", None, None), "b": ("b", None, None)},
        {("a", "b"): ("directed", None)},
        {},
    ),
    (
        "quoted names, entities, concatenation and \\N",
        'digraph { "Feature store" -> r; r [label="R&amp;D " + "\\N"] }',
        {"feature-store": ("Feature store", None, None), "r-d-r": ("R&D r", None, None)},
        {("feature-store", "r-d-r"): ("directed", None)},
        {},
    ),
    (
        "comments of every kind",
        "# a preprocessor line\ndigraph {\n  // a comment\n  a -> b /* another */\n}",
        {"a": ("a", None, None), "b": ("b", None, None)},
        {("a", "b"): ("directed", None)},
        {},
    ),
]


@pytest.mark.parametrize(
    ("text", "nodes", "edges", "groups"),
    [case[1:] for case in DOT_CASES],
    ids=[case[0] for case in DOT_CASES],
)
def test_dot_constructs(text: str, nodes: NodeView, edges: EdgeView, groups: GroupView) -> None:
    diagram = dot(text)
    assert nodes_of(diagram) == nodes
    assert edges_of(diagram) == edges
    assert groups_of(diagram) == groups


def test_dot_graph_label_is_the_title_and_tooltips_are_notes() -> None:
    diagram = dot('digraph { label="My recsys"; a [tooltip="why a"]; a -> b [tooltip="why"] }')
    assert diagram.directives.title == "My recsys"
    assert diagram.node("a").note == "why a"
    assert diagram.edges[0].note == "why"


DOT_UNSUPPORTED = """digraph {
  users [shape=record, label="{<id> Users|<name> name}"];
  fs [label=<<b>Feature</b> store>];
  users:id -> fs:key:n;
  a -> b [headport=n];
  compound=true;
  c -> d [lhead=cluster_x];
  e -- f;
  Feature store -> g;
}
graph second { x }
"""


def test_dot_unsupported_constructs_are_reported_with_their_line() -> None:
    diagram = dot(DOT_UNSUPPORTED)
    assert warnings_of(diagram) == [
        (2, 16, "a record shape cannot be represented: its fields are not components"),
        (
            3,
            13,
            "an HTML-like label cannot be represented; it is read as the plain text 'Feature store'",
        ),
        (4, 8, "ports cannot be represented: the edge joins the node 'users' itself"),
        (4, 17, "ports cannot be represented: the edge joins the node 'fs' itself"),
        (5, 11, "ports cannot be represented (headport): the edge joins the nodes themselves"),
        (7, 11, "an edge to a cluster cannot be represented (lhead): the edge joins the nodes"),
        (8, 5, "'--' in a digraph: Graphviz rejects it; it is read as '->'"),
        (9, 3, "'Feature' and 'store' are two nodes in DOT"),
        (9, 3, "'Feature' is connected to nothing"),
        (11, 1, "this file holds more than one graph; only the first is read"),
    ]
    # What could be read was: the record is one component named by its first field.
    assert nodes_of(diagram)["users"] == ("Users", None, None)
    assert nodes_of(diagram)["feature-store"] == ("Feature store", None, None)
    assert ("users", "feature-store") in edges_of(diagram)
    assert "x" not in nodes_of(diagram)


DOT_ERRORS: list[tuple[str, str, str]] = [
    (
        "empty",
        "",
        "graph.dot:1:1: error: the file is empty\n  1 |\n    | ^ write the graph as `digraph { A -> B }`",
    ),
    (
        "not a graph",
        "A -> B\n",
        "graph.dot:1:1: error: a DOT file starts with `digraph {` or `graph {`\n  1 | A -> B\n    | ^ wrap the statements in `digraph { ... }`",
    ),
    (
        "unclosed quote",
        'digraph {\n  a -> "b\n}\n',
        'graph.dot:2:8: error: this quoted string is never closed\n  2 |   a -> "b\n    |        ^ end it with a `"`',
    ),
    (
        "unclosed brace",
        "digraph {\n  a -> b\n",
        "graph.dot:1:9: error: this '{' is never closed\n  1 | digraph {\n    |         ^ close it with '}'",
    ),
    (
        "an arrow with no target",
        "digraph {\n  a -> ;\n}\n",
        "graph.dot:2:5: error: this arrow has no target\n  2 |   a -> ;\n    |     ^^ expected a node name after '->'",
    ),
    (
        "an arrow with no source",
        "digraph {\n  -> b\n}\n",
        "graph.dot:2:3: error: this arrow has no source\n  2 |   -> b\n    |   ^^ expected a node name before '->'",
    ),
    (
        "a stray character",
        "digraph {\n  a -> b!\n}\n",
        "graph.dot:2:9: error: unexpected '!'\n  2 |   a -> b!\n    |         ^ a name with spaces or punctuation needs quotes: `\"Feature store\"`",
    ),
    (
        "what only pydot catches, at pydot's place (tabs kept)",
        "digraph {\n\t\ta -> b [label=]\n}\n",
        'graph.dot:2:10: error: the DOT text does not parse here\n  2 | \t\ta -> b [label=]\n    | \t\t       ^ check this line against Graphviz\'s syntax, e.g. `a -> b [label="x"];`',
    ),
    (
        "no nodes",
        "digraph {\n  node [shape=box]\n}\n",
        "graph.dot:1:1: error: the graph has no nodes\n  1 | digraph {\n    | ^^^^^^^ add nodes and edges, e.g. `digraph { a -> b }`",
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [case[1:] for case in DOT_ERRORS],
    ids=[case[0] for case in DOT_ERRORS],
)
def test_dot_errors(text: str, expected: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ParseError) as caught:
        dot(text)
    assert caught.value.render() == expected
    # pydot prints its parse errors; none of that may reach the terminal.
    assert capsys.readouterr() == ("", "")


# -- writing Mermaid -------------------------------------------------------------------------


def test_to_mermaid_text() -> None:
    diagram = parse(
        '@case demo\n@title Demo: a "small" one\n'
        "Serving {\n  User request [kind: client]\n  Ranking [kind: model]\n  User request -> Ranking\n"
        "  Inner { Feature store [kind: store] }\n}\n"
        "Feature store -> Ranking: features & more\nRanking -- Monitoring\n"
    )
    assert to_mermaid(diagram) == (
        "flowchart LR\n"
        "  %% @case demo\n"
        '  %% @title Demo: a "small" one\n'
        '  monitoring["Monitoring"]\n'
        '  subgraph serving ["Serving"]\n'
        '    user_request(["User request"])\n'
        '    ranking{{"Ranking"}}\n'
        '    subgraph inner ["Inner"]\n'
        '      feature_store[("Feature store")]\n'
        "    end\n"
        "  end\n"
        "  user_request --> ranking\n"
        '  feature_store -->|"features #amp; more"| ranking\n'
        "  ranking --- monitoring\n"
    )


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ('say "hi"', '"say #quot;hi#quot;"'),
        ("C# & <b>", '"C#35; #amp; #lt;b#gt;"'),
        ("a;b `c`", '"a#59;b #96;c#96;"'),
        ("set direction TB", '"set direction#32;TB"'),
    ],
)
def test_mermaid_quote(text: str, quoted: str) -> None:
    assert mermaid_quote(text) == quoted
    assert mermaid(f"flowchart LR\n  a[{quoted}]").nodes[0].label == text


def test_mermaid_ids_avoid_keywords_and_clashes() -> None:
    diagram = parse(
        '"end" -> "class A" -> "Graph DB" -> "Monitoring"\nMonitoring { x }\n"é" -> "ü"'
    )
    text = to_mermaid(diagram)
    for line in (
        'n_end["end"]',
        'n_class_a["class A"]',
        'n_graph_db["Graph DB"]',
        'monitoring["Monitoring"]',
    ):
        assert line in text
    assert 'subgraph monitoring_2 ["Monitoring"]' in text
    assert 'n["é"]' in text and 'n_2["ü"]' in text


# -- round trips -------------------------------------------------------------------------------


def graph_view(diagram: Diagram) -> tuple[object, ...]:
    return (diagram.directives, nodes_of(diagram), edges_of(diagram), groups_of(diagram))


@pytest.mark.parametrize("case_id", shipped_case_ids())
def test_every_shipped_reference_survives_mermaid(case_id: str) -> None:
    reference = load_case(case_id).diagram
    back = mermaid(to_mermaid(reference))
    assert graph_view(back) == graph_view(reference)
    assert back.warnings == ()


@pytest.mark.parametrize("case_id", shipped_case_ids())
def test_every_shipped_reference_survives_dot(case_id: str) -> None:
    """Interchange DOT carries what a picture cannot (kinds, aliases, weights, notes,
    descriptions) in an `mlsd` attribute, so the whole reference comes back."""
    reference = load_case(case_id).diagram
    back = dot(diagram_to_dot(reference))
    assert graph_view(back) == graph_view(reference)
    assert back == reference
    assert back.warnings == ()


@pytest.mark.parametrize("case_id", shipped_case_ids())
def test_every_shipped_reference_survives_mermaid_whole(case_id: str) -> None:
    reference = load_case(case_id).diagram
    assert mermaid(to_mermaid(reference)) == reference


@pytest.mark.parametrize(
    ("what", "text"),
    [
        ("a node declaration that does not parse", 'digraph { a [mlsd="A [weight: x"] }'),
        ("edge details that do not parse", 'digraph { a -> b [mlsd="[weight: -1]"] }'),
        ("a Mermaid details line that does not parse", "flowchart LR\n a\n %% mlsd: a A [aka"),
    ],
)
def test_broken_mlsd_details_are_a_warning_not_a_failure(what: str, text: str) -> None:
    diagram = dot(text) if text.startswith("digraph") else mermaid(text)
    assert any("mlsd details do not parse" in w.message for w in diagram.warnings), what


# Generated `.mlsd` files: any printable characters in names, labels and directives.
name_chars = st.characters(
    blacklist_categories=("Cs", "Cc"),
    blacklist_characters="\n\r\u2028\u2029\x85\x0b\x0c\x1c\x1d\x1e",
)
names = st.text(name_chars, min_size=1, max_size=12).filter(lambda n: any(c.isalnum() for c in n))
free_text = st.text(name_chars, min_size=1, max_size=20).filter(lambda t: t.strip() != "")
kinds = st.sampled_from([None, "service", "model", "store", "data", "queue", "job", "client"])
special = st.sampled_from(
    ["end", "class", "direction TB", "a;b", "#quot;", "`x`", "<br>", "a | b", "%% c"]
)


def quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@st.composite
def mlsd_texts(draw: st.DrawFn) -> str:
    components = draw(
        st.lists(st.one_of(names, special), min_size=1, max_size=8, unique_by=lambda n: n.lower())
    )
    lines = []
    for key in ("case", "title", "prompt", "level", "source", "extra"):
        if draw(st.booleans()):
            lines.append(f"@{key} {quoted(draw(st.one_of(free_text, special)))}")
    groups = draw(st.lists(st.one_of(names, special), max_size=3, unique_by=lambda n: n.lower()))
    depth = 0
    for component in components:
        open_group: bool = draw(st.booleans())
        if groups and open_group:
            note = f" [note: {quoted(draw(free_text))}]" if draw(st.booleans()) else ""
            lines.append(f"{quoted(groups.pop())}{note} {{")
            depth += 1
        attributes = []
        kind = draw(kinds)
        if kind:
            attributes.append(f"kind: {kind}")
        if draw(st.booleans()):
            aliases = draw(st.lists(st.one_of(free_text, special), min_size=1, max_size=3))
            attributes.append("aka: " + ", ".join(quoted(a) for a in aliases))
        if draw(st.booleans()):
            attributes.append(f"weight: {draw(st.sampled_from(['0', '2', '0.5', '1000']))}")
        if draw(st.booleans()):
            attributes.append(f"note: {quoted(draw(st.one_of(free_text, special)))}")
        line = quoted(component) + (f" [{'; '.join(attributes)}]" if attributes else "")
        if draw(st.booleans()):
            line += f": {quoted(draw(st.one_of(free_text, special)))}"
        lines.append(line)
        if depth and draw(st.booleans()):
            lines.append("}")
            depth -= 1
    lines.extend("}" * depth)
    for _ in range(draw(st.integers(0, 10))):
        a, b = draw(st.sampled_from(components)), draw(st.sampled_from(components))
        arrow = draw(st.sampled_from(["->", "<-", "<->", "--"]))
        label = f": {quoted(draw(st.one_of(free_text, special)))}" if draw(st.booleans()) else ""
        lines.append(f"{quoted(a)} {arrow} {quoted(b)}{label}")
    return "\n".join(lines)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mlsd_texts())
def test_mlsd_to_mermaid_and_back_keeps_the_graph(text: str) -> None:
    diagram = parse(text)
    back = mermaid(to_mermaid(diagram))
    assert graph_view(back) == graph_view(diagram)
    assert back == diagram, "descriptions, aliases, weights and notes come back too"
    # And the text that comes back formats the same way in `.mlsd`.
    assert parse(write_diagram(back, "mlsd")) == back


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mlsd_texts())
def test_mlsd_to_dot_and_back_keeps_the_whole_diagram(text: str) -> None:
    diagram = parse(text)
    back = dot(diagram_to_dot(diagram))
    assert back == diagram


# -- grading -----------------------------------------------------------------------------------

README_FLOWCHART = """\
## Architecture

```mermaid
flowchart LR
    subgraph Serving
        req([Homepage request]) --> cg[Two-tower candidate generator] --> ann[ANN search]
        ann --> rank[Scoring model] --> rerank[Re-ranking] --> feed([Recommended videos])
        idx[(Video embedding index)] --> ann
    end
    subgraph Training
        logs[/Interaction logs/] --> tdg[Training data generation] --> train[Model training] --> reg[(Model registry)]
    end
    fs[(Feature store)] --> cg & rank
    reg --> cg & rank
    feed -.->|impressions, clicks| logs
```
"""

SAME_IN_MLSD = """\
Serving {
  Homepage request -> Two-tower candidate generator -> ANN search
  ANN search -> Scoring model -> Re-ranking -> Recommended videos
  Video embedding index -> ANN search
}
Training {
  Interaction logs -> Training data generation -> Model training -> Model registry
}
Feature store -> Two-tower candidate generator, Scoring model
Model registry -> Two-tower candidate generator, Scoring model
Recommended videos -> Interaction logs: "impressions, clicks"
"""


def test_a_mermaid_flowchart_from_a_readme_grades_like_the_same_mlsd() -> None:
    reference = load_case("video-recommendation").diagram
    from_readme = read_diagram(README_FLOWCHART, path="README.md", fmt="markdown")
    typed = parse(SAME_IN_MLSD)
    assert nodes_of(from_readme).keys() == nodes_of(typed).keys()
    assert edges_of(from_readme) == edges_of(typed)
    assert groups_of(from_readme) == groups_of(typed)
    mermaid_grade, mlsd_grade = grade(reference, from_readme), grade(reference, typed)
    assert mermaid_grade.score == mlsd_grade.score
    assert mermaid_grade.missing == mlsd_grade.missing
    assert mermaid_grade.extra == mlsd_grade.extra
    assert dict(mermaid_grade.edges) == dict(mlsd_grade.edges)
    assert 50 < mlsd_grade.score < 100


def test_a_reference_converted_to_mermaid_grades_100_against_itself() -> None:
    reference = load_case("video-recommendation").diagram
    assert grade(reference, mermaid(to_mermaid(reference))).score == 100
    assert grade(reference, dot(diagram_to_dot(reference))).score == 100


def test_dot_braces_nest_at_most_six_deep_and_deeper_is_refused_before_parsing() -> None:
    assert read_dot("digraph {" + "{" * 5 + "a" + "}" * 5 + "}", path="ok.dot").nodes
    # 12 levels kept pydot busy for 11 s, 20,000 open braces for 15 s: refused at the scan
    for text in ("digraph{" + "{" * 12 + "a" + "}" * 12 + "}", "digraph{" + "{" * 20000):
        with pytest.raises(ParseError, match="braces nest more than 6 deep here"):
            read_dot(text, path="deep.dot")


def test_directives_survive_a_round_trip_through_dot() -> None:
    diagram = parse("@case news-feed\n@title Feed\n@prompt Design the feed\n@level core\nA -> B\n")
    back = read_diagram(write_diagram(diagram, "dot"), path="x.dot", fmt="dot")
    assert back.directives == diagram.directives
