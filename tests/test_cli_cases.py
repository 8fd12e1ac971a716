"""The commands around the reference library: `list`, `lint`, `show CASE` and `show --text`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mlsd_draw.cli import cli
from mlsd_draw.library.references import load_case, shipped_case_ids

CASES = shipped_case_ids()

CLEAN = """\
@case tiny
@title A tiny reference
@prompt Rank some results.
@level easy
@source nowhere
Ranking [aka: ranker, scorer] -> Results
Results [aka: output]
"""

MESSY = """\
@case tiny
Ranking [weight: 3; aka: ranker] -> Results
Results [aka: Ranking]
"""


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# -- list ------------------------------------------------------------------------------------


def test_list_prints_a_table_of_the_shipped_cases(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["list"])
    assert result.exit_code == 0
    header, *rows = result.stdout.splitlines()
    assert header.split() == ["id", "title", "components", "level"]
    assert [row.split()[0] for row in rows] == CASES
    framework = load_case("framework").diagram
    row = next(r for r in rows if r.startswith("framework "))
    assert [cell.strip() for cell in row.split("  ") if cell.strip()] == [
        "framework",
        framework.directives.title,
        str(len(framework.nodes)),
        framework.directives.level,
    ]
    # Columns line up: every title starts where the header's does.
    start = header.index("title")
    assert all(row[start - 2 : start] == "  " and row[start] != " " for row in rows)


def test_list_json(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["list", "--format", "json"])
    assert result.exit_code == 0
    cases = json.loads(result.stdout)
    assert [c["id"] for c in cases] == CASES
    assert all(set(c) == {"id", "title", "components", "level", "origin"} for c in cases)
    assert all(c["origin"] == "shipped" for c in cases)
    video = next(c for c in cases if c["id"] == "video-recommendation")
    assert video["components"] == len(load_case("video-recommendation").diagram.nodes)


# -- lint ------------------------------------------------------------------------------------


def test_lint_clean_cases_and_files(runner: CliRunner, tmp_path: Path) -> None:
    clean = write(tmp_path, "clean.mlsd", CLEAN)
    result = runner.invoke(cli, ["lint", "framework", str(clean)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["framework.mlsd: clean", f"{clean}: clean"]
    assert result.stderr == ""


def test_lint_every_shipped_case_is_clean(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["lint", *CASES])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [f"{case}.mlsd: clean" for case in CASES]


def test_lint_reports_each_problem_with_a_caret_and_exits_1(
    runner: CliRunner, tmp_path: Path
) -> None:
    messy = write(tmp_path, "messy.mlsd", MESSY)
    clean = write(tmp_path, "clean.mlsd", CLEAN)
    result = runner.invoke(cli, ["lint", str(messy), str(clean)])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [f"{messy}: 7 problems", f"{clean}: clean"]
    assert (
        f"{messy}:3:15: warning: the alias 'Ranking' of 'Results' is the name of the component "
        "'Ranking'\n"
        "  3 | Results [aka: Ranking]\n"
        "    |               ^^^^^^^ an attempt that writes it means 'Ranking': remove this alias"
    ) in result.stderr
    for message in (
        "1:1: warning: the directive '@title' is missing",
        "2:1: warning: 'Ranking' is a core component (weight 3) with only 1 alias",
        "2:1: warning: 'Ranking' has weight 3 but no note",
    ):
        assert f"{messy}:{message}" in result.stderr


def test_error_lint_parse_errors_exit_2_and_the_other_files_are_still_linted(
    runner: CliRunner, tmp_path: Path
) -> None:
    broken = write(tmp_path, "broken.mlsd", "A ->\n")
    messy = write(tmp_path, "messy.mlsd", MESSY)
    result = runner.invoke(cli, ["lint", str(broken), str(messy)])
    assert result.exit_code == 2
    assert f"{broken}:1:3: error: this arrow has no target" in result.stderr
    assert f"{broken}: 1 error" in result.stderr
    assert result.stdout == f"{messy}: 7 problems\n"


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("visual-serch", "unknown case 'visual-serch': did you mean visual-search"),
        ("missing.mlsd", "missing.mlsd: no such file"),
        ("no/such/folder", "no/such/folder: no such file"),
    ],
)
def test_error_lint_unknown_case_or_missing_file(
    runner: CliRunner, target: str, message: str
) -> None:
    result = runner.invoke(cli, ["lint", target, "framework"])
    assert result.exit_code == 2
    assert f"error: {message}" in result.stderr
    assert result.stdout == "framework.mlsd: clean\n"
    assert "Traceback" not in result.output


def test_lint_reads_standard_input(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["lint", "-"], input=CLEAN)
    assert result.exit_code == 0
    assert result.stdout == "<stdin>: clean\n"


# -- show CASE, show --text ------------------------------------------------------------------


def test_show_case_draws_case_svg_in_the_current_folder(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["show", "visual-search"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "visual-search.svg\n"
    svg = (tmp_path / "visual-search.svg").read_text(encoding="utf-8")
    assert "<svg" in svg
    assert "Nearest neighbor service" in svg


def test_show_case_with_output(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "recsys.dot"
    result = runner.invoke(cli, ["show", "video-recommendation", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("digraph")


@pytest.mark.parametrize("case", ["framework", "rag-assistant"])
def test_show_text_prints_the_canonical_reference(runner: CliRunner, case: str) -> None:
    from importlib.resources import files

    result = runner.invoke(cli, ["show", case, "--text"])
    assert result.exit_code == 0
    shipped = files("mlsd_draw.reference_graphs").joinpath(f"{case}.mlsd")
    assert result.stdout == shipped.read_text(encoding="utf-8")


def test_show_text_of_a_file_is_its_canonical_text(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, "a.mlsd", "Serving{a->b}\nb   ->c\n")
    result = runner.invoke(cli, ["show", str(path), "--text"])
    assert result.exit_code == 0
    assert result.stdout == "Serving {\n  a -> b\n}\n\nb -> c\n"
    assert list(tmp_path.iterdir()) == [path]  # nothing drawn


def test_show_an_existing_path_wins_over_a_case_id(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "framework", "Mine -> Yours\n")
    result = runner.invoke(cli, ["show", "framework", "--text"])
    assert result.exit_code == 0
    assert result.stdout == "Mine -> Yours\n"


def test_error_show_unknown_case_names_the_closest_ids(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["show", "video-recomendation", "-o", str(tmp_path / "x.svg")])
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "error: unknown case 'video-recomendation': did you mean video-recommendation"
    )
    assert not (tmp_path / "x.svg").exists()
    result = runner.invoke(cli, ["show", "zzz", "--text"])
    assert result.exit_code == 2
    assert "unknown case 'zzz': known: ad-click-prediction, " in result.stderr
    assert result.stdout == ""


def test_error_show_text_with_output(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["show", "framework", "--text", "-o", str(tmp_path / "a.svg")])
    assert result.exit_code == 2
    assert "--text prints to standard output: leave out -o" in result.stderr
    assert not (tmp_path / "a.svg").exists()


def test_error_show_missing_file_is_not_taken_for_a_case(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["show", "framework.mlsd"])
    assert result.exit_code == 2
    assert "framework.mlsd: no such file" in result.stderr
