"""Graphviz DOT's tokens: the scan that locates and checks what pydot reads, and labels.

pydot keeps no positions and passes over much in silence, so before it reads the text a
token scan here finds the line and column of every node and subgraph (:class:`DotScan`),
reports the slips pydot would misread (an unclosed quote, a name with a space) as errors
or warnings, and what the model cannot hold (HTML-like labels, record shapes, ports,
edges to clusters, a second graph) as warnings. The text of DOT ids and labels (unquoting,
escapes, HTML-like labels) is read here too, as both the scan and the reader need it.
The reader itself, through pydot, is :mod:`.dot_reader`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..core.errors import Span
from ..language.text import collapse
from .builder import Builder

# -- Tokens --------------------------------------------------------------------------------

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
class DotScan:
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


def dot_exact(raw: str) -> str:
    """A value exactly as :func:`.dot_writer.quote_dot` wrote it: quotes dropped, each
    backslash escape undone, `&amp;` as `&`; no label escapes, no whitespace collapsed.
    For the `mlsd` attribute of interchange DOT, which must come back character for
    character."""
    body = raw[1:-1] if len(raw) >= 2 and raw[0] == raw[-1] == '"' else raw
    body = re.sub(r"\\\r?\n", "", body)
    return re.sub(r"\\(.)", r"\1", body).replace("&amp;", "&")


_INTERCHANGE_ESCAPE = re.compile(r"\\(?:\\|u\{([0-9A-Fa-f]{1,6})\})")


def from_interchange(text: str) -> str:
    """Undo :func:`.dot_writer.interchange_text`: `\\\\` is a backslash and `\\u{XXXX}`
    the character it codes (a code that is not one is kept as written)."""

    def decode(match: re.Match[str]) -> str:
        code = match.group(1)
        if code is None:
            return "\\"
        value = int(code, 16)
        return chr(value) if value <= 0x10FFFF else match.group()

    return _INTERCHANGE_ESCAPE.sub(decode, text)


def dot_escapes(text: str, replacements: Mapping[str, str]) -> str:
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
    return collapse(html.unescape(dot_escapes(dot_unquote(value), replacements)))


# -- The scan ------------------------------------------------------------------------------

MAX_DOT_DEPTH = 6
"""How deep `{ }` may nest in a DOT file read here: the graph, a cluster, a cluster in it
and room to spare. pydot's parser takes time that doubles with each level (12 levels of a
35-byte file took 11 s), so deeper files are refused at once with a message."""


def scan_dot(text: str, b: Builder) -> DotScan:
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
    scan = DotScan(b.span(first.start, first.end), {}, {})
    stack: list[_DotToken] = []
    closers = {"{": "}", "[": "]"}
    headers = port_until = 0
    for index, token in enumerate(tokens):
        before = tokens[index - 1] if index > 0 else None
        after = tokens[index + 1] if index + 1 < len(tokens) else None
        in_attributes = bool(stack) and stack[-1].text == "["
        if token.text in ("{", "["):
            stack.append(token)
            if len(stack) > MAX_DOT_DEPTH:
                b.report(
                    "error",
                    f"braces nest more than {MAX_DOT_DEPTH} deep here",
                    b.span(token.start),
                    "flatten the subgraphs: a stage inside a stage is as deep as a diagram goes",
                )
                b.fail()  # deeper nesting makes the DOT parser take minutes
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
