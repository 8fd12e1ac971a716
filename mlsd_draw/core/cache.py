"""The user cache folder: work that is slow to redo (a compiled renderer, an indexed
vocabulary) is kept there between runs, and losing it only costs time.

`$MLSD_DRAW_CACHE` names the folder, else the user cache folder of mlsd-draw
(`~/.cache/mlsd-draw` on Linux). Every file is written whole (a temporary file renamed
into place, so processes that race never read half a file) and a missing, unreadable or
unwritable cache is simply no cache.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

__all__ = ["CACHE_ENV", "cache_folder", "read_cached_text", "write_cached_text"]

CACHE_ENV = "MLSD_DRAW_CACHE"


def cache_folder() -> Path:
    """`$MLSD_DRAW_CACHE`, else the user cache folder of mlsd-draw."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen:
        return Path(chosen).expanduser()
    from platformdirs import user_cache_path

    return user_cache_path("mlsd-draw", appauthor=False)


def read_cached_text(name: str) -> str | None:
    """The text cached as `name`, or None when there is none or it cannot be read."""
    try:
        return (cache_folder() / name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def write_cached_text(name: str, text: str) -> bool:
    """Cache `text` as `name`, whole or not at all; whether it was written."""
    folder = cache_folder()
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        import tempfile

        fd, temp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    except OSError:
        return False
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        Path(temp).replace(folder / name)
    except BaseException as error:  # a full disk, or Ctrl-C: no temporary file left behind
        with contextlib.suppress(OSError):
            Path(temp).unlink()
        if isinstance(error, OSError):
            return False
        raise
    return True
