"""Directives (`@case`, `@title` ...) carried in the comments of another format.

Mermaid and DOT have no place for them, so the writers put each on a comment line
(`%% @key value`, `// @key value`) and the readers take them back. A value is written as
it is when it reads back the same, else as a JSON string.
"""

from __future__ import annotations

import json

__all__ = ["comment_value", "json_or_raw"]


def comment_value(value: str) -> str:
    """A directive's value on a comment line: as written, or as a JSON string where it must be."""
    plain = value == value.strip() and not value.startswith('"') and value.isprintable()
    return value if plain else json.dumps(value, ensure_ascii=False)


def json_or_raw(value: str) -> str:
    """A directive value: a JSON string when it is one (how the writer quotes), else as written."""
    if value.startswith('"'):
        try:
            decoded = json.loads(value)
        except ValueError:
            return value
        if isinstance(decoded, str):
            return decoded
    return value
