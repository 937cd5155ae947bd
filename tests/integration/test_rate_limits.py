"""Rate limits on guessing (coupon codes, order lookups) and on Klarna reads (session rechecks).

Time is moved by replacing the app's rate-limit clock, never by sleeping. Runs on the run's
database (SQLite, or PostgreSQL with TEST_DATABASE_URL), because the counter's atomic upsert
is written differently for each.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from werkzeug.test import TestResponse

from storefront.extensions import db
from storefront.models import Cart, Order, RateLimitWindow
from storefront.services.rate_limits import (
    CLOCK_KEY,
    COUPON_CODES,
    ORDER_LOOKUPS,
    SESSION_RECHECKS,
    Limit,
    client_network,
)
from storefront.views.shopper import CART_KEY
from tests.support.client import ShopClient
from tests.support.live_server import LiveServer
from tests.support.payment_flow import (
    JSON_HEADERS,
    edit,
    klarna_operations,
    last_request_id,
    open_payment_page,
    pay,
)
from tests.support.shopping import add

# The start of a 15-minute window, so Retry-After is the whole window.
WINDOW_OPENS = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
WRONG_LOOKUP = {"number": "FF-XXXX-XXXX", "email": "nobody@example.com"}


@dataclass
class Clock:
    """A clock the test sets by hand; install it on every app that counts attempts."""

    now: datetime = WINDOW_OPENS

    def install(self, app: Flask) -> None:
        """Make `app` count its windows by this clock."""
        app.extensions[CLOCK_KEY] = lambda: self.now

    def advance(self, delta: timedelta) -> None:
        """Move time forward."""
        self.now += delta


@pytest.fixture
def clock(app: Flask) -> Clock:
    """The app's rate-limit clock, stopped at the start of a window."""
    stopped = Clock()
    stopped.install(app)
    return stopped


@pytest.fixture
def make_worker(make_app: Callable[..., Flask], clock: Clock) -> Callable[..., Flask]:
    """Build another storefront app on the test's database (a gunicorn worker) on the clock."""

    def build(**settings: object) -> Flask:
        worker = make_app(**settings)
        clock.install(worker)
        return worker

    return build


def client_at(app: Flask, address: str) -> ShopClient:
    """A browser connecting from `address`."""
    client: ShopClient = app.test_client()  # type: ignore[assignment]
    client.environ_base["REMOTE_ADDR"] = address
    return client


def look_up(client: ShopClient, form: dict[str, str] = WRONG_LOOKUP) -> TestResponse:
    """Post the order lookup form."""
    return client.post_form("/orders/lookup", form)


def use_up(limit: Limit, attempt: Callable[[], TestResponse]) -> None:
    """Make every failed attempt the limit allows; none of them is refused."""
    for _ in range(limit.allowed):
        assert attempt().status_code != 429


def expect_limited(response: TestResponse, limit: Limit, wait: str = "15 minutes") -> None:
    """A 429 with Retry-After and the limit's message, naming the wait."""
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert limit.message.format(wait=wait) in response.get_data(as_text=True)


def coupon_code_of(app: Flask, client: ShopClient) -> str | None:
    """The code of the coupon on the client's cart."""
    with client.session_transaction() as session:
        token = session[CART_KEY]
    with app.app_context():
        cart = db.session.scalars(sa.select(Cart).where(Cart.token == token)).one()
        return cart.coupon.code if cart.coupon else None


def test_coupon_guesses_trip_the_limit_and_then_even_a_good_code_waits(
    seeded: Flask, client: ShopClient, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    add(client, "TEE-ORG", 2)
    use_up(COUPON_CODES, lambda: client.post_form("/cart/coupon", {"code": "GUESS"}))
    with caplog.at_level(logging.WARNING, "storefront.services.rate_limits"):
        refused = client.post_form("/cart/coupon", {"code": "WELCOME10"})
        client.post_form("/cart/coupon", {"code": "WELCOME10"})
    expect_limited(refused, COUPON_CODES)
    assert refused.headers["Retry-After"] == str(15 * 60)
    assert "Content-Security-Policy" in refused.headers
    assert coupon_code_of(seeded, client) is None
    [warning] = caplog.records  # once per window, however many requests are refused
    assert "action=coupon" in warning.getMessage()
    assert "127.0.0.1" not in warning.getMessage()


def test_coupons_that_apply_do_not_count_against_the_shopper(
    seeded: Flask, client: ShopClient, clock: Clock
) -> None:
    add(client, "TEE-ORG", 2)
    for _ in range(COUPON_CODES.allowed + 1):
        assert client.post_form("/cart/coupon", {"code": "WELCOME10"}).status_code == 302
        client.post_form("/cart/coupon/remove")
    use_up(COUPON_CODES, lambda: client.post_form("/cart/coupon", {"code": "GUESS"}))
    expect_limited(client.post_form("/cart/coupon", {"code": "GUESS"}), COUPON_CODES)


def test_limit_resets_when_the_window_ends_and_retry_after_counts_down(
    seeded: Flask, client: ShopClient, clock: Clock
) -> None:
    add(client, "TEE-ORG", 2)
    use_up(COUPON_CODES, lambda: client.post_form("/cart/coupon", {"code": "GUESS"}))
    clock.advance(timedelta(minutes=14, seconds=1))
    refused = client.post_form("/cart/coupon", {"code": "WELCOME10"})
    expect_limited(refused, COUPON_CODES, wait="1 minute")
    assert refused.headers["Retry-After"] == "59"
    clock.advance(timedelta(seconds=59))
    assert client.post_form("/cart/coupon", {"code": "WELCOME10"}).status_code == 302
    assert coupon_code_of(seeded, client) == "WELCOME10"


def test_payment_page_edit_gets_the_limit_as_its_json_answer_and_nothing_changes(
    seeded: Flask, client: ShopClient, clock: Clock, emulator_server: LiveServer
) -> None:
    state = open_payment_page(client, "GB", (("TEE-ORG", 2),))
    use_up(COUPON_CODES, lambda: client.post_form("/cart/coupon", {"code": "GUESS"}))
    before = last_request_id(emulator_server)
    refused = client.post_form(
        "/checkout/payment/coupon", {"code": "WELCOME10"}, headers=JSON_HEADERS
    )
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == str(15 * 60)
    text = COUPON_CODES.message.format(wait="15 minutes")
    assert refused.get_json() == {"messages": [{"category": "error", "text": text}]}
    assert klarna_operations(emulator_server, since=before) == []
    assert coupon_code_of(seeded, client) is None
    # Without JavaScript the same form gets a page saying so.
    plain = client.post_form("/checkout/payment/coupon", {"code": "WELCOME10"})
    expect_limited(plain, COUPON_CODES)
    clock.advance(COUPON_CODES.window)
    applied = edit(client, "coupon", {"code": "WELCOME10"})
    assert applied["payment"]["session_id"] == state["session_id"]
    assert coupon_code_of(seeded, client) == "WELCOME10"


def test_session_rechecks_count_every_request_and_then_get_429_without_reading_klarna(
    seeded: Flask, client: ShopClient, clock: Clock, emulator_server: LiveServer
) -> None:
    open_payment_page(client, "GB")
    before = last_request_id(emulator_server)
    for _ in range(SESSION_RECHECKS.allowed):  # each one succeeds, and each one counts
        assert "payment" in edit(client, "session")
    reads = klarna_operations(emulator_server, since=before).count("read_session")
    assert reads == SESSION_RECHECKS.allowed
    before = last_request_id(emulator_server)
    refused = client.post_form("/checkout/payment/session", headers=JSON_HEADERS)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == str(15 * 60)
    text = SESSION_RECHECKS.message.format(wait="15 minutes")
    assert refused.get_json() == {"messages": [{"category": "error", "text": text}]}
    assert klarna_operations(emulator_server, since=before) == []
    clock.advance(SESSION_RECHECKS.window)
    assert "payment" in edit(client, "session")


def test_order_lookup_misses_trip_the_limit_even_for_the_right_order(
    seeded: Flask, client: ShopClient, clock: Clock, emulator_server: LiveServer
) -> None:
    pay(client, emulator_server, "GB")
    stranger = client_at(seeded, "198.51.100.7")
    use_up(ORDER_LOOKUPS, lambda: look_up(stranger))
    with seeded.app_context():
        number = db.session.scalars(sa.select(Order.number)).one()
    right = {"number": number, "email": "customer@email.uk"}
    expect_limited(look_up(stranger, right), ORDER_LOOKUPS)
    assert stranger.get(f"/orders/{number}").status_code == 403  # not let in
    clock.advance(ORDER_LOOKUPS.window)
    assert look_up(stranger, right).headers["Location"] == f"/orders/{number}"
    # The shopper's own successful lookups never count.
    for _ in range(ORDER_LOOKUPS.allowed + 1):
        assert look_up(client_at(seeded, "192.0.2.1"), right).status_code == 302


def test_each_client_has_its_own_limit(seeded: Flask, clock: Clock) -> None:
    guesser, shopper = client_at(seeded, "203.0.113.1"), client_at(seeded, "203.0.113.2")
    use_up(ORDER_LOOKUPS, lambda: look_up(guesser))
    assert look_up(guesser).status_code == 429
    assert look_up(shopper).status_code == 200
    # One IPv6 subscriber gets a /64: hopping addresses inside it is the same client.
    hopper = client_at(seeded, "2001:db8:1:2::1")
    use_up(ORDER_LOOKUPS, lambda: look_up(hopper))
    hopper.environ_base["REMOTE_ADDR"] = "2001:db8:1:2:ffff::9"
    assert look_up(hopper).status_code == 429
    assert look_up(client_at(seeded, "2001:db8:1:3::1")).status_code == 200


def test_forwarded_for_is_ignored_unless_a_proxy_is_trusted(
    seeded: Flask, clock: Clock, make_worker: Callable[..., Flask]
) -> None:
    guesser = client_at(seeded, "203.0.113.1")
    use_up(ORDER_LOOKUPS, lambda: look_up(guesser))
    spoofed = guesser.post_form(
        "/orders/lookup", WRONG_LOOKUP, headers={"X-Forwarded-For": "192.0.2.99"}
    )
    assert spoofed.status_code == 429
    behind_proxy = client_at(make_worker(TRUSTED_PROXIES=1), "10.0.0.2")

    def via_proxy(shopper: str) -> TestResponse:
        # The shopper may send a forged first hop; the proxy appends the real address.
        hops = {"X-Forwarded-For": f"203.0.113.1, {shopper}"}
        return behind_proxy.post_form("/orders/lookup", WRONG_LOOKUP, headers=hops)

    use_up(ORDER_LOOKUPS, lambda: via_proxy("192.0.2.10"))
    assert via_proxy("192.0.2.10").status_code == 429
    assert via_proxy("192.0.2.11").status_code == 200


def test_limit_holds_across_two_workers_sharing_the_database(
    seeded: Flask, clock: Clock, make_worker: Callable[..., Flask]
) -> None:
    first, second = client_at(seeded, "203.0.113.5"), client_at(make_worker(), "203.0.113.5")
    for attempt in range(ORDER_LOOKUPS.allowed):
        assert look_up(first if attempt % 2 else second).status_code == 200
    assert look_up(first).status_code == 429
    assert look_up(second).status_code == 429


def test_concurrent_burst_runs_no_more_attempts_than_the_limit(seeded: Flask, clock: Clock) -> None:
    burst = 4 * ORDER_LOOKUPS.allowed
    clients = [client_at(seeded, "203.0.113.9") for _ in range(burst)]
    forms = [{**WRONG_LOOKUP, "csrf_token": client.csrf_token()} for client in clients]
    barrier = threading.Barrier(burst)
    statuses: list[int] = []
    failures: list[BaseException] = []

    def attempt(client: ShopClient, form: dict[str, str]) -> None:
        barrier.wait()
        try:
            statuses.append(client.post("/orders/lookup", data=form).status_code)
        except BaseException as failure:  # report it in the test, not on a thread
            failures.append(failure)

    threads = [
        threading.Thread(target=attempt, args=pair) for pair in zip(clients, forms, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures, failures
    assert sorted(statuses) == [200] * ORDER_LOOKUPS.allowed + [429] * (
        burst - ORDER_LOOKUPS.allowed
    )
    with seeded.app_context():
        assert db.session.scalars(sa.select(RateLimitWindow.attempts)).all() == [burst]


def test_windows_hold_a_keyed_hash_not_an_address_and_old_ones_are_pruned(
    seeded: Flask, clock: Clock, make_worker: Callable[..., Flask]
) -> None:
    look_up(client_at(seeded, "203.0.113.1"))
    look_up(client_at(make_worker(SECRET_KEY="another-secret"), "203.0.113.1"))
    with seeded.app_context():
        keys = db.session.scalars(sa.select(RateLimitWindow.client_key)).all()
    assert len(set(keys)) == 2  # the key depends on SECRET_KEY: not a plain hash of the IP
    assert all(len(key) == 64 and "203.0.113" not in key for key in keys)
    clock.advance(2 * ORDER_LOOKUPS.window)
    look_up(client_at(seeded, "203.0.113.2"))
    with seeded.app_context():
        windows = db.session.scalars(sa.select(RateLimitWindow.window_start)).all()
    assert len(windows) == 1  # the windows of two periods ago are gone


@pytest.mark.parametrize(
    ("address", "counted_as"),
    [
        ("203.0.113.1", "203.0.113.1"),
        ("::ffff:203.0.113.1", "203.0.113.1"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        (None, "unknown"),
    ],
)
def test_client_network(address: str | None, counted_as: str) -> None:
    assert client_network(address) == counted_as
