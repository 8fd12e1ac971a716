"""The application layer on its own: the practice loop with no command line involved."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from mlsd_draw.app.diagrams import load_diagram
from mlsd_draw.app.documents import agenda_document, grade_document, progress_document
from mlsd_draw.app.grading import grade_loaded, picture_path
from mlsd_draw.app.practice import agenda, attempt_history, progress, start_drill, take_hint
from mlsd_draw.core.errors import UsageError
from mlsd_draw.library.references import load_case

CASE = "visual-search"
DAY1 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def answer(case: str, keep: float = 1.0) -> str:
    """The reference's arrows as an attempt, keeping the first `keep` share of them."""
    reference = load_case(case).diagram
    edges = reference.edges[: max(1, round(len(reference.edges) * keep))]
    return "".join(
        f'"{reference.node(e.source).label}" -> "{reference.node(e.target).label}"\n' for e in edges
    )


def test_practice_loop_through_the_application_layer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    attempt_file = tmp_path / "attempt.mlsd"
    started = start_drill(CASE, attempt_file, now=DAY1)
    assert (started.case_id, started.attempt_file) == (CASE, attempt_file)
    assert started.minutes >= 10 and started.title
    assert attempt_file.read_text(encoding="utf-8").startswith(f"@case {CASE}\n")
    with pytest.raises(UsageError, match="already exists"):
        start_drill(CASE, attempt_file, now=DAY1)

    assert "Stages:" in take_hint(CASE, 1, now=DAY1 + timedelta(minutes=1))

    attempt_file.write_text(
        attempt_file.read_text(encoding="utf-8") + answer(CASE, keep=0.4), encoding="utf-8"
    )
    monkeypatch.setenv("MLSD_DRAW_NOW", (DAY1 + timedelta(minutes=15)).isoformat())
    loaded = load_diagram(str(attempt_file))
    picture = picture_path(str(attempt_file), None, render=True)
    assert picture == tmp_path / "attempt.diff.svg"
    outcome = grade_loaded(loaded, str(attempt_file), None, picture=picture, save=True)
    assert outcome.reference.case == CASE
    assert 0 < outcome.grade.score < 100
    assert outcome.picture == picture and picture.read_text(encoding="utf-8").count("<svg") == 1
    review = outcome.review
    assert review is not None
    assert review.hint_level == 1 and review.duration_seconds == 15 * 60
    document = grade_document(outcome)
    assert document["review"]["hint_level"] == 1 and document["score"] == outcome.grade.score

    [recorded] = attempt_history(CASE)
    assert recorded.score == outcome.grade.score and recorded.hint_level == 1

    plan = agenda(now=DAY1 + timedelta(days=30))
    assert CASE in [s.case_id for s in plan.due]
    assert CASE not in [s.case_id for s in plan.new]
    assert agenda_document(plan)["due"][0]["case"] == CASE

    report = progress(top=3, now=DAY1 + timedelta(days=1))
    assert [r.case_id for r in report.cases] == [CASE]
    counted = outcome.grade.missing  # bonus components are never missing
    assert counted, "the 40% answer misses something that counts"
    assert len(report.most_missed) == min(3, len(counted))
    assert all(m.case_id == CASE and m.missed == 1 for m in report.most_missed)
    assert progress_document(report)["most_missed"][0]["note"] == report.most_missed[0].note

    # Without a case, the drill picks the most due one.
    again = start_drill(None, tmp_path / "again.mlsd", now=DAY1 + timedelta(days=30))
    assert again.case_id == CASE


def test_picture_path_rejects_an_unknown_extension() -> None:
    with pytest.raises(UsageError, match=r"cannot write out\.txt"):
        picture_path("attempt.mlsd", "out.txt", render=True)
    assert picture_path("attempt.mlsd", "out.txt", render=False) is None
    assert picture_path("-", None, render=True) is None


def test_the_application_layer_needs_no_click(tmp_path: Path) -> None:
    """A second front end (the web studio) must get everything without the CLI's library."""
    code = f"""
import sys
from pathlib import Path
from mlsd_draw.app import diagrams, documents, grading, practice
started = practice.start_drill("news-feed", Path({str(tmp_path / "a.mlsd")!r}))
with started.attempt_file.open("a", encoding="utf-8") as attempt:
    attempt.write("User -> News feed" + chr(10))
loaded = diagrams.load_diagram(str(started.attempt_file))
outcome = grading.grade_loaded(loaded, str(started.attempt_file), None, picture=None, save=True)
documents.json_text(documents.grade_document(outcome))
documents.json_text(documents.progress_document(practice.progress()))
print("click" in sys.modules)
"""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_a_new_learner_starts_on_the_core_cases() -> None:
    from mlsd_draw.app.practice import agenda
    from mlsd_draw.library.references import list_cases

    levels = {info.id: info.level for info in list_cases()}
    new = [state.case_id for state in agenda(now=DAY1).new]
    assert sorted(new) == sorted(levels), "every case is new"
    core = [case for case in new if levels[case] == "core"]
    assert core and new[: len(core)] == core, "the book's cases come first"
