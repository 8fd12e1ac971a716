"""Edge classes and the score, on tiny graphs; properties over the shipped references."""

from __future__ import annotations

import random
from importlib.resources import files

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlsd_draw import parse
from mlsd_draw.grading.scoring import grade
from mlsd_draw.language.formatter import format_diagram
from mlsd_draw.language.model import Diagram
from mlsd_draw.library.references import load_case, shipped_case_ids

# (name, reference, attempt, {class: edges as "a>b"}) - edges the case is about.
EDGE_CLASS_CASES = [
    ("matched", "Ranking -> Results", "Ranking -> Results", {"matched": {"ranking>results"}}),
    ("reversed", "Ranking -> Results", "Results -> Ranking", {"reversed": {"ranking>results"}}),
    (
        "indirect through an extra step",
        "Ranking -> Results",
        "Ranking -> Kafka -> Results",
        {"indirect": {"ranking>results"}, "extra": set()},
    ),
    (
        "missing between found components",
        "Ranking -> Results\nRanking -> Logs",
        "Ranking -> Results\nLogs -> Dashboard",
        {"missing": {"ranking>logs"}},
    ),
    (
        "missing at a missing component",
        "Ranking -> Results -> Logs",
        "Ranking -> Results",
        {"missing": {"results>logs"}},
    ),
    (
        "extra between found components",
        "Ranking -> Results -> Logs",
        "Ranking -> Results -> Logs\nRanking -> Logs",
        {"extra": {"ranking>logs"}, "shortcut": set()},
    ),
    (
        "shortcut over a missing component",
        "Ranking -> Re-ranking -> Results",
        "Ranking -> Results",
        {"shortcut": {"ranking>results"}, "extra": set()},
    ),
    (
        "association matches either direction",
        "Ranking -- Results",
        "Results -> Ranking",
        {"matched": {"ranking>results"}, "reversed": set()},
    ),
    (
        "undirected attempt edge matches a directed one",
        "Ranking -> Results",
        "Ranking -- Results",
        {"matched": {"ranking>results"}},
    ),
]


def edges_of(keys: tuple[tuple[str, str], ...]) -> set[str]:
    return {f"{a}>{b}" for a, b in keys}


@pytest.mark.parametrize(
    ("reference", "attempt", "expected"),
    [c[1:] for c in EDGE_CLASS_CASES],
    ids=[c[0] for c in EDGE_CLASS_CASES],
)
def test_edge_classes(reference: str, attempt: str, expected: dict[str, set[str]]) -> None:
    result = grade(parse(reference), parse(attempt))
    for name, edges in expected.items():
        assert edges_of(result.edges[name]) == edges, name


def test_indirect_counts_as_matched_for_recall() -> None:
    result = grade(parse("Ranking -> Results"), parse("Ranking -> Kafka -> Results"))
    assert result.edge_recall == 1.0
    assert result.extra == ("kafka",)


def test_reversed_earns_half_an_edge() -> None:
    right = grade(parse("A -> B -> C"), parse("A -> B -> C")).score
    reversed_one = grade(parse("A -> B -> C"), parse("A -> B\nC -> B")).score
    missing_one = grade(parse("A -> B -> C"), parse("A -> B\nC")).score
    assert missing_one < reversed_one < right


def test_a_shortcut_costs_nothing_beyond_the_missing_component() -> None:
    reference = parse("A -> B -> C")
    with_shortcut = grade(reference, parse("A -> C"))
    without = grade(reference, parse("A\nC"))
    assert with_shortcut.score == without.score
    assert with_shortcut.edges["extra"] == ()


def test_extra_components_and_edges_cost_a_little_and_are_capped() -> None:
    reference = parse("A -> B")
    assert grade(reference, parse("A -> B")).score == 100
    assert grade(reference, parse("A -> B\nB -> X")).score == 98  # one extra node, one edge
    many = "\n".join(f"B -> Extra thing {i}" for i in range(30))
    assert grade(reference, parse("A -> B\n" + many)).score == 90


def test_the_score_reads_recall_like_an_interviewer() -> None:
    reference = parse("A -> B -> C -> D -> E")
    half = grade(reference, parse("A -> B -> C"))  # 3/5 components, 2/4 arrows
    recall = 0.6 * 3 / 5 + 0.4 * 2 / 4
    assert half.score == round(100 * recall**0.8, 1)
    assert half.score > 100 * recall  # a middling grade, not a failing one


def test_extras_cost_less_in_a_weak_attempt_and_anything_right_scores_above_zero() -> None:
    reference = parse("\n".join(f"Step {i} -> Step {i + 1}" for i in range(12)))
    others = "Apple Banana Cherry Damson Elder Fig Grape Hazel Iris Juniper Kiwi Lime"
    extras = "\n".join(f"Step 0 -> {name} tree" for name in others.split())
    weak = grade(reference, parse(extras))
    assert 0 < weak.node_recall < 0.2 and len(weak.extra) == 12
    assert weak.score > 0
    recall = 0.6 * weak.node_recall
    assert weak.score == round(100 * recall**0.8 - 10 * recall, 1)


def test_weight_zero_components_are_never_missing() -> None:
    reference = parse("A -> B -> C\nC [weight: 0]")
    result = grade(reference, parse("A -> B"))
    assert result.missing == ()
    assert result.edges["missing"] == ()
    assert result.score == 100


def test_weight_zero_component_found_is_not_a_penalty() -> None:
    reference = parse("A -> B -> C\nC [weight: 0]")
    assert grade(reference, parse("A -> B -> C")).score == 100


def test_a_weighted_component_costs_more_than_a_plain_one() -> None:
    reference = parse("A -> B -> C -> D\nB [weight: 3]")
    without_b = grade(reference, parse("A -> C -> D")).score
    without_c = grade(reference, parse("A -> B -> D")).score
    assert without_b < without_c


def test_group_recall() -> None:
    reference = parse("Serving { A -> B }\nTraining { C -> D }\nB -> C")
    result = grade(reference, parse("A -> B -> C"))
    assert [(g.name, g.found, g.total, g.recall) for g in result.groups] == [
        ("Serving", 2, 2, 1.0),
        ("Training", 1, 2, 0.5),
    ]


def test_metrics() -> None:
    result = grade(parse("A -> B -> C"), parse("A -> B -> X"))
    assert (result.node_recall, result.node_precision) == (0.667, 0.667)
    assert (result.edge_recall, result.edge_precision) == (0.5, 0.5)


def reference_texts() -> list[tuple[str, str]]:
    folder = files("mlsd_draw.reference_graphs")
    return [
        (case, folder.joinpath(f"{case}.mlsd").read_text(encoding="utf-8"))
        for case in shipped_case_ids()
    ]


@pytest.mark.parametrize("case", shipped_case_ids())
def test_every_shipped_reference_grades_100_against_itself(case: str) -> None:
    reference = load_case(case).diagram
    result = grade(reference, reference)
    assert result.score == 100
    assert result.missing == result.extra == ()
    assert all(p.how == "exact" for p in result.alignment.pairs)


def attempt_from(reference: Diagram, rng: random.Random, rename_to_alias: set[str]) -> str:
    """An attempt written from a reference: some components dropped, some spelt by an alias."""
    lines = []
    kept = {n.id for n in reference.nodes if rng.random() > 0.25}
    names = {}
    for node in reference.nodes:
        if node.id in rename_to_alias and node.aliases:
            names[node.id] = node.aliases[0]
        else:
            names[node.id] = node.label
    for edge in reference.edges:
        if edge.source in kept and edge.target in kept:
            lines.append(f'"{names[edge.source]}" -> "{names[edge.target]}"')
    return "\n".join(lines) or f'"{names[reference.nodes[0].id]}"'


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(shipped_case_ids()), st.integers(0, 10_000), st.data())
def test_renaming_attempt_nodes_to_reference_aliases_never_lowers_the_score(
    case: str, seed: int, data: st.DataObject
) -> None:
    reference = load_case(case).diagram
    with_alias = {n.id for n in reference.nodes if n.aliases}
    chosen = data.draw(st.sets(st.sampled_from(sorted(with_alias)), max_size=5))
    plain_attempt = parse(attempt_from(reference, random.Random(seed), set()))
    renamed_text = attempt_from(reference, random.Random(seed), chosen)
    renamed = parse(renamed_text)
    if len(renamed.nodes) != len(plain_attempt.nodes):
        return  # an alias that collides with another name merged two boxes: not a rename
    assert grade(reference, renamed).score >= grade(reference, plain_attempt).score


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(shipped_case_ids()), st.integers(0, 10_000))
def test_reordering_the_statements_of_an_attempt_never_changes_its_grade(
    case: str, seed: int
) -> None:
    reference = load_case(case).diagram
    rng = random.Random(seed)
    lines = attempt_from(reference, rng, {n.id for n in reference.nodes if rng.random() < 0.3})
    shuffled = lines.split("\n")
    rng.shuffle(shuffled)
    first = grade(reference, parse(lines))
    second = grade(reference, parse("\n".join(shuffled)))
    assert first.score == second.score
    assert set(first.alignment.pairs) == set(second.alignment.pairs)
    assert {k: set(v) for k, v in first.edges.items()} == {
        k: set(v) for k, v in second.edges.items()
    }


def test_format_does_not_change_a_grade() -> None:
    reference = load_case("visual-search").diagram
    attempt = parse("Query photo -> Image encoder -> ANN search -> Reranker -> Results")
    formatted = parse(format_diagram(attempt))
    assert grade(reference, formatted).score == grade(reference, attempt).score


@pytest.mark.parametrize(
    ("reference", "attempt", "expected"),
    [
        ("A -> B -> C", "A -> B\nC -> B", {("a", "b"): "matched", ("c", "b"): "reversed"}),
        ("A -> B", "A -> Q -> B", {("a", "q"): "indirect", ("q", "b"): "indirect"}),
        ("A -> B -> C", "A -> C", {("a", "c"): "shortcut"}),
        ("A -> B", "A -> B\nB -> X", {("a", "b"): "matched", ("b", "x"): "extra"}),
        ("A -> B\nB -> A", "A -> B", {("a", "b"): "matched"}),
    ],
)
def test_every_attempt_edge_has_a_class(
    reference: str, attempt: str, expected: dict[tuple[str, str], str]
) -> None:
    assert dict(grade(parse(reference), parse(attempt)).attempt_edges) == expected


attempt_words = st.sampled_from(
    ["Zebra", "Kafka", "Model", "Ranking", "Feature store", "ANN", "logs", "x", "Training data"]
)


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(shipped_case_ids()),
    st.lists(st.tuples(attempt_words, attempt_words), max_size=6),
    st.lists(attempt_words, min_size=1, max_size=3),
)
def test_grading_any_attempt_never_fails(
    case: str, edges: list[tuple[str, str]], lone: list[str]
) -> None:
    reference = load_case(case).diagram
    text = "\n".join([*(f"{a} -> {b}" for a, b in edges), *lone])
    result = grade(reference, parse(text))
    assert 0 <= result.score <= 100
    assert len(result.alignment.pairs) <= len(parse(text).nodes)


@pytest.mark.parametrize("text", ["Zebra", "Zebra -> Giraffe", "A -> B\nC"])
def test_an_attempt_that_pairs_nothing_scores_low_without_error(text: str) -> None:
    result = grade(load_case("framework").diagram, parse(text))
    assert result.score < 10
