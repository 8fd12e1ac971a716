"""Mermaid flowcharts in and out: the reader (also of a Markdown file's Mermaid block) and
the writer.

People sketch architectures as Mermaid flowcharts in notes and READMEs, so mlsd-draw reads
them wherever it reads `.mlsd`, and writes a diagram back as a flowchart to paste into
notes. The reader is hand-written rather than borrowed, because Mermaid's own parser
stops at the first problem with a message about its grammar; this one reports every
problem of the text with its line, column and a hint, and turns what the model cannot
hold (invisible links, a subgraph used as a node, a node labelled twice...) into warnings.
It builds its diagram with :mod:`mlsd_draw.formats.builder`, like the DOT reader.

The writer and the reader are kept together because they must agree: the writer's shapes
are the reader's kinds, its `%% @key value` comments the reader's directives, and its
quoting Mermaid's own, so `.mlsd` -> Mermaid -> `.mlsd` keeps the graph (see the table of
kinds and shapes in :mod:`mlsd_draw.formats.dispatch`).
"""

from __future__ import annotations

import html
import json
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import NoReturn

from ..core.errors import Diagnostic, ParseError, Span
from ..language.model import Diagram, Directives, Group, Node
from ..language.parser import DIRECTIVES, did_you_mean
from ..language.tokenizer import collapse
from .builder import Builder

# -- public API ----------------------------------------------------------------------------


def read_mermaid(text: str, *, path: str) -> Diagram:
    """Read a Mermaid flowchart (`flowchart LR` or `graph TD`, then nodes and links).

    `path` names the text in messages. Raises ParseError listing every error of the text;
    the warnings of a text that reads are in `Diagram.warnings`.
    """
    return _MermaidReader(text, path, 0, len(text)).read()


def read_markdown(text: str, *, path: str) -> Diagram:
    """Read the first ```mermaid block of a Markdown text that holds a flowchart.

    Spans of errors and warnings point into the whole file, not into the block. Raises
    ParseError, also when the file has no Mermaid block at all.
    """
    start, end = _mermaid_block(text, path)
    return _MermaidReader(text, path, start, end).read()


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
        self.b = Builder(text, path)
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
        directives = Directives.from_values({**self.directives, **self.extra})
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
    ignores and :func:`read_mermaid` reads back, so reading the text gives the same graph:
    ids, names, groups, kinds, edges, their kinds and labels, and the directives.
    """
    node_ids, group_ids = _mermaid_ids(diagram)
    lines = ["flowchart LR"]
    for key, value in diagram.directives.items():
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
