"""Drawing: rendering DOT with the system or the embedded Graphviz (its compiled module
cached on disk), the diff picture of a grade, and the self-contained HTML report."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.exports import lazy_exports

if TYPE_CHECKING:
    from .cohort_html import cohort_html
    from .diff_image import default_diff_path, grade_to_dot, render_diff, write_diff
    from .html_report import html_report
    from .rendering import output_format, render_dot, write_image
    from .wasm_cache import embedded_graphviz

_WHERE = {
    "cohort_html": "cohort_html",
    "default_diff_path": "diff_image",
    "embedded_graphviz": "wasm_cache",
    "grade_to_dot": "diff_image",
    "html_report": "html_report",
    "output_format": "rendering",
    "render_diff": "diff_image",
    "render_dot": "rendering",
    "write_diff": "diff_image",
    "write_image": "rendering",
}

__all__ = [
    "cohort_html",
    "default_diff_path",
    "embedded_graphviz",
    "grade_to_dot",
    "html_report",
    "output_format",
    "render_diff",
    "render_dot",
    "write_diff",
    "write_image",
]

__getattr__, __dir__ = lazy_exports(__name__, globals(), _WHERE)
