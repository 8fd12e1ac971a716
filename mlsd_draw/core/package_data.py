"""The files that ship inside the package: references, the vocabulary, cards, examples.

An ordinary install (pip, editable or not) keeps them in a folder on disk, which is read
as a plain `Path`: `importlib.resources` and the zip support it imports cost a fresh grade
about 7 ms. A package that is not a folder (run from a zip archive) is read through
`importlib.resources`, which handles both.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    if sys.version_info >= (3, 11):
        from importlib.resources.abc import Traversable
    else:  # pragma: no cover - Python 3.10
        from importlib.abc import Traversable

__all__ = ["package_folder"]


def package_folder(package: str) -> Traversable:
    """The folder of `package`'s files (a `Path` when it is on disk); like
    `importlib.resources.files(package)`."""
    module = importlib.import_module(package)
    for location in getattr(module, "__path__", ()):
        folder = Path(location)
        if folder.is_dir():
            return folder
    from importlib.resources import files

    return files(package)
