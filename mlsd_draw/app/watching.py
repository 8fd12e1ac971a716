"""Re-running an action each time a file is saved, for `grade --watch`."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

DEBOUNCE_MS = 150
"""Saves closer together than this count as one (editors often write twice)."""


def watch_file(
    path: Path,
    on_change: Callable[[], None],
    *,
    stop: threading.Event | None = None,
    debounce_ms: int = DEBOUNCE_MS,
) -> None:
    """Call `on_change` now and after every save of `path`, until `stop` is set or Ctrl-C.

    The folder is watched, not the file: editors that save by writing a temporary file
    and renaming it over the original replace the file, and a watch on the old file
    would go silent. A moment when the file does not exist (mid-rename) is skipped.
    """
    from watchfiles import watch

    path = path.resolve()
    on_change()
    for _changes in watch(
        path.parent,
        watch_filter=lambda _change, changed: Path(changed).name == path.name,
        debounce=debounce_ms,
        step=20,
        stop_event=stop,
        recursive=False,
        raise_interrupt=False,
    ):
        if path.exists():
            on_change()
