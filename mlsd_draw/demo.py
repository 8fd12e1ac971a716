"""The demo behind `mlsd-draw demo`: the main job run on a bundled example, end to end."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from .files import write_text_atomically
from .language import parse
from .rendering import diagram_to_dot, write_image

EXAMPLE = "video-recommendation-attempt.mlsd"


def example_text(name: str = EXAMPLE) -> str:
    """The text of a bundled example diagram."""
    return files("mlsd_draw").joinpath("examples").joinpath(name).read_text(encoding="utf-8")


def run_demo(output_dir: Path) -> list[Path]:
    """Copy the bundled example into `output_dir` and draw it; returns the files written."""
    output_dir.mkdir(parents=True, exist_ok=True)
    text = example_text()
    source = write_text_atomically(output_dir / EXAMPLE, text)
    diagram = parse(text, path=str(source))
    image = write_image(diagram_to_dot(diagram), output_dir / "video-recommendation.svg")
    return [source, image]
