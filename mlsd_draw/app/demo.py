"""The demo behind `mlsd-draw demo`: the main job run on a bundled example, end to end."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..core.errors import UsageError
from ..core.files import write_text_atomically
from ..core.package_data import package_folder
from ..drawing.diff_image import default_diff_path, write_diff
from ..grading.scoring import Grade, grade
from ..language.parser import parse
from ..library.references import load_case
from .grading import rating_of
from .practice import rating_name

EXAMPLE = "video-recommendation-attempt.mlsd"


@dataclass(frozen=True)
class DemoResult:
    """What the demo produced: the grade, and the files it wrote."""

    grade: Grade
    written: tuple[Path, ...]


def example_text(name: str = EXAMPLE) -> str:
    """The text of a bundled example attempt."""
    return (
        package_folder("mlsd_draw").joinpath("examples").joinpath(name).read_text(encoding="utf-8")
    )


def run_demo(output_dir: Path) -> DemoResult:
    """Grade the bundled attempt against its shipped reference; write the diff picture and
    the HTML report. Nothing goes into the practice history.

    The attempt is copied into `output_dir` so a person can edit it and grade it again.
    """
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(
            f"cannot make the folder {output_dir}: {error.strerror}; choose another with -o"
        ) from None
    text = example_text()
    source = write_text_atomically(output_dir / EXAMPLE, text)
    attempt = parse(text, path=str(source))
    reference = load_case(attempt.directives.case or "video-recommendation").diagram
    result = grade(reference, attempt)
    picture = write_diff(result, default_diff_path(source))
    rating = rating_name(rating_of(result))
    report = write_diff(result, source.with_name(source.stem + ".report.html"), rating=rating)
    return DemoResult(result, (source, picture, report))
