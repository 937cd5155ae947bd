"""A raw TCP server on 127.0.0.1 that fails on purpose: it stalls, hangs up, or answers."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from types import TracebackType

Behaviour = Callable[[socket.socket, "FaultyServer"], None]


def read_request(connection: socket.socket) -> bytes:
    """Read one HTTP request (headers and a Content-Length body) from the connection."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = connection.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


def stall(connection: socket.socket, server: FaultyServer) -> None:
    """Read the request, then never answer (the client's read timeout fires)."""
    server.received.append(read_request(connection))
    server.stopping.wait()


def hang_up(connection: socket.socket, server: FaultyServer) -> None:
    """Read the request, then close the connection without a word."""
    server.received.append(read_request(connection))


def answer(raw_response: bytes) -> Behaviour:
    """Read the request, then send `raw_response` and close."""

    def behaviour(connection: socket.socket, server: FaultyServer) -> None:
        server.received.append(read_request(connection))
        connection.sendall(raw_response)

    return behaviour


class FaultyServer:
    """Accept connections in the background and run `behaviour` on each, one thread each."""

    def __init__(self, behaviour: Behaviour) -> None:
        self.behaviour = behaviour
        self.received: list[bytes] = []
        self.stopping = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._threads: list[threading.Thread] = []

    def __enter__(self) -> FaultyServer:
        accepting = threading.Thread(target=self._accept, daemon=True)
        self._threads.append(accepting)
        accepting.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stopping.set()
        for thread in self._threads:
            thread.join(timeout=5)
        self._listener.close()

    def _accept(self) -> None:
        while not self.stopping.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            handler = threading.Thread(target=self._handle, args=(connection,), daemon=True)
            self._threads.append(handler)
            handler.start()

    def _handle(self, connection: socket.socket) -> None:
        with connection:
            self.behaviour(connection, self)


def refused_url() -> str:
    """A loopback URL where nothing listens, so connecting is refused at once."""
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"
