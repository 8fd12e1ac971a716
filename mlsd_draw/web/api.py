"""The studio's JSON endpoints: each turns a request into one call of the application
layer and its result (or its error) into JSON. No grading, scheduling or parsing here.

| route | does | the CLI's counterpart |
| --- | --- | --- |
| `GET /api/cases` | the cases, due ones first | `next`, `list` |
| `GET /api/files` | the folder's `.mlsd` files | |
| `GET /api/file?name=N` | a file's text, its check and its open drill | `check` |
| `POST /api/file` | save a file (`name`, `text`) and check it | `check` |
| `POST /api/check` | check text as it is typed (`name`, `text`) | `check` |
| `POST /api/drill` | start a drill (`case`, `restart`) | `drill` |
| `POST /api/hint` | a hint (`case`, `level`), counted | `hint` |
| `POST /api/grade` | save, grade and record (`name`, `text`) | `grade` |
| `GET /api/review` | the schedule, the record per case, the history | `next`, `stats`, `history` |

The quiz view's endpoints are in :mod:`.quiz`; the stream of saves in :mod:`.watch`.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..core.errors import HistoryError, MlsdDrawError, ParseError

Handler = Callable[[Request], Awaitable[Response]]
T = TypeVar("T")


class BadRequestError(Exception):
    """A request whose JSON or parameters are not what the endpoint takes."""


def answer(document: Any, status: int = 200) -> JSONResponse:
    """A JSON answer that no cache keeps."""
    return JSONResponse(document, status_code=status, headers={"cache-control": "no-store"})


def _error_status(error: MlsdDrawError) -> int:
    from ..app.folder import AttemptExistsError, NoSuchAttemptError, OutsideFolderError

    if isinstance(error, OutsideFolderError):
        return 403
    if isinstance(error, NoSuchAttemptError):
        return 404
    if isinstance(error, AttemptExistsError):
        return 409
    if isinstance(error, ParseError):
        return 422
    if isinstance(error, HistoryError):
        return 500
    return 400


def endpoint(handler: Handler) -> Handler:
    """Turn the application's errors into JSON answers: the message, and for a parse
    error every diagnostic at its line."""

    @wraps(handler)
    async def wrapper(request: Request) -> Response:
        try:
            return await handler(request)
        except BadRequestError as error:
            return answer({"error": str(error)}, 400)
        except MlsdDrawError as error:
            document: dict[str, Any] = {"error": str(error)}
            if isinstance(error, ParseError):
                from ..app.studio import diagnostics_document

                document["error"] = f"{len(error.errors)} error(s): fix them first"
                document["diagnostics"] = diagnostics_document(error.diagnostics)
            return answer(document, _error_status(error))

    return wrapper


async def call(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run an application function in a worker thread: grading and the history block,
    and the server must go on answering (and pushing saves) meanwhile."""
    return await run_in_threadpool(function, *args, **kwargs)


def folder_of(request: Request) -> Path:
    """The studio's folder (resolved when the studio started)."""
    folder: Path = request.app.state.folder
    return folder


async def json_body(request: Request) -> dict[str, Any]:
    """The request's JSON object."""
    try:
        document = json.loads(await request.body())
    except (ValueError, UnicodeDecodeError):
        raise BadRequestError("the body is not JSON") from None
    if not isinstance(document, dict):
        raise BadRequestError("the body must be a JSON object")
    return document


def text_field(document: dict[str, Any], key: str) -> str:
    """A string field of a request."""
    value = document.get(key)
    if not isinstance(value, str):
        raise BadRequestError(f"{key!r} must be a string")
    return value


def name_param(request: Request) -> str:
    """The `name` query parameter: a file of the folder."""
    name = request.query_params.get("name")
    if name is None:
        raise BadRequestError("give the file as ?name=FILE.mlsd")
    return name


@endpoint
async def cases(_request: Request) -> Response:
    """The cases to drill, due now first, then new, then later (as `next` orders them)."""
    from ..app.studio import drill_menu_document

    return answer(await call(drill_menu_document))


@endpoint
async def files(request: Request) -> Response:
    """The `.mlsd` files of the folder."""
    from ..app.studio import listing_document

    return answer(await call(listing_document, folder_of(request)))


@endpoint
async def read_file(request: Request) -> Response:
    """One file of the folder, checked, with its drill if it has not been graded yet."""
    from ..app.studio import attempt_document

    return answer(await call(attempt_document, folder_of(request), name_param(request)))


@endpoint
async def save_file(request: Request) -> Response:
    """Save a file of the folder (it must be an attempt file inside it), then check it."""
    from ..app.folder import write_attempt
    from ..app.studio import check_text, checked_document

    body = await json_body(request)
    name, text = text_field(body, "name"), text_field(body, "text")
    await call(write_attempt, folder_of(request), name, text)
    checked = await call(check_text, text, name)
    return answer({"name": name, "check": checked_document(checked)})


@endpoint
async def check(request: Request) -> Response:
    """Check text as `check` checks a file of that name: errors and warnings by line."""
    from ..app.folder import MAX_TEXT
    from ..app.studio import check_text, checked_document

    body = await json_body(request)
    name = body.get("name") or "attempt.mlsd"
    if not isinstance(name, str):
        raise BadRequestError("'name' must be a string")
    text = text_field(body, "text")
    if len(text) > MAX_TEXT:
        raise BadRequestError(f"the text is over {MAX_TEXT // 1024} KiB")
    checked = await call(check_text, text, Path(name).name)
    return answer(checked_document(checked))


@endpoint
async def drill(request: Request) -> Response:
    """Start a drill of a case in the folder, as `drill CASE` does."""
    from ..app.studio import drill_session_document, start_drill_in

    body = await json_body(request)
    case = text_field(body, "case")
    restart = body.get("restart", False)
    if not isinstance(restart, bool):
        raise BadRequestError("'restart' must be true or false")
    session = await call(start_drill_in, folder_of(request), case, restart=restart)
    return answer(drill_session_document(session))


@endpoint
async def hint(request: Request) -> Response:
    """A hint at level 1 to 3, recorded as `hint` records it (the next grade is capped)."""
    from ..app.practice import take_hint

    body = await json_body(request)
    case = text_field(body, "case")
    level = body.get("level")
    if not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= 3:
        raise BadRequestError("'level' must be 1, 2 or 3")
    text = await call(take_hint, case, level)
    return answer({"case": case, "level": level, "hint": text})


@endpoint
async def grade(request: Request) -> Response:
    """Save the attempt, grade it and record it as `grade` does; the page's document."""
    from ..app.studio import grade_attempt, studio_grade_document

    body = await json_body(request)
    name, text = text_field(body, "name"), text_field(body, "text")
    graded = await call(grade_attempt, folder_of(request), name, text)
    return answer(studio_grade_document(graded))


@endpoint
async def review(_request: Request) -> Response:
    """The schedule, each case's record and scores, the components missed most, history."""
    from ..app.studio import review_page_document

    return answer(await call(review_page_document))
