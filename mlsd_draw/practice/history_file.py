"""The history file itself: its schema and migrations, and opening it safely.

A new file is built aside and linked into place, so two first grades never create it
together; an existing one is checked (ours, whole, not damaged) before anything is
written; a healthy one that cannot be written opens read-only. The rows and what they
mean are :mod:`mlsd_draw.practice.history`'s.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TypeVar

from ..core.errors import HistoryError

__all__ = [
    "APPLICATION_ID",
    "BUSY_TIMEOUT_SECONDS",
    "MIGRATIONS",
    "Migration",
    "connect_history",
]

T = TypeVar("T")

APPLICATION_ID = 0x4D4C5344  # "MLSD": marks the file as ours
BUSY_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class Migration:
    """One numbered step of the schema."""

    version: int
    name: str
    sql: str


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "attempts and their outcome per component",
        """
        CREATE TABLE attempts (
            id INTEGER PRIMARY KEY,
            graded_at TEXT NOT NULL,
            case_id TEXT NOT NULL,
            score REAL NOT NULL,
            rating INTEGER NOT NULL,
            duration_seconds REAL,
            attempt_text TEXT NOT NULL,
            reference_origin TEXT,
            tool_version TEXT NOT NULL
        );
        CREATE INDEX attempts_by_case ON attempts (case_id, graded_at);
        CREATE TABLE outcomes (
            attempt_id INTEGER NOT NULL REFERENCES attempts (id) ON DELETE CASCADE,
            component TEXT NOT NULL,
            label TEXT NOT NULL,
            weight REAL NOT NULL,
            found INTEGER NOT NULL,
            how TEXT,
            note TEXT,
            PRIMARY KEY (attempt_id, component)
        );
        """,
    ),
    Migration(
        2,
        "drills started and hints asked",
        """
        CREATE TABLE drills (
            id INTEGER PRIMARY KEY,
            case_id TEXT NOT NULL,
            path TEXT NOT NULL,
            started_at TEXT NOT NULL,
            attempt_id INTEGER REFERENCES attempts (id)
        );
        CREATE INDEX drills_by_path ON drills (path, started_at);
        CREATE TABLE hints (
            id INTEGER PRIMARY KEY,
            case_id TEXT NOT NULL,
            level INTEGER NOT NULL,
            asked_at TEXT NOT NULL
        );
        ALTER TABLE attempts ADD COLUMN hint_level INTEGER NOT NULL DEFAULT 0;
        """,
    ),
    Migration(
        3,
        "quiz card reviews",
        """
        CREATE TABLE card_reviews (
            id INTEGER PRIMARY KEY,
            card_id TEXT NOT NULL,
            reviewed_at TEXT NOT NULL,
            rating INTEGER NOT NULL,
            suggested_rating INTEGER,
            coverage REAL,
            answer_text TEXT NOT NULL,
            tool_version TEXT NOT NULL
        );
        CREATE INDEX card_reviews_by_card ON card_reviews (card_id, reviewed_at);
        """,
    ),
)


def connect_history(path: Path) -> tuple[sqlite3.Connection, bool]:
    """A connection to the history database at `path`, created or migrated if needed, and
    whether it is read-only (see :func:`_open_read_only`).

    Raises HistoryError naming the file when it is damaged or belongs to another program;
    such a file is never changed, moved or deleted.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise HistoryError(f"{path.parent}: cannot create the history folder ({error})") from None
    existed = path.exists() and path.stat().st_size > 0
    if existed and not _writable(path):
        return _open_read_only(path), True
    if not existed:
        _create(path)
    try:
        connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    except sqlite3.Error as error:
        raise HistoryError(f"{path}: cannot open the history database ({error})") from None

    def prepare() -> None:
        _check_ours(connection, path, existed)
        connection.execute("PRAGMA foreign_keys = ON")
        _use_wal(connection)
        _migrate(connection, path)

    _or_close(connection, path, prepare)
    return connection, False


def _or_close(connection: sqlite3.Connection, path: Path, prepare: Callable[[], T]) -> T:
    """`prepare()` on a new connection; on any failure the connection is closed first
    (SQLite's errors become a HistoryError naming the file)."""
    try:
        return prepare()
    except sqlite3.Error as error:
        connection.close()
        raise HistoryError(f"{path}: cannot use the history database ({error})") from None
    except BaseException:
        connection.close()
        raise


def _now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _writable(path: Path) -> bool:
    """Whether the history file and its folder (where SQLite keeps its journal) can be written."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _open_read_only(path: Path) -> sqlite3.Connection:
    """A healthy history in a place that cannot be written (a read-only home, a mounted
    backup): opened as immutable so SQLite needs no journal files, checked as any other,
    and readable; writing raises a HistoryError that says what to do."""
    try:
        connection = sqlite3.connect(
            f"{path.resolve().as_uri()}?immutable=1", uri=True, isolation_level=None
        )
    except sqlite3.Error as error:
        raise HistoryError(f"{path}: cannot open the history database ({error})") from None

    def applied() -> set[int]:
        _check_ours(connection, path, existed=True)
        return {row[0] for row in connection.execute("SELECT version FROM schema_migrations")}

    done = _or_close(connection, path, applied)
    if done != {m.version for m in MIGRATIONS}:
        connection.close()
        raise HistoryError(
            f"{path}: the history is read-only and was written by another version of "
            "mlsd-draw, so it cannot be brought up to date; make it writable once, or set "
            "MLSD_DRAW_HOME to a folder you can write"
        )
    return connection


def _create(path: Path) -> None:
    """Create a new history file whole, or let a concurrent process's creation win.

    Two first grades at once used to create the file together, and one review could be
    written where the other process did not see it (both got the same id). The file is
    built aside (schema, write-ahead logging) and linked into place, which succeeds for
    exactly one process; every process then opens a finished database.
    """
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".new", dir=path.parent)
    os.close(fd)
    temp = Path(temp_name)
    try:
        connection = sqlite3.connect(temp, isolation_level=None)
        try:
            connection.execute("PRAGMA journal_mode = WAL")
            _migrate(connection, temp)
        finally:
            connection.close()
        try:
            os.link(temp, path)
        except FileExistsError:
            if path.stat().st_size == 0:  # an empty file left by an older version
                temp.replace(path)
    except OSError as error:
        raise HistoryError(f"{path}: cannot create the history database ({error})") from None
    finally:
        temp.unlink(missing_ok=True)


def _use_wal(connection: sqlite3.Connection) -> None:
    """Switch the file to write-ahead logging, waiting for other processes that hold it
    (the busy timeout does not cover this switch: two first grades at once collided)."""
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    while True:
        try:
            if connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                connection.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _check_ours(connection: sqlite3.Connection, path: Path, existed: bool) -> None:
    hint = "move it away or set MLSD_DRAW_HOME to another folder; mlsd-draw leaves it as it is"
    # Damaged text must not stop the check itself: it is read leniently, then judged.
    connection.text_factory = lambda data: data.decode("utf-8", "replace")
    try:
        application_id = connection.execute("PRAGMA application_id").fetchone()[0]
        tables = connection.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0]
        # Every page read once: a truncated or damaged file is found before anything is
        # written into it (a few milliseconds for a history of thousands of attempts).
        verdict = connection.execute("PRAGMA quick_check").fetchone()[0] if existed else "ok"
    except sqlite3.DatabaseError as error:
        raise HistoryError(f"{path}: not a readable history database ({error}); {hint}") from None
    finally:
        connection.text_factory = str
    if verdict == "ok" and existed:
        verdict = _size_problem(connection, path) or "ok"
    if verdict != "ok":
        raise HistoryError(f"{path}: the history database is damaged ({verdict}); {hint}")
    if existed and application_id != APPLICATION_ID and tables:
        raise HistoryError(f"{path}: this database belongs to another program; {hint}")


def _size_problem(connection: sqlite3.Connection, path: Path) -> str | None:
    """What is wrong with the file's length, if anything: SQLite writes whole pages, as
    many as it counts; a file cut short (a full disk, a copy stopped midway) is found here
    even where SQLite's own check reads the missing bytes as zeros.

    The file is never opened a second time: closing another descriptor of it would drop
    this process's locks on it, and another process could then reset the log this one
    writes to (which lost reviews when two grades ran at once).
    """
    size = path.stat().st_size
    page_size = int(connection.execute("PRAGMA page_size").fetchone()[0])
    if page_size and size % page_size:
        return f"{size} bytes is not a whole number of {page_size}-byte pages: cut short?"
    pages = int(connection.execute("PRAGMA page_count").fetchone()[0])
    wal = path.with_name(path.name + "-wal")
    if pages * page_size > size and not wal.exists():
        return f"SQLite counts {pages} pages but the file holds {size // page_size}: cut short?"
    return None


def _migrate(connection: sqlite3.Connection, path: Path) -> None:
    """Apply the migrations this file lacks, each in its own transaction."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        connection.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations"
            " (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        done = {row[0] for row in connection.execute("SELECT version FROM schema_migrations")}
        newest = max(m.version for m in MIGRATIONS)
        if done and max(done) > newest:
            raise HistoryError(
                f"{path}: written by a newer mlsd-draw (schema {max(done)}); upgrade mlsd-draw"
            )
        for migration in MIGRATIONS:
            if migration.version in done:
                continue
            for statement in migration.sql.split(";"):
                if statement.strip():
                    connection.execute(statement)
            connection.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                (
                    migration.version,
                    migration.name,
                    datetime.now(timezone.utc).isoformat(timespec="seconds"),
                ),
            )
        connection.execute("COMMIT")
    except sqlite3.DatabaseError as error:
        connection.rollback()
        raise HistoryError(f"{path}: cannot prepare the history database ({error})") from None
    except BaseException:
        connection.rollback()
        raise
