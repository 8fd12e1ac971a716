"""The diagram builder shared by the readers of other languages (Mermaid, Graphviz DOT).

A reader walks its own language and tells a :class:`Builder` what it found, keyed by that
language's ids: nodes mentioned (and the group they were mentioned in), groups opened and
closed, edges, and every problem as a diagnostic with its span. The builder then turns this
into the same :class:`~mlsd_draw.language.model.Diagram` that `.mlsd` gives, under the same rules:
ids are slugs of names, clashing names are told apart with a warning, at most one edge
joins an ordered pair, and errors are raised together as one
:class:`~mlsd_draw.core.errors.ParseError`. Keeping these rules in one place is what makes every
reader agree with `.mlsd` and with each other.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import NoReturn

from ..core.errors import Diagnostic, ParseError, Severity, Span
from ..language.model import Diagram, Directives, Edge, EdgeKind, Group, Node, slugify
from ..language.parser import parse
from ..language.text import LineIndex


class Positions:
    """Spans (1-based line and column) of character offsets into one text."""

    def __init__(self, text: str) -> None:
        self._lines = LineIndex(text)

    def span(self, start: int, end: int | None = None) -> Span:
        """The span from `start` to `end` (at least one character wide, for the caret)."""
        stop = start + 1 if end is None else max(end, start + 1)
        return self._lines.span(start, stop)


@dataclass
class NodeDraft:
    key: str
    span: Span
    label: str | None = None
    kind: str | None = None
    note: str | None = None
    description: str | None = None
    aliases: tuple[str, ...] = ()
    weight: float = 1.0
    attributes: Mapping[str, str] = field(default_factory=dict)


@dataclass
class EdgeDraft:
    source: str
    target: str
    kind: EdgeKind
    span: Span
    label: str | None = None
    note: str | None = None
    weight: float = 1.0
    attributes: Mapping[str, str] = field(default_factory=dict)


@dataclass
class GroupDraft:
    key: str
    name: str
    parent: str | None
    span: Span
    note: str | None = None
    aliases: tuple[str, ...] = ()
    attributes: Mapping[str, str] = field(default_factory=dict)


class Builder:
    """What a reader found, keyed by the source language's own ids, turned into a Diagram.

    Readers mention nodes (with the group they were mentioned in), open and close groups
    and connect nodes; `build` then settles what the model needs: a node belongs to the
    first group to close that mentions it (so to the innermost one, as Mermaid and
    Graphviz draw it), names become slugs (two ids whose labels share a slug are told
    apart, with a warning), and edges merge as in `.mlsd`.
    """

    def __init__(self, text: str, path: str) -> None:
        self.text = text
        self.path = path
        self.positions = Positions(text)
        self.diagnostics: list[Diagnostic] = []
        self.nodes: dict[str, NodeDraft] = {}
        self.edges: list[EdgeDraft] = []
        self.groups: dict[str, GroupDraft] = {}
        self.members: dict[str, list[str]] = defaultdict(list)
        self.closed: list[str] = []

    def span(self, start: int, end: int | None = None) -> Span:
        return self.positions.span(start, end)

    def report(self, severity: Severity, message: str, span: Span, hint: str = "") -> None:
        self.diagnostics.append(Diagnostic(severity, message, span, hint))

    def fail(self) -> NoReturn:
        """Raise the ParseError that carries every diagnostic so far."""
        self.diagnostics.sort(key=lambda d: (d.span.start, d.severity != "error"))
        raise ParseError(self.diagnostics, self.text, self.path)

    def check(self) -> None:
        """Raise if any error has been reported."""
        if any(d.severity == "error" for d in self.diagnostics):
            self.fail()

    def mention(self, key: str, span: Span, group: str | None) -> NodeDraft:
        """The node `key` (created at its first mention), mentioned inside `group`."""
        node = self.nodes.get(key)
        if node is None:
            node = self.nodes[key] = NodeDraft(key, span)
        if group is not None:
            self.members[group].append(key)
        return node

    def open_group(self, key: str, name: str, parent: str | None, span: Span) -> GroupDraft:
        """The group `key`; opened again, it keeps its first name and parent."""
        group = self.groups.get(key)
        if group is None:
            group = self.groups[key] = GroupDraft(key, name, parent, span)
        return group

    def close_group(self, key: str) -> None:
        if key not in self.closed:
            self.closed.append(key)

    def connect(
        self,
        source: str,
        target: str,
        kind: EdgeKind,
        span: Span,
        label: str | None = None,
        note: str | None = None,
    ) -> EdgeDraft:
        """Record an edge as the reader found it; merged with the others in `build`."""
        draft = EdgeDraft(source, target, kind, span, label, note)
        self.edges.append(draft)
        return draft

    def declared(self, draft: NodeDraft, declaration: str, span: Span) -> None:
        """Apply a component's `.mlsd` declaration carried by another format (the `mlsd`
        attribute of interchange DOT, a `%% mlsd:` line of Mermaid): its name, kind,
        aliases, weight, note and description, which a picture cannot hold."""
        parsed = self._details(declaration, "component", span, "`Name [aka: x]: description`")
        if parsed is None:
            return
        node = parsed.nodes[0]
        draft.label, draft.kind, draft.note = node.label, node.kind, node.note
        draft.description, draft.aliases, draft.weight = node.description, node.aliases, node.weight
        draft.attributes = node.attributes

    def group_declared(self, draft: GroupDraft, head: str, span: Span) -> None:
        """Apply a group's `.mlsd` head (`Name [aka: x; note: "..."]`) carried by another
        format (see `declared`)."""
        parsed = self._details(f"{head} {{ x }}", "group", span, '`Serving [note: "why"]`')
        if parsed is None:
            return
        group = parsed.groups[0]
        draft.name, draft.note, draft.aliases = group.name, group.note, group.aliases
        draft.attributes = group.attributes

    def edge_declared(self, draft: EdgeDraft, details: str, span: Span) -> None:
        """Apply what follows an edge's ends in `.mlsd` (`[weight: N; note: "..."]: label`)
        carried by another format (see `declared`)."""
        parsed = self._details(f"a -> b {details}", "edge", span, '`[weight: 2; note: "why"]`')
        if parsed is None:
            return
        edge = parsed.edges[0]
        draft.weight, draft.attributes = edge.weight, edge.attributes
        draft.note = edge.note if edge.note is not None else draft.note
        draft.label = edge.label if edge.label is not None else draft.label

    def _details(self, text: str, what: str, span: Span, example: str) -> Diagram | None:
        """`text` parsed as `.mlsd`, or None with a warning (the details are ignored)."""
        try:
            return parse(text)
        except ParseError:
            self.report(
                "warning",
                f"this {what}'s mlsd details do not parse; they are ignored",
                span,
                f"write them as .mlsd, e.g. {example}",
            )
            return None

    def build(self, directives: Directives, empty: tuple[str, Span, str]) -> Diagram:
        """The diagram; ParseError if any error was reported (`empty`: the error for no nodes)."""
        if not self.nodes and not any(d.severity == "error" for d in self.diagnostics):
            self.report("error", *empty)
        self.check()
        group_of: dict[str, str] = {}
        for group_key in [*self.closed, *(k for k in self.groups if k not in self.closed)]:
            for node_key in self.members.get(group_key, ()):
                group_of.setdefault(node_key, group_key)
        group_ids = self._identify(
            [(g.key, g.name, g.span) for g in self.groups.values()], "groups"
        )
        node_ids = self._identify([(n.key, n.label, n.span) for n in self.nodes.values()], "nodes")
        self.check()
        names = dict(node_ids.values())
        edges = self._edges(node_ids, names)
        connected = {end for key in edges for end in key}
        for draft in self.nodes.values():
            ident, name = node_ids[draft.key]
            if ident not in connected:
                self.report(
                    "warning",
                    f"'{name}' is connected to nothing",
                    draft.span,
                    "draw what feeds it or what it feeds",
                )
        self.diagnostics.sort(key=lambda d: (d.span.start, d.severity != "error"))
        groups = tuple(
            Group(
                group_ids[g.key][0],
                group_ids[g.key][1],
                group_ids[g.parent][0] if g.parent is not None else None,
                g.aliases,
                note=g.note,
                attributes=g.attributes,
                span=g.span,
            )
            for g in self.groups.values()
        )
        nodes = tuple(
            Node(
                node_ids[n.key][0],
                node_ids[n.key][1],
                group_ids[group_of[n.key]][0] if n.key in group_of else None,
                n.description,
                n.aliases,
                n.weight,
                kind=n.kind,
                note=n.note,
                attributes=n.attributes,
                span=n.span,
            )
            for n in self.nodes.values()
        )
        warnings_ = tuple(d for d in self.diagnostics if d.severity == "warning")
        return Diagram(directives, groups, nodes, tuple(edges.values()), warnings_)

    def _identify(
        self, drafts: Sequence[tuple[str, str | None, Span]], what: str
    ) -> dict[str, tuple[str, str]]:
        """Source key -> (slug id, name) for nodes or groups, each slug used once.

        A label with no letter or digit falls back to the key; a second key whose label
        has a slug already taken is named `Label (key)`, with a warning, so the two stay
        apart as the source language draws them.
        """
        taken: dict[str, str] = {}
        result: dict[str, tuple[str, str]] = {}
        for key, label, span in drafts:
            name = key if label is None else label
            if not slugify(name):
                if label is not None and slugify(key):
                    self.report(
                        "warning",
                        f"the label '{label}' has no letter or digit",
                        span,
                        f"it is named after its id, '{key}'",
                    )
                    name = key
                else:
                    self.report(
                        "error",
                        f"'{name}' is not a usable name: it has no letter or digit",
                        span,
                        "name it with words, e.g. `Feature store`",
                    )
                    continue
            slug = slugify(name)
            if slug in taken:
                base, number = name, 1
                name = f"{base} ({key})"
                while slugify(name) in taken:
                    number += 1
                    name = f"{base} ({key} {number})"
                self.report(
                    "warning",
                    f"'{taken[slug]}' and '{key}' have the same name, '{base}'",
                    span,
                    f"'{key}' is named '{name}' so the two {what} stay apart; "
                    "give them different labels",
                )
                slug = slugify(name)
            taken[slug] = key
            result[key] = (slug, name)
        return result

    def _edges(
        self, node_ids: Mapping[str, tuple[str, str]], names: Mapping[str, str]
    ) -> dict[tuple[str, str], Edge]:
        """Edges by node ids, merged as `.mlsd` merges them (see `language.edge_between`).

        An association is satisfied by any edge between its ends; a directed edge takes
        over an association between the same ends; a later label or note wins.
        """
        merged: dict[tuple[str, str], EdgeDraft] = {}
        for draft in self.edges:
            a, b = node_ids[draft.source][0], node_ids[draft.target][0]
            if a == b:
                self.report(
                    "warning",
                    f"'{names[a]}' feeds itself",
                    draft.span,
                    "remove this edge, or give the two ends different names",
                )
            edge = merged.get((a, b))
            backwards = merged.get((b, a))
            if draft.kind == "undirected":
                edge = edge or backwards
            elif edge is None and backwards is not None and backwards.kind == "undirected":
                del merged[(b, a)]
                edge = backwards
                edge.source, edge.target = a, b
                merged[(a, b)] = edge
            if edge is None:
                edge = merged[(a, b)] = EdgeDraft(a, b, draft.kind, draft.span)
            elif draft.kind == "directed":
                edge.kind = "directed"
            if draft.label is not None:
                edge.label = draft.label
            if draft.note is not None:
                edge.note = draft.note
            if draft.weight != 1:
                edge.weight = draft.weight
            if draft.attributes:
                edge.attributes = draft.attributes
        return {
            key: Edge(
                e.source,
                e.target,
                e.kind,
                e.label,
                e.weight,
                note=e.note,
                attributes=e.attributes,
                span=e.span,
            )
            for key, e in merged.items()
        }
