"""The practice history: every graded attempt, every drill started and hint asked, and every
answer to a quiz card, in SQLite.

The database lives in the user data folder (`platformdirs`), or in `$MLSD_DRAW_HOME`.
Nothing is ever lost: writes are transactions that wait for each other (two `grade`
processes at once both record), the schema moves forward through numbered migrations,
and a file that is not ours (another program's database, or a damaged one) is reported
with its path and left untouched.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from ..core.errors import HistoryError
from ..core.places import data_folder
from .history_file import connect_history

DATABASE_NAME = "history.sqlite3"


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


@dataclass(frozen=True)
class CardReview:
    """One answer to a quiz card as stored: the rating given, the one the key points
    suggested and the share of key points the typed answer mentioned."""

    id: int
    card_id: str
    reviewed_at: datetime
    rating: int
    suggested_rating: int | None
    coverage: float | None
    answer_text: str


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
    """`history.sqlite3` in the data folder (`$MLSD_DRAW_HOME`, else the user data folder
    of mlsd-draw)."""
    return data_folder() / DATABASE_NAME


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text)


class History:
    """The practice history in one SQLite file; open it with :func:`open_history`."""

    def __init__(self, connection: sqlite3.Connection, path: Path, read_only: bool = False) -> None:
        self._db = connection
        self.path = path
        self.read_only = read_only
        """Opened from a folder or file that cannot be written: reading works, writing
        says so (see :func:`open_history`)."""

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """A transaction that takes the write lock at once, so concurrent writers queue."""
        if self.read_only:
            raise HistoryError(
                f"{self.path}: the history is read-only (its file or folder cannot be "
                "written), so nothing was recorded; use --no-save, or set MLSD_DRAW_HOME "
                "to a folder you can write"
            )
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

    def record_card_review(
        self,
        *,
        card_id: str,
        reviewed_at: datetime,
        rating: int,
        answer_text: str,
        tool_version: str,
        suggested_rating: int | None = None,
        coverage: float | None = None,
    ) -> int:
        """Store one answer to a quiz card; returns its id."""
        with self._write() as db:
            cursor = db.execute(
                "INSERT INTO card_reviews (card_id, reviewed_at, rating, suggested_rating,"
                " coverage, answer_text, tool_version) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    card_id,
                    _iso(reviewed_at),
                    rating,
                    suggested_rating,
                    coverage,
                    answer_text,
                    tool_version,
                ),
            )
            return int(cursor.lastrowid or 0)

    # -- reading ---------------------------------------------------------------------------

    def card_reviews(self, card_id: str | None = None) -> list[CardReview]:
        """Answers to quiz cards, oldest first; only those of `card_id` if given."""
        query = (
            "SELECT id, card_id, reviewed_at, rating, suggested_rating, coverage, answer_text"
            " FROM card_reviews"
        )
        parameters: tuple[str, ...] = ()
        if card_id is not None:
            query += " WHERE card_id = ?"
            parameters = (card_id,)
        rows = self._db.execute(query + " ORDER BY reviewed_at, id", parameters).fetchall()
        return [CardReview(r[0], r[1], _time(r[2]), r[3], r[4], r[5], r[6]) for r in rows]

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
    such a file is never changed, moved or deleted. A healthy history that cannot be
    written (a read-only home) opens for reading; recording then says what to do.
    """
    path = path or default_database_path()
    connection, read_only = connect_history(path)
    return History(connection, path, read_only)
