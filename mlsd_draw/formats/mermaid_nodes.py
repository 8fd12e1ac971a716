"""The lower half of the Mermaid flowchart reader: scanning, nodes with their shapes, links.

:class:`MermaidNodeReader` holds the reading state and reads the parts of a statement: a
node (`A`, `A[label]`, `A[(store)]`, `A@{ shape: cyl }`, `A & B`) and a link (`-->`,
`-- text -->`, `-->|label|`, `~~~`), reporting an error the statement cannot go on from
with :class:`StatementError`. The statements themselves (subgraphs, directives, a node
list joined by links) are read by its subclass in :mod:`.mermaid_reader`, which is where
the reader's entry points are. The tables it scans with are in :mod:`.mermaid_syntax`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from ..core.errors import Span
from .builder import Builder
from .mermaid_syntax import (
    CLASS_SUFFIX,
    COMPLETE_LINKS,
    HEADS,
    INVISIBLE_LINK,
    LINK_ID,
    MERMAID_ID,
    PAIRS,
    SHAPE_DATA_ITEM,
    SHAPE_NAMES,
    SHAPES,
    TEXT_LINKS,
    mermaid_text,
)


class StatementError(Exception):
    """A statement had an error, already reported: skip to its end and go on."""


@dataclass(frozen=True)
class Link:
    """A link read between nodes: its text and span, where it has heads, and its label."""

    text: str
    span: Span
    start_head: bool
    end_head: bool
    invisible: bool = False
    label: str | None = None


@dataclass
class OpenSubgraph:
    """A subgraph not yet closed by `end`: its group's key (None if untitled) and span."""

    key: str | None
    span: Span


class MermaidNodeReader:
    """The reading state of a Mermaid flowchart and the reading of its nodes and links.

    The base of the reader in :mod:`.mermaid_reader`, which adds the statements; it is
    split off so that each half of the reader can be read on its own.
    """

    def __init__(self, text: str, path: str, start: int, end: int) -> None:
        self.text = text
        self.end = end
        self.pos = start
        self.b = Builder(text, path)
        self.stack: list[OpenSubgraph] = []
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

    # -- nodes -------------------------------------------------------------------------------

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
                raise StatementError
            keys.append(following)

    def node(self) -> str | None:
        """A node: its id, then an optional `@{...}`, shape with label and `:::class`."""
        save = self.pos
        self.skip_ws()
        match = MERMAID_ID.match(self.text, self.pos, self.end)
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
        suffix = CLASS_SUFFIX.match(self.text, self.pos, self.end)
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
        for opener, closers in SHAPES:
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
                raise StatementError
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
                raise StatementError
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
                raise StatementError
            end, closer = found
            raw, quoted = self.text[start:end], False
            self.pos = end
        self.pos += len(closer)
        return (mermaid_text(raw, quoted=quoted), self.b.span(start, end)), closers[closer]

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
                if len(opener) == 1 and PAIRS.get(next(iter(closers))) == ch:
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
            raise StatementError
        self.pos = index + 1
        label: tuple[str, Span] | None = None
        kind: str | None = None
        shaped = False
        for item in SHAPE_DATA_ITEM.finditer(self.text, start, index):
            key, value = item.group(1), item.group(2).strip()
            if key == "shape":
                kind, shaped = SHAPE_NAMES.get(value.strip("\"'").lower()), True
            elif key == "label":
                quoted = len(value) >= 2 and value[0] == value[-1] == '"'
                text = mermaid_text(value[1:-1] if quoted else value, quoted=quoted)
                label = (text, self.b.span(item.start(2), item.end(2)))
        return label, kind, shaped

    # -- links -------------------------------------------------------------------------------

    def link(self) -> Link | None:
        """A link at the position (after spaces), with its `|label|`; None when there is none."""
        save = self.pos
        self.skip_ws()
        link_id = LINK_ID.match(self.text, self.pos, self.end)
        start = link_id.end() if link_id is not None else self.pos
        for complete, (opening, closing) in zip(COMPLETE_LINKS, TEXT_LINKS, strict=True):
            match = complete.match(self.text, start, self.end)
            if match is not None:
                self.pos = match.end()
                span = self.b.span(match.start(), match.end())
                head, tail = match.group(1), match.group(3)
                return Link(
                    match.group(), span, head in HEADS, tail in HEADS, label=self.bar_label()
                )
            match = opening.match(self.text, start, self.end)
            if match is not None:
                return self.text_link(match, closing)
        match = INVISIBLE_LINK.match(self.text, start, self.end)
        if match is not None:
            self.pos = match.end()
            span = self.b.span(match.start(), match.end())
            self.warn(
                "an invisible link (~~~) only spaces out the layout, so it is not read as an edge",
                span,
                "use `---` for a line between related components",
            )
            return Link(match.group(), span, start_head=False, end_head=False, invisible=True)
        self.pos = save
        return None

    def text_link(self, opening: re.Match[str], closing_pattern: re.Pattern[str]) -> Link:
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
            raise StatementError
        raw = self.text[opening.end() : closing.start()].strip()
        quoted = len(raw) >= 2 and raw[0] == raw[-1] == '"'
        label = mermaid_text(raw[1:-1] if quoted else raw, quoted=quoted) or None
        self.pos = closing.end()
        whole = self.text[opening.start() : closing.end()]
        return Link(
            whole,
            self.b.span(opening.start(), closing.end()),
            opening.group(1) in HEADS,
            closing.group(1) in HEADS,
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
                    return mermaid_text(raw, quoted=True) or None
        close = self.text.find("|", self.pos, line_end)
        if close < 0:
            self.error(
                "this '|' is never closed",
                bar,
                "write the label between two bars: `A -->|text| B`",
            )
            raise StatementError
        raw = self.text[self.pos : close]
        self.pos = close + 1
        return mermaid_text(raw, quoted=False) or None
