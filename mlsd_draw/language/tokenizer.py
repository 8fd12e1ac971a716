"""Split `.mlsd` text into tokens, with exact spans, collecting lexical problems.

The language has three lexical modes: names and arrows (the default), free text after a
`:` (descriptions and edge labels run to the end of the statement), and attribute lists
inside `[...]` (values run to the next `;` or `]`, and may span lines). Directives (`@key
value`) take the rest of their line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

from ..core.errors import Diagnostic, Severity, Span
from .text import LineIndex, collapse, unescape


class Tok(Enum):
    """What a token is."""

    NAME = "name"
    STRING = "quoted name"
    ARROW = "arrow"
    COMMA = "','"
    COLON = "':'"
    TEXT = "text"
    ATTRS = "attribute list"
    LBRACE = "'{'"
    RBRACE = "'}'"
    END = "end of statement"
    DIRECTIVE = "directive"
    EOF = "end of file"


@dataclass(frozen=True)
class Attr:
    """One `key: value` of an attribute list. `raw` keeps quotes, for comma-separated lists.

    Offsets are stored and spans worked out on demand, as for tokens.
    """

    key: str
    value: str
    raw: str
    key_start: int
    key_end: int
    value_start: int
    value_end: int
    lines: LineIndex = field(compare=False, repr=False)

    @property
    def key_span(self) -> Span:
        """Where the key stands in the source."""
        return self.lines.span(self.key_start, self.key_end)

    @property
    def value_span(self) -> Span:
        """Where the value stands in the source."""
        return self.lines.span(self.value_start, self.value_end)


@dataclass(slots=True)
class Token:
    """One token. `value` is the text it stands for (unquoted, whitespace collapsed).

    Only offsets are stored; the line and column are worked out when a span is asked for,
    which is rare (messages and first mentions), so large files tokenize faster.
    """

    kind: Tok
    value: str
    start: int
    end: int
    lines: LineIndex
    arrow: str = ""
    """For ARROW: the canonical arrow (`->`, `<-`, `<->` or `--`)."""
    attrs: tuple[Attr, ...] = ()
    """For ATTRS: the attributes in the order written."""
    key: str = ""
    """For DIRECTIVE: the directive's name, without `@`."""

    @property
    def span(self) -> Span:
        """Where the token stands in the source."""
        return self.lines.span(self.start, self.end)


# An arrow: `->`, `<-`, `<->`, `--`, and the spellings other diagram languages use.
_ARROW = r"<-+>?|-+>|-{2,}|<=+>|=+>|[→←↔]"
# A name runs to a syntax character or an arrow; only `-`, `<`, `=` and the arrow symbols
# can start an arrow, so everything else is matched in fast runs.
_NAME = r'(?:[^\n;:,{}\[\]#"<=\-→←↔]+|-(?![->])|<(?!-|=+>)|=(?!=*>))+'
_MASTER_RE = re.compile(
    r"(?P<blank>[ \t\r\f\v]+)|(?P<end>[\n;])|(?P<lbrace>\{)|(?P<rbrace>\})|(?P<comma>,)"
    r'|(?P<colon>:)|(?P<attrs>\[)|(?P<stray>\])|(?P<string>")|(?P<comment>#[^\n]*)'
    rf"|(?P<arrow>{_ARROW})|(?P<name>{_NAME})"
)
_NAME_RE = re.compile(_NAME)
_COMMENT_RE = re.compile(r"#[^\n]*")
_STRING_RE = re.compile(r'"((?:[^"\\\n]|\\[^\n])*)"')
_TEXT_CHUNK_RE = re.compile(r'[^\n;#{}"]+')
_VALUE_CHUNK_RE = re.compile(r'[^\n;\]{}#"]+')
_PLAIN_ATTRS_RE = re.compile(r'\[([^\[\]{}#"\n]*)\]')
_SIMPLE_VALUE_RE = re.compile(r'([^\n;\]{}#"]*)(?=[;\]])')
_KEY_RE = re.compile(r'[^\n:;\[\]{}#"]+')
_DIRECTIVE_KEY_RE = re.compile(r"@([^\s#]*)")
_DIRECTIVE_CHUNK_RE = re.compile(r'[^\n#"]+')
_LONE_ANGLE_RE = re.compile(r"(?:^|(?<=\s))[<>](?=\s|$)")
_ATTR_GAP_RE = re.compile(r"[\s;]+|#[^\n]*")

_CANONICAL_ARROWS = {"->", "<-", "<->", "--"}


def canonical_arrow(text: str) -> str:
    """The canonical form of an arrow as written (`-->` is `->`, `<--` is `<-`, `---` is `--`)."""
    if text in ("→",):
        return "->"
    if text in ("←",):
        return "<-"
    if text in ("↔",):
        return "<->"
    left, right = text.startswith("<"), text.endswith(">")
    if left and right:
        return "<->"
    if left:
        return "<-"
    if right:
        return "->"
    return "--"


@dataclass
class Tokenizer:
    """Turns source text into a list of tokens; problems go to `diagnostics`."""

    text: str
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lines = LineIndex(self.text)
        self._tokens: list[Token] = []
        self._pos = 0
        self._at_statement_start = True
        self._unclosed_until = 0
        """How far the last `[` that was never closed scanned: no `[` before it closes."""

    # -- helpers ---------------------------------------------------------------------------

    def span(self, start: int, end: int) -> Span:
        """The span of text[start:end] with its line and column."""
        return self._lines.span(start, end)

    def _report(self, severity: Severity, message: str, start: int, end: int, hint: str) -> None:
        self.diagnostics.append(Diagnostic(severity, message, self.span(start, end), hint))

    def _emit(self, token: Token) -> None:
        self._tokens.append(token)
        self._at_statement_start = token.kind in (Tok.END, Tok.LBRACE, Tok.RBRACE)

    def _simple(self, kind: Tok, value: str, start: int, end: int) -> None:
        self._emit(Token(kind, value, start, end, self._lines))

    def _scan_string(self, pos: int) -> tuple[str, int]:
        """Read the quoted string opening at `pos`; returns its content and the end offset.

        A quote must close on its own line; an unclosed one is reported where it opens and
        taken to run to the end of the line, so the rest of the file is still checked.
        """
        match = _STRING_RE.match(self.text, pos)
        if match:
            return unescape(match.group(1)), match.end()
        line_end = self.text.find("\n", pos)
        line_end = len(self.text) if line_end < 0 else line_end
        self._report(
            "error",
            "this quote is never closed",
            pos,
            pos + 1,
            "add the closing '\"' on the same line",
        )
        return unescape(self.text[pos + 1 : line_end]), line_end

    def _scan_free_text(
        self, pos: int, chunk: re.Pattern[str], stops: str
    ) -> tuple[str, str, Span, int]:
        """Read text up to one of `stops` outside quotes, skipping `#` comments.

        Returns (value, raw, span, stop): a text that is one quoted string stands for its
        content; any other text for itself as written, whitespace collapsed, quotes kept.
        `raw` is the text as written (for comma-separated lists); `stop` where reading ended.
        """
        text = self.text
        pieces: list[tuple[str, str | None]] = []  # (as written, content if quoted)
        first: int | None = None
        last = pos
        while pos < len(text) and text[pos] not in stops:
            ch = text[pos]
            if ch == '"':
                content, after = self._scan_string(pos)
                pieces.append((text[pos:after], content))
                first = pos if first is None else first
                pos = last = after
            elif ch == "#":
                pos = self._comment(pos)
            elif ch == "\n":  # a stop everywhere but inside `[...]`, where it is a space
                pieces.append((" ", None))
                pos += 1
            else:
                match = chunk.match(text, pos)
                assert match is not None
                written = match.group()
                pieces.append((written, None))
                if written.strip():
                    if first is None:
                        first = pos + len(written) - len(written.lstrip())
                    last = pos + len(written.rstrip())
                pos = match.end()
        raw = "".join(written for written, _ in pieces).strip()
        written_parts = [(w, c) for w, c in pieces if w.strip()]
        if len(written_parts) == 1 and written_parts[0][1] is not None:
            value = written_parts[0][1]
        else:
            value = collapse(raw)
        start = pos if first is None else first
        return value, raw, self.span(start, max(start, last)), pos

    # -- modes -----------------------------------------------------------------------------

    def tokenize(self) -> list[Token]:
        """Every token of the text, ending with EOF."""
        text = self.text
        tokens = self._tokens
        modes: dict[str, Callable[[int], int]] = {
            "colon": self._colon,
            "attrs": self._attrs,
            "stray": self._stray_bracket,
            "string": self._string,
        }
        simple = {"end": Tok.END, "lbrace": Tok.LBRACE, "rbrace": Tok.RBRACE, "comma": Tok.COMMA}
        lines = self._lines
        pos = 0
        match = _MASTER_RE.match
        while pos < len(text):
            found = match(text, pos)
            assert found is not None, "every character starts some token"
            group = found.lastgroup
            if group == "blank" or group == "comment":
                pos = found.end()
            elif group in simple:
                # The most frequent tokens are built inline: this loop is the parser's hot path.
                char = text[pos]
                kind = simple[group]
                tokens.append(Token(kind, char, pos, pos + 1, lines))
                self._at_statement_start = kind is not Tok.COMMA
                pos += 1
            elif group == "name":
                if text[pos] == "@" and self._at_statement_start:
                    pos = self._directive(pos)
                else:
                    pos = self._name(found)
            elif group == "arrow":
                pos = self._arrow(found)
            else:
                pos = modes[group](pos)  # type: ignore[index]
        self._simple(Tok.EOF, "", len(text), len(text))
        return tokens

    def _comment(self, pos: int) -> int:
        match = _COMMENT_RE.match(self.text, pos)
        assert match is not None
        return match.end()

    def _string(self, pos: int) -> int:
        value, end = self._scan_string(pos)
        self._simple(Tok.STRING, value, pos, end)
        return end

    def _stray_bracket(self, pos: int) -> int:
        self._report(
            "error", "this ']' closes nothing", pos, pos + 1, "remove it, or add the '[' it closes"
        )
        return pos + 1

    def _arrow(self, match: re.Match[str]) -> int:
        written = match.group()
        canonical = canonical_arrow(written)
        if written not in _CANONICAL_ARROWS:
            self._report(
                "warning",
                f"'{written}' is read as '{canonical}'",
                match.start(),
                match.end(),
                f"write '{canonical}', the arrow of this language",
            )
        self._emit(Token(Tok.ARROW, written, match.start(), match.end(), self._lines, canonical))
        return match.end()

    def _parenthesised(self, match: re.Match[str]) -> int:
        """Where a name ends when a `,` or `:` falls inside parentheses it opened: after the
        `)` that closes them on the same statement (`Ranker (XGBoost, LightGBM)`). If no
        `)` comes, the name ends at the first `,` or `:`, with a warning that says so."""
        text = self.text
        end = match.end()
        depth = match.group().count("(") - match.group().count(")")
        while depth > 0 and end < len(text) and text[end] in ",:":
            more = _NAME_RE.match(text, end + 1)
            if more is None:
                break
            depth += more.group().count("(") - more.group().count(")")
            end = more.end()
        if depth <= 0:
            return end
        cut = match.end()
        self._report(
            "warning",
            f"the '(' in '{collapse(match.group())}' is not closed, so the name ends at this "
            f"'{text[cut]}'",
            cut,
            cut + 1,
            "close the parentheses on the same line, or quote the name",
        )
        return cut

    def _name(self, match: re.Match[str]) -> int:
        raw = match.group()
        stop = match.end()
        if "(" in raw and stop < len(self.text) and self.text[stop] in ",:":
            stop = self._parenthesised(match)
            raw = self.text[match.start() : stop]
        start = match.start() + len(raw) - len(raw.lstrip())
        end = stop - (len(raw) - len(raw.rstrip()))
        for angle in _LONE_ANGLE_RE.finditer(raw) if ("<" in raw or ">" in raw) else ():
            where = match.start() + angle.start()
            self._report(
                "warning",
                f"'{angle.group()}' is kept as part of the name '{collapse(raw)}'",
                where,
                where + 1,
                f"did you mean '{'->' if angle.group() == '>' else '<-'}'?",
            )
        self._simple(Tok.NAME, collapse(raw), start, end)
        return stop

    def _colon(self, pos: int) -> int:
        self._simple(Tok.COLON, ":", pos, pos + 1)
        value, _raw, span, stop = self._scan_free_text(pos + 1, _TEXT_CHUNK_RE, "\n;{}")
        if value:
            self._emit(Token(Tok.TEXT, value, span.start, span.end, self._lines))
        return stop

    def _directive(self, pos: int) -> int:
        key_match = _DIRECTIVE_KEY_RE.match(self.text, pos)
        assert key_match is not None
        value, _raw, _span, stop = self._scan_free_text(key_match.end(), _DIRECTIVE_CHUNK_RE, "\n")
        key = key_match.group(1)
        self._emit(Token(Tok.DIRECTIVE, value, pos, key_match.end(), self._lines, key=key))
        return stop

    def _plain_attrs(self, start: int, body: str) -> list[Attr] | None:
        """The attributes of a list with no quote, comment or line break, read by splitting;
        None when a part is not a plain `key: value` (the general reader reports why)."""
        attrs = []
        offset = start
        for part in body.split(";"):
            if part.strip():
                key, colon, value = part.partition(":")
                if not colon or not key.strip() or not value.strip():
                    return None
                key_start = offset + len(key) - len(key.lstrip())
                value_start = offset + len(key) + 1 + len(value) - len(value.lstrip())
                raw = value.strip()
                attrs.append(
                    Attr(
                        collapse(key),
                        collapse(raw),
                        raw,
                        key_start,
                        key_start + len(key.strip()),
                        value_start,
                        value_start + len(raw),
                        self._lines,
                    )
                )
            offset += len(part) + 1
        return attrs

    def _attrs(self, pos: int) -> int:
        """An attribute list: `[key: value; key: value]`, possibly over several lines."""
        text = self.text
        plain = _PLAIN_ATTRS_RE.match(text, pos)
        if plain and (attrs_ := self._plain_attrs(plain.start(1), plain.group(1))) is not None:
            self._emit(Token(Tok.ATTRS, "", pos, plain.end(), self._lines, attrs=tuple(attrs_)))
            return plain.end()
        open_pos = pos
        pos += 1
        attrs: list[Attr] = []
        reported = len(self.diagnostics)
        while True:
            while pos < len(text) and (gap := _ATTR_GAP_RE.match(text, pos)):
                pos = gap.end()
            # An earlier list that was never closed scanned past here already: this one
            # cannot close either, and scanning again would make many of them quadratic.
            unclosed_before = open_pos < self._unclosed_until
            if unclosed_before or pos >= len(text) or text[pos] in "{}":
                if not unclosed_before:
                    self._unclosed_until = pos
                # Unclosed: report it where it opens, drop what it swallowed and read on
                # from the end of its line, so the statements after it are still checked.
                del self.diagnostics[reported:]
                self._report(
                    "error",
                    "this '[' is never closed",
                    open_pos,
                    open_pos + 1,
                    "close the attribute list with ']'",
                )
                line_end = text.find("\n", open_pos)
                pos = min(max(pos, open_pos + 1), len(text) if line_end < 0 else line_end)
                attrs = []
                break
            if text[pos] == "]":
                pos += 1
                break
            key_match = _KEY_RE.match(text, pos)
            if (
                key_match is None
                or pos + len(key_match.group()) >= len(text)
                or (text[key_match.end()] != ":")
            ):
                end = key_match.end() if key_match else pos + 1
                key = collapse(text[pos:end])
                self._report(
                    "error",
                    f"attribute '{key}' has no value" if key else "expected an attribute key",
                    pos,
                    max(pos + 1, end - (len(text[pos:end]) - len(text[pos:end].rstrip()))),
                    "write attributes as `key: value`, separated by ';', e.g. `kind: store`",
                )
                _v, _r, _s, pos = self._scan_free_text(end, _VALUE_CHUNK_RE, ";]{}")
                continue
            written_key = key_match.group()
            key = collapse(written_key)
            key_span = self.span(pos, pos + len(written_key.rstrip()))
            simple = _SIMPLE_VALUE_RE.match(text, key_match.end() + 1)
            if simple and simple.group(1).strip():  # the common case: no quotes, no comment
                raw = simple.group(1).strip()
                value = collapse(raw)
                value_start = simple.start(1) + len(simple.group(1)) - len(simple.group(1).lstrip())
                value_span = self.span(value_start, value_start + len(raw))
                pos = simple.end()
            else:
                value, raw, value_span, pos = self._scan_free_text(
                    key_match.end() + 1, _VALUE_CHUNK_RE, ";]{}"
                )
            if value:
                attrs.append(
                    Attr(
                        key,
                        value,
                        raw,
                        key_span.start,
                        key_span.end,
                        value_span.start,
                        value_span.end,
                        self._lines,
                    )
                )
            else:
                self._report(
                    "error",
                    f"attribute '{key}' has no value",
                    key_span.start,
                    key_match.end() + 1,
                    f"write a value after '{key}:', or remove it",
                )
        self._emit(Token(Tok.ATTRS, "", open_pos, pos, self._lines, attrs=tuple(attrs)))
        return pos


def tokenize(text: str) -> tuple[list[Token], list[Diagnostic]]:
    """The tokens of `text` and the lexical problems found on the way."""
    tokenizer = Tokenizer(text)
    return tokenizer.tokenize(), tokenizer.diagnostics
