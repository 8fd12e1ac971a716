"""Other diagram languages in and out: Graphviz DOT, Mermaid flowcharts, Markdown notes.

People already sketch architectures in Mermaid (in notes and READMEs) and in Graphviz, so
mlsd-draw reads both wherever it reads `.mlsd`, and writes Mermaid so that a reference can
be pasted into notes. Every reader gives the same :class:`~mlsd_draw.model.Diagram` that
`.mlsd` gives, under the same rules: a component's id is the slug of its name, a group's
id the slug of its title, and at most one edge joins an ordered pair.

What the languages say and the model cannot hold is never dropped silently: it becomes a
warning in `Diagram.warnings`, with its line and a caret, like the `.mlsd` parser's own
warnings. Text that does not parse raises :class:`~mlsd_draw.errors.ParseError` listing
every problem (`FILE:LINE:COL: error: ...`), never a traceback or stray output.

The shape of a box and the kind of a component map onto each other (the Mermaid shape
closest to the one mlsd-draw draws that kind with), so `.mlsd` -> Mermaid -> `.mlsd`
keeps kinds as well as the graph:

=========  ===========  =====================
kind       Mermaid      Graphviz shape
=========  ===========  =====================
(none)     ``A[x]``     (any other)
service    ``A(x)``     (box, Graphviz's own)
model      ``A{{x}}``   box3d
store      ``A[(x)]``   cylinder
data       ``A[/x/]``   note
queue      ``A>x]``     cds
job        ``A[[x]]``   component
client     ``A([x])``   (ellipse, the default)
=========  ===========  =====================
"""

from __future__ import annotations

import contextlib
import html
import io
import json
import re
import warnings
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any, NoReturn

from ._tokenizer import collapse
from .errors import Diagnostic, ParseError, Severity, Span, UsageError
from .formatting import format_diagram
from .language import DIRECTIVES, did_you_mean, parse, read_source
from .model import Diagram, Directives, Edge, EdgeKind, Group, Node, slugify
from .rendering import diagram_to_dot

READ_FORMATS = ("mlsd", "dot", "mermaid", "markdown")
"""What :func:`read_diagram` reads; `markdown` is the first Mermaid flowchart of a `.md` file."""

WRITE_FORMATS = ("mlsd", "dot", "mermaid")
"""What :func:`write_diagram` writes."""

EXTENSIONS: Mapping[str, str] = {
    ".mlsd": "mlsd",
    ".dot": "dot",
    ".gv": "dot",
    ".mmd": "mermaid",
    ".mermaid": "mermaid",
    ".md": "markdown",
    ".markdown": "markdown",
}
"""Input file extensions and the format each is read as; any other file is read as `.mlsd`."""


# -- public API ----------------------------------------------------------------------------


def format_for_path(path: str | PurePath) -> str:
    """The format a file is read as, from its extension (case ignored).

    `.dot`/`.gv` are Graphviz, `.mmd`/`.mermaid` Mermaid, `.md`/`.markdown` the first
    Mermaid flowchart of a Markdown file. Anything else, standard input (`-`) included,
    is `.mlsd`, so files that worked before keep working.
    """
    return EXTENSIONS.get(PurePath(str(path)).suffix.lower(), "mlsd")


def read_diagram(text: str, *, path: str, fmt: str) -> Diagram:
    """Read diagram text written in `fmt` (one of :data:`READ_FORMATS`).

    `path` names the text in messages. Raises ParseError listing every error of the text;
    the warnings of a text that reads are in `Diagram.warnings`, their spans pointing into
    `text` (for Markdown, into the whole file). UsageError for an unknown format.
    """
    if fmt == "mlsd":
        return parse(text, path=path)
    if fmt == "dot":
        return _read_dot(text, path)
    if fmt == "mermaid":
        return _MermaidReader(text, path, 0, len(text)).read()
    if fmt == "markdown":
        start, end = _mermaid_block(text, path)
        return _MermaidReader(text, path, start, end).read()
    raise UsageError(f"unknown input format {fmt!r}: use one of {', '.join(READ_FORMATS)}")


def read_diagram_file(path: str | Path, *, fmt: str | None = None) -> Diagram:
    """Read a diagram file (`-`: standard input) in `fmt`, by default the one its name implies."""
    name, text = read_source(path)
    return read_diagram(text, path=name, fmt=fmt or format_for_path(name))


def write_diagram(diagram: Diagram, fmt: str) -> str:
    """The diagram as text in `fmt` (one of :data:`WRITE_FORMATS`).

    `mlsd` is the canonical text of `mlsd-draw fmt`, `dot` the DOT that `show` draws,
    `mermaid` a flowchart (:func:`to_mermaid`). UsageError for an unknown format.
    """
    if fmt == "mlsd":
        return format_diagram(diagram)
    if fmt == "dot":
        return diagram_to_dot(diagram)
    if fmt == "mermaid":
        return to_mermaid(diagram)
    raise UsageError(f"unknown output format {fmt!r}: use one of {', '.join(WRITE_FORMATS)}")


# -- positions and the shared diagram builder ----------------------------------------------


class _Positions:
    """Spans (1-based line and column) of character offsets into one text."""

    def __init__(self, text: str) -> None:
        self._starts = [0, *(match.end() for match in re.finditer("\n", text))]

    def span(self, start: int, end: int | None = None) -> Span:
        """The span from `start` to `end` (at least one character wide, for the caret)."""
        index = bisect_right(self._starts, start) - 1
        stop = start + 1 if end is None else max(end, start + 1)
        return Span(start, stop, index + 1, start - self._starts[index] + 1)

    def line_start(self, line: int) -> int:
        """The offset where 1-based `line` starts (the last line for a number past the end)."""
        return self._starts[min(max(line, 1), len(self._starts)) - 1]


@dataclass
class _NodeDraft:
    key: str
    span: Span
    label: str | None = None
    kind: str | None = None
    note: str | None = None


@dataclass
class _EdgeDraft:
    source: str
    target: str
    kind: EdgeKind
    span: Span
    label: str | None = None
    note: str | None = None


@dataclass
class _GroupDraft:
    key: str
    name: str
    parent: str | None
    span: Span
    note: str | None = None


class _Builder:
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
        self.positions = _Positions(text)
        self.diagnostics: list[Diagnostic] = []
        self.nodes: dict[str, _NodeDraft] = {}
        self.edges: list[_EdgeDraft] = []
        self.groups: dict[str, _GroupDraft] = {}
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

    def mention(self, key: str, span: Span, group: str | None) -> _NodeDraft:
        """The node `key` (created at its first mention), mentioned inside `group`."""
        node = self.nodes.get(key)
        if node is None:
            node = self.nodes[key] = _NodeDraft(key, span)
        if group is not None:
            self.members[group].append(key)
        return node

    def open_group(self, key: str, name: str, parent: str | None, span: Span) -> _GroupDraft:
        """The group `key`; opened again, it keeps its first name and parent."""
        group = self.groups.get(key)
        if group is None:
            group = self.groups[key] = _GroupDraft(key, name, parent, span)
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
    ) -> None:
        self.edges.append(_EdgeDraft(source, target, kind, span, label, note))

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
                note=g.note,
                span=g.span,
            )
            for g in self.groups.values()
        )
        nodes = tuple(
            Node(
                node_ids[n.key][0],
                node_ids[n.key][1],
                group_ids[group_of[n.key]][0] if n.key in group_of else None,
                kind=n.kind,
                note=n.note,
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
        merged: dict[tuple[str, str], _EdgeDraft] = {}
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
                edge = merged[(a, b)] = _EdgeDraft(a, b, draft.kind, draft.span)
            elif draft.kind == "directed":
                edge.kind = "directed"
            if draft.label is not None:
                edge.label = draft.label
            if draft.note is not None:
                edge.note = draft.note
        return {
            key: Edge(e.source, e.target, e.kind, e.label, note=e.note, span=e.span)
            for key, e in merged.items()
        }


# -- Markdown ------------------------------------------------------------------------------

_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})[ \t]*mermaid(?![\w-])[^\n]*$", re.MULTILINE)
_FLOWCHART_START = re.compile(r"(?:flowchart-elk|flowchart|graph)(?![\w-])")


def _mermaid_blocks(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) offsets of the content of each ```mermaid fenced block, in order."""
    pos = 0
    while (opening := _FENCE.search(text, pos)) is not None:
        fence = opening.group(1)
        start = min(opening.end() + 1, len(text))
        closing = re.compile(
            rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$", re.MULTILINE
        ).search(text, start)
        end = closing.start() if closing is not None else len(text)
        yield start, end
        pos = closing.end() if closing is not None else len(text)


def _starts_as_flowchart(text: str, start: int, end: int) -> bool:
    """Whether a Mermaid block's first line that is not blank, a comment or front matter
    declares a flowchart."""
    in_front_matter = False
    for number, line in enumerate(text[start:end].split("\n")):
        stripped = line.strip()
        if number == 0 and stripped == "---":
            in_front_matter = True
        elif in_front_matter:
            in_front_matter = stripped != "---"
        elif stripped and not stripped.startswith("%%"):
            return _FLOWCHART_START.match(stripped) is not None
    return False


def _mermaid_block(text: str, path: str) -> tuple[int, int]:
    """The first ```mermaid block of a Markdown text that holds a flowchart (else the first).

    A README often shows a sequence diagram before the architecture, so blocks that are
    not flowcharts are passed over while a flowchart follows. ParseError when the file
    has no Mermaid block at all.
    """
    blocks = list(_mermaid_blocks(text))
    if not blocks:
        first_line = text.split("\n", 1)[0]
        problem = Diagnostic(
            "error",
            "no ```mermaid block in this file",
            Span(0, max(1, len(first_line)), 1, 1),
            "mlsd-draw reads the first fenced code block marked `mermaid` that holds a flowchart",
        )
        raise ParseError([problem], text, path)
    for start, end in blocks:
        if _starts_as_flowchart(text, start, end):
            return start, end
    return blocks[0]


# -- Mermaid: reading ----------------------------------------------------------------------

_DIRECTIONS = frozenset({"LR", "RL", "TB", "TD", "BT", "<", ">", "^", "v"})
_OTHER_DIAGRAMS = frozenset(
    {
        "sequenceDiagram",
        "classDiagram",
        "classDiagram-v2",
        "stateDiagram",
        "stateDiagram-v2",
        "erDiagram",
        "gantt",
        "pie",
        "journey",
        "gitGraph",
        "mindmap",
        "timeline",
        "quadrantChart",
        "requirementDiagram",
        "C4Context",
        "C4Container",
        "C4Component",
        "C4Dynamic",
        "C4Deployment",
        "sankey-beta",
        "xychart-beta",
        "block-beta",
        "packet-beta",
        "architecture-beta",
        "kanban",
        "radar-beta",
        "treemap-beta",
        "zenuml",
    }
)
_HEADER = re.compile(r"(?:flowchart-elk|flowchart|graph)(?![\w-])[ \t]*([^\s;%]*)")
_WORD = re.compile(r"[A-Za-z][\w-]*")
# Statements Mermaid uses for looks and interaction only: nothing in them is part of the graph.
_IGNORED_STATEMENTS = frozenset({"classDef", "class", "style", "linkStyle", "click", "direction"})
# A node id: word characters and a little punctuation; `-` and `.` only where no link starts.
_MERMAID_ID = re.compile(r"(?:[\w$!?'*+/\\`]|\.(?!-)|-(?=[^\s>\-.]))+")
_CLASS_SUFFIX = re.compile(r":::[\w-]+")
_LINK_ID = re.compile(r"[A-Za-z_]\w*@(?=[-=.<xo~])")
# Complete links, tried in Mermaid's order: head, line, end (`-->`, `---`, `==>`, `-.->`...).
_COMPLETE_LINKS = (
    re.compile(r"([<xo]?)(--+)([-xo>])"),
    re.compile(r"([<xo]?)(==+)([=xo>])"),
    re.compile(r"([<xo]?)(-?\.+-)([xo>]?)"),
)
# Links with text inside (`-- text -->`): the opening and the pattern that ends the text.
_TEXT_LINKS = (
    (re.compile(r"([<xo]?)--"), re.compile(r"[ \t]*--+([-xo>])")),
    (re.compile(r"([<xo]?)=="), re.compile(r"[ \t]*==+([=xo>])")),
    (re.compile(r"([<xo]?)-\."), re.compile(r"[ \t]*-?\.+-([xo>]?)")),
)
_INVISIBLE_LINK = re.compile(r"~~~+")
_HEADS = frozenset("<>xo")
# Node shapes, longest opener first: opener -> {closer: kind}.
_SHAPES: tuple[tuple[str, Mapping[str, str | None]], ...] = (
    ("(((", {")))": None}),
    ("((", {"))": None}),
    ("([", {"])": "client"}),
    ("[[", {"]]": "job"}),
    ("[(", {")]": "store"}),
    ("[/", {"/]": "data", "\\]": None}),
    ("[\\", {"\\]": "data", "/]": None}),
    ("{{", {"}}": "model"}),
    ("(-", {"-)": None}),
    ("[", {"]": None}),
    ("(", {")": "service"}),
    ("{", {"}": None}),
    (">", {"]": "queue"}),
)
_PAIRS = {"]": "[", ")": "(", "}": "{"}
# `A@{ shape: ... }` (Mermaid 11): shape names -> kinds, following the classic shapes above.
_SHAPE_NAMES: Mapping[str, str] = {
    "cyl": "store",
    "cylinder": "store",
    "db": "store",
    "database": "store",
    "lin-cyl": "store",
    "disk": "store",
    "lined-cylinder": "store",
    "doc": "data",
    "document": "data",
    "lean-r": "data",
    "lean-right": "data",
    "lean-l": "data",
    "lean-left": "data",
    "in-out": "data",
    "out-in": "data",
    "fr-rect": "job",
    "subproc": "job",
    "subprocess": "job",
    "subroutine": "job",
    "framed-rectangle": "job",
    "stadium": "client",
    "pill": "client",
    "terminal": "client",
    "hex": "model",
    "hexagon": "model",
    "prepare": "model",
    "rounded": "service",
    "event": "service",
    "flag": "queue",
    "paper-tape": "queue",
    "odd": "queue",
}
_SHAPE_DATA_ITEM = re.compile(r"([\w-]+)\s*:\s*(\"[^\"]*\"|[^,}\n]*)")
_DIRECTIVE_COMMENT = re.compile(r"%%[ \t]*@([A-Za-z][\w-]*)[ \t]*(.*)")
_BREAK_TAG = re.compile(r"<\s*br\s*/?\s*>", re.IGNORECASE)
_FORMAT_TAG = re.compile(
    r"<\s*/?\s*(?:b|i|u|s|em|strong|small|big|sub|sup|code|span|font|p|div|mark|del|ins|tt|kbd)"
    r"(?:\s[^<>]*)?/?\s*>",
    re.IGNORECASE,
)
# Mermaid's entity codes (`#quot;`, `#35;`) and HTML's (`&amp;`), decoded in one pass.
_ENTITY = re.compile(r"#([A-Za-z0-9_]+);|&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


class _StatementError(Exception):
    """A statement had an error, already reported: skip to its end and go on."""


@dataclass(frozen=True)
class _Link:
    text: str
    span: Span
    start_head: bool
    end_head: bool
    invisible: bool = False
    label: str | None = None


@dataclass
class _OpenSubgraph:
    key: str | None
    span: Span


def _decode_entity(match: re.Match[str]) -> str:
    """One entity as its character; an unknown one stays as written."""
    code, entity = match.group(1), match.group(2)
    if code is not None:
        reference = f"&#{code};" if code.isdigit() else f"&{code};"
    else:
        reference = f"&{entity};"
    decoded = html.unescape(reference)
    return match.group(0) if decoded == reference else decoded


# What JavaScript's `String.trim` removes: Mermaid trims every label and title with it.
_JS_SPACE = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)


def _mermaid_text(raw: str, *, quoted: bool) -> str:
    """The text a Mermaid label shows: trimmed as Mermaid trims it, tags and line breaks as
    spaces, entities decoded.

    Quoted text is otherwise kept as written (like a quoted `.mlsd` name) unless it held
    markup or line breaks; unquoted text has its whitespace collapsed.
    """
    markdown = quoted and len(raw) >= 2 and raw[0] == "`" and raw[-1] == "`"
    text = raw.strip(_JS_SPACE)
    if markdown:
        text = text[1:-1].replace("**", "").replace("__", "")
    plain = _FORMAT_TAG.sub(" ", _BREAK_TAG.sub(" ", text))
    reflow = not quoted or markdown or plain != text or "\n" in plain or "\r" in plain
    text = _ENTITY.sub(_decode_entity, plain)
    return collapse(text) if reflow else text


def _json_or_raw(value: str) -> str:
    """A directive value: a JSON string when it is one (how the writer quotes), else as written."""
    if value.startswith('"'):
        try:
            decoded = json.loads(value)
        except ValueError:
            return value
        if isinstance(decoded, str):
            return decoded
    return value


class _MermaidReader:
    """A hand-written reader for the flowchart subset people write in notes.

    Statements end at a newline or `;`. Whatever it does not understand is an error with
    its line, column and a hint, and reading goes on at the next statement, so every
    problem of the text is reported in one run.
    """

    def __init__(self, text: str, path: str, start: int, end: int) -> None:
        self.text = text
        self.end = end
        self.pos = start
        self.b = _Builder(text, path)
        self.stack: list[_OpenSubgraph] = []
        self.titles: dict[str, str] = {}
        self.labels: dict[str, str] = {}
        self.directives: dict[str, str] = {}
        self.extra: dict[str, str] = {}
        self.seen_statement = False
        self.header_span = self.b.span(start)

    # -- low-level scanning ------------------------------------------------------------------

    def at(self, prefix: str, pos: int | None = None) -> bool:
        return self.text.startswith(prefix, self.pos if pos is None else pos, self.end)

    def char(self, pos: int | None = None) -> str:
        here = self.pos if pos is None else pos
        return self.text[here] if here < self.end else ""

    def skip_ws(self) -> None:
        while self.pos < self.end and self.text[self.pos] in " \t\r":
            self.pos += 1

    def eol(self, pos: int | None = None) -> int:
        found = self.text.find("\n", self.pos if pos is None else pos, self.end)
        return self.end if found < 0 else found

    def at_statement_end(self) -> bool:
        return self.pos >= self.end or self.char() in "\n;" or self.at("%%")

    def error(self, message: str, span: Span, hint: str = "") -> None:
        self.b.report("error", message, span, hint)

    def warn(self, message: str, span: Span, hint: str = "") -> None:
        self.b.report("warning", message, span, hint)

    def recover(self) -> None:
        """Skip to the end of the statement: the next `;` outside quotes, or the line's end."""
        quoted = False
        while self.pos < self.end:
            ch = self.text[self.pos]
            if ch == "\n" or (ch == ";" and not quoted):
                return
            if ch == '"':
                quoted = not quoted
            self.pos += 1

    def current_group(self) -> str | None:
        for entry in reversed(self.stack):
            if entry.key is not None:
                return entry.key
        return None

    # -- driver ------------------------------------------------------------------------------

    def read(self) -> Diagram:
        self.front_matter()
        self.header()
        while True:
            while self.pos < self.end and self.text[self.pos] in " \t\r\n;":
                self.pos += 1
            if self.pos >= self.end:
                break
            if self.at("%%"):
                self.comment()
                continue
            self.statement()
            self.seen_statement = True
        for entry in self.stack:
            self.error(
                "this subgraph is never closed",
                entry.span,
                "add `end` after its last node",
            )
        for key, draft in self.b.nodes.items():
            if key in self.titles:
                self.warn(
                    f"'{key}' is a subgraph; edges join components, so this is read as a "
                    f"component named '{self.titles[key]}'",
                    draft.span,
                    "link to a node inside the subgraph instead",
                )
                if draft.label is None:
                    draft.label = self.titles[key]
        directives = Directives(
            case=self.directives.get("case"),
            title=self.directives.get("title"),
            prompt=self.directives.get("prompt"),
            level=self.directives.get("level"),
            source=self.directives.get("source"),
            extra=dict(self.extra),
        )
        empty = (
            "the flowchart has no nodes",
            self.header_span,
            "draw the architecture as links, e.g. `A[User request] --> B[Ranking]`",
        )
        return self.b.build(directives, empty)

    def front_matter(self) -> None:
        """YAML front matter (`---` lines) at the very top: its `title` becomes `@title`."""
        match = re.compile(r"[ \t]*---[ \t]*\r?\n").match(self.text, self.pos, self.end)
        if match is None:
            return
        opening = self.b.span(match.start(), match.end() - 1)
        closing = re.compile(r"^[ \t]*---[ \t]*\r?$", re.MULTILINE).search(
            self.text, match.end(), self.end
        )
        if closing is None:
            self.error("this front matter is never closed", opening, "end it with a line `---`")
            self.b.fail()
        for line in self.text[match.end() : closing.start()].split("\n"):
            title = re.fullmatch(r"title:[ \t]*(.*?)\s*", line)
            if title is not None and title.group(1):
                value = title.group(1)
                if len(value) >= 2 and value[0] == value[-1] == "'":
                    value = value[1:-1].replace("''", "'")
                self.directives["title"] = _json_or_raw(value)
        self.pos = min(closing.end() + 1, self.end)

    def header(self) -> None:
        """`flowchart LR` or `graph TD`, after blank lines and comments; anything else ends
        the reading with an error saying what the text is instead."""
        while True:
            while self.pos < self.end and self.text[self.pos] in " \t\r\n":
                self.pos += 1
            if not self.at("%%"):
                break
            self.comment()
        if self.pos >= self.end:
            self.error(
                "the flowchart is empty",
                self.b.span(self.pos),
                "start with `flowchart LR`, then links such as `A --> B`",
            )
            self.b.fail()
        match = _HEADER.match(self.text, self.pos, self.end)
        if match is None:
            word_match = re.compile(r"[^\s;]+").match(self.text, self.pos, self.end)
            word = word_match.group() if word_match else self.char()
            span = self.b.span(self.pos, self.pos + len(word))
            if word in _OTHER_DIAGRAMS:
                self.error(
                    f"this is a Mermaid {word}, not a flowchart",
                    span,
                    "mlsd-draw reads flowcharts: `flowchart LR` (or `graph TD`), then links",
                )
            else:
                self.error(
                    "a Mermaid flowchart starts with `flowchart LR` or `graph TD`",
                    span,
                    "add the line `flowchart LR` above the first link",
                )
            self.b.fail()
        direction = match.group(1)
        self.header_span = self.b.span(match.start(), match.end())
        if direction and direction not in _DIRECTIONS:
            self.error(
                f"unknown direction '{direction}'",
                self.b.span(match.start(1), match.end(1)),
                "use LR, RL, TB, TD or BT",
            )
        self.pos = match.end()

    def comment(self) -> None:
        """`%% ...` to the end of the line, or a `%%{...}%%` block; before the first
        statement, `%% @key value` is a directive (how :func:`to_mermaid` writes them)."""
        start = self.pos
        if self.at("%%{"):
            close = self.text.find("}%%", start, self.end)
            self.pos = self.end if close < 0 else close + 3
            return
        self.pos = self.eol()
        match = _DIRECTIVE_COMMENT.fullmatch(self.text[start : self.pos].rstrip())
        if match is not None and not self.seen_statement:
            self.directive(match.group(1), match.group(2), self.b.span(start, self.pos))

    def directive(self, key: str, raw: str, span: Span) -> None:
        value = _json_or_raw(raw.strip())
        if not value:
            self.warn(f"'@{key}' has no value; it is ignored", span, f"write `%% @{key} value`")
        elif key not in DIRECTIVES:
            self.warn(f"unknown directive '@{key}'", span, did_you_mean(key, DIRECTIVES))
            self.extra[key] = value
        elif key == "prompt" and key in self.directives:
            self.directives[key] = f"{self.directives[key]} {value}"
        else:
            self.directives[key] = value

    # -- statements ----------------------------------------------------------------------------

    def statement(self) -> None:
        word_match = _WORD.match(self.text, self.pos, self.end)
        word = word_match.group() if word_match else ""
        after = word_match.end() if word_match else self.pos
        bounded = after >= self.end or self.text[after] in " \t\r\n;" or self.at("%%", after)
        spaced = after < self.end and self.text[after] in " \t"
        if word == "subgraph" and bounded:
            self.subgraph()
        elif word == "end" and bounded:
            self.close_subgraph()
        elif word in _IGNORED_STATEMENTS and spaced:
            self.recover()
        elif word in ("accTitle", "accDescr"):
            self.accessibility(after)
        else:
            try:
                self.vertex_statement()
            except _StatementError:
                self.recover()

    def accessibility(self, after: int) -> None:
        """`accTitle: ...`, `accDescr: ...` or `accDescr { ... }`: text for screen readers."""
        brace = re.compile(r"[ \t]*\{").match(self.text, after, self.end)
        if brace is not None:
            close = self.text.find("}", brace.end(), self.end)
            self.pos = self.end if close < 0 else close + 1
        else:
            self.pos = self.eol()

    def subgraph(self) -> None:
        keyword = self.b.span(self.pos, self.pos + len("subgraph"))
        self.pos += len("subgraph")
        start = self.pos
        self.recover()
        rest = self.text[start : self.pos].strip()
        key: str | None
        bracketed = re.fullmatch(r'([^\s\[\]"]+)\s*\[(.*)\]', rest, re.DOTALL)
        if bracketed is not None:
            key, inner = bracketed.group(1), bracketed.group(2).strip()
            quoted = len(inner) >= 2 and inner[0] == inner[-1] == '"'
            title = _mermaid_text(inner[1:-1] if quoted else inner, quoted=quoted) or key
        elif len(rest) >= 2 and rest[0] == rest[-1] == '"':
            title = _mermaid_text(rest[1:-1], quoted=True)
            key = title
        elif rest:
            key, title = rest, _mermaid_text(rest, quoted=False)
        else:
            key = None
        if key is None:
            self.warn(
                "this subgraph has no title, so its nodes are kept without a group",
                keyword,
                "give it a title: `subgraph Serving`",
            )
        else:
            self.b.open_group(key, title, self.current_group(), keyword)
            self.titles.setdefault(key, title)
        self.stack.append(_OpenSubgraph(key, keyword))

    def close_subgraph(self) -> None:
        span = self.b.span(self.pos, self.pos + 3)
        self.pos += 3
        if not self.stack:
            self.error(
                "this 'end' closes no subgraph",
                span,
                "remove it, or open a subgraph with `subgraph Title`",
            )
            return
        closed = self.stack.pop()
        if closed.key is not None:
            self.b.close_group(closed.key)

    def vertex_statement(self) -> None:
        """Nodes joined by links: `A & B --> C -->|label| D`."""
        first = self.node_group()
        if first is None:
            self.no_node_here()
        groups = [first]
        links: list[_Link] = []
        while (link := self.link()) is not None:
            following = self.node_group()
            if following is None:
                self.error(
                    "this link has no target", link.span, f"expected a node after '{link.text}'"
                )
                raise _StatementError
            links.append(link)
            groups.append(following)
        self.statement_end(groups[-1][-1])
        for link, sources, targets in zip(links, groups, groups[1:], strict=False):
            for source in sources:
                for target in targets:
                    self.connect(source, target, link)

    def connect(self, source: str, target: str, link: _Link) -> None:
        if link.invisible:
            return
        if link.start_head and link.end_head:
            self.b.connect(source, target, "directed", link.span, link.label)
            self.b.connect(target, source, "directed", link.span, link.label)
        elif link.end_head:
            self.b.connect(source, target, "directed", link.span, link.label)
        elif link.start_head:
            self.b.connect(target, source, "directed", link.span, link.label)
        else:
            self.b.connect(source, target, "undirected", link.span, link.label)

    def no_node_here(self) -> NoReturn:
        """Report what stands where a statement's first node should be."""
        self.skip_ws()
        link = self.link()
        if link is not None:
            self.error(
                "this link has no source", link.span, f"expected a node before '{link.text}'"
            )
        elif self.at("&"):
            self.error("this '&' has no node before it", self.b.span(self.pos), "remove the '&'")
        else:
            self.unexpected()
        raise _StatementError

    def statement_end(self, last: str) -> None:
        """The statement must end here; report what stands in the way otherwise."""
        self.skip_ws()
        if self.at_statement_end():
            return
        arrow = re.compile(r"<->|->|<-|=>|→|←|↔").match(self.text, self.pos, self.end)
        following = _MERMAID_ID.match(self.text, self.pos, self.end)
        if arrow is not None:
            self.error(
                f"'{arrow.group()}' is not a Mermaid link",
                self.b.span(arrow.start(), arrow.end()),
                "Mermaid's arrow is `-->` (and `---` for a line without a head)",
            )
        elif following is not None:
            self.error(
                f"two nodes in a row: '{last}' then '{following.group()}'",
                self.b.span(following.start(), following.end()),
                "put a link between them (`A --> B`); an id has no spaces: "
                "`feature_store[Feature store]`",
            )
        else:
            self.unexpected()
        raise _StatementError

    def unexpected(self) -> None:
        ch = self.char()
        span = self.b.span(self.pos)
        if ch in "()[]{}|":
            hint = 'quote a label that holds brackets or a bar: `A["f(x)"]`'
        else:
            hint = "expected a node, a link such as `-->`, an '&' or the end of the line"
        self.error(f"unexpected '{ch}'", span, hint)

    def node_group(self) -> list[str] | None:
        """`A & B & C`: the ids, or None when no node starts here."""
        first = self.node()
        if first is None:
            return None
        keys = [first]
        while True:
            save = self.pos
            self.skip_ws()
            if not self.at("&"):
                self.pos = save
                return keys
            amp = self.b.span(self.pos)
            self.pos += 1
            following = self.node()
            if following is None:
                self.error(
                    "expected a node after '&'", amp, "remove the '&', or name a node after it"
                )
                raise _StatementError
            keys.append(following)

    def node(self) -> str | None:
        """A node: its id, then an optional `@{...}`, shape with label and `:::class`."""
        save = self.pos
        self.skip_ws()
        match = _MERMAID_ID.match(self.text, self.pos, self.end)
        if match is None:
            self.pos = save
            return None
        key = match.group()
        span = self.b.span(match.start(), match.end())
        self.pos = match.end()
        label: tuple[str, Span] | None = None
        shaped = False
        kind: str | None = None
        if self.at("@{"):
            label, kind, shaped = self.shape_data()
        else:
            before = self.pos
            self.skip_ws()
            shape = self.opening_shape(adjacent=self.pos == before)
            if shape is None:
                self.pos = before
            else:
                label, kind = self.shape(*shape)
                shaped = True
        suffix = _CLASS_SUFFIX.match(self.text, self.pos, self.end)
        if suffix is not None:
            self.pos = suffix.end()
        self.record_node(key, span, label, kind, shaped=shaped)
        return key

    def record_node(
        self,
        key: str,
        span: Span,
        label: tuple[str, Span] | None,
        kind: str | None,
        *,
        shaped: bool,
    ) -> None:
        draft = self.b.mention(key, span, self.current_group())
        if label is not None:
            text, label_span = label
            previous = self.labels.get(key)
            if previous is not None and previous != text:
                self.warn(
                    f"'{key}' is labelled twice: '{previous}', then '{text}'",
                    label_span,
                    f"Mermaid draws the last label, so the component is named '{text}'",
                )
            self.labels[key] = draft.label = text
        if shaped:
            draft.kind = kind

    def opening_shape(self, *, adjacent: bool) -> tuple[str, Mapping[str, str | None]] | None:
        for opener, closers in _SHAPES:
            if self.at(opener) and (adjacent or opener != ">"):
                return opener, closers
        return None

    def shape(
        self, opener: str, closers: Mapping[str, str | None]
    ) -> tuple[tuple[str, Span], str | None]:
        """The label inside a shape and the kind the shape stands for."""
        opening = self.b.span(self.pos, self.pos + len(opener))
        self.pos += len(opener)
        self.skip_ws()
        start = self.pos
        if self.at('"'):
            close = self.text.find('"', self.pos + 1, self.end)
            if close < 0:
                self.error(
                    "this quote is never closed", self.b.span(self.pos), 'end the label with a `"`'
                )
                raise _StatementError
            raw, quoted = self.text[self.pos + 1 : close], True
            self.pos = close + 1
            self.skip_ws()
            closer = next((c for c in closers if self.at(c)), None)
            if closer is None:
                main = next(iter(closers))
                self.error(
                    f"expected '{main}' after the quoted label",
                    self.b.span(self.pos),
                    f'put the whole label inside the quotes: `A{opener}"..."{main}`',
                )
                raise _StatementError
            end = self.pos
        else:
            found = self.unquoted_end(opener, closers)
            if found is None:
                main = next(iter(closers))
                self.error(
                    f"this '{opener}' is never closed",
                    opening,
                    f"close the label with '{main}' on the same line",
                )
                raise _StatementError
            end, closer = found
            raw, quoted = self.text[start:end], False
            self.pos = end
        self.pos += len(closer)
        return (_mermaid_text(raw, quoted=quoted), self.b.span(start, end)), closers[closer]

    def unquoted_end(
        self, opener: str, closers: Mapping[str, str | None]
    ) -> tuple[int, str] | None:
        """Where an unquoted label ends on this line, and the closer found there.

        Brackets of the closer's own type may nest inside (`A[Model [v2]]`), which Mermaid
        itself refuses but a person plainly means.
        """
        depth = 0
        line_end = self.eol()
        for index in range(self.pos, line_end):
            ch = self.text[index]
            for closer in closers:
                if self.text.startswith(closer, index, line_end):
                    if len(closer) == 1 and depth > 0:
                        depth -= 1
                        break
                    return index, closer
            else:
                if len(opener) == 1 and _PAIRS.get(next(iter(closers))) == ch:
                    depth += 1
        return None

    def shape_data(self) -> tuple[tuple[str, Span] | None, str | None, bool]:
        """`@{ shape: cyl, label: "..." }`: the label, the kind of the shape, whether a shape
        was given."""
        opening = self.b.span(self.pos, self.pos + 2)
        start = self.pos + 2
        index = start
        while index < self.end and self.text[index] != "}":
            if self.text[index] == '"':
                close = self.text.find('"', index + 1, self.end)
                index = self.end if close < 0 else close
            index += 1
        if index >= self.end:
            self.error("this '@{' is never closed", opening, "close it with '}'")
            raise _StatementError
        self.pos = index + 1
        label: tuple[str, Span] | None = None
        kind: str | None = None
        shaped = False
        for item in _SHAPE_DATA_ITEM.finditer(self.text, start, index):
            key, value = item.group(1), item.group(2).strip()
            if key == "shape":
                kind, shaped = _SHAPE_NAMES.get(value.strip("\"'").lower()), True
            elif key == "label":
                quoted = len(value) >= 2 and value[0] == value[-1] == '"'
                text = _mermaid_text(value[1:-1] if quoted else value, quoted=quoted)
                label = (text, self.b.span(item.start(2), item.end(2)))
        return label, kind, shaped

    # -- links -------------------------------------------------------------------------------

    def link(self) -> _Link | None:
        """A link at the position (after spaces), with its `|label|`; None when there is none."""
        save = self.pos
        self.skip_ws()
        link_id = _LINK_ID.match(self.text, self.pos, self.end)
        start = link_id.end() if link_id is not None else self.pos
        for complete, (opening, closing) in zip(_COMPLETE_LINKS, _TEXT_LINKS, strict=True):
            match = complete.match(self.text, start, self.end)
            if match is not None:
                self.pos = match.end()
                span = self.b.span(match.start(), match.end())
                head, tail = match.group(1), match.group(3)
                return _Link(
                    match.group(), span, head in _HEADS, tail in _HEADS, label=self.bar_label()
                )
            match = opening.match(self.text, start, self.end)
            if match is not None:
                return self.text_link(match, closing)
        match = _INVISIBLE_LINK.match(self.text, start, self.end)
        if match is not None:
            self.pos = match.end()
            span = self.b.span(match.start(), match.end())
            self.warn(
                "an invisible link (~~~) only spaces out the layout, so it is not read as an edge",
                span,
                "use `---` for a line between related components",
            )
            return _Link(match.group(), span, start_head=False, end_head=False, invisible=True)
        self.pos = save
        return None

    def text_link(self, opening: re.Match[str], closing_pattern: re.Pattern[str]) -> _Link:
        """`A -- text --> B` (and `==`, `-.` alike): the text runs to the closing arrow."""
        line_end = self.eol(opening.end())
        closing = closing_pattern.search(self.text, opening.end(), line_end)
        span = self.b.span(opening.start(), opening.end())
        if closing is None or not self.text[opening.end() : closing.start()].strip():
            self.error(
                "this link's text never ends" if closing is None else "this link has no text",
                span,
                f"write `A {opening.group()} text --> B`, or `A -->|text| B`",
            )
            raise _StatementError
        raw = self.text[opening.end() : closing.start()].strip()
        quoted = len(raw) >= 2 and raw[0] == raw[-1] == '"'
        label = _mermaid_text(raw[1:-1] if quoted else raw, quoted=quoted) or None
        self.pos = closing.end()
        whole = self.text[opening.start() : closing.end()]
        return _Link(
            whole,
            self.b.span(opening.start(), closing.end()),
            opening.group(1) in _HEADS,
            closing.group(1) in _HEADS,
            label=label,
        )

    def bar_label(self) -> str | None:
        """The `|text|` right after a link, if there is one."""
        save = self.pos
        self.skip_ws()
        if not self.at("|"):
            self.pos = save
            return None
        bar = self.b.span(self.pos)
        self.pos += 1
        self.skip_ws()
        line_end = self.eol()
        if self.at('"'):
            close = self.text.find('"', self.pos + 1, self.end)
            if close >= 0:
                after = close + 1
                while after < line_end and self.text[after] in " \t":
                    after += 1
                if self.text.startswith("|", after, line_end):
                    raw = self.text[self.pos + 1 : close]
                    self.pos = after + 1
                    return _mermaid_text(raw, quoted=True) or None
        close = self.text.find("|", self.pos, line_end)
        if close < 0:
            self.error(
                "this '|' is never closed",
                bar,
                "write the label between two bars: `A -->|text| B`",
            )
            raise _StatementError
        raw = self.text[self.pos : close]
        self.pos = close + 1
        return _mermaid_text(raw, quoted=False) or None


# -- Mermaid: writing ----------------------------------------------------------------------

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
    body = text.strip(_JS_SPACE)
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


def _comment_value(value: str) -> str:
    """A directive's value on a `%%` line: as written, or as a JSON string where it must be."""
    plain = value == value.strip() and not value.startswith('"') and "\n" not in value
    return value if plain and "\r" not in value else json.dumps(value, ensure_ascii=False)


def to_mermaid(diagram: Diagram) -> str:
    """The diagram as a Mermaid flowchart (`flowchart LR`) to paste into notes.

    Groups are subgraphs (nested), every node is declared once inside its group with its
    kind's shape and a quoted label, and the edges follow at the top level (an edge
    written inside a subgraph would pull its ends into it). Undirected edges are `---`,
    labels `-->|"..."|`. Directives go on `%% @key value` comment lines, which Mermaid
    ignores and :func:`read_diagram` reads back, so reading the text gives the same graph:
    ids, names, groups, kinds, edges, their kinds and labels, and the directives.
    """
    node_ids, group_ids = _mermaid_ids(diagram)
    lines = ["flowchart LR"]
    d = diagram.directives
    for key, value in (
        ("case", d.case),
        ("title", d.title),
        ("prompt", d.prompt),
        ("level", d.level),
        ("source", d.source),
        *d.extra.items(),
    ):
        if value is not None:
            lines.append(f"  %% @{key} {_comment_value(value)}")
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
        for group in children[scope]:
            lines.append(f"{pad}subgraph {group_ids[group.id]} [{mermaid_quote(group.name)}]")
            block(group.id, depth + 1)
            lines.append(f"{pad}end")

    block(None, 1)
    for edge in diagram.edges:
        arrow = "---" if edge.kind == "undirected" else "-->"
        label = f"|{mermaid_quote(edge.label)}|" if edge.label else ""
        lines.append(f"  {node_ids[edge.source]} {arrow}{label} {node_ids[edge.target]}")
    return "\n".join(lines) + "\n"


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


def _scan_dot(text: str, b: _Builder) -> _DotScan:
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
    b: _Builder,
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


def _check_attribute(b: _Builder, key_token: _DotToken, value: _DotToken) -> None:
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


def _check_adjacent_names(b: _Builder, tokens: Sequence[_DotToken], index: int) -> None:
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


def _pydot_graphs(text: str, b: _Builder) -> list[Any]:
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

    def __init__(self, b: _Builder, scan: _DotScan, graph: Any) -> None:
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


def _read_dot(text: str, path: str) -> Diagram:
    """Read Graphviz DOT: the first graph of the text, through pydot.

    Nodes are components named by their `label` (else their name), `shape` gives a kind
    (:data:`_DOT_KINDS`), `tooltip` a note; subgraphs are groups; `->` edges are directed,
    `--` (in a `graph`) or `dir=none` undirected, `dir=both` two edges; an edge's `label`
    is kept; the graph's `label` is the title. `node`/`edge` default statements are
    looks, not content, and are passed over.
    """
    b = _Builder(text, path)
    scan = _scan_dot(text, b)
    graphs = _pydot_graphs(text, b)
    return _DotReader(b, scan, graphs[0]).read()
