"""The studio: a local web page to drill, grade, look at the diff, answer quiz cards and
review the history, a second front end on the application layer beside the CLI
(`mlsd-draw studio`).

It only translates: HTTP requests into calls of `mlsd_draw.app` and their results into
JSON. It serves the references, the history and the `.mlsd` files of one folder, to
this computer only (see :mod:`mlsd_draw.web.guard`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.exports import lazy_exports

if TYPE_CHECKING:
    from .server import Studio, prepare
    from .site import create_app

_WHERE = {"Studio": "server", "create_app": "site", "prepare": "server"}

__all__ = ["Studio", "create_app", "prepare"]

__getattr__, __dir__ = lazy_exports(__name__, globals(), _WHERE)
