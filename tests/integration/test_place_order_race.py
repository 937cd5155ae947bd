"""The shopper's browser, Klarna's callback and a headless client place the same order at the
same instant: one order.

Runs on the run's database: SQLite by default, PostgreSQL with TEST_DATABASE_URL (the suite
runs both), because the two make concurrent writers wait in different ways.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from werkzeug.test import TestResponse

from storefront.api_models import ApiKlarnaPayment, ApiOrder
from storefront.extensions import db
from storefront.models import Order, OrderStatus, Payment, PaymentEvent, PaymentEventKind
from storefront.services import order_lookup
from storefront.services.headless_carts import new_masked_id
from tests.support.client import ShopClient
from tests.support.concurrency import run_together
from tests.support.graphql_shopper import data_of, set_klarna_method
from tests.support.jsonapi import JsonApi
from tests.support.live_server import LiveServer
from tests.support.payment_flow import (
    authorize,
    callback,
    emulator_of,
    klarna_operations,
    open_payment_page,
)

PLACE_PATH = "/checkout/payment/place"
CALLBACK_STATUSES = (200, 409)
RACE_SESSIONS = 20
ATTEMPTS_PER_SESSION = 50
CALLBACK_COPIES = 8
RACE_SEED = 20261122  # which attempts are browsers and which callbacks: the same every run


# The doors an order can be placed through. Each door is a name, how to make its attempt for
# a shopper who authorized on the payment page, and what its answers may be (see Racers.ready
# and assert_answers_are_defined); another door is added the same way.
BROWSER, KLARNA, GRAPHQL = "browser", "klarna", "graphql"
PLACE_ORDER_MUTATION = (
    "mutation($c: String!) { placeOrder(input: {cart_id: $c}) { order { order_number } } }"
)


@dataclass(frozen=True)
class Racers:
    """One shopper's authorized payment, and each door its order can be placed through."""

    session_id: str
    doors: dict[str, Callable[[], TestResponse]]

    @property
    def browser(self) -> Callable[[], TestResponse]:
        """The shopper's Buy: the payment page's place-order POST."""
        return self.doors[BROWSER]

    @property
    def klarna(self) -> Callable[[], TestResponse]:
        """Klarna's authorization callback."""
        return self.doors[KLARNA]

    @classmethod
    def ready(cls, app: Flask, emulator_server: LiveServer, market: str = "GB") -> Racers:
        """A shopper who authorized on the payment page, in `market`, with nothing placed.

        The cart is also given a masked id and the authorization set on it through GraphQL's
        setPaymentMethodOnCart, so a headless client holding the same cart can race too.
        """
        shopper: ShopClient = app.test_client()  # type: ignore[assignment]
        state = open_payment_page(shopper, market)
        token = authorize(emulator_server, state)["authorization_token"]
        cookie = shopper.get_cookie("session")
        assert cookie is not None
        with app.app_context():
            payment = db.session.scalars(
                sa.select(Payment).where(Payment.klarna_session_id == state["session_id"])
            ).one()
            key = payment.callback_secret or ""
            cart_id = new_masked_id()
            assert payment.cart is not None
            payment.cart.masked_id = cart_id
            db.session.commit()
        data_of(set_klarna_method(shopper, cart_id, f"klarna_{state['categories'][0]}", token))
        form = {
            "csrf_token": shopper.csrf_token(),
            "authorization_token": token,
            "klarna_session_id": state["session_id"],
            "purchase_fingerprint": state["purchase_fingerprint"],
        }
        body: dict[str, Any] = {"authorization_token": token, "session_id": state["session_id"]}

        def browser() -> TestResponse:
            tab = app.test_client()  # a second tab or a double click: same cookie, own client
            tab.set_cookie("session", cookie.value)
            return tab.post(PLACE_PATH, data=form)

        def klarna() -> TestResponse:
            return callback(app.test_client(), key, body)

        def graphql() -> TestResponse:
            query = {"query": PLACE_ORDER_MUTATION, "variables": {"c": cart_id}}
            return app.test_client().post("/graphql", json=query)

        return cls(state["session_id"], {BROWSER: browser, KLARNA: klarna, GRAPHQL: graphql})


def assert_answers_are_defined(responses: list[TestResponse], order_number: str) -> None:
    """Browsers land on the order (or Klarna's redirect); Klarna hears placed, busy or done;
    GraphQL answers the order's number, or that the cart is gone (another door placed it).

    Either may also hear "busy, try again" (503 with Retry-After) when the burst outgrew the
    database's connection pool: a defined answer that lost nothing, never a 500.
    """
    for response in responses:
        if response.status_code == 503:
            assert response.headers["Retry-After"], response.get_data(as_text=True)
        elif response.request.path == PLACE_PATH:
            assert response.status_code == 303
            location = response.headers["Location"]
            assert location == f"/orders/{order_number}" or not location.startswith("/"), location
        elif response.request.path == "/graphql":
            assert_graphql_answer(response, order_number)
        else:
            # 409 tells a replay that the order exists already.
            assert response.status_code in CALLBACK_STATUSES, response.get_json()


def assert_graphql_answer(response: TestResponse, order_number: str) -> None:
    """placeOrder answered the order's number, or that its cart became that order already."""
    assert response.status_code == 200
    answer = response.get_json()
    if "errors" in answer:
        [error] = answer["errors"]
        assert error["message"].startswith("Could not find a cart with ID"), answer
    else:
        assert answer["data"]["placeOrder"]["order"]["order_number"] == order_number


def placed_orders(app: Flask) -> dict[str, str]:
    """Klarna session id -> order number, after checking every order was placed and paid."""
    with app.app_context():
        rows = db.session.execute(
            sa.select(Order.klarna_session_id, Order.number, Order.status)
        ).all()
    assert {status for *_, status in rows} <= {OrderStatus.PAID}
    return {session_id: number for session_id, number, _ in rows}


@pytest.mark.parametrize(
    "attempts",
    [
        {BROWSER: 2},
        {BROWSER: 1, KLARNA: 1},
        {KLARNA: 2},
        {BROWSER: 4, KLARNA: 4},
        {GRAPHQL: 2},
        {GRAPHQL: 1, KLARNA: 1},
        {GRAPHQL: 1, BROWSER: 1},
        {GRAPHQL: 3, BROWSER: 3, KLARNA: 3},
    ],
    ids=[
        "double-click",
        "browser-and-callback",
        "callback-twice",
        "four-of-each",
        "graphql-twice",
        "graphql-and-callback",
        "graphql-and-browser",
        "three-per-door",
    ],
)
def test_place_order_racing_attempts_make_exactly_one_order(
    seeded: Flask, emulator_server: LiveServer, attempts: dict[str, int]
) -> None:
    racers = Racers.ready(seeded, emulator_server)

    responses = run_together(
        [racers.doors[door] for door, count in attempts.items() for _ in range(count)]
    )

    orders = placed_orders(seeded)
    assert list(orders) == [racers.session_id]
    assert len(emulator_of(emulator_server).store.orders) == 1
    assert klarna_operations(emulator_server).count("create_order") == 1
    assert_answers_are_defined(responses, orders[racers.session_id])


@pytest.mark.parametrize("placed_by_browser", [False, True], ids=["unplaced", "placed"])
def test_simultaneous_identical_callbacks_are_answered_with_the_order_once(
    seeded: Flask, emulator_server: LiveServer, placed_by_browser: bool
) -> None:
    """Eight copies of one authorization callback: one 200, the rest replays (or busy)."""
    racers = Racers.ready(seeded, emulator_server)
    if placed_by_browser:
        assert racers.browser().status_code == 303

    responses = run_together([racers.klarna] * CALLBACK_COPIES)

    statuses = Counter(response.status_code for response in responses)
    assert statuses[200] == 1, statuses
    assert set(statuses) <= {200, 409, 503}, statuses
    for response in responses:
        if response.status_code == 503:  # still placing: Klarna is asked to call again
            assert response.headers["Retry-After"]
    with seeded.app_context():
        kinds = db.session.scalars(sa.select(PaymentEvent.kind)).all()
    assert kinds.count(PaymentEventKind.CALLBACK_CONFIRMED) == 1
    assert list(placed_orders(seeded)) == [racers.session_id]
    assert klarna_operations(emulator_server).count("create_order") == 1


@pytest.mark.slow
def test_fifty_racing_attempts_on_each_of_twenty_sessions_make_twenty_orders(
    seeded: Flask, emulator_server: LiveServer
) -> None:
    """The full race: 20 sessions x 50 attempts, browser POSTs and callbacks mixed, all at once."""
    markets = ("US", "GB", "DE", "SE")
    sessions = [
        Racers.ready(seeded, emulator_server, markets[i % len(markets)])
        for i in range(RACE_SESSIONS)
    ]
    pick = random.Random(RACE_SEED)
    entries = [
        (racers, pick.choice(sorted(racers.doors)))
        for racers in sessions
        for _ in range(ATTEMPTS_PER_SESSION)
    ]
    pick.shuffle(entries)

    responses = run_together([racers.doors[door] for racers, door in entries])

    answers = Counter(
        f"{kind} {response.status_code}"
        for (_, kind), response in zip(entries, responses, strict=True)
    )
    print(f"\n{len(responses)} racing attempts answered: {dict(sorted(answers.items()))}")
    orders = placed_orders(seeded)
    assert sorted(orders) == sorted(racers.session_id for racers in sessions)
    assert len(emulator_of(emulator_server).store.orders) == RACE_SESSIONS
    assert klarna_operations(emulator_server).count("create_order") == RACE_SESSIONS
    for racers in sessions:
        mine = [
            response for (who, _), response in zip(entries, responses, strict=True) if who is racers
        ]
        assert len(mine) == ATTEMPTS_PER_SESSION
        assert_answers_are_defined(mine, orders[racers.session_id])


def test_browser_post_overtaken_by_the_callback_lands_on_the_order(
    seeded: Flask, emulator_server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Klarna's callback places the order and consumes the cart while Buy's POST looks it up."""
    racers = Racers.ready(seeded, emulator_server)
    real_lookup = order_lookup.existing_payment

    def overtaken(cart: Any) -> Any:
        assert racers.klarna().status_code == 200  # the callback finishes first
        return real_lookup(cart)

    monkeypatch.setattr(order_lookup, "existing_payment", overtaken)
    response = racers.browser()

    number = placed_orders(seeded)[racers.session_id]
    assert response.status_code == 303
    assert response.headers["Location"] == f"/orders/{number}"


@dataclass(frozen=True)
class ApiRacers:
    """An order authorized through the JSON:API door, and two ways to place it: `_place`, Klarna."""

    session_id: str
    api: Callable[[], TestResponse]
    klarna: Callable[[], TestResponse]

    @classmethod
    def ready(cls, app: Flask, emulator_server: LiveServer, market: str = "GB") -> ApiRacers:
        """An API order whose klarna_payments holds an authorization, with nothing placed."""
        door = JsonApi.for_market(app, market)
        order_id = door.ready_order()
        door.authorized(emulator_server, order_id)
        with app.app_context():
            payment = db.session.scalars(
                sa.select(Payment).join(ApiOrder).where(ApiOrder.public_id == order_id)
            ).one()
            session_id, key = payment.klarna_session_id or "", payment.callback_secret or ""
            token = db.session.scalars(
                sa.select(ApiKlarnaPayment.auth_token).where(
                    ApiKlarnaPayment.klarna_session_id == session_id
                )
            ).one()
        body = {"authorization_token": token, "session_id": session_id}

        def api() -> TestResponse:
            return JsonApi(app, door.token, market).place(order_id)

        def klarna() -> TestResponse:
            return callback(app.test_client(), key, body)

        return cls(session_id, api, klarna)


@pytest.mark.parametrize(
    ("api_places", "callbacks"),
    [(2, 0), (1, 1), (4, 4)],
    ids=["double-place", "place-and-callback", "four-of-each"],
)
def test_jsonapi_place_racing_callbacks_makes_exactly_one_order(
    seeded: Flask, emulator_server: LiveServer, api_places: int, callbacks: int
) -> None:
    """The JSON:API door's `_place` goes through the same claim: one order however they race."""
    racers = ApiRacers.ready(seeded, emulator_server)

    responses = run_together([racers.api] * api_places + [racers.klarna] * callbacks)

    assert list(placed_orders(seeded)) == [racers.session_id]
    assert klarna_operations(emulator_server).count("create_order") == 1
    for response in responses:
        if response.request.path.startswith("/api/"):
            # placed (200), or still being placed by another attempt (409), or busy (503)
            assert response.status_code in (200, 409, 503), response.get_json()
            if response.status_code == 200:
                assert response.get_json()["data"]["attributes"]["status"] == "placed"
        else:
            assert response.status_code in (*CALLBACK_STATUSES, 503), response.get_json()
