"""Writing a diagram as Graphviz DOT: left to right, groups as clusters, shapes by kind.

The DOT is written by hand, not by the `graphviz` package, so every name, note and label
is drawn as plain text: no label can become an HTML-like label (which the embedded
Graphviz ignores) or change the graph. The same text is what `convert --to dot` prints
and what :mod:`mlsd_draw.drawing` renders.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Iterable, Iterator, Mapping

from ..language.model import Diagram, Edge, Group, Node
from .directive_comments import comment_value

DESCRIPTION_WIDTH = 28
"""Descriptions are wrapped at about this many characters, under the node's name."""

_FONT = "Helvetica"
_INK = "#3f4a5a"
GRAPH_STYLE: Mapping[str, str] = {
    "rankdir": "LR",
    "fontname": f"{_FONT}-Bold",
    "fontsize": "18",
    "fontcolor": _INK,
    "labelloc": "t",
    "nodesep": "0.35",
    "ranksep": "0.55",
    "pad": "0.3",
    "bgcolor": "white",
}
NODE_DEFAULTS: Mapping[str, str] = {
    "fontname": _FONT,
    "fontsize": "12",
    "fontcolor": "#1f2733",
    "color": _INK,
    "penwidth": "1.2",
    "margin": "0.2,0.08",
}
EDGE_DEFAULTS: Mapping[str, str] = {
    "fontname": _FONT,
    "fontsize": "10",
    "fontcolor": "#4a5566",
    "color": "#6b7686",
    "arrowsize": "0.8",
}
# kind -> (shape, style, fill colour); a node without a kind is drawn as a service.
_KIND_STYLES: Mapping[str, tuple[str, str, str]] = {
    "service": ("box", "rounded,filled", "#ffffff"),
    "model": ("box3d", "filled", "#e3eefc"),
    "store": ("cylinder", "filled", "#fdf0d8"),
    "data": ("note", "filled", "#fbf7dc"),
    "queue": ("cds", "filled", "#efe6fa"),
    "job": ("component", "filled", "#e8edf1"),
    "client": ("ellipse", "filled", "#e2f4e8"),
}
# Nested groups get a slightly darker background at each level.
_CLUSTER_FILLS = ("#f3f6fa", "#e7edf4", "#dbe4ee")

# Characters XML forbids (an SVG holding one does not open) and NUL, which ends a C string.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NEWLINE = re.compile(r"\r\n?|\n")


def quote_dot(text: str) -> str:
    """`text` as a DOT quoted string that Graphviz draws exactly as written.

    Backslashes are doubled first, then `"` escaped, and each line break (`\\n`, `\\r\\n`,
    `\\r`) becomes DOT's centred `\\n`, so no escape sequence (`\\N`, `\\l`) is ever
    interpreted. `&` is written `&amp;` so an entity such as `&lt;` stays literal text.
    Characters that cannot appear in SVG (NUL and other control characters) become U+FFFD.
    Line breaks at either end are dropped: they would only draw empty lines, and the embedded
    Graphviz (16.1) corrupts its memory on a label whose first line is empty.
    Angle brackets and braces need nothing: inside quotes they cannot change the graph.
    """
    escaped = text.strip("\r\n").replace("\\", "\\\\").replace('"', '\\"')
    escaped = _UNSAFE.sub("\ufffd", escaped.replace("&", "&amp;"))
    return '"' + _NEWLINE.sub(r"\\n", escaped) + '"'


_CODED = re.compile("[\\\\\x00-\x08\x0b\x0c\x0e-\x1f\r\n\ufffe\uffff]")


def interchange_text(text: str) -> str:
    """`text` for an `mlsd` attribute, safe for `quote_dot` to pass unchanged: a backslash
    doubled, and each character DOT or SVG cannot hold as `\\u{XXXX}` (see
    :func:`.dot_scan.from_interchange`), so even a control character comes back."""
    return _CODED.sub(
        lambda m: "\\\\" if m.group() == "\\" else f"\\u{{{ord(m.group()):04X}}}", text
    )


def dot_attributes(attrs: Mapping[str, str]) -> str:
    """A DOT attribute list, every value quoted."""
    return "[" + ", ".join(f"{key}={quote_dot(value)}" for key, value in attrs.items()) + "]"


def node_style(node: Node) -> dict[str, str]:
    """How a component is drawn on its own: shape and fill by kind, heavier if weighted."""
    shape, style, fill = _KIND_STYLES.get(node.kind or "service", _KIND_STYLES["service"])
    lines = [node.label, *textwrap.wrap(node.description or "", DESCRIPTION_WIDTH)]
    attrs = {"label": "\n".join(lines), "shape": shape, "style": style, "fillcolor": fill}
    if node.weight > 1:
        attrs["penwidth"] = "2.6"
    if node.note:
        attrs["tooltip"] = node.note
    return attrs


def _drawn_exactly(text: str) -> bool:
    """Whether a label reads back from DOT as written: no spacing it would collapse, no
    character it cannot hold."""
    return " ".join(text.split()) == text and text.isprintable()


def interchange_node_style(node: Node) -> dict[str, str]:
    """A component in interchange DOT: drawn as `node_style` draws it, plus an `mlsd`
    attribute holding its `.mlsd` declaration when it says more than its name (a kind a
    shape cannot tell apart, a description, aliases, a weight, spacing a label loses),
    so `.mlsd` -> DOT -> `.mlsd` loses nothing. Graphviz ignores unknown attributes."""
    from ..language.formatter import format_name, format_node

    attrs = node_style(node)
    declaration = format_node(node)
    if declaration != format_name(node.label) or not _drawn_exactly(node.label):
        attrs["mlsd"] = interchange_text(declaration)
    return attrs


def interchange_edge_style(edge: Edge) -> dict[str, str]:
    """An edge in interchange DOT: `edge_style`, plus what follows its ends in `.mlsd`
    as `mlsd` when a picture cannot carry it (a weight, spacing a label loses)."""
    attrs = edge_style(edge)
    label = edge.label or ""
    if edge.weight != 1 or edge.attributes or not _drawn_exactly(label):
        from ..language.formatter import edge_suffix

        attrs["mlsd"] = interchange_text(edge_suffix(edge).strip())
    return attrs


def cluster_style(group: Group, depth: int) -> dict[str, str]:
    """How a group is drawn: a rounded cluster, darker the deeper it is nested."""
    attrs = {
        "label": group.name,
        "style": "rounded,filled",
        "fillcolor": _CLUSTER_FILLS[min(depth, len(_CLUSTER_FILLS) - 1)],
        "color": "#b7c4d4",
        "fontname": f"{_FONT}-Bold",
        "fontsize": "13",
        "fontcolor": _INK,
        "labeljust": "l",
        "labelloc": "t",
        "margin": "12",
    }
    if group.note:
        attrs["tooltip"] = group.note
    from ..language.formatter import format_group_head, format_name

    head = format_group_head(group)
    if head != format_name(group.name) or not _drawn_exactly(group.name):
        attrs["mlsd"] = interchange_text(head)
    return attrs


def edge_style(edge: Edge) -> dict[str, str]:
    """An edge's own attributes: its label, no arrowhead for `--`, its note as a tooltip."""
    attrs: dict[str, str] = {}
    if edge.label:
        attrs["label"] = edge.label
    if edge.kind == "undirected":
        attrs["dir"] = "none"
    if edge.note:
        attrs["tooltip"] = edge.note
    return attrs


def cluster_members(
    diagram: Diagram,
    node_ids: Mapping[str, str],
    *,
    style: Callable[[Node], Mapping[str, str]] = lambda node: node_style(node),
    cluster_prefix: str = "cluster_",
    anchors: Mapping[str, str] | None = None,
    parent: str | None = None,
    depth: int = 0,
) -> Iterator[str]:
    """The DOT statements of one container (the graph, or a group): its nodes, then its
    groups as nested clusters. `style` gives each node's attributes; `cluster_prefix` keeps
    the cluster ids of two diagrams drawn in one picture apart; `anchors` names an
    invisible node to place in a group (a drawing lines its stages up on them)."""
    pad = "  " * (depth + 1)
    if anchors and parent is not None and parent in anchors:
        yield f'{pad}{anchors[parent]} [style="invis", shape="point", width="0", label=""]'

    for node in diagram.nodes:
        if node.group == parent:
            yield f"{pad}{node_ids[node.id]} {dot_attributes(style(node))}"
    for index, group in enumerate(diagram.groups):
        if group.parent == parent:
            yield f"{pad}subgraph {cluster_prefix}{index} {{"
            yield f"{pad}  graph {dot_attributes(cluster_style(group, depth))}"
            yield from cluster_members(
                diagram,
                node_ids,
                style=style,
                cluster_prefix=cluster_prefix,
                anchors=anchors,
                parent=group.id,
                depth=depth + 1,
            )
            yield f"{pad}}}"


def node_ids_of(diagram: Diagram) -> dict[str, str]:
    """The DOT id of each component: `n0`, `n1` ... in the order the diagram lists them."""
    return {node.id: f"n{index}" for index, node in enumerate(diagram.nodes)}


def diagram_to_dot(
    diagram: Diagram,
    *,
    title: str | None = None,
    graph_style: Mapping[str, str] = GRAPH_STYLE,
    style: Callable[[Node], Mapping[str, str]] = interchange_node_style,
    edge_attributes: Callable[[Edge], Mapping[str, str]] = interchange_edge_style,
    anchors: Mapping[str, str] | None = None,
    layout: Iterable[str] = (),
) -> str:
    """The diagram as DOT text: left to right, groups as nested clusters, shapes by `kind`.

    Written by hand with generated ids (`n0`, `cluster_0`) and every text through
    `quote_dot`, so any name is safe and the same diagram always gives the same text
    (the tests compare it with golden files). `title` overrides the `@title` directive.
    A drawing (:mod:`mlsd_draw.drawing.layout`) passes its own graph, node and edge
    attributes, stage anchors and `layout` statements; the defaults are the plain
    interchange DOT of `convert --to dot`.
    """
    node_ids = node_ids_of(diagram)
    heading = title if title is not None else diagram.directives.title
    graph = {**graph_style, "label": heading} if heading else graph_style
    lines = [
        "digraph mlsd {",
        # The directives ride along as comments (the title is the graph's label, and a
        # comment only when the label would lose its spacing), so
        # `.mlsd` -> DOT -> `.mlsd` keeps which case a file answers.
        *(
            f"  // @{key} {comment_value(value)}"
            for key, value in diagram.directives.items()
            if key != "title" or (title is None and not _drawn_exactly(value))
        ),
        f"  graph {dot_attributes(graph)}",
        f"  node {dot_attributes(NODE_DEFAULTS)}",
        f"  edge {dot_attributes(EDGE_DEFAULTS)}",
        *cluster_members(diagram, node_ids, style=style, anchors=anchors),
        *layout,
    ]
    for item in diagram.edges:
        arrow = f"{node_ids[item.source]} -> {node_ids[item.target]}"
        attrs = edge_attributes(item)
        lines.append(f"  {arrow} {dot_attributes(attrs)}" if attrs else f"  {arrow}")
    lines.append("}")
    return "\n".join(lines) + "\n"
