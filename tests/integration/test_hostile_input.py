"""Hostile input: every storefront form and JSON endpoint, fed random and malformed requests.

Per endpoint Hypothesis sends its profile's max_examples requests (1,000 with the `ci` profile
that `make test` loads, 100 with `dev`) from one attacking shopper whose cart reached the
payment step (strategies: tests/support/hostile_requests.py). After each request: the answer
is not a 500 and shows no traceback, another shopper's cart (lines, coupon, addresses, Klarna
payment) is row for row what it was, no order was created (the only order is one a third
shopper placed before the attack), and no redirect leads off the shop.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import reduce
from io import BytesIO
from typing import Any
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from flask import Flask
from hypothesis import HealthCheck, given, settings
from werkzeug.test import TestResponse

from storefront import MAX_REQUEST_BYTES
from storefront.catalog_data import DEMO_COUPONS, DEMO_PRODUCTS
from storefront.extensions import db
from storefront.forms import QUANTITY_MESSAGE, UNSTORABLE_MESSAGE
from storefront.graphql.errors import INTERNAL_MESSAGE
from storefront.markets import MARKETS
from storefront.models import Cart, CartAddress, CartLine, Order, OrderLine, Payment, PaymentEvent
from storefront.services import carts, checkout
from storefront.services.headless_carts import new_masked_id
from storefront.shipping import SHIPPING_METHODS
from storefront.views.shopper import CART_KEY
from tests.support.client import ShopClient
from tests.support.hostile_graphql import GraphQLAttack, hostile_graphql
from tests.support.hostile_requests import Endpoint, HostileRequest, HostileRequests
from tests.support.live_server import LiveServer
from tests.support.payment_flow import open_payment_page, pay
from tests.support.personas import PERSONAS
from tests.support.shopping import add, details_form, flashes

ATTACKER_ITEMS = (("TEE-ORG", 1), ("BOOK-BRD", 2))
UNKNOWN_UUID = "00000000-0000-4000-8000-000000000000"
TRACEBACK = "Traceback (most recent call last)"
C0_CONTROLS_AND_SPACE = "".join(chr(code) for code in range(0x21))
SHOP_HOST = "localhost"  # the Flask test client's

# The details form's address fields (the country comes from the market, not the form).
ADDRESS_FIELDS = tuple(
    f"{kind}-{name}"
    for kind in ("billing", "shipping")
    for name in checkout.ADDRESS_FIELDS
    if name != "country"
)
DETAILS_FIELDS = ("email", "phone", "ship_to_billing", *ADDRESS_FIELDS)
ENDPOINTS = (
    Endpoint("POST", "/cart/add", ("sku", "quantity")),
    Endpoint("POST", "/cart/items/{segment}/quantity", ("quantity",), segment="sku"),
    Endpoint("POST", "/cart/items/{segment}/remove", segment="sku"),
    Endpoint("POST", "/cart/coupon", ("code",)),
    Endpoint("POST", "/cart/coupon/remove"),
    Endpoint("GET", "/checkout/details"),
    Endpoint("POST", "/checkout/details", DETAILS_FIELDS),
    Endpoint("GET", "/checkout/shipping"),
    Endpoint("POST", "/checkout/shipping", ("method",)),
    Endpoint("POST", "/market", ("market",)),
    Endpoint("POST", "/language", ("language",)),
    Endpoint("POST", "/checkout/payment/items/{segment}/quantity", ("quantity",), segment="sku"),
    Endpoint("POST", "/checkout/payment/items/{segment}/remove", segment="sku"),
    Endpoint("POST", "/checkout/payment/coupon", ("code",)),
    Endpoint("POST", "/checkout/payment/coupon/remove"),
    Endpoint("POST", "/checkout/payment/shipping", ("method",)),
    Endpoint("POST", "/checkout/payment/details", DETAILS_FIELDS),
    Endpoint("POST", "/checkout/payment/session"),
    Endpoint("POST", "/checkout/payment/declined"),
    Endpoint(
        "POST",
        "/checkout/payment/place",
        ("authorization_token", "klarna_session_id", "purchase_fingerprint"),
    ),
    Endpoint("GET", "/orders/{segment}", segment="number"),
    Endpoint("GET", "/orders/lookup"),
    Endpoint("POST", "/orders/lookup", ("number", "email")),
    Endpoint("POST", "/klarna/authorization", ("authorization_token", "session_id"), callback=True),
    Endpoint("POST", "/klarna/notification", ("order_id", "event_type"), callback=True),
    Endpoint("GET", "/products/{segment}", segment="slug"),
)


@dataclass(frozen=True)
class Scene:
    """Three shoppers: the attacker, another shopper with a full cart, and one who paid.

    `known` holds the real values the fuzzer may use, by field name (see hostile_requests).
    """

    attacker: ShopClient
    attacker_cart_token: str
    other_cart_id: int
    known: dict[str, tuple[str, ...]]


def cart_token(client: ShopClient) -> str:
    """The cart token in a client's session."""
    with client.session_transaction() as session:
        token: str = session[CART_KEY]
    return token


def payment_of(app: Flask, token: str) -> Payment:
    """The Klarna payment of the cart with this token."""
    with app.app_context():
        return db.session.scalars(sa.select(Payment).join(Cart).where(Cart.token == token)).one()


def fill_other_cart(client: ShopClient) -> dict[str, Any]:
    """Give a shopper two lines, a coupon, separate addresses and a Klarna session in GB."""
    market = "GB"
    separate_shipping = {
        "ship_to_billing": "",
        "shipping-given_name": "Gift",
        "shipping-family_name": "Receiver",
        "shipping-street_address": "1 Dean Street",
        "shipping-postal_code": "W1D 3RB",
        "shipping-city": "London",
    }
    state = open_payment_page(client, market, items=(("HOOD-MER", 1), ("MUG-STN", 3)))
    client.post_form("/checkout/payment/coupon", {"code": "WELCOME10"})
    client.post_form("/checkout/payment/details", details_form(market, **separate_shipping))
    return state


def build_scene(app: Flask, emulator_server: LiveServer) -> Scene:
    """Set up the three shoppers; takes well under a second (a handful of Klarna calls)."""
    buyer = app.test_client()
    pay(buyer, emulator_server, "SE")
    with app.app_context():
        order = db.session.scalars(sa.select(Order)).one()
        paid = (order.number, order.email, order.klarna_order_id, order.klarna_session_id)
        buyer_key = order.payment.callback_secret or ""

    other: ShopClient = app.test_client()  # type: ignore[assignment]
    other_state = fill_other_cart(other)
    other_payment = payment_of(app, cart_token(other))
    with app.app_context():
        other_cart = db.session.scalars(
            sa.select(Cart).where(Cart.token == cart_token(other))
        ).one()
        assert other_cart.coupon is not None and len(other_cart.addresses) == 2

    attacker: ShopClient = app.test_client()  # type: ignore[assignment]
    attacker_state = open_payment_page(attacker, "GB", items=ATTACKER_ITEMS)
    attacker_token = cart_token(attacker)
    attacker_key = payment_of(app, attacker_token).callback_secret or ""

    session_ids = (attacker_state["session_id"], other_state["session_id"], paid[3], UNKNOWN_UUID)
    known: dict[str, tuple[str, ...]] = {
        "csrf_token": (attacker.csrf_token(),),
        "foreign_csrf_token": (other.csrf_token(),),
        "cart": (cart_token(other),),
        "next": (
            "/cart",
            "//evil.example/",
            "https://evil.example/",
            "/\\evil.example",
            "/\t/evil.example",
            "/\r\nSet-Cookie: x=1",
        ),
        "sku": tuple(product["sku"] for product in DEMO_PRODUCTS),
        "slug": tuple(product["slug"] for product in DEMO_PRODUCTS),
        "quantity": ("1", "2", "99", "100", "0", "-1", " 3 "),
        "code": (*(coupon["code"] for coupon in DEMO_COUPONS), "welcome10", " WELCOME10 "),
        "market": (*MARKETS, "gb", "XX"),
        "method": tuple({m.code for methods in SHIPPING_METHODS.values() for m in methods}),
        "email": (paid[1], *(persona[0] for persona in PERSONAS.values())),
        "phone": tuple(persona[1] for persona in PERSONAS.values()),
        "ship_to_billing": ("y", "", "n"),
        "number": (paid[0], other_payment.order_number),
        # Tokens Klarna never issued: a real one would make a genuinely valid place-order.
        "authorization_token": (UNKNOWN_UUID, "eyJhbGciOiJIUzI1NiJ9.e30.forged"),
        "klarna_session_id": session_ids,
        "session_id": session_ids,
        "purchase_fingerprint": (
            attacker_state["purchase_fingerprint"],
            other_state["purchase_fingerprint"],
            "0" * 64,
        ),
        "order_id": (paid[2] or "", UNKNOWN_UUID),
        "event_type": ("FRAUD_RISK_ACCEPTED", "FRAUD_RISK_REJECTED", "FRAUD_RISK_STOPPED"),
        "key": (attacker_key, buyer_key),
    }
    for field_name in ADDRESS_FIELDS:
        _, name = field_name.split("-")
        known[field_name] = tuple(getattr(persona[2], name) for persona in PERSONAS.values())
    return Scene(attacker, attacker_token, other_payment.cart_id or 0, known)


def row_text(table: sa.Table) -> sa.ColumnElement[str]:
    """A row of `table` as one string of all its columns, so rows of any table compare alike."""
    texts = [sa.func.coalesce(sa.cast(column, sa.Text), "NULL") for column in table.columns]
    return reduce(lambda joined, text: joined + "|" + text, texts).label("row")


def untouchable_rows_query(other_cart_id: int) -> sa.CompoundSelect:
    """The rows no request of the attacker may change, as (table, row), in one query.

    The other shopper's cart, lines, addresses, Klarna payment and its events; and every order
    and order line, so an order created (or changed) by the attack shows up too. One UNION
    ALL query, because on PostgreSQL a round trip per table would double the test's time;
    build it once and run it often (building it costs more than running it).
    """
    payment_ids = sa.select(Payment.id).where(Payment.cart_id == other_cart_id)
    rows_of = {
        Cart: Cart.id == other_cart_id,
        CartLine: CartLine.cart_id == other_cart_id,
        CartAddress: CartAddress.cart_id == other_cart_id,
        Payment: Payment.cart_id == other_cart_id,
        PaymentEvent: PaymentEvent.payment_id.in_(payment_ids),
        Order: sa.true(),
        OrderLine: sa.true(),
    }
    return rows_of_models(rows_of)


def rows_of_models(rows_of: dict[Any, sa.ColumnElement[bool]]) -> sa.CompoundSelect:
    """One query for the rows each model's condition picks, as (table, row text) pairs."""
    selects = [
        sa.select(sa.literal(model.__tablename__).label("table"), row_text(model.__table__)).where(
            condition
        )
        for model, condition in rows_of.items()
    ]
    return sa.union_all(*selects)


def rows_now(connection: sa.Connection, query: sa.Executable) -> list[tuple[Any, ...]]:
    """The rows of `query` as they are now (on an autocommit connection), in a fixed order."""
    return sorted(tuple(row) for row in connection.execute(query))


def keep_attacker_cart_filled(app: Flask, connection: sa.Connection, token: str) -> None:
    """Put the attacker's items back once a (valid) removal emptied the cart.

    Without lines the cart falls back to the first checkout step, and later requests would
    stop at "your cart is empty" instead of reaching the validation they are meant to attack.
    """
    lines = sa.select(CartLine.id).join(Cart).where(Cart.token == token).limit(1)
    if rows_now(connection, lines):
        return
    with app.app_context():
        cart = carts.find_cart(token)
        if cart is not None:
            for sku, quantity in ATTACKER_ITEMS:
                carts.add_item(cart, sku, quantity)


def leaves_the_shop(location: str) -> bool:
    """True if a browser sent to `location` would go to another site.

    Read as browsers read it (WHATWG URL standard): surrounding spaces and control characters
    trimmed, tabs and newlines dropped, a backslash taken for a slash. Werkzeug's own
    redirects (a doubled slash in a path) name the shop's host, which is fine.
    """
    cleaned = re.sub("[\t\n\r]", "", location.strip(C0_CONTROLS_AND_SPACE)).replace("\\", "/")
    parts = urlsplit(cleaned)
    return (parts.scheme, parts.netloc) not in {("", ""), ("http", SHOP_HOST)}


def outcome(request: HostileRequest, response: TestResponse) -> str:
    """What was sent and what came back, for an assertion message."""
    return f"{request!r} was answered {response.status}"


# Werkzeug can leave the temporary file of a refused multipart body (413) for the garbage
# collector to close; a leak of the test client's request, not of the shop.
@pytest.mark.filterwarnings("ignore:unclosed file:ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.slow
@pytest.mark.fuzz
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda endpoint: endpoint.name)
def test_hostile_requests_get_no_500_touch_no_other_cart_or_order_and_stay_on_site(
    seeded: Flask, emulator_server: LiveServer, endpoint: Endpoint
) -> None:
    scene = build_scene(seeded, emulator_server)
    untouchable = untouchable_rows_query(scene.other_cart_id)
    with seeded.app_context():
        engine = db.engine
    sent = 0
    examples = settings.default.max_examples  # from the Hypothesis profile (ci: 1,000)

    # One connection for every check, cheaper than an app context and a pool checkout each.
    # Autocommit: no transaction to end (a SQLite read left open would block the shop's
    # writes), and no COMMIT round trip per check.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as watcher:
        before = rows_now(watcher, untouchable)
        assert {"cart_line", "cart_address", "payment", "order", "order_line"} <= {
            table for table, _ in before
        }

        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            print_blob=True,  # the failure's line cuts huge bodies; the blob replays it exactly
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        @given(HostileRequests(endpoint, scene.known).requests)
        def attack(request: HostileRequest) -> None:
            nonlocal sent
            response = request.send(scene.attacker)
            sent += 1
            # Messages only built on failure: a huge body's repr would cost every example.
            assert response.status_code < 500, f"{outcome(request, response)}; see the log"
            assert TRACEBACK not in response.get_data(as_text=True), outcome(request, response)
            assert rows_now(watcher, untouchable) == before, outcome(request, response)
            assert not leaves_the_shop(response.location or ""), outcome(request, response)
            if response.status_code < 400:  # refused requests change nothing worth restoring
                keep_attacker_cart_filled(seeded, watcher, scene.attacker_cart_token)

        attack()
    assert sent >= examples


def give_masked_ids(app: Flask, scene: Scene) -> tuple[str, str]:
    """Let the GraphQL door reach the attacker's and the other shopper's carts; their ids."""
    ids = (new_masked_id(), new_masked_id())
    with app.app_context():
        attacker = db.session.scalars(
            sa.select(Cart).where(Cart.token == scene.attacker_cart_token)
        ).one()
        other = db.session.get_one(Cart, scene.other_cart_id)
        attacker.masked_id, other.masked_id = ids
        db.session.commit()
    return ids


def graphql_known(scene: Scene, attacker_id: str, other_id: str) -> dict[str, tuple[Any, ...]]:
    """The values the GraphQL fuzzer draws variables from: real ones and near misses.

    The other shopper's masked id is the key to their cart, so only near misses of it (and
    their session token) are drawn, never the id itself; the attacker's own id most often.
    """
    near_misses = (other_id[:-1] + ("A" if other_id[-1] != "A" else "B"), other_id.lower())
    return {
        "c": (attacker_id, attacker_id, attacker_id, *near_misses, *scene.known["cart"]),
        "sku": scene.known["sku"],
        "u": scene.known["sku"],
        "q": (1, 2, 99, 100, 0, -1, 1.5, 1e308),
        "code": (*scene.known["code"], "klarna_pay_later", "klarna_pay_over_time", "checkmo"),
        "e": scene.known["email"],
        "m": scene.known["method"],
        "t": scene.known["authorization_token"],
    }


@pytest.mark.slow
@pytest.mark.fuzz
def test_hostile_graphql_requests_get_no_500_and_touch_no_other_cart_or_order(
    seeded: Flask, emulator_server: LiveServer
) -> None:
    """The GraphQL door, fed the same way: real operations with drawn variables, and junk."""
    scene = build_scene(seeded, emulator_server)
    attacker_id, other_id = give_masked_ids(seeded, scene)
    untouchable = untouchable_rows_query(scene.other_cart_id)
    attacks = hostile_graphql(graphql_known(scene, attacker_id, other_id))
    with seeded.app_context():
        engine = db.engine
    sent = 0
    examples = settings.default.max_examples  # from the Hypothesis profile (ci: 1,000)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as watcher:
        before = rows_now(watcher, untouchable)

        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            print_blob=True,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        @given(attacks)
        def attack(request: GraphQLAttack) -> None:
            nonlocal sent
            response = request.send(scene.attacker)
            sent += 1
            text = response.get_data(as_text=True)
            assert response.status_code < 500, f"{request!r} was answered {response.status}"
            assert TRACEBACK not in text and INTERNAL_MESSAGE not in text, f"{request!r}: {text}"
            assert rows_now(watcher, untouchable) == before, repr(request)
            keep_attacker_cart_filled(seeded, watcher, scene.attacker_cart_token)

        attack()
    assert sent >= examples


# Regressions the fuzzing found, one request each.


def item_count(app: Flask, client: ShopClient) -> int:
    """How many items the client's cart holds."""
    with app.app_context():
        return carts.item_count(cart_token(client))


@pytest.mark.parametrize(
    "body",
    ["false", '["quantity", "2"]', '{"quantity": [2, 3]}'],
    ids=["not-an-object", "a-list", "a-list-for-a-number"],
)
def test_a_json_body_is_an_empty_form_not_a_500(
    seeded: Flask, client: ShopClient, body: str
) -> None:
    add(client, "TEE-ORG", 3)
    response = client.post(
        "/cart/items/TEE-ORG/quantity",
        data=body,
        content_type="application/json",
        headers={"X-CSRFToken": client.csrf_token()},
    )
    assert response.status_code == 302
    assert ("error", QUANTITY_MESSAGE) in flashes(client)
    assert item_count(seeded, client) == 3


@pytest.mark.parametrize("url", ["/cart/items/TEE-ORG/quantity", "/cart/add"])
def test_a_quantity_too_large_for_a_float_is_out_of_range_not_a_500(
    seeded: Flask, client: ShopClient, url: str
) -> None:
    # WTForms' NumberRange calls math.isnan(data): OverflowError for an int past 1e308.
    add(client, "TEE-ORG", 3)
    response = client.post_form(url, {"sku": "TEE-ORG", "quantity": "2" * 400})
    assert response.status_code == 302
    assert ("error", QUANTITY_MESSAGE) in flashes(client)
    assert item_count(seeded, client) == 3


def test_a_file_in_a_text_field_is_an_empty_field_not_a_500(
    seeded: Flask, client: ShopClient
) -> None:
    add(client, "TEE-ORG", 2)
    upload = (BytesIO(b"WELCOME10"), "code.txt")
    response = client.post_form("/cart/coupon", {"code": upload})
    assert response.status_code == 302
    assert ("error", "Enter a coupon code.") in flashes(client)


@pytest.mark.parametrize(
    ("url", "fields"),
    [("/cart/add", {"sku": "TEE-ORG\x00", "quantity": "1"}), ("/cart/coupon", {"code": "A\x00"})],
    ids=["sku", "coupon-code"],
)
def test_a_nul_in_a_form_field_is_refused_before_any_query(
    seeded: Flask, client: ShopClient, url: str, fields: dict[str, str]
) -> None:
    # PostgreSQL cannot compare text holding NUL: psycopg raised, the shop answered 500.
    add(client, "BOOK-BRD")
    assert client.post_form(url, fields).status_code == 302
    assert ("error", UNSTORABLE_MESSAGE) in flashes(client)
    assert item_count(seeded, client) == 1


def test_a_nul_in_a_callback_id_is_a_malformed_body(seeded: Flask, client: ShopClient) -> None:
    body = {"authorization_token": "token", "session_id": "\x00"}
    response = client.post("/klarna/authorization?key=any", json=body)
    assert response.status_code == 400


def test_a_nul_in_a_product_slug_is_not_found(seeded: Flask, client: ShopClient) -> None:
    assert client.get("/products/organic-cotton-tee%00").status_code == 404


def test_a_multipart_part_without_a_name_is_not_a_500(seeded: Flask, client: ShopClient) -> None:
    add(client, "TEE-ORG")
    response = client.post(
        "/cart/coupon",
        data=b"--x\r\nContent-Disposition: form-data\r\n\r\nWELCOME10\r\n--x--\r\n",
        content_type="multipart/form-data; boundary=x",
        headers={"X-CSRFToken": client.csrf_token()},
    )
    assert response.status_code == 400
    assert "The form could not be read" in response.get_data(as_text=True)


def test_a_callback_body_nested_too_deep_to_parse_is_malformed(
    seeded: Flask, client: ShopClient
) -> None:
    # json.loads raises RecursionError, which get_json(silent=True) does not catch: a 500.
    response = client.post(
        "/klarna/authorization?key=any", data="[" * 50_000, content_type="application/json"
    )
    assert response.status_code == 400


def test_a_body_over_the_size_limit_is_refused_before_it_is_read(
    seeded: Flask, client: ShopClient
) -> None:
    body = "[" * (MAX_REQUEST_BYTES + 1)
    response = client.post(
        "/klarna/authorization?key=any", data=body, content_type="application/json"
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    "target",
    ["/\t/evil.example", "/\n/evil.example", "/\r\nSet-Cookie: x=1", "/\\evil.example"],
    ids=["tab", "newline", "header-split", "backslash"],
)
def test_a_next_page_a_browser_would_read_as_another_site_is_not_followed(
    seeded: Flask, client: ShopClient, target: str
) -> None:
    # Werkzeug and browsers drop the tab or newline: "//evil.example", an open redirect;
    # CR LF made the Location header raise (a 500).
    response = client.post_form("/market", {"market": "DE", "next": target})
    assert (response.status_code, response.location) == (302, "/")
