"""The Anki export: a valid package, one note per case, stable GUIDs, media that exist."""

from __future__ import annotations

import json
import re
import sqlite3
import zipfile
from pathlib import Path

import pytest

from mlsd_draw import Diagram, UsageError, parse
from mlsd_draw.drawing.layout import stages_apart
from mlsd_draw.library.references import Reference, load_case, shipped_case_ids
from mlsd_draw.practice.anki import (
    DECK_ID,
    MODEL_ID,
    AnkiDeck,
    build_deck,
    core_list,
    deck_bytes,
    media_name,
    note_guid,
    reference_svg,
    write_deck,
)


def fake_svg(diagram: Diagram) -> bytes:
    """A stand-in picture, so most tests do not pay for Graphviz."""
    return f'<svg xmlns="http://www.w3.org/2000/svg"><title>{len(diagram.nodes)}</title></svg>'.encode()


def shipped() -> list[Reference]:
    return [load_case(case_id) for case_id in shipped_case_ids()]


def collection(package: Path, tmp_path: Path) -> sqlite3.Connection:
    """The SQLite collection inside an .apkg, opened from a copy."""
    with zipfile.ZipFile(package) as archive:
        database = tmp_path / "collection.anki2"
        database.write_bytes(archive.read("collection.anki2"))
    return sqlite3.connect(database)


def notes_in(package: Path, tmp_path: Path) -> list[tuple[str, list[str], str]]:
    """(guid, fields, tags) of every note in the package."""
    connection = collection(package, tmp_path)
    try:
        rows = connection.execute("SELECT guid, flds, tags FROM notes ORDER BY id").fetchall()
    finally:
        connection.close()
    return [(guid, fields.split("\x1f"), tags) for guid, fields, tags in rows]


def test_the_package_is_a_zip_with_one_note_per_case(tmp_path: Path) -> None:
    deck = build_deck(shipped(), render_svg=fake_svg, render_stage=fake_svg)
    package = write_deck(deck, tmp_path / "deck.apkg")
    assert zipfile.is_zipfile(package)
    with zipfile.ZipFile(package) as archive:
        assert "collection.anki2" in archive.namelist()
        assert archive.read("collection.anki2")[:16] == b"SQLite format 3\x00"
    notes = notes_in(package, tmp_path)
    assert len(notes) == len(shipped_case_ids())
    assert sorted(fields[0] for _, fields, _ in notes) == shipped_case_ids()
    connection = collection(package, tmp_path)
    try:
        assert connection.execute("SELECT count(*) FROM cards").fetchone() == (len(notes),)
        models = json.loads(connection.execute("SELECT models FROM col").fetchone()[0])
        decks = json.loads(connection.execute("SELECT decks FROM col").fetchone()[0])
    finally:
        connection.close()
    assert str(MODEL_ID) in models
    assert str(DECK_ID) in decks


def test_guids_are_the_same_across_exports(tmp_path: Path) -> None:
    first = write_deck(
        build_deck(shipped(), render_svg=fake_svg), tmp_path / "a.apkg", timestamp=1.0
    )
    second = write_deck(
        build_deck(reversed(shipped()), render_svg=fake_svg), tmp_path / "b.apkg", timestamp=2e9
    )
    by_case_first = {fields[0]: guid for guid, fields, _ in notes_in(first, tmp_path)}
    by_case_second = {fields[0]: guid for guid, fields, _ in notes_in(second, tmp_path)}
    assert by_case_first == by_case_second
    assert by_case_first == {case_id: note_guid(case_id) for case_id in shipped_case_ids()}
    assert len(set(by_case_first.values())) == len(by_case_first)


def test_every_picture_referenced_is_in_the_package(tmp_path: Path) -> None:
    deck = build_deck(shipped(), render_svg=fake_svg, render_stage=fake_svg)
    package = write_deck(deck, tmp_path / "deck.apkg")
    with zipfile.ZipFile(package) as archive:
        index = json.loads(archive.read("media"))
        stored = {name: archive.read(number) for number, name in index.items()}
    referenced = set()
    for _, fields, _ in notes_in(package, tmp_path):
        referenced.update(re.findall(r'<img src="([^"]+)"', fields[3]))
    assert len(referenced) > len(shipped_case_ids())  # the stages, and the whole picture
    assert referenced == set(stored)
    assert all(data.startswith(b"<svg") for data in stored.values())


def test_the_real_pictures_are_svgs_of_the_reference_and_its_stages() -> None:
    reference = load_case("video-recommendation")
    deck = build_deck([reference])
    whole = reference_svg(reference.diagram)
    name = media_name("video-recommendation", whole)
    assert deck.media[name] == whole and b"Scoring model" in whole
    assert re.fullmatch(r"mlsd-draw-video-recommendation-[0-9a-f]{12}\.svg", name)
    stages = stages_apart(reference.diagram)
    assert len(deck.media) == len(stages) + 1
    (note,) = deck.notes
    for stage in stages:
        assert f'<div class="stage-name">{stage.name}</div>' in note.fields[3]


def test_a_stage_picture_stays_readable_on_a_phone() -> None:
    """Each stage is drawn narrow; an <img> never shrinks its 12 pt labels below 10 px,
    and what does not fit a 400 px card scrolls sideways within its stage."""
    reference = load_case("chat-assistant")
    (note,) = build_deck([reference]).notes
    widths = [int(w) for w in re.findall(r"min-width: (\d+)px", note.fields[3])]
    assert len(widths) == len(stages_apart(reference.diagram)) + 1
    assert max(widths[:-1]) < 600  # stage pictures: about a phone's width


def test_front_and_back() -> None:
    reference = load_case("video-recommendation")
    (note,) = build_deck([reference], render_svg=fake_svg).notes
    case, title, prompt, picture, core = note.fields
    assert case == "video-recommendation"
    assert title == "Video recommendations on the home page"
    assert prompt.startswith("Design the personalised recommendations a YouTube-like platform")
    assert picture.startswith('<div class="stage-name">Data</div>')
    assert '<img src="mlsd-draw-video-recommendation-' in picture
    assert "<details><summary>The whole architecture</summary>" in picture
    assert core.startswith("<ul>\n<li><b>Two-tower candidate generator</b>: a light model")
    assert note.tags == ("mlsd-draw", "mlsd-draw::core")


def test_core_list_holds_only_weighted_components_heaviest_first_escaped() -> None:
    diagram = parse(
        'A [weight: 2; note: "uses <b> & \\"quotes\\""]\n'
        "B [weight: 3]\n"
        'C [note: "not core"]\n'
        "D [weight: 0]\n"
        "<script> [weight: 2.5]\n"
        "A -> B -> C -> D -> <script>\n"
    )
    assert core_list(diagram) == (
        "<ul>\n"
        "<li><b>B</b></li>\n"
        "<li><b>&lt;script&gt;</b></li>\n"
        "<li><b>A</b>: uses &lt;b&gt; &amp; &quot;quotes&quot;</li>\n"
        "</ul>"
    )
    assert core_list(parse("A -> B")) == ""


def test_every_text_of_a_reference_is_escaped() -> None:
    diagram = parse(
        '@case <b>case</b>\n@title <img src=x onerror=alert(1)>\n@prompt A & B "quoted"\nA -> B\n'
    )
    (note,) = build_deck([Reference(diagram, "mine.mlsd")], render_svg=fake_svg).notes
    assert note.fields[:3] == (
        "&lt;b&gt;case&lt;/b&gt;",
        "&lt;img src=x onerror=alert(1)&gt;",
        "A &amp; B &quot;quoted&quot;",
    )
    assert '<img src="mlsd-draw-b-case-b-' in note.fields[3]
    assert "<b>" not in note.fields[3]


def test_a_case_without_title_or_level() -> None:
    (note,) = build_deck([Reference(parse("A -> B"), "mine")], render_svg=fake_svg).notes
    assert note.fields[1] == "mine"
    assert note.fields[2] == ""
    assert note.tags == ("mlsd-draw",)


def test_two_references_with_one_case_id_are_refused() -> None:
    twice = [
        Reference(parse("@case same\nA -> B"), "one.mlsd"),
        Reference(parse("@case same\nC -> D"), "two.mlsd"),
    ]
    with pytest.raises(UsageError, match="two references have the case id 'same'"):
        build_deck(twice, render_svg=fake_svg)


def test_a_changed_picture_gets_a_new_media_name() -> None:
    assert media_name("x", b"<svg>1</svg>") == media_name("x", b"<svg>1</svg>")
    assert media_name("x", b"<svg>1</svg>") != media_name("x", b"<svg>2</svg>")


def test_the_build_is_deterministic() -> None:
    one = build_deck(shipped(), render_svg=fake_svg)
    two = build_deck(shipped(), render_svg=fake_svg)
    assert one == two


def test_write_is_atomic_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "deck.apkg"
    target.write_bytes(b"the previous deck")
    deck = build_deck([load_case("news-feed")], render_svg=fake_svg)
    write_deck(deck, target)
    assert zipfile.is_zipfile(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deck.apkg"]


def test_a_failed_write_keeps_the_old_file(tmp_path: Path) -> None:
    folder = tmp_path / "not-a-folder"
    folder.write_text("a file")
    with pytest.raises(UsageError, match="cannot write"):
        write_deck(build_deck([load_case("news-feed")], render_svg=fake_svg), folder / "deck.apkg")
    assert folder.read_text() == "a file"


def test_an_empty_deck_is_still_a_package(tmp_path: Path) -> None:
    data = deck_bytes(AnkiDeck(()))
    package = tmp_path / "empty.apkg"
    package.write_bytes(data)
    assert notes_in(package, tmp_path) == []
