"""Plain text helpers every reader shares: collapsing whitespace, the escapes of a quoted
string, and turning offsets into lines and columns for messages."""

from __future__ import annotations

import bisect
import re

from ..core.errors import Span

__all__ = ["LineIndex", "collapse", "unescape"]

_UNESCAPE_RE = re.compile(r'\\(["\\])')


def collapse(text: str) -> str:
    """Surrounding whitespace dropped, inner runs of whitespace as one space."""
    return " ".join(text.split())


def unescape(body: str) -> str:
    """The content of a quoted string: `\\"` and `\\\\` are its only escapes."""
    return _UNESCAPE_RE.sub(r"\1", body)


class LineIndex:
    """Line and column of offsets; spans come mostly in increasing order, so it walks forward."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer(r"\n", text)]
        self.line = 1  # the line of the last offset asked for

    def span(self, start: int, end: int) -> Span:
        starts, line = self.starts, self.line
        if starts[line - 1] <= start and (line == len(starts) or start < starts[line]):
            pass
        elif (
            line < len(starts)
            and starts[line] <= start
            and (line + 1 == len(starts) or start < starts[line + 1])
        ):
            line += 1
        else:
            line = bisect.bisect_right(starts, start)
        self.line = line
        return Span(start, end, line, start - starts[line - 1] + 1)
