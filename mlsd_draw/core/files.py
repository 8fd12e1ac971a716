"""Writing files so that a failure never leaves a half-written one behind."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_bytes_atomically(path: Path, data: bytes) -> Path:
    """Write `data` to `path` through a temporary file in the same folder and a rename.

    Readers see the old file or the new one, never a part; on failure nothing is left.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path()
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
    return path


def write_text_atomically(path: Path, text: str) -> Path:
    """Write UTF-8 text atomically (see :func:`write_bytes_atomically`)."""
    return write_bytes_atomically(path, text.encode("utf-8"))
