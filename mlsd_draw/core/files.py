"""Writing files so that a failure never leaves a half-written one behind.

Every failure (a missing or read-only folder, a full disk, a name too long) is a
:class:`UsageError` naming the file and what to do, and the file as it was stays intact.
A symbolic link stays a link (its target is rewritten), a file with several hard links is
rewritten in place so every link still shows it, and a read-only file is not rewritten.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import UsageError


def write_bytes_atomically(path: Path, data: bytes) -> Path:
    """Write `data` to `path` through a temporary file in the same folder and a rename.

    Readers see the old file or the new one, never a part; on failure nothing is left.
    """
    shown = Path(path)
    try:
        path = shown.resolve() if shown.is_symlink() else shown  # a link stays a link
        # read-only by its mode, even for root: the person chose not to have it changed
        if path.exists() and not (path.stat().st_mode & 0o222 and os.access(path, os.W_OK)):
            raise UsageError(f"{shown} is read-only: make it writable, or write elsewhere")
        if path.is_file() and path.stat().st_nlink > 1:
            _write_in_place(path, data)
        else:
            _replace(path, data)
    except OSError as error:
        raise UsageError(_cannot_write(shown, error)) from None
    return shown


def _cannot_write(path: Path, error: OSError) -> str:
    """The message for a file that cannot be written, with what to do."""
    reason = error.strerror or str(error)
    folder = path.parent if str(path.parent) else Path()
    try:
        if folder.exists() and not folder.is_dir():
            return f"cannot write {path}: {folder} is a file, not a folder"
        if not folder.exists():
            return f"cannot write {path}: the folder {folder} does not exist; create it first"
    except OSError:
        pass  # a name too long to look up: the system's own reason says so
    return f"cannot write {path}: {reason}"


def _write_in_place(path: Path, data: bytes) -> None:
    """Rewrite a file that has other hard links through the same inode, so they all see it."""
    with path.open("r+b") as handle:
        handle.write(data)
        handle.truncate()


def _replace(path: Path, data: bytes) -> None:
    """Write through a temporary file in the same folder, then rename it over `path`."""
    folder = path.parent if str(path.parent) else Path()
    import tempfile

    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        temp = Path(temp_name)
        if path.exists():
            temp.chmod(path.stat().st_mode & 0o777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            temp.chmod(0o666 & ~umask)
        temp.replace(path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def write_text_atomically(path: Path, text: str) -> Path:
    """Write UTF-8 text atomically (see :func:`write_bytes_atomically`)."""
    return write_bytes_atomically(path, text.encode("utf-8"))
