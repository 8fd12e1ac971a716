"""The command line: exit codes, messages, and files written only when all went well."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from mlsd_draw.cli import COMMANDS, cli
from mlsd_draw.core.version import VERSION

GOOD = (
    "Serving {\n  User request -> Ranking -> Results\n}\nFeature store [kind: store] -> Ranking\n"
)
BAD = "A ->\nB [weight: x] -> C\n"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_check_prints_a_summary_line_per_file(runner: CliRunner, tmp_path: Path) -> None:
    a = write(tmp_path, "a.mlsd", GOOD)
    b = write(tmp_path, "b.mlsd", "Lonely\nA -> B\n")
    result = runner.invoke(cli, ["check", str(a), str(b)])
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        f"{a}: ok, 4 components, 3 edges, 1 group, 0 warnings",
        f"{b}: ok, 3 components, 1 edge, 0 groups, 1 warning",
    ]
    assert f"{b}:1:1: warning: 'Lonely' is connected to nothing" in result.stderr


def test_check_reads_standard_input(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["check", "-"], input="A -> B\n")
    assert result.exit_code == 0
    assert result.stdout == "<stdin>: ok, 2 components, 1 edge, 0 groups, 0 warnings\n"


def test_error_check_reports_every_problem_and_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.mlsd", BAD)
    good = write(tmp_path, "good.mlsd", GOOD)
    result = runner.invoke(cli, ["check", str(bad), str(good)])
    assert result.exit_code == 2
    assert f"{bad}:1:3: error: this arrow has no target\n  1 | A ->\n    |   ^^" in result.stderr
    assert f"{bad}:2:12: error: weight must be a number from 0 to 1000, not 'x'" in result.stderr
    assert f"{bad}: 2 errors" in result.stderr
    # The other file is still checked.
    assert result.stdout == f"{good}: ok, 4 components, 3 edges, 1 group, 0 warnings\n"
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda d: d / "missing.mlsd", "no such file"),
        (lambda d: d, "is a folder"),
        (
            lambda d: (d / "latin1.mlsd").write_bytes(b"caf\xe9 -> B\n") and d / "latin1.mlsd",
            "not UTF-8",
        ),
    ],
    ids=["missing", "folder", "not-utf8"],
)
def test_error_unreadable_file(
    runner: CliRunner, tmp_path: Path, setup: object, message: str
) -> None:
    assert callable(setup)
    path = setup(tmp_path)
    for command in (["check", str(path)], ["fmt", str(path)], ["show", str(path)]):
        result = runner.invoke(cli, command)
        assert result.exit_code == 2, command
        assert message in result.stderr
        assert "Traceback" not in result.output


def test_fmt_prints_canonical_text(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, "a.mlsd", "Serving{a->b}\nb   ->c\n")
    result = runner.invoke(cli, ["fmt", str(path)])
    assert result.exit_code == 0
    assert result.stdout == "Serving {\n  a -> b\n}\n\nb -> c\n"


def test_fmt_write_replaces_the_file(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, "a.mlsd", "Serving{a->b}\nb   ->c\n")
    result = runner.invoke(cli, ["fmt", "--write", str(path)])
    assert result.exit_code == 0
    assert path.read_text(encoding="utf-8") == "Serving {\n  a -> b\n}\n\nb -> c\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.mlsd"]  # no temporary file left


def test_fmt_check(runner: CliRunner, tmp_path: Path) -> None:
    messy = write(tmp_path, "messy.mlsd", "a->b\n")
    clean = write(tmp_path, "clean.mlsd", "a -> b\n")
    assert runner.invoke(cli, ["fmt", "--check", str(messy)]).exit_code == 1
    assert runner.invoke(cli, ["fmt", "--check", str(clean)]).exit_code == 0


def test_error_fmt_write_leaves_a_broken_file_untouched(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, "bad.mlsd", BAD)
    result = runner.invoke(cli, ["fmt", "--write", str(path)])
    assert result.exit_code == 2
    assert path.read_text(encoding="utf-8") == BAD
    assert "this arrow has no target" in result.stderr


def test_show_writes_svg_and_prints_its_path(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, "a.mlsd", GOOD)
    out = tmp_path / "out.svg"
    result = runner.invoke(cli, ["show", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{out}\n"
    svg = out.read_text(encoding="utf-8")
    assert "<svg" in svg
    for label in ("User request", "Ranking", "Results", "Feature store", "Serving"):
        assert label in svg


def test_show_defaults_to_svg_beside_the_file(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, "a.mlsd", GOOD)
    result = runner.invoke(cli, ["show", str(path)])
    assert result.exit_code == 0
    assert (tmp_path / "a.svg").exists()


def test_show_writes_dot(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, "a.mlsd", GOOD)
    out = tmp_path / "a.dot"
    assert runner.invoke(cli, ["show", str(path), "-o", str(out)]).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("digraph")


@pytest.mark.parametrize("source", [BAD, GOOD])
def test_error_show_writes_nothing_on_bad_input(
    runner: CliRunner, tmp_path: Path, source: str
) -> None:
    path = write(tmp_path, "a.mlsd", source)
    out = tmp_path / "out.svg" if source == BAD else tmp_path / "out.jpeg"
    result = runner.invoke(cli, ["show", str(path), "-o", str(out)])
    assert result.exit_code == 2
    assert not out.exists()
    assert "Traceback" not in result.output


def test_error_show_png_without_system_graphviz_says_how_to_install(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    path = write(tmp_path, "a.mlsd", GOOD)
    out = tmp_path / "a.png"
    result = runner.invoke(cli, ["show", str(path), "-o", str(out)])
    assert result.exit_code == 2
    assert "apt-get install graphviz" in result.stderr
    assert ".svg" in result.stderr
    assert not out.exists()


def test_demo_grades_and_writes_real_images(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["demo", "-o", str(tmp_path / "demo")])
    assert result.exit_code == 0, result.output
    assert "/100  " in result.stdout.splitlines()[0]  # the report comes first
    written = [Path(line) for line in result.stdout.splitlines() if line.startswith(str(tmp_path))]
    assert [p.name for p in written] == [
        "video-recommendation-attempt.mlsd",
        "video-recommendation-attempt.diff.svg",
        "video-recommendation-attempt.report.html",
    ]
    assert all("<svg" in p.read_text(encoding="utf-8") for p in written[1:])


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_help_with_an_example(runner: CliRunner, name: str) -> None:
    assert cli.get_command(click.Context(cli), name).name == name  # type: ignore[union-attr]
    result = runner.invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.stdout


def test_help_does_not_load_heavy_modules() -> None:
    code = (
        "import sys\n"
        "from mlsd_draw.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('networkx', 'graphviz', 'wasmtime', 'pydot', 'numpy', 'scipy', 'rapidfuzz', 'fsrs') if m in sys.modules]\n"
        "print('heavy:' + ','.join(heavy))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.splitlines()[-1] == "heavy:"


def _run_script(prelude: str, *args: str) -> subprocess.CompletedProcess[str]:
    code = (
        f"import sys\n{prelude}\nsys.argv = ['mlsd-draw', *{list(args)!r}]\n"
        "from mlsd_draw.cli import run\nrun()\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, stdin=subprocess.DEVNULL
    )


def test_the_quick_exit_keeps_output_status_and_exit_handlers() -> None:
    """`run` skips the interpreter's teardown, never what a normal exit would do."""
    handler = (
        "import atexit, gc\n"
        "atexit.register(lambda: print('handler ran', gc.isenabled(), flush=True))"
    )
    done = _run_script(handler, "check", "no-such-file.mlsd")
    assert done.returncode == 2 and "handler ran True" in done.stdout  # cycles still collected
    assert "no-such-file.mlsd" in done.stderr
    done = _run_script(handler, "--version")
    assert done.returncode == 0
    assert done.stdout.splitlines() == [f"mlsd-draw, version {VERSION}", "handler ran True"]
    # Another thread still working: the exit waits for it, as a normal exit does.
    thread = (
        "import threading, time\n"
        "threading.Thread(target=lambda: (time.sleep(0.3), print('thread done', flush=True)))"
        ".start()"
    )
    done = _run_script(thread, "--version")
    assert done.returncode == 0 and done.stdout.splitlines()[-1] == "thread done"


def test_python_dash_m_runs_the_tool() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mlsd_draw", "check", "-"],
        input="A -> B\n",
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0
    assert "ok, 2 components" in result.stdout


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("mlsd-draw gr", {"plain,grade"}),
        ("mlsd-draw drill vis", {"plain,visual-search"}),
        ("mlsd-draw hint news", {"plain,news-feed"}),
        ("mlsd-draw grade x.mlsd --ref people", {"plain,people-you-may-know", "file,people"}),
    ],
)
def test_shell_completion(runner: CliRunner, words: str, expected: set[str]) -> None:
    env = {
        "_MLSD_DRAW_COMPLETE": "bash_complete",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split()) - 1),
    }
    result = runner.invoke(cli, [], env=env, prog_name="mlsd-draw")
    assert set(result.stdout.split()) == expected


@pytest.mark.parametrize("value", ["nan", "NaN", "-1", "101", "abc"])
def test_min_score_must_be_a_number_from_0_to_100(
    runner: CliRunner, tmp_path: Path, value: str
) -> None:
    attempt = tmp_path / "a.mlsd"
    attempt.write_text("A -> B\n", encoding="utf-8")
    result = runner.invoke(
        cli, ["grade", str(attempt), "--ref", str(attempt), "--min-score", value]
    )
    assert result.exit_code == 2
    assert "--min-score" in result.stderr


def test_the_version_is_the_packages() -> None:
    from importlib.metadata import version

    import mlsd_draw

    assert mlsd_draw.__version__ == version("mlsd-draw")
    assert mlsd_draw.__version__ in CliRunner().invoke(cli, ["--version"]).output
