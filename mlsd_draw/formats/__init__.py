"""Diagram languages besides `.mlsd`: Mermaid in and out, Graphviz DOT in and out, and the
dispatch by file extension that every command reading a file goes through."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.exports import lazy_exports

if TYPE_CHECKING:
    from .builder import Builder, EdgeDraft, GroupDraft, NodeDraft, Positions
    from .directive_comments import comment_value, json_or_raw
    from .dispatch import format_for_path, read_diagram, read_diagram_file, write_diagram
    from .dot_reader import read_dot
    from .dot_scan import DotScan, dot_escapes, dot_label, dot_unquote, scan_dot
    from .dot_writer import (
        cluster_members,
        cluster_style,
        diagram_to_dot,
        dot_attributes,
        node_style,
        quote_dot,
    )
    from .mermaid_nodes import Link, MermaidNodeReader, OpenSubgraph, StatementError
    from .mermaid_reader import read_markdown, read_mermaid
    from .mermaid_syntax import mermaid_block, mermaid_text
    from .mermaid_writer import mermaid_quote, to_mermaid

_WHERE = {
    "Builder": "builder",
    "cluster_members": "dot_writer",
    "cluster_style": "dot_writer",
    "diagram_to_dot": "dot_writer",
    "dot_attributes": "dot_writer",
    "dot_escapes": "dot_scan",
    "dot_label": "dot_scan",
    "dot_unquote": "dot_scan",
    "DotScan": "dot_scan",
    "EdgeDraft": "builder",
    "format_for_path": "dispatch",
    "GroupDraft": "builder",
    "json_or_raw": "directive_comments",
    "comment_value": "directive_comments",
    "Link": "mermaid_nodes",
    "mermaid_block": "mermaid_syntax",
    "mermaid_quote": "mermaid_writer",
    "mermaid_text": "mermaid_syntax",
    "MermaidNodeReader": "mermaid_nodes",
    "node_style": "dot_writer",
    "NodeDraft": "builder",
    "OpenSubgraph": "mermaid_nodes",
    "Positions": "builder",
    "quote_dot": "dot_writer",
    "read_diagram": "dispatch",
    "read_diagram_file": "dispatch",
    "read_dot": "dot_reader",
    "read_markdown": "mermaid_reader",
    "read_mermaid": "mermaid_reader",
    "scan_dot": "dot_scan",
    "StatementError": "mermaid_nodes",
    "to_mermaid": "mermaid_writer",
    "write_diagram": "dispatch",
}

__all__ = [
    "Builder",
    "DotScan",
    "EdgeDraft",
    "GroupDraft",
    "Link",
    "MermaidNodeReader",
    "NodeDraft",
    "OpenSubgraph",
    "Positions",
    "StatementError",
    "cluster_members",
    "cluster_style",
    "comment_value",
    "diagram_to_dot",
    "dot_attributes",
    "dot_escapes",
    "dot_label",
    "dot_unquote",
    "format_for_path",
    "json_or_raw",
    "mermaid_block",
    "mermaid_quote",
    "mermaid_text",
    "node_style",
    "quote_dot",
    "read_diagram",
    "read_diagram_file",
    "read_dot",
    "read_markdown",
    "read_mermaid",
    "scan_dot",
    "to_mermaid",
    "write_diagram",
]

__getattr__, __dir__ = lazy_exports(__name__, globals(), _WHERE)
