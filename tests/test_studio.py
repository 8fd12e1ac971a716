"""The studio's endpoints: every route answers as the CLI does, and every refusal holds.

The app runs in Starlette's TestClient (no socket); requests carry the Host and Origin a
browser on the studio's own page sends. The history is a private one (conftest).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from mlsd_draw.app.folder import MAX_TEXT
from mlsd_draw.cli import cli
from mlsd_draw.web.site import create_app

PORT = 8799
ORIGIN = f"http://127.0.0.1:{PORT}"
CASE = "visual-search"
ATTEMPT = (
    "@case visual-search\n"
    "Serving {\n"
    "  Query image -> Preprocessing -> Embedding generation service -> "
    "Nearest neighbor service -> Re-ranking -> Results\n"
    "}\n"
    "Indexing {\n"
    "  Image store -> Indexing pipeline -> Index\n"
    "}\n"
    "Index -> Nearest neighbor service\n"
)
BROKEN = "@case visual-search\nQuery image -> Embedding model ->\nIndex -> Results\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "attempts"
    target.mkdir()
    return target


@pytest.fixture
def client(folder: Path) -> Iterator[TestClient]:
    app = create_app(folder, port=PORT, max_body=64 * 1024)
    with TestClient(app, base_url=ORIGIN, headers={"Origin": ORIGIN}) as test_client:
        yield test_client


def post(client: TestClient, path: str, document: Any, **headers: str) -> Any:
    return client.post(path, content=json.dumps(document), headers={
        "Content-Type": "application/json", **headers})  # fmt: skip


# -- the page and its assets ---------------------------------------------------------


def test_the_page_and_its_assets_come_from_the_package(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    policy = page.headers["content-security-policy"]
    for rule in ("default-src 'none'", "script-src 'self'", "connect-src 'self'",
                 "frame-ancestors 'none'"):  # fmt: skip
        assert rule in policy
    assert page.headers["x-content-type-options"] == "nosniff"
    local = re.findall(r'(?:src|href)="([^"]*)"', page.text)
    assert local and all(ref.startswith(("/static/", "#", "data:")) for ref in local), local
    for ref in (r for r in local if r.startswith("/static/")):
        assert client.get(ref).status_code == 200, ref


def test_no_asset_reaches_the_network_and_every_one_is_packaged() -> None:
    static = files("mlsd_draw.web").joinpath("static")
    shipped = [p for p in Path(str(static)).rglob("*") if p.is_file()]
    assert {p.suffix for p in shipped} == {".html", ".css", ".js"}
    pyproject = (Path(__file__).parent.parent / "pyproject.toml").read_text(encoding="utf-8")
    for path in shipped:
        text = path.read_text(encoding="utf-8")
        urls = set(re.findall(r"https?://[^\s'\"`)]+", text))
        assert urls <= {"http://www.w3.org/2000/svg"}, (path.name, urls)
        assert "innerHTML" not in text and "outerHTML" not in text, path.name
        relative = path.relative_to(Path(str(static)).parent).as_posix()
        glob = f'"{relative.rsplit("/", 1)[0]}/*{path.suffix}"'
        assert glob in pyproject, f"{relative} is not in the package data"
    imports = re.findall(r"from '([^']+)'", (Path(str(static)) / "js" / "studio.js").read_text())
    assert imports and all(i.startswith("./") for i in imports)


# -- the drill view's endpoints ------------------------------------------------------


def test_cases_come_in_the_order_of_next(client: TestClient, folder: Path) -> None:
    menu = client.get("/api/cases").json()
    assert menu["due"] == [] and menu["later"] == []
    ids = [c["case"] for c in menu["new"]]
    printed = json.loads(CliRunner().invoke(cli, ["next", "--format", "json"]).stdout)
    assert CASE in ids and ids == [c["case"] for c in printed["new"]]
    entry = next(c for c in menu["new"] if c["case"] == CASE)
    assert entry["title"] == "Visual search system" and entry["components"] > 10
    # graded long ago, the case is due now and comes first
    runner = CliRunner()
    path = folder / "old.mlsd"
    path.write_text(ATTEMPT, encoding="utf-8")
    env = {"MLSD_DRAW_NOW": "2020-01-01T09:00:00"}
    assert runner.invoke(cli, ["grade", str(path), "--no-render"], env=env).exit_code == 0
    menu = client.get("/api/cases").json()
    assert [c["case"] for c in menu["due"]] == [CASE]
    assert CASE not in [c["case"] for c in menu["new"]]


def test_files_lists_the_mlsd_files_inside_the_folder_only(
    client: TestClient, folder: Path, tmp_path: Path
) -> None:
    (folder / "b.mlsd").write_text("A -> B\n", encoding="utf-8")
    (folder / "notes.txt").write_text("not a diagram\n", encoding="utf-8")
    (folder / "sub").mkdir()
    (folder / "sub" / "a.mlsd").write_text("A -> B\n", encoding="utf-8")
    (folder / ".hidden").mkdir()
    (folder / ".hidden" / "c.mlsd").write_text("A -> B\n", encoding="utf-8")
    outside = tmp_path / "secret.mlsd"
    outside.write_text("Secret -> Stuff\n", encoding="utf-8")
    (folder / "link.mlsd").symlink_to(outside)
    listing = client.get("/api/files").json()
    assert listing["folder"] == str(folder.resolve())
    assert [f["name"] for f in listing["files"]] == ["b.mlsd", "sub/a.mlsd"]
    assert not listing["truncated"]


def test_a_file_is_read_with_its_check_and_its_open_drill(client: TestClient) -> None:
    drill = post(client, "/api/drill", {"case": CASE}).json()
    document = client.get("/api/file", params={"name": drill["name"]}).json()
    assert document["text"] == drill["text"]
    assert not document["check"]["parses"]  # as `check` says: no component yet
    assert document["check"]["empty"] and document["check"]["case"] == CASE
    assert document["drill"]["started_at"][:19] == drill["started_at"][:19]  # to the second
    assert document["drill"]["minutes"] == drill["minutes"]
    assert document["drill"]["case"] == CASE
    assert client.get("/api/file", params={"name": "nothing.mlsd"}).status_code == 404
    assert client.get("/api/file").status_code == 400


def test_saving_a_file_writes_it_and_checks_it(client: TestClient, folder: Path) -> None:
    answer = post(client, "/api/file", {"name": "mine.mlsd", "text": BROKEN})
    assert answer.status_code == 200
    assert (folder / "mine.mlsd").read_text(encoding="utf-8") == BROKEN
    problems = answer.json()["check"]["diagnostics"]
    assert [(p["severity"], p["line"]) for p in problems] == [("error", 2)]
    roomy = TestClient(create_app(folder, port=PORT), base_url=ORIGIN, headers={"Origin": ORIGIN})
    too_long = post(roomy, "/api/file", {"name": "mine.mlsd", "text": "A\n" * (MAX_TEXT // 2 + 1)})
    assert too_long.status_code == 400 and "too long" in too_long.json()["error"]
    assert (folder / "mine.mlsd").read_text(encoding="utf-8") == BROKEN
    assert post(client, "/api/file", {"name": "sub/x.mlsd", "text": "A\n"}).status_code == 404


def test_check_finds_what_the_check_command_finds(client: TestClient, tmp_path: Path) -> None:
    text = BROKEN + "Lonely box\nA --> B\n"
    checked = post(client, "/api/check", {"name": "x.mlsd", "text": text}).json()
    path = tmp_path / "x.mlsd"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(path)])
    printed = re.findall(r":(\d+):(\d+): (error|warning): (.*)", result.output)
    assert printed  # the command reports them all, each with its line and column
    assert [(str(p["line"]), str(p["column"]), p["severity"], p["message"])
            for p in checked["diagnostics"]] == printed  # fmt: skip
    assert not checked["empty"]
    ok = post(client, "/api/check", {"name": "x.mlsd", "text": ATTEMPT}).json()
    assert ok["parses"] and ok["case"] == CASE and ok["diagnostics"] == []
    assert ok["components"] == 9 and ok["groups"] == 2


def test_a_drill_writes_its_file_and_never_overwrites_one(client: TestClient, folder: Path) -> None:
    started = post(client, "/api/drill", {"case": CASE})
    assert started.status_code == 200
    drill = started.json()
    assert drill["name"] == f"{CASE}.mlsd" and drill["title"] == "Visual search system"
    assert drill["prompt"] and drill["minutes"] >= 10
    assert (folder / drill["name"]).read_text(encoding="utf-8") == drill["text"]
    (folder / drill["name"]).write_text(ATTEMPT, encoding="utf-8")
    again = post(client, "/api/drill", {"case": CASE})
    assert again.status_code == 409
    assert (folder / drill["name"]).read_text(encoding="utf-8") == ATTEMPT
    over = post(client, "/api/drill", {"case": CASE, "restart": True})
    assert over.status_code == 200 and over.json()["text"] == drill["text"]
    assert post(client, "/api/drill", {"case": "no-such-case"}).status_code == 400
    assert post(client, "/api/drill", {"case": CASE, "restart": "yes"}).status_code == 400


def test_grade_scores_as_the_grade_command_and_records(
    client: TestClient, folder: Path, tmp_path: Path
) -> None:
    drill = post(client, "/api/drill", {"case": CASE}).json()
    graded = post(client, "/api/grade", {"name": drill["name"], "text": ATTEMPT})
    assert graded.status_code == 200
    document = graded.json()
    copy = tmp_path / "copy.mlsd"
    copy.write_text(ATTEMPT, encoding="utf-8")
    args = ["grade", str(copy), "--format", "json", "--no-save", "--no-render"]
    expected = json.loads(CliRunner().invoke(cli, args).stdout)
    assert document["grade"]["score"] == expected["score"]
    assert document["grade"]["nodes"] == expected["nodes"]
    review = document["grade"]["review"]
    assert review["rating"] == document["rating"] and not review["repeated"]
    assert review["duration_seconds"] is not None  # timed from the drill, as `grade` does
    assert (folder / drill["name"]).read_text(encoding="utf-8") == ATTEMPT
    history = client.get("/api/review").json()["history"]
    assert [(h["case"], h["score"]) for h in history] == [(CASE, expected["score"])]
    missing = set(expected["nodes"]["missing"])
    assert {m["component"] for m in document["missed"]} == missing
    assert all(m["note"] for m in document["missed"] if m["core"])
    svg = document["svg"]
    assert svg.startswith("<svg") and 'class="node"' in svg
    for key, partner in document["pairs"].items():
        assert document["pairs"][partner] == key
        assert f'id="{key}"' in svg.replace("&#45;", "-")
    # the same text again is not recorded twice, as with `grade`
    again = post(client, "/api/grade", {"name": drill["name"], "text": ATTEMPT}).json()
    assert again["grade"]["review"]["repeated"]
    assert len(client.get("/api/review").json()["history"]) == 1


def test_grade_refuses_what_grade_refuses(client: TestClient) -> None:
    broken = post(client, "/api/grade", {"name": "b.mlsd", "text": BROKEN})
    assert broken.status_code == 422
    assert [d["line"] for d in broken.json()["diagnostics"]] == [2]
    no_case = post(client, "/api/grade", {"name": "c.mlsd", "text": "A -> B\n"})
    assert no_case.status_code == 400 and "@case" in no_case.json()["error"]
    assert client.get("/api/review").json()["history"] == []


def test_a_hint_is_counted_as_hint_counts_it(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLSD_DRAW_NOW", "2026-03-02T09:00:00")
    drill = post(client, "/api/drill", {"case": CASE}).json()
    monkeypatch.setenv("MLSD_DRAW_NOW", "2026-03-02T09:05:00")
    hint = post(client, "/api/hint", {"case": CASE, "level": 2})
    assert hint.status_code == 200 and "components" in hint.json()["hint"]
    monkeypatch.setenv("MLSD_DRAW_NOW", "2026-03-02T09:15:00")
    review = post(client, "/api/grade", {"name": drill["name"], "text": ATTEMPT}).json()
    assert review["grade"]["review"]["duration_seconds"] == 15 * 60
    assert review["grade"]["review"]["hint_level"] == 2
    assert review["rating"] in ("Again", "Hard")
    for level in (0, 4, "1", True, None):
        assert post(client, "/api/hint", {"case": CASE, "level": level}).status_code == 400
    assert post(client, "/api/hint", {"case": "no-such-case", "level": 1}).status_code == 400


def test_review_serves_the_documents_of_next_stats_and_history(client: TestClient) -> None:
    from mlsd_draw.app.documents import agenda_document, history_document, progress_document
    from mlsd_draw.app.practice import agenda, attempt_history, progress

    drill = post(client, "/api/drill", {"case": CASE}).json()
    post(client, "/api/grade", {"name": drill["name"], "text": ATTEMPT})
    review = client.get("/api/review").json()
    assert review["agenda"] == agenda_document(agenda())
    assert review["history"] == history_document(attempt_history())
    assert review["progress"]["most_missed"] == progress_document(progress())["most_missed"]
    assert review["titles"][CASE] == "Visual search system"


# -- the quiz view's endpoints -------------------------------------------------------


def test_a_round_of_the_quiz_is_the_cards_quiz_asks(client: TestClient) -> None:
    from mlsd_draw.app.documents import quiz_card_document
    from mlsd_draw.app.quiz import quiz_cards

    round_ = client.get("/api/quiz")
    assert round_.status_code == 200
    document = round_.json()
    assert document["selection"] == "all" and document["count"] == 20
    assert document["cards"] == [quiz_card_document(c) for c in quiz_cards(None, count=20)]
    assert {c["kind"] for c in document["cards"]} == {"tradeoff", "framing", "why"}
    assert all("answer" not in c for c in document["cards"])  # the answer waits its turn
    listed = json.loads(CliRunner().invoke(cli, ["quiz", "--list", "--format", "json"]).stdout)
    for kind, word in (("tradeoff", "tradeoffs"), ("framing", "framing"), ("why", "why")):
        assert document["kinds"][word] == sum(c["kind"] == kind for c in listed)
    cases = {c["case"]: c for c in document["cases"]}
    assert cases[CASE]["title"] == "Visual search system" and cases[CASE]["cards"] > 3
    trade = client.get("/api/quiz", params={"selection": "tradeoffs", "count": 5}).json()
    assert len(trade["cards"]) == 5 and {c["kind"] for c in trade["cards"]} == {"tradeoff"}
    own = client.get("/api/quiz", params={"selection": CASE, "count": 100}).json()
    assert own["selection"] == CASE and own["cards"][0]["id"] == f"framing:{CASE}"
    assert len(own["cards"]) == cases[CASE]["cards"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"selection": "tradeofs"}, "did you mean tradeoffs"),
        ({"selection": "no-such-thing"}, "unknown quiz selection"),
        ({"count": "0"}, "1 to 500"),
        ({"count": "501"}, "1 to 500"),
        ({"count": "-3"}, "whole number"),
        ({"count": "ten"}, "whole number"),
        ({"selection": "x" * 201}, "a case id"),
    ],
)
def test_a_round_with_a_bad_choice_is_refused(
    client: TestClient, params: dict[str, str], message: str
) -> None:
    answer = client.get("/api/quiz", params=params)
    assert answer.status_code == 400 and message in answer.json()["error"]


def _first_card(client: TestClient, selection: str = "tradeoffs") -> dict[str, Any]:
    round_ = client.get("/api/quiz", params={"selection": selection}).json()
    card: dict[str, Any] = round_["cards"][0]
    return card


def test_an_answer_is_marked_by_its_key_points(client: TestClient) -> None:
    from mlsd_draw.app.quiz import find_card

    card = _first_card(client)
    points = find_card(card["id"]).key_points
    typed = f"I would say: {points[0]}, and {points[1]}."
    marked = post(client, "/api/quiz/mark", {"id": card["id"], "answer": typed})
    assert marked.status_code == 200
    document = marked.json()
    assert document["id"] == card["id"] and document["answer"] == find_card(card["id"]).answer
    assert [p["point"] for p in document["key_points"]] == list(points)
    assert document["key_points"][0]["covered"] and document["key_points"][1]["covered"]
    covered = sum(p["covered"] for p in document["key_points"])
    assert document["coverage"] == pytest.approx(covered / len(points))
    assert document["suggested"] in ("Again", "Hard", "Good", "Easy")
    aloud = post(client, "/api/quiz/mark", {"id": card["id"], "answer": ""}).json()
    assert aloud["suggested"] is None and not any(p["covered"] for p in aloud["key_points"])
    assert client.get("/api/review").json()["agenda"]["cards"]["later"]["tradeoff"] == 0


def test_a_rating_is_recorded_and_reschedules_the_card(client: TestClient) -> None:
    from mlsd_draw.app.quiz import card_list, find_card

    card = _first_card(client)
    typed = find_card(card["id"]).key_points[0]
    recorded = post(client, "/api/quiz/record", {"id": card["id"], "rating": "Good",
                                                 "answer": typed})  # fmt: skip
    assert recorded.status_code == 200
    document = recorded.json()
    assert document["id"] == card["id"] and document["rating"] == "Good"
    assert document["reviews"] == 1 and document["due"] is not None
    state = next(c for c in card_list("tradeoffs") if c.card.id == card["id"])
    assert state.reviews == 1 and state.due is not None
    assert state.due.isoformat() == document["due"]
    listed = json.loads(CliRunner().invoke(cli, ["quiz", "--list", "--format", "json"]).stdout)
    assert next(c for c in listed if c["id"] == card["id"])["due"] == document["due"]
    # no longer due: the next round asks another card; `next` counts it as later
    assert _first_card(client)["id"] != card["id"]
    assert client.get("/api/review").json()["agenda"]["cards"]["later"]["tradeoff"] == 1
    by_number = post(client, "/api/quiz/record", {"id": card["id"], "rating": 1})
    assert by_number.status_code == 200 and by_number.json()["rating"] == "Again"
    assert by_number.json()["reviews"] == 2


@pytest.mark.parametrize("path", ["/api/quiz/mark", "/api/quiz/record"])
def test_an_unknown_card_is_refused(client: TestClient, path: str) -> None:
    answer = post(client, path, {"id": "tradeoff:no-such-card", "rating": "Good", "answer": "x"})
    assert answer.status_code == 400
    assert "no quiz card has the id 'tradeoff:no-such-card'" in answer.json()["error"]


@pytest.mark.parametrize(
    ("rating", "message"),
    [
        ("Great", "'Great' is not a rating"),
        (0, "0 is not a rating"),
        (5, "5 is not a rating"),
        (True, "'rating' must be"),
        (3.0, "'rating' must be"),
        (None, "'rating' must be"),
        (["Good"], "'rating' must be"),
    ],
)
def test_a_bad_rating_is_refused_and_nothing_is_recorded(
    client: TestClient, rating: Any, message: str
) -> None:
    from mlsd_draw.app.quiz import card_list

    card = _first_card(client)
    answer = post(client, "/api/quiz/record", {"id": card["id"], "rating": rating})
    assert answer.status_code == 400 and message in answer.json()["error"]
    assert all(c.reviews == 0 for c in card_list("tradeoffs"))


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/quiz/mark", "{}"),
        ("/api/quiz/mark", '{"id": 3, "answer": "x"}'),
        ("/api/quiz/mark", '{"id": "tradeoff:ann-vs-exact-search", "answer": 7}'),
        ("/api/quiz/record", '{"rating": "Good"}'),
        ("/api/quiz/record", '{"id": "tradeoff:ann-vs-exact-search", "rating": "Good", '
                             '"answer": null}'),
        ("/api/quiz/record", '"Good"'),
    ],
)  # fmt: skip
def test_malformed_quiz_requests_are_refused(client: TestClient, path: str, body: str) -> None:
    answer = client.post(path, content=body, headers={"Content-Type": "application/json"})
    assert answer.status_code == 400 and answer.json()["error"]


def test_an_answer_has_a_length_limit(client: TestClient) -> None:
    from mlsd_draw.app.quiz import card_list
    from mlsd_draw.app.studio import MAX_ANSWER

    card = _first_card(client)
    long = "ranking " * (MAX_ANSWER // 8 + 1)
    for path in ("/api/quiz/mark", "/api/quiz/record"):
        answer = post(client, path, {"id": card["id"], "rating": "Good", "answer": long})
        assert answer.status_code == 400 and "over 20000 characters" in answer.json()["error"]
    assert all(c.reviews == 0 for c in card_list("tradeoffs"))


def test_other_pages_cannot_answer_quiz_cards(client: TestClient) -> None:
    from mlsd_draw.app.quiz import card_list

    card = _first_card(client)
    body = {"id": card["id"], "rating": "Easy", "answer": ""}
    evil = {"Origin": "http://evil.example"}
    assert client.get("/api/quiz", headers=evil).status_code == 403
    assert post(client, "/api/quiz/mark", body, **evil).status_code == 403
    assert post(client, "/api/quiz/record", body, **evil).status_code == 403
    assert post(client, "/api/quiz/record", body, Origin="").status_code == 403
    cross = {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors"}
    assert client.get("/api/quiz", headers=cross).status_code == 403
    plain = client.post("/api/quiz/record", content=json.dumps(body),
                        headers={"Content-Type": "text/plain"})  # fmt: skip
    assert plain.status_code == 415
    assert client.get("/api/quiz", headers={"Host": "evil.example"}).status_code == 403
    assert all(c.reviews == 0 for c in card_list())


# -- refusals ------------------------------------------------------------------------

NAMES_OUTSIDE = [
    "../secret.mlsd",
    "sub/../../secret.mlsd",
    "/etc/passwd.mlsd",
    "C:/x.mlsd",
    "a\\..\\b.mlsd",
    "x\x00.mlsd",
    ".hidden.mlsd",
    "notes.txt",
    "link.mlsd",
    "",
    "a//b.mlsd",
]


@pytest.mark.parametrize("name", NAMES_OUTSIDE)
def test_no_path_leaves_the_folder(
    client: TestClient, folder: Path, tmp_path: Path, name: str
) -> None:
    secret = tmp_path / "secret.mlsd"
    secret.write_text("Secret -> Stuff\n", encoding="utf-8")
    (folder / "link.mlsd").symlink_to(secret)
    read = client.get("/api/file", params={"name": name})
    assert read.status_code == 403, read.text
    assert "Secret" not in read.text
    write = post(client, "/api/file", {"name": name, "text": "Overwritten\n"})
    assert write.status_code == 403
    assert post(client, "/api/grade", {"name": name, "text": ATTEMPT}).status_code == 403
    assert client.get("/api/watch", params={"name": name}).status_code == 403
    assert secret.read_text(encoding="utf-8") == "Secret -> Stuff\n"


@pytest.mark.parametrize(
    "host", ["evil.example", f"evil.example:{PORT}", "127.0.0.1:1", f"127.0.0.2:{PORT}", ""]
)
def test_only_the_local_server_is_answered(client: TestClient, host: str) -> None:
    for path in ("/", "/api/cases", "/static/js/studio.js"):
        answer = client.get(path, headers={"Host": host})
        assert answer.status_code == 403
        assert "content-security-policy" in answer.headers
    assert client.get("/", headers={"Host": f"localhost:{PORT}"}).status_code == 200


def test_other_pages_cannot_drive_the_studio(client: TestClient, folder: Path) -> None:
    evil = {"Origin": "http://evil.example"}
    assert client.get("/api/review", headers=evil).status_code == 403
    assert post(client, "/api/drill", {"case": CASE}, **evil).status_code == 403
    assert post(client, "/api/drill", {"case": CASE}, Origin="null").status_code == 403
    other_port = {"Origin": "http://127.0.0.1:1"}
    assert post(client, "/api/drill", {"case": CASE}, **other_port).status_code == 403
    assert not (folder / f"{CASE}.mlsd").exists()
    # a request another site started, without CORS (an image, a form)
    cross = {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors"}
    assert client.get("/api/review", headers=cross).status_code == 403
    assert client.get("/api/review", headers={"Sec-Fetch-Site": "same-site"}).status_code == 403
    # a link from elsewhere may open the page itself, and nothing more
    link = {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"}
    assert client.get("/", headers=link).status_code == 200
    assert client.get("/api/review", headers=link).status_code == 403


def test_a_change_needs_the_studios_origin_and_json(client: TestClient, folder: Path) -> None:
    body = json.dumps({"case": CASE})
    no_origin = client.post("/api/drill", content=body, headers={
        "Origin": "", "Content-Type": "application/json"})  # fmt: skip
    assert no_origin.status_code == 403
    plain = client.post("/api/drill", content=body, headers={"Content-Type": "text/plain"})
    assert plain.status_code == 415
    form = client.post("/api/drill", data={"case": CASE})
    assert form.status_code == 415
    assert not (folder / f"{CASE}.mlsd").exists()


def test_bodies_have_a_size_limit(client: TestClient, folder: Path) -> None:
    big = json.dumps({"name": "big.mlsd", "text": "A -> B\n" * 20000})
    assert len(big) > 64 * 1024
    answer = client.post("/api/file", content=big, headers={"Content-Type": "application/json"})
    assert answer.status_code == 413

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit holds while reading
        yield b'{"name": "big.mlsd", "text": "'
        for _ in range(100):
            yield b"A -> B\\n" * 1000
        yield b'"}'

    streamed = client.post("/api/file", content=chunks(), headers={
        "Content-Type": "application/json"})  # fmt: skip
    assert streamed.status_code == 413
    assert not (folder / "big.mlsd").exists()


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/check", "not json"),
        ("/api/check", "[1, 2]"),
        ("/api/check", '{"text": 3}'),
        ("/api/check", '{"name": 3, "text": "A"}'),
        ("/api/file", '{"name": "a.mlsd"}'),
        ("/api/drill", "{}"),
        ("/api/grade", '{"name": "a.mlsd", "text": null}'),
    ],
)
def test_malformed_requests_are_refused(client: TestClient, path: str, body: str) -> None:
    answer = client.post(path, content=body, headers={"Content-Type": "application/json"})
    assert answer.status_code == 400
    assert "error" in answer.json()


def test_unknown_routes_and_methods(client: TestClient) -> None:
    assert client.get("/api/nothing").status_code == 404
    assert client.get("/static/../pyproject.toml").status_code == 404
    answer = client.put("/api/file", content="{}", headers={"Content-Type": "application/json"})
    assert answer.status_code == 405
    assert "content-security-policy" in answer.headers


def test_websockets_are_refused(client: TestClient) -> None:
    from starlette.websockets import WebSocketDisconnect

    with pytest.raises(WebSocketDisconnect), client.websocket_connect("/api/watch"):
        pass
