"""The quiz cards: every shipped card complete, the checks on a bad fixture, lint, Anki."""

from __future__ import annotations

import fnmatch
import re
import sqlite3
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from mlsd_draw import parse
from mlsd_draw.cli import cli
from mlsd_draw.library import card_checks
from mlsd_draw.library.card_checks import check_cards
from mlsd_draw.library.cards import (
    CardFiles,
    build_cards,
    core_components,
    read_card_files,
    shipped_card_files,
    shipped_cards,
    shipped_references,
)
from mlsd_draw.library.lint import lint
from mlsd_draw.library.references import case_source, load_case, shipped_case_ids
from mlsd_draw.practice.anki import build_deck, write_deck
from mlsd_draw.practice.anki_cards import CARD_MODEL_ID, card_guid

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    tomllib = pytest.importorskip("tomli")

CASES = shipped_case_ids()
PACKAGE = Path(__file__).resolve().parent.parent / "mlsd_draw"

# -- the shipped cards -------------------------------------------------------------------------


def test_the_shipped_cards_have_no_problem() -> None:
    assert check_cards(shipped_card_files(), shipped_references()) == []


def test_every_case_is_framed_and_every_core_component_asked_about() -> None:
    ids = {card.id for card in shipped_cards()}
    for case in CASES:
        assert f"framing:{case}" in ids
        core = core_components(shipped_references()[case])
        assert core, f"{case} has no core component"
        for node in core:
            assert f"why:{case}:{node.id}" in ids, f"{case}: no why card for {node.label}"


def test_every_card_is_complete_with_a_stable_id() -> None:
    cards = shipped_cards()
    assert len({c.id for c in cards}) == len(cards)
    kinds = {kind: [c for c in cards if c.kind == kind] for kind in ("tradeoff", "framing", "why")}
    assert len(kinds["tradeoff"]) >= 40
    assert len(kinds["framing"]) == len(CASES)
    for card in cards:
        assert re.fullmatch(
            r"tradeoff:[a-z0-9-]+|framing:[a-z0-9-]+|why:[a-z0-9-]+:[a-z0-9-]+", card.id
        )
        assert card.front.strip() and card.answer.strip()
        assert card.key_points and all(p.strip() for p in card.key_points)
        assert (card.case is None) == (card.kind == "tradeoff")
        assert set(card.cases) <= set(CASES)


def test_a_why_card_answers_with_the_note_and_what_to_watch() -> None:
    card = next(c for c in shipped_cards() if c.id == "why:ad-click-prediction:ranking-model")
    note = shipped_references()["ad-click-prediction"].node("ranking-model").note
    assert note is not None
    assert (
        card.front
        == 'Ad click prediction for a social media timeline: why is "Ranking model" there?'
    )
    assert card.answer.startswith(note[0].upper() + note[1:])
    assert "\nMonitor: " in card.answer and "\nIf it is missing: " in card.answer


def test_a_tradeoff_card_holds_both_sides_and_when_to_pick() -> None:
    card = next(c for c in shipped_cards() if c.id == "tradeoff:two-tower-vs-cross-encoder")
    lines = card.answer.splitlines()
    assert lines[0].startswith("- Two-tower") and lines[1].startswith("- Cross-encoder")
    assert lines[-1].startswith("Pick: ")
    assert card.case is None and "video-search" in card.cases


def test_the_cards_ship_in_the_package_data() -> None:
    pyproject = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["mlsd_draw.library"]
    folder = PACKAGE / "library"
    shipped = [p.relative_to(folder).as_posix() for p in (folder / "cards").rglob("*.toml")]
    assert len(shipped) == 1 + 2 * len(CASES)
    for name in shipped:
        assert any(fnmatch.fnmatch(name, pattern) for pattern in patterns), name


# -- the checks on a small bad fixture -----------------------------------------------------------

TINY = """\
@case tiny
@title A tiny ranker
Candidates [weight: 2; note: "cuts the pool"]
Ranker [weight: 3; note: "orders them"]
Candidates -> Ranker -> Results
"""

TRADEOFF = """\
[[tradeoff]]
id = "cheap-vs-precise"
front = "Cheap or precise?"
sides = ["Cheap: fast, rough.", "Precise: slow, exact."]
pick = "Cheap first, precise last."
key_points = ["cheap stage first", "precise ranker last", "latency budget decides"]
cases = ["tiny"]
"""

FRAMING = """\
case = "tiny"
business_objective = "Sell more."
ml_objective = "Rank by click probability."
input = "A user."
output = "A ranked list."
ml_category = "Pointwise ranking."
labels = "Clicks are positives."
offline_metrics = ["AUC: ordering."]
online_metrics = ["CTR: clicks per view."]
key_points = ["predict click probability", "pointwise ranking", "clicks as labels", "AUC offline", "CTR online"]
"""

WHY = """\
case = "tiny"
[[component]]
name = "Candidates"
key_points = ["cuts the pool", "before the ranker"]
[[component]]
name = "Ranker"
key_points = ["orders the candidates", "click probability"]
monitor = "Latency."
"""


def fixture(
    folder: Path, tradeoffs: str = TRADEOFF, framing: str | None = FRAMING, why: str | None = WHY
) -> CardFiles:
    (folder / "framing").mkdir()
    (folder / "why").mkdir()
    (folder / "tradeoffs.toml").write_text(tradeoffs, encoding="utf-8")
    if framing is not None:
        (folder / "framing" / "tiny.toml").write_text(framing, encoding="utf-8")
    if why is not None:
        (folder / "why" / "tiny.toml").write_text(why, encoding="utf-8")
    return read_card_files(folder)


def test_the_clean_fixture_has_no_problem_and_makes_four_cards(tmp_path: Path) -> None:
    files = fixture(tmp_path)
    references = {"tiny": parse(TINY)}
    assert check_cards(files, references) == []
    cards = build_cards(files, references)
    assert [c.id for c in cards] == [
        "tradeoff:cheap-vs-precise",
        "framing:tiny",
        "why:tiny:candidates",
        "why:tiny:ranker",
    ]
    assert cards[3].answer == "Orders them.\nMonitor: Latency."


# (name, tradeoffs.toml, framing/tiny.toml, why/tiny.toml, (file, message) expected)
PROBLEMS = [
    ("empty side", TRADEOFF.replace('"Cheap: fast, rough."', '""'), FRAMING, WHY, ("tradeoffs.toml", "trade-off 'cheap-vs-precise' has an empty side")),
    ("one side only", TRADEOFF.replace(', "Precise: slow, exact."', ""), FRAMING, WHY, ("tradeoffs.toml", "trade-off 'cheap-vs-precise' has 1 sides: give 2 or 3")),
    ("empty front", TRADEOFF.replace('"Cheap or precise?"', '" "'), FRAMING, WHY, ("tradeoffs.toml", "trade-off 'cheap-vs-precise' has an empty front")),
    ("empty pick", TRADEOFF.replace('"Cheap first, precise last."', '""'), FRAMING, WHY, ("tradeoffs.toml", "trade-off 'cheap-vs-precise' has an empty pick (when to pick which)")),
    ("unknown case in a trade-off", TRADEOFF.replace('["tiny"]', '["tiny", "huge"]'), FRAMING, WHY, ("tradeoffs.toml", "trade-off 'cheap-vs-precise' names the unknown case 'huge'")),
    ("id used twice", TRADEOFF + "\n" + TRADEOFF, FRAMING, WHY, ("tradeoffs.toml", "trade-off 'cheap-vs-precise' is defined twice: ids must be unique")),
    ("id not a slug", TRADEOFF.replace('"cheap-vs-precise"', '"Cheap vs precise"'), FRAMING, WHY, ("tradeoffs.toml", "trade-off 'Cheap vs precise': the id must be a kebab-case slug such as 'cheap-vs-precise'")),
    ("too few key points", TRADEOFF.replace(', "latency budget decides"', ""), FRAMING, WHY, ("tradeoffs.toml", "trade-off 'cheap-vs-precise' has 2 key points: give 3 to 5")),
    ("a key point that is a sentence", TRADEOFF.replace('"cheap stage first"', '"put the cheap stage first so that the ranker sees few items"'), FRAMING, WHY, ("tradeoffs.toml", "trade-off 'cheap-vs-precise': the key point 'put the cheap stage first so that the ranker sees few items' has 12 words: a key point is a short phrase of 2 to 6 words")),
    ("not TOML", "[[tradeoff]\n", FRAMING, WHY, ("tradeoffs.toml", "not valid TOML")),
    ("a field of the wrong type", TRADEOFF.replace('pick = "Cheap first, precise last."', "pick = 3"), FRAMING, WHY, ("tradeoffs.toml", "trade-off 1 (cheap-vs-precise): 'pick' must be a string")),
    ("case without framing", TRADEOFF, None, WHY, ("framing/tiny.toml", "the case tiny has no framing")),
    ("empty framing field", TRADEOFF, FRAMING.replace('labels = "Clicks are positives."', 'labels = ""'), WHY, ("framing/tiny.toml", "the framing has an empty 'labels'")),
    ("framing without online metrics", TRADEOFF, FRAMING.replace('["CTR: clicks per view."]', "[]"), WHY, ("framing/tiny.toml", "the framing has no 'online_metrics'")),
    ("framing declaring another case", TRADEOFF, FRAMING.replace('case = "tiny"', 'case = "small"'), WHY, ("framing/tiny.toml", "declares case = 'small' but is named after 'tiny'")),
    ("core component without why entry", TRADEOFF, FRAMING, WHY.split("[[component]]\nname = \"Ranker\"")[0], ("why/tiny.toml", "the core component 'Ranker' has no entry in why/tiny.toml")),
    ("case without why file", TRADEOFF, FRAMING, None, ("why/tiny.toml", "the case tiny has no why file")),
    ("entry naming no component", TRADEOFF, FRAMING, WHY + '[[component]]\nname = "Scorer"\nkey_points = ["a b", "c d"]\n', ("why/tiny.toml", "the entry 'Scorer' names no component of the reference tiny")),
    ("entry spelt differently", TRADEOFF, FRAMING, WHY.replace('name = "Ranker"', 'name = "ranker"'), ("why/tiny.toml", "the entry 'ranker' names no component of the reference tiny: write it exactly as 'Ranker'")),
    ("entry naming a component that is not core", TRADEOFF, FRAMING, WHY + '[[component]]\nname = "Results"\nkey_points = ["a b", "c d"]\n', ("why/tiny.toml", "the entry 'Results' names a component that is not core (weight 1): only core components (weight above 1) get a why card")),
    ("entry with one key point", TRADEOFF, FRAMING, WHY.replace('["cuts the pool", "before the ranker"]', '["cuts the pool"]'), ("why/tiny.toml", "the entry 'Candidates' has 1 key points: give 2 to 4")),
]  # fmt: skip


@pytest.mark.parametrize(
    ("tradeoffs", "framing", "why", "expected"),
    [p[1:] for p in PROBLEMS],
    ids=[p[0] for p in PROBLEMS],
)
def test_check_cards_finds_each_problem(
    tmp_path: Path, tradeoffs: str, framing: str | None, why: str | None, expected: tuple[str, str]
) -> None:
    problems = check_cards(fixture(tmp_path, tradeoffs, framing, why), {"tiny": parse(TINY)})
    found = [(p.file, p.message) for p in problems]
    file, message = expected
    assert any(f == file and m.startswith(message) for f, m in found), found


def test_check_cards_finds_files_of_unknown_cases(tmp_path: Path) -> None:
    files = fixture(tmp_path)
    (tmp_path / "framing" / "gone.toml").write_text(
        FRAMING.replace("tiny", "gone"), encoding="utf-8"
    )
    (tmp_path / "why" / "gone.toml").write_text('case = "gone"\n', encoding="utf-8")
    files = read_card_files(tmp_path)
    found = [(p.file, p.message) for p in check_cards(files, {"tiny": parse(TINY)})]
    assert found == [
        ("framing/gone.toml", "names the unknown case 'gone'"),
        ("why/gone.toml", "names the unknown case 'gone'"),
    ]


def test_a_core_component_without_a_note_has_no_card(tmp_path: Path) -> None:
    reference = parse(TINY.replace('; note: "orders them"', ""))
    files = fixture(tmp_path)
    messages = [p.message for p in check_cards(files, {"tiny": reference})]
    assert messages == ["the core component 'Ranker' has no note to answer with"]
    assert [c.id for c in build_cards(files, {"tiny": reference}) if c.kind == "why"] == [
        "why:tiny:candidates"
    ]


# -- lint reports the problems of a shipped case's cards -------------------------------------------


def test_lint_of_a_shipped_reference_reports_its_card_problems(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _name, text, _origin = case_source("news-feed")
    diagram = parse(text)
    node = core_components(diagram)[-1]
    shipped = shipped_card_files()
    whys = dict(shipped.whys)
    whys["news-feed"] = tuple(e for e in whys["news-feed"] if e.name != node.label)
    broken = CardFiles(shipped.tradeoffs, shipped.framings, whys, shipped.problems)
    monkeypatch.setattr(card_checks, "shipped_card_files", lambda: broken)
    problems = lint(diagram, text)
    assert node.span is not None
    message = f"quiz cards: why/news-feed.toml: the core component '{node.label}' has no entry in why/news-feed.toml"
    assert [(p.message, p.span.line) for p in problems] == [(message, node.span.line)]
    # A person's own version of the case has no cards to keep in step.
    assert lint(diagram, text + "\n# mine\n") == []
    result = CliRunner().invoke(cli, ["lint", "news-feed"])
    assert result.exit_code == 1
    assert message in result.stderr


def test_lint_of_every_shipped_case_checks_its_cards_clean() -> None:
    result = CliRunner().invoke(cli, ["lint", *CASES])
    assert result.exit_code == 0, result.stderr


# -- show --framing ----------------------------------------------------------------------------------


def test_show_prints_a_case_framing() -> None:
    result = CliRunner().invoke(cli, ["show", "ad-click-prediction", "--framing"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Ad click prediction for a social media timeline"
    assert lines[2].startswith("Business objective: Maximise ad revenue")
    for heading in ("ML objective: ", "Input: ", "Output: ", "ML category: ", "Labels: "):
        assert any(line.startswith(heading) for line in lines)
    assert "Offline metrics:" in lines and "Online metrics:" in lines


def test_show_framing_of_a_file_uses_its_case(tmp_path: Path) -> None:
    attempt = tmp_path / "mine.mlsd"
    attempt.write_text("@case news-feed\nA -> B\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["show", str(attempt), "--framing"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Personalized news feed ranking\n\nBusiness objective: ")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["show", "news-fed", "--framing"], "unknown case 'news-fed': did you mean news-feed"),
        (["show", "news-feed", "--framing", "--text"], "--framing prints to standard output"),
    ],
)
def test_show_framing_errors_exit_2(args: list[str], message: str) -> None:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert message in result.stderr


# -- Anki -------------------------------------------------------------------------------------------


def fake_svg(_diagram: object) -> bytes:
    return b'<svg xmlns="http://www.w3.org/2000/svg"></svg>'


def card_notes_in(package: Path, tmp_path: Path) -> dict[str, tuple[str, list[str]]]:
    """Card id -> (guid, fields) of every quiz card note in the package."""
    with zipfile.ZipFile(package) as archive:
        database = tmp_path / "collection.anki2"
        database.write_bytes(archive.read("collection.anki2"))
    connection = sqlite3.connect(database)
    try:
        rows = connection.execute(
            "SELECT guid, flds FROM notes WHERE mid = ?", (CARD_MODEL_ID,)
        ).fetchall()
    finally:
        connection.close()
    return {fields.split("\x1f")[0]: (guid, fields.split("\x1f")) for guid, fields in rows}


def test_the_anki_deck_holds_the_cards_with_stable_guids(tmp_path: Path) -> None:
    references = [load_case(case) for case in CASES[:2]]
    cards = shipped_cards()
    first = write_deck(
        build_deck(references, render_svg=fake_svg, render_stage=fake_svg, cards=cards),
        tmp_path / "a.apkg",
        timestamp=1.0,
    )
    second = write_deck(
        build_deck(
            references, render_svg=fake_svg, render_stage=fake_svg, cards=list(reversed(cards))
        ),
        tmp_path / "b.apkg",
        timestamp=2e9,
    )
    one, two = card_notes_in(first, tmp_path), card_notes_in(second, tmp_path)
    assert set(one) == {c.id for c in cards}
    assert {k: v[0] for k, v in one.items()} == {k: v[0] for k, v in two.items()}
    assert all(one[c.id][0] == card_guid(c.id) for c in cards)
    assert len({guid for guid, _ in one.values()}) == len(cards)
    _guid, fields = one["tradeoff:two-tower-vs-cross-encoder"]
    _card_id, front, back, points = fields
    assert front == "Two-tower model or cross-encoder: where does each belong and why?"
    assert back.startswith("<ul><li>Two-tower (bi-encoder): ")
    assert points.startswith("<ul><li>two-tower for retrieval</li>")


def test_export_anki_writes_the_cases_and_the_cards(tmp_path: Path) -> None:
    deck = tmp_path / "deck.apkg"
    result = CliRunner().invoke(cli, ["export", "anki", "-o", str(deck)])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{deck}: {len(CASES) + len(shipped_cards())} notes\n"
    assert len(card_notes_in(deck, tmp_path)) == len(shipped_cards())


def test_the_readme_counts_the_cards_per_kind() -> None:
    readme = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    cards = shipped_cards()
    for kind in ("tradeoff", "framing", "why"):
        count = sum(c.kind == kind for c in cards)
        assert re.search(rf"^\| `{kind}` \| {count}\b", readme, re.MULTILINE), kind
