"""A WSGI app served from a thread on a free port, sharing the test process's memory."""

from __future__ import annotations

import threading
from typing import Any, ClassVar

from werkzeug.serving import make_server


def buffered(app: Any) -> Any:
    """`app` with each response body read to its end (and closed) before it is sent.

    Werkzeug's development server leaves a response unclosed when the browser drops the
    connection first (a page navigating away while its images load), leaking the open static
    file into a ResourceWarning; a test server has no need to stream.
    """

    def wsgi(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return wsgi


class LiveServer:
    """Serve `app` on 127.0.0.1 at a port the OS picks, until `stop()` (moto's recipe)."""

    # How many were started in this process: a run of the unit tests alone must start none.
    started: ClassVar[int] = 0

    def __init__(self, app: Any, host: str = "127.0.0.1") -> None:
        self.app = app
        self._server = make_server(host, 0, buffered(app), threaded=True)
        self.url = f"http://{host}:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> LiveServer:
        """Start serving in the background and return self."""
        self._thread.start()
        LiveServer.started += 1
        return self

    def stop(self) -> None:
        """Stop serving and wait for the thread to end."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)
