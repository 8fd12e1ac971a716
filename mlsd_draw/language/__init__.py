"""The `.mlsd` language: tokens, statements, the `Diagram` model and the canonical formatter."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.exports import lazy_exports

if TYPE_CHECKING:
    from .drafts import DiagramDraft, Item
    from .formatter import (
        format_diagram,
        format_directive,
        format_group_head,
        format_list_item,
        format_name,
        format_node,
        format_number,
        format_text,
        format_value,
        quote,
    )
    from .keywords import did_you_mean, split_list
    from .model import Diagram, Directives, Edge, Group, Node, slugify
    from .parser import parse, parse_file
    from .sources import read_source
    from .text import LineIndex, collapse, unescape
    from .tokenizer import Attr, Tok, Token, Tokenizer, canonical_arrow, tokenize

_WHERE = {
    "Attr": "tokenizer",
    "canonical_arrow": "tokenizer",
    "collapse": "text",
    "Diagram": "model",
    "DiagramDraft": "drafts",
    "did_you_mean": "keywords",
    "Directives": "model",
    "Edge": "model",
    "format_diagram": "formatter",
    "format_directive": "formatter",
    "format_group_head": "formatter",
    "format_list_item": "formatter",
    "format_name": "formatter",
    "format_node": "formatter",
    "format_number": "formatter",
    "format_text": "formatter",
    "format_value": "formatter",
    "Group": "model",
    "Item": "drafts",
    "LineIndex": "text",
    "Node": "model",
    "parse": "parser",
    "parse_file": "parser",
    "quote": "formatter",
    "read_source": "sources",
    "slugify": "model",
    "split_list": "keywords",
    "Tok": "tokenizer",
    "Token": "tokenizer",
    "tokenize": "tokenizer",
    "Tokenizer": "tokenizer",
    "unescape": "text",
}

__all__ = [
    "Attr",
    "Diagram",
    "DiagramDraft",
    "Directives",
    "Edge",
    "Group",
    "Item",
    "LineIndex",
    "Node",
    "Tok",
    "Token",
    "Tokenizer",
    "canonical_arrow",
    "collapse",
    "did_you_mean",
    "format_diagram",
    "format_directive",
    "format_group_head",
    "format_list_item",
    "format_name",
    "format_node",
    "format_number",
    "format_text",
    "format_value",
    "parse",
    "parse_file",
    "quote",
    "read_source",
    "slugify",
    "split_list",
    "tokenize",
    "unescape",
]

__getattr__, __dir__ = lazy_exports(__name__, globals(), _WHERE)
