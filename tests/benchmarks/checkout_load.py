"""Drive concurrent shoppers through complete checkouts against the production setup, then
reconcile the shop's orders with Klarna's (the emulator's).

    .venv/bin/python -m tests.benchmarks.checkout_load [--seconds 600] [--shoppers 8]

It starts the emulator (with a control-plane token) and the shop as production runs it
(gunicorn with deploy/gunicorn.conf.py) on a fresh PostgreSQL database at TEST_POSTGRES_URL
(default postgresql://root@127.0.0.1:5432/test), dropped afterwards. Each shopper repeats a
checkout until the time is up: add to cart, details, shipping, the payment page (which creates
the Klarna session), authorize through the emulator's control plane, and place the order. It
prints checkouts per second, p50/p95/p99 per step, the errors, and the reconciliation: every
checkout that was placed has exactly one shop order and one Klarna order with equal amounts.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests
import sqlalchemy as sa

from tests.support.databases import temporary_database
from tests.support.http_shopper import HttpShopper
from tests.support.payment_flow import widget_state_in
from tests.support.production_shop import (
    free_port,
    gunicorn,
    prepare_database,
    running,
    shop_env,
)

DEFAULT_POSTGRES_URL = "postgresql://root@127.0.0.1:5432/test"
MARKETS = ("US", "GB", "DE", "SE")
SKUS = ("TEE-ORG", "MUG-STN", "COF-BEAN", "SOCK-3PK", "CAP-CANV")
STEPS = ("add to cart", "details + shipping", "payment page", "authorize", "place order")


class Tally:
    """What the shoppers measured, shared between their threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.durations: dict[str, list[float]] = defaultdict(list)
        self.errors: Counter[str] = Counter()
        self.placed: list[str] = []  # Klarna sessions whose place-order answered 303

    def timed(self, step: str, action: Callable[[], Any]) -> Any:
        """Run one step, keeping its duration; an exception counts as that step's error."""
        started = time.perf_counter()
        try:
            return action()
        finally:
            with self.lock:
                self.durations[step].append(time.perf_counter() - started)


def checkout(
    shop_url: str, emulator_url: str, token: str, tally: Tally, pick: random.Random
) -> None:
    """One shopper's complete checkout, each step timed."""
    market = pick.choice(MARKETS)
    shopper = HttpShopper(shop_url)
    shopper.post_form("/market", {"market": market})
    tally.timed("add to cart", lambda: shopper.add(pick.choice(SKUS), pick.randint(1, 3)))
    tally.timed("details + shipping", lambda: shopper.fill_checkout(market))
    page = tally.timed("payment page", lambda: shopper.get("/checkout/payment"))
    if page.status_code != 200:
        raise RuntimeError(f"payment page answered {page.status_code}")
    state = widget_state_in(page.text)

    def authorize() -> str:
        answer = requests.post(
            f"{emulator_url}/_emulator/sessions/{state['session_id']}/authorize",
            json={"payment_method_category": state["categories"][0], **state["authorize_data"]},
            headers={"X-Emulator-Token": token},
            timeout=30,
        )
        answer.raise_for_status()
        return str(answer.json()["authorization_token"])

    authorization_token = tally.timed("authorize", authorize)
    form = {
        "authorization_token": authorization_token,
        "klarna_session_id": state["session_id"],
        "purchase_fingerprint": state["purchase_fingerprint"],
    }
    placed = tally.timed("place order", lambda: shopper.post_form("/checkout/payment/place", form))
    if placed.status_code != 303:
        raise RuntimeError(f"place order answered {placed.status_code}")
    with tally.lock:
        tally.placed.append(state["session_id"])


def shop_until(deadline: float, urls: tuple[str, str, str], tally: Tally, seed: int) -> None:
    """One shopper thread: checkouts back to back until the deadline."""
    pick = random.Random(seed)
    while time.monotonic() < deadline:
        try:
            checkout(*urls, tally, pick)
        except Exception as error:  # counted and reported, never fatal to the run
            with tally.lock:
                tally.errors[f"{type(error).__name__}: {str(error)[:80]}"] += 1


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the sorted values fall (nearest rank), in ms."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))
    return 1000 * ordered[index]


def reconcile(
    database_url: str, emulator_url: str, token: str, placed: list[str]
) -> dict[str, int]:
    """Shop orders against Klarna's: lost, duplicated and mismatched orders."""
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        shop = connection.execute(
            sa.text('SELECT klarna_session_id, klarna_order_id, total_minor, status FROM "order"')
        ).all()
    engine.dispose()
    state = requests.get(
        f"{emulator_url}/_emulator/state", headers={"X-Emulator-Token": token}, timeout=60
    ).json()
    klarna = {order["order_id"]: order for order in state["orders"]}
    per_session = Counter(session_id for session_id, *_ in shop)
    return {
        "placed checkouts without a shop order": len(set(placed) - set(per_session)),
        "shop orders": len(shop),
        "Klarna orders": len(klarna),
        "shop orders without a Klarna order": sum(1 for row in shop if row[1] not in klarna),
        "Klarna orders without a shop order": len(klarna.keys() - {row[1] for row in shop}),
        "sessions with more than one shop order": sum(1 for n in per_session.values() if n > 1),
        "amounts that differ": sum(
            1 for row in shop if row[1] in klarna and klarna[row[1]]["order_amount"] != row[2]
        ),
    }


def main() -> int:
    """Run the load for the given time and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=600, help="how long the load runs")
    parser.add_argument("--shoppers", type=int, default=8, help="concurrent shoppers")
    args = parser.parse_args()
    token = secrets.token_urlsafe(16)
    server = os.environ.get("TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    with tempfile.TemporaryDirectory() as folder, temporary_database(server, Path(folder)) as url:
        emulator_port, shop_port = free_port(), free_port()
        emulator_url = f"http://127.0.0.1:{emulator_port}"
        shop_url = f"http://127.0.0.1:{shop_port}"
        env = shop_env(url, f"{shop_url}/", f"{emulator_url}/")
        prepare_database(env)
        emulator = [sys.executable, "-m", "klarna_emulator", "--port", str(emulator_port)]
        emulator += ["--control-token", token]
        shop = gunicorn(shop_port, "-c", "deploy/gunicorn.conf.py")
        tally = Tally()
        with running(emulator, env, emulator_port), running(shop, env, shop_port):
            started = time.monotonic()
            deadline = started + args.seconds
            urls = (shop_url, emulator_url, token)
            threads = [
                threading.Thread(target=shop_until, args=(deadline, urls, tally, seed))
                for seed in range(args.shoppers)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.monotonic() - started
            ledger = reconcile(url, emulator_url, token, tally.placed)
    report(args, tally, elapsed, ledger)
    bad = (
        "placed checkouts without a shop order",
        "shop orders without a Klarna order",
        "Klarna orders without a shop order",
        "sessions with more than one shop order",
        "amounts that differ",
    )
    return 1 if any(ledger[key] for key in bad) else 0


def report(args: argparse.Namespace, tally: Tally, elapsed: float, ledger: dict[str, int]) -> None:
    """Print the run's figures as Markdown tables."""
    placed = len(tally.placed)
    print(
        f"\n{args.shoppers} shoppers for {elapsed:.0f} s: {placed} checkouts placed, "
        f"{placed / elapsed:.2f} per second, {sum(tally.errors.values())} errors\n"
    )
    print("| Step | Count | p50 ms | p95 ms | p99 ms |")
    print("|---|---:|---:|---:|---:|")
    for step in STEPS:
        values = tally.durations[step]
        if values:
            print(
                f"| {step} | {len(values)} | {percentile(values, 0.5):.0f} | "
                f"{percentile(values, 0.95):.0f} | {percentile(values, 0.99):.0f} |"
            )
    print("\n| Reconciliation | Count |\n|---|---:|")
    for name, count in {"checkouts placed (303)": placed, **ledger}.items():
        print(f"| {name} | {count} |")
    for error, count in tally.errors.most_common(10):
        print(f"error x{count}: {error}")


if __name__ == "__main__":
    sys.exit(main())
