"""The shared vocabulary: the shipped file, user files, terms and shorthand in grading."""

from __future__ import annotations

import json
import os
from importlib.resources import files
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from mlsd_draw.cli import cli
from mlsd_draw.core.errors import UsageError
from mlsd_draw.grading.matching import align
from mlsd_draw.grading.scoring import grade
from mlsd_draw.grading.shorthand import abbreviates
from mlsd_draw.grading.vocabulary import (
    Vocabulary,
    check_vocabulary_text,
    load_vocabulary,
    shipped_vocabulary,
)
from mlsd_draw.language.model import Diagram, Edge, Node, slugify
from mlsd_draw.library.references import load_case

NO_TERMS = Vocabulary.from_roles(())


def with_box(case: str, slot: str, name: str) -> tuple[Diagram, Diagram]:
    """The reference of `case`, and an attempt that is the reference with the component
    `slot` renamed `name` (and every component's aliases, notes and kinds dropped)."""
    reference = load_case(case).diagram
    target = slugify(slot)
    assert any(n.id == target for n in reference.nodes), f"{case} has no {slot}"
    rename = {n.id: (slugify(name) if n.id == target else n.id) for n in reference.nodes}
    nodes = tuple(
        Node(id=rename[n.id], label=name if n.id == target else n.label, group=n.group)
        for n in reference.nodes
    )
    edges = tuple(Edge(rename[e.source], rename[e.target], e.kind) for e in reference.edges)
    attempt = Diagram(nodes=nodes, edges=edges, groups=reference.groups)
    return reference, attempt


MUST_PAIR = [
    ("ad-click-prediction", "Ranking model", "XGBoost"),
    ("ad-click-prediction", "Ranking model", "LightGBM"),
    ("ad-click-prediction", "Ranking model", "Wide & Deep"),
    ("ad-click-prediction", "Ranking model", "Ranker (XGBoost)"),
    ("ad-click-prediction", "Model monitoring", "Grafana"),
    ("ad-click-prediction", "Model monitoring", "Prometheus"),
    ("ad-click-prediction", "Model monitoring", "Datadog"),
    ("ad-click-prediction", "Model monitoring", "Evidently"),
    ("ad-click-prediction", "Data lake", "BigQuery"),
    ("ad-click-prediction", "Data lake", "Snowflake"),
    ("ad-click-prediction", "Data lake", "Hive"),
    ("ad-click-prediction", "Data lake", "GCS bucket"),
    ("ad-click-prediction", "Feature store", "Cassandra"),
    ("ad-click-prediction", "Feature store", "DynamoDB"),
    ("ad-click-prediction", "Feature store", "Aerospike"),
    ("ad-click-prediction", "Event stream", "Pulsar"),
    ("ad-click-prediction", "Event stream", "RabbitMQ"),
    ("ad-click-prediction", "Batch feature computation", "Airflow"),
    ("ad-click-prediction", "Batch feature computation", "dbt"),
    ("ad-click-prediction", "Batch feature computation", "Beam"),
    ("ad-click-prediction", "Model registry", "W&B"),
    ("ad-click-prediction", "Model registry", "Vertex AI"),
    ("chat-assistant", "Response generator", "GPT-4 API"),
    ("chat-assistant", "Response generator", "vLLM"),
    ("harmful-content", "Multi-task harm classifier", "ML model"),
    ("rag-assistant", "Vector index", "Pinecone"),
    ("rag-assistant", "Re-ranker", "Cohere Rerank"),
    ("video-recommendation", "ANN search", "FAISS"),
    # shorthand, read against the reference's own words
    ("ad-click-prediction", "Re-ranking", "re-rnk"),
    ("ad-click-prediction", "Re-ranking", "rrk"),
    ("ad-click-prediction", "Continual training", "trng"),
    ("ad-click-prediction", "Candidate generation", "candgen"),
    ("ad-click-prediction", "Model registry", "modle reg"),
    ("rag-assistant", "Retriever", "retrvl"),
]


@pytest.mark.parametrize(("case", "slot", "name"), MUST_PAIR)
def test_a_term_pairs_with_the_component_whose_role_it_plays(
    case: str, slot: str, name: str
) -> None:
    reference, attempt = with_box(case, slot, name)
    pairs = align(reference, attempt).by_attempt()
    assert slugify(name) in pairs, f"{name!r} stayed unpaired"
    assert pairs[slugify(name)].reference == slugify(slot)


MUST_NOT_PAIR = [
    ("ad-click-prediction", "Ranking model", "Kafka"),
    ("ad-click-prediction", "Feature store", "Grafana"),
    ("ad-click-prediction", "Event stream", "XGBoost"),
    ("ad-click-prediction", "Model registry", "Snowflake"),
    ("chat-assistant", "Response generator", "Prometheus"),
    ("video-recommendation", "ANN search", "Airflow"),
]


@pytest.mark.parametrize(("case", "slot", "name"), MUST_NOT_PAIR)
def test_a_term_does_not_pair_where_it_plays_no_role(case: str, slot: str, name: str) -> None:
    reference, attempt = with_box(case, slot, name)
    pair = align(reference, attempt).by_attempt().get(slugify(name))
    assert pair is None or pair.how == "structure", pair


def test_the_shipped_vocabulary_is_valid_and_large() -> None:
    text = files("mlsd_draw.grading").joinpath("vocabulary.toml").read_text(encoding="utf-8")
    roles, problems = check_vocabulary_text(text, "vocabulary.toml")
    assert problems == []
    terms = {t for role in roles for t in (*role.terms, *role.vague)}
    assert len(terms) >= 500
    assert all(role.about and role.means for role in roles)


def test_every_shipped_reference_component_plays_some_role() -> None:
    from mlsd_draw.grading.spellings import forms
    from mlsd_draw.grading.terms import reference_roles
    from mlsd_draw.library.references import shipped_case_ids

    vocabulary = shipped_vocabulary()
    for case in shipped_case_ids():
        reference = load_case(case).diagram
        playing = reference_roles(reference, forms(reference.nodes, attempt=False), vocabulary)
        covered = {i for players in playing.values() for i in players}
        lost = [n.label for i, n in enumerate(reference.nodes) if i not in covered]
        assert lost == [], f"{case}: no role for {lost}"


def test_a_user_file_adds_terms_and_roles(tmp_path: Path) -> None:
    mine = tmp_path / "mine.toml"
    mine.write_text(
        '[roles.event-stream]\nterms = ["Blorpbus"]\n\n'
        '[roles.pricing]\nabout = "Sets a price."\nmeans = ["pricing engine"]\n'
        'terms = ["Pricezilla"]\n',
        encoding="utf-8",
    )
    vocabulary = load_vocabulary([mine])
    assert "event-stream" in vocabulary.term(("blorpbus",)).roles  # type: ignore[union-attr]
    assert vocabulary.roles["pricing"].about == "Sets a price."
    assert shipped_vocabulary().term(("blorpbus",)) is None  # the shipped one is untouched
    reference, attempt = with_box("ad-click-prediction", "Event stream", "Blorpbus")
    assert align(reference, attempt, vocabulary).by_attempt()["blorpbus"].reference == (
        "event-stream"
    )


def test_a_broken_user_file_is_an_error_naming_it(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("[roles.x\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"broken\.toml"):
        load_vocabulary([broken])


def test_the_environment_and_the_data_folder_add_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, private_history: Path
) -> None:
    (private_history / "vocabulary.toml").write_text(
        '[roles.event-stream]\nterms = ["Homebus"]\n', encoding="utf-8"
    )
    extra = tmp_path / "extra.toml"
    extra.write_text('[roles.event-stream]\nterms = ["Envbus"]\n', encoding="utf-8")
    monkeypatch.setenv("MLSD_DRAW_VOCABULARY", str(extra))
    result = CliRunner().invoke(cli, ["term", "Envbus", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert '"event-stream"' in result.stdout
    home = CliRunner().invoke(cli, ["term", "Homebus", "--format", "json"])
    assert '"known": true' in home.stdout
    monkeypatch.setenv("MLSD_DRAW_VOCABULARY", str(tmp_path / "missing.toml"))
    missing = CliRunner().invoke(cli, ["term", "Kafka"])
    assert missing.exit_code == 2 and "MLSD_DRAW_VOCABULARY" in missing.stderr


def test_term_shows_the_roles_and_the_components_that_play_them() -> None:
    result = CliRunner().invoke(cli, ["term", "Kafka", "--ref", "ad-click-prediction"])
    assert result.exit_code == 0
    assert "event-stream" in result.stdout and "Event stream" in result.stdout
    vague = CliRunner().invoke(cli, ["term", "app"])
    assert "vague" in vague.stdout
    unknown = CliRunner().invoke(cli, ["term", "Zzyzx"])
    assert "not in the vocabulary" in unknown.stdout


def test_lint_checks_a_vocabulary_file(tmp_path: Path) -> None:
    bad = tmp_path / "mine.toml"
    bad.write_text('[roles.x]\nkind = "blob"\nmeans = "not a list"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["lint", str(bad)])
    assert result.exit_code == 1
    assert "unknown kind 'blob'" in result.stderr and "means must be a list" in result.stderr
    good = tmp_path / "good.toml"
    good.write_text('[roles.x]\nabout = "X."\nmeans = ["x thing"]\nterms = ["Xq"]\n')
    assert CliRunner().invoke(cli, ["lint", str(good)]).exit_code == 0


def test_grade_explain_says_why(tmp_path: Path) -> None:
    attempt = tmp_path / "a.mlsd"
    attempt.write_text(
        "@case ad-click-prediction\nAd request -> Candidate generation -> XGBoost -> Timeline ads\n"
        "Kafka -> Blorp\n",
        encoding="utf-8",
    )
    paired = CliRunner().invoke(cli, ["grade", str(attempt), "--explain", "xgboost"])
    assert paired.exit_code == 0, paired.output
    assert "paired with 'Ranking model' (term" in paired.stdout
    assert "'XGBoost' plays ranking-model" in paired.stdout
    unpaired = CliRunner().invoke(cli, ["grade", str(attempt), "--explain", "Blorp"])
    assert "unpaired" in unpaired.stdout
    wrong = CliRunner().invoke(cli, ["grade", str(attempt), "--explain", "Xgbost"])
    assert wrong.exit_code == 2 and "did you mean 'XGBoost'" in wrong.stderr
    as_json = CliRunner().invoke(
        cli, ["grade", str(attempt), "--explain", "XGBoost", "--format", "json"]
    )
    assert '"paired_with": "ranking-model"' in as_json.stdout


@pytest.mark.parametrize(
    ("short", "word", "fits"),
    [
        ("trng", "training", True),
        ("rrk", "reranking", True),
        ("retrvl", "retrieval", True),
        ("user", "usernames", True),  # a clipped start: only used when no vocabulary word
        ("rk", "ranking", False),  # too short to mean anything
        ("model", "modeling", False),  # nearly the whole word: not shorthand
        ("serve", "observer", False),  # must start with the word's first letter
        ("tarn", "training", False),  # two vowels and not in order
    ],
)
def test_shorthand_fits(short: str, word: str, fits: bool) -> None:
    assert bool(abbreviates(short, word)) == fits


REFERENCES = ("ad-click-prediction", "video-recommendation", "harmful-content")


@settings(max_examples=40, deadline=None)
@given(
    case=st.sampled_from(REFERENCES),
    seed=st.integers(0, 10_000),
)
def test_a_vocabulary_never_changes_a_pair_made_by_an_exact_name(case: str, seed: int) -> None:
    reference = load_case(case).diagram
    keep = [n for k, n in enumerate(reference.nodes) if (seed >> (k % 13)) & 1 or k % 3 == 0]
    kept = {n.id for n in keep}
    attempt = Diagram(
        nodes=tuple(Node(id=n.id, label=n.label) for n in keep),
        edges=tuple(e for e in reference.edges if e.source in kept and e.target in kept),
    )
    plain = {p.attempt: p.reference for p in align(reference, attempt, NO_TERMS).pairs}
    exact = {a: r for a, r in plain.items() if a == r}
    with_terms = {p.attempt: p.reference for p in align(reference, attempt).pairs}
    for attempt_id, reference_id in exact.items():
        assert with_terms.get(attempt_id) == reference_id


TERM_FOR = {
    "Event stream": "Kafka",
    "Data lake": "Snowflake",
    "Feature store": "Feast",
    "Model registry": "MLflow",
    "Model monitoring": "Grafana",
    "Ranking model": "XGBoost",
}


@settings(max_examples=30, deadline=None)
@given(renamed=st.sets(st.sampled_from(sorted(TERM_FOR)), min_size=1, max_size=3))
def test_naming_a_box_by_a_term_for_its_role_never_lowers_the_score(renamed: set[str]) -> None:
    reference = load_case("ad-click-prediction").diagram
    half = [n for k, n in enumerate(reference.nodes) if k % 2 == 0 or n.label in TERM_FOR]
    kept = {n.id for n in half}

    def attempt(names: dict[str, str]) -> Diagram:
        ids = {n.id: slugify(names.get(n.label, n.label)) for n in half}
        return Diagram(
            nodes=tuple(Node(id=ids[n.id], label=names.get(n.label, n.label)) for n in half),
            edges=tuple(
                Edge(ids[e.source], ids[e.target])
                for e in reference.edges
                if e.source in kept and e.target in kept
            ),
        )

    vague = {label: "Thing" + str(k) for k, label in enumerate(sorted(renamed))}
    named = {label: TERM_FOR[label] for label in renamed}
    assert grade(reference, attempt(named)).score >= grade(reference, attempt(vague)).score


def test_the_vocabulary_file_is_toml_a_person_can_read() -> None:
    text = files("mlsd_draw.grading").joinpath("vocabulary.toml").read_text(encoding="utf-8")
    assert text.startswith("#")  # it explains itself to a reviewer
    roles, _problems = check_vocabulary_text(text, "vocabulary.toml")
    assert "event-stream" in {role.id for role in roles}


def test_the_readme_example_of_a_user_file_is_valid() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    block = readme.split("```toml\n", 1)[1].split("```", 1)[0]
    roles, problems = check_vocabulary_text(block, "README.md")
    assert problems == [] and {"event-stream", "pricing-engine"} <= {r.id for r in roles}


def test_the_vocabulary_index_is_cached_and_a_damaged_cache_is_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mlsd_draw.app import vocabulary as app_vocabulary

    monkeypatch.setenv("MLSD_DRAW_CACHE", str(tmp_path / "cache"))
    app_vocabulary._vocabulary_for.cache_clear()
    first = app_vocabulary.current_vocabulary()
    [cached] = list((tmp_path / "cache").glob("vocabulary-*.json"))
    app_vocabulary._vocabulary_for.cache_clear()
    assert app_vocabulary.current_vocabulary().to_data() == first.to_data()
    cached.write_text("{not json", encoding="utf-8")
    app_vocabulary._vocabulary_for.cache_clear()
    again = app_vocabulary.current_vocabulary()
    assert again.to_data() == shipped_vocabulary().to_data()
    assert cached.read_text(encoding="utf-8").startswith("{")
    mine = tmp_path / "mine.toml"
    mine.write_text('[roles.event-stream]\nterms = ["Chronicle Queue"]\n', encoding="utf-8")
    monkeypatch.setenv("MLSD_DRAW_VOCABULARY", str(mine))
    assert app_vocabulary.current_vocabulary().term(("chronicle", "queue")) is not None
    assert len(list((tmp_path / "cache").glob("vocabulary-*.json"))) == 2
    # An edit of the same size is seen by its modification time.
    mine.write_text('[roles.event-stream]\nterms = ["Chronicle Queux"]\n', encoding="utf-8")
    os.utime(mine, ns=(mine.stat().st_atime_ns, mine.stat().st_mtime_ns + 10**9))
    edited = app_vocabulary.current_vocabulary()
    assert edited.term(("chronicle", "queux")) is not None
    assert edited.term(("chronicle", "queue")) is None


def test_a_cached_index_made_for_other_files_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cache file's name is a short checksum of its key; two keys may share a name, so
    the full key stored inside decides."""
    from mlsd_draw.app import vocabulary as app_vocabulary

    monkeypatch.setenv("MLSD_DRAW_CACHE", str(tmp_path / "cache"))
    app_vocabulary._vocabulary_for.cache_clear()
    app_vocabulary.current_vocabulary()
    [cached] = list((tmp_path / "cache").glob("vocabulary-*.json"))
    data = json.loads(cached.read_text(encoding="utf-8"))
    data["key"] = data["key"] + " (another set of files)"
    data["index"]["terms"] = []
    cached.write_text(json.dumps(data), encoding="utf-8")
    app_vocabulary._vocabulary_for.cache_clear()
    assert app_vocabulary.current_vocabulary().term(("kafka",)) is not None
