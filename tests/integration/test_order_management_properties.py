"""End to end: generated captures and refunds of orders placed through the shop, over HTTP.

The integration check of tests/unit/test_order_management_sequences.py, which runs the
property at full size in process. Here Hypothesis places a few orders (market, products,
quantities) through the shop and the emulator server, then runs a sequence of partial and
full captures and refunds (by lines, by amount, in full), releases and cancels through the
services, database and Klarna client. Every action the shop's checks allow must be accepted
by the emulator (0 refusals); every one they refuse must send nothing; after every step the
shop's captured and refunded totals equal Klarna's, nothing is captured beyond the order or
refunded beyond the captures. Each example takes seconds, so the count is fixed small
(tests/support/hypothesis_profiles.py: 10 under `ci`, 5 under `dev`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storefront.extensions import db
from storefront.markets import MARKETS
from storefront.models import Product, ProductPrice
from storefront.services import authorization_actions, captures, refunds
from storefront.services.order_action_errors import ActionNotAllowed, KlarnaRefusedAction
from tests.support.hypothesis_profiles import end_to_end_examples
from tests.support.live_server import LiveServer
from tests.support.order_management import (
    in_app,
    klarna_order_of,
    klarna_totals,
    placed_order,
    shop_totals,
)
from tests.support.payment_flow import klarna_operations, last_request_id

MAX_STEPS = 6
STEP_KINDS = (
    "capture_lines",
    "capture_all",
    "refund_lines",
    "refund_amount",
    "refund_all",
    "release",
    "cancel",
)


def skus_by_market(app: Flask) -> dict[str, list[str]]:
    """The SKUs each market sells."""
    with app.app_context():
        rows = db.session.execute(
            sa.select(ProductPrice.market, Product.sku).join(Product).order_by(Product.sku)
        ).all()
    sold: dict[str, list[str]] = {code: [] for code in MARKETS}
    for market, sku in rows:
        sold[market].append(sku)
    return sold


def step_action(kind: str, data: st.DataObject, lines: int, total: int) -> Callable[[str], Any]:
    """Draw one back-office action of `kind` for an order with `lines` lines worth `total`."""
    if kind in ("capture_lines", "refund_lines"):
        wanted = data.draw(
            st.dictionaries(st.integers(0, lines - 1), st.integers(1, 4), min_size=1),
            label=kind,
        )
        if kind == "capture_lines":
            return lambda number: captures.capture(number, wanted)
        return lambda number: refunds.refund(number, lines=wanted)
    if kind == "refund_amount":
        amount = data.draw(st.integers(-1, total + 1), label=kind)
        return lambda number: refunds.refund(number, amount_minor=amount)
    whole: dict[str, Callable[[str], Any]] = {
        "capture_all": captures.capture,
        "refund_all": refunds.refund,
        "release": authorization_actions.release_remaining_authorization,
        "cancel": authorization_actions.cancel,
    }
    return whole[kind]


@pytest.mark.slow
def test_generated_captures_and_refunds_are_never_refused(
    seeded: Flask, emulator_server: LiveServer
) -> None:
    sold = skus_by_market(seeded)
    tally: Counter[str] = Counter()

    @settings(
        max_examples=end_to_end_examples(),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(st.data())
    def check(data: st.DataObject) -> None:
        market = data.draw(st.sampled_from(sorted(MARKETS)), label="market")
        skus = data.draw(
            st.lists(st.sampled_from(sold[market]), min_size=1, max_size=3, unique=True)
        )
        items = tuple((sku, data.draw(st.integers(1, 3), label=sku)) for sku in skus)
        number = placed_order(seeded, emulator_server, market, items)
        klarna = klarna_order_of(seeded, emulator_server, number)
        lines, total = len(klarna.purchase["order_lines"]), klarna.order_amount
        for kind in data.draw(
            st.lists(st.sampled_from(STEP_KINDS), min_size=1, max_size=MAX_STEPS)
        ):
            act = step_action(kind, data, lines, total)
            since = last_request_id(emulator_server)
            try:
                in_app(seeded, act, number)
                tally[f"{kind} done"] += 1
            except ActionNotAllowed:
                assert klarna_operations(emulator_server, since) == [], kind
                tally[f"{kind} refused by the shop"] += 1
            except KlarnaRefusedAction:
                tally["refused by Klarna"] += 1
            captured, refunded = shop_totals(seeded, number)
            assert (captured, refunded) == klarna_totals(seeded, emulator_server, number)
            assert 0 <= refunded <= captured <= total

    check()
    print(dict(tally))
    assert tally["refused by Klarna"] == 0
