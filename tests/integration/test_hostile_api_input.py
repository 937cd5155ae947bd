"""Hostile requests against the JSON:API door: every route, with documents, tokens and headers
broken one way or another (Hypothesis, 1,000 requests per route at the ci profile). None gets a
500 or a traceback, and none changes a row of another market or another API client.

Kept apart from test_hostile_input.py (whose helpers it uses) so the two run on separate
workers under pytest-xdist.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from hypothesis import HealthCheck, given, settings

from storefront.api_models import ApiAddress, ApiKlarnaPayment, ApiOrder
from storefront.catalog_data import DEMO_COUPONS, DEMO_PRODUCTS
from storefront.extensions import db
from storefront.models import Cart, CartAddress, CartLine, Order, OrderLine, Payment, PaymentEvent
from tests.integration.test_hostile_input import (
    TRACEBACK,
    UNKNOWN_UUID,
    keep_attacker_cart_filled,
    outcome,
    rows_now,
    rows_of_models,
)
from tests.support.hostile_api_requests import ApiEndpoint, HostileApiRequests
from tests.support.hostile_requests import HostileRequest
from tests.support.jsonapi import JsonApi, get_token, new_client
from tests.support.live_server import LiveServer
from tests.support.personas import PERSONAS

ORDER_ATTRIBUTES = ("customer_email", "coupon_code", "shipping_method", "_place")
ADDRESS_ATTRIBUTES = (
    "first_name",
    "last_name",
    "line_1",
    "line_2",
    "city",
    "zip_code",
    "state_code",
    "country_code",
    "phone",
    "email",
)
ORDER = (("order", "orders"),)
API_ENDPOINTS = (
    ApiEndpoint(
        "POST",
        "/oauth/token",
        attributes=("grant_type", "client_id", "client_secret", "scope"),
        token=True,
    ),
    ApiEndpoint("POST", "/api/orders", "orders", ("customer_email", "coupon_code")),
    ApiEndpoint("GET", "/api/orders/{segment}", segment="orders"),
    ApiEndpoint(
        "PATCH",
        "/api/orders/{segment}",
        "orders",
        ORDER_ATTRIBUTES,
        (("billing_address", "addresses"), ("shipping_address", "addresses")),
        segment="orders",
    ),
    ApiEndpoint("POST", "/api/line_items", "line_items", ("sku_code", "quantity"), ORDER),
    ApiEndpoint("GET", "/api/line_items/{segment}", segment="line_items"),
    ApiEndpoint(
        "PATCH", "/api/line_items/{segment}", "line_items", ("quantity",), segment="line_items"
    ),
    ApiEndpoint("DELETE", "/api/line_items/{segment}", segment="line_items"),
    ApiEndpoint("POST", "/api/addresses", "addresses", ADDRESS_ATTRIBUTES),
    ApiEndpoint("GET", "/api/addresses/{segment}", segment="addresses"),
    ApiEndpoint(
        "POST",
        "/api/klarna_payments",
        "klarna_payments",
        ("reference", "reference_origin", "metadata"),
        ORDER,
    ),
    ApiEndpoint("GET", "/api/klarna_payments/{segment}", segment="klarna_payments"),
    ApiEndpoint(
        "PATCH",
        "/api/klarna_payments/{segment}",
        "klarna_payments",
        ("auth_token", "_update"),
        segment="klarna_payments",
    ),
    ApiEndpoint("GET", "/api/payment_gateways/klarna"),
)


@dataclass(frozen=True)
class ApiScene:
    """The attacker's GB token and order; the ids of orders it must not touch."""

    attacker_client_pk: int
    attacker_cart_token: str
    known: dict[str, tuple[Any, ...]]


def build_api_scene(app: Flask, emulator_server: LiveServer) -> ApiScene:
    """An attacking client with a GB order; its own SE order and another client's GB order."""
    credentials = new_client(app)
    attacker = JsonApi(app, get_token(app, "GB", credentials), "GB")
    own_sweden = JsonApi(app, get_token(app, "SE", credentials), "SE")
    other = JsonApi.for_market(app, "GB")
    orders, payments, addresses = [], [], []
    for door in (attacker, own_sweden, other):
        order_id = door.ready_order()
        orders.append(order_id)
        payments.append(door.create_klarna_payment(order_id)["id"])
        addresses.append(door.create_address()["id"])
    with app.app_context():
        attacker_order = db.session.scalars(
            sa.select(ApiOrder).where(ApiOrder.public_id == orders[0])
        ).one()
        cart = attacker_order.payment.cart
        assert cart is not None
        cart_token, client_pk = cart.token, attacker_order.api_client_id
    signed_elsewhere = get_token(make_other_app(app), "GB", credentials)
    persona_email, persona_phone, _ = PERSONAS["GB"]
    address = attacker.address_attributes({})
    known: dict[str, tuple[Any, ...]] = {
        "authorization": (
            f"Bearer {attacker.token}",
            f"Bearer {attacker.token}",
            f"Bearer {signed_elsewhere}",
            f"Bearer {attacker.token[:-2]}",
            "Bearer",
        ),
        "grant_type": ("client_credentials", "password"),
        "client_id": (credentials[0], "unknown"),
        "client_secret": (credentials[1], "wrong"),
        "scope": ("market:code:GB", "market:code:SE", "market:code:XX", "market"),
        "orders": tuple(orders),
        "line_items": (*(f"{order}.TEE-ORG" for order in orders), f"{orders[0]}.BOOK-BRD"),
        "addresses": tuple(addresses),
        "klarna_payments": tuple(payments),
        "customer_email": (persona_email, "x"),
        "coupon_code": (None, *(coupon["code"] for coupon in DEMO_COUPONS)),
        # GB's methods first (the attacker's order is British), then other markets'.
        "shipping_method": ("standard", "next_day", "pickup_point", "express"),
        "_place": (False, True),
        "_update": (True, False),
        "sku_code": tuple(product["sku"] for product in DEMO_PRODUCTS),
        "quantity": (1, 2, 99, 100, 0, -1),
        # Tokens Klarna never issued: a real one would make a genuinely valid placement.
        "auth_token": (UNKNOWN_UUID, "eyJhbGciOiJIUzI1NiJ9.e30.forged"),
        "reference": ("ORD-1",),
        "reference_origin": ("app",),
        "metadata": ({"a": "b"},),
        "phone": (persona_phone,),
        **{name: (value,) for name, value in address.items() if name != "phone"},
    }
    return ApiScene(client_pk, cart_token, known)


def make_other_app(app: Flask) -> Flask:
    """The shop under another SECRET_KEY, on the same database (tokens it signs are foreign)."""
    from storefront import create_app

    return create_app({**app.config, "SECRET_KEY": "another-secret-key"})


def untouchable_api_rows_query(attacker_client_pk: int) -> sa.CompoundSelect:
    """Every API row, cart and payment not of the attacker's GB token, and every order."""
    mine = sa.and_(ApiOrder.api_client_id == attacker_client_pk, ApiOrder.market == "GB")
    victims = sa.select(ApiOrder.id).where(~mine)
    victim_payments = sa.select(ApiOrder.payment_id).where(~mine)
    victim_carts = sa.select(Payment.cart_id).where(Payment.id.in_(victim_payments))
    rows_of = {
        ApiOrder: ApiOrder.id.in_(victims),
        ApiKlarnaPayment: ApiKlarnaPayment.api_order_id.in_(victims),
        ApiAddress: ~sa.and_(
            ApiAddress.api_client_id == attacker_client_pk, ApiAddress.market == "GB"
        ),
        Payment: Payment.id.in_(victim_payments),
        PaymentEvent: PaymentEvent.payment_id.in_(victim_payments),
        Cart: Cart.id.in_(victim_carts),
        CartLine: CartLine.cart_id.in_(victim_carts),
        CartAddress: CartAddress.cart_id.in_(victim_carts),
        Order: sa.true(),
        OrderLine: sa.true(),
    }
    return rows_of_models(rows_of)


@pytest.mark.filterwarnings("ignore:unclosed file:ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.slow
@pytest.mark.fuzz
@pytest.mark.parametrize("endpoint", API_ENDPOINTS, ids=lambda endpoint: endpoint.name)
def test_hostile_api_requests_get_no_500_and_touch_no_other_market_or_client(
    seeded: Flask, emulator_server: LiveServer, endpoint: ApiEndpoint
) -> None:
    """The JSON:API door: no 500, no traceback, nothing of another market or client changed."""
    scene = build_api_scene(seeded, emulator_server)
    untouchable = untouchable_api_rows_query(scene.attacker_client_pk)
    http = seeded.test_client()
    statuses: Counter[int] = Counter()
    with seeded.app_context():
        engine = db.engine
    sent = 0
    examples = settings.default.max_examples  # from the Hypothesis profile (ci: 1,000)

    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as watcher:
        before = rows_now(watcher, untouchable)
        assert {"api_order", "api_klarna_payment", "cart_line", "payment"} <= {
            table for table, _ in before
        }

        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            print_blob=True,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        @given(HostileApiRequests(endpoint, scene.known).requests)
        def attack(request: HostileRequest) -> None:
            nonlocal sent
            response = request.send(http)  # type: ignore[arg-type]
            sent += 1
            statuses[response.status_code] += 1
            assert response.status_code < 500, f"{outcome(request, response)}; see the log"
            assert TRACEBACK not in response.get_data(as_text=True), outcome(request, response)
            assert rows_now(watcher, untouchable) == before, outcome(request, response)
            if response.status_code < 400:
                keep_attacker_cart_filled(seeded, watcher, scene.attacker_cart_token)

        attack()
    print(f"\n{endpoint.name}: {sent} requests answered {dict(sorted(statuses.items()))}")
    assert sent >= examples
