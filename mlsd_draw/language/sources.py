"""Read the text of a diagram file, or of standard input, with one clear error per failure.

Every command and reader that takes a path goes through :func:`read_source`, so a missing
file, a folder, or text that is not UTF-8 is reported the same way everywhere.
"""

from __future__ import annotations

from pathlib import Path

from ..core.errors import UsageError


def read_source(path: str | Path) -> tuple[str, str]:
    """The display name and text of a file, or of standard input for `-`."""
    import sys

    if str(path) == "-":
        return "<stdin>", sys.stdin.read().removeprefix("\ufeff")
    try:
        # utf-8-sig: a byte order mark is not part of the text; universal newlines read
        # `\r\n` and a lone `\r` as `\n`, as `parse()` does.
        return str(path), Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a folder, not a diagram file") from None
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"{path}: not UTF-8 text (byte {exc.start}); save the file as UTF-8"
        ) from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot be read ({exc.strerror})") from None
