"""The practice loop through the command line, over simulated days."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from mlsd_draw.cli import cli
from mlsd_draw.library.references import load_case

# Three cases: one recalled well, one badly, one never graded.
GOOD_CASE, BAD_CASE, OTHER = "visual-search", "news-feed", "framework"


def run(args: list[str], now: str) -> Result:
    result = CliRunner().invoke(cli, args, env={"MLSD_DRAW_NOW": now})
    assert result.exit_code == 0, result.output
    return result


def full_answer(case: str) -> str:
    reference = load_case(case).diagram
    lines = [
        f'"{reference.node(e.source).label}" -> "{reference.node(e.target).label}"'
        for e in reference.edges
    ]
    return "\n".join(lines) + "\n"


def test_three_cases_over_several_days(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    day1, day2, day5 = "2026-03-02T09:00:00", "2026-03-03T10:00:00", "2026-03-06T10:00:00"

    run(["drill", GOOD_CASE], day1)
    Path(f"{GOOD_CASE}.mlsd").write_text(
        Path(f"{GOOD_CASE}.mlsd").read_text(encoding="utf-8") + full_answer(GOOD_CASE),
        encoding="utf-8",
    )
    graded = run(["grade", f"{GOOD_CASE}.mlsd", "--no-render"], "2026-03-02T09:12:00")
    assert "saved: rated Easy in 12 min" in graded.stdout

    run(["drill", BAD_CASE], day1)
    Path(f"{BAD_CASE}.mlsd").write_text(f"@case {BAD_CASE}\nUser -> Feed\n", encoding="utf-8")
    graded = run(["grade", f"{BAD_CASE}.mlsd", "--no-render"], "2026-03-02T09:20:00")
    assert "rated Again" in graded.stdout

    # Day 2: the failed case is due again, the good one is not, the third is new.
    due = json.loads(run(["next", "--format", "json"], day2).stdout)
    assert [d["case"] for d in due["due"]] == [BAD_CASE]
    assert OTHER in [d["case"] for d in due["new"]]
    assert [d["case"] for d in due["later"]] == [GOOD_CASE]
    drilled = run(["drill", "-o", "retry.mlsd"], day2)  # without a case: the most due one
    assert Path("retry.mlsd").read_text(encoding="utf-8").startswith(f"@case {BAD_CASE}\n")
    assert "retry.mlsd" in drilled.stdout

    # A hint before the retry caps its rating at Hard, however good the answer.
    run(["hint", BAD_CASE, "--level", "3"], "2026-03-03T10:01:00")
    Path("retry.mlsd").write_text(f"@case {BAD_CASE}\n" + full_answer(BAD_CASE), encoding="utf-8")
    graded = run(["grade", "retry.mlsd", "--no-render"], "2026-03-03T10:20:00")
    assert "rated Hard" in graded.stdout

    history = json.loads(run(["history", "--format", "json"], day5).stdout)
    assert [(h["case"], h["rating"], h["hint_level"]) for h in history] == [
        (GOOD_CASE, "Easy", 0),
        (BAD_CASE, "Again", 0),
        (BAD_CASE, "Hard", 3),
    ]
    assert [h["duration_seconds"] for h in history] == [720, 1200, 1200]

    stats = json.loads(run(["stats", "--format", "json"], day5).stdout)
    by_case = {c["case"]: c for c in stats["cases"]}
    assert by_case[BAD_CASE]["attempts"] == 2 and by_case[BAD_CASE]["last"] == 100
    assert by_case[GOOD_CASE]["best"] == 100
    missed = stats["most_missed"]
    assert missed and all(m["case"] == BAD_CASE and m["missed"] == 1 for m in missed)
    assert missed[0]["note"]  # core components first, each with the reference's note


def test_drill_never_overwrites_without_force(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path(f"{GOOD_CASE}.mlsd").write_text("my precious answer\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["drill", GOOD_CASE])
    assert result.exit_code == 2
    assert "already exists" in result.stderr
    assert Path(f"{GOOD_CASE}.mlsd").read_text(encoding="utf-8") == "my precious answer\n"
    assert CliRunner().invoke(cli, ["drill", GOOD_CASE, "--force"]).exit_code == 0


def test_error_unknown_case_for_drill_and_hint() -> None:
    for args in (["drill", "visual-serch"], ["hint", "visual-serch"]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 2
        assert "visual-search" in result.stderr


def test_two_grades_at_once_both_record(tmp_path: Path, private_history: Path) -> None:
    attempt = tmp_path / "a.mlsd"
    attempt.write_text(f"@case {GOOD_CASE}\n" + full_answer(GOOD_CASE), encoding="utf-8")
    env = {**os.environ, "MLSD_DRAW_HOME": str(private_history)}
    command = [sys.executable, "-m", "mlsd_draw", "grade", str(attempt), "--no-render"]
    # Three rounds, the first creating the file: a lost review once hid in 1 run in 8.
    for round_ in range(1, 4):
        processes = [
            subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL) for _ in range(4)
        ]
        assert [p.wait(timeout=120) for p in processes] == [0, 0, 0, 0]
        history = json.loads(CliRunner().invoke(cli, ["history", "--format", "json"]).stdout)
        assert len(history) == 4 * round_


def test_error_damaged_history_is_reported_and_kept(tmp_path: Path, private_history: Path) -> None:
    database = private_history / "history.sqlite3"
    database.write_bytes(b"garbage" * 50)
    attempt = tmp_path / "a.mlsd"
    attempt.write_text(f"@case {GOOD_CASE}\nA -> B\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["grade", str(attempt), "--no-render"])
    assert result.exit_code == 2
    assert str(database) in result.stderr and "--no-save" in result.stderr
    assert database.read_bytes() == b"garbage" * 50
    saved = CliRunner().invoke(cli, ["grade", str(attempt), "--no-render", "--no-save"])
    assert saved.exit_code == 0
