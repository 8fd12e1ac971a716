"""Alignment of an attempt with a reference: one table row per reason a pair is made, the traps
a naive matcher falls into, and properties over generated diagrams (hypothesis)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlsd_draw import Diagram, parse, parse_file, slugify
from mlsd_draw.grading.matching import HOWS, Alignment, Pair, align
from mlsd_draw.grading.normalise import normalize_label
from mlsd_draw.library.references import load_case

# --------------------------------------------------------------------------------------------
# One tiny pair of graphs per `how`: (reference, attempt, expected pair).

HOW_CASES = [
    pytest.param(
        "User request -> Ranking -> Home feed",
        "user request -> ranking -> home feed",
        ("ranking", "ranking", "exact"),
        id="exact",
    ),
    pytest.param(
        "Query encoder -> ANN index [aka: vector DB, FAISS] -> Re-ranking",
        "Query encoder -> Vector DB -> Re-ranking",
        ("ann-index", "vector-db", "alias"),
        id="alias",
    ),
    pytest.param(
        "Feature pipeline -> Feature store -> Ranking model",
        "Feature pipeline -> Featur store -> Ranking model",
        ("feature-store", "featur-store", "fuzzy"),
        id="fuzzy-typo",
    ),
    pytest.param(
        "Training data -> Model training -> Model registry",
        "Trainig data -> Model training -> Model registry",
        ("training-data", "trainig-data", "fuzzy"),
        id="fuzzy-typo-trainig",
    ),
    pytest.param(
        "Ranking -> Results page -> Click logs",
        "Ranking -> Reslts page -> Click logs",
        ("results-page", "reslts-page", "fuzzy"),
        id="fuzzy-typo-reslts",
    ),
    pytest.param(
        "Logs -> Model training -> Model registry",
        "Logs -> Train model -> Model registry",
        ("model-training", "train-model", "fuzzy"),
        id="fuzzy-word-order",
    ),
    pytest.param(
        "Query embedding -> Approximate nearest neighbor index -> Re-ranking",
        "Query embedding -> ANN -> Re-ranking",
        ("approximate-nearest-neighbor-index", "ann", "acronym"),
        id="acronym-ann",
    ),
    pytest.param(
        "Features -> Click through rate model -> Ad auction",
        "Features -> CTR model -> Ad auction",
        ("click-through-rate-model", "ctr-model", "acronym"),
        id="acronym-ctr",
    ),
    pytest.param(
        "User request -> Candidate generation -> Ranking",
        "User request -> Stage one -> Ranking\nStage one: candidate generation with two towers",
        ("candidate-generation", "stage-one", "description"),
        id="description",
    ),
    pytest.param(
        "User request -> Candidate generation -> Ranking -> Home feed",
        "User request -> Candidate stage -> Ranking -> Home feed",
        ("candidate-generation", "candidate-stage", "structure"),
        id="structure",
    ),
]


def pair_of(alignment: Alignment, reference_id: str) -> Pair | None:
    return alignment.by_reference().get(reference_id)


@pytest.mark.parametrize(("reference", "attempt", "expected"), HOW_CASES)
def test_each_how(reference: str, attempt: str, expected: tuple[str, str, str]) -> None:
    ref_id, att_id, how = expected
    alignment = align(parse(reference), parse(attempt))
    pair = pair_of(alignment, ref_id)
    assert pair is not None, alignment
    assert (pair.attempt, pair.how) == (att_id, how)
    assert 0.0 < pair.similarity <= 1.0
    assert how in HOWS


def test_exact_pair_has_similarity_one() -> None:
    alignment = align(parse("A -> Ranking"), parse("A -> ranking"))
    assert pair_of(alignment, "ranking") == Pair("ranking", "ranking", "exact", 1.0)


# --------------------------------------------------------------------------------------------
# Neighbours tell apart what labels cannot.

SAME_NAME_CASES = [
    pytest.param(
        # Both reference encoders answer to `image encoder`; only the neighbours tell which.
        """
        Query image -> Query encoder [aka: image encoder] -> ANN search -> Results
        Image corpus -> Batch encoder [aka: image encoder] -> ANN index -> ANN search
        """,
        "Image corpus -> Image encoder -> ANN index -> ANN search -> Results",
        {"image-encoder": "batch-encoder"},
        id="shared-alias-offline",
    ),
    pytest.param(
        """
        Query image -> Query encoder [aka: image encoder] -> ANN search -> Results
        Image corpus -> Batch encoder [aka: image encoder] -> ANN index -> ANN search
        """,
        "Query image -> Image encoder -> ANN search -> Results",
        {"image-encoder": "query-encoder"},
        id="shared-alias-online",
    ),
    pytest.param(
        # The attempt draws the same encoder twice, once online, once for the catalogue.
        """
        Query image -> Query encoder [aka: image encoder] -> ANN search -> Results
        Image corpus -> Batch encoder [aka: indexing encoder] -> ANN index -> ANN search
        Model registry -> Query encoder, Batch encoder
        """,
        """
        Catalog images -> Image encoder -> ANN index -> ANN search
        Query image -> Image encoder (online) -> ANN search -> Results
        Model registry -> Image encoder, Image encoder (online)
        """,
        {"image-encoder": "batch-encoder", "image-encoder-online": "query-encoder"},
        id="two-image-encoders",
    ),
    pytest.param(
        """
        Events -> Online feature store -> Ranking
        Logs -> Offline feature store -> Model training
        """,
        """
        Events -> Feature store -> Ranking
        Logs -> Feature store (batch) -> Model training
        """,
        {"feature-store": "online-feature-store", "feature-store-batch": "offline-feature-store"},
        id="online-offline-store",
    ),
]


@pytest.mark.parametrize(("reference", "attempt", "expected"), SAME_NAME_CASES)
def test_neighbours_separate_same_names(
    reference: str, attempt: str, expected: dict[str, str]
) -> None:
    pairs = {p.attempt: p.reference for p in align(parse(reference), parse(attempt)).pairs}
    for att_id, ref_id in expected.items():
        assert pairs.get(att_id) == ref_id, pairs


# --------------------------------------------------------------------------------------------
# Traps: a doubtful pair must become missing + extra, never a wrong pair.

TRAP_CASES = [
    # Labels alone: a word that only modifies the reference name, or a different word that
    # looks alike, is no pair when nothing else supports it.
    pytest.param(
        "Logs -> Training data -> Validation",
        "Logs -> Validation\nKafka -> Training",
        "training",
        None,
        id="training-is-not-training-data",
    ),
    pytest.param(
        "Trainer -> Model registry -> Serving",
        "Trainer -> Serving\nKafka -> Model",
        "model",
        None,
        id="model-is-not-model-registry",
    ),
    pytest.param(
        "Client -> API gateway -> Service",
        "Client -> Service\nKafka -> API",
        "api",
        None,
        id="api-is-not-api-gateway",
    ),
    pytest.param(
        "Candidates -> Re-ranking -> Feed",
        "Candidates -> Feed\nKafka -> Ranking",
        "ranking",
        None,
        id="ranking-is-not-re-ranking",
    ),
    # Even in the right place, a label with no word in common is not lifted by neighbours.
    pytest.param(
        "Candidates -> Re-ranking -> Feed",
        "Candidates -> Ranking -> Feed",
        "ranking",
        None,
        id="ranking-in-place-of-re-ranking",
    ),
    pytest.param(
        "Events -> Feature store -> Ranking",
        "Events -> Kafka -> Ranking",
        "kafka",
        None,
        id="unrelated-label-in-right-place",
    ),
    # With both candidates present, the one whose head noun the attempt names wins.
    pytest.param(
        "Logs -> Training data -> Model training -> Registry",
        "Logs -> Training -> Registry",
        "training",
        "model-training",
        id="training-is-model-training",
    ),
    pytest.param(
        "Logs -> Training data -> Model training -> Registry",
        "Logs -> Training set -> Trainer -> Registry",
        "training-set",
        "training-data",
        id="training-set-is-training-data",
    ),
    pytest.param(
        "Candidates -> Ranking -> Re-ranking -> Feed",
        "Candidates -> Re ranker -> Ranker -> Feed",
        "ranker",
        "ranking",
        id="ranker-with-both-present",
    ),
    pytest.param(
        "Candidates -> Ranking -> Re-ranking -> Feed",
        "Candidates -> Re ranker -> Ranker -> Feed",
        "re-ranker",
        "re-ranking",
        id="re-ranker-with-both-present",
    ),
    pytest.param(
        "Trainer -> Model registry -> Embedding model -> Index",
        "Trainer -> Registry -> Model -> Index",
        "model",
        "embedding-model",
        id="model-is-embedding-model",
    ),
]


@pytest.mark.parametrize(("reference", "attempt", "att_id", "ref_id"), TRAP_CASES)
def test_traps(reference: str, attempt: str, att_id: str, ref_id: str | None) -> None:
    ref, att = parse(reference), parse(attempt)
    alignment = align(ref, att)
    pair = alignment.by_attempt().get(att_id)
    assert (pair.reference if pair else None) == ref_id, alignment
    if ref_id is None:
        assert att_id in alignment.extra(att)


def test_weak_label_left_missing_and_extra() -> None:
    ref = parse("Events -> Feature store -> Ranking -> Feed")
    att = parse("Events -> Kafka -> Ranking -> Feed")
    alignment = align(ref, att)
    assert alignment.missing(ref) == ("feature-store",)
    assert alignment.extra(att) == ("kafka",)
    assert {p.how for p in alignment.pairs} == {"exact"}


def test_merged_box_takes_the_heavier_component() -> None:
    ref = parse(
        """
        Scores -> Enforcement service [weight: 3; aka: enforcement] -> Demotion [aka: demotion]
        Enforcement service -> Review queue
        """
    )
    att = parse("Scores -> Enforcement / demotion -> Review queue")
    pair = align(ref, att).by_attempt()["enforcement-demotion"]
    assert pair.reference == "enforcement-service"


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("Image encoder [aka: encoder]\nText encoder [aka: encoder]", "image-encoder"),
        ("Text encoder [aka: encoder]\nImage encoder [aka: encoder]", "text-encoder"),
        ("Text encoder [aka: encoder]\nImage encoder [aka: encoder; weight: 3]", "image-encoder"),
    ],
)
def test_ties_go_to_the_heavier_then_the_first(reference: str, expected: str) -> None:
    pair = align(parse(reference), parse("Encoder")).by_attempt()["encoder"]
    assert (pair.reference, pair.how) == (expected, "alias")


def test_reversed_and_undirected_edges_still_place_a_node() -> None:
    ref = parse("Events -> Candidate generation -> Ranking -> Feed")
    att = parse("Events -- Candidate stage\nRanking -> Candidate stage\nRanking -> Feed")
    pair = align(ref, att).by_attempt()["candidate-stage"]
    assert (pair.reference, pair.how) == ("candidate-generation", "structure")


def test_alignment_helpers() -> None:
    ref = parse("A -> B -> C")
    att = parse("A -> X -> C")
    alignment = align(ref, att)
    assert set(alignment.by_reference()) == {"a", "c"}
    assert set(alignment.by_attempt()) == {"a", "c"}
    assert alignment.missing(ref) == ("b",)
    assert alignment.extra(att) == ("x",)


def test_empty_diagrams() -> None:
    ref = parse("A -> B")
    empty = Diagram()
    assert align(ref, empty).pairs == ()
    assert align(empty, ref).pairs == ()
    assert align(empty, ref).extra(ref) == ("a", "b")


@pytest.mark.parametrize(
    ("label", "words"),
    [
        ("Re-ranking", ("reranking",)),
        ("re ranking", ("reranking",)),
        ("A/B testing", ("ab", "testing")),
        ("Emb svc", ("embedding", "service")),
        ("The feature stores", ("feature", "store")),
        ("calib", ("calibration",)),
        ("req queue", ("request", "queue")),
        ("DWH", ("data", "warehouse")),
        ("k-NN lookup", ("knn", "lookup")),
    ],
)
def test_normalize_label(label: str, words: tuple[str, ...]) -> None:
    assert normalize_label(label) == words


# --------------------------------------------------------------------------------------------
# Properties over generated diagrams.

WORDS = tuple(
    str.split(
        "user item query video image text feature embedding candidate ranking training label "
        "event stream batch online index vector model score store service pipeline job queue "
        "cache encoder classifier registry monitor logs"
    )
)

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def references(draw: st.DrawFn) -> tuple[list[str], list[list[str]], list[tuple[int, int]]]:
    """Labels (unique slugs), aliases (unique across the diagram) and edges."""
    count = draw(st.integers(min_value=2, max_value=10))
    phrase = st.lists(st.sampled_from(WORDS), min_size=1, max_size=3, unique=True).map(" ".join)
    labels = draw(st.lists(phrase, min_size=count, max_size=count, unique_by=lambda s: slugify(s)))
    taken = {slugify(label) for label in labels}
    aliases: list[list[str]] = []
    for _ in labels:
        mine = []
        for alias in draw(st.lists(phrase, max_size=2)):
            if slugify(alias) not in taken:
                taken.add(slugify(alias))
                mine.append(alias)
        aliases.append(mine)
    pairs = st.tuples(st.integers(0, count - 1), st.integers(0, count - 1))
    edges = [(a, b) for a, b in draw(st.lists(pairs, max_size=2 * count)) if a != b]
    return labels, aliases, edges


def reference_text(
    labels: list[str], aliases: list[list[str]], edges: list[tuple[int, int]]
) -> str:
    lines = []
    for label, aka in zip(labels, aliases, strict=True):
        lines.append(f"{label} [aka: {', '.join(aka)}]" if aka else label)
    lines.extend(f"{labels[a]} -> {labels[b]}" for a, b in edges)
    return "\n".join(lines)


def attempt_lines(edges: list[tuple[int, int]], names: dict[int, str]) -> list[str]:
    """Statements of an attempt: some nodes dropped, the rest under `names`."""
    lines = [names[i] for i in sorted(names)]
    lines.extend(f"{names[a]} -> {names[b]}" for a, b in edges if a in names and b in names)
    lines.append("Kafka -> " + names[min(names)])
    return lines


@SETTINGS
@given(references(), st.randoms(use_true_random=False))
def test_statement_order_never_changes_the_alignment(
    ref_parts: tuple[list[str], list[list[str]], list[tuple[int, int]]], rng: random.Random
) -> None:
    labels, aliases, edges = ref_parts
    reference = parse(reference_text(labels, aliases, edges))
    names = {i: label for i, label in enumerate(labels) if rng.random() < 0.8}
    if not names:
        return
    lines = attempt_lines(edges, names)
    first = align(reference, parse("\n".join(lines)))
    rng.shuffle(lines)
    second = align(reference, parse("\n".join(reversed(lines))))
    assert first == second


@SETTINGS
@given(references(), st.randoms(use_true_random=False))
def test_renaming_to_an_alias_keeps_correct_pairs(
    ref_parts: tuple[list[str], list[list[str]], list[tuple[int, int]]], rng: random.Random
) -> None:
    labels, aliases, edges = ref_parts
    reference = parse(reference_text(labels, aliases, edges))
    names = {i: label for i, label in enumerate(labels) if rng.random() < 0.8}
    renamable = [i for i in names if aliases[i]]
    if not renamable:
        return
    truth = {slugify(names[i]): slugify(labels[i]) for i in names}
    before = align(reference, parse("\n".join(attempt_lines(edges, names))))
    correct = {p.attempt for p in before.pairs if truth.get(p.attempt) == p.reference}
    chosen = rng.choice(renamable)
    renamed = dict(names)
    renamed[chosen] = rng.choice(aliases[chosen])
    if len({slugify(n) for n in renamed.values()}) < len(renamed):
        return  # the alias collides with another attempt name
    after = align(reference, parse("\n".join(attempt_lines(edges, renamed))))
    after_pairs = {(p.attempt, p.reference) for p in after.pairs}
    for att_id in correct:
        index = next(i for i in names if slugify(names[i]) == att_id)
        new_id = slugify(renamed[index])
        assert (new_id, truth[att_id]) in after_pairs, (att_id, new_id, after)


@SETTINGS
@given(references())
def test_reference_aligned_with_itself_is_exact(
    ref_parts: tuple[list[str], list[list[str]], list[tuple[int, int]]],
) -> None:
    reference = parse(reference_text(*ref_parts))
    alignment = align(reference, reference)
    assert len(alignment.pairs) == len(reference.nodes)
    for pair in alignment.pairs:
        assert pair == Pair(pair.reference, pair.reference, "exact", 1.0)


SHIPPED = sorted((Path(__file__).parent.parent / "reference_graphs").glob("*.mlsd"))


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_references_align_with_themselves(path: Path) -> None:
    reference = parse_file(path)
    alignment = align(reference, reference)
    assert all(p.reference == p.attempt and p.how == "exact" for p in alignment.pairs)
    assert len(alignment.pairs) == len(reference.nodes)


def test_a_box_named_exactly_like_a_component_is_that_component() -> None:
    """Neighbours (or a description) that point elsewhere do not take away an exact name."""
    reference = load_case("chat-assistant").diagram
    attempt = parse("@case chat-assistant\nPrompt enhancer -> Reward model\n")
    pairs = align(reference, attempt).by_attempt()
    assert pairs["reward-model"].reference == "reward-model"
    assert pairs["reward-model"].how == "exact"
    described = parse(
        "Prompt enhancer -> Reward model\n"
        "Reward model: generates the reply the user reads from the prompt\n"
    )
    assert align(reference, described).by_attempt()["reward-model"].reference == "reward-model"


def test_an_everyday_word_goes_to_the_claimant_of_its_own_kind() -> None:
    """`user` is an alias of the request and close to the `users` store: the request, drawn
    as a client like the word's role, keeps the word."""
    from mlsd_draw.grading.matching import align

    reference = parse(
        "Request [kind: client; aka: user]\n"
        "User store [kind: store; aka: users]\n"
        "Request -> Ranker -> Results\n"
        "User store -> Ranker\n"
    )
    pairs = {p.attempt: p.reference for p in align(reference, parse("user -> Ranker\n")).pairs}
    assert pairs.get("user") == "request"


def test_a_product_name_is_read_without_its_trailing_api() -> None:
    from mlsd_draw.grading.vocabulary import shipped_vocabulary

    vocabulary = shipped_vocabulary()
    with_api = vocabulary.term(("azure", "read", "api"))
    without = vocabulary.term(("azure", "read"))
    assert with_api is not None and without is not None
    assert without.roles == with_api.roles
    two_words = vocabulary.term(("moderation", "api"))
    assert two_words is None or vocabulary.term(("moderation",)) != two_words, "2 words stay whole"


def test_a_merged_name_whose_parts_all_name_one_component_is_that_component() -> None:
    """`Cleaning + dedup` names data cleaning twice over; it is not a merge of two
    components, so it outweighs a neighbour named by one alias of the same component."""
    reference = parse(
        "Corpus -> Data cleaning [aka: cleaning, dedup, tokenizer] -> Pretraining\n"
        "Pretraining -> Fine-tuning\n"
    )
    attempt = parse("Corpus -> Cleaning + dedup -> Tokenizer -> Pretraining -> Fine-tuning\n")
    pairs = align(reference, attempt).by_attempt()
    assert pairs["cleaning-dedup"].reference == "data-cleaning"
    assert pairs["cleaning-dedup"].similarity > 0.95
    assert "tokenizer" not in pairs
    # Parts that name two different components still make a merged box, held at the cap.
    split = parse("Model training [aka: train]\nOffline evaluation [aka: eval]\n")
    merged = align(split, parse("Train + eval\n")).by_attempt()["train-eval"]
    assert merged.similarity <= 0.85


def test_a_word_for_word_alias_is_not_moved_to_a_name_it_only_resembles() -> None:
    """`human review` is the review queue's own alias; `Human reviewers` only shares its
    stems, and neighbours that lean towards the reviewers do not move the box."""
    reference = parse(
        "Detection -> Review queue [kind: queue; aka: human review] -> Human reviewers\n"
        "Human reviewers -> Labels -> Training\n"
        "Human reviewers -> Enforcement\n"
        "Human reviewers -> Appeals\n"
    )
    attempt = parse(
        "Detection -> human review -> Labels -> Training\n"
        "human review -> Enforcement\nhuman review -> Appeals\n"
    )
    pairs = align(reference, attempt).by_attempt()
    assert pairs["human-review"].reference == "review-queue"
    assert pairs["human-review"].how == "alias"
