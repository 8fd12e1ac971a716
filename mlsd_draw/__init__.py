"""mlsd-draw: drill ML system design architectures from memory.

The library core, usable without the command line::

    from mlsd_draw import parse, format_diagram
    diagram = parse("User request -> Ranking -> Results")
"""

from .errors import Diagnostic, MlsdDrawError, ParseError, RenderError, Span, UsageError
from .formatting import format_diagram
from .language import parse, parse_file
from .model import Diagram, Directives, Edge, Group, Node, slugify

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
