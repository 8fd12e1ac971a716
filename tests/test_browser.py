"""The HTML report in a real browser: headless Chromium (Debian's) driven by Selenium.

At 1440x900 the verdict (score, rating, what you missed) must be on the first screen, the
picture must fit the page width, hovering a box must light up its counterpart, and zoom
must work. Skipped without Chromium unless MLSD_DRAW_REQUIRE_BROWSER=1 (CI sets it).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import headless_chromium
from test_picture_size import typical_attempt

from mlsd_draw.drawing.diff_image import write_diff
from mlsd_draw.grading.scoring import grade
from mlsd_draw.library.references import load_case


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from headless_chromium()


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    reference = load_case("ad-click-prediction").diagram
    result = grade(reference, typical_attempt(reference))
    assert len(result.missing) >= 3  # a list long enough to matter
    return write_diff(result, tmp_path_factory.mktemp("html") / "report.html", rating="Again")


def _open(browser: Any, path: Path, width: int, height: int) -> None:
    browser.set_window_size(width, height)
    browser.get(path.as_uri())
    # the window size includes the browser's frame: make the page's viewport exact
    inner = browser.execute_script("return [window.innerWidth, window.innerHeight]")
    browser.set_window_size(width + width - inner[0], height + height - inner[1])


def _rect(browser: Any, selector: str) -> dict[str, float]:
    rect: dict[str, float] = browser.execute_script(
        "var r = document.querySelector(arguments[0]).getBoundingClientRect();"
        "return {top: r.top, bottom: r.bottom, left: r.left, right: r.right};",
        selector,
    )
    return rect


def test_the_first_screen_holds_the_verdict(browser: Any, report: Path, tmp_path: Path) -> None:
    _open(browser, report, 1440, 900)
    for selector in ("#score", "#rating", "#missed"):
        rect = _rect(browser, selector)
        assert rect["top"] >= 0 and rect["bottom"] <= 900, (selector, rect)
    assert "Rated Again" in browser.find_element("css selector", "#rating").text
    missed = browser.find_element("css selector", "#missed").text
    assert "Continual training" in missed or "Model registry" in missed
    picture = _rect(browser, "#picture svg")
    assert picture["right"] <= 1440  # fitted to the page, no sideways scrolling
    browser.save_screenshot(str(tmp_path / "report-1440.png"))


def test_hover_lights_the_counterpart_and_zoom_works(browser: Any, report: Path) -> None:
    _open(browser, report, 1440, 900)
    from selenium.webdriver.common.action_chains import ActionChains

    box = browser.find_element("css selector", "#picture g.node[id^='r-']")
    partner = browser.execute_script(
        "return JSON.parse(document.getElementById('pairs').textContent)[arguments[0]]",
        box.get_attribute("id"),
    )
    assert partner
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
    ActionChains(browser).move_to_element(box).perform()
    lit = browser.execute_script(
        "return Array.from(document.querySelectorAll('.hl')).map(function (g) { return g.id; })"
    )
    assert sorted(lit) == sorted([box.get_attribute("id"), partner])
    before = _rect(browser, "#picture svg")
    browser.find_element("css selector", "[data-zoom='in']").click()
    after = _rect(browser, "#picture svg")
    assert after["right"] - after["left"] > 1.4 * (before["right"] - before["left"])


def test_hover_lights_a_box_with_a_note_too(browser: Any, report: Path) -> None:
    """A box with a note draws its shape inside a link (`<a>`, for the tooltip): lit up,
    that shape gets the highlight too, as a box without a note does."""
    _open(browser, report, 1440, 900)
    from selenium.webdriver.common.action_chains import ActionChains

    box_id = browser.execute_script(
        "var pairs = JSON.parse(document.getElementById('pairs').textContent);"
        "var boxes = Array.from(document.querySelectorAll('#picture g.node'));"
        "var noted = boxes.find(function (g) { return g.querySelector('a') && pairs[g.id]; });"
        "return noted ? noted.id : null;"
    )
    assert box_id, "the report has a paired box with a note"
    box = browser.find_element("id", box_id)
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
    ActionChains(browser).move_to_element(box).perform()
    widths = browser.execute_script(
        "return Array.from(document.querySelectorAll('#picture .hl'))"
        ".map(function (g) { var s = g.querySelector('polygon, ellipse, path, polyline');"
        " return [g.id, !!g.querySelector('a'), getComputedStyle(s).strokeWidth]; })"
    )
    assert len(widths) == 2 and any(noted for _id, noted, _w in widths), widths
    assert all(width == "5px" for _id, _noted, width in widths), widths


def test_a_phone_sees_the_verdict_first(browser: Any, report: Path, tmp_path: Path) -> None:
    _open(browser, report, 400, 800)
    assert _rect(browser, "#score")["bottom"] <= 800
    page_width = browser.execute_script("return document.documentElement.scrollWidth")
    assert page_width <= 400  # nothing pushes the page sideways
    browser.save_screenshot(str(tmp_path / "report-400.png"))
