"""Parse `.mlsd` text into a :class:`~mlsd_draw.language.model.Diagram`.

The grammar, over the tokens of :mod:`mlsd_draw.language.tokenizer`::

    file       = directive* statement*
    statement  = group_open | '}' | chain | END
    group_open = ref ATTRS? '{'
    chain      = items (ARROW items)* ATTRS? (':' TEXT)?
    items      = item (',' item)*
    item       = ref ATTRS?
    ref        = NAME | STRING

A `[...]` at the very end of a chain with arrows belongs to its edges; one after a name
that more of the statement follows belongs to that node. Every problem of the file is
collected; any error means no diagram (:class:`~mlsd_draw.core.errors.ParseError`).
"""

from __future__ import annotations

import difflib
import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import Diagnostic, ParseError, Severity, Span, UsageError
from .model import NODE_KINDS, Diagram, Directives, Edge, EdgeKind, Group, Node, slugify
from .tokenizer import Attr, Tok, Token, collapse, tokenize

DIRECTIVES = ("case", "title", "prompt", "level", "source")
NODE_KEYS = ("kind", "weight", "aka", "note")
EDGE_KEYS = ("weight", "note", "label")
GROUP_KEYS = ("aka", "note")
ALL_KEYS = ("aka", "weight", "note", "kind", "label")
# Words people reach for instead of the seven kinds, for the hint of an unknown kind.
KIND_HINTS = {
    "database": "store",
    "db": "store",
    "storage": "store",
    "cache": "store",
    "index": "store",
    "table": "store",
    "warehouse": "store",
    "stream": "queue",
    "topic": "queue",
    "broker": "queue",
    "user": "client",
    "ui": "client",
    "app": "client",
    "batch": "job",
    "pipeline": "job",
    "dataset": "data",
    "logs": "data",
    "api": "service",
    "server": "service",
}


def parse(text: str, *, path: str = "<string>") -> Diagram:
    """Parse diagram text; raise ParseError listing every error if there is any.

    Warnings of a file that parses are kept in `Diagram.warnings`.
    """
    with _collector_paused():
        return _Parser(text, path).parse()


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while parsing.

    A parse allocates hundreds of thousands of short-lived objects and no reference
    cycles, so the collector's passes cost a quarter of the time on large files and free
    nothing. It is switched back on afterwards only if it was on before.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def parse_file(path: str | Path) -> Diagram:
    """Parse a `.mlsd` file (UTF-8); `-` reads standard input."""
    name, text = read_source(path)
    return parse(text, path=name)


def read_source(path: str | Path) -> tuple[str, str]:
    """The display name and text of a file, or of standard input for `-`."""
    import sys

    if str(path) == "-":
        return "<stdin>", sys.stdin.read()
    try:
        return str(path), Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a folder, not a diagram file") from None
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"{path}: not UTF-8 text (byte {exc.start}); save the file as UTF-8"
        ) from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot be read ({exc.strerror})") from None


def did_you_mean(word: str, choices: Sequence[str]) -> str:
    """A 'did you mean' hint for a misspelt key, or a list of the valid ones."""
    close = difflib.get_close_matches(word.lower(), choices, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    return "known: " + ", ".join(choices)


_STATEMENT_ENDS = frozenset((Tok.END, Tok.LBRACE, Tok.RBRACE, Tok.EOF))
# Enum members looked up once: attribute access on the enum class is slow in a hot loop.
_REFS = frozenset((Tok.NAME, Tok.STRING))
_ATTRS, _COMMA, _ARROW, _COLON = Tok.ATTRS, Tok.COMMA, Tok.ARROW, Tok.COLON


@dataclass(kw_only=True, slots=True)
class _Attributed:
    """What attribute lists set; components, edges and groups each take some of it."""

    aliases: list[str] = field(default_factory=list)
    weight: float = 1.0
    note: str | None = None
    edge_label: str | None = None
    component_kind: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)


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
class _Item:
    token: Token
    attrs: Token | None = None


class _Parser:
    def __init__(self, text: str, path: str) -> None:
        self.text = text
        self.path = path
        self.tokens, lexical = tokenize(text)
        self.diagnostics: list[Diagnostic] = list(lexical)
        self.pos = 0
        self.directives: dict[str, str] = {}
        self.extra_directives: dict[str, str] = {}
        self.nodes: dict[str, _NodeDraft] = {}
        self.edges: dict[tuple[str, str], _EdgeDraft] = {}
        self.groups: dict[str, _GroupDraft] = {}
        self.stack: list[tuple[str | None, Token]] = []  # (group id or None if invalid, '{')
        self.seen_statement = False
        self.slugs: dict[str, str] = {}

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

    # -- driver ----------------------------------------------------------------------------

    def parse(self) -> Diagram:
        while self.tokens[self.pos].kind is not Tok.EOF:
            token = self.tokens[self.pos]
            if token.kind is Tok.END:
                self.pos += 1
            elif token.kind is Tok.DIRECTIVE:
                self.pos += 1
                self.directive(token)
            elif token.kind is Tok.RBRACE:
                self.pos += 1
                self.close_group(token)
            else:
                self.statement()
        for group_id, brace in self.stack:
            name = f" '{self.groups[group_id].name}'" if group_id else ""
            self.error(
                "this '{' is never closed",
                brace.span,
                f"add a '}}' to close the group{name}",
            )
        self.finish_checks()
        self.diagnostics.sort(key=lambda d: (d.span.start, d.severity != "error"))
        if any(d.severity == "error" for d in self.diagnostics):
            raise ParseError(self.diagnostics, self.text, self.path)
        return self.build()

    def directive(self, token: Token) -> None:
        key = token.key
        if self.seen_statement:
            self.error(
                f"the directive '@{key}' comes after the first statement",
                token.span,
                "move it to the top of the file, before any component",
            )
            return
        if not token.value:
            self.error(f"'@{key}' has no value", token.span, f"write it as `@{key} value`")
            return
        if key not in DIRECTIVES:
            self.warn(f"unknown directive '@{key}'", token.span, did_you_mean(key, DIRECTIVES))
            self.extra_directives[key] = token.value
        elif key == "prompt" and key in self.directives:
            self.directives[key] = f"{self.directives[key]} {token.value}"
        else:
            if key in self.directives and self.directives[key] != token.value:
                self.warn(
                    f"'@{key}' is given twice",
                    token.span,
                    f"the last one counts: '{token.value}'",
                )
            self.directives[key] = token.value

    def close_group(self, token: Token) -> None:
        self.seen_statement = True
        if not self.stack:
            self.error(
                "this '}' closes no group",
                token.span,
                "remove it, or open the group with `Name {` before its components",
            )
        else:
            self.stack.pop()

    def current_group(self) -> str | None:
        for group_id, _ in reversed(self.stack):
            if group_id is not None:
                return group_id
        return None

    # -- statements ------------------------------------------------------------------------

    def statement(self) -> None:
        """Read the tokens up to the end of the statement and act on them."""
        start = pos = self.pos
        all_tokens = self.tokens
        while all_tokens[pos].kind not in _STATEMENT_ENDS:
            pos += 1
        self.pos = pos
        tokens = all_tokens[start:pos]
        self.seen_statement = True
        closer = all_tokens[pos]
        if closer.kind is Tok.LBRACE:
            self.pos += 1
            self.open_group(tokens, closer)
        elif (
            len(tokens) == 3
            and tokens[1].kind is _ARROW
            and tokens[0].kind in _REFS
            and tokens[2].kind in _REFS
        ):
            self.single_edge(tokens[0], tokens[1], tokens[2])
        elif tokens:
            self.chain(tokens)

    def open_group(self, tokens: list[Token], brace: Token) -> None:
        group_id: str | None = None
        if not tokens:
            self.error(
                "this group has no name",
                brace.span,
                "write the group's name before '{', e.g. `Serving {`",
            )
        elif tokens[0].kind not in (Tok.NAME, Tok.STRING) or any(
            t.kind not in (Tok.ATTRS,) for t in tokens[1:]
        ):
            self.error(
                "only a name (and attributes) can open a group",
                brace.span,
                "write `Group name {` on its own line, then the components inside",
            )
        elif self.check_name(tokens[0]):
            group_id = self.declare_group(tokens[0], tokens[1:])
        self.stack.append((group_id, brace))

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

    def single_edge(self, source: Token, arrow: Token, target: Token) -> None:
        """`A -> B`, the most common statement: what `chain` does for it, without the
        bookkeeping of lists, fan-outs, attributes and labels (large files are mostly this)."""
        if self.check_name(source) and self.check_name(target):
            a = self.mention(_Item(source), edge_end=True)
            b = self.mention(_Item(target), edge_end=True)
            self.connect(a, b, arrow, None, None)

    def chain(self, tokens: list[Token]) -> None:
        """A node statement (`A [..]: text`) or an edge chain (`A, B -> C [..]: label`)."""
        segments: list[list[_Item]] = [[]]
        arrows: list[Token] = []
        text: Token | None = None
        i = 0
        expect_ref = True
        ok = True
        while i < len(tokens):
            token = tokens[i]
            kind = token.kind
            if expect_ref:
                if kind in _REFS:
                    segments[-1].append(_Item(token))
                    expect_ref = False
                else:
                    ok = False
                    self.missing_name(tokens, i, arrows)
                    break
            elif kind is _ATTRS and segments[-1][-1].attrs is None:
                segments[-1][-1].attrs = token
            elif kind is _COMMA:
                expect_ref = True
            elif kind is _ARROW:
                arrows.append(token)
                segments.append([])
                expect_ref = True
            elif kind is _COLON:
                text = tokens[i + 1] if i + 1 < len(tokens) else None
                break
            elif kind in _REFS:
                ok = False
                self.error(
                    f"two names in a row: '{tokens[i - 1].value}' then '{token.value}'",
                    token.span,
                    "put an arrow between them (`A -> B`), or quote the whole name",
                )
                break
            elif kind is Tok.DIRECTIVE:
                ok = False
                self.error(
                    f"the directive '@{token.key}' must start its own line",
                    token.span,
                    "put directives on their own lines at the top of the file",
                )
                break
            else:
                ok = False
                self.error("an attribute list cannot follow another", token.span)
                break
            i += 1
        if expect_ref and ok:
            ok = False
            self.missing_name(tokens, len(tokens), arrows)
        items = [item for segment in segments for item in segment]
        if not ok or not all(self.check_name(item.token) for item in items):
            return
        edge_attrs: Token | None = None
        if arrows and segments[-1][-1].attrs is not None:
            edge_attrs, segments[-1][-1].attrs = segments[-1][-1].attrs, None
        ids = [[self.mention(item, edge_end=bool(arrows)) for item in seg] for seg in segments]
        if not arrows:  # `A`, `A: text`, or `A, B` declaring several components
            if text is not None:
                self.describe(ids[0][0], text)
            return
        label = text.value if text is not None else None
        for arrow, sources, targets in zip(arrows, ids, ids[1:], strict=False):
            for source in sources:
                for target in targets:
                    self.connect(source, target, arrow, label, edge_attrs)

    def missing_name(self, tokens: list[Token], i: int, arrows: list[Token]) -> None:
        """Report the token where a name was expected (or the end of the statement)."""
        before = tokens[i - 1] if i > 0 else None
        here = tokens[i] if i < len(tokens) else None
        if before is not None and before.kind is Tok.ARROW:
            self.error(
                "this arrow has no target",
                before.span,
                f"expected a component name after '{before.value}'",
            )
        elif here is not None and here.kind is Tok.ARROW:
            self.error(
                "this arrow has no source",
                here.span,
                f"expected a component name before '{here.value}'",
            )
        elif before is not None and before.kind is Tok.COMMA:
            self.error("expected a component name after ','", before.span, "remove the extra ','")
        elif here is not None and here.kind is Tok.COMMA:
            self.error("this ',' has no name before it", here.span, "remove the extra ','")
        elif here is not None and here.kind is Tok.COLON:
            self.error(
                "this ':' has no component before it",
                here.span,
                "a description follows a name: `Vector DB: holds embeddings`",
            )
        elif here is not None and here.kind is Tok.ATTRS:
            self.error(
                "this attribute list belongs to no component",
                here.span,
                "put it right after a name: `Feature store [kind: store]`",
            )
        elif here is not None and here.kind is Tok.DIRECTIVE:
            self.error(
                f"the directive '@{here.key}' comes after the first statement",
                here.span,
                "move it to the top of the file, before any component",
            )
        else:
            assert here is not None
            self.error(f"unexpected {here.kind.value}", here.span)
        del arrows

    def check_name(self, token: Token) -> bool:
        if token.kind is Tok.NAME and token.value.startswith("@"):
            self.error(
                f"a name cannot start with '@': '{token.value}'",
                token.span,
                "directives such as `@case` go at the top of the file, each on its own line",
            )
            return False
        if not self.slug(token.value):
            self.error(
                f"'{token.value}' is not a usable name: it has no letter or digit",
                token.span,
                "name the component with words, e.g. `Feature store`",
            )
            return False
        return True

    # -- semantics -------------------------------------------------------------------------

    def mention(self, item: _Item, *, edge_end: bool) -> str:
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
    ) -> None:
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
        for a, b, kind in pairs:
            edge = self.edge_between(a, b, kind, arrow)
            if label is not None:
                edge.edge_label = label
            for attr in attrs.attrs if attrs is not None else ():
                self.attribute(edge, attr, EDGE_KEYS, "edges")

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
        if not value >= 0 or value == float("inf"):
            self.error(
                f"weight must be a number >= 0, not '{attr.value}'",
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
        elif key == "weight":
            draft.weight = self.weight(attr, draft.weight)
        elif key == "note":
            draft.note = attr.value
        elif key == "label":
            draft.edge_label = attr.value
        else:
            draft.component_kind = self.component_kind(attr, draft.component_kind)

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
        return Diagram(directives, groups, nodes, edges, warnings)


def split_list(raw: str) -> list[str]:
    """The items of a comma-separated attribute value; a quoted item may hold commas."""
    from .tokenizer import unescape

    if '"' not in raw:
        return [item for item in (collapse(part) for part in raw.split(",")) if item]
    items: list[str] = []
    current: list[str] = []
    i = 0
    while i < len(raw):
        ch = raw[i]
        if ch == '"':
            end = i + 1
            while end < len(raw) and raw[end] != '"':
                end += 2 if raw[end] == "\\" else 1
            current.append("\0" + unescape(raw[i + 1 : end]) + "\0")
            i = end + 1
        elif ch == ",":
            items.append("".join(current))
            current = []
            i += 1
        else:
            current.append(ch)
            i += 1
    items.append("".join(current))
    result = []
    for item in items:
        stripped = item.strip()
        if stripped.startswith("\0") and stripped.endswith("\0") and stripped.count("\0") == 2:
            value = stripped[1:-1]
        else:
            value = collapse(stripped.replace("\0", '"'))
        if value:
            result.append(value)
    return result
