"""Text and JSON reports of a grade, and the `grade` command."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import assert_golden

from mlsd_draw import parse
from mlsd_draw.cli import cli
from mlsd_draw.cli.common import colour as _colour
from mlsd_draw.grading.reports import json_report, json_text, text_report
from mlsd_draw.grading.scoring import EDGE_CLASSES, Grade, grade

REFERENCE = """\
@case tiny-recsys
@title A tiny recommender
Serving {
  Ranking [weight: 3; aka: ranker; note: "scores every candidate precisely"]
  User request -> Candidate generation -> Ranking -> Re-ranking -> Home feed
}
Training {
  Interaction logs -> Model training -> Model registry
}
Home feed -> Interaction logs
Model registry -> Ranking
Feature store [kind: store; note: "the same features online and offline"] -> Ranking
"""

ATTEMPT = """\
@case tiny-recsys
User request -> Candidate gen -> Ranker -> Home feed
Ranker -> Kafka
Home feed -> Click logs -> Training
Ranker -> Model registry
Training -> Model registry
"""


@pytest.fixture
def graded() -> Grade:
    return grade(parse(REFERENCE), parse(ATTEMPT))


def test_text_report_matches_golden(graded: Grade) -> None:
    assert_golden("grade-report.txt", text_report(graded))


def test_json_report_matches_golden(graded: Grade) -> None:
    assert_golden("grade-report.json", json_text(graded))


def test_json_report_has_the_spec_keys(graded: Grade) -> None:
    report = json_report(graded)
    assert {"case", "score", "metrics", "nodes", "edges", "groups"} <= set(report)
    assert set(report["metrics"]) == {
        "node_recall",
        "node_precision",
        "edge_recall",
        "edge_precision",
    }
    assert set(report["nodes"]) == {"matched", "missing", "extra"}
    assert list(report["edges"]) == list(EDGE_CLASSES)
    for pair in report["nodes"]["matched"]:
        assert {"ref", "user", "how", "similarity"} <= set(pair)
        # A pair read by a vocabulary term also says which term and role.
        assert set(pair) - {"ref", "user", "how", "similarity"} <= {"term", "role"}
        assert ("term" in pair) == (pair["how"] == "term")
    # Recall is weighted: Ranking (weight 3) found, Re-ranking (1) missing: 6/7.
    assert report["groups"]["Serving"] == {"recall": 0.857, "found": 4, "total": 5}


def test_hints_name_no_missing_component(graded: Grade) -> None:
    report = text_report(graded, hints=True)
    for hidden in ("Re-ranking", "Feature store", "scores every candidate", "same features"):
        assert hidden not in report
    assert "missing  1 component(s)" in report


def test_missing_components_show_their_notes(graded: Grade) -> None:
    assert "Feature store: the same features online and offline" in text_report(graded)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_grade_json_is_one_object_on_stdout(tmp_path: Path) -> None:
    ref = write(tmp_path, "ref.mlsd", REFERENCE)
    attempt = write(tmp_path, "attempt.mlsd", ATTEMPT + "Lonely box\n")
    result = CliRunner().invoke(cli, ["grade", str(attempt), "--ref", str(ref), "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["case"] == "tiny-recsys"
    assert "connected to nothing" in result.stderr  # warnings never reach stdout


@pytest.mark.parametrize(("minimum", "status"), [(None, 0), (10, 0), (99, 1)])
def test_grade_min_score(tmp_path: Path, minimum: int | None, status: int) -> None:
    ref = write(tmp_path, "ref.mlsd", REFERENCE)
    attempt = write(tmp_path, "attempt.mlsd", ATTEMPT)
    args = ["grade", str(attempt), "--ref", str(ref)]
    args += ["--min-score", str(minimum)] if minimum is not None else []
    assert CliRunner().invoke(cli, args).exit_code == status


def test_grade_takes_the_case_from_the_attempt() -> None:
    attempt = "@case visual-search\nQuery image -> Image encoder -> ANN search -> Results\n"
    result = CliRunner().invoke(cli, ["grade", "-"], input=attempt)
    assert result.exit_code == 0
    assert result.stdout.split("/100")[0].replace(".", "").isdigit()


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["--ref", "visual-serch"], "A -> B\n", "did you mean visual-search"),
        ([], "A -> B\n", "add `@case ID`"),
        (["--ref", "visual-search"], "A ->\n", "this arrow has no target"),
        (["--ref", "no/such/file.mlsd"], "A -> B\n", "no such file"),
    ],
)
def test_error_grade(args: list[str], stdin: str, message: str) -> None:
    result = CliRunner().invoke(cli, ["grade", "-", *args], input=stdin)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


class FakeTerminal:
    def isatty(self) -> bool:
        return True


def test_colour_only_on_a_terminal_without_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert _colour(FakeTerminal())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not _colour(FakeTerminal())
    with Path(os.devnull).open("w") as not_a_terminal:
        assert not _colour(not_a_terminal)


def test_bonus_components_are_listed_and_counted_alike_everywhere() -> None:
    from mlsd_draw.drawing.html_report import html_report
    from mlsd_draw.grading.reports import counts, counts_line
    from mlsd_draw.grading.scoring import grade

    reference = parse(
        "Serving {\n"
        '  Calibration [weight: 0; note: "bonus: keeps probabilities honest"]\n'
        '  Auction [weight: 0; note: "bonus: prices the slot"]\n'
        "  Request -> Ranker -> Calibration -> Auction -> Results\n"
        "}\n"
    )
    result = grade(reference, parse("Request -> Ranker -> Calibration -> Results\n"))
    numbers = counts(result)
    assert (numbers.found, numbers.total, numbers.bonus_named, numbers.bonus_total) == (3, 3, 1, 2)
    line = counts_line(numbers)
    assert line.startswith("components 3/3, bonus 1/2, arrows")
    text = text_report(result)
    assert line in text.splitlines()[0]
    assert "bonus    named Calibration; could add Auction" in text
    assert "missing" not in text.split("Arrows")[0], "a bonus is never missing"
    report = json_report(result)
    assert report["counts"]["bonus_named"] == 1 and report["counts"]["found"] == 3
    assert report["bonus"] == {"named": ["calibration"], "not_named": ["auction"]}
    assert line in html_report(result, "<svg></svg>")
    hinted = text_report(result, hints=True)
    assert "1 more you could add" in hinted and "Auction" not in hinted
