"""The diff picture of a grade: reference and attempt in one image, every difference coloured.

Two panels flow left to right, "Reference" above "Your recall". A component and the box
that stands for it share a column (one global ranking, `newrank`), so the eye compares
them straight down. Reference panel: found green, missing red and dashed, core components
with a heavier border. Attempt panel: matched green with the reference name on a second
line where the names differ, extra orange. Arrows: matched green, missing red dashed,
reversed purple, indirect blue dotted, shortcut grey dashed, extra orange. A legend sits in
its own cluster below. Only plain labels: the embedded Graphviz ignores HTML-like ones.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

from ..core.errors import LayoutError, UsageError
from ..core.files import write_bytes_atomically
from ..formats.dot_writer import (
    EDGE_DEFAULTS,
    GRAPH_STYLE,
    NODE_DEFAULTS,
    cluster_members,
    dot_attributes,
    node_style,
)
from ..grading.scoring import Grade
from ..language.model import Node, slugify
from .rendering import output_format, render_dot

GREEN, RED, ORANGE, PURPLE, BLUE, GREY = (
    "#2e7d32",
    "#c62828",
    "#e65100",
    "#6a1b9a",
    "#1565c0",
    "#8a8f98",
)
FOUND_FILL, MISSING_FILL, EXTRA_FILL, BONUS_FILL = "#e3f3e4", "#fdecec", "#ffedd9", "#f4f5f7"

EDGE_STYLES: Mapping[str, Mapping[str, str]] = {
    "matched": {"color": GREEN, "penwidth": "1.6"},
    "missing": {"color": RED, "style": "dashed", "penwidth": "1.4"},
    "reversed": {"color": PURPLE, "penwidth": "2", "style": "bold"},
    "indirect": {"color": BLUE, "style": "dotted", "penwidth": "1.8"},
    "shortcut": {"color": GREY, "style": "dashed"},
    "extra": {"color": ORANGE, "penwidth": "1.6"},
}
"""How each edge class is drawn, in both panels."""

_LEGEND_NODES = (
    ("found", {"color": GREEN, "fillcolor": FOUND_FILL}),
    ("missing", {"color": RED, "fillcolor": MISSING_FILL, "style": "rounded,dashed,filled"}),
    ("extra (yours)", {"color": ORANGE, "fillcolor": EXTRA_FILL}),
    ("core: heavy border", {"penwidth": "2.6"}),
)


def _reference_style(grade: Grade) -> Mapping[str, Mapping[str, str]]:
    found = grade.alignment.by_reference()
    styles: dict[str, Mapping[str, str]] = {}
    for node in grade.reference.nodes:
        base = node_style(node)
        if node.id in found:
            extra = {"color": GREEN, "fillcolor": FOUND_FILL}
        elif node.weight == 0:
            extra = {"color": GREY, "fillcolor": BONUS_FILL, "style": "rounded,dotted,filled"}
        else:
            extra = {"color": RED, "fillcolor": MISSING_FILL, "style": "rounded,dashed,filled"}
            if "rounded" not in base["style"]:
                extra["style"] = "dashed,filled"
        styles[node.id] = {**base, **extra}
    return styles


def _attempt_style(grade: Grade) -> Mapping[str, Mapping[str, str]]:
    paired = grade.alignment.by_attempt()
    styles: dict[str, Mapping[str, str]] = {}
    for node in grade.attempt.nodes:
        pair = paired.get(node.id)
        if pair is None:
            base = node_style(node)
            styles[node.id] = {**base, "color": ORANGE, "fillcolor": EXTRA_FILL}
            continue
        reference = grade.reference.node(pair.reference)
        # A box drawn without a kind takes the shape of the component it stands for.
        shaped = node if node.kind else Node(node.id, node.label, kind=reference.kind)
        base = node_style(shaped)
        label = node.label
        if slugify(node.label) != reference.id:
            label = f"{node.label}\n= {reference.label}"
        base.pop("penwidth", None)
        styles[node.id] = {**base, "label": label, "color": GREEN, "fillcolor": FOUND_FILL}
    return styles


def _edge_lines(
    edges: Iterator[tuple[str, str, str, bool]], ids: Mapping[str, str]
) -> Iterator[str]:
    for source, target, status, undirected in edges:
        attrs = dict(EDGE_STYLES[status])
        if undirected:
            attrs["dir"] = "none"
        yield f"  {ids[source]} -> {ids[target]} {dot_attributes(attrs)}"


def grade_to_dot(grade: Grade, *, align_columns: bool = True) -> str:
    """The diff picture of a grade as DOT text (deterministic; golden-file tested).

    `align_columns` puts each component and the box paired with it in one column; the
    caller retries without it if Graphviz cannot satisfy the constraints.
    """
    ref, att = grade.reference, grade.attempt
    ref_ids = {node.id: f"r{i}" for i, node in enumerate(ref.nodes)}
    att_ids = {node.id: f"a{i}" for i, node in enumerate(att.nodes)}
    ref_styles, att_styles = _reference_style(grade), _attempt_style(grade)
    title = ref.directives.title or grade.case or "Reference"
    graph = {
        **GRAPH_STYLE,
        "label": f"{title}  -  score {grade.score:g}/100",
        "newrank": "true",
        "nodesep": "0.3",
        "ranksep": "0.5",
    }
    panel = {
        "style": "rounded",
        "color": "#9aa7b8",
        "fontname": "Helvetica-Bold",
        "fontsize": "16",
        "fontcolor": "#3f4a5a",
        "labeljust": "l",
        "margin": "14",
    }
    lines = [
        "digraph mlsd_diff {",
        f"  graph {dot_attributes(graph)}",
        f"  node {dot_attributes(NODE_DEFAULTS)}",
        f"  edge {dot_attributes(EDGE_DEFAULTS)}",
        # Graphviz stacks later clusters higher: legend first, reference last (on top).
        *_legend(),
        "  subgraph cluster_attempt {",
        f"    graph {dot_attributes({**panel, 'label': 'Your recall'})}",
        *_indented(
            cluster_members(
                att, att_ids, style=lambda n: att_styles[n.id], cluster_prefix="cluster_a"
            )
        ),
        "  }",
        "  subgraph cluster_reference {",
        f"    graph {dot_attributes({**panel, 'label': 'Reference'})}",
        *_indented(
            cluster_members(
                ref, ref_ids, style=lambda n: ref_styles[n.id], cluster_prefix="cluster_r"
            )
        ),
        "  }",
    ]
    classes = {key: name for name, keys in grade.edges.items() for key in keys}
    lines.extend(
        _edge_lines(
            (
                (e.source, e.target, classes.get(e.key, "missing"), e.kind == "undirected")
                for e in ref.edges
                if e.key in classes
            ),
            ref_ids,
        )
    )
    lines.extend(
        _edge_lines(
            (
                (
                    e.source,
                    e.target,
                    grade.attempt_edges.get(e.key, "extra"),
                    e.kind == "undirected",
                )
                for e in att.edges
            ),
            att_ids,
        )
    )
    if align_columns:
        for pair in grade.alignment.pairs:
            lines.append(f"  {{rank=same; {ref_ids[pair.reference]}; {att_ids[pair.attempt]}}}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _indented(statements: Iterator[str]) -> Iterator[str]:
    for statement in statements:
        yield "  " + statement


def _legend() -> Iterator[str]:
    """A small cluster explaining colours: sample boxes, then one sample arrow per class."""
    yield "  subgraph cluster_legend {"
    legend = {
        "label": "Legend",
        "style": "rounded,dashed",
        "color": "#c5cdd8",
        "fontname": "Helvetica",
        "fontsize": "11",
        "fontcolor": "#5b6675",
        "margin": "8",
    }
    yield f"    graph {dot_attributes(legend)}"
    yield '    node [fontsize="10", margin="0.1,0.04", height="0.3"]'
    previous = None
    for index, (label, style) in enumerate(_LEGEND_NODES):
        attrs = {"label": label, "shape": "box", "style": "rounded,filled", "fillcolor": "white"}
        yield f"    legend_n{index} {dot_attributes({**attrs, **style})}"
        if previous is not None:
            yield f"    {previous} -> legend_n{index} [style=invis]"
        previous = f"legend_n{index}"
    # The arrow samples form one row: a chain of points, each link drawn as one class.
    point = {"shape": "point", "width": "0.05", "label": ""}
    for index in range(len(EDGE_STYLES) + 1):
        yield f"    legend_p{index} {dot_attributes(point)}"
    for index, (name, edge_style) in enumerate(EDGE_STYLES.items()):
        sample = {**edge_style, "label": name, "fontsize": "10", "minlen": "2"}
        yield f"    legend_p{index} -> legend_p{index + 1} {dot_attributes(sample)}"
    yield "  }"


DIFF_EXTENSIONS = (".svg", ".png", ".pdf", ".dot", ".gv", ".html")
"""What a diff picture can be written as."""


def render_diff(grade: Grade, fmt: str) -> bytes:
    """The diff picture rendered as `fmt` (svg, png, pdf or dot).

    Column alignment is a wish, not a must: if Graphviz cannot lay out the pairs in shared
    columns, the picture is drawn without that constraint rather than not at all.
    """
    try:
        return render_dot(grade_to_dot(grade), fmt)
    except LayoutError:
        return render_dot(grade_to_dot(grade, align_columns=False), fmt)


def write_diff(grade: Grade, path: Path) -> Path:
    """Write the diff picture, or with `.html` the full HTML report, atomically to `path`."""
    if path.suffix.lower() == ".html":
        from .html_report import html_report

        svg = render_diff(grade, "svg").decode("utf-8")
        data = html_report(grade, svg).encode("utf-8")
    else:
        fmt = output_format(path)
        data = render_diff(grade, fmt)
    try:
        return write_bytes_atomically(path, data)
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror or error}") from None


def default_diff_path(attempt_path: Path) -> Path:
    """Where `grade` puts the picture unless told: `ATTEMPT.diff.svg` beside the attempt."""
    return attempt_path.with_name(attempt_path.name.removesuffix(".mlsd") + ".diff.svg")
