"""Two production instances (separate gunicorn processes) on one database behave as one shop.

The shop keeps no state between requests outside the database and the signed session cookie,
so any instance can serve any request. Here every step of every checkout, and every attempt
to place its order (browser POSTs and Klarna's callbacks), goes to one of two instances at
random: each session still gets exactly one order, rate limits are counted across both, and
a session started on one instance reads on the other.
"""

from __future__ import annotations

import random
import secrets
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass

import pytest
import requests
import sqlalchemy as sa
from flask import Flask

from storefront.extensions import db
from storefront.models import Order, OrderStatus, Payment
from storefront.services.rate_limits import ORDER_LOOKUPS
from tests.support.concurrency import run_together
from tests.support.http_shopper import HttpShopper
from tests.support.live_server import LiveServer
from tests.support.payment_flow import (
    authorize,
    emulator_of,
    klarna_operations,
    widget_state_in,
)
from tests.support.production_shop import free_port, gunicorn, running, shop_env

pytestmark = pytest.mark.slow

SESSIONS = 8
ATTEMPTS_PER_SESSION = 20
SEED = 20261206
MARKETS = ("US", "GB", "DE", "SE")


@pytest.fixture
def instances(seeded: Flask, database_url: str, emulator_server: LiveServer) -> Iterator[list[str]]:
    """Two gunicorn instances of the shop on the run's (seeded) database, one secret key."""
    key = secrets.token_hex(32)
    ports = [free_port(), free_port()]
    with ExitStack() as stack:
        for port in ports:
            env = shop_env(
                database_url, f"http://127.0.0.1:{ports[0]}/", f"{emulator_server.url}/", key
            )
            env["GUNICORN_WORKERS"] = "1"
            command = gunicorn(port, "-c", "deploy/gunicorn.conf.py")
            stack.enter_context(running(command, env, port))
        yield [f"http://127.0.0.1:{port}" for port in ports]


@dataclass
class Checkout:
    """One shopper's authorized payment, ready to be placed from either instance."""

    session_id: str
    shopper: HttpShopper
    form: dict[str, str]
    callback_key: str
    callback_body: dict[str, str]


def ready_checkout(
    app: Flask, emulator: LiveServer, urls: list[str], market: str, pick: random.Random
) -> Checkout:
    """Shop, check out and authorize, each step on an instance picked at random."""
    shopper = HttpShopper(pick.choice(urls))
    shopper.post_form("/market", {"market": market})
    for step in ("add", "checkout", "payment"):
        shopper.base_url = pick.choice(urls)  # the same cookie, the other instance maybe
        if step == "add":
            shopper.add("TEE-ORG")
        elif step == "checkout":
            shopper.fill_checkout(market)
        else:
            page = shopper.get("/checkout/payment")
            assert page.status_code == 200, page.text[:300]
    state = widget_state_in(page.text)
    token = authorize(emulator, state)["authorization_token"]
    with app.app_context():
        payment = db.session.scalars(
            sa.select(Payment).where(Payment.klarna_session_id == state["session_id"])
        ).one()
        key = payment.callback_secret or ""
    form = {
        "csrf_token": shopper.csrf_token(),
        "authorization_token": token,
        "klarna_session_id": state["session_id"],
        "purchase_fingerprint": state["purchase_fingerprint"],
    }
    body = {"authorization_token": token, "session_id": state["session_id"]}
    return Checkout(state["session_id"], shopper, form, key, body)


def place_attempt(checkout: Checkout, url: str, kind: str) -> Callable[[], tuple[str, int]]:
    """One attempt to place the order: the shopper's Buy POST or Klarna's callback."""

    def attempt() -> tuple[str, int]:
        if kind == "browser":
            # A tab of the shopper's browser: the same cookies, a connection of its own (one
            # kept alive from setup may be closed by the server just as it is reused).
            answer = requests.post(
                f"{url}/checkout/payment/place",
                data=checkout.form,
                cookies=checkout.shopper.http.cookies,
                allow_redirects=False,
                timeout=60,
            )
        else:
            answer = requests.post(
                f"{url}/klarna/authorization?key={checkout.callback_key}",
                json=checkout.callback_body,
                timeout=60,
            )
        return kind, answer.status_code

    return attempt


def test_racing_attempts_across_two_instances_make_one_order_per_session(
    seeded: Flask, emulator_server: LiveServer, instances: list[str]
) -> None:
    pick = random.Random(SEED)
    checkouts = [
        ready_checkout(seeded, emulator_server, instances, MARKETS[i % len(MARKETS)], pick)
        for i in range(SESSIONS)
    ]
    attempts = [
        place_attempt(checkout, pick.choice(instances), pick.choice(("browser", "klarna")))
        for checkout in checkouts
        for _ in range(ATTEMPTS_PER_SESSION)
    ]
    pick.shuffle(attempts)

    answers = Counter(f"{kind} {status}" for kind, status in run_together(attempts))

    print(f"\n{sum(answers.values())} attempts over two instances: {dict(sorted(answers.items()))}")
    assert set(answers) <= {"browser 303", "browser 503", "klarna 200", "klarna 409", "klarna 503"}
    with seeded.app_context():
        rows = db.session.execute(sa.select(Order.klarna_session_id, Order.status)).all()
    assert sorted(session for session, _ in rows) == sorted(c.session_id for c in checkouts)
    assert {status for _, status in rows} == {OrderStatus.PAID}
    assert len(emulator_of(emulator_server).store.orders) == SESSIONS
    assert klarna_operations(emulator_server).count("create_order") == SESSIONS


def test_rate_limits_are_counted_across_instances(instances: list[str]) -> None:
    shopper = HttpShopper(instances[0])
    wrong = {"number": "FF-XXXX-XXXX", "email": "nobody@example.com"}
    statuses = []
    for attempt in range(ORDER_LOOKUPS.allowed + 1):
        shopper.base_url = instances[attempt % 2]
        statuses.append(shopper.post_form("/orders/lookup", wrong).status_code)
    assert 429 not in statuses[:-1]
    assert statuses[-1] == 429
