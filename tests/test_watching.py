"""`grade --watch`: every save re-grades and re-draws, whatever way the editor saves."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from conftest import panel_texts

from mlsd_draw.app.watching import watch_file

REFERENCE = "Request -> Ranking -> Results\n"


def wait_for(condition: object, seconds: float) -> bool:
    assert callable(condition)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return bool(condition())


def save_by_rename(path: Path, text: str) -> None:
    """Save the way many editors do: write a temporary file, rename it over the original."""
    temporary = path.with_name(f".{path.name}.swp-tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)


def test_watch_calls_back_on_each_save(tmp_path: Path) -> None:
    path = tmp_path / "attempt.mlsd"
    path.write_text("A -> B\n", encoding="utf-8")
    calls: list[str] = []
    stop = threading.Event()
    worker = threading.Thread(
        target=watch_file,
        args=(path, lambda: calls.append(path.read_text(encoding="utf-8"))),
        kwargs={"stop": stop},
    )
    worker.start()
    try:
        assert wait_for(lambda: len(calls) == 1, 2)  # the first run, at once
        time.sleep(0.3)  # let the watcher settle
        path.write_text("A -> C\n", encoding="utf-8")  # saved in place
        assert wait_for(lambda: calls[-1] == "A -> C\n", 2)
        save_by_rename(path, "A -> D\n")  # saved by renaming a temporary file
        assert wait_for(lambda: calls[-1] == "A -> D\n", 2)
        (tmp_path / "other.mlsd").write_text("X\n", encoding="utf-8")  # another file: ignored
        time.sleep(0.5)
        assert calls[-1] == "A -> D\n"
    finally:
        stop.set()
        worker.join(timeout=10)
    assert not worker.is_alive()


def test_grade_watch_redraws_within_a_second_of_a_save(tmp_path: Path) -> None:
    reference = tmp_path / "ref.mlsd"
    reference.write_text(REFERENCE, encoding="utf-8")
    attempt = tmp_path / "attempt.mlsd"
    attempt.write_text("Request -> Ranking\n", encoding="utf-8")
    picture = tmp_path / "attempt.diff.svg"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mlsd_draw",
            "grade",
            str(attempt),
            "--ref",
            str(reference),
            "--watch",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # A shell that runs the tests in the background ignores SIGINT for its children,
        # and Python then keeps ignoring it: give the watcher Ctrl-C as a terminal would.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        assert wait_for(picture.exists, 20)  # first grade (start-up included)
        time.sleep(0.5)
        assert "Results" not in attempt_labels(picture)
        saved_at = time.monotonic()
        save_by_rename(attempt, "Request -> Ranking -> Results\n")
        assert wait_for(lambda: "Results" in attempt_labels(picture), 5)
        assert time.monotonic() - saved_at < 1.0
        save_by_rename(attempt, "Request ->\n")  # a broken save: reported, still watching
        time.sleep(0.6)
        assert process.poll() is None
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=10)
    assert "this arrow has no target" in err
    assert out.count("--- ") >= 2
    assert "Traceback" not in err


def attempt_labels(picture: Path) -> set[str]:
    try:
        return panel_texts(picture.read_bytes())["a"]
    except ET.ParseError:  # caught mid-write by the renamer: not yet complete
        return set()
