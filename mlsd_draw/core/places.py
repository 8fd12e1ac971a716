"""The data folder: where mlsd-draw keeps what a person made (the practice history, their
own vocabulary file, drill attempts).

`$MLSD_DRAW_HOME` names it, else the user data folder of mlsd-draw
(`~/.local/share/mlsd-draw` on Linux). Finding it opens nothing, so commands that only
need a path (a grade looking for the user's vocabulary) do not load the history's
database code.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["HOME_ENV", "data_folder"]

HOME_ENV = "MLSD_DRAW_HOME"


def data_folder() -> Path:
    """`$MLSD_DRAW_HOME`, else the user data folder of mlsd-draw."""
    home = os.environ.get(HOME_ENV)
    if home:
        return Path(home)
    from platformdirs import user_data_path

    return user_data_path("mlsd-draw", appauthor=False)
