"""Bad command lines and hostile file systems: a clear message and exit status 2, never a
traceback, and the person's files as they were."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from mlsd_draw.cli import cli

ATTEMPT = "@case news-feed\nUser -> Feed\n"
LONG = "x" * 5000

BAD_COMMAND_LINES = [
    (["grade", ".", "--watch"], "--watch works on one attempt"),
    (["grade", ""], "an empty file name"),
    (["grade", "/"], "is a folder, not a diagram file"),
    (["show", LONG], "File name too long"),
    (["lint", LONG], "File name too long"),
    (["grade", "a.mlsd", "--no-save", "--ref", LONG], "File name too long"),
    (["convert", "a.mlsd", "--to", "dot", "-o", "missing/x.dot"], "the folder missing does not exist"),
    (["convert", "a.mlsd", "--to", "dot", "-o", "a.mlsd/x.dot"], "a.mlsd is a file, not a folder"),
    (["drill", "news-feed", "-o", "missing/x.mlsd"], "the folder missing does not exist"),
    (["demo", "-o", "a.mlsd/sub"], "cannot make the folder a.mlsd/sub"),
    (["grade", "missing.mlsd", "--watch"], "no such file to watch"),
    (["grade", "a.mlsd", "--no-save", "-o", "report.txt"], "cannot write report.txt"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "message"), BAD_COMMAND_LINES, ids=lambda v: str(v)[:40])
def test_a_bad_command_line_says_what_is_wrong(
    args: list[str], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.mlsd").write_text(ATTEMPT, encoding="utf-8")
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert (tmp_path / "a.mlsd").read_text(encoding="utf-8") == ATTEMPT


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_output_to_a_full_disk_is_an_error_not_a_success() -> None:
    with Path("/dev/full").open("w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "mlsd_draw", "list"], stdout=full, stderr=subprocess.PIPE,
            text=True, check=False,
        )  # fmt: skip
    assert result.returncode == 2
    assert "No space left on device" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_closed_standard_output_is_an_error() -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import os, sys; os.close(1); from mlsd_draw.cli import main; "
         "sys.stdout = None; main(['list'])"],
        stderr=subprocess.PIPE, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert "standard output is closed" in result.stderr


def test_fmt_write_keeps_a_symbolic_link_a_link(tmp_path: Path) -> None:
    target = tmp_path / "real.mlsd"
    target.write_text("A->B\n", encoding="utf-8")
    link = tmp_path / "link.mlsd"
    link.symlink_to(target)
    assert CliRunner().invoke(cli, ["fmt", "--write", str(link)]).exit_code == 0
    assert link.is_symlink()
    assert target.read_text(encoding="utf-8") == "A -> B\n"


def test_fmt_write_keeps_hard_links(tmp_path: Path) -> None:
    first = tmp_path / "one.mlsd"
    first.write_text("A->B\n", encoding="utf-8")
    second = tmp_path / "two.mlsd"
    os.link(first, second)
    assert CliRunner().invoke(cli, ["fmt", "--write", str(first)]).exit_code == 0
    assert second.read_text(encoding="utf-8") == "A -> B\n"
    assert first.stat().st_ino == second.stat().st_ino


def test_fmt_write_leaves_a_read_only_file_alone(tmp_path: Path) -> None:
    path = tmp_path / "ro.mlsd"
    path.write_text("A->B\n", encoding="utf-8")
    path.chmod(0o444)
    result = CliRunner().invoke(cli, ["fmt", "--write", str(path)])
    assert result.exit_code == 2 and "is read-only" in result.stderr
    assert path.read_text(encoding="utf-8") == "A->B\n"


def test_a_reader_that_leaves_early_ends_the_command_quietly_with_141() -> None:
    """`mlsd-draw fmt big.mlsd | head -3`: no traceback, no 'the answer is no' status 1."""

    reference = Path(__file__).parent.parent / "reference_graphs" / "framework.mlsd"
    command = [sys.executable, "-m", "mlsd_draw", "fmt", str(reference)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    with process.stderr:
        error = process.stderr.read()
    assert process.wait(timeout=60) == 141
    assert error == b""


def test_a_long_grade_says_so_on_a_terminal(tmp_path: Path) -> None:
    """A grade of thousands of boxes takes seconds: a terminal hears about it at once."""
    import pty

    attempt = tmp_path / "big.mlsd"
    attempt.write_text("".join(f"C{i} -> C{i + 1}\n" for i in range(2100)), encoding="utf-8")
    reference = tmp_path / "ref.mlsd"
    reference.write_text("C1 -> C2 -> C3\n", encoding="utf-8")
    main, terminal = pty.openpty()
    command = [sys.executable, "-m", "mlsd_draw", "grade", str(attempt), "--ref", str(reference)]
    done = subprocess.run(
        [*command, "--no-render", "--no-save"],
        stdout=subprocess.DEVNULL,
        stderr=terminal,
        timeout=300,
        check=False,
        env={**os.environ, "MLSD_DRAW_HOME": str(tmp_path)},
    )
    os.close(terminal)
    said = os.read(main, 4096).decode("utf-8", "replace")
    os.close(main)
    assert done.returncode == 0
    assert "grading 2,101 components..." in said
