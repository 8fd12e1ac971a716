"""Other formats through the command line: Mermaid and DOT input, convert, export anki."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from mlsd_draw.cli import cli

MLSD = """\
@case visual-search
Query photo -> Image encoder -> ANN search -> Results
Image store -> Batch embedding -> FAISS index -> ANN search
"""

MERMAID = """\
flowchart LR
  %% @case visual-search
  q[Query photo] --> e[Image encoder] --> a[ANN search] --> r[Results]
  s[(Image store)] --> b[Batch embedding] --> f[(FAISS index)] --> a
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def graded(path: Path) -> dict[str, object]:
    result = CliRunner().invoke(cli, ["grade", str(path), "--format", "json", "--no-render"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    report.pop("review", None)
    return dict(report)


def test_a_mermaid_flowchart_grades_like_the_same_mlsd(tmp_path: Path) -> None:
    typed = graded(write(tmp_path, "a.mlsd", MLSD))
    drawn = graded(write(tmp_path, "a.mmd", MERMAID))
    markdown = graded(write(tmp_path, "notes.md", f"# Notes\n\n```mermaid\n{MERMAID}```\n"))
    assert drawn["score"] == typed["score"] == markdown["score"]
    assert drawn["edges"] == typed["edges"]


def test_convert_to_mermaid_and_back_keeps_the_graph(tmp_path: Path) -> None:
    source = write(tmp_path, "a.mlsd", MLSD)
    mermaid = tmp_path / "a.mmd"
    result = CliRunner().invoke(
        cli, ["convert", str(source), "--to", "mermaid", "-o", str(mermaid)]
    )
    assert result.exit_code == 0 and mermaid.read_text(encoding="utf-8").startswith("flowchart")
    back = CliRunner().invoke(cli, ["convert", str(mermaid), "--to", "mlsd"])
    assert back.exit_code == 0
    original = CliRunner().invoke(cli, ["fmt", str(source)])
    assert back.stdout == original.stdout


def test_convert_to_dot_prints_dot(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["convert", str(write(tmp_path, "a.mlsd", MLSD)), "--to", "dot"]
    )
    assert result.exit_code == 0 and result.stdout.startswith("digraph")


def test_a_reference_may_be_a_dot_file(tmp_path: Path) -> None:
    reference = write(tmp_path, "ref.dot", 'digraph { a [label="Query"]; a -> "Index" }\n')
    attempt = write(tmp_path, "a.mlsd", "Query -> Index\n")
    result = CliRunner().invoke(
        cli, ["grade", str(attempt), "--ref", str(reference), "--no-render"]
    )
    assert result.exit_code == 0
    assert result.stdout.startswith("100/100")


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("a.mmd", "flowchart LR\n  a -> b\n", "a.mmd:2:"),
        ("a.dot", "digraph { a -> }\n", "a.dot:1:"),
        ("notes.md", "# no diagram here\n", "notes.md"),
    ],
)
def test_error_bad_input_in_another_format(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    path = write(tmp_path, name, text)
    result = CliRunner().invoke(cli, ["check", str(path)])
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_error_fmt_write_refuses_another_format(tmp_path: Path) -> None:
    path = write(tmp_path, "a.mmd", MERMAID)
    result = CliRunner().invoke(cli, ["fmt", "--write", str(path)])
    assert result.exit_code == 2
    assert "convert" in result.stderr
    assert path.read_text(encoding="utf-8") == MERMAID


def test_export_anki_writes_one_note_per_case_and_per_quiz_card(tmp_path: Path) -> None:
    deck = tmp_path / "deck.apkg"
    result = CliRunner().invoke(cli, ["export", "anki", "-o", str(deck)])
    assert result.exit_code == 0, result.output
    cases = CliRunner().invoke(cli, ["list", "--format", "json"])
    cards = CliRunner().invoke(cli, ["quiz", "--list", "--format", "json"])
    expected = len(json.loads(cases.stdout)) + len(json.loads(cards.stdout))
    with zipfile.ZipFile(deck) as package:
        package.extract("collection.anki2", tmp_path)
    connection = sqlite3.connect(tmp_path / "collection.anki2")
    try:
        assert connection.execute("SELECT COUNT(*) FROM notes").fetchone()[0] == expected
    finally:
        connection.close()


@pytest.mark.parametrize(("name", "first_line"), [("x.mmd", "flowchart LR"), ("x.gv", "digraph")])
def test_convert_takes_the_format_from_the_output_extension(
    tmp_path: Path, name: str, first_line: str
) -> None:
    source = tmp_path / "a.mlsd"
    source.write_text("A [weight: 2; aka: x]: what it does\nA -> B\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["convert", str(source), "-o", str(tmp_path / name)])
    assert result.exit_code == 0, result.output
    written = (tmp_path / name).read_text(encoding="utf-8")
    assert written.startswith(first_line)
    back = CliRunner().invoke(cli, ["convert", str(tmp_path / name), "--to", "mlsd"])
    assert back.output == source.read_text(encoding="utf-8").replace("\nA -> B", "\n\nA -> B")


@pytest.mark.parametrize("output", [None, "x.txt"])
def test_convert_without_a_format_says_how_to_name_one(tmp_path: Path, output: str | None) -> None:
    source = tmp_path / "a.mlsd"
    source.write_text("A -> B\n", encoding="utf-8")
    args = ["convert", str(source)] + (["-o", str(tmp_path / output)] if output else [])
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert "--to mermaid" in result.output
    assert not (tmp_path / "x.txt").exists()
