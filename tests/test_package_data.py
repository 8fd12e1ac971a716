"""Files shipped in the package are read from their folder, or through importlib.resources
when the package is not a folder (a zip archive)."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import pytest

from mlsd_draw.core.package_data import package_folder


def test_an_installed_package_is_read_from_its_folder_on_disk() -> None:
    folder = package_folder("mlsd_draw.reference_graphs")
    assert isinstance(folder, Path) and folder.is_dir()
    assert folder.joinpath("video-recommendation.mlsd").read_text(encoding="utf-8").strip()
    grading = package_folder("mlsd_draw.grading")
    assert isinstance(grading, Path) and (grading / "vocabulary.toml").is_file()


def test_a_package_inside_a_zip_archive_is_read_through_importlib_resources(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = tmp_path / "zipped.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("zipped_pkg/__init__.py", "")
        zipped.writestr("zipped_pkg/data.txt", "inside the zip\n")
    monkeypatch.syspath_prepend(str(archive))
    monkeypatch.delitem(sys.modules, "zipped_pkg", raising=False)
    folder = package_folder("zipped_pkg")
    assert not isinstance(folder, Path)
    assert folder.joinpath("data.txt").read_text(encoding="utf-8") == "inside the zip\n"
