"""What Mermaid flowchart text looks like: its lexical tables and how its labels read.

The Mermaid reader (:mod:`.mermaid_reader`, with :mod:`.mermaid_nodes`) scans text with
the tables here: headers, statement keywords, node ids, links, node shapes and the kinds
they stand for. The text of a label is decoded here too (trimmed as Mermaid trims it,
tags dropped, entities decoded), and a Markdown file's ```mermaid block holding the
flowchart is found here. The writer (:mod:`.mermaid_writer`) shares only
:data:`JS_SPACE`, so that it quotes the whitespace Mermaid would trim.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Mapping

from ..core.errors import Diagnostic, ParseError, Span
from ..language.text import collapse

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


def mermaid_block(text: str, path: str) -> tuple[int, int]:
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


# -- Flowchart statements ------------------------------------------------------------------

DIRECTIONS = frozenset({"LR", "RL", "TB", "TD", "BT", "<", ">", "^", "v"})
"""The directions a flowchart header may name (`flowchart LR`); any other is an error."""
OTHER_DIAGRAMS = frozenset(
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
"""Mermaid diagrams that are not flowcharts: the reader says which one the text is."""

HEADER = re.compile(r"(?:flowchart-elk|flowchart|graph)(?![\w-])[ \t]*([^\s;%]*)")
"""A flowchart's header (`flowchart LR`, `graph TD`), its direction as group 1."""
WORD = re.compile(r"[A-Za-z][\w-]*")
"""A statement's first word, to tell `subgraph`, `end` and the ignored statements apart."""
IGNORED_STATEMENTS = frozenset({"classDef", "class", "style", "linkStyle", "click", "direction"})
"""Statements Mermaid uses for looks and interaction only: nothing in them is part of the graph."""
DETAILS_COMMENT = re.compile(r"%%[ \t]*mlsd:[ \t]*(\S+)[ \t]+(?:->[ \t]*(\S+)[ \t]+)?(.*)")
"""A `%% mlsd: id declaration` (or `%% mlsd: id -> id [attributes]`) comment: what a
flowchart cannot hold, as :mod:`.mermaid_writer` writes it."""
DIRECTIVE_COMMENT = re.compile(r"%%[ \t]*@([^\s#]+)[ \t]*(.*)")
"""A `%% @key value` comment: a directive, as :mod:`.mermaid_writer` writes them."""


# -- Nodes and links -----------------------------------------------------------------------

MERMAID_ID = re.compile(r"(?:[\w$!?'*+/\\`]|\.(?!-)|-(?=[^\s>\-.]))+")
"""A node id: word characters and a little punctuation; `-` and `.` only where no link starts."""
CLASS_SUFFIX = re.compile(r":::[\w-]+")
"""A node's `:::class` suffix: looks only, so it is skipped."""
LINK_ID = re.compile(r"[A-Za-z_]\w*@(?=[-=.<xo~])")
"""A link's id (`e1@-->`), which names it for styling only, so it is skipped."""
COMPLETE_LINKS = (
    re.compile(r"([<xo]?)(--+)([-xo>])"),
    re.compile(r"([<xo]?)(==+)([=xo>])"),
    re.compile(r"([<xo]?)(-?\.+-)([xo>]?)"),
)
"""Complete links, tried in Mermaid's order: head, line, end (`-->`, `---`, `==>`, `-.->`...)."""
TEXT_LINKS = (
    (re.compile(r"([<xo]?)--"), re.compile(r"[ \t]*--+([-xo>])")),
    (re.compile(r"([<xo]?)=="), re.compile(r"[ \t]*==+([=xo>])")),
    (re.compile(r"([<xo]?)-\."), re.compile(r"[ \t]*-?\.+-([xo>]?)")),
)
"""Links with text inside (`-- text -->`): the opening and the pattern that ends the text."""
INVISIBLE_LINK = re.compile(r"~~~+")
"""An invisible link (`~~~`), which only spaces out the layout."""
HEADS = frozenset("<>xo")
"""The characters that put a head on a link's end (arrow, cross, circle): it is directed."""
SHAPES: tuple[tuple[str, Mapping[str, str | None]], ...] = (
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
"""Node shapes, longest opener first: opener -> {closer: kind}."""
PAIRS = {"]": "[", ")": "(", "}": "{"}
"""Closing bracket -> its opener, to let brackets nest inside an unquoted label."""
SHAPE_NAMES: Mapping[str, str] = {
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
"""`A@{ shape: ... }` (Mermaid 11): shape names -> kinds, following the classic shapes above."""
SHAPE_DATA_ITEM = re.compile(r"([\w-]+)\s*:\s*(\"[^\"]*\"|[^,}\n]*)")
"""One `key: value` item of a node's `@{ ... }` shape data."""


# -- Label text ----------------------------------------------------------------------------

_BREAK_TAG = re.compile(r"<\s*br\s*/?\s*>", re.IGNORECASE)
_FORMAT_TAG = re.compile(
    r"<\s*/?\s*(?:b|i|u|s|em|strong|small|big|sub|sup|code|span|font|p|div|mark|del|ins|tt|kbd)"
    r"(?:\s[^<>]*)?/?\s*>",
    re.IGNORECASE,
)
# Mermaid's entity codes (`#quot;`, `#35;`) and HTML's (`&amp;`), decoded in one pass.
_ENTITY = re.compile(r"#([A-Za-z0-9_]+);|&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


def _decode_entity(match: re.Match[str]) -> str:
    """One entity as its character; an unknown one stays as written."""
    code, entity = match.group(1), match.group(2)
    if code is not None:
        reference = f"&#{code};" if code.isdigit() else f"&{code};"
    else:
        reference = f"&{entity};"
    decoded = html.unescape(reference)
    return match.group(0) if decoded == reference else decoded


JS_SPACE = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)
"""What JavaScript's `String.trim` removes: Mermaid trims every label and title with it."""


def mermaid_text(raw: str, *, quoted: bool) -> str:
    """The text a Mermaid label shows: trimmed as Mermaid trims it, tags and line breaks as
    spaces, entities decoded.

    Quoted text is otherwise kept as written (like a quoted `.mlsd` name) unless it held
    markup or line breaks; unquoted text has its whitespace collapsed.
    """
    markdown = quoted and len(raw) >= 2 and raw[0] == "`" and raw[-1] == "`"
    text = raw.strip(JS_SPACE)
    if markdown:
        text = text[1:-1].replace("**", "").replace("__", "")
    plain = _FORMAT_TAG.sub(" ", _BREAK_TAG.sub(" ", text))
    reflow = not quoted or markdown or plain != text or "\n" in plain or "\r" in plain
    text = _ENTITY.sub(_decode_entity, plain)
    return collapse(text) if reflow else text
