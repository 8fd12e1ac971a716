"""The practice history: every graded attempt, every drill started and hint asked, in SQLite.

The database lives in the user data folder (`platformdirs`), or in `$MLSD_DRAW_HOME`.
Nothing is ever lost: writes are transactions that wait for each other (two `grade`
processes at once both record), the schema moves forward through numbered migrations,
and a file that is not ours (another program's database, or a damaged one) is reported
with its path and left untouched.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from ..core.errors import HistoryError

APPLICATION_ID = 0x4D4C5344  # "MLSD": marks the file as ours
DATABASE_NAME = "history.sqlite3"
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
)


@dataclass(frozen=True)
class Outcome:
    """What became of one reference component in one attempt."""

    component: str
    label: str
    weight: float
    found: bool
    how: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class AttemptRecord:
    """One graded attempt as stored."""

    id: int
    graded_at: datetime
    case_id: str
    score: float
    rating: int
    duration_seconds: float | None
    hint_level: int
    attempt_text: str
    tool_version: str


def now_utc() -> datetime:
    """The current time, or `$MLSD_DRAW_NOW` (ISO 8601) to simulate days of practice."""
    fixed = os.environ.get("MLSD_DRAW_NOW")
    if fixed:
        try:
            moment = datetime.fromisoformat(fixed)
        except ValueError:
            raise HistoryError(
                f"MLSD_DRAW_NOW={fixed!r} is not an ISO 8601 time such as 2026-01-31T09:00:00"
            ) from None
        if not FIRST_YEAR <= moment.year <= LAST_YEAR:
            raise HistoryError(
                f"MLSD_DRAW_NOW={fixed!r} is outside the years {FIRST_YEAR} to {LAST_YEAR} "
                "that a schedule can hold"
            )
        return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return datetime.now(timezone.utc)


FIRST_YEAR, LAST_YEAR = 1970, 9000
"""The times a review may carry: a schedule adds intervals of up to a century to them."""


def default_database_path() -> Path:
    """`$MLSD_DRAW_HOME/history.sqlite3`, else the user data folder of mlsd-draw."""
    home = os.environ.get("MLSD_DRAW_HOME")
    if home:
        return Path(home) / DATABASE_NAME
    from platformdirs import user_data_path

    return user_data_path("mlsd-draw", appauthor=False) / DATABASE_NAME


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text)


class History:
    """The practice history in one SQLite file; open it with :func:`open_history`."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._db = connection
        self.path = path

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """A transaction that takes the write lock at once, so concurrent writers queue."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
            yield self._db
            self._db.execute("COMMIT")
        except sqlite3.OperationalError as error:
            self._db.rollback()
            raise HistoryError(f"{self.path}: cannot write the history ({error})") from None
        except BaseException:
            self._db.rollback()
            raise

    # -- writing ---------------------------------------------------------------------------

    def record_attempt(
        self,
        *,
        case_id: str,
        graded_at: datetime,
        score: float,
        rating: int,
        attempt_text: str,
        outcomes: Sequence[Outcome],
        tool_version: str,
        reference_origin: str | None = None,
        duration_seconds: float | None = None,
        hint_level: int = 0,
        drill_id: int | None = None,
    ) -> int:
        """Store one graded attempt with its outcome per component; returns its id."""
        with self._write() as db:
            cursor = db.execute(
                "INSERT INTO attempts (graded_at, case_id, score, rating, duration_seconds,"
                " attempt_text, reference_origin, tool_version, hint_level)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    _iso(graded_at),
                    case_id,
                    score,
                    rating,
                    duration_seconds,
                    attempt_text,
                    reference_origin,
                    tool_version,
                    hint_level,
                ),
            )
            attempt_id = int(cursor.lastrowid or 0)
            db.executemany(
                "INSERT INTO outcomes (attempt_id, component, label, weight, found, how, note)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (attempt_id, o.component, o.label, o.weight, int(o.found), o.how, o.note)
                    for o in outcomes
                ],
            )
            if drill_id is not None:
                db.execute("UPDATE drills SET attempt_id = ? WHERE id = ?", (attempt_id, drill_id))
        return attempt_id

    def start_drill(self, case_id: str, path: Path, started_at: datetime) -> int:
        """Remember that a drill of `case_id` began at `started_at`, written to `path`."""
        with self._write() as db:
            cursor = db.execute(
                "INSERT INTO drills (case_id, path, started_at) VALUES (?, ?, ?)",
                (case_id, str(path.resolve()), _iso(started_at)),
            )
            return int(cursor.lastrowid or 0)

    def record_hint(self, case_id: str, level: int, asked_at: datetime) -> None:
        """Remember that a hint was asked, so the next grade of the case is capped."""
        with self._write() as db:
            db.execute(
                "INSERT INTO hints (case_id, level, asked_at) VALUES (?, ?, ?)",
                (case_id, level, _iso(asked_at)),
            )

    # -- reading ---------------------------------------------------------------------------

    def open_drill(self, path: Path, case_id: str) -> tuple[int, datetime] | None:
        """The latest ungraded drill written to `path` for `case_id`: its id and start."""
        row = self._db.execute(
            "SELECT id, started_at FROM drills WHERE path = ? AND case_id = ?"
            " AND attempt_id IS NULL ORDER BY started_at DESC, id DESC LIMIT 1",
            (str(path.resolve()), case_id),
        ).fetchone()
        return (int(row[0]), _time(row[1])) if row else None

    def graded_drill_text(self, path: Path, case_id: str) -> tuple[int, str] | None:
        """The last attempt of `case_id` graded since the newest drill written to `path`
        began, if the drill has been graded: its id and text (to recognise the same attempt
        graded again)."""
        row = self._db.execute(
            "SELECT attempts.id, attempts.attempt_text FROM attempts, drills"
            " WHERE drills.id = (SELECT MAX(id) FROM drills WHERE path = ? AND case_id = ?)"
            " AND drills.attempt_id IS NOT NULL"
            " AND attempts.case_id = ? AND attempts.graded_at >= drills.started_at"
            " ORDER BY attempts.graded_at DESC, attempts.id DESC LIMIT 1",
            (str(path.resolve()), case_id, case_id),
        ).fetchone()
        return (int(row[0]), str(row[1])) if row else None

    def hint_level_since(self, case_id: str, since: datetime | None) -> int:
        """The highest hint level asked for `case_id` after `since` (all time if None)."""
        row = self._db.execute(
            "SELECT MAX(level) FROM hints WHERE case_id = ? AND asked_at > ?",
            (case_id, _iso(since) if since else ""),
        ).fetchone()
        return int(row[0] or 0)

    def attempts(self, case_id: str | None = None) -> list[AttemptRecord]:
        """Graded attempts, oldest first; only those of `case_id` if given."""
        query = (
            "SELECT id, graded_at, case_id, score, rating, duration_seconds, hint_level,"
            " attempt_text, tool_version FROM attempts"
        )
        parameters: tuple[str, ...] = ()
        if case_id is not None:
            query += " WHERE case_id = ?"
            parameters = (case_id,)
        rows = self._db.execute(query + " ORDER BY graded_at, id", parameters).fetchall()
        return [
            AttemptRecord(
                id=row[0],
                graded_at=_time(row[1]),
                case_id=row[2],
                score=row[3],
                rating=row[4],
                duration_seconds=row[5],
                hint_level=row[6],
                attempt_text=row[7],
                tool_version=row[8],
            )
            for row in rows
        ]

    def outcomes(self, attempt_id: int) -> list[Outcome]:
        """The outcome per component of one attempt."""
        rows = self._db.execute(
            "SELECT component, label, weight, found, how, note FROM outcomes"
            " WHERE attempt_id = ? ORDER BY rowid",
            (attempt_id,),
        ).fetchall()
        return [Outcome(r[0], r[1], r[2], bool(r[3]), r[4], r[5]) for r in rows]

    def missed_counts(self, case_id: str | None = None) -> list[tuple[str, str, str, int, int]]:
        """Components by how often they were missed: (case, component, label, missed, seen)."""
        query = (
            "SELECT a.case_id, o.component, MAX(o.label), SUM(1 - o.found), COUNT(*)"
            " FROM outcomes o JOIN attempts a ON a.id = o.attempt_id"
        )
        parameters: tuple[str, ...] = ()
        if case_id is not None:
            query += " WHERE a.case_id = ?"
            parameters = (case_id,)
        query += " GROUP BY a.case_id, o.component HAVING SUM(1 - o.found) > 0"
        query += " ORDER BY SUM(1 - o.found) DESC, MAX(o.weight) DESC, a.case_id, o.component"
        return [
            (r[0], r[1], r[2], int(r[3]), int(r[4])) for r in self._db.execute(query, parameters)
        ]

    def schema_version(self) -> int:
        """The highest migration applied."""
        row = self._db.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
        return int(row[0] or 0)


def open_history(path: Path | None = None) -> History:
    """Open (creating or migrating it if needed) the history database at `path`.

    Raises HistoryError naming the file when it is damaged or belongs to another program;
    such a file is never changed, moved or deleted.
    """
    path = path or default_database_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise HistoryError(f"{path.parent}: cannot create the history folder ({error})") from None
    existed = path.exists() and path.stat().st_size > 0
    if not existed:
        _create(path)
    try:
        connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    except sqlite3.Error as error:
        raise HistoryError(f"{path}: cannot open the history database ({error})") from None
    try:
        _check_ours(connection, path, existed)
        connection.execute("PRAGMA foreign_keys = ON")
        _use_wal(connection)
        _migrate(connection, path)
    except sqlite3.Error as error:
        connection.close()
        raise HistoryError(f"{path}: cannot use the history database ({error})") from None
    except BaseException:
        connection.close()
        raise
    return History(connection, path)


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
                (migration.version, migration.name, _iso(datetime.now(timezone.utc))),
            )
        connection.execute("COMMIT")
    except sqlite3.DatabaseError as error:
        connection.rollback()
        raise HistoryError(f"{path}: cannot prepare the history database ({error})") from None
    except BaseException:
        connection.rollback()
        raise
