"""Print how many create-session requests per second the emulator answers on this machine.

    .venv/bin/python -m tests.benchmarks.create_session_rate [--seconds 10] [--threads 4]

It serves a fresh emulator from a thread (as the tests and `app.py` do), then POSTs the
worked GB cart from several client threads over real HTTP for a fixed time, and prints the
rate of 200 answers. A second figure calls the domain directly, without HTTP, to show what
the server and the client cost.
"""

from __future__ import annotations

import argparse
import logging
import threading
import time

import requests

from klarna_emulator import create_app
from tests.support.klarna_examples import gb_cart
from tests.support.live_server import LiveServer

BASE_URL = "http://127.0.0.1"


def http_rate(seconds: float, threads: int) -> tuple[float, int]:
    """Requests per second over HTTP, and how many requests failed."""
    app = create_app()
    settings = app.extensions["klarna_emulator"].settings
    server = LiveServer(app).start()
    url = f"{server.url}/payments/v1/sessions"
    counts = {"ok": 0, "failed": 0}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client() -> None:
        with requests.Session() as http:
            http.auth = (settings.username, settings.password)
            cart = gb_cart()
            while time.monotonic() < deadline:
                status = http.post(url, json=cart, timeout=30).status_code
                with lock:
                    counts["ok" if status == 200 else "failed"] += 1

    workers = [threading.Thread(target=client) for _ in range(threads)]
    started = time.monotonic()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.monotonic() - started
    server.stop()
    return counts["ok"] / elapsed, counts["failed"]


def domain_rate(seconds: float) -> float:
    """Sessions per second created by calling the domain directly (one thread, no HTTP)."""
    payments = create_app().extensions["klarna_emulator"].payments
    cart = gb_cart()
    created = 0
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        payments.create_session(cart, BASE_URL)
        created += 1
    return created / (time.monotonic() - started)


def main() -> None:
    """Run both measurements and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--seconds", type=float, default=10.0, help="how long each measurement runs"
    )
    parser.add_argument("--threads", type=int, default=4, help="concurrent HTTP clients")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one access-log line per request
    rate, failed = http_rate(args.seconds, args.threads)
    print(f"create-session over HTTP: {rate:.0f} requests/s", end=" ")
    print(f"({args.threads} client threads, {failed} failed)")
    in_process = domain_rate(args.seconds)
    print(f"create-session in-process: {in_process:.0f} sessions/s (domain only, no HTTP)")


if __name__ == "__main__":
    main()
