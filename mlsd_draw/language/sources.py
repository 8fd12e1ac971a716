"""Read the text of a diagram file, or of standard input, with one clear error per failure.

Every command and reader that takes a path goes through :func:`read_source`, so a missing
file, a folder, or text that is not UTF-8 is reported the same way everywhere.
"""

from __future__ import annotations

from pathlib import Path

from ..core.errors import UsageError, shorten


def read_source(path: str | Path) -> tuple[str, str]:
    """The display name and text of a file, or of standard input for `-`."""
    import sys

    if not str(path):
        raise UsageError("an empty file name: give the path of a diagram file, or - for stdin")
    if str(path) == "-":
        if sys.stdin is None:
            raise UsageError("standard input is closed: give a file instead of -")
        return "<stdin>", sys.stdin.read().removeprefix("\ufeff")
    shown = shorten(str(path))
    try:
        # utf-8-sig: a byte order mark is not part of the text; universal newlines read
        # `\r\n` and a lone `\r` as `\n`, as `parse()` does.
        return str(path), Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UsageError(f"{shown}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{shown}: is a folder, not a diagram file") from None
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"{shown}: not UTF-8 text (byte {exc.start}); save the file as UTF-8"
        ) from None
    except OSError as exc:
        raise UsageError(f"{shown}: cannot be read ({exc.strerror})") from None
