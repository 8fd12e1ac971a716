"""Graphviz DOT in: the reader of `.dot` and `.gv` files.

People draw architectures in Graphviz too, so mlsd-draw reads DOT wherever it reads `.mlsd`.
The grammar is pydot's (imported only when DOT is read, as it is slow to import); pydot
keeps no positions, though, and passes over much in silence, so a token scan of the text
(:mod:`.dot_scan`) first finds the line and column of every node and subgraph and reports
what the model cannot hold and the slips pydot would misread. The diagram is built with
:mod:`mlsd_draw.formats.builder`, like the Mermaid reader's.

Writing DOT, styled for drawing, is :mod:`.dot_writer`.
"""

from __future__ import annotations

import contextlib
import html
import io
import re
import warnings
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from ..core.errors import Span
from ..language.model import Diagram, Directives
from ..language.text import collapse
from .builder import Builder
from .directive_comments import json_or_raw
from .dot_scan import (
    DotScan,
    dot_escapes,
    dot_exact,
    dot_label,
    dot_unquote,
    from_interchange,
    scan_dot,
)

# -- public API ----------------------------------------------------------------------------


def read_dot(text: str, *, path: str) -> Diagram:
    """Read Graphviz DOT: the first graph of the text, through pydot.

    Nodes are components named by their `label` (else their name), `shape` gives a kind
    (:data:`_DOT_KINDS`), `tooltip` a note; subgraphs are groups; `->` edges are directed,
    `--` (in a `graph`) or `dir=none` undirected, `dir=both` two edges; an edge's `label`
    is kept; the graph's `label` is the title. `node`/`edge` default statements are
    looks, not content, and are passed over.
    """
    b = Builder(text, path)
    scan = scan_dot(text, b)
    graphs = _pydot_graphs(text, b)
    diagram = _DotReader(b, scan, graphs[0]).read()
    written = {
        m.group(1): json_or_raw(m.group(2).strip()) for m in _DIRECTIVE_COMMENT.finditer(text)
    }
    if not written:
        return diagram
    if diagram.directives.title is not None:
        written.setdefault("title", diagram.directives.title)
    return replace(diagram, directives=Directives.from_values(written))


_DIRECTIVE_COMMENT = re.compile(r"^[ \t]*//[ \t]*@([^\s#]+)[ \t]*([^\n]*)$", re.MULTILINE)
"""A `// @case ID` comment line: a directive, as `convert --to dot` writes them."""


# -- Graphviz DOT --------------------------------------------------------------------------

_DOT_KINDS: Mapping[str, str] = {
    "cylinder": "store",
    "box3d": "model",
    "note": "data",
    "cds": "queue",
    "component": "job",
}
"""Graphviz shapes that name a kind: the shapes mlsd-draw draws those kinds with, except
Graphviz's defaults (box, ellipse), which say nothing."""
_PYPARSING_PLACE = re.compile(r"\(at char (\d+)\)")


def _record_name(value: str | None, replacements: Mapping[str, str]) -> str:
    """A record node's first field: its name as one component (ports and layout dropped)."""
    text = dot_unquote(value) if value is not None else "\\N"
    fields = re.split(r"(?<!\\)[|{}]", text)
    for field_text in fields:
        plain = re.sub(r"(?<!\\)<[^>]*>", " ", field_text)
        name = collapse(html.unescape(dot_escapes(plain, replacements)))
        if name:
            return name
    return replacements.get("N", "")


def _split_port(raw: str) -> str:
    """The node name of an edge end written `name:port[:compass]`."""
    if raw.startswith('"'):
        match = re.match(r'"(?:[^"\\]|\\.)*"', raw, re.DOTALL)
        return dot_unquote(match.group() if match else raw)
    return raw.split(":", 1)[0]


def _pydot_graphs(text: str, b: Builder) -> list[Any]:
    """pydot's graphs for `text`; its parse errors (printed, with None returned) as ParseError.

    pydot and pyparsing warn about their own deprecations while building the grammar;
    those warnings are theirs, so they are silenced here and nowhere else.
    """
    printed = io.StringIO()
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(printed):
            warnings.simplefilter("ignore")
            import pydot

            graphs = pydot.graph_from_dot_data(text)
    except Exception as error:  # pydot raises several kinds on input it cannot build
        b.report("error", f"the DOT text cannot be read: {error}", b.span(0))
        b.fail()
    if not graphs:
        # pydot parses with tabs kept, so pyparsing's character offset is exact.
        place = _PYPARSING_PLACE.search(printed.getvalue())
        span = b.span(min(int(place.group(1)), len(text))) if place is not None else b.span(0)
        b.report(
            "error",
            "the DOT text does not parse here",
            span,
            'check this line against Graphviz\'s syntax, e.g. `a -> b [label="x"];`',
        )
        b.fail()
    return list(graphs)


class _DotReader:
    """Walks pydot's graph: nodes, edges and subgraphs in the order they were written."""

    def __init__(self, b: Builder, scan: DotScan, graph: Any) -> None:
        self.b = b
        self.scan = scan
        self.root: Mapping[str, Any] = graph.obj_dict
        self.directed = self.root.get("type") == "digraph"
        self.graph_name = dot_unquote(str(self.root.get("name") or ""))
        self.expanded: dict[int, list[str]] = {}

    def read(self) -> Diagram:
        attributes = self.attributes(self.root)
        self.walk(self.root, None)
        title = None
        if "label" in attributes:
            title = dot_label(attributes["label"], {"G": self.graph_name}) or None
        empty = (
            "the graph has no nodes",
            self.scan.header,
            "add nodes and edges, e.g. `digraph { a -> b }`",
        )
        return self.b.build(Directives(title=title), empty)

    def span_of(self, name: str) -> Span:
        return self.scan.mentions.get(name, self.scan.header)

    @staticmethod
    def attributes(scope: Mapping[str, Any]) -> dict[str, str]:
        """A graph's or subgraph's own attributes, with its `graph [...]` statements."""
        result = {str(k).lower(): str(v) for k, v in scope.get("attributes", {}).items()}
        for entry in scope.get("nodes", {}).get("graph", ()):
            result.update({str(k).lower(): str(v) for k, v in entry.get("attributes", {}).items()})
        return result

    @staticmethod
    def children(scope: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
        items: list[tuple[int, int, str, Mapping[str, Any]]] = []
        for kind in ("nodes", "edges", "subgraphs"):
            for entries in scope.get(kind, {}).values():
                for entry in entries:
                    items.append((int(entry.get("sequence", 0)), len(items), kind, entry))
        items.sort(key=lambda item: (item[0], item[1]))
        return [(kind, entry) for _, _, kind, entry in items]

    def walk(self, scope: Mapping[str, Any], group: str | None) -> list[str]:
        """Read a scope's statements; the names of every node in it, for edges to it."""
        names: list[str] = []
        for kind, entry in self.children(scope):
            if kind == "nodes":
                raw = str(entry["name"])
                if raw.lower() in ("node", "edge", "graph"):
                    continue  # default statements: how things look, not what they are
                name = dot_unquote(raw)
                self.node(name, entry.get("attributes", {}), group)
                names.append(name)
            elif kind == "edges":
                ends = [self.endpoint(point, group) for point in entry["points"]]
                for source in ends[0]:
                    for target in ends[1]:
                        self.edge(source, target, entry.get("attributes", {}))
                names.extend(name for end in ends for name in end)
            else:
                names.extend(self.subgraph(entry, group))
        return names

    def endpoint(self, point: Any, group: str | None) -> list[str]:
        if isinstance(point, str):
            name = _split_port(point)
            self.b.mention(name, self.span_of(name), group)
            return [name]
        key = id(point)
        if key not in self.expanded:
            self.expanded[key] = self.subgraph(point, group)
        return self.expanded[key]

    def subgraph(self, sub: Mapping[str, Any], parent: str | None) -> list[str]:
        """A subgraph is a group named by its label, else by its name without `cluster_`;
        an anonymous one (`{ rank=same; a b }`) only arranges its nodes."""
        name = dot_unquote(str(sub.get("name") or ""))
        if not name:
            return self.walk(sub, parent)
        attributes = self.attributes(sub)
        title = dot_label(attributes["label"], {"G": name}) if "label" in attributes else ""
        if not title:
            title = re.sub(r"^cluster_?", "", name, flags=re.IGNORECASE) or name
        span = self.scan.subgraphs.get(name, self.scan.header)
        group = self.b.open_group(name, title, parent, span)
        if "tooltip" in attributes:
            group.note = dot_label(attributes["tooltip"], {"G": name}) or None
        if "mlsd" in attributes:
            self.b.group_declared(group, from_interchange(dot_exact(attributes["mlsd"])), span)
        names = self.walk(sub, name)
        self.b.close_group(name)
        return names

    def node(self, name: str, raw_attributes: Mapping[str, Any], group: str | None) -> None:
        draft = self.b.mention(name, self.span_of(name), group)
        attributes = {str(k).lower(): str(v) for k, v in raw_attributes.items()}
        replacements = {"N": name, "G": self.graph_name}
        shape = dot_unquote(attributes["shape"]).lower() if "shape" in attributes else None
        if shape in ("record", "mrecord"):
            draft.label = _record_name(attributes.get("label"), replacements)
        elif "label" in attributes:
            draft.label = dot_label(attributes["label"], replacements)
        if shape is not None:
            draft.kind = _DOT_KINDS.get(shape)
        if "tooltip" in attributes:
            draft.note = dot_label(attributes["tooltip"], replacements) or None
        if "mlsd" in attributes:
            self.b.declared(draft, from_interchange(dot_exact(attributes["mlsd"])), draft.span)

    def edge(self, source: str, target: str, raw_attributes: Mapping[str, Any]) -> None:
        attributes = {str(k).lower(): str(v) for k, v in raw_attributes.items()}
        replacements = {
            "T": source,
            "H": target,
            "E": f"{source}{'->' if self.directed else '--'}{target}",
            "G": self.graph_name,
        }
        label = dot_label(attributes["label"], replacements) if "label" in attributes else None
        note = dot_label(attributes["tooltip"], replacements) if "tooltip" in attributes else None
        default = "forward" if self.directed else "none"
        direction = dot_unquote(attributes.get("dir", default)).lower()
        span = self.span_of(source)
        if direction == "none":
            made = [self.b.connect(source, target, "undirected", span, label or None, note or None)]
        elif direction == "back":
            made = [self.b.connect(target, source, "directed", span, label or None, note or None)]
        else:
            made = [self.b.connect(source, target, "directed", span, label or None, note or None)]
            if direction == "both":
                made.append(
                    self.b.connect(target, source, "directed", span, label or None, note or None)
                )
        if "mlsd" in attributes:
            for draft in made:
                self.b.edge_declared(draft, from_interchange(dot_exact(attributes["mlsd"])), span)
