"""The diff picture and the HTML report of a grade."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import assert_golden, panel_texts, use_embedded_graphviz

from mlsd_draw import parse
from mlsd_draw.cli import cli
from mlsd_draw.drawing.diff_image import grade_to_dot, render_diff, write_diff
from mlsd_draw.grading.scoring import Grade, grade
from mlsd_draw.language.formatter import format_name

REFERENCE = """\
@case tiny
@title A tiny pipeline
Serving {
  Request -> Ranking -> Results
  Ranking [weight: 3; aka: ranker; note: "scores candidates"]
}
Offline {
  Logs -> Training -> Registry
}
Results -> Logs
Registry -> Ranking
"""

ATTEMPT = """\
Request -> Ranker -> Results
Results -> Kafka -> Logs
Registry -> Ranker
Registry -> Training
"""


@pytest.fixture
def graded() -> Grade:
    return grade(parse(REFERENCE), parse(ATTEMPT))


def test_diff_dot_matches_golden(graded: Grade) -> None:
    assert_golden("diff-tiny.dot", grade_to_dot(graded))


def test_paired_components_share_a_row(graded: Grade) -> None:
    dot = grade_to_dot(graded)
    assert "newrank" in dot
    assert len(re.findall(r"\{rank=same; r\d+; a\d+\}", dot)) == len(graded.alignment.pairs)
    assert not re.search(r"\{rank=same; r\d+; a\d+\}", grade_to_dot(graded, align_columns=False))


BACKENDS = ["embedded", pytest.param("system", marks=pytest.mark.system_graphviz)]


@pytest.mark.parametrize("backend", BACKENDS)
def test_every_label_is_drawn_in_its_panel(
    graded: Grade, backend: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    if backend == "embedded":
        use_embedded_graphviz(monkeypatch, tmp_path)
    panels = panel_texts(render_diff(graded, "svg"))
    assert {n.label for n in graded.reference.nodes} <= panels["r"]
    assert {n.label for n in graded.attempt.nodes} <= panels["a"]
    assert "= Ranking" in panels["a"]  # the reference name under a box named otherwise


@pytest.mark.parametrize("backend", BACKENDS)
def test_nasty_labels_stay_text(
    backend: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    if backend == "embedded":
        use_embedded_graphviz(monkeypatch, tmp_path)
    reference_names = ['"Quoted" store', "back\\slash", "<b>bold</b>"]
    attempt_names = ["<b>bold</b>", "{braces}", "a & b"]
    reference = parse("\n".join(f"{format_name(n)} -> Sink" for n in reference_names))
    attempt = parse("\n".join(f"{format_name(n)} -> Sink" for n in attempt_names))
    panels = panel_texts(render_diff(grade(reference, attempt), "svg"))
    assert {'"Quoted" store', "back\\slash", "<b>bold</b>"} <= panels["r"]
    assert {"<b>bold</b>", "{braces}", "a & b"} <= panels["a"]


def test_html_report_is_self_contained(graded: Grade, tmp_path: Path) -> None:
    path = write_diff(graded, tmp_path / "report.html")
    html = path.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "<svg" in html and "<?xml" not in html
    assert not re.search(r"""(src|href)=["']?(https?:|//|file:)""", html)
    for text in ("A tiny pipeline", "scores candidates", "Kafka", "Arrows", "missing"):
        assert text in html


def test_html_report_escapes_names(tmp_path: Path) -> None:
    result = grade(parse('"<script>x</script>" -> B'), parse("B -> C"))
    html = write_diff(result, tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<script>x</script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_grade_writes_the_diff_beside_the_attempt(tmp_path: Path) -> None:
    ref = write(tmp_path, "ref.mlsd", REFERENCE)
    attempt = write(tmp_path, "attempt.mlsd", ATTEMPT)
    result = CliRunner().invoke(cli, ["grade", str(attempt), "--ref", str(ref)])
    assert result.exit_code == 0, result.output
    picture = tmp_path / "attempt.diff.svg"
    assert f"diff: {picture}" in result.stdout.splitlines()
    assert b"<svg" in picture.read_bytes()


@pytest.mark.parametrize("suffix", [".svg", ".dot", ".html"])
def test_grade_output_format_by_extension(tmp_path: Path, suffix: str) -> None:
    ref = write(tmp_path, "ref.mlsd", REFERENCE)
    attempt = write(tmp_path, "attempt.mlsd", ATTEMPT)
    out = tmp_path / f"out{suffix}"
    args = ["grade", str(attempt), "--ref", str(ref), "-o", str(out), "--format", "json"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0
    assert result.stdout.startswith("{")  # the path goes to stderr with --format json
    assert f"diff: {out}" in result.stderr
    assert out.stat().st_size > 0


def test_grade_no_render_writes_nothing(tmp_path: Path) -> None:
    ref = write(tmp_path, "ref.mlsd", REFERENCE)
    attempt = write(tmp_path, "attempt.mlsd", ATTEMPT)
    result = CliRunner().invoke(cli, ["grade", str(attempt), "--ref", str(ref), "--no-render"])
    assert result.exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["attempt.mlsd", "ref.mlsd"]
    assert "diff:" not in result.stdout


@pytest.mark.parametrize(
    ("name", "message", "needs_empty_path"),
    [("out.jpeg", "use one of .svg", False), ("out.png", "apt-get install graphviz", True)],
)
def test_error_grade_output_writes_nothing(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    message: str,
    needs_empty_path: bool,
) -> None:
    if needs_empty_path:
        monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    ref = write(tmp_path, "ref.mlsd", REFERENCE)
    attempt = write(tmp_path, "attempt.mlsd", ATTEMPT)
    out = tmp_path / name
    result = CliRunner().invoke(cli, ["grade", str(attempt), "--ref", str(ref), "-o", str(out)])
    assert result.exit_code == 2
    assert message in result.stderr
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["attempt.mlsd", "ref.mlsd"]


@pytest.mark.system_graphviz
@pytest.mark.parametrize(("suffix", "magic"), [(".png", b"\x89PNG"), (".pdf", b"%PDF")])
def test_grade_png_and_pdf_with_system_graphviz(tmp_path: Path, suffix: str, magic: bytes) -> None:
    assert shutil.which("dot")
    ref = write(tmp_path, "ref.mlsd", REFERENCE)
    attempt = write(tmp_path, "attempt.mlsd", ATTEMPT)
    out = tmp_path / f"out{suffix}"
    result = CliRunner().invoke(cli, ["grade", str(attempt), "--ref", str(ref), "-o", str(out)])
    assert result.exit_code == 0
    assert out.read_bytes().startswith(magic)


PARTIAL = "Request -> Ranker -> Results\nResults -> Logs\n"


def test_hints_hide_what_was_missed_in_the_picture_and_the_report(tmp_path: Path) -> None:
    graded = grade(parse(REFERENCE), parse(PARTIAL))
    missing = [graded.reference.node(n) for n in graded.missing]
    assert {n.label for n in missing} == {"Training", "Registry"}
    svg = render_diff(graded, "svg", hints=True).decode("utf-8")
    html = write_diff(graded, tmp_path / "hints.html", hints=True).read_text(encoding="utf-8")
    for node in missing:
        assert f">{node.label}<" not in svg
        assert node.label not in html
    assert "What you missed: 2 components" in html
    assert "Offline: 2 components" in html
    shown = write_diff(graded, tmp_path / "plain.html").read_text(encoding="utf-8")
    assert all(node.label in shown for node in missing)  # without hints they are named


def test_grade_with_hints_draws_no_answer(tmp_path: Path) -> None:
    reference, attempt = tmp_path / "ref.mlsd", tmp_path / "attempt.mlsd"
    reference.write_text(REFERENCE, encoding="utf-8")
    attempt.write_text(PARTIAL, encoding="utf-8")
    out = tmp_path / "report.html"
    args = ["grade", str(attempt), "--ref", str(reference), "--hints", "--no-save", "-o", str(out)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "Training" not in html and "Registry" not in html
    assert "Training" not in result.stdout and "Registry" not in result.stdout
