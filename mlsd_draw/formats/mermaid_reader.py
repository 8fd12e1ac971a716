"""Mermaid flowcharts in: the reader, also of a Markdown file's Mermaid block.

People sketch architectures as Mermaid flowcharts in notes and READMEs, so mlsd-draw reads
them wherever it reads `.mlsd`. The reader is hand-written rather than borrowed, because
Mermaid's own parser stops at the first problem with a message about its grammar; this one
reports every problem of the text with its line, column and a hint, and turns what the
model cannot hold (invisible links, a subgraph used as a node, a node labelled twice...)
into warnings. It builds its diagram with :mod:`mlsd_draw.formats.builder`, like the DOT
reader.

This module holds the entry points and the statements (header, front matter, comments and
directives, subgraphs, nodes joined by links); the nodes and links themselves are read in
:mod:`.mermaid_nodes`, with the tables of :mod:`.mermaid_syntax`. The reader must agree
with the writer (:mod:`.mermaid_writer`): its kinds are the writer's shapes, its
directives the writer's `%% @key value` comments, so `.mlsd` -> Mermaid -> `.mlsd` keeps
the graph (see the table of kinds and shapes in :mod:`mlsd_draw.formats.dispatch`).
"""

from __future__ import annotations

import re
from typing import NoReturn

from ..core.errors import Span
from ..language.keywords import DIRECTIVES, did_you_mean
from ..language.model import Diagram, Directives
from .directive_comments import json_or_raw
from .mermaid_nodes import Link, MermaidNodeReader, OpenSubgraph, StatementError
from .mermaid_syntax import (
    DETAILS_COMMENT,
    DIRECTIONS,
    DIRECTIVE_COMMENT,
    HEADER,
    IGNORED_STATEMENTS,
    MERMAID_ID,
    OTHER_DIAGRAMS,
    WORD,
    mermaid_block,
    mermaid_text,
)

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
    start, end = mermaid_block(text, path)
    return _MermaidReader(text, path, start, end).read()


class _MermaidReader(MermaidNodeReader):
    """A hand-written reader for the flowchart subset people write in notes.

    Statements end at a newline or `;`. Whatever it does not understand is an error with
    its line, column and a hint, and reading goes on at the next statement, so every
    problem of the text is reported in one run.
    """

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
                self.directives["title"] = json_or_raw(value)
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
        match = HEADER.match(self.text, self.pos, self.end)
        if match is None:
            word_match = re.compile(r"[^\s;]+").match(self.text, self.pos, self.end)
            word = word_match.group() if word_match else self.char()
            span = self.b.span(self.pos, self.pos + len(word))
            if word in OTHER_DIAGRAMS:
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
        if direction and direction not in DIRECTIONS:
            self.error(
                f"unknown direction '{direction}'",
                self.b.span(match.start(1), match.end(1)),
                "use LR, RL, TB, TD or BT",
            )
        self.pos = match.end()

    def comment(self) -> None:
        """`%% ...` to the end of the line, or a `%%{...}%%` block; before the first
        statement, `%% @key value` is a directive (how the writer,
        :func:`.mermaid_writer.to_mermaid`, writes them)."""
        start = self.pos
        if self.at("%%{"):
            close = self.text.find("}%%", start, self.end)
            self.pos = self.end if close < 0 else close + 3
            return
        self.pos = self.eol()
        match = DIRECTIVE_COMMENT.fullmatch(self.text[start : self.pos].rstrip())
        if match is not None and not self.seen_statement:
            self.directive(match.group(1), match.group(2), self.b.span(start, self.pos))
            return
        details = DETAILS_COMMENT.fullmatch(self.text[start : self.pos].rstrip())
        if details is not None:
            key, target, declaration = details.groups()
            self.details(key, target, declaration, self.b.span(start, self.pos))

    def details(self, key: str, target: str | None, declaration: str, span: Span) -> None:
        """A `%% mlsd:` line: the declaration of the node or group `key`, or the attributes
        of the edge `key -> target`, written before it; for any other it is ignored."""
        if target is None:
            node = self.b.nodes.get(key)
            group = self.b.groups.get(key)
            if node is not None:
                self.b.declared(node, declaration, span)
            elif group is not None:
                self.b.group_declared(group, declaration, span)
            return
        for edge in reversed(self.b.edges):
            if (edge.source, edge.target) == (key, target):
                self.b.edge_declared(edge, declaration, span)
                return

    def directive(self, key: str, raw: str, span: Span) -> None:
        value = json_or_raw(raw.strip())
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
        word_match = WORD.match(self.text, self.pos, self.end)
        word = word_match.group() if word_match else ""
        after = word_match.end() if word_match else self.pos
        bounded = after >= self.end or self.text[after] in " \t\r\n;" or self.at("%%", after)
        spaced = after < self.end and self.text[after] in " \t"
        if word == "subgraph" and bounded:
            self.subgraph()
        elif word == "end" and bounded:
            self.close_subgraph()
        elif word in IGNORED_STATEMENTS and spaced:
            self.recover()
        elif word in ("accTitle", "accDescr"):
            self.accessibility(after)
        else:
            try:
                self.vertex_statement()
            except StatementError:
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
            title = mermaid_text(inner[1:-1] if quoted else inner, quoted=quoted) or key
        elif len(rest) >= 2 and rest[0] == rest[-1] == '"':
            title = mermaid_text(rest[1:-1], quoted=True)
            key = title
        elif rest:
            key, title = rest, mermaid_text(rest, quoted=False)
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
        self.stack.append(OpenSubgraph(key, keyword))

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
        links: list[Link] = []
        while (link := self.link()) is not None:
            following = self.node_group()
            if following is None:
                self.error(
                    "this link has no target", link.span, f"expected a node after '{link.text}'"
                )
                raise StatementError
            links.append(link)
            groups.append(following)
        self.statement_end(groups[-1][-1])
        for link, sources, targets in zip(links, groups, groups[1:], strict=False):
            for source in sources:
                for target in targets:
                    self.connect(source, target, link)

    def connect(self, source: str, target: str, link: Link) -> None:
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
        raise StatementError

    def statement_end(self, last: str) -> None:
        """The statement must end here; report what stands in the way otherwise."""
        self.skip_ws()
        if self.at_statement_end():
            return
        arrow = re.compile(r"<->|->|<-|=>|→|←|↔").match(self.text, self.pos, self.end)
        following = MERMAID_ID.match(self.text, self.pos, self.end)
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
        raise StatementError

    def unexpected(self) -> None:
        ch = self.char()
        span = self.b.span(self.pos)
        if ch in "()[]{}|":
            hint = 'quote a label that holds brackets or a bar: `A["f(x)"]`'
        else:
            hint = "expected a node, a link such as `-->`, an '&' or the end of the line"
        self.error(f"unexpected '{ch}'", span, hint)
