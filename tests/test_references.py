"""The reference library: every shipped case is clean, canonical and weighted sensibly;
people add their own cases with MLSD_DRAW_REFS.

That each reference grades 100 against itself is in test_scoring.py.
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from importlib.resources import files
from pathlib import Path

import pytest
from click.testing import CliRunner

from mlsd_draw import parse
from mlsd_draw.cli import cli
from mlsd_draw.core.errors import UsageError
from mlsd_draw.grading.scoring import grade
from mlsd_draw.language.formatter import format_diagram
from mlsd_draw.language.model import Diagram
from mlsd_draw.library.lint import lint
from mlsd_draw.library.references import (
    SHIPPED,
    case_ids,
    list_cases,
    load_case,
    load_reference,
    shipped_case_ids,
)

CASES = shipped_case_ids()


def shipped_text(case: str) -> str:
    return files("mlsd_draw.reference_graphs").joinpath(f"{case}.mlsd").read_text(encoding="utf-8")


def test_the_library_holds_at_least_fifteen_cases() -> None:
    assert len(CASES) >= 15


@pytest.mark.parametrize("case", CASES)
def test_shipped_reference_parses_without_warnings_and_lints_clean(case: str) -> None:
    text = shipped_text(case)
    diagram = parse(text, path=f"{case}.mlsd")
    assert diagram.warnings == ()
    assert lint(diagram, text) == []
    assert diagram.directives.case == case


@pytest.mark.parametrize("case", CASES)
def test_shipped_reference_is_a_fixed_point_of_fmt(case: str) -> None:
    text = shipped_text(case)
    assert format_diagram(parse(text)) == text


@pytest.mark.parametrize("case", CASES)
def test_shipped_reference_has_the_shape_the_library_asks_for(case: str) -> None:
    diagram = load_case(case).diagram
    weighted = [n for n in diagram.nodes if n.weight > 1]
    assert 15 <= len(diagram.nodes) <= 30
    assert 3 <= len(weighted) <= 6
    assert diagram.groups, "components are grouped by stage"


def without(diagram: Diagram, node_id: str) -> Diagram:
    """The diagram with one component and its arrows left out: an attempt that forgot it."""
    return replace(
        diagram,
        nodes=tuple(n for n in diagram.nodes if n.id != node_id),
        edges=tuple(e for e in diagram.edges if node_id not in e.key),
        warnings=(),
    )


@pytest.mark.parametrize("case", CASES)
def test_forgetting_a_weighted_component_costs_more_than_a_weight_1_one(case: str) -> None:
    """A core component costs more than a plain one with as many arrows, and more than the
    average plain one: its weight, not only its arrows, makes the difference."""
    reference = load_case(case).diagram
    degree = {n.id: sum(n.id in e.key for e in reference.edges) for n in reference.nodes}
    loss = {n.id: 100 - grade(reference, without(reference, n.id)).score for n in reference.nodes}
    weighted = [n.id for n in reference.nodes if n.weight > 1]
    plain = [n.id for n in reference.nodes if n.weight == 1]
    average_plain = sum(loss[p] for p in plain) / len(plain)
    for core in weighted:
        assert loss[core] > average_plain, core
        for other in plain:
            if degree[other] <= degree[core]:
                assert loss[core] > loss[other], (core, other)


# -- MLSD_DRAW_REFS ---------------------------------------------------------------------------

MY_CASE = """\
@case hotel-search-ranking
@title Search ranking for an online shop
@prompt Rank products for a text query.
@level staff
@source my notes
Serving {
  Query -> Retrieval -> Ranker -> Results
}
"""

MY_VISUAL_SEARCH = """\
@case visual-search
@title My own visual search
Photo -> Encoder -> Neighbours
"""


@pytest.fixture
def my_refs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "my-refs"
    folder.mkdir()
    (folder / "hotel-search-ranking.mlsd").write_text(MY_CASE, encoding="utf-8")
    monkeypatch.setenv("MLSD_DRAW_REFS", str(folder))
    return folder


def test_a_folder_in_mlsd_draw_refs_adds_its_cases(my_refs: Path) -> None:
    assert "hotel-search-ranking" in case_ids()
    assert "hotel-search-ranking" not in shipped_case_ids()
    reference = load_case("hotel-search-ranking")
    assert reference.diagram.directives.title == "Search ranking for an online shop"
    assert reference.origin == str(my_refs / "hotel-search-ranking.mlsd")
    assert reference.case == "hotel-search-ranking"
    info = {c.id: c for c in list_cases()}
    assert info["hotel-search-ranking"].origin == str(my_refs)
    assert info["hotel-search-ranking"].components == 4
    assert info["hotel-search-ranking"].level == "staff"
    assert info["visual-search"].origin == SHIPPED


def test_list_shows_a_case_from_mlsd_draw_refs(my_refs: Path) -> None:
    result = CliRunner().invoke(cli, ["list"])
    assert result.exit_code == 0, result.output
    header, *rows = result.stdout.splitlines()
    assert header.split() == ["id", "title", "components", "level", "from"]
    row = next(r for r in rows if r.startswith("hotel-search-ranking "))
    assert row.split("  ")[0] == "hotel-search-ranking"
    assert "Search ranking for an online shop" in row
    assert row.endswith(str(my_refs))
    assert " 4  staff  " in row
    assert len(rows) == len(CASES) + 1
    as_json = json.loads(CliRunner().invoke(cli, ["list", "--format", "json"]).stdout)
    assert {
        "id": "hotel-search-ranking",
        "title": "Search ranking for an online shop",
        "components": 4,
        "level": "staff",
        "origin": str(my_refs),
    } in as_json


@pytest.mark.usefixtures("my_refs")
def test_grade_ref_takes_a_case_from_mlsd_draw_refs() -> None:
    attempt = "Query -> Retrieval -> Ranker -> Results\n"
    result = CliRunner().invoke(
        cli, ["grade", "-", "--ref", "hotel-search-ranking", "--format", "json"], input=attempt
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["case"] == "hotel-search-ranking"
    assert report["score"] == 100
    # ... and so does an attempt's own @case.
    result = CliRunner().invoke(
        cli, ["grade", "-", "--format", "json"], input="@case hotel-search-ranking\n" + attempt
    )
    assert json.loads(result.stdout)["score"] == 100


def test_a_case_in_mlsd_draw_refs_wins_over_the_shipped_one(my_refs: Path) -> None:
    (my_refs / "visual-search.mlsd").write_text(MY_VISUAL_SEARCH, encoding="utf-8")
    assert load_case("visual-search").diagram.directives.title == "My own visual search"
    info = {c.id: c for c in list_cases()}
    assert info["visual-search"].origin == str(my_refs)
    assert info["visual-search"].components == 3
    assert case_ids().count("visual-search") == 1


def test_the_first_folder_of_mlsd_draw_refs_wins(
    my_refs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    second = tmp_path / "second"
    second.mkdir()
    (second / "hotel-search-ranking.mlsd").write_text(MY_VISUAL_SEARCH, encoding="utf-8")
    (second / "only-here.mlsd").write_text(MY_CASE, encoding="utf-8")
    path_list = os.pathsep.join([str(my_refs), "", str(second)])  # an empty entry is skipped
    monkeypatch.setenv("MLSD_DRAW_REFS", path_list)
    assert (
        load_case("hotel-search-ranking").diagram.directives.title
        == "Search ranking for an online shop"
    )
    assert "only-here" in case_ids()


def test_error_mlsd_draw_refs_naming_no_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "nowhere"
    monkeypatch.setenv("MLSD_DRAW_REFS", str(missing))
    with pytest.raises(
        UsageError, match=r"MLSD_DRAW_REFS lists '.*nowhere', which is not a folder"
    ):
        load_case("visual-search")
    result = CliRunner().invoke(cli, ["list"])
    assert result.exit_code == 2
    assert "MLSD_DRAW_REFS" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.usefixtures("my_refs")
def test_error_unknown_case_names_the_closest_ids_including_the_users() -> None:
    with pytest.raises(
        UsageError, match=r"unknown case .search-rankin.: did you mean .*hotel-search-ranking"
    ):
        load_case("search-rankin")


def test_a_path_is_never_taken_for_a_case_id(my_refs: Path) -> None:
    assert load_reference(str(my_refs / "hotel-search-ranking.mlsd")).origin.endswith(
        "hotel-search-ranking.mlsd"
    )
    with pytest.raises(UsageError, match="no such file"):
        load_reference("hotel-search-ranking.mlsd")  # a file name, even if a case has that id
