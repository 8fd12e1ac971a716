"""The one layout of a reference: its stages stacked top to bottom, each flowing down.

A pipeline drawn left to right is as wide as it is long, several thousand points for a
case study, so on a laptop its labels shrink to 5 px. Stacked stages keep a picture about
as wide as its busiest stage. Every picture of a reference uses this layout (`show`, the
reference half of the diff, the HTML report, the Anki card), so a learner meets one
shape of each architecture wherever it appears.

How: an invisible anchor node sits in each stage (top-level group); the anchors form one
heavy vertical chain, each anchor above its stage's components and below the previous
stage's. Arrows between two stages do not move components (they are drawn over the
order), so a feedback arrow cannot pull a stage sideways. The interchange DOT of
`convert --to dot` stays plain (:func:`mlsd_draw.formats.dot_writer.diagram_to_dot`).
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from ..formats.dot_writer import (
    GRAPH_STYLE,
    diagram_to_dot,
    edge_style,
    node_ids_of,
    node_style,
)
from ..language.model import Diagram, Edge, Node

__all__ = [
    "DRAWING_STYLE",
    "Stage",
    "drawing_dot",
    "narrow_style",
    "stage_anchors",
    "stage_crossing",
    "stage_of",
    "stage_order",
    "stages_apart",
]

DRAWING_STYLE: Mapping[str, str] = {
    **GRAPH_STYLE,
    "rankdir": "TB",
    "newrank": "true",
    "nodesep": "0.25",
    "ranksep": "0.35",
}
"""The graph attributes of every drawing: top to bottom, ranks shared across clusters."""

ANCHOR = "stage"


def stage_of(diagram: Diagram, node_id: str) -> str | None:
    """The top-level group (stage) a component sits in, None outside every group."""
    return (diagram.group_path(diagram.node(node_id).group) or (None,))[0]


def _stages(diagram: Diagram) -> list[str]:
    """The ids of the top-level groups that hold components, in the order written."""
    used = {stage_of(diagram, node.id) for node in diagram.nodes}
    return [g.id for g in diagram.groups if g.parent is None and g.id in used]


def stage_anchors(diagram: Diagram, prefix: str = ANCHOR) -> dict[str, str]:
    """The invisible anchor node of each stage, by group id (see `cluster_members`)."""
    return {stage: f"{prefix}{index}" for index, stage in enumerate(_stages(diagram))}


def stage_crossing(diagram: Diagram) -> frozenset[tuple[str, str]]:
    """The edges between two different stages: drawn, but not allowed to move a stage."""
    return frozenset(
        edge.key
        for edge in diagram.edges
        if stage_of(diagram, edge.source) != stage_of(diagram, edge.target)
    )


def stage_order(
    diagram: Diagram, node_ids: Mapping[str, str], prefix: str = ANCHOR
) -> Iterator[str]:
    """Invisible edges stacking the stages along their anchors, in the order written."""
    anchors = stage_anchors(diagram, prefix)
    members: dict[str, list[str]] = {stage: [] for stage in anchors}
    for component in diagram.nodes:
        stage = stage_of(diagram, component.id)
        if stage in members:
            members[stage].append(node_ids[component.id])
    stages = list(anchors)
    for index, stage in enumerate(stages):
        anchor = anchors[stage]
        for name in members[stage]:
            yield f'  {anchor} -> {name} [style="invis", weight="2"]'
        if index + 1 < len(stages):
            below = anchors[stages[index + 1]]
            yield f'  {anchor} -> {below} [style="invis", weight="100"]'
            for name in members[stage]:
                yield f'  {name} -> {below} [style="invis", weight="0"]'


def drawing_dot(
    diagram: Diagram,
    *,
    title: str | None = None,
    style: Callable[[Node], Mapping[str, str]] = node_style,
) -> str:
    """A reference (or any diagram) as DOT in the one layout (see the module docstring):
    an arrow between stages does not move a stage, and a label sits beside its arrow."""
    crossing = stage_crossing(diagram)

    def drawn_edge(edge: Edge) -> dict[str, str]:
        attrs = _beside(edge_style(edge))
        if edge.key in crossing:
            attrs["constraint"] = "false"
        return attrs

    return diagram_to_dot(
        diagram,
        title=title,
        graph_style=DRAWING_STYLE,
        style=style,
        edge_attributes=drawn_edge,
        anchors=stage_anchors(diagram),
        layout=stage_order(diagram, node_ids_of(diagram)),
    )


def _beside(attrs: dict[str, str]) -> dict[str, str]:
    """An edge label placed beside the arrow (`xlabel`), where it does not widen ranks."""
    attrs = dict(attrs)
    if "label" in attrs:
        attrs["xlabel"] = attrs.pop("label")
    return attrs


@dataclass(frozen=True)
class Stage:
    """One stage of a reference drawn on its own (for a phone-sized Anki card), and its
    arrows to and from other stages in words (`Feature store -> Training: Training data
    generation`), so that the stages together still show every component and arrow."""

    name: str
    diagram: Diagram
    links: tuple[str, ...]


def stages_apart(diagram: Diagram) -> list[Stage]:
    """Each stage as a diagram of its own, in the order written, with its nested groups;
    components outside every stage make a last part."""
    parts: list[tuple[str | None, str]] = [
        (g.id, g.name) for g in diagram.groups if g.parent is None
    ]
    parts.append((None, "Outside any stage"))

    def place(node_id: str) -> str:
        where = stage_of(diagram, node_id)
        label = diagram.node(node_id).label
        return f"{diagram.group(where).name}: {label}" if where else label

    stages = []
    for stage_id, name in parts:
        inside = {n.id for n in diagram.nodes if stage_of(diagram, n.id) == stage_id}
        if not inside:
            continue
        edges = [e for e in diagram.edges if e.source in inside and e.target in inside]
        links = []
        for edge in diagram.edges:
            arrow = "--" if edge.kind == "undirected" else "->"
            if edge.source in inside and edge.target not in inside:
                links.append(f"{diagram.node(edge.source).label} {arrow} {place(edge.target)}")
            elif edge.target in inside and edge.source not in inside:
                links.append(f"{place(edge.source)} {arrow} {diagram.node(edge.target).label}")
        groups = tuple(
            g
            for g in diagram.groups
            if stage_id is not None and (diagram.group_path(g.id) or (None,))[0] == stage_id
        )
        nodes = tuple(n for n in diagram.nodes if n.id in inside)
        stages.append(
            Stage(name, Diagram(nodes=nodes, edges=tuple(edges), groups=groups), tuple(links))
        )
    return stages


def narrow_style(width: int = 14) -> Callable[[Node], Mapping[str, str]]:
    """`node_style` with names wrapped at about `width` characters, for the narrow pictures
    of a phone: the words stay, only the line breaks move."""

    def style(node: Node) -> Mapping[str, str]:
        attrs = node_style(node)
        name_lines = textwrap.wrap(node.label, width, break_long_words=False)
        if len(name_lines) > 1 and attrs["label"].startswith(node.label):
            attrs["label"] = "\n".join(name_lines) + attrs["label"][len(node.label) :]
        return attrs

    return style
