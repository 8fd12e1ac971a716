"""The studio as an ASGI application: its page, its assets, its endpoints and its gate.

The page is one HTML file with its scripts and styles, all shipped in the package
(`mlsd_draw/web/static/`): nothing comes from the network. Its views (drill, quiz,
review) are modules of `static/js/`, listed in `static/js/studio.js`; a new view adds
its module there and, if it needs endpoints, its routes to :func:`api_routes`.
"""

from __future__ import annotations

import threading
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from ..core.package_data import package_folder
from . import api, quiz
from .guard import MAX_BODY, Guard
from .watch import watch


def api_routes() -> list[BaseRoute]:
    """The JSON endpoints, by view: the drill view's, the quiz view's, the review view's."""
    return [
        # Drill: pick a case, write in a file of the folder, check, hint, grade.
        Route("/api/cases", api.cases, methods=["GET"]),
        Route("/api/files", api.files, methods=["GET"]),
        Route("/api/file", api.read_file, methods=["GET"]),
        Route("/api/file", api.save_file, methods=["POST"]),
        Route("/api/check", api.check, methods=["POST"]),
        Route("/api/drill", api.drill, methods=["POST"]),
        Route("/api/hint", api.hint, methods=["POST"]),
        Route("/api/grade", api.grade, methods=["POST"]),
        Route("/api/watch", watch, methods=["GET"]),
        # Quiz: a round of cards, an answer marked, a rating recorded.
        Route("/api/quiz", quiz.cards, methods=["GET"]),
        Route("/api/quiz/mark", quiz.mark, methods=["POST"]),
        Route("/api/quiz/record", quiz.record, methods=["POST"]),
        # Review: the schedule, the record per case, the history.
        Route("/api/review", api.review, methods=["GET"]),
    ]


async def page(_request: Request) -> Response:
    """The studio's one page; its views are chosen in the page (`#drill`, `#quiz`,
    `#review`)."""
    html = (
        package_folder("mlsd_draw.web")
        .joinpath("static")
        .joinpath("index.html")
        .read_text(encoding="utf-8")
    )
    return HTMLResponse(html, headers={"cache-control": "no-cache"})


def create_app(
    folder: Path,
    *,
    port: int,
    closing: threading.Event | None = None,
    max_body: int = MAX_BODY,
) -> Starlette:
    """The studio serving `folder` (resolved), answering only as 127.0.0.1:`port` or
    localhost:`port`. Setting `closing` ends the streams of saves, so the server can stop."""
    application = Starlette(
        routes=[
            Route("/", page, methods=["GET"]),
            *api_routes(),
            Mount("/static", app=StaticFiles(packages=[("mlsd_draw.web", "static")])),
        ],
        middleware=[Middleware(Guard, port=port, max_body=max_body)],
    )
    application.state.folder = folder.resolve()
    application.state.closing = closing or threading.Event()
    return application
