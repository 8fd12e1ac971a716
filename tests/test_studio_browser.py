"""The studio end to end in a real browser: headless Chromium (Debian's) driven by Selenium.

A person picks a case, types an attempt with a mistake, sees it at its line, fixes it,
grades with Ctrl+Enter, finds the score `mlsd-draw grade --format json` gives the same
text, the diff picture and the missed list, then the attempt in the review view. A save
made in another editor shows up in the page. In the quiz a person answers a card, sees
its key points marked, rates it with a key and finds the card scheduled for later, as
`mlsd-draw quiz --list` shows it. Skipped without Chromium unless
MLSD_DRAW_REQUIRE_BROWSER=1 (CI sets it).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import headless_chromium, serve_studio

from mlsd_draw.cli import cli
from mlsd_draw.web.server import Studio

pytestmark = pytest.mark.browser

CASE = "visual-search"
SHOTS = os.environ.get("MLSD_DRAW_SHOTS")
"""A folder to keep the screenshots in (they go to the test's temporary folder anyway)."""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from headless_chromium()


@pytest.fixture
def studio(tmp_path: Path) -> Iterator[Studio]:
    folder = tmp_path / "attempts"
    folder.mkdir()
    yield from serve_studio(folder)


def wait(browser: Any, condition: Callable[[], Any], seconds: float = 20) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, seconds, poll_frequency=0.1).until(lambda _d: condition())


def size(browser: Any, width: int, height: int) -> None:
    browser.set_window_size(width, height)
    inner = browser.execute_script("return [window.innerWidth, window.innerHeight]")
    browser.set_window_size(width + width - inner[0], height + height - inner[1])


def shot(browser: Any, tmp_path: Path, name: str) -> None:
    browser.save_screenshot(str(tmp_path / f"{name}.png"))
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        browser.save_screenshot(str(Path(SHOTS) / f"{name}.png"))


def find(browser: Any, selector: str) -> Any:
    return browser.find_element("css selector", selector)


def click(browser: Any, selector: str) -> None:
    """Click an element of a list the page may redraw meanwhile (the cases are drawn when
    the page starts and again when the view opens): found again if it was replaced."""
    from selenium.common.exceptions import StaleElementReferenceException

    for _ in range(20):
        try:
            find(browser, selector).click()
            return
        except StaleElementReferenceException:
            time.sleep(0.1)
    find(browser, selector).click()


def texts(browser: Any, selector: str) -> list[str]:
    """The text of every element that matches, read at one moment (the page redraws)."""
    found: list[str] = browser.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.innerText)",
        selector,
    )
    return found


def page_errors(browser: Any) -> list[str]:
    """What the page reported as severe: a script error, a refused asset, a CSP block."""
    return [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]


def lines_marked(browser: Any, kind: str) -> list[str]:
    """The line numbers the gutter marks as `error` or `warning`."""
    found: list[str] = browser.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.dataset.line)",
        f"#editor .gutter .num.{kind}",
    )
    return found


def test_drill_fix_grade_and_review(browser: Any, studio: Studio, tmp_path: Path) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    size(browser, 1440, 900)
    browser.get(studio.url + "#drill")
    page_errors(browser)
    wait(browser, lambda: find(browser, f"button.case[data-case='{CASE}']"))
    shot(browser, tmp_path, "studio-drill-start-1440")
    click(browser, f"button.case[data-case='{CASE}']")
    editor = wait(browser, lambda: (e := find(browser, "#code")).is_enabled() and e)
    assert find(browser, "#q-title").text == "Visual search system"
    assert find(browser, "#timer").is_displayed()
    start_lines = editor.get_attribute("value").count("\n")
    wait(browser, lambda: "Write the architecture" in find(browser, "#check-status").text)
    assert lines_marked(browser, "error") == []  # a drill just begun is not wrong yet
    # an attempt typed with a mistake on its last line: an arrow with no target
    editor.send_keys(
        "Query image -> Preprocessing -> Embedding generation service\n"
        "Embedding generation service -> Nearest neighbor service ->"
    )
    bad_line = str(start_lines + 2)
    wait(browser, lambda: lines_marked(browser, "error") == [bad_line])
    assert f"line {bad_line}" in find(browser, "#problems").text
    assert "arrow has no target" in find(browser, "#problems").text
    shot(browser, tmp_path, "studio-drill-error-1440")
    editor.send_keys(Keys.BACKSPACE * 3)  # the fix: the dangling arrow goes
    editor.send_keys(
        "\nNearest neighbor service -> Re-ranking -> Results\n"
        "Image store -> Indexing pipeline -> Index -> Nearest neighbor service\n"
    )
    wait(browser, lambda: "ok:" in find(browser, "#check-status").text)
    assert lines_marked(browser, "error") == []
    editor.send_keys(Keys.CONTROL, Keys.ENTER)
    wait(browser, lambda: find(browser, "#score").text, seconds=60)

    # the same score as `mlsd-draw grade --format json` on the same text
    text = (studio.folder / f"{CASE}.mlsd").read_text(encoding="utf-8")
    assert text == editor.get_attribute("value")
    copy = tmp_path / "copy.mlsd"
    copy.write_text(text, encoding="utf-8")
    args = ["grade", str(copy), "--format", "json", "--no-save", "--no-render"]
    expected = json.loads(CliRunner().invoke(cli, args).stdout)
    shown = float(find(browser, "#score").text.split("/")[0])
    assert shown == round(expected["score"], 1)
    assert find(browser, "#rating").text.startswith("Rated ")
    assert "Recorded: rated" in find(browser, "#review-line").text
    missed = texts(browser, "#missed-list > li")
    assert len(missed) == len(expected["nodes"]["missing"]) > 0
    nodes = browser.find_elements("css selector", "#picture svg g.node")
    assert len(nodes) > 10
    picture = browser.execute_script(
        "var b = document.getElementById('picture').getBoundingClientRect();"
        "var s = document.querySelector('#picture svg').getBoundingClientRect();"
        "return [b.left, b.right, s.left, s.right];"
    )
    assert picture[2] >= picture[0] - 1 and picture[3] <= picture[1] + 1  # fitted
    # hovering one of your boxes lights up the component it stands for
    box = find(browser, "#picture svg g.node[id^='a-']")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
    ActionChains(browser).move_to_element(box).perform()
    lit = browser.execute_script(
        "return Array.from(document.querySelectorAll('#picture .hl')).map(g => g.id)"
    )
    assert len(lit) == 2 and any(i.startswith("r-") for i in lit)
    before = browser.execute_script("return document.querySelector('#picture svg').clientWidth")
    find(browser, "[data-zoom='in']").click()
    after = browser.execute_script("return document.querySelector('#picture svg').clientWidth")
    assert after > 1.4 * before
    find(browser, "[data-zoom='fit']").click()
    shot(browser, tmp_path, "studio-drill-graded-1440")

    # the review view shows the attempt
    find(browser, "#nav-review").click()
    wait(browser, lambda: texts(browser, "#history-rows tr td.case"))
    row = texts(browser, "#history-rows tr")[0]
    assert "Visual search system" in row and f"{expected['score']:.1f}" in row
    assert find(browser, f"figure.chart[data-case='{CASE}'] svg circle")
    assert "Visual search system" in find(browser, "#schedule").text
    assert texts(browser, "#most-missed li")
    shot(browser, tmp_path, "studio-review-1440")
    assert page_errors(browser) == []


def marked(browser: Any) -> list[str]:
    """The key points shown once the answer is marked (none before)."""
    if find(browser, "#quiz-marked").get_attribute("hidden") is not None:
        return []
    return texts(browser, "#quiz-points li .point")


def card_id(browser: Any) -> str:
    """The id of the quiz card asked now."""
    shown: str = find(browser, "#quiz-card").get_attribute("data-card")
    return shown


def test_quiz_answer_mark_rate_and_review(browser: Any, studio: Studio, tmp_path: Path) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select

    from mlsd_draw.app.practice import now
    from mlsd_draw.app.quiz import card_list, find_card, mark_answer

    size(browser, 1440, 900)
    browser.get(studio.url + "#quiz")
    wait(browser, lambda: find(browser, "#quiz-front").text)
    first = card_id(browser)
    card = find_card(first)
    assert find(browser, "#quiz-front").text == card.front
    assert find(browser, "#nav-quiz").get_attribute("aria-current") == "page"
    assert "0 done · 20 left" in find(browser, "#quiz-count").text
    assert find(browser, "#quiz-selection").get_attribute("value") == "all"
    shot(browser, tmp_path, "studio-quiz-ask-1440")
    # an answer naming two of its key points in other words' order, sent with Ctrl+Enter
    typed = f"{card.key_points[1]}; and {card.key_points[0]}"
    answer = find(browser, "#quiz-answer")
    answer.send_keys(typed)
    answer.send_keys(Keys.CONTROL, Keys.ENTER)
    wait(browser, lambda: marked(browser))
    expected = mark_answer(card, typed)
    marks = browser.execute_script(
        "return Array.from(document.querySelectorAll('#quiz-points li'))"
        ".map(li => [li.querySelector('.point').textContent, li.className])"
    )
    assert marks == [[m.point, "covered" if m.covered else "missed"] for m in expected.marks]
    assert marks[0][1] == marks[1][1] == "covered"
    mentioned = sum(m.covered for m in expected.marks)
    assert f"{mentioned} of {len(card.key_points)}" in find(browser, "#quiz-points-head").text
    assert card.answer.splitlines()[0].split(": ")[-1] in find(browser, "#quiz-model").text
    names = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
    assert expected.suggested is not None
    suggested = find(browser, "#quiz-ratings button.suggested")
    assert suggested.get_attribute("data-rating") == names[expected.suggested]
    assert find(browser, "#quiz-answer").get_attribute("readonly") is not None
    shot(browser, tmp_path, "studio-quiz-marked-1440")
    # key 3 rates it Good: recorded, and the next card comes
    ActionChains(browser).send_keys("3").perform()
    wait(browser, lambda: "Recorded Good" in find(browser, "#quiz-last").text)
    wait(browser, lambda: card_id(browser) != first)
    assert "1 done · 19 left" in find(browser, "#quiz-count").text
    assert "good" in find(browser, "#quiz-round li:first-child").get_attribute("class")
    state = next(c for c in card_list() if c.card.id == first)
    assert state.reviews == 1 and state.due is not None and state.due > now()
    listed = json.loads(CliRunner().invoke(cli, ["quiz", "--list", "--format", "json"]).stdout)
    assert next(c for c in listed if c["id"] == first)["due"] == state.due.isoformat()
    # the next one said out loud: nothing to mark, nothing suggested; rated with a click
    second = card_id(browser)
    find(browser, "#quiz-aloud").click()
    wait(browser, lambda: marked(browser))
    assert "did you say these" in find(browser, "#quiz-points-head").text
    nothing = "#quiz-points li.covered, #quiz-ratings .suggested"
    assert browser.find_elements("css selector", nothing) == []
    shot(browser, tmp_path, "studio-quiz-aloud-1440")
    find(browser, "#quiz-ratings [data-rating='Easy']").click()
    wait(browser, lambda: card_id(browser) != second)
    assert next(c for c in card_list() if c.card.id == second).reviews == 1
    # a selection: one case's cards, its framing first
    Select(find(browser, "#quiz-selection")).select_by_value(CASE)
    wait(browser, lambda: card_id(browser) == f"framing:{CASE}")
    assert "0 done" in find(browser, "#quiz-count").text

    # the review view counts the cards by kind: the two answered are due later
    find(browser, "#nav-review").click()
    wait(browser, lambda: texts(browser, "#quiz-counts tbody tr"))
    rows = {r.split()[0]: r for r in texts(browser, "#quiz-counts tbody tr")}
    later = browser.execute_script(
        "return Array.from(document.querySelectorAll('#quiz-counts tbody tr'))"
        ".map(tr => Number(tr.children[3].textContent))"
    )
    assert sum(later) == 2 and set(rows) == {"Trade-offs", "Framing", "Why"}
    shot(browser, tmp_path, "studio-review-quiz-1440")
    find(browser, "#quiz-counts tr[data-kind='tradeoff'] button").click()
    wait(browser, lambda: find(browser, "#quiz-selection").get_attribute("value") == "tradeoffs")
    wait(browser, lambda: card_id(browser).startswith("tradeoff:"))
    assert page_errors(browser) == []


def test_a_save_in_another_editor_reaches_the_page(browser: Any, studio: Studio) -> None:
    path = studio.folder / "mine.mlsd"
    path.write_text("@case visual-search\nQuery image -> Results\n", encoding="utf-8")
    size(browser, 1440, 900)
    browser.get(studio.url + "#drill")
    button = wait(browser, lambda: find(browser, "button.file[data-name='mine.mlsd']"))
    button.click()
    editor = wait(browser, lambda: (e := find(browser, "#code")).is_enabled() and e)
    wait(browser, lambda: "Query image" in editor.get_attribute("value"))
    assert not find(browser, "#hints").get_attribute("hidden")  # its @case gives hints
    wait(browser, lambda: find(browser, "#editor").get_attribute("data-watching") == "mine.mlsd")
    time.sleep(0.5)  # let the watcher settle
    swap = path.with_name(".mine.mlsd.swp")  # saved as vim saves: write, then rename
    swap.write_text("@case visual-search\nQuery image -> Results ->\n", encoding="utf-8")
    swap.replace(path)
    wait(browser, lambda: editor.get_attribute("value").endswith("Results ->\n"))
    wait(browser, lambda: lines_marked(browser, "error") == ["2"])
    assert "updated from your editor" in find(browser, "#save-state").text
    assert page_errors(browser) == []


def test_a_phone_gets_every_view_in_one_column(
    browser: Any, studio: Studio, tmp_path: Path
) -> None:
    size(browser, 400, 860)
    browser.get(studio.url + "#drill")
    wait(browser, lambda: find(browser, f"button.case[data-case='{CASE}']"))
    shot(browser, tmp_path, "studio-drill-start-400")
    click(browser, f"button.case[data-case='{CASE}']")
    editor = wait(browser, lambda: (e := find(browser, "#code")).is_enabled() and e)
    editor.send_keys("Query image -> Embedding generation service -> Results\n")
    wait(browser, lambda: "ok:" in find(browser, "#check-status").text)
    find(browser, "#grade-button").click()
    wait(browser, lambda: find(browser, "#score").text, seconds=60)
    shot(browser, tmp_path, "studio-drill-graded-400")
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= 400  # nothing pushes the page sideways
    find(browser, "#nav-review").click()
    wait(browser, lambda: texts(browser, "#history-rows tr td.case"))
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= 400
    shot(browser, tmp_path, "studio-review-400")
    find(browser, "#nav-quiz").click()
    wait(browser, lambda: find(browser, "#quiz-front").text)
    shot(browser, tmp_path, "studio-quiz-ask-400")
    find(browser, "#quiz-answer").send_keys("calibrated click probability, log loss")
    find(browser, "#quiz-show").click()
    wait(browser, lambda: marked(browser))
    shot(browser, tmp_path, "studio-quiz-marked-400")
    rate = find(browser, "#quiz-ratings [data-rating='Hard']")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", rate)
    shot(browser, tmp_path, "studio-quiz-rate-400")
    buttons = browser.execute_script(
        "return Array.from(document.querySelectorAll('#quiz-ratings button'))"
        ".map(b => Math.round(b.getBoundingClientRect().top))"
    )
    assert len(set(buttons)) == 1  # the four ratings side by side
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= 400
    asked = card_id(browser)
    rate.click()
    wait(browser, lambda: card_id(browser) != asked)
    assert page_errors(browser) == []


def test_names_stay_text(browser: Any, studio: Studio) -> None:
    markup = "<img src=x onerror=alert(1)>"
    path = studio.folder / f"{markup}.mlsd"
    path.write_text(f'@case visual-search\n"{markup}" -> Results\n', encoding="utf-8")
    size(browser, 1440, 900)
    browser.get(studio.url + "#drill")
    button = wait(browser, lambda: find(browser, "button.file"))
    assert button.text == path.name
    button.click()
    wait(browser, lambda: find(browser, "#file-name").text == path.name)
    wait(browser, lambda: "ok:" in find(browser, "#check-status").text)
    find(browser, "#grade-button").click()
    wait(browser, lambda: find(browser, "#score").text, seconds=60)
    drawn = browser.execute_script("return document.querySelector('#picture svg').textContent")
    assert markup in drawn  # your box, drawn with its name as text
    assert browser.execute_script("return document.querySelectorAll('img').length") == 0
    assert browser.title == "mlsd-draw studio"
    assert page_errors(browser) == []
