"""The practice history: migrations, damaged or foreign files, concurrent writers."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from mlsd_draw.core.errors import HistoryError
from mlsd_draw.practice.history import (
    Outcome,
    default_database_path,
    now_utc,
    open_history,
)
from mlsd_draw.practice.history_file import APPLICATION_ID, MIGRATIONS

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)


def record(history_path: Path, case: str = "visual-search", score: float = 80.0) -> int:
    history = open_history(history_path)
    try:
        return history.record_attempt(
            case_id=case,
            graded_at=T0,
            score=score,
            rating=3,
            attempt_text="A -> B\n",
            outcomes=[Outcome("a", "A", 1.0, True, "exact"), Outcome("b", "B", 2.0, False)],
            tool_version="test",
        )
    finally:
        history.close()


def test_a_new_database_is_at_the_newest_schema(tmp_path: Path) -> None:
    history = open_history(tmp_path / "h.sqlite3")
    assert history.schema_version() == max(m.version for m in MIGRATIONS)
    history.close()


def test_attempts_and_outcomes_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    attempt_id = record(path)
    history = open_history(path)
    [attempt] = history.attempts("visual-search")
    assert (attempt.id, attempt.score, attempt.graded_at) == (attempt_id, 80.0, T0)
    assert [o.found for o in history.outcomes(attempt_id)] == [True, False]
    assert history.missed_counts() == [("visual-search", "b", "B", 1, 1)]
    history.close()


def test_a_database_of_an_older_version_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    connection = sqlite3.connect(path)
    first = MIGRATIONS[0]
    connection.executescript(first.sql)
    connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    connection.execute(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT, applied_at TEXT)"
    )
    connection.execute("INSERT INTO schema_migrations VALUES (1, ?, '2026-01-01')", (first.name,))
    connection.execute(
        "INSERT INTO attempts (graded_at, case_id, score, rating, attempt_text, tool_version)"
        " VALUES ('2026-01-01T00:00:00+00:00', 'news-feed', 55, 2, 'A -> B', '0.0.1')"
    )
    connection.commit()
    connection.close()
    history = open_history(path)
    assert history.schema_version() == max(m.version for m in MIGRATIONS)
    [old] = history.attempts("news-feed")
    assert (old.score, old.hint_level) == (55, 0)  # kept, with the new column's default
    history.close()


def make_foreign_database(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE songs (title TEXT)")
    connection.commit()
    connection.close()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_bytes(b"this is not a database at all" * 100), "not a readable"),
        (lambda p: make_foreign_database(p), "belongs to another program"),
    ],
    ids=["damaged", "foreign"],
)
def test_error_a_file_that_is_not_ours_is_reported_and_left_alone(
    tmp_path: Path, make: object, message: str
) -> None:
    path = tmp_path / "h.sqlite3"
    assert callable(make)
    make(path)
    before = path.read_bytes()
    with pytest.raises(HistoryError) as info:
        open_history(path)
    assert str(path) in str(info.value) and message in str(info.value)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["h.sqlite3"]


def test_error_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    open_history(path).close()
    connection = sqlite3.connect(path)
    connection.execute("INSERT INTO schema_migrations VALUES (99, 'future', '2030-01-01')")
    connection.commit()
    connection.close()
    with pytest.raises(HistoryError, match="newer mlsd-draw"):
        open_history(path)


WRITER = """
import sys
from datetime import datetime, timezone
from pathlib import Path
from mlsd_draw.practice.history import Outcome, open_history
history = open_history(Path(sys.argv[1]))
for i in range(int(sys.argv[2])):
    history.record_attempt(case_id=sys.argv[3], graded_at=datetime.now(timezone.utc), score=i,
        rating=3, attempt_text="A -> B", outcomes=[Outcome("a", "A", 1.0, True)],
        tool_version="test")
history.close()
"""


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(path), "40", f"case-{n}"])
        for n in range(3)
    ]
    assert [w.wait(timeout=120) for w in writers] == [0, 0, 0]
    history = open_history(path)
    assert len(history.attempts()) == 120
    assert {len(history.attempts(f"case-{n}")) for n in range(3)} == {40}
    history.close()


def test_home_and_clock_come_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLSD_DRAW_HOME", str(tmp_path))
    assert default_database_path() == tmp_path / "history.sqlite3"
    monkeypatch.setenv("MLSD_DRAW_NOW", "2026-03-01T08:30:00")
    assert now_utc() == datetime(2026, 3, 1, 8, 30, tzinfo=timezone.utc)
    monkeypatch.setenv("MLSD_DRAW_NOW", "yesterday")
    with pytest.raises(HistoryError, match="ISO 8601"):
        now_utc()


def _cut(data: bytes, size: int) -> bytes:
    return data[:-size]


def _scramble_schema(data: bytes) -> bytes:
    """Overwrite the stored table list (page 1 after the header) with invalid UTF-8."""
    return data[:100] + b"\xff\xfe" * 1000 + data[2100:]


DAMAGES = [
    ("one byte short", lambda data: _cut(data, 1)),
    ("one page short", lambda data: _cut(data, 4096)),
    ("table list scrambled", _scramble_schema),
    ("header only", lambda data: data[:100]),
]


@pytest.mark.parametrize(("damage", "change"), DAMAGES, ids=[d[0] for d in DAMAGES])
def test_a_damaged_history_is_reported_and_never_written(
    tmp_path: Path, damage: str, change: object
) -> None:
    path = tmp_path / "h.sqlite3"
    for _ in range(30):  # several pages of attempts
        record(path)
    assert callable(change)
    damaged = change(path.read_bytes())
    path.write_bytes(damaged)
    with pytest.raises(HistoryError, match=r"damaged|not a readable history"):
        open_history(path)
    assert path.read_bytes() == damaged, damage
    assert not path.with_name(path.name + "-wal").exists()


def test_the_clock_refuses_a_time_no_schedule_can_hold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLSD_DRAW_NOW", "9999-12-31")
    with pytest.raises(HistoryError, match="outside the years 1970 to 9000"):
        now_utc()
    monkeypatch.setenv("MLSD_DRAW_NOW", "8999-12-31T00:00:00")
    assert now_utc().year == 8999


def test_a_healthy_history_that_cannot_be_written_is_read_not_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read-only home (or a mounted backup) holding a good history: reading works, and
    recording says what to do instead of calling the file unreadable. The tests run as
    any user (root ignores permissions), so 'cannot be written' is what the check says."""
    path = tmp_path / "history.sqlite3"
    history = open_history(path)
    history.record_hint("visual-search", 1, now_utc())
    history.close()
    before = path.read_bytes()
    monkeypatch.setattr("mlsd_draw.practice.history_file._writable", lambda _path: False)
    history = open_history(path)
    assert history.read_only
    assert history.hint_level_since("visual-search", None) == 1
    with pytest.raises(HistoryError, match=r"read-only.*--no-save"):
        history.record_hint("visual-search", 2, now_utc())
    history.close()
    assert path.read_bytes() == before
    assert not path.with_name(path.name + "-wal").exists()
