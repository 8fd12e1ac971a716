"""The foundation every room stands on: the one error hierarchy and safe file writes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import (
    Diagnostic,
    HistoryError,
    LayoutError,
    MlsdDrawError,
    ParseError,
    RenderError,
    Severity,
    Span,
    UsageError,
    render_diagnostics,
)
from .exports import lazy_exports

if TYPE_CHECKING:
    from .files import write_bytes_atomically, write_text_atomically

__all__ = [
    "Diagnostic",
    "HistoryError",
    "LayoutError",
    "MlsdDrawError",
    "ParseError",
    "RenderError",
    "Severity",
    "Span",
    "UsageError",
    "lazy_exports",
    "render_diagnostics",
    "write_bytes_atomically",
    "write_text_atomically",
]

# Safe writes (tempfile, shutil) are loaded when first used: `check` never writes.
__getattr__, __dir__ = lazy_exports(
    __name__,
    globals(),
    {"write_bytes_atomically": "files", "write_text_atomically": "files"},
)
