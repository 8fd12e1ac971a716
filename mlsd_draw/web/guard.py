"""The studio's gate: which requests reach it at all, and the headers every answer carries.

The studio listens on 127.0.0.1 only, but a web page open in the same browser could
still send it requests, and a name that resolves to 127.0.0.1 (DNS rebinding) could make
the browser treat the studio as that page's own site. So every request must name the
studio itself in `Host` (127.0.0.1:PORT or localhost:PORT); any `Origin` must be the
studio's; a request that changes something (anything but GET) must carry the studio's
`Origin` and a JSON body; a request another site started (`Sec-Fetch-Site`) is refused,
but for opening the page itself. A body is read up to a limit and refused past it.
Every answer carries a Content-Security-Policy that lets the page load only its own
scripts and styles and talk only to the studio.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_BODY = 2 * 1024 * 1024
"""The largest request body, in bytes: an attempt is a few kilobytes."""

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    )
)

SECURITY_HEADERS = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode("ascii")),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
)

SAFE_METHODS = frozenset({"GET", "HEAD"})
SAME_SITE = frozenset({"same-origin", "none"})
"""`Sec-Fetch-Site` values of requests the studio's own page (or the person) started."""


def local_hosts(port: int) -> frozenset[str]:
    """The `Host` values that name the studio on `port`."""
    return frozenset({f"127.0.0.1:{port}", f"localhost:{port}"})


def refusal(method: str, path: str, headers: dict[str, str], port: int) -> tuple[int, str] | None:
    """Why a request must be refused (its status and a message), or None to let it in.

    `headers` has lower-case names; a header sent twice counts as its last value.
    """
    hosts = local_hosts(port)
    if headers.get("host", "").lower() not in hosts:
        return 403, "this server answers only to 127.0.0.1 or localhost on its own port"
    origin = headers.get("origin")
    if origin is not None and origin.lower() not in {f"http://{h}" for h in hosts}:
        return 403, "requests from other web pages are refused"
    site = headers.get("sec-fetch-site")
    navigation = headers.get("sec-fetch-mode") == "navigate" and path == "/"
    if site is not None and site not in SAME_SITE and not (navigation and method == "GET"):
        return 403, "requests started by other web pages are refused"
    if method not in SAFE_METHODS:
        if origin is None:
            return 403, "a request that changes something must come from the studio's page"
        kind = headers.get("content-type", "").split(";")[0].strip().lower()
        if kind != "application/json":
            return 415, "send JSON (Content-Type: application/json)"
    return None


def _headers(scope: Scope) -> dict[str, str]:
    return {
        name.decode("latin-1").lower(): value.decode("latin-1")
        for name, value in scope.get("headers", [])
    }


async def _answer(send: Send, status: int, message: str) -> None:
    """A JSON error answer, with the security headers."""
    import json

    body = json.dumps({"error": message}).encode("utf-8")
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode("ascii")),
        (b"cache-control", b"no-store"),
        *SECURITY_HEADERS,
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class Guard:
    """ASGI middleware: refuse what :func:`refusal` refuses, limit the body to `max_body`
    bytes, and add the security headers to every answer."""

    def __init__(self, app: ASGIApp, *, port: int, max_body: int = MAX_BODY) -> None:
        self.app = app
        self.port = port
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass a request on, or answer it with its refusal."""
        if scope["type"] == "lifespan":
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":  # no websockets
            await send({"type": "websocket.close", "code": 1008})
            return
        headers = _headers(scope)
        method = str(scope["method"]).upper()
        refused = refusal(method, str(scope.get("path", "")), headers, self.port)
        if refused is not None:
            await _answer(send, *refused)
            return
        if method not in SAFE_METHODS:
            length = headers.get("content-length", "0")
            if not length.isdigit() or int(length) > self.max_body:
                await _answer(send, 413, f"the request is over {self.max_body // 1024} KiB")
                return
            body = await self._body(receive)
            if body is None:
                await _answer(send, 413, f"the request is over {self.max_body // 1024} KiB")
                return
            receive = _replay(body, receive)

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, send_secured)

    async def _body(self, receive: Receive) -> bytes | None:
        """The whole body, or None once it passes the limit (chunked bodies included)."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return b"".join(chunks)
            chunk = bytes(message.get("body", b""))
            size += len(chunk)
            if size > self.max_body:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that gives the body read already, then what the client sends next
    (its disconnect)."""
    given = False

    async def replayed() -> Message:
        nonlocal given
        if not given:
            given = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed
