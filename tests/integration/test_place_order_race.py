"""Every door that places orders, racing on the same Klarna sessions at once: one order each.

Which doors can reach which session, and why (a test below checks the "cannot"s):

- A session opened on the payment page belongs to the browser's cart, found by its cookie:
  the page's place-order POST (any tab of that browser, a double click) and Klarna's
  authorization callback can place it. A page cart has no masked id (only the GraphQL door
  gives one, at createGuestCart), so no GraphQL client can name it; no API order wraps it, so
  no `_place` reaches it.
- A session opened through GraphQL belongs to a guest cart known only by its masked id:
  `placeOrder` (any client holding the id) and the callback. The page's POST finds a cart by
  the browser's cookie, which no headless cart is ever in; no API order wraps it.
- A session opened through JSON:API belongs to an API order: `_place` (its client's token, in
  its market) and the callback. Its cart has no masked id and is in no browser's cookie.

So the callback is the door every session shares, and the mixed races put sessions of all
three kinds, with every door that reaches each, in one burst on the same database.

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
from storefront.models import Cart, Order, OrderStatus, Payment, PaymentEvent, PaymentEventKind
from storefront.services import order_lookup
from tests.support.client import ShopClient
from tests.support.concurrency import run_together
from tests.support.graphql_shopper import (
    authorize_headless,
    data_of,
    fill_cart,
    klarna_session_id,
    set_klarna_method,
    start_session,
)
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
RACE_SESSIONS = 21  # seven of each kind
ATTEMPTS_PER_SESSION = 50
CALLBACK_COPIES = 8
RACE_SEED = 20261122  # which attempts are which door: the same every run


# The doors an order can be placed through. Each door is a name, how to make its attempt, and
# what its answers may be (see assert_answers_are_defined); another door is added the same way.
BROWSER, KLARNA, GRAPHQL, JSONAPI = "browser", "klarna", "graphql", "jsonapi"
PAGE_SESSION, GRAPHQL_SESSION, API_SESSION = "page", "graphql", "jsonapi"
PLACE_ORDER_MUTATION = (
    "mutation($c: String!) { placeOrder(input: {cart_id: $c}) { order { order_number } } }"
)


@dataclass(frozen=True)
class Racers:
    """One authorized Klarna session, nothing placed, and each door that can place its order."""

    session_id: str
    token: str  # the authorization Klarna's authorize() gave for it
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
        """A shopper who authorized on the payment page: the page's POST and the callback."""
        shopper: ShopClient = app.test_client()  # type: ignore[assignment]
        state = open_payment_page(shopper, market)
        token = authorize(emulator_server, state)["authorization_token"]
        cookie = shopper.get_cookie("session")
        assert cookie is not None
        form = {
            "csrf_token": shopper.csrf_token(),
            "authorization_token": token,
            "klarna_session_id": state["session_id"],
            "purchase_fingerprint": state["purchase_fingerprint"],
        }

        def browser() -> TestResponse:
            tab = app.test_client()  # a second tab or a double click: same cookie, own client
            tab.set_cookie("session", cookie.value)
            return tab.post(PLACE_PATH, data=form)

        doors = {BROWSER: browser, KLARNA: klarna_callback(app, state["session_id"], token)}
        return cls(state["session_id"], token, doors)

    @classmethod
    def headless(cls, app: Flask, emulator_server: LiveServer, market: str = "GB") -> Racers:
        """A GraphQL client's cart, authorized and set on it: `placeOrder` and the callback."""
        client = app.test_client()
        cart_id = fill_cart(client, market)
        category = start_session(client, cart_id)["payment_method_categories"][0]["identifier"]
        token = authorize_headless(app, emulator_server, client, cart_id, category)
        data_of(set_klarna_method(client, cart_id, f"klarna_{category}", token))
        session_id = klarna_session_id(app, cart_id)

        def graphql() -> TestResponse:
            query = {"query": PLACE_ORDER_MUTATION, "variables": {"c": cart_id}}
            return app.test_client().post("/graphql", json=query)

        doors = {GRAPHQL: graphql, KLARNA: klarna_callback(app, session_id, token)}
        return cls(session_id, token, doors)

    @classmethod
    def api(cls, app: Flask, emulator_server: LiveServer, market: str = "GB") -> Racers:
        """An API order whose klarna_payments holds an authorization: `_place` and the callback."""
        door = JsonApi.for_market(app, market)
        order_id = door.ready_order()
        door.authorized(emulator_server, order_id)
        with app.app_context():
            session_id, token = db.session.execute(
                sa.select(ApiKlarnaPayment.klarna_session_id, ApiKlarnaPayment.auth_token)
                .join(ApiOrder)
                .where(ApiOrder.public_id == order_id)
            ).one()

        def jsonapi() -> TestResponse:
            return JsonApi(app, door.token, market).place(order_id)

        doors = {JSONAPI: jsonapi, KLARNA: klarna_callback(app, session_id, token)}
        return cls(session_id, token, doors)


SESSION_KINDS = {
    PAGE_SESSION: Racers.ready,
    GRAPHQL_SESSION: Racers.headless,
    API_SESSION: Racers.api,
}


def klarna_callback(app: Flask, session_id: str, token: str) -> Callable[[], TestResponse]:
    """Klarna's authorization callback for this session's authorization."""
    with app.app_context():
        key = db.session.scalars(
            sa.select(Payment.callback_secret).where(Payment.klarna_session_id == session_id)
        ).one()
    body: dict[str, Any] = {"authorization_token": token, "session_id": session_id}
    return lambda: callback(app.test_client(), key or "", body)


def assert_answers_are_defined(responses: list[TestResponse], order_number: str) -> None:
    """Browsers land on the order (or Klarna's redirect); Klarna hears placed, busy or done;
    GraphQL answers the order's number, or that the cart is gone (another door placed it);
    `_place` answers the placed order, or that another attempt is placing it.

    Any may also hear "busy, try again" (503 with Retry-After) when the burst outgrew the
    database's connection pool: a defined answer that lost nothing, never a 500.
    """
    for response in responses:
        path = response.request.path
        if response.status_code == 503:
            assert response.headers["Retry-After"], response.get_data(as_text=True)
        elif path == PLACE_PATH:
            assert response.status_code == 303
            location = response.headers["Location"]
            assert location == f"/orders/{order_number}" or not location.startswith("/"), location
        elif path == "/graphql":
            assert_graphql_answer(response, order_number)
        elif path.startswith("/api/"):
            assert_api_answer(response, order_number)
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


def assert_api_answer(response: TestResponse, order_number: str) -> None:
    """`_place` answered the placed order, or 409: another attempt is placing it right now."""
    assert response.status_code in (200, 409), response.get_json()
    if response.status_code == 200:
        attributes = response.get_json()["data"]["attributes"]
        assert (attributes["status"], attributes["number"]) == ("placed", order_number)


def placed_orders(app: Flask) -> dict[str, str]:
    """Klarna session id -> order number, after checking every order was placed and paid."""
    with app.app_context():
        rows = db.session.execute(
            sa.select(Order.klarna_session_id, Order.number, Order.status)
        ).all()
    assert {status for *_, status in rows} <= {OrderStatus.PAID}
    return {session_id: number for session_id, number, _ in rows}


def assert_one_order_each(
    app: Flask, emulator_server: LiveServer, entries: list[tuple[Racers, str]], answers: list
) -> None:
    """One paid order per session, one create order each at Klarna, every answer defined."""
    sessions = list({id(racers): racers for racers, _ in entries}.values())
    orders = placed_orders(app)
    assert sorted(orders) == sorted(racers.session_id for racers in sessions)
    assert len(emulator_of(emulator_server).store.orders) == len(sessions)
    assert klarna_operations(emulator_server).count("create_order") == len(sessions)
    for racers in sessions:
        mine = [answer for (who, _), answer in zip(entries, answers, strict=True) if who is racers]
        assert_answers_are_defined(mine, orders[racers.session_id])


@pytest.mark.parametrize(
    ("kind", "attempts"),
    [
        (PAGE_SESSION, {BROWSER: 2}),
        (PAGE_SESSION, {BROWSER: 1, KLARNA: 1}),
        (PAGE_SESSION, {KLARNA: 2}),
        (PAGE_SESSION, {BROWSER: 4, KLARNA: 4}),
        (GRAPHQL_SESSION, {GRAPHQL: 2}),
        (GRAPHQL_SESSION, {GRAPHQL: 1, KLARNA: 1}),
        (GRAPHQL_SESSION, {GRAPHQL: 4, KLARNA: 4}),
        (API_SESSION, {JSONAPI: 2}),
        (API_SESSION, {JSONAPI: 1, KLARNA: 1}),
        (API_SESSION, {JSONAPI: 4, KLARNA: 4}),
    ],
    ids=[
        "double-click",
        "browser-and-callback",
        "callback-twice",
        "four-browsers-four-callbacks",
        "graphql-twice",
        "graphql-and-callback",
        "four-graphql-four-callbacks",
        "place-twice",
        "place-and-callback",
        "four-places-four-callbacks",
    ],
)
def test_racing_attempts_on_one_session_make_exactly_one_order(
    seeded: Flask, emulator_server: LiveServer, kind: str, attempts: dict[str, int]
) -> None:
    racers = SESSION_KINDS[kind](seeded, emulator_server)
    entries = [(racers, door) for door, count in attempts.items() for _ in range(count)]

    responses = run_together([racers.doors[door] for _, door in entries])

    assert_one_order_each(seeded, emulator_server, entries, responses)


def test_every_door_on_sessions_of_every_kind_at_once_makes_one_order_each(
    seeded: Flask, emulator_server: LiveServer
) -> None:
    """A page, a GraphQL and a JSON:API session; three attempts through each of their doors
    (page POST, placeOrder, `_place`, callbacks), all twelve shuffled into one burst."""
    sessions = [make(seeded, emulator_server) for make in SESSION_KINDS.values()]
    entries = [(racers, door) for racers in sessions for door in racers.doors for _ in range(3)]
    random.Random(RACE_SEED).shuffle(entries)

    responses = run_together([racers.doors[door] for racers, door in entries])

    assert Counter(door for _, door in entries) == {KLARNA: 9, BROWSER: 3, GRAPHQL: 3, JSONAPI: 3}
    assert_one_order_each(seeded, emulator_server, entries, responses)


def test_no_door_reaches_another_kinds_session(seeded: Flask, emulator_server: LiveServer) -> None:
    """Why the races above pair the doors as they do: a page cart has no masked id, an API
    order's cart neither, and no headless cart is in a browser's cookie."""
    page, headless = Racers.ready(seeded, emulator_server), Racers.headless(seeded, emulator_server)
    api = Racers.api(seeded, emulator_server)
    with seeded.app_context():
        masked = dict(
            db.session.execute(
                sa.select(Payment.klarna_session_id, Cart.masked_id).join(Payment.cart)
            ).all()
        )
    assert masked[page.session_id] is None and masked[api.session_id] is None
    assert masked[headless.session_id] is not None
    # A browser holding the token (its cookie holds no cart) still has no claim to the cart.
    stranger: ShopClient = seeded.test_client()  # type: ignore[assignment]
    for racers in (headless, api):
        form = {
            "authorization_token": racers.token,
            "klarna_session_id": racers.session_id,
            "purchase_fingerprint": "0" * 64,
        }
        posted = stranger.post_form(PLACE_PATH, form)
        assert posted.status_code == 302
        assert posted.headers["Location"] == "/cart"
    assert placed_orders(seeded) == {}
    assert klarna_operations(emulator_server).count("create_order") == 0


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
def test_fifty_racing_attempts_on_each_of_many_sessions_make_one_order_each(
    seeded: Flask, emulator_server: LiveServer
) -> None:
    """The full race: 21 sessions (page, GraphQL and JSON:API, in four markets) x 50 attempts,
    each through a door that reaches its session, all shuffled into one burst."""
    markets = ("US", "GB", "DE", "SE")
    kinds = list(SESSION_KINDS.values())
    sessions = [
        kinds[i % len(kinds)](seeded, emulator_server, markets[i % len(markets)])
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
        f"{door} {response.status_code}"
        for (_, door), response in zip(entries, responses, strict=True)
    )
    print(f"\n{len(responses)} racing attempts answered: {dict(sorted(answers.items()))}")
    assert {door for _, door in entries} == {BROWSER, KLARNA, GRAPHQL, JSONAPI}
    assert_one_order_each(seeded, emulator_server, entries, responses)


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
