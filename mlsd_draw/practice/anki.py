"""An Anki deck of the reference architectures, for people who already review with Anki.

One note per case: the front asks the interview question (title and prompt); the back
shows the reference stage by stage, each stage a picture narrow enough for a phone with
its arrows to other stages in words, then the whole architecture in one picture (folded),
and, as a list, why each core component (weight above 1) is there. Building the deck
(:func:`build_deck`) is pure: it returns the notes and the picture bytes.
:func:`write_deck` turns them into an `.apkg` file, written atomically. The quiz cards
(trade-offs, framings, why each component is there) join the same deck with a note type
of their own (:mod:`mlsd_draw.practice.anki_cards`).

Identity is fixed so that importing a newer export updates the cards instead of adding
copies: the note model and the deck have constant ids, and each note's GUID is derived
from its case id alone. A picture's file name holds a hash of its bytes, so a changed
reference brings a new picture rather than an image Anki already has under that name.
"""

from __future__ import annotations

import hashlib
import html
import io
import itertools
import json
import math
import re
import sqlite3
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import genanki  # type: ignore[import-untyped, unused-ignore]

from ..core.errors import UsageError
from ..core.files import write_bytes_atomically
from ..drawing.layout import drawing_dot, narrow_style, stages_apart
from ..drawing.rendering import render_dot
from ..language.model import Diagram, slugify
from ..library.cards import Card
from ..library.references import Reference
from .anki_cards import AnkiCardNote, card_note_model, card_notes

MODEL_ID = 1_730_462_815
"""The id of the note type; never change it, or re-imports duplicate every card."""

DECK_ID = 1_730_462_816
"""The id of the deck; never change it, or re-imports create a second deck."""

DECK_NAME = "mlsd-draw references"
MODEL_NAME = "mlsd-draw reference"
GUID_NAMESPACE = "mlsd-draw"
"""Mixed into every GUID, so a case id never collides with another deck's notes."""

FIELDS = ("Case", "Title", "Prompt", "Picture", "Core")

_CSS = """\
.card { font-family: Helvetica, Arial, sans-serif; font-size: 18px; color: #1f2733;
        background: white; text-align: left; }
.title { font-size: 22px; font-weight: bold; margin-bottom: 0.5em; }
.prompt { line-height: 1.4; }
.picture { overflow-x: auto; }
.picture img { width: 100%; height: auto; }
.stage-name { font-weight: bold; margin: 0.8em 0 0.2em; }
.links { color: #5b6675; font-size: 15px; margin: 0.2em 0 0.6em; padding-left: 1.2em; }
.core li { margin: 0.3em 0; }
"""
_FRONT = '<div class="title">{{Title}}</div>\n<div class="prompt">{{Prompt}}</div>'
_BACK = (
    '{{FrontSide}}\n<hr id="answer">\n<div class="picture">{{Picture}}</div>\n'
    '<div class="core">{{Core}}</div>'
)


@dataclass(frozen=True)
class AnkiNote:
    """One card's content: fields as HTML (every text from a reference escaped)."""

    case: str
    guid: str
    fields: tuple[str, ...]
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class AnkiDeck:
    """The notes of a deck and the media they show (file name -> bytes)."""

    notes: tuple[AnkiNote, ...]
    media: Mapping[str, bytes] = field(default_factory=dict)
    cards: tuple[AnkiCardNote, ...] = ()
    """The quiz cards, notes of their own type."""


def reference_svg(diagram: Diagram) -> bytes:
    """The reference drawn as SVG, as `mlsd-draw show` draws it (no system Graphviz needed)."""
    return render_dot(drawing_dot(diagram), "svg")


def stage_svg(diagram: Diagram) -> bytes:
    """One stage drawn on its own for a phone: the same layout, names wrapped narrower."""
    return render_dot(drawing_dot(diagram, title="", style=narrow_style()), "svg")


READABLE = 10 / 16
"""The least share of its natural size a picture is shown at: 12 pt labels (16 px) stay at
10 px or more. A picture wider than the card scrolls sideways rather than shrinking."""


def _image(name: str, picture: bytes) -> str:
    """An <img> of a picture that never shrinks its labels below READABLE."""
    match = re.search(rb'<svg width="([\d.]+)pt"', picture)
    natural = float(match.group(1)) * 4 / 3 if match else 0.0
    least = f' style="min-width: {math.ceil(natural * READABLE)}px"' if natural else ""
    return f'<img src="{html.escape(name)}"{least}>'


def note_guid(case_id: str) -> str:
    """The GUID of a case's note: the same on every export, so a re-import updates it."""
    guid: str = genanki.guid_for(GUID_NAMESPACE, case_id)
    return guid


def media_name(case_id: str, picture: bytes) -> str:
    """The picture's file name in the package: the case and a hash of the bytes.

    Anki keeps media by name, so an edited reference needs a new name to be shown; an
    unchanged one keeps its name, and re-importing changes nothing.
    """
    digest = hashlib.sha256(picture).hexdigest()[:12]
    return f"mlsd-draw-{slugify(case_id) or 'case'}-{digest}.svg"


def core_list(diagram: Diagram) -> str:
    """The core components (weight above 1), heaviest first, each with its note, as HTML."""
    core = sorted(
        (node for node in diagram.nodes if node.weight > 1),
        key=lambda node: -node.weight,
    )
    if not core:
        return ""
    items = []
    for node in core:
        name = f"<b>{html.escape(node.label)}</b>"
        items.append(
            f"<li>{name}: {html.escape(node.note)}</li>" if node.note else f"<li>{name}</li>"
        )
    return "<ul>\n" + "\n".join(items) + "\n</ul>"


def build_deck(
    cases: Iterable[Reference],
    *,
    render_svg: Callable[[Diagram], bytes] = reference_svg,
    render_stage: Callable[[Diagram], bytes] = stage_svg,
    cards: Iterable[Card] = (),
) -> AnkiDeck:
    """The deck for `cases`: one note per case, the whole picture drawn by `render_svg`
    and each stage's by `render_stage`; and one note per quiz card of `cards`.

    Front: the title (the case id if there is none) and the prompt. Back: the stages, the
    whole picture and :func:`core_list`. UsageError when two references share a case id,
    which would give two notes one GUID.
    """
    notes: list[AnkiNote] = []
    media: dict[str, bytes] = {}
    seen: set[str] = set()
    for reference in cases:
        case_id = reference.case
        if case_id in seen:
            raise UsageError(f"two references have the case id '{case_id}': a deck needs one each")
        seen.add(case_id)
        diagram = reference.diagram
        sections = []
        for stage in stages_apart(diagram):
            drawn = render_stage(stage.diagram)
            drawn_name = media_name(case_id, drawn)
            media[drawn_name] = drawn
            links = "".join(f"<li>{html.escape(link)}</li>" for link in stage.links)
            sections.append(
                f'<div class="stage-name">{html.escape(stage.name)}</div>'
                f'<div class="picture">{_image(drawn_name, drawn)}</div>'
                + (f'<ul class="links">{links}</ul>' if links else "")
            )
        picture = render_svg(diagram)
        name = media_name(case_id, picture)
        media[name] = picture
        sections.append(
            "<details><summary>The whole architecture</summary>"
            f'<div class="picture">{_image(name, picture)}</div></details>'
        )
        directives = diagram.directives
        tags = ["mlsd-draw"]
        if directives.level and slugify(directives.level):
            tags.append(f"mlsd-draw::{slugify(directives.level)}")
        notes.append(
            AnkiNote(
                case=case_id,
                guid=note_guid(case_id),
                fields=(
                    html.escape(case_id),
                    html.escape(directives.title or case_id),
                    html.escape(directives.prompt or ""),
                    "\n".join(sections),
                    core_list(diagram),
                ),
                tags=tuple(tags),
            )
        )
    return AnkiDeck(tuple(notes), media, card_notes(cards))


def note_model() -> Any:
    """The genanki note type: fields :data:`FIELDS`, one card, fixed id :data:`MODEL_ID`."""
    return genanki.Model(
        MODEL_ID,
        MODEL_NAME,
        fields=[{"name": name} for name in FIELDS],
        templates=[{"name": "Architecture", "qfmt": _FRONT, "afmt": _BACK}],
        css=_CSS,
        sort_field_index=FIELDS.index("Title"),
    )


def to_package(deck: AnkiDeck, media_folder: Path) -> Any:
    """A `genanki.Package` of the deck; its media files are written into `media_folder`
    (genanki packs media from files), which must outlive the package's use."""
    model = note_model()
    anki_deck = genanki.Deck(DECK_ID, DECK_NAME)
    for note in deck.notes:
        anki_deck.add_note(
            genanki.Note(
                model=model, fields=list(note.fields), guid=note.guid, tags=list(note.tags)
            )
        )
    card_model = card_note_model()
    for card in deck.cards:
        anki_deck.add_note(
            genanki.Note(
                model=card_model, fields=list(card.fields), guid=card.guid, tags=list(card.tags)
            )
        )
    paths = []
    for name, data in deck.media.items():
        path = media_folder / name
        path.write_bytes(data)
        paths.append(str(path))
    return genanki.Package(anki_deck, media_files=paths)


def deck_bytes(deck: AnkiDeck, *, timestamp: float | None = None) -> bytes:
    """The `.apkg` file of the deck: a zip of `collection.anki2` (SQLite), `media` (the
    index of media files) and the media files, as `genanki.Package.write_to_file` lays it
    out, but with every temporary file removed afterwards (genanki leaves its database in
    the system's temporary folder). `timestamp` (seconds) fixes the note and card ids."""
    stamp = time.time() if timestamp is None else timestamp
    with tempfile.TemporaryDirectory(prefix="mlsd-draw-anki-") as folder:
        work = Path(folder)
        media_folder = work / "media"
        media_folder.mkdir()
        package = to_package(deck, media_folder)
        database = work / "collection.anki2"
        connection = sqlite3.connect(database)
        try:
            package.write_to_db(connection.cursor(), stamp, itertools.count(int(stamp * 1000)))
            connection.commit()
        finally:
            connection.close()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(database, "collection.anki2")
            names = list(deck.media)
            archive.writestr("media", json.dumps({str(i): name for i, name in enumerate(names)}))
            for index, name in enumerate(names):
                archive.write(media_folder / name, str(index))
        return buffer.getvalue()


def write_deck(deck: AnkiDeck, path: str | Path, *, timestamp: float | None = None) -> Path:
    """Write the deck as an `.apkg` file at `path`, atomically: through a temporary file in
    the same folder and a rename, so a failed export never leaves a broken deck behind.
    UsageError when the file cannot be written."""
    target = Path(path)
    data = deck_bytes(deck, timestamp=timestamp)
    try:
        return write_bytes_atomically(target, data)
    except OSError as error:
        raise UsageError(f"cannot write {target}: {error.strerror or error}") from None
