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

What the statements mean (components, edges, groups and their attributes, merged and
checked) is kept by :class:`~mlsd_draw.language.drafts.DiagramDraft`, which the parser
extends; reading a file is :func:`~mlsd_draw.language.sources.read_source`.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..core.errors import ParseError
from .drafts import DiagramDraft, Item
from .keywords import DIRECTIVES, did_you_mean
from .model import Diagram
from .sources import read_source
from .tokenizer import Tok, Token, tokenize

__all__ = ["normalise_newlines", "parse", "parse_file"]


def parse(text: str, *, path: str = "<string>") -> Diagram:
    """Parse diagram text; raise ParseError listing every error if there is any.

    Warnings of a file that parses are kept in `Diagram.warnings`. A byte order mark at
    the start is ignored, and `\r\n` and a lone `\r` end a line as `\n` does, as when a
    file is read (see `read_source`); spans refer to the text so normalised.
    """
    with _collector_paused():
        return _Parser(normalise_newlines(text), path).parse()


def normalise_newlines(text: str) -> str:
    """The text as the language reads it: no byte order mark, every line ending `\n`."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


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


_STATEMENT_ENDS = frozenset((Tok.END, Tok.LBRACE, Tok.RBRACE, Tok.EOF))

MAX_DEPTH = 32
"""How deep groups may nest: far beyond any architecture (stages of stages), and well
within what drawing and formatting recurse through."""
# Enum members looked up once: attribute access on the enum class is slow in a hot loop.
_REFS = frozenset((Tok.NAME, Tok.STRING))
_ATTRS, _COMMA, _ARROW, _COLON = Tok.ATTRS, Tok.COMMA, Tok.ARROW, Tok.COLON


class _Parser(DiagramDraft):
    def __init__(self, text: str, path: str) -> None:
        self.tokens, lexical = tokenize(text)
        super().__init__(text, list(lexical))
        self.path = path
        self.pos = 0
        self.seen_statement = False

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
        if not key:
            self.error(
                "this '@' names no directive",
                token.span,
                "write the directive's name right after '@', e.g. `@case visual-search`",
            )
            return
        if not token.value:
            self.error(f"'@{key}' has no value", token.span, f"write it as `@{key} value`")
            return
        self.stated(token.start, ("directive", key))
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
            group_id, _ = self.stack.pop()
            if group_id is not None:
                self.stated(token.start, ("close", group_id))

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
        elif len(self.stack) >= MAX_DEPTH:
            if len(self.stack) == MAX_DEPTH:  # once, at the first group too deep
                self.error(
                    f"groups nest more than {MAX_DEPTH} deep here",
                    brace.span,
                    "a stage of a stage is plenty: close some groups before opening more",
                )
        elif self.check_name(tokens[0]):
            group_id = self.declare_group(tokens[0], tokens[1:])
            self.stated(tokens[0].start, ("group", group_id))
        self.stack.append((group_id, brace))

    def single_edge(self, source: Token, arrow: Token, target: Token) -> None:
        """`A -> B`, the most common statement: what `chain` does for it, without the
        bookkeeping of lists, fan-outs, attributes and labels (large files are mostly this)."""
        if self.check_name(source) and self.check_name(target):
            a = self.mention(Item(source), edge_end=True)
            b = self.mention(Item(target), edge_end=True)
            self.stated(source.start, self.connect(a, b, arrow, None, None))

    def chain(self, tokens: list[Token]) -> None:
        """A node statement (`A [..]: text`) or an edge chain (`A, B -> C [..]: label`)."""
        segments: list[list[Item]] = [[]]
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
                    segments[-1].append(Item(token))
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
        start = tokens[0].start
        if not arrows:  # `A`, `A: text`, or `A, B` declaring several components
            self.stated(start, ("node", ids[0][0]))
            if text is not None:
                self.describe(ids[0][0], text)
            return
        label = text.value if text is not None else None
        made = [
            self.connect(source, target, arrow, label, edge_attrs)
            for arrow, sources, targets in zip(arrows, ids, ids[1:], strict=False)
            for source in sources
            for target in targets
        ]
        self.stated(start, made[0], made[-1])

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
