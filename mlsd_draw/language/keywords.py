"""The words of the `.mlsd` language beyond its grammar.

The directives and attribute keys it knows, the words people reach for instead of a
component kind, how a list value such as `aka: a, "b, c"` splits, and the "did you mean"
hint for a misspelt word. The parser, the lint and the other languages' readers share them.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from .text import collapse

#: The directives the language knows, in their canonical order.
DIRECTIVES = ("case", "title", "prompt", "level", "source")
#: The attribute keys a component, an edge and a group take, and every key known at all.
NODE_KEYS = ("kind", "weight", "aka", "note")
EDGE_KEYS = ("weight", "note", "label")
GROUP_KEYS = ("aka", "note")
ALL_KEYS = ("aka", "weight", "note", "kind", "label")
#: Words people reach for instead of the seven kinds, for the hint of an unknown kind.
KIND_HINTS = {
    "database": "store",
    "db": "store",
    "storage": "store",
    "cache": "store",
    "index": "store",
    "table": "store",
    "warehouse": "store",
    "stream": "queue",
    "topic": "queue",
    "broker": "queue",
    "user": "client",
    "ui": "client",
    "app": "client",
    "batch": "job",
    "pipeline": "job",
    "dataset": "data",
    "logs": "data",
    "api": "service",
    "server": "service",
}


def did_you_mean(word: str, choices: Sequence[str]) -> str:
    """A 'did you mean' hint for a misspelt key, or a list of the valid ones."""
    close = difflib.get_close_matches(word.lower(), choices, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    return "known: " + ", ".join(choices)


def split_list(raw: str) -> list[str]:
    """The items of a comma-separated attribute value; a quoted item, or one whose
    parentheses hold the comma, may hold commas."""
    from .text import unescape

    if '"' not in raw and "(" not in raw:
        return [item for item in (collapse(part) for part in raw.split(",")) if item]
    items: list[str] = []
    current: list[str] = []
    depth = 0
    last_close = _last_unquoted(raw, ")")
    i = 0
    while i < len(raw):
        ch = raw[i]
        if ch == '"':
            end = _string_end(raw, i)
            current.append("\0" + unescape(raw[i + 1 : end]) + "\0")
            i = end + 1
        elif ch in "()":
            depth = max(0, depth + (1 if ch == "(" else -1))
            current.append(ch)
            i += 1
        elif ch == "," and (depth == 0 or i > last_close):
            items.append("".join(current))
            current = []
            i += 1
        else:  # a comma inside parentheses stays: `aka: Ranker (XGBoost, LightGBM)`
            current.append(ch)
            i += 1
    items.append("".join(current))
    result = []
    for item in items:
        stripped = item.strip()
        if stripped.startswith("\0") and stripped.endswith("\0") and stripped.count("\0") == 2:
            value = stripped[1:-1]
        else:
            value = collapse(stripped.replace("\0", '"'))
        if value:
            result.append(value)
    return result


def _string_end(raw: str, start: int) -> int:
    """The index of the `"` that closes the quoted string opening at `start`."""
    end = start + 1
    while end < len(raw) and raw[end] != '"':
        end += 2 if raw[end] == "\\" else 1
    return end


def _last_unquoted(raw: str, char: str) -> int:
    """The index of the last `char` outside quoted strings, or -1."""
    last, i = -1, 0
    while i < len(raw):
        if raw[i] == '"':
            i = _string_end(raw, i) + 1
            continue
        if raw[i] == char:
            last = i
        i += 1
    return last
