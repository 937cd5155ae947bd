"""Subscriptions in Klarna's bodies: the intent follows the cart, lines carry `subscription`."""

from __future__ import annotations

from datetime import date

import pytest

from storefront.klarna.bodies import (
    MerchantContext,
    customer_token_body,
    order_body,
    session_body,
    token_order_body,
)
from storefront.klarna.preflight import payload_problems
from storefront.klarna_purchase import klarna_purchase
from storefront.markets import TaxClass
from storefront.plans import InvalidPlan, Plan, plan_label
from storefront.snapshot import LineItem
from tests.unit.test_payloads import BOOK, TEE, full_snapshot

MERCHANT = MerchantContext(
    order_number="FF-7K3Q-M9XD",
    authorization_url="https://shop.test/klarna/authorization?key=secret",
    confirmation_url="https://shop.test/orders/FF-7K3Q-M9XD",
    notification_url="https://shop.test/klarna/notification?key=secret",
)
COFFEE = LineItem("COF-BEAN", "Coffee Beans 500 g", TaxClass.FOOD, 1350, 1, plan="WEEK:2")
MAGAZINE = LineItem("MAG-FLD", "Field Journal", TaxClass.BOOKS, 700, 1, plan="MONTH:1")
TRIAL = LineItem("TEA-CLUB", "Tea Club Box", TaxClass.FOOD, 0, 1, plan="MONTH:1", free_trial=True)
MARKETS = ["US", "GB", "DE", "SE"]


@pytest.mark.parametrize(
    ("items", "intent"),
    [
        ((TEE,), "buy"),
        ((TEE, BOOK), "buy"),
        ((COFFEE,), "buy_and_tokenize"),
        ((COFFEE, MAGAZINE), "buy_and_tokenize"),
        ((TEE, COFFEE), "buy_and_default_tokenize"),
        ((TRIAL,), "tokenize"),
        ((TRIAL, MAGAZINE), "buy_and_tokenize"),
        ((TRIAL, TEE), "buy_and_default_tokenize"),
    ],
)
@pytest.mark.parametrize("market", MARKETS)
def test_the_intent_follows_the_cart(market: str, items: tuple[LineItem, ...], intent: str) -> None:
    body = session_body(klarna_purchase(full_snapshot(market, *items)), MERCHANT)
    assert body["intent"] == intent
    assert payload_problems(body) == []


@pytest.mark.parametrize("market", MARKETS)
def test_subscription_lines_carry_klarnas_subscription_object(market: str) -> None:
    body = session_body(klarna_purchase(full_snapshot(market, TEE, COFFEE, MAGAZINE)), MERCHANT)
    by_reference = {line["reference"]: line for line in body["order_lines"]}
    assert "subscription" not in by_reference["TEE-ORG"]
    assert by_reference["COF-BEAN"]["subscription"] == {
        "name": "Coffee Beans 500 g",
        "interval": "WEEK",
        "interval_count": 2,
    }
    assert by_reference["MAG-FLD"]["subscription"]["interval"] == "MONTH"
    # Create order repeats the authorized lines, subscription included.
    order = order_body(klarna_purchase(full_snapshot(market, TEE, COFFEE, MAGAZINE)), MERCHANT)
    assert order["order_lines"] == body["order_lines"]


@pytest.mark.parametrize("market", MARKETS)
def test_a_free_trial_alone_costs_nothing_today_and_ships_free(market: str) -> None:
    body = session_body(klarna_purchase(full_snapshot(market, TRIAL)), MERCHANT)
    assert body["order_amount"] == 0
    assert [line["type"] for line in body["order_lines"]] == ["physical"]
    assert payload_problems(body) == []


def test_customer_token_body_names_the_market_and_billing_address() -> None:
    purchase = klarna_purchase(full_snapshot("DE", COFFEE))
    body = customer_token_body(purchase, "Coffee every 2 weeks")
    assert body["purchase_country"] == "DE"
    assert body["purchase_currency"] == "EUR"
    assert body["intended_use"] == "SUBSCRIPTION"
    assert body["billing_address"]["country"] == "DE"
    assert "order_lines" not in body


@pytest.mark.parametrize("market", MARKETS)
def test_token_order_body_is_the_purchase_without_country_or_billing(market: str) -> None:
    purchase = klarna_purchase(full_snapshot(market, COFFEE))
    body = token_order_body(purchase, MERCHANT)
    assert "purchase_country" not in body and "billing_address" not in body
    assert body["shipping_address"]["country"] == market
    assert body["merchant_urls"] == {"confirmation": MERCHANT.confirmation_url}
    assert payload_problems({**body, "purchase_country": market}) == []


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"intent": "subscribe"}, "intent: must be one of"),
        ({"intent": "tokenize", "strip": True}, "order_lines: intent tokenize needs a line"),
        ({"subscription": {"name": "", "interval": "WEEK", "interval_count": 2}}, "subscription"),
        ({"subscription": {"name": "x", "interval": "FORTNIGHT", "interval_count": 1}}, "subscr"),
        ({"subscription": {"name": "x", "interval": "WEEK", "interval_count": 0}}, "subscription"),
        ({"subscription": {"name": "x", "interval": "WEEK"}}, "subscription"),
    ],
)
def test_preflight_knows_klarnas_rules_for_intent_and_subscription(
    change: dict, problem: str
) -> None:
    body = session_body(klarna_purchase(full_snapshot("GB", COFFEE)), MERCHANT)
    if "intent" in change:
        body["intent"] = change["intent"]
    if change.get("strip"):
        del body["order_lines"][0]["subscription"]
    if "subscription" in change:
        body["order_lines"][0]["subscription"] = change["subscription"]
    problems = payload_problems(body)
    assert any(problem in found for found in problems), problems


@pytest.mark.parametrize(
    ("code", "period", "due"),
    [
        ("WEEK:2", 1, date(2026, 1, 15)),
        ("WEEK:4", 3, date(2026, 3, 26)),
        ("MONTH:1", 1, date(2026, 2, 1)),
        ("DAY:3", 2, date(2026, 1, 7)),
        ("YEAR:1", 1, date(2027, 1, 1)),
    ],
)
def test_plans_give_the_due_date_of_each_period(code: str, period: int, due: date) -> None:
    assert Plan.parse(code).renewal_date(date(2026, 1, 1), period) == due


def test_a_month_later_than_a_short_month_is_its_last_day() -> None:
    assert Plan.parse("MONTH:1").renewal_date(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert Plan.parse("MONTH:1").renewal_date(date(2026, 1, 31), 2) == date(2026, 3, 31)


@pytest.mark.parametrize("code", ["", "WEEK", "WEEK:0", "WEEK:13", "FORTNIGHT:1", "WEEK:x"])
def test_unknown_plans_are_refused(code: str) -> None:
    with pytest.raises(InvalidPlan):
        Plan.parse(code)


def test_plan_labels_read_as_shoppers_say_them() -> None:
    assert plan_label("WEEK:2") == "every 2 weeks"
    assert plan_label("MONTH:1") == "every month"
    assert plan_label("") == ""
