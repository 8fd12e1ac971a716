"""mlsd-draw: drill ML system design architectures from memory.

The library core, usable without the command line::

    from mlsd_draw import parse, format_diagram
    diagram = parse("User request -> Ranking -> Results")

Names are imported on first use, so `mlsd-draw --help` does not pay for the parser.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .core.exports import lazy_exports
from .core.version import VERSION

__version__ = VERSION

if TYPE_CHECKING:
    from .core.errors import Diagnostic, MlsdDrawError, ParseError, RenderError, Span, UsageError
    from .language.formatter import format_diagram
    from .language.model import Diagram, Directives, Edge, Group, Node, slugify
    from .language.parser import parse, parse_file

_WHERE = {
    "Diagnostic": "core.errors",
    "MlsdDrawError": "core.errors",
    "ParseError": "core.errors",
    "RenderError": "core.errors",
    "Span": "core.errors",
    "UsageError": "core.errors",
    "format_diagram": "language.formatter",
    "parse": "language.parser",
    "parse_file": "language.parser",
    "Diagram": "language.model",
    "Directives": "language.model",
    "Edge": "language.model",
    "Group": "language.model",
    "Node": "language.model",
    "slugify": "language.model",
}

__all__ = [
    "Diagnostic",
    "Diagram",
    "Directives",
    "Edge",
    "Group",
    "MlsdDrawError",
    "Node",
    "ParseError",
    "RenderError",
    "Span",
    "UsageError",
    "format_diagram",
    "parse",
    "parse_file",
    "slugify",
]


__getattr__, __dir__ = lazy_exports(__name__, globals(), _WHERE)
