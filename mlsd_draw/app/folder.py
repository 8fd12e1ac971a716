"""The folder of attempt files a front end works in: list its `.mlsd` files, read one,
write one, and never touch anything outside it.

The web studio names files on behalf of a request, so every name is confined before
use: a relative path with no `..`, no NUL, no drive or absolute path, no hidden part,
ending in `.mlsd`, and once symbolic links are resolved still inside the folder. The
same rules hold for listing (links are not followed out of the folder).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath, PureWindowsPath

from ..core.errors import UsageError

ATTEMPT_SUFFIX = ".mlsd"
MAX_FILES = 500
"""How many attempt files a listing shows at most (a big folder stays quick)."""
MAX_DEPTH = 4
"""How many folders deep a listing looks."""
MAX_TEXT = 256 * 1024
"""The longest attempt text (in characters) read or written; a drawing is far shorter."""
MAX_NAME = 255


class OutsideFolderError(UsageError):
    """A file name that would leave the folder, or that is not an attempt file."""


class NoSuchAttemptError(UsageError):
    """An attempt file that does not exist in the folder."""


class AttemptExistsError(UsageError):
    """A drill would overwrite an attempt file that is already there."""


@dataclass(frozen=True)
class AttemptFile:
    """One `.mlsd` file of the folder: its name relative to it (with `/`), size and time."""

    name: str
    size: int
    modified: datetime


@dataclass(frozen=True)
class FolderListing:
    """The attempt files of a folder, by name; `truncated` when there were more."""

    folder: Path
    files: tuple[AttemptFile, ...]
    truncated: bool


def default_folder() -> Path:
    """Where attempts go when no folder is given: `attempts` beside the history."""
    from ..core.places import data_folder

    return data_folder() / "attempts"


def open_folder(folder: Path | None) -> Path:
    """The folder to work in, resolved: `folder`, which must exist, or the default one,
    created when missing."""
    if folder is None:
        target = default_folder()
        try:
            target.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise UsageError(f"cannot make the folder {target}: {error.strerror}") from None
        return target.resolve()
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "no such folder"
        raise UsageError(f"{folder}: {what}")
    return folder.resolve()


def confined(folder: Path, name: str) -> Path:
    """The resolved path of attempt file `name` inside `folder` (already resolved).

    Refuses (OutsideFolderError) any name that is empty, too long, absolute, has a drive, a
    backslash, a NUL, a `..` or hidden part, does not end in `.mlsd`, or that leads
    outside the folder through a symbolic link.
    """
    if not name or len(name) > MAX_NAME or "\x00" in name or "\\" in name:
        raise OutsideFolderError(f"not a file name in the folder: {name[:80]!r}")
    pure = PurePosixPath(name)
    parts = name.split("/")
    if pure.is_absolute() or PureWindowsPath(name).drive or ".." in parts or "" in parts:
        raise OutsideFolderError(f"not a file name in the folder: {name[:80]!r}")
    if any(part.startswith(".") for part in parts):
        raise OutsideFolderError(f"{name}: hidden files and folders are not served")
    if pure.suffix.lower() != ATTEMPT_SUFFIX:
        raise OutsideFolderError(f"{name}: only {ATTEMPT_SUFFIX} files are served")
    try:
        target = (folder / pure).resolve()
    except (OSError, RuntimeError):  # a loop of links, a name the system refuses
        raise OutsideFolderError(f"{name}: cannot be resolved inside the folder") from None
    if not target.is_relative_to(folder) or target == folder:
        raise OutsideFolderError(f"{name}: leads outside the folder")
    return target


def list_attempts(folder: Path) -> FolderListing:
    """The `.mlsd` files of `folder` and its visible subfolders, by name.

    Hidden folders and links to folders are not entered; a file that is a link leading
    outside the folder is left out.
    """
    found: list[AttemptFile] = []
    truncated = False
    for directory, subfolders, names in os.walk(folder, followlinks=False):
        here = Path(directory)
        depth = len(here.relative_to(folder).parts)
        subfolders[:] = sorted(d for d in subfolders if not d.startswith(".") and depth < MAX_DEPTH)
        for name in sorted(names):
            if name.startswith(".") or not name.lower().endswith(ATTEMPT_SUFFIX):
                continue
            relative = (here / name).relative_to(folder).as_posix()
            try:
                path = confined(folder, relative)
                status = path.stat()
            except (OutsideFolderError, OSError):
                continue
            if len(found) == MAX_FILES:
                truncated = True
                break
            modified = datetime.fromtimestamp(status.st_mtime, tz=timezone.utc)
            found.append(AttemptFile(relative, status.st_size, modified))
        if truncated:
            break
    return FolderListing(folder, tuple(sorted(found, key=lambda f: f.name)), truncated)


def read_attempt(folder: Path, name: str) -> str:
    """The text of attempt file `name` in `folder` (a byte order mark dropped)."""
    from .diagrams import read_text

    path = confined(folder, name)
    if not path.is_file():
        raise NoSuchAttemptError(f"{name}: no such file in the folder")
    if path.stat().st_size > 4 * MAX_TEXT:
        raise UsageError(f"{name}: too long for an attempt (over {MAX_TEXT // 1024} KiB)")
    _shown, text = read_text(str(path))
    if len(text) > MAX_TEXT:
        raise UsageError(f"{name}: too long for an attempt (over {MAX_TEXT // 1024} KiB)")
    return text


def write_attempt(folder: Path, name: str, text: str) -> Path:
    """Write `text` to attempt file `name` in `folder`, atomically; its subfolder must
    exist. Returns the file's path."""
    from ..core.files import write_text_atomically

    if len(text) > MAX_TEXT:
        raise UsageError(f"the text is too long for an attempt (over {MAX_TEXT // 1024} KiB)")
    path = confined(folder, name)
    if not path.parent.is_dir():
        raise NoSuchAttemptError(f"{name}: its folder does not exist")
    if path.exists() and not path.is_file():
        raise OutsideFolderError(f"{name}: is not a file")
    return write_text_atomically(path, text)
