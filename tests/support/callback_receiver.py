"""A merchant stand-in that records the callbacks Klarna (the emulator) POSTs to it."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, Response, request

from tests.support.live_server import LiveServer


class CallbackReceiver:
    """Serves POST /<anything> on 127.0.0.1, answering `failures` 503s first, then 200."""

    def __init__(self, failures: int = 0) -> None:
        self.received: list[dict[str, Any]] = []
        self._failures = failures
        self._arrived = threading.Condition()
        app = Flask(__name__)
        app.add_url_rule("/<path:path>", "receive", self._receive, methods=["POST"])
        self._server = LiveServer(app)
        self.url = self._server.url

    def _receive(self, path: str) -> Response:
        with self._arrived:
            self.received.append({"path": f"/{path}", "json": request.get_json(silent=True)})
            self._arrived.notify_all()
            failing = self._failures > 0
            self._failures -= 1
        return Response(status=503 if failing else 200)

    def wait_for(self, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        """Block until `count` callbacks arrived (or fail after `timeout` seconds)."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.received) < count:
                left = deadline - time.monotonic()
                assert left > 0, f"expected {count} callbacks, got {self.received}"
                self._arrived.wait(left)
            return list(self.received)

    @contextmanager
    def running(self) -> Iterator[CallbackReceiver]:
        """Serve for the duration of the block."""
        self._server.start()
        try:
            yield self
        finally:
            self._server.stop()
