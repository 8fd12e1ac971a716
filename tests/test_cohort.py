"""Grading a cohort: `grade` on several files or a folder, its rows, summary and page."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from mlsd_draw.app.cohort import (
    AttemptRow,
    Component,
    ComponentRecall,
    ReferenceInfo,
    attempt_files,
    distribution,
    forgotten_first,
    grade_cohort,
    summarise,
)
from mlsd_draw.app.documents import grade_document
from mlsd_draw.app.grading import grade_loaded, report_text
from mlsd_draw.app.practice import attempt_history
from mlsd_draw.cli import cli
from mlsd_draw.cli.cohort_output import CSV_COLUMNS

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "mlsd_draw" / "examples" / "video-recommendation-attempt.mlsd"
ATTEMPTS = sorted((ROOT / "tests" / "attempts").glob("*.mlsd"))
BROKEN = "@case news-feed\nFeed request -> -> Ranking\n"


@pytest.fixture
def cohort(tmp_path: Path) -> Path:
    """A folder of attempts: the shipped example, the test attempts and a broken one."""
    folder = tmp_path / "cohort"
    folder.mkdir()
    for path in [EXAMPLE, *ATTEMPTS]:
        shutil.copy(path, folder / path.name)
    (folder / "broken.mlsd").write_text(BROKEN, encoding="utf-8")
    for other in ("notes.txt", "README.md", "broken.diff.dot"):  # not attempts
        (folder / other).write_text("not an attempt\n", encoding="utf-8")
    return folder


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["grade", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


def expected_names() -> list[str]:
    return sorted(["broken.mlsd", EXAMPLE.name, *(p.name for p in ATTEMPTS)])


def test_a_folder_gives_one_row_per_attempt_in_name_order(cohort: Path) -> None:
    status, out, _err = run(str(cohort), "--format", "json")
    document = json.loads(out)
    rows = document["attempts"]
    assert [Path(r["file"]).name for r in rows] == expected_names()
    assert set(rows[0]) == {"file", "case", "score", "rating", "node_recall", "edge_recall",
                            "missing_core", "error"}  # fmt: skip
    broken = next(r for r in rows if r["file"].endswith("broken.mlsd"))
    assert broken["score"] is None and broken["error"].startswith(f"{cohort / 'broken.mlsd'}:2:")
    assert "\n" not in broken["error"]
    weak = next(r for r in rows if r["file"].endswith("smart-compose-weak.mlsd"))
    assert weak["case"] == "smart-compose" and weak["rating"] == "Again"
    assert "Beam search" in weak["missing_core"]
    assert status == 2  # one file could not be graded


def test_the_summary_counts_and_sorts_from_the_most_forgotten(cohort: Path) -> None:
    document = json.loads(run(str(cohort), "--format", "json")[1])
    summary = document["summary"]
    graded = len(ATTEMPTS) + 1
    assert (summary["attempts"], summary["graded"], summary["failed"]) == (graded + 1, graded, 1)
    assert sum(band["count"] for band in summary["bands"]) == graded
    scores = [r["score"] for r in document["attempts"] if r["score"] is not None]
    assert summary["min"] == min(scores) and summary["max"] == max(scores)
    assert summary["mean"] == round(sum(scores) / len(scores), 1)
    cases = {c["case"]: c for c in summary["cases"]}
    assert (
        cases["smart-compose"]["attempts"] == 2 and cases["video-recommendation"]["attempts"] == 1
    )
    components = cases["smart-compose"]["components"]
    counted = [c["recalled"] for c in components if c["weight"] > 0]
    assert counted == sorted(counted)  # the most forgotten first
    assert all(c["weight"] == 0 for c in components[len(counted) :])  # bonus ones last
    assert any(c["note"] for c in components)


def test_csv_has_a_header_and_one_row_per_attempt(cohort: Path) -> None:
    status, out, err = run(str(cohort), "--format", "csv")
    table = list(csv.reader(io.StringIO(out)))
    assert tuple(table[0]) == CSV_COLUMNS
    assert [Path(r[0]).name for r in table[1:]] == expected_names()
    assert status == 2
    assert "broken.mlsd:2:" in err and "13 graded, 1 not: mean" in err


def test_text_is_an_aligned_table_then_the_summary(cohort: Path) -> None:
    _status, out, _err = run(str(cohort))
    lines = out.splitlines()
    head = lines[0]
    column = head.index("case")
    graded = [line for line in lines[1 : len(expected_names()) + 1] if "not graded" not in line]
    assert graded and all(line[column - 2 : column] == "  " for line in graded)
    assert any("not graded: " in line and "broken.mlsd:2:" in line for line in lines)
    assert "attempts: 13 graded, 1 not: mean" in out and "how many recalled each component" in out
    assert "  90-100" in out


def test_rows_keep_the_order_of_the_input(cohort: Path) -> None:
    first, second = cohort / "smart-compose-weak.mlsd", cohort / "eta-prediction-strong.mlsd"
    document = json.loads(run(str(first), str(cohort), str(second), "--format", "json")[1])
    files = [Path(r["file"]).name for r in document["attempts"]]
    assert files == [first.name, *expected_names(), second.name]


def test_parallel_grading_gives_the_same_rows_in_the_same_order(cohort: Path) -> None:
    files = attempt_files([str(cohort)]) * 3
    alone = grade_cohort(files, workers=1)
    pooled = grade_cohort(files, workers=2)
    assert pooled == alone


def test_exit_status_says_failure_then_min_score(cohort: Path) -> None:
    (cohort / "broken.mlsd").unlink()
    assert run(str(cohort))[0] == 0
    assert run(str(cohort), "--min-score", "50")[0] == 1  # the weak attempts are below
    assert run(str(cohort), "--min-score", "20")[0] == 0
    (cohort / "broken.mlsd").write_text(BROKEN, encoding="utf-8")
    assert run(str(cohort), "--min-score", "50")[0] == 2  # a file that failed comes first


def test_a_batch_records_nothing_unless_asked(cohort: Path, private_history: Path) -> None:
    run(str(cohort), "--format", "csv")
    assert list(private_history.iterdir()) == []
    run(str(cohort), "--format", "csv", "--save")
    assert len(attempt_history()) == len(ATTEMPTS) + 1


def test_a_batch_draws_no_picture_unless_asked(cohort: Path) -> None:
    run(str(cohort), "--format", "csv")
    assert list(cohort.glob("*.diff.svg")) == []
    first, second = cohort / "llm-agent-weak.mlsd", cohort / EXAMPLE.name
    status, _out, err = run(str(first), str(second), "--format", "csv", "--pictures")
    assert status == 0 and "2 diff pictures written" in err
    assert sorted(p.name for p in cohort.glob("*.diff.svg")) == [
        "llm-agent-weak.diff.svg", "video-recommendation-attempt.diff.svg"
    ]  # fmt: skip
    assert (cohort / "llm-agent-weak.diff.svg").read_text(encoding="utf-8").startswith("<")


def test_the_cohort_page_is_self_contained(cohort: Path, tmp_path: Path) -> None:
    page = tmp_path / "cohort.html"
    status, out, _err = run(str(cohort), "-o", str(page))
    assert status == 2 and f"cohort page: {page}" in out
    html = page.read_text(encoding="utf-8")
    assert "<table class='heat'>" in html and html.count("<td class='r'></td>") > 20
    assert "http://" not in html and "https://" not in html and "<link" not in html
    assert "Search ranking" in html or "search-ranking" in html
    assert "not graded: " in html


def test_every_name_on_the_page_is_escaped(tmp_path: Path) -> None:
    reference = tmp_path / "nasty.mlsd"
    reference.write_text(
        '@case nasty\n@title <b>Nasty</b> & co\n'
        '"<img src=x onerror=alert(1)>" [weight: 2; note: "a <script>alert(2)</script> note"]'
        " -> Plain box\n",
        encoding="utf-8",
    )  # fmt: skip
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "<i>'\"&.mlsd").write_text("Plain box\n", encoding="utf-8")
    (folder / "b.mlsd").write_text('"<img src=x onerror=alert(1)>" -> Plain box\n', "utf-8")
    page = tmp_path / "page.html"
    status, out, _err = run(str(folder), "--ref", str(reference), "-o", str(page))
    assert status == 0, out
    html = page.read_text(encoding="utf-8")
    for raw in ("<img", "<script>alert", "<b>Nasty", "<i>'"):
        assert raw not in html
    assert (
        "&lt;img src=x onerror=alert(1)&gt;" in html and "&lt;b&gt;Nasty&lt;/b&gt; &amp; co" in html
    )
    assert "&lt;i&gt;&#x27;&quot;&amp;" in html


def test_a_single_file_is_graded_as_before(tmp_path: Path) -> None:
    attempt = tmp_path / "attempt.mlsd"
    shutil.copy(EXAMPLE, attempt)
    status, out, _err = run(str(attempt), "--no-save", "--no-render")
    from mlsd_draw.app.diagrams import load_diagram

    outcome = grade_loaded(load_diagram(str(attempt)), str(attempt), None, picture=None, save=False)
    assert status == 0 and out == report_text(outcome.grade)
    status, out, _err = run(str(attempt), "--no-save", "--no-render", "--format", "json")
    assert json.loads(out) == grade_document(outcome)
    status, out, _err = run(str(attempt), "--no-render")
    assert "saved: rated" in out and len(attempt_history()) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--watch"], "--watch works on one attempt"),
        (["--explain", "Ranking"], "--explain works on one attempt"),
        (["--hints"], "--hints works on one attempt"),
        (["-o", "cohort.svg"], "-o writes the cohort page; name it .html"),
        (["--save", "--no-save"], "contradict"),
        (["--pictures", "--no-render"], "contradict"),
        (["--ref", "no-such-case"], "unknown case 'no-such-case'"),
    ],
)
def test_options_for_one_attempt_are_refused_for_a_cohort(
    cohort: Path, args: list[str], message: str
) -> None:
    status, _out, err = run(str(cohort), *args)
    assert status == 2 and message in err


def test_a_folder_without_attempts_says_so(tmp_path: Path) -> None:
    status, _out, err = run(str(tmp_path))
    assert status == 2 and "holds no attempt" in err


def test_standard_input_cannot_join_a_batch() -> None:
    status, _out, err = run("-", str(EXAMPLE))
    assert status == 2 and "standard input" in err


def test_summarise_is_pure_and_orders_components() -> None:
    parts = (
        Component("a", "A", 1.0, None),
        Component("b", "B", 3.0, "why B"),
        Component("c", "C", 0.0, "bonus: nice to have"),
        Component("d", "D", 1.0, None),
    )
    info = ReferenceInfo("ref", "case", "Title", parts)
    rows = [
        AttemptRow("x.mlsd", "case", 40.0, "Again", 0.5, 0.5, ("B",), reference="ref",
                   recalled=("a",)),
        AttemptRow("y.mlsd", "case", 95.0, "Easy", 1.0, 1.0, reference="ref",
                   recalled=("a", "b", "d")),
        AttemptRow("z.mlsd", error="z.mlsd: no such file"),
    ]  # fmt: skip
    cohort = summarise(rows, {"ref": info})
    assert cohort.failed == 1 and cohort.scores.count == 2
    assert (cohort.scores.mean, cohort.scores.median) == (67.5, 67.5)
    (case,) = cohort.cases
    assert case.attempts == (0, 1)
    assert [(r.component.id, r.recalled) for r in case.components] == [
        ("b", 1), ("d", 1), ("a", 2), ("c", 0)
    ]  # fmt: skip
    assert case.components[-1].component.shown_note == "nice to have"
    assert summarise(rows, {"ref": info}) == cohort


def test_the_distribution_puts_100_in_the_last_band() -> None:
    scores = distribution([0.0, 9.9, 10.0, 99.9, 100.0])
    assert [b.count for b in scores.bands] == [2, 1, 0, 0, 0, 0, 0, 0, 0, 2]
    assert distribution([]).mean is None


def test_forgotten_first_keeps_the_reference_order_among_equals() -> None:
    parts = [Component(x, x, 1.0, None) for x in "pqr"]
    ordered = forgotten_first(ComponentRecall(p, 1, 2) for p in parts)
    assert [r.component.id for r in ordered] == ["p", "q", "r"]
