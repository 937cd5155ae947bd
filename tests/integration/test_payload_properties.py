"""Property: every cart the shop can hold becomes a payload Klarna accepts.

Hypothesis generates twice its profile's max_examples checkouts per run (2,000 with the `ci`
profile that `make test` loads, 200 with `dev`): 1-30 lines, unit prices 1..1,000,000 minor
units, quantities 1..99, every tax class of every market, every coupon kind, every shipping
method, every US state, one-time carts and subscription carts (every interval, counts 1..12,
free trials) with the intent the cart implies. Each payload must pass the pre-flight
validator and be accepted by the emulator's create-session endpoint with no BAD_VALUE. The
run fails if a tax class of a market, an applied coupon kind, a shipping method, an interval
or an intent never turned up. Mixed carts (one-time goods with subscriptions) are checked the
same way in their own test.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storefront.config import EMULATOR_PASSWORD, EMULATOR_USERNAME
from storefront.coupons import CouponKind, CouponTerms
from storefront.klarna.bodies import purchase_body
from storefront.klarna.preflight import payload_problems
from storefront.klarna_purchase import klarna_purchase
from storefront.markets import MARKETS, TaxClass
from storefront.plans import MAX_INTERVAL_COUNT, Interval, Plan
from storefront.pricing import price_order
from storefront.sales_tax import US_STATES
from storefront.shipping import SHIPPING_METHODS
from storefront.snapshot import CheckoutSnapshot, LineItem
from tests.support.live_server import LiveServer
from tests.support.personas import PERSONAS

line_items = st.builds(
    LineItem,
    sku=st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-", min_size=1, max_size=12),
    name=st.sampled_from(["Tee", "Dark Chocolate 72 %", "Nordic Walks", "Kaffe", "Brød"]),
    tax_class=st.sampled_from(list(TaxClass)),
    unit_price_minor=st.integers(1, 1_000_000),
    quantity=st.integers(1, 99),
    product_url=st.just("http://127.0.0.1/products/x"),
    image_url=st.just("http://127.0.0.1/static/img/products/tee.svg"),
)
plans = st.builds(
    lambda interval, count: Plan(interval, count).code,
    st.sampled_from(list(Interval)),
    st.integers(1, MAX_INTERVAL_COUNT),
)
minimums = st.integers(0, 10_000_000)
coupons = st.one_of(
    st.none(),
    st.builds(
        CouponTerms,
        code=st.just("PERCENT"),
        kind=st.just(CouponKind.PERCENT),
        percent_off_bp=st.integers(1, 10_000),
        minimum_subtotal_minor=minimums,
    ),
    st.builds(
        CouponTerms,
        code=st.just("FIXED"),
        kind=st.just(CouponKind.FIXED_AMOUNT),
        amount_off_minor=st.integers(1, 200_000_000),
        minimum_subtotal_minor=minimums,
    ),
    st.builds(
        CouponTerms,
        code=st.just("SHIP"),
        kind=st.just(CouponKind.FREE_SHIPPING),
        minimum_subtotal_minor=minimums,
    ),
)


@st.composite
def cart_items(draw: st.DrawFn, *, mixed: bool) -> tuple[LineItem, ...]:
    """1-30 lines: all one-time, all subscriptions, all free trials, or (`mixed`) both kinds."""
    items = draw(st.lists(line_items, min_size=2 if mixed else 1, max_size=30, unique_by=_sku))
    kind = "mixed" if mixed else draw(st.sampled_from(["one-time", "subscription", "trial"]))
    if kind == "one-time":
        return tuple(items)
    subscribed = [replace(item, plan=draw(plans)) for item in items]
    if kind == "trial":
        return tuple(replace(item, unit_price_minor=0, free_trial=True) for item in subscribed)
    if kind == "mixed":
        split = draw(st.integers(1, len(items) - 1))
        return tuple(items[:split]) + tuple(subscribed[split:])
    return tuple(subscribed)


def _sku(item: LineItem) -> str:
    return item.sku


@st.composite
def checkouts(draw: st.DrawFn, *, mixed: bool = False) -> tuple[CheckoutSnapshot, bool]:
    """A complete checkout in any market, and whether to send the customer's addresses."""
    market = draw(st.sampled_from(list(MARKETS)))
    email, phone, address = PERSONAS[market]
    if market == "US":
        address = replace(address, region=draw(st.sampled_from(list(US_STATES))))
    snapshot = CheckoutSnapshot(
        market=MARKETS[market],
        items=draw(cart_items(mixed=mixed)),
        coupon=draw(coupons),
        shipping_method=draw(st.sampled_from(SHIPPING_METHODS[market])),
        email=email,
        phone=phone,
        billing_address=address,
        shipping_address=address,
    )
    return snapshot, draw(st.booleans())


def test_every_generated_checkout_passes_preflight_and_the_emulator(
    emulator_server: LiveServer,
) -> None:
    examples = 2 * settings.default.max_examples  # from the Hypothesis profile (ci: 2,000)
    accepted: list[int] = []
    # What the payloads exercised: a strategy that stops generating one of these fails the test.
    seen: dict[str, set[Any]] = {
        name: set()
        for name in ("tax classes", "applied coupons", "shipping", "intents", "intervals")
    }
    klarna = requests.Session()
    klarna.auth = (EMULATOR_USERNAME, EMULATOR_PASSWORD)

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(checkouts())
    def check(checkout: tuple[CheckoutSnapshot, bool]) -> None:
        snapshot, include_customer = checkout
        purchase = klarna_purchase(snapshot)
        payload = purchase_body(purchase, include_customer=include_customer)
        payload["intent"] = purchase.intent
        assert payload_problems(payload) == []
        response = klarna.post(
            f"{emulator_server.url}/payments/v1/sessions", json=payload, timeout=10
        )
        assert response.status_code == 200, response.text
        accepted.append(payload["order_amount"])
        market = snapshot.market.code
        seen["tax classes"].update((market, item.tax_class) for item in snapshot.items)
        applied = price_order(snapshot).coupon
        seen["applied coupons"].add(applied.kind if applied else None)
        seen["shipping"].add((market, snapshot.shipping_method.code))
        seen["intents"].add(purchase.intent)
        seen["intervals"].update(
            Plan.parse(item.plan).interval for item in snapshot.items if item.plan
        )

    with klarna:
        check()
    assert len(accepted) >= examples
    assert seen == {
        "tax classes": {(market, tax_class) for market in MARKETS for tax_class in TaxClass},
        "applied coupons": {None, *CouponKind},
        "shipping": {
            (market, method.code)
            for market, methods in SHIPPING_METHODS.items()
            for method in methods
        },
        "intents": {"buy", "buy_and_tokenize", "tokenize"},
        "intervals": set(Interval),
    }


def test_every_generated_mixed_cart_passes_preflight_and_the_emulator(
    emulator_server: LiveServer,
) -> None:
    klarna = requests.Session()
    klarna.auth = (EMULATOR_USERNAME, EMULATOR_PASSWORD)

    @settings(max_examples=settings.default.max_examples // 4, deadline=None, database=None)
    @given(checkouts(mixed=True))
    def check(checkout: tuple[CheckoutSnapshot, bool]) -> None:
        snapshot, include_customer = checkout
        purchase = klarna_purchase(snapshot)
        payload = purchase_body(purchase, include_customer=include_customer)
        payload["intent"] = purchase.intent
        assert purchase.intent == "buy_and_default_tokenize"
        assert payload_problems(payload) == []
        response = klarna.post(
            f"{emulator_server.url}/payments/v1/sessions", json=payload, timeout=10
        )
        assert response.status_code == 200, response.text

    with klarna:
        check()
