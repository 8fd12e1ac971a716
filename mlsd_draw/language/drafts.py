"""The diagram a parse builds up: drafts of its groups, components and edges, and their rules.

Statements only say which names they mention and how they join them; :class:`DiagramDraft`
keeps what that means. It creates a component or group on its first mention and merges
the later ones, applies attribute lists (with a warning for a key that does not apply and
an error for a bad weight), merges edges so the result never depends on statement order,
checks the whole once every statement is read, and builds the finished
:class:`~mlsd_draw.language.model.Diagram`. The parser of :mod:`mlsd_draw.language.parser`
extends it with the grammar.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..core.errors import Diagnostic, Severity, Span
from .comments import attach_comments
from .keywords import (
    ALL_KEYS,
    EDGE_KEYS,
    GROUP_KEYS,
    KIND_HINTS,
    NODE_KEYS,
    did_you_mean,
    split_list,
)
from .model import (
    NODE_KINDS,
    Anchor,
    Diagram,
    Directives,
    Edge,
    EdgeKind,
    Group,
    Node,
    slugify,
)
from .tokenizer import Attr, Token


@dataclass(kw_only=True, slots=True)
class _Attributed:
    """What attribute lists set; components, edges and groups each take some of it."""

    aliases: list[str] = field(default_factory=list)
    weight: float = 1.0
    note: str | None = None
    edge_label: str | None = None
    component_kind: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)
    given: dict[str, str] = field(default_factory=dict)
    """The single-valued keys set so far (weight, note, label, kind), as written."""


@dataclass(kw_only=True, slots=True)
class _NodeDraft(_Attributed):
    id: str
    label: str
    group: str | None
    span: Span
    description: str | None = None
    mentions: int = 0
    only_edge_ends: bool = True


@dataclass(kw_only=True, slots=True)
class _EdgeDraft(_Attributed):
    source: str
    target: str
    kind: EdgeKind
    span: Span


@dataclass(kw_only=True, slots=True)
class _GroupDraft(_Attributed):
    id: str
    name: str
    parent: str | None
    span: Span


@dataclass(slots=True)
class Item:
    """A name in a statement with the attribute list right after it, as the parser hands it over."""

    token: Token
    attrs: Token | None = None


class DiagramDraft:
    """The diagram under construction, with the rules that merge and check what statements say.

    The parser extends it: statements feed it mentions, groups and edges; `build` gives
    the :class:`~mlsd_draw.language.model.Diagram` once all of them are read.
    """

    def __init__(self, text: str, diagnostics: list[Diagnostic]) -> None:
        self.text = text
        self.diagnostics = diagnostics
        self.directives: dict[str, str] = {}
        self.extra_directives: dict[str, str] = {}
        self.nodes: dict[str, _NodeDraft] = {}
        self.edges: dict[tuple[str, str], _EdgeDraft] = {}
        self.groups: dict[str, _GroupDraft] = {}
        self.stack: list[tuple[str | None, Token]] = []  # (group id or None if invalid, '{')
        self.slugs: dict[str, str] = {}
        self.statements: list[tuple[int, Anchor | _EdgeDraft, Anchor | _EdgeDraft]] = []
        """Where each statement starts and what it stands for first and last (a chain's
        first and last edge), to tie comments to it. An edge is kept as its draft:
        merging may still turn its ends around."""

    def stated(
        self, start: int, first: Anchor | _EdgeDraft, last: Anchor | _EdgeDraft | None = None
    ) -> None:
        """Remember a statement starting at `start`, for the comments around it."""
        self.statements.append((start, first, first if last is None else last))

    def slug(self, name: str) -> str:
        """The id of a name, remembered: large files repeat the same names many times."""
        slug = self.slugs.get(name)
        if slug is None:
            slug = self.slugs[name] = slugify(name)
        return slug

    # -- reporting -------------------------------------------------------------------------

    def report(self, severity: Severity, message: str, span: Span, hint: str = "") -> None:
        self.diagnostics.append(Diagnostic(severity, message, span, hint))

    def error(self, message: str, span: Span, hint: str = "") -> None:
        self.report("error", message, span, hint)

    def warn(self, message: str, span: Span, hint: str = "") -> None:
        self.report("warning", message, span, hint)

    # -- semantics -------------------------------------------------------------------------

    def current_group(self) -> str | None:
        for group_id, _ in reversed(self.stack):
            if group_id is not None:
                return group_id
        return None

    def declare_group(self, name: Token, attr_tokens: list[Token]) -> str:
        group_id = slugify(name.value)
        group = self.groups.get(group_id)
        if group is None:
            group = _GroupDraft(
                id=group_id, name=name.value, parent=self.current_group(), span=name.span
            )
            self.groups[group_id] = group
        for attr in (a for token in attr_tokens for a in token.attrs):
            self.attribute(group, attr, GROUP_KEYS, "groups")
        return group_id

    def mention(self, item: Item, *, edge_end: bool) -> str:
        node_id = self.slug(item.token.value)
        node = self.nodes.get(node_id)
        if node is None:
            node = _NodeDraft(
                id=node_id, label=item.token.value, group=self.current_group(), span=item.token.span
            )
            self.nodes[node_id] = node
        node.mentions += 1
        node.only_edge_ends = node.only_edge_ends and edge_end
        if item.attrs is not None:
            for attr in item.attrs.attrs:
                self.attribute(node, attr, NODE_KEYS, "components")
        return node_id

    def describe(self, node_id: str, text: Token) -> None:
        node = self.nodes[node_id]
        node.description = (
            text.value if node.description is None else f"{node.description} {text.value}"
        )

    def connect(
        self, source: str, target: str, arrow: Token, label: str | None, attrs: Token | None
    ) -> _EdgeDraft:
        """Join two components as `arrow` says; returns the (first) edge made or merged."""
        if source == target:
            self.warn(
                f"'{self.nodes[source].label}' feeds itself",
                arrow.span,
                "remove this arrow, or give the two ends different names",
            )
        pairs: list[tuple[str, str, EdgeKind]]
        if arrow.arrow == "->":
            pairs = [(source, target, "directed")]
        elif arrow.arrow == "<-":
            pairs = [(target, source, "directed")]
        elif arrow.arrow == "<->":
            pairs = [(source, target, "directed"), (target, source, "directed")]
        else:
            pairs = [(source, target, "undirected")]
        edges = [self.edge_between(a, b, kind, arrow) for a, b, kind in pairs]
        for edge in edges:
            if label is not None:
                edge.edge_label = label
            for attr in attrs.attrs if attrs is not None else ():
                self.attribute(edge, attr, EDGE_KEYS, "edges")
        return edges[0]

    def edge_between(self, a: str, b: str, kind: EdgeKind, arrow: Token) -> _EdgeDraft:
        """The edge a->b, created or merged so the result never depends on statement order.

        An association (`--`) is satisfied by any edge between its ends, so it merges into
        an existing one; a directed edge takes over an association between the same ends.
        """
        edge = self.edges.get((a, b))
        backwards = self.edges.get((b, a))
        if kind == "undirected":
            edge = edge or backwards
        elif edge is None and backwards is not None and backwards.kind == "undirected":
            del self.edges[(b, a)]
            edge = backwards
            edge.source, edge.target = a, b
            self.edges[(a, b)] = edge
        if edge is None:
            edge = self.edges[(a, b)] = _EdgeDraft(source=a, target=b, kind=kind, span=arrow.span)
        elif kind == "directed":
            edge.kind = "directed"
        return edge

    def weight(self, attr: Attr, current: float) -> float:
        """The weight an attribute sets; an error (and `current` kept) unless a number >= 0."""
        try:
            value = float(attr.value)
        except ValueError:
            value = -1.0
        if not 0 <= value <= MAX_WEIGHT:
            self.error(
                f"weight must be a number from 0 to {MAX_WEIGHT:g}, not '{attr.value}'",
                attr.value_span,
                "use 0 for a bonus item, 1 (the default) or more for core components",
            )
            return current
        return value

    def component_kind(self, attr: Attr, current: str | None) -> str | None:
        """The kind an attribute sets; a warning (and `current` kept) for an unknown one."""
        kind = attr.value.lower()
        if kind in NODE_KINDS:
            return kind
        hint = (
            f"did you mean '{KIND_HINTS[kind]}'?"
            if kind in KIND_HINTS
            else did_you_mean(kind, NODE_KINDS)
        )
        self.warn(f"unknown kind '{attr.value}'", attr.value_span, hint)
        return current

    def unknown_key(self, attr: Attr, valid: Sequence[str], target: str) -> None:
        if attr.key in ALL_KEYS:
            self.warn(
                f"'{attr.key}' does not apply to {target}; it is ignored",
                attr.key_span,
                f"{target} take: " + ", ".join(valid),
            )
        else:
            self.warn(
                f"unknown attribute '{attr.key}'", attr.key_span, did_you_mean(attr.key, valid)
            )

    def attribute(
        self, draft: _Attributed, attr: Attr, valid: tuple[str, ...], target: str
    ) -> None:
        """Apply one attribute to a component, edge or group that takes the keys `valid`."""
        key = attr.key.lower()
        if key not in valid:
            self.unknown_key(attr, valid, target)
            if key not in ALL_KEYS:
                draft.attributes[attr.key] = attr.value
        elif key == "aka":
            draft.aliases.extend(a for a in split_list(attr.raw) if a not in draft.aliases)
        elif key in SINGLE_VALUED and self._changes(draft, key, attr):
            pass
        elif key == "weight":
            draft.weight = self.weight(attr, draft.weight)
        elif key == "note":
            draft.note = attr.value
        elif key == "label":
            draft.edge_label = attr.value
        else:
            draft.component_kind = self.component_kind(attr, draft.component_kind)

    def _changes(self, draft: _Attributed, key: str, attr: Attr) -> bool:
        """Warn when an attribute gives a second, different value of a key that holds one
        (the later one would silently replace the first, so the order of statements would
        decide); returns True when the later value is to be ignored."""
        before = draft.given.get(key)
        now = attr.value
        draft.given.setdefault(key, now)
        if before is None or _same_value(key, before, now):
            return False
        self.warn(
            f"{key} '{now}' conflicts with the {key} '{before}' given earlier; "
            "the first one is kept",
            attr.value_span,
            f"give each {key} once (`mlsd-draw fmt` writes a component's attributes together)",
        )
        return True

    def finish_checks(self) -> None:
        connected = {end for key in self.edges for end in key}
        for node in self.nodes.values():
            if node.id not in connected and node.mentions == 1:
                self.warn(
                    f"'{node.label}' is connected to nothing",
                    node.span,
                    f"draw what feeds it or what it feeds, e.g. `{node.label} -> ...`",
                )
            group = self.groups.get(node.id)
            if group is not None and node.only_edge_ends and not self._inside(node.group, group.id):
                self.warn(
                    f"'{node.label}' is also the name of a group; this arrow joins a component "
                    "of that name, not the group",
                    node.span,
                    "edges join components: name a component inside the group instead",
                )
        if not self.nodes and not any(d.severity == "error" for d in self.diagnostics):
            first_line = self.text.split("\n", 1)[0]
            self.error(
                "the file has no components",
                Span(0, max(1, len(first_line)), 1, 1),
                "write the architecture as arrows, e.g. `User request -> Ranking -> Results`",
            )

    def _inside(self, group_id: str | None, ancestor: str) -> bool:
        while group_id is not None:
            if group_id == ancestor:
                return True
            group_id = self.groups[group_id].parent
        return False

    def build(self) -> Diagram:
        directives = Directives.from_values({**self.directives, **self.extra_directives})
        groups = tuple(
            Group(g.id, g.name, g.parent, tuple(g.aliases), g.note, g.attributes, g.span)
            for g in self.groups.values()
        )
        nodes = tuple(
            Node(
                n.id,
                n.label,
                n.group,
                n.description,
                tuple(n.aliases),
                n.weight,
                n.note,
                n.component_kind,
                n.attributes,
                n.span,
            )
            for n in self.nodes.values()
        )
        edges = tuple(
            Edge(
                e.source,
                e.target,
                e.kind,
                e.edge_label,
                e.weight,
                e.note,
                e.attributes,
                e.span,
            )
            for e in self.edges.values()
        )
        warnings = tuple(d for d in self.diagnostics if d.severity == "warning")
        statements = [
            (start, _anchor(first), _anchor(last)) for start, first, last in self.statements
        ]
        comments = attach_comments(self.text, statements)
        return Diagram(directives, groups, nodes, edges, warnings, comments)


def _anchor(what: Anchor | _EdgeDraft) -> Anchor:
    return ("edge", what.source, what.target) if isinstance(what, _EdgeDraft) else what


SINGLE_VALUED = frozenset({"weight", "note", "label", "kind"})
"""Attribute keys that hold one value (`aka` collects a list instead)."""


def _same_value(key: str, before: str, now: str) -> bool:
    """Whether two written values of a key mean the same (`2` and `2.0`, `Store` and `store`)."""
    if key == "kind":
        return before.lower() == now.lower()
    if key == "weight":
        try:
            return float(before) == float(now)
        except ValueError:
            return before == now
    return before == now


MAX_WEIGHT = 1000.0
"""The largest weight: a weight says how much a component matters against the others, so
a thousand times the default is plenty, and sums of weights stay exact and finite."""
