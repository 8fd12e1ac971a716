"""The studio as a running server: it listens on 127.0.0.1 only, pushes each save of a
file to the page, and stops cleanly on Ctrl-C, even with a page still open."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import serve_studio

from mlsd_draw.cli import cli
from mlsd_draw.web.server import Studio, prepare


@pytest.fixture
def studio(tmp_path: Path) -> Iterator[Studio]:
    folder = tmp_path / "attempts"
    folder.mkdir()
    (folder / "a.mlsd").write_text("@case visual-search\nA -> B\n", encoding="utf-8")
    yield from serve_studio(folder)


def connect(studio: Studio) -> http.client.HTTPConnection:
    return http.client.HTTPConnection("127.0.0.1", studio.port, timeout=10)


def next_event(response: http.client.HTTPResponse) -> tuple[str, dict[str, object]]:
    """The next server-sent event (its name and JSON data), comments skipped."""
    kind, data = "message", ""
    while True:
        line = response.readline().decode("utf-8").rstrip("\n")
        if line.startswith("event: "):
            kind = line[len("event: ") :]
        elif line.startswith("data: "):
            data += line[len("data: ") :]
        elif line == "" and data:
            return kind, json.loads(data)


def test_the_studio_listens_on_this_computer_only(studio: Studio) -> None:
    assert studio.listener.getsockname()[0] == "127.0.0.1"
    assert studio.url == f"http://127.0.0.1:{studio.port}/"
    connection = connect(studio)
    try:
        connection.request("GET", "/api/files")
        answer = connection.getresponse()
        assert answer.status == 200
        assert [f["name"] for f in json.loads(answer.read())["files"]] == ["a.mlsd"]
    finally:
        connection.close()


def test_each_save_is_pushed_to_the_page(studio: Studio) -> None:
    connection = connect(studio)
    try:
        follow_saves(studio, connection)
    finally:
        connection.close()


def follow_saves(studio: Studio, connection: http.client.HTTPConnection) -> None:
    connection.request("GET", "/api/watch?name=a.mlsd")
    stream = connection.getresponse()
    assert stream.status == 200
    assert stream.getheader("content-type", "").startswith("text/event-stream")
    kind, first = next_event(stream)
    assert kind == "saved" and first["text"] == "@case visual-search\nA -> B\n"
    time.sleep(0.3)  # let the watcher settle
    path = studio.folder / "a.mlsd"
    path.write_text("@case visual-search\nA -> B ->\n", encoding="utf-8")  # in place
    kind, saved = next_event(stream)
    assert saved["text"] == "@case visual-search\nA -> B ->\n"
    check = saved["check"]
    assert isinstance(check, dict) and check["diagnostics"][0]["line"] == 2
    swap = path.with_name(".a.mlsd.swp")  # the way vim and others save: write, rename
    swap.write_text("@case visual-search\nA -> C\n", encoding="utf-8")
    swap.replace(path)
    kind, saved = next_event(stream)
    assert saved["text"] == "@case visual-search\nA -> C\n"
    studio.stop()  # while this page is still listening: the stream ends
    assert stream.read() == b""


def test_ctrl_c_stops_the_studio_cleanly(tmp_path: Path) -> None:
    folder = tmp_path / "attempts"
    folder.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-m", "mlsd_draw", "studio", str(folder), "--port", "0", "--no-browser"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    connections: list[http.client.HTTPConnection] = []
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("mlsd-draw studio: http://127.0.0.1:"), first
        port = int(first.rsplit(":", 1)[1].strip().rstrip("/"))
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connections.append(connection)
        connection.request("GET", "/api/cases")
        assert connection.getresponse().status == 200
        watcher = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connections.append(watcher)
        (folder / "b.mlsd").write_text("A -> B\n", encoding="utf-8")
        watcher.request("GET", "/api/watch?name=b.mlsd")
        assert watcher.getresponse().status == 200  # a page left open
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=15)
    finally:
        for open_connection in connections:
            open_connection.close()
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err
    assert "studio stopped" in err and "Traceback" not in err


def test_the_default_folder_sits_beside_the_history(private_history: Path) -> None:
    studio = prepare(None, 0)
    try:
        assert studio.folder == (private_history / "attempts").resolve()
        assert studio.folder.is_dir()
    finally:
        studio.listener.close()


def test_the_command_says_what_is_wrong(tmp_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(cli, ["studio", str(tmp_path / "nowhere"), "--no-browser"])
    assert missing.exit_code == 2 and "no such folder" in missing.output
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    try:
        port = str(taken.getsockname()[1])
        busy = runner.invoke(cli, ["studio", str(tmp_path), "--port", port, "--no-browser"])
    finally:
        taken.close()
    assert busy.exit_code == 2 and "choose another port with --port" in busy.output
    bad = runner.invoke(cli, ["studio", str(tmp_path), "--port", "70000"])
    assert bad.exit_code == 2
    shown = runner.invoke(cli, ["studio", "--help"])
    assert shown.exit_code == 0 and "127.0.0.1" in shown.output
