"""Running the studio: a port on 127.0.0.1 (never another interface), the uvicorn server,
and a clean stop on Ctrl-C.

The socket is bound before the server starts, so the address is known (and can be
opened in the browser) at once, and the gate knows the port it must see in `Host`.
"""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn

from ..core.errors import UsageError

HOST = "127.0.0.1"
"""The only address the studio listens on: this computer, nobody else."""
DEFAULT_PORT = 8737
PORT_TRIES = 10
"""Without --port, the ports tried from DEFAULT_PORT up before one the system picks."""
GRACE_SECONDS = 3
"""How long a stop waits for answers under way before closing their connections."""


class _Server(uvicorn.Server):
    """uvicorn's server, which also ends the streams of saves when asked to stop."""

    def __init__(self, config: uvicorn.Config, closing: threading.Event) -> None:
        super().__init__(config)
        self.closing = closing

    def handle_exit(self, sig: int, frame: Any) -> None:
        """Ctrl-C or a stop signal: end the streams, then stop as uvicorn does."""
        self.closing.set()
        super().handle_exit(sig, frame)


@dataclass
class Studio:
    """A studio ready to run: where it listens, the folder it serves, and its server."""

    url: str
    port: int
    folder: Path
    listener: socket.socket
    server: _Server
    closing: threading.Event

    def run(self) -> None:
        """Serve until Ctrl-C (or :meth:`stop`); the streams of saves end first, so the
        stop does not wait for open pages."""
        try:
            self.server.run(sockets=[self.listener])
        except KeyboardInterrupt:
            pass  # uvicorn raises the Ctrl-C again once it has stopped
        finally:
            self.closing.set()
            self.listener.close()

    def stop(self) -> None:
        """Ask the running server to stop (from another thread), as Ctrl-C does."""
        self.closing.set()
        self.server.should_exit = True


def bind(port: int | None) -> socket.socket:
    """A listening socket on 127.0.0.1: on `port`, or without one on the first free of
    DEFAULT_PORT and the next few, else on one the system picks."""
    candidates = (
        [port] if port is not None else [*range(DEFAULT_PORT, DEFAULT_PORT + PORT_TRIES), 0]
    )
    for candidate in candidates:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            listener.bind((HOST, candidate))
            listener.listen(128)
        except OSError as error:
            listener.close()
            if port is not None:
                raise UsageError(
                    f"cannot listen on {HOST}:{port}: {error.strerror or error}; "
                    "choose another port with --port"
                ) from None
            continue
        return listener
    raise UsageError(f"no free port on {HOST}: choose one with --port")


def prepare(folder: Path | None, port: int | None = None) -> Studio:
    """The studio for `folder` (default: the `attempts` folder beside the history),
    bound to its port and ready to :meth:`Studio.run`."""
    from ..app.folder import open_folder
    from .site import create_app

    root = open_folder(folder)
    listener = bind(port)
    actual = int(listener.getsockname()[1])
    closing = threading.Event()
    application = create_app(root, port=actual, closing=closing)
    config = uvicorn.Config(
        application,
        log_level="warning",
        access_log=False,
        lifespan="off",
        timeout_graceful_shutdown=GRACE_SECONDS,
    )
    server = _Server(config, closing)
    return Studio(f"http://{HOST}:{actual}/", actual, root, listener, server, closing)
