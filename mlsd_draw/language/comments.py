"""Finding the `#` comments of a source and tying each to the statement it belongs to.

The language spec says a tool that rewrites a file keeps every comment, on the statement
it ends or before the statement it precedes. The parser records where each statement
starts and what it stands for (its *anchor*); here each comment is given the anchor of
the statement it ends (code before it on its line) or else of the next statement, so the
formatter can put it back wherever that statement lands in the canonical layout.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from .model import Anchor, Comment

__all__ = ["attach_comments", "find_comments"]

# A quoted string is skipped whole (a `#` inside it is text); an unclosed one ends at its
# line's end, as the tokenizer reads it.
_STRING_OR_COMMENT_RE = re.compile(r'"(?:[^"\\\n]|\\[^\n])*"?|#[^\n]*')

END: Anchor = ("end",)
"""The anchor of comments after the last statement."""


def find_comments(text: str) -> list[tuple[int, str]]:
    """Each comment of `text` as (offset of its `#`, its text with trailing blanks dropped)."""
    if "#" not in text:
        return []
    found: list[tuple[int, str]] = []
    for match in _STRING_OR_COMMENT_RE.finditer(text):
        written = match.group()
        if written.startswith("#"):
            found.append((match.start(), written.rstrip()))
    return found


def attach_comments(
    text: str, statements: Sequence[tuple[int, Anchor, Anchor]]
) -> tuple[Comment, ...]:
    """The comments of `text`, each tied to a statement of `statements`.

    `statements` holds (start, first anchor, last anchor) in source order: a chain of
    edges has its first edge for the comments before it and its last for the one after.
    A comment with code before it on its line trails the last statement that started
    before it; any other precedes the next statement, or the end of the file.
    """
    found = find_comments(text)
    if not found:
        return ()
    starts = [start for start, _, _ in statements]
    comments: list[Comment] = []
    for offset, written in found:
        line_start = text.rfind("\n", 0, offset) + 1
        before = bisect.bisect_left(starts, offset)
        if before and text[line_start:offset].strip():
            comments.append(Comment(written, statements[before - 1][2], trailing=True))
        elif before < len(statements):
            comments.append(Comment(written, statements[before][1]))
        else:
            comments.append(Comment(written, END))
    return tuple(comments)
