"""The demo behind `mlsd-draw demo`: the main job run on a bundled example, end to end."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from .files import write_text_atomically
from .language import parse
from .references import load_case
from .rendering import diagram_to_dot, write_image
from .scoring import Grade, grade

EXAMPLE = "video-recommendation-attempt.mlsd"


@dataclass(frozen=True)
class DemoResult:
    """What the demo produced: the grade, and the files it wrote."""

    grade: Grade
    written: tuple[Path, ...]


def example_text(name: str = EXAMPLE) -> str:
    """The text of a bundled example attempt."""
    return files("mlsd_draw").joinpath("examples").joinpath(name).read_text(encoding="utf-8")


def run_demo(output_dir: Path) -> DemoResult:
    """Grade the bundled attempt against its shipped reference and draw both.

    The attempt is copied into `output_dir` so a person can edit it and grade it again.
    """
    output_dir.mkdir(parents=True, exist_ok=True)
    text = example_text()
    source = write_text_atomically(output_dir / EXAMPLE, text)
    attempt = parse(text, path=str(source))
    reference = load_case(attempt.directives.case or "video-recommendation").diagram
    result = grade(reference, attempt)
    stem = source.name.removesuffix(".mlsd")
    images = (
        write_image(diagram_to_dot(attempt, title="Your recall"), output_dir / f"{stem}.svg"),
        write_image(diagram_to_dot(reference), output_dir / "reference.svg"),
    )
    return DemoResult(result, (source, *images))
