"""Graphviz DOT in: the reader of `.dot` and `.gv` files.

People draw architectures in Graphviz too, so mlsd-draw reads DOT wherever it reads `.mlsd`.
The grammar is pydot's (imported only when DOT is read, as it is slow to import); pydot
keeps no positions, though, and passes over much in silence, so a token scan of the text
first finds the line and column of every node and subgraph and reports what the model
cannot hold (HTML-like labels, record shapes, ports, edges to clusters, a second graph)
and the slips pydot would misread (an unclosed quote, a name with a space). The diagram is
built with :mod:`mlsd_draw.formats.builder`, like the Mermaid reader's.

Writing DOT is drawing, so it lives in :func:`mlsd_draw.drawing.rendering.diagram_to_dot`; hence
this module's name.
"""

from __future__ import annotations

import contextlib
import html
import io
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..core.errors import Span
from ..language.model import Diagram, Directives
from ..language.tokenizer import collapse
from .builder import Builder

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
    scan = _scan_dot(text, b)
    graphs = _pydot_graphs(text, b)
    return _DotReader(b, scan, graphs[0]).read()


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

_DOT_KEYWORDS = frozenset({"strict", "graph", "digraph", "subgraph", "node", "edge"})
_DOT_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment>//[^\n]*|/\*.*?\*/)
  | (?P<open_comment>/\*)
  | (?P<string>"(?:[^"\\]|\\.)*")
  | (?P<open_string>")
  | (?P<edgeop>->|--)
  | (?P<id>[A-Za-z_\u0080-\U0010ffff][A-Za-z_0-9\u0080-\U0010ffff]*)
  | (?P<number>-?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?))
  | (?P<punct>[{}\[\]=;,:+])
  | (?P<html><)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_PYPARSING_PLACE = re.compile(r"\(at char (\d+)\)")


@dataclass(frozen=True)
class _DotToken:
    kind: str
    text: str
    start: int
    end: int

    @property
    def name_like(self) -> bool:
        return self.kind in ("id", "number", "string")

    @property
    def keyword(self) -> str | None:
        lowered = self.text.lower()
        return lowered if self.kind == "id" and lowered in _DOT_KEYWORDS else None


@dataclass
class _DotScan:
    """What a token scan of DOT text locates; pydot keeps no positions of its own."""

    header: Span
    mentions: dict[str, Span]
    subgraphs: dict[str, Span]


def dot_unquote(raw: str) -> str:
    """The value of a DOT id: a quoted string without its quotes, `\\"` as `"` and
    backslash-newline continuations removed (other backslashes stay, for label escapes)."""
    if len(raw) >= 2 and raw[0] == raw[-1] == '"':
        return re.sub(r'\\(")|\\\r?\n', lambda m: m.group(1) or "", raw[1:-1])
    return raw


def _dot_escapes(text: str, replacements: Mapping[str, str]) -> str:
    """A label's escapes: `\\n` `\\l` `\\r` as spaces, `\\N` `\\G` ... by `replacements`."""
    out: list[str] = []
    index = 0
    while index < len(text):
        ch = text[index]
        if ch == "\\" and index + 1 < len(text):
            following = text[index + 1]
            if following in "nlr":
                out.append(" ")
            elif following in "NGETHL":
                out.append(replacements.get(following, ""))
            else:
                out.append(following)
            index += 2
        else:
            out.append(ch)
            index += 1
    return "".join(out)


def _html_text(value: str) -> str:
    """The text of an HTML-like label `<...>`: tags as spaces, entities decoded."""
    return collapse(html.unescape(re.sub(r"<[^<>]*>", " ", value[1:-1])))


def dot_label(value: str, replacements: Mapping[str, str]) -> str:
    """The text Graphviz draws for a `label` value, on one line."""
    if value.startswith("<") and value.endswith(">"):
        return _html_text(value)
    return collapse(html.unescape(_dot_escapes(dot_unquote(value), replacements)))


def _record_name(value: str | None, replacements: Mapping[str, str]) -> str:
    """A record node's first field: its name as one component (ports and layout dropped)."""
    text = dot_unquote(value) if value is not None else "\\N"
    fields = re.split(r"(?<!\\)[|{}]", text)
    for field_text in fields:
        plain = re.sub(r"(?<!\\)<[^>]*>", " ", field_text)
        name = collapse(html.unescape(_dot_escapes(plain, replacements)))
        if name:
            return name
    return replacements.get("N", "")


def _split_port(raw: str) -> str:
    """The node name of an edge end written `name:port[:compass]`."""
    if raw.startswith('"'):
        match = re.match(r'"(?:[^"\\]|\\.)*"', raw, re.DOTALL)
        return dot_unquote(match.group() if match else raw)
    return raw.split(":", 1)[0]


def _scan_dot(text: str, b: Builder) -> _DotScan:
    """Tokenize DOT text to find positions and what pydot would pass over in silence.

    Errors: unclosed quotes, comments and brackets, an arrow missing an end, a file that
    is not a graph. Warnings: HTML-like labels, record shapes, ports, edges to clusters,
    an arrow of the wrong graph type, a second graph, a name that probably needed quotes.
    """
    tokens: list[_DotToken] = []
    pos = 0
    while pos < len(text):
        match = _DOT_TOKEN.match(text, pos)
        assert match is not None  # the pattern ends with `.`, which matches anything
        kind = match.lastgroup or "other"
        if kind == "html":
            depth, end = 0, pos
            while end < len(text):
                depth += {"<": 1, ">": -1}.get(text[end], 0)
                end += 1
                if depth == 0:
                    break
            if depth:
                b.report(
                    "error",
                    "this '<' is never closed",
                    b.span(pos),
                    "close the HTML label with '>'",
                )
                b.fail()  # nothing after it can be told apart
            tokens.append(_DotToken("html", text[pos:end], pos, end))
            pos = end
            continue
        if kind == "open_string":
            b.report(
                "error", "this quoted string is never closed", b.span(pos), 'end it with a `"`'
            )
            b.fail()  # nothing after it can be told apart
        if kind == "open_comment":
            b.report(
                "error", "this comment is never closed", b.span(pos, pos + 2), "end it with `*/`"
            )
            b.fail()  # nothing after it can be told apart
        if (
            kind == "other"
            and match.group() == "#"
            and not text[text.rfind("\n", 0, pos) + 1 : pos].strip()
        ):
            line_end = text.find("\n", pos)
            pos = len(text) if line_end < 0 else line_end  # a C preprocessor line
            continue
        if kind == "other" and match.group() != "\\":
            b.report(
                "error",
                f"unexpected '{match.group()}'",
                b.span(pos),
                'a name with spaces or punctuation needs quotes: `"Feature store"`',
            )
        elif kind not in ("space", "comment", "other"):
            tokens.append(
                _DotToken("id" if kind == "number" else kind, match.group(), pos, match.end())
            )
        pos = match.end()

    if not tokens:
        if not any(d.severity == "error" for d in b.diagnostics):
            b.report(
                "error", "the file is empty", b.span(0), "write the graph as `digraph { A -> B }`"
            )
        b.fail()
    first = tokens[1] if tokens[0].keyword == "strict" and len(tokens) > 1 else tokens[0]
    if first.keyword not in ("graph", "digraph"):
        b.report(
            "error",
            "a DOT file starts with `digraph {` or `graph {`",
            b.span(first.start, first.end),
            "wrap the statements in `digraph { ... }`",
        )
        b.fail()
    directed = first.keyword == "digraph"
    scan = _DotScan(b.span(first.start, first.end), {}, {})
    stack: list[_DotToken] = []
    closers = {"{": "}", "[": "]"}
    headers = port_until = 0
    for index, token in enumerate(tokens):
        before = tokens[index - 1] if index > 0 else None
        after = tokens[index + 1] if index + 1 < len(tokens) else None
        in_attributes = any(t.text == "[" for t in stack)
        if token.text in ("{", "["):
            stack.append(token)
        elif token.text in ("}", "]"):
            opener = "{" if token.text == "}" else "["
            if stack and stack[-1].text == opener:
                stack.pop()
            elif stack:
                b.report(
                    "error",
                    f"this '{stack[-1].text}' is never closed",
                    b.span(stack[-1].start),
                    f"close it with '{closers[stack[-1].text]}' before this '{token.text}'",
                )
                b.fail()
            else:
                b.report(
                    "error", f"this '{token.text}' closes nothing", b.span(token.start), "remove it"
                )
        elif (
            token.keyword in ("graph", "digraph")
            and not stack
            and after is not None
            and (after.text == "{" or (after.name_like and after.keyword is None))
        ):
            headers += 1
            if headers == 2:
                b.report(
                    "warning",
                    "this file holds more than one graph; only the first is read",
                    b.span(token.start, token.end),
                    "keep one graph per file",
                )
        elif token.kind == "edgeop":
            _check_edgeop(b, token, before, after, directed=directed)
        elif token.text == ":" and index < port_until:
            pass  # the compass point of a port already reported (`c:p2:n`)
        elif token.text == ":" and not in_attributes and before is not None:
            port_end = index + 1
            while port_end < len(tokens) and (
                tokens[port_end].name_like or tokens[port_end].text == ":"
            ):
                port_end += 1
            end = tokens[port_end - 1].end if port_end > index + 1 else token.end
            port_until = port_end
            node = dot_unquote(before.text)
            b.report(
                "warning",
                f"ports cannot be represented: the edge joins the node '{node}' itself",
                b.span(token.start, end),
                "mlsd-draw joins components, not the fields of a record",
            )
        elif token.text == "=" and before is not None and after is not None:
            _check_attribute(b, before, after)
        elif token.name_like and not in_attributes and token.keyword is None:
            if before is not None and before.keyword == "subgraph":
                scan.subgraphs.setdefault(dot_unquote(token.text), b.span(before.start, token.end))
            elif _is_node_reference(before, after):
                name = dot_unquote(token.text)
                scan.mentions.setdefault(name, b.span(token.start, token.end))
                _check_adjacent_names(b, tokens, index)
    for token in stack:
        closer = closers[token.text]
        b.report(
            "error",
            f"this '{token.text}' is never closed",
            b.span(token.start),
            f"close it with '{closer}'",
        )
    b.check()
    return scan


def _is_node_reference(before: _DotToken | None, after: _DotToken | None) -> bool:
    """Whether a name token stands for a node (not a graph name, attribute or port)."""
    if after is not None and after.text == "=":
        return False
    return before is None or (
        before.text not in ("=", ":") and before.keyword not in ("graph", "digraph")
    )


def _check_edgeop(
    b: Builder,
    token: _DotToken,
    before: _DotToken | None,
    after: _DotToken | None,
    *,
    directed: bool,
) -> None:
    # Where no node or subgraph can stand: `{ -> b`, `a -> ;`, `a -> [x=1]`...
    ends = (";", ",", "[", "]", "=", "->", "--")
    if before is None or before.text in (*ends, "{"):
        b.report(
            "error",
            "this arrow has no source",
            b.span(token.start, token.end),
            f"expected a node name before '{token.text}'",
        )
    if after is None or after.text in (*ends, "}"):  # `a -> {b c}` is an edge to b and c
        b.report(
            "error",
            "this arrow has no target",
            b.span(token.start, token.end),
            f"expected a node name after '{token.text}'",
        )
    if directed and token.text == "--":
        b.report(
            "warning",
            "'--' in a digraph: Graphviz rejects it; it is read as '->'",
            b.span(token.start, token.end),
            "write `->`, or `A -> B [dir=none]` for a line without a head",
        )
    elif not directed and token.text == "->":
        b.report(
            "warning",
            "'->' in an undirected graph: Graphviz rejects it; it is read as '--'",
            b.span(token.start, token.end),
            "write `digraph` instead of `graph` to draw arrows",
        )


def _check_attribute(b: Builder, key_token: _DotToken, value: _DotToken) -> None:
    """Warn about an attribute whose meaning the model cannot hold."""
    key = dot_unquote(key_token.text).lower()
    span = b.span(value.start, value.end)
    if value.kind == "html" and key == "label":
        b.report(
            "warning",
            f"an HTML-like label cannot be represented; it is read as the plain text "
            f"'{_html_text(value.text)}'",
            span,
            'write a plain label: `label="Feature store"`',
        )
    elif key == "shape" and dot_unquote(value.text).lower() in ("record", "mrecord"):
        b.report(
            "warning",
            "a record shape cannot be represented: its fields are not components",
            span,
            "the node is read as one component, named by its first field",
        )
    elif key in ("headport", "tailport"):
        b.report(
            "warning",
            f"ports cannot be represented ({key}): the edge joins the nodes themselves",
            b.span(key_token.start, value.end),
            "mlsd-draw joins components, not the fields of a record",
        )
    elif key in ("lhead", "ltail"):
        b.report(
            "warning",
            f"an edge to a cluster cannot be represented ({key}): the edge joins the nodes",
            b.span(key_token.start, value.end),
            "edges join components: draw it to a node inside the group",
        )


def _check_adjacent_names(b: Builder, tokens: Sequence[_DotToken], index: int) -> None:
    """`Feature store -> Ranking` is two nodes in DOT, `Feature` and `store`: say so."""
    if index == 0:
        return
    previous, token = tokens[index - 1], tokens[index]
    if not previous.name_like or previous.keyword is not None:
        return
    if index >= 2 and (tokens[index - 2].text in ("=", ":") or tokens[index - 2].keyword):
        return  # `rank=same a -> b`: `same` is a value, not a node
    if b.span(previous.start).line != b.span(token.start).line:
        return
    after = tokens[index + 1] if index + 1 < len(tokens) else None
    arrow_before = index >= 2 and tokens[index - 2].kind == "edgeop"
    if (after is not None and after.kind == "edgeop") or arrow_before:
        first, second = dot_unquote(previous.text), dot_unquote(token.text)
        b.report(
            "warning",
            f"'{first}' and '{second}' are two nodes in DOT",
            b.span(previous.start, token.end),
            f'a name with spaces needs quotes: `"{first} {second}"`',
        )


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

    def __init__(self, b: Builder, scan: _DotScan, graph: Any) -> None:
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
            self.b.connect(source, target, "undirected", span, label or None, note or None)
        elif direction == "back":
            self.b.connect(target, source, "directed", span, label or None, note or None)
        else:
            self.b.connect(source, target, "directed", span, label or None, note or None)
            if direction == "both":
                self.b.connect(target, source, "directed", span, label or None, note or None)
