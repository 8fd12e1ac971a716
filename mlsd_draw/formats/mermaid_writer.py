"""Mermaid flowcharts out: the writer, for pasting a diagram into notes.

The writer must agree with the reader (:mod:`.mermaid_reader`): the writer's shapes are
the reader's kinds, its `%% @key value` comments the reader's directives, and its quoting
Mermaid's own, so `.mlsd` -> Mermaid -> `.mlsd` keeps the graph (see the table of kinds
and shapes in :mod:`mlsd_draw.formats.dispatch`). It shares only the whitespace Mermaid
trims (:data:`.mermaid_syntax.JS_SPACE`) with the reader, and never imports the reader.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import replace

from ..language.formatter import edge_details, format_group_head, format_name, format_node
from ..language.model import Diagram, Group, Node
from .directive_comments import comment_value
from .mermaid_syntax import JS_SPACE

_KIND_SHAPES: Mapping[str | None, tuple[str, str]] = {
    None: ("[", "]"),
    "service": ("(", ")"),
    "model": ("{{", "}}"),
    "store": ("[(", ")]"),
    "data": ("[/", "/]"),
    "queue": (">", "]"),
    "job": ("[[", "]]"),
    "client": ("([", "])"),
}
# Words Mermaid's lexer takes as keywords even at the start of a longer id (`classifier`).
_RESERVED_PREFIXES = (
    "graph",
    "flowchart",
    "subgraph",
    "end",
    "style",
    "linkstyle",
    "classdef",
    "class",
    "click",
    "call",
    "href",
    "default",
    "interpolate",
    "direction",
    "acc",
    "_self",
    "_blank",
    "_parent",
    "_top",
)
_MERMAID_ESCAPES = {
    '"': "#quot;",
    "#": "#35;",
    "&": "#amp;",
    "<": "#lt;",
    ">": "#gt;",
    "`": "#96;",
    ";": "#59;",
    "\n": " ",
    "\r": " ",
}


# Mermaid's lexer takes any line holding `direction TB` (LR, RL, BT) for a direction statement,
# wherever it stands, even inside a quoted label: the space is written as a code instead.
_DIRECTION_WORDS = re.compile(r"(direction)(\s+)(?=TB|BT|RL|LR)", re.IGNORECASE)


def mermaid_quote(text: str) -> str:
    """`text` as a quoted Mermaid label that shows exactly `text`.

    Inside quotes Mermaid has no backslash escapes, only its entity codes: `"` is
    `#quot;`, and `#`, `&`, `<`, `>`, backtick and `;` are written as codes too, so no
    text can end the label, become HTML or a Markdown string, or look like a code itself.
    The space of `direction TB` is a code as well (see `_DIRECTION_WORDS`), and so is
    whitespace at either end, which Mermaid would otherwise trim away.
    """
    body = text.strip(JS_SPACE)
    start = text.index(body) if body else len(text)
    lead, trail = text[:start], text[start + len(body) :]
    escaped = "".join(_MERMAID_ESCAPES.get(ch, ch) for ch in body)
    escaped = _DIRECTION_WORDS.sub(
        lambda m: m.group(1) + "".join(f"#{ord(ch)};" for ch in m.group(2)), escaped
    )
    return '"' + _codes(lead) + escaped + _codes(trail) + '"'


def _codes(text: str) -> str:
    """Every character as a Mermaid entity code (`#32;`)."""
    return "".join(f"#{ord(ch)};" for ch in text)


def _mermaid_ids(diagram: Diagram) -> tuple[dict[str, str], dict[str, str]]:
    """Readable Mermaid ids (node id -> id, group id -> id), all distinct and safe to lex."""
    used: set[str] = set()

    def make(slug: str, prefix: str) -> str:
        base = re.sub(r"[^a-z0-9]+", "_", slug.lower()).strip("_")
        if not base or base == "v" or base.startswith(_RESERVED_PREFIXES):
            base = f"{prefix}_{base}" if base else prefix
        candidate, number = base, 2
        while candidate in used:
            candidate, number = f"{base}_{number}", number + 1
        used.add(candidate)
        return candidate

    nodes = {node.id: make(node.id, "n") for node in diagram.nodes}
    groups = {group.id: make(group.id, "g") for group in diagram.groups}
    return nodes, groups


def to_mermaid(diagram: Diagram) -> str:
    """The diagram as a Mermaid flowchart (`flowchart LR`) to paste into notes.

    Groups are subgraphs (nested), every node is declared once inside its group with its
    kind's shape and a quoted label, and the edges follow at the top level (an edge
    written inside a subgraph would pull its ends into it). Undirected edges are `---`,
    labels `-->|"..."|`. Directives go on `%% @key value` comment lines, and what a
    flowchart cannot hold (descriptions, aliases, weights, notes) on `%% mlsd: id
    declaration` lines; Mermaid ignores both and :func:`.mermaid_reader.read_mermaid`
    reads them back, so reading the text gives the same diagram.
    """
    node_ids, group_ids = _mermaid_ids(diagram)
    lines = ["flowchart LR"]
    for key, value in diagram.directives.items():
        lines.append(f"  %% @{key} {comment_value(value)}")
    children: dict[str | None, list[Group]] = defaultdict(list)
    for group in diagram.groups:
        children[group.parent].append(group)
    nodes_in: dict[str | None, list[Node]] = defaultdict(list)
    for node in diagram.nodes:
        nodes_in[node.group].append(node)

    def block(scope: str | None, depth: int) -> None:
        pad = "  " * depth
        for node in nodes_in[scope]:
            opener, closer = _KIND_SHAPES.get(node.kind, _KIND_SHAPES[None])
            lines.append(f"{pad}{node_ids[node.id]}{opener}{mermaid_quote(node.label)}{closer}")
            # The shape already says the kind; anything else a flowchart cannot hold.
            if format_node(replace(node, kind=None)) != format_name(node.label):
                lines.append(f"{pad}%% mlsd: {node_ids[node.id]} {format_node(node)}")
        for group in children[scope]:
            lines.append(f"{pad}subgraph {group_ids[group.id]} [{mermaid_quote(group.name)}]")
            head = format_group_head(group)
            if head != format_name(group.name):
                lines.append(f"{pad}  %% mlsd: {group_ids[group.id]} {head}")
            block(group.id, depth + 1)
            lines.append(f"{pad}end")

    block(None, 1)
    for edge in diagram.edges:
        arrow = "---" if edge.kind == "undirected" else "-->"
        label = f"|{mermaid_quote(edge.label)}|" if edge.label else ""
        lines.append(f"  {node_ids[edge.source]} {arrow}{label} {node_ids[edge.target]}")
        details = edge_details(edge)
        if details:
            ends = f"{node_ids[edge.source]} -> {node_ids[edge.target]}"
            lines.append(f"  %% mlsd: {ends} {details.strip()}")
    return "\n".join(lines) + "\n"
