"""The diagram model: what a `.mlsd` file means, independent of how it was written.

A :class:`Diagram` is immutable: header directives, groups (stages), nodes (components)
and edges. Spans point back into the source for messages and are left out of equality,
so two files that say the same thing compare equal.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from ..core.errors import Diagnostic, Span

if TYPE_CHECKING:
    import networkx as nx

NODE_KINDS = ("service", "model", "store", "data", "queue", "client", "job")
"""The values `kind` may take; each is drawn with its own shape."""

EdgeKind = Literal["directed", "undirected"]

Anchor = tuple[str, ...]
"""What a comment belongs to: `("directive", key)`, `("group", id)`, `("close", id)` (the
`}` of a group), `("node", id)`, `("edge", source, target)`, or `("end",)` (the file's end)."""

_NOT_ALNUM = re.compile(r"[\W_]+")


def slugify(name: str) -> str:
    """The id of a name: lowercase, each run of non letters/digits as one '-', no '-' at the ends.

    Two names with the same slug denote the same component (`Feature Store` = `feature-store`).
    """
    return _NOT_ALNUM.sub("-", name.lower()).strip("-")


@dataclass(frozen=True)
class Directives:
    """The header of a file: which case it answers and how that case is presented."""

    case: str | None = None
    title: str | None = None
    prompt: str | None = None
    level: str | None = None
    source: str | None = None
    extra: Mapping[str, str] = field(default_factory=dict)
    """Directives this version does not know, kept so `fmt` never drops text."""

    @classmethod
    def from_values(cls, values: Mapping[str, str]) -> Directives:
        """Directives from `key -> value` as a file gave them; unknown keys go to `extra`."""
        known = ("case", "title", "prompt", "level", "source")
        return cls(
            **{key: values.get(key) for key in known},
            extra={key: value for key, value in values.items() if key not in known},
        )

    def items(self) -> list[tuple[str, str]]:
        """The directives that are set, as `(key, value)` in their canonical order."""
        pairs = [
            ("case", self.case),
            ("title", self.title),
            ("prompt", self.prompt),
            ("level", self.level),
            ("source", self.source),
            *self.extra.items(),
        ]
        return [(key, value) for key, value in pairs if value is not None]


@dataclass(frozen=True)
class Group:
    """A named set of components: a stage, a pipeline, offline or online."""

    id: str
    name: str
    parent: str | None = None
    aliases: tuple[str, ...] = ()
    note: str | None = None
    attributes: Mapping[str, str] = field(default_factory=dict)
    span: Span | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Node:
    """A component. `label` is its first spelling; `id` its slug."""

    id: str
    label: str
    group: str | None = None
    description: str | None = None
    aliases: tuple[str, ...] = ()
    weight: float = 1.0
    note: str | None = None
    kind: str | None = None
    attributes: Mapping[str, str] = field(default_factory=dict)
    """Attributes the language does not define, as written: kept so `fmt` never drops them."""
    span: Span | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Edge:
    """`source` feeds `target`; an `undirected` edge (`A -- B`) counts either way."""

    source: str
    target: str
    kind: EdgeKind = "directed"
    label: str | None = None
    weight: float = 1.0
    note: str | None = None
    attributes: Mapping[str, str] = field(default_factory=dict)
    span: Span | None = field(default=None, compare=False, repr=False)

    @property
    def key(self) -> tuple[str, str]:
        """The ordered pair of node ids; a diagram holds at most one edge per pair."""
        return (self.source, self.target)


@dataclass(frozen=True)
class Comment:
    """A `#` comment, kept so that rewriting a file never loses the writer's own words.

    `text` is the comment as written from its `#` (trailing blanks dropped). A trailing
    comment ends the line of the statement it belongs to; any other stands on lines of its
    own before it.
    """

    text: str
    anchor: Anchor
    trailing: bool = False


@dataclass(frozen=True, eq=False)
class Diagram:
    """A parsed diagram: directives, groups, nodes and edges, in order of first appearance.

    Two diagrams are equal when they say the same thing: the order in which components,
    edges and groups were written does not count, nor do spans and warnings.
    """

    directives: Directives = field(default_factory=Directives)
    groups: tuple[Group, ...] = ()
    nodes: tuple[Node, ...] = ()
    edges: tuple[Edge, ...] = ()
    warnings: tuple[Diagnostic, ...] = field(default=(), compare=False, repr=False)
    comments: tuple[Comment, ...] = field(default=(), compare=False, repr=False)
    """The comments of the source, for `fmt`; like spans, they are not part of the meaning."""

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Diagram):
            return NotImplemented
        return self._meaning() == other._meaning()

    __hash__ = None  # type: ignore[assignment]

    def _meaning(self) -> tuple[object, ...]:
        return (
            self.directives,
            {g.id: g for g in self.groups},
            {n.id: n for n in self.nodes},
            {e.key: e for e in self.edges},
        )

    def node(self, node_id: str) -> Node:
        """The node with this id; KeyError when there is none."""
        for node in self.nodes:
            if node.id == node_id:
                return node
        raise KeyError(node_id)

    def group(self, group_id: str) -> Group:
        """The group with this id; KeyError when there is none."""
        for group in self.groups:
            if group.id == group_id:
                return group
        raise KeyError(group_id)

    def group_path(self, group_id: str | None) -> tuple[str, ...]:
        """The ids of the groups from the outermost down to `group_id` (empty for top level)."""
        path: list[str] = []
        parents = {g.id: g.parent for g in self.groups}
        current = group_id
        while current is not None:
            path.append(current)
            current = parents[current]
        return tuple(reversed(path))

    def to_networkx(self) -> nx.DiGraph:
        """The diagram as a `networkx.DiGraph`: node and edge fields become attributes.

        An undirected edge is one arc, marked `kind="undirected"`, in the direction written.
        """
        import networkx as nx

        graph = nx.DiGraph(
            case=self.directives.case,
            title=self.directives.title,
            groups={g.id: g for g in self.groups},
        )
        for node in self.nodes:
            graph.add_node(
                node.id,
                label=node.label,
                group=node.group,
                description=node.description,
                aliases=node.aliases,
                weight=node.weight,
                note=node.note,
                kind=node.kind,
            )
        for edge in self.edges:
            graph.add_edge(
                edge.source,
                edge.target,
                kind=edge.kind,
                label=edge.label,
                weight=edge.weight,
                note=edge.note,
            )
        return graph
