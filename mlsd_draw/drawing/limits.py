"""What a picture can hold: checked before Graphviz starts, so a drawing never hangs.

Graphviz's layout time grows much faster than the number of boxes (a diff of 1,200
components takes seconds, one of 10,000 ran for a quarter of an hour and 5 GB), and the
system Graphviz cannot draw a name longer than 16,384 characters. Past these limits a
picture is refused at once with what to do instead; a run that still takes too long is
stopped by the time limit of :mod:`.rendering`.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..core.errors import UsageError
from ..language.model import Diagram

__all__ = ["MAX_DRAWN_COMPONENTS", "MAX_DRAWN_NAME", "check_drawable"]

MAX_DRAWN_COMPONENTS = 1000
"""The most components one picture draws (a diff holds the reference and the attempt):
far past what anyone reads, and Graphviz lays it out in seconds."""

MAX_DRAWN_NAME = 16_384
"""The longest name Graphviz (the system `dot`) can draw."""


def check_drawable(diagrams: Iterable[Diagram], *, instead: str) -> None:
    """UsageError, saying what to do (`instead`), when the diagrams drawn together hold
    more components than a picture can, or a name Graphviz cannot draw."""
    diagrams = list(diagrams)
    count = sum(len(d.nodes) for d in diagrams)
    if count > MAX_DRAWN_COMPONENTS:
        raise UsageError(
            f"this picture would hold {count:,} components, more than the "
            f"{MAX_DRAWN_COMPONENTS:,} one picture can draw; {instead}"
        )
    for diagram in diagrams:
        for node in diagram.nodes:
            if len(node.label) > MAX_DRAWN_NAME:
                raise UsageError(
                    f"the name starting '{node.label[:40]}...' is {len(node.label):,} "
                    f"characters long, more than the {MAX_DRAWN_NAME:,} Graphviz can draw; "
                    f"shorten it, or {instead}"
                )
