"""Print the Klarna API calls a scripted checkout makes, read from the emulator's request log.

    .venv/bin/python -m tests.benchmarks.checkout_klarna_calls

A shopper fills a cart and the checkout steps (no Klarna calls), then on the payment page:
opens it, reloads it, changes a quantity, applies a coupon, repeats a change that changes
nothing, reloads again, authorizes in the widget and places the order. The storefront runs
in-process on a temporary SQLite database; the emulator is served over real HTTP, as in tests.
For each step the script prints the operations the emulator logged and the step's wall time.
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from klarna_emulator import create_app as create_emulator
from storefront import create_app
from storefront.config import EMULATOR_PASSWORD, EMULATOR_USERNAME
from storefront.extensions import db
from storefront.seed import seed_demo_data
from tests.conftest import storefront_config
from tests.support.client import ShopClient
from tests.support.live_server import LiveServer
from tests.support.payment_flow import (
    authorize,
    edit,
    klarna_operations,
    last_request_id,
    place,
    widget_state,
)
from tests.support.shopping import add, complete_checkout, switch_market

# The emulator sends its authorization callback nowhere useful here (the shop runs without a
# server); one attempt keeps its log quiet.
EMULATOR_SETTINGS = {
    "USERNAME": EMULATOR_USERNAME,
    "PASSWORD": EMULATOR_PASSWORD,
    "CALLBACK_RETRIES": 0,
}


def scripted_checkout(
    shop: ShopClient, emulator: LiveServer
) -> list[tuple[str, str, list[str], float]]:
    """Run the checkout; per step: name, the calls the design allows, the calls made, ms."""
    switch_market(shop, "GB")
    add(shop, "TEE-ORG")
    complete_checkout(shop, "GB")
    page: dict[str, Any] = {}

    def open_page() -> None:
        page.update(widget_state(shop.get("/checkout/payment")))

    def change(path: str, data: dict[str, str]) -> Callable[[], None]:
        return lambda: page.update(edit(shop, path, data)["payment"])

    def pay() -> None:
        token = authorize(emulator, page)["authorization_token"]
        assert place(shop, page, token).status_code == 303

    steps: list[tuple[str, str, Callable[[], None]]] = [
        ("open the payment page", "1 create", open_page),
        ("reload it, nothing changed", "none", open_page),
        (
            "change the quantity to 2",
            "1 update + 1 read",
            change("items/TEE-ORG/quantity", {"quantity": "2"}),
        ),
        ("apply coupon WELCOME10", "1 update + 1 read", change("coupon", {"code": "WELCOME10"})),
        (
            "set the quantity to 2 again",
            "none",
            change("items/TEE-ORG/quantity", {"quantity": "2"}),
        ),
        ("reload the page", "none", open_page),
        ("authorize in the widget, place the order", "1 create order", pay),
    ]
    results = []
    for name, allowed, step in steps:
        before = last_request_id(emulator)
        started = time.perf_counter()
        step()
        elapsed_ms = (time.perf_counter() - started) * 1000
        results.append((name, allowed, klarna_operations(emulator, since=before), elapsed_ms))
    return results


def main() -> None:
    """Run the scripted checkout once and print its Klarna calls as a table."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    emulator = LiveServer(create_emulator(EMULATOR_SETTINGS)).start()
    with tempfile.TemporaryDirectory() as folder:
        database = f"sqlite:///{Path(folder) / 'benchmark.sqlite'}"
        app = create_app(storefront_config(database, emulator.url))
        app.test_client_class = ShopClient
        with app.app_context():
            db.create_all()
            seed_demo_data()
        results = scripted_checkout(app.test_client(), emulator)  # type: ignore[arg-type]
        with app.app_context():
            db.engine.dispose()
    emulator.stop()
    print(f"| {'Step':<42} | {'Design allows':<17} | {'Klarna calls made':<36} | {'ms':>5} |")
    print(f"|{'-' * 44}|{'-' * 19}|{'-' * 38}|{'-' * 7}|")
    for name, allowed, calls, elapsed_ms in results:
        made = ", ".join(calls) or "none"
        print(f"| {name:<42} | {allowed:<17} | {made:<36} | {elapsed_ms:>5.0f} |")
    total = sum(len(calls) for _, _, calls, _ in results)
    print(f"\n{total} Klarna calls in {len(results)} steps.")


if __name__ == "__main__":
    main()
