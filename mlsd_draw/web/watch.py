"""Saves pushed to the page: `GET /api/watch?name=FILE.mlsd` is a stream of server-sent
events, one each time the file is saved, by any editor.

The watching is the application's `watch_file`, the one behind `grade --watch`: it runs
in a thread per open stream, and each save sends the file's text and its check. The
thread stops when the page goes away, and every stream ends when the studio stops.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator, Callable
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from ..core.errors import MlsdDrawError
from .api import answer, endpoint, folder_of, name_param

KEEP_ALIVE_SECONDS = 15
"""How often an idle stream sends a comment, so a page that went away is noticed."""


def _event(kind: str, document: object) -> str:
    return f"event: {kind}\ndata: {json.dumps(document, ensure_ascii=False)}\n\n"


@endpoint
async def watch(request: Request) -> Response:
    """A stream of `saved` events (text and check) at each save of a folder's file."""
    from ..app.folder import confined
    from ..app.studio import attempt_document

    folder, name = folder_of(request), name_param(request)
    path = confined(folder, name)
    if not path.is_file():
        return answer({"error": f"{name}: no such file in the folder"}, 404)
    closing: threading.Event = request.app.state.closing
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[str] = asyncio.Queue()

    def saved() -> None:  # in the watching thread
        try:
            message = _event("saved", attempt_document(folder, name))
        except (MlsdDrawError, OSError) as error:
            message = _event("problem", {"error": str(error)})
        loop.call_soon_threadsafe(queue.put_nowait, message)

    return StreamingResponse(
        _stream(request, Path(path), saved, queue, closing),
        media_type="text/event-stream",
        headers={"cache-control": "no-store", "x-accel-buffering": "no"},
    )


async def _stream(
    request: Request,
    path: Path,
    saved: Callable[[], None],
    queue: asyncio.Queue[str],
    closing: threading.Event,
) -> AsyncIterator[str]:
    """The events of one page, until it goes away or the studio stops."""
    from ..app.watching import watch_file

    stop = threading.Event()
    worker = threading.Thread(
        target=watch_file,
        args=(path, saved),
        kwargs={"stop": stop},
        name=f"studio-watch-{path.name}",
        daemon=True,
    )
    worker.start()
    idle = 0.0
    try:
        yield ": watching\n\n"
        while not closing.is_set() and worker.is_alive():
            try:
                message = await asyncio.wait_for(queue.get(), timeout=0.5)
            except asyncio.TimeoutError:
                idle += 0.5
                if await request.is_disconnected():
                    return
                if idle >= KEEP_ALIVE_SECONDS:
                    idle = 0.0
                    yield ": still watching\n\n"
                continue
            idle = 0.0
            yield message
    finally:
        stop.set()
