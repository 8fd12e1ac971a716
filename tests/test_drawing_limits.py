"""Drawing never hangs: too large a picture is refused before Graphviz starts, a slow
Graphviz is stopped, and killing mlsd-draw never leaves a Graphviz running."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from mlsd_draw.cli import cli
from mlsd_draw.core.errors import LayoutError, UsageError
from mlsd_draw.drawing import rendering
from mlsd_draw.drawing.limits import MAX_DRAWN_COMPONENTS, MAX_DRAWN_NAME, check_drawable
from mlsd_draw.language.parser import parse


def chain(n: int) -> str:
    return "".join(f"C{i} -> C{i + 1}\n" for i in range(n - 1))


@pytest.mark.parametrize(
    ("texts", "message"),
    [
        ([chain(MAX_DRAWN_COMPONENTS + 1)], "more than the 1,000"),
        ([chain(600), chain(401)], "1,001 components"),
        (['A -> "' + "x" * (MAX_DRAWN_NAME + 1) + '"'], "16,384"),
    ],
    ids=["too many components", "two diagrams together", "a name Graphviz cannot draw"],
)
def test_pictures_past_the_limits_are_refused(texts: list[str], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        check_drawable([parse(t) for t in texts], instead="do something else")


def test_pictures_within_the_limits_pass() -> None:
    check_drawable([parse(chain(MAX_DRAWN_COMPONENTS))], instead="")
    check_drawable([parse('A -> "' + "x" * MAX_DRAWN_NAME + '"')], instead="")


def test_grade_refuses_a_picture_too_large_before_grading_or_recording(
    tmp_path: Path, private_history: Path
) -> None:
    attempt = tmp_path / "big.mlsd"
    attempt.write_text(chain(700), encoding="utf-8")
    reference = tmp_path / "ref.mlsd"
    reference.write_text(chain(400), encoding="utf-8")
    result = CliRunner().invoke(cli, ["grade", str(attempt), "--ref", str(reference)])
    assert result.exit_code == 2
    assert "--no-render" in result.output and "1,100 components" in result.output
    assert not (tmp_path / "big.diff.svg").exists()
    assert not (private_history / "history.sqlite3").exists()
    fine = CliRunner().invoke(cli, ["grade", str(attempt), "--ref", str(reference), "--no-render"])
    assert fine.exit_code == 0, fine.output


def fake_dot(folder: Path, body: str) -> None:
    """A `dot` program on PATH that does `body` instead of drawing."""
    folder.mkdir()
    program = folder / "dot"
    program.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    program.chmod(0o755)


def test_a_graphviz_that_takes_too_long_is_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_dot(tmp_path / "bin", "exec /bin/sleep 30")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    monkeypatch.setattr(rendering, "DRAW_SECONDS", 0.5)
    started = time.monotonic()
    with pytest.raises(LayoutError, match="was stopped: grade with --no-render"):
        rendering.render_dot("digraph { a -> b }", "svg")
    assert time.monotonic() - started < 10


def test_a_graphviz_that_fails_says_why(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_dot(tmp_path / "bin", "echo 'Error: syntax error in line 1' >&2; exit 1")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    with pytest.raises(LayoutError, match="Graphviz failed: Error: syntax error in line 1"):
        rendering.render_dot("digraph {", "svg")


@pytest.mark.skipif(sys.platform != "linux", reason="the death signal is Linux's")
def test_killing_mlsd_draw_stops_its_graphviz(tmp_path: Path) -> None:
    pid_file = tmp_path / "dot.pid"
    fake_dot(tmp_path / "bin", f"echo $$ > {pid_file}; exec /bin/sleep 60")
    script = "from mlsd_draw.drawing.rendering import render_dot; render_dot('digraph {}', 'svg')"
    env = {**os.environ, "PATH": str(tmp_path / "bin")}
    parent = subprocess.Popen([sys.executable, "-c", script], env=env)
    try:
        for _ in range(200):
            if pid_file.exists() and pid_file.read_text().strip():
                break
            time.sleep(0.05)
        dot_pid = int(pid_file.read_text())
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=10)
        for _ in range(100):
            try:
                os.kill(dot_pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)
        os.kill(dot_pid, signal.SIGKILL)
        pytest.fail("the Graphviz child outlived mlsd-draw")
    finally:
        if parent.poll() is None:
            parent.kill()
