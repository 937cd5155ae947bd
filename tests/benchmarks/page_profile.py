"""Time each shop page in this process with the Flask test client, and optionally profile one.

    .venv/bin/python -m tests.benchmarks.page_profile [--requests 100] [--profile cart]

The pages and cart are the ones tests.benchmarks.page_throughput measures over HTTP, on a
seeded SQLite database and the bundled emulator served from a thread: milliseconds per
request without gunicorn, wrk or the network, next to tests.benchmarks.bare_flask's page
served the same way, and with --profile the functions the time goes
to (cProfile, sorted by cumulative time).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import tempfile
import time
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from klarna_emulator import create_app as create_emulator
from storefront import create_app
from storefront.config import EMULATOR_PASSWORD, EMULATOR_USERNAME
from storefront.extensions import db
from storefront.seed import seed_demo_data
from tests.benchmarks import bare_flask
from tests.benchmarks.page_throughput import CART, PAGES
from tests.conftest import storefront_config
from tests.support.client import ShopClient
from tests.support.live_server import LiveServer
from tests.support.shopping import add, complete_checkout

SLUG = "organic-cotton-tee"
PAGE_NAMES = {name.split()[0].strip(","): name for name, *_ in PAGES}  # home, product, ...


def seeded_shop(folder: Path, emulator_url: str) -> Flask:
    """The storefront on a fresh SQLite file holding the demo catalog and coupons."""
    app = create_app(storefront_config(f"sqlite:///{folder / 'shop.sqlite'}", emulator_url))
    app.test_client_class = ShopClient
    with app.app_context():
        db.create_all()
        seed_demo_data()
    return app


def shopper_with_cart(app: Flask) -> ShopClient:
    """A client whose cart holds the benchmark's three lines, through checkout to payment."""
    client: ShopClient = app.test_client()  # type: ignore[assignment]
    for sku in CART:
        add(client, sku)
    complete_checkout(client, "GB")
    assert client.get("/checkout/payment").status_code == 200  # creates the Klarna session
    return client


def ms_per_request(client: FlaskClient, path: str, requests: int) -> float:
    """Average milliseconds of `requests` GETs of `path` (after one warm-up request)."""
    assert client.get(path).status_code == 200, path
    start = time.perf_counter()
    for _ in range(requests):
        client.get(path)
    return 1000 * (time.perf_counter() - start) / requests


def main() -> None:
    """Print ms per request for every page, then the profile of the one asked for."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--profile", choices=sorted(PAGE_NAMES), help="page to profile")
    parser.add_argument("--lines", type=int, default=40, help="profile lines to print")
    args = parser.parse_args()
    emulator = create_emulator({"USERNAME": EMULATOR_USERNAME, "PASSWORD": EMULATOR_PASSWORD})
    server = LiveServer(emulator).start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            app = seeded_shop(Path(folder), server.url)
            # As wrk asks: the catalog pages without a cookie, the others as the shopper.
            shopper, anonymous = shopper_with_cart(app), app.test_client(use_cookies=False)
            bare = bare_flask.app.test_client()
            print(f"{'bare Flask':24} {ms_per_request(bare, '/', args.requests):6.2f} ms")
            runs = {}
            for name, path, with_cookie, _ in PAGES:
                client = shopper if with_cookie else anonymous
                runs[name] = (client, path.format(slug=SLUG))
                print(f"{name:24} {ms_per_request(*runs[name], args.requests):6.2f} ms")
            if args.profile:
                profiler = cProfile.Profile()
                profiler.runcall(ms_per_request, *runs[PAGE_NAMES[args.profile]], args.requests)
                stats = pstats.Stats(profiler).sort_stats("cumulative")
                stats.print_stats(args.lines)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
