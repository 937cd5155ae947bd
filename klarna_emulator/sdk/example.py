"""An example checkout page on the emulator itself, for trying the JS SDK by hand.

`python -m klarna_emulator`, then open http://127.0.0.1:5001/_emulator/example: create a session
for a small cart, see the widget, buy, type a code, and read the authorization token. The page
creates and updates its session with the same domain calls as the REST API (a real shop does
this with its Klarna credentials on its server). Served with the control plane only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, jsonify

from klarna_emulator.api.common import base_url
from klarna_emulator.emulator import current_emulator
from klarna_emulator.sdk.fields import bad_field, frame_call
from klarna_emulator.sdk.pages import content_security_policy, render_page

bp = Blueprint("sdk_example", __name__, url_prefix="/_emulator/example")

MAX_QUANTITY = 20


@dataclass(frozen=True)
class ExampleMarket:
    """One market of the example: its product price and tax, and Klarna's sample shopper."""

    country: str
    currency: str
    locale: str
    unit_price: int  # minor units; tax included, except in the US (sales tax on top)
    tax_rate: int  # basis points
    shopper: dict[str, str]


# Klarna's approved sample customers per market:
# https://docs.klarna.com/resources/developer-tools/sample-data/sample-customer-data
MARKETS = {
    market.country: market
    for market in (
        ExampleMarket(
            "GB",
            "GBP",
            "en-GB",
            2500,
            2000,
            {
                "given_name": "Test",
                "family_name": "Person-uk",
                "email": "customer@email.uk",
                "street_address": "10 New Burlington Street",
                "postal_code": "W1S 3BE",
                "city": "London",
                "phone": "+447755564318",
                "country": "GB",
            },
        ),
        ExampleMarket(
            "DE",
            "EUR",
            "de-DE",
            2900,
            1900,
            {
                "given_name": "Mock",
                "family_name": "Mock",
                "email": "customer@email.de",
                "street_address": "Neue Schönhauser Str. 2",
                "postal_code": "10178",
                "city": "Berlin",
                "phone": "+49017614284340",
                "country": "DE",
            },
        ),
        ExampleMarket(
            "SE",
            "SEK",
            "sv-SE",
            29900,
            2500,
            {
                "given_name": "Alice",
                "family_name": "Test",
                "email": "customer@email.se",
                "street_address": "Södra Blasieholmshamnen 2",
                "postal_code": "11148",
                "city": "Stockholm",
                "phone": "+46701740615",
                "country": "SE",
            },
        ),
        ExampleMarket(
            "US",
            "USD",
            "en-US",
            2500,
            887,  # New York City sales tax
            {
                "given_name": "Test",
                "family_name": "Person-us",
                "email": "customer@email.us",
                "street_address": "509 Amsterdam Ave",
                "postal_code": "10024-3941",
                "city": "New York",
                "region": "NY",
                "phone": "+13106683312",
                "country": "US",
            },
        ),
    )
}


def rounded_ratio(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up, in integers (no floats near money)."""
    return (2 * numerator + denominator) // (2 * denominator)


def example_purchase(market: ExampleMarket, quantity: int) -> dict[str, Any]:
    """The order fields of `quantity` beanies, with tax the way Klarna expects per market.

    Klarna docs: https://docs.klarna.com/payments/web-payments/additional-resources/error-handling-and-validations/tax-handling
    (tax included per line; in the US a separate `sales_tax` line on net prices).
    """
    total = market.unit_price * quantity
    line = {
        "type": "physical",
        "reference": "BEANIE-1",
        "name": "Wool beanie",
        "quantity": quantity,
        "unit_price": market.unit_price,
        "total_amount": total,
    }
    if market.country == "US":
        tax = rounded_ratio(total * market.tax_rate, 10000)
        tax_line = {
            "type": "sales_tax",
            "reference": "Sales Tax",
            "name": "Sales Tax",
            "quantity": 1,
            "unit_price": tax,
            "total_amount": tax,
        }
        lines = [line, tax_line]
    else:
        tax = rounded_ratio(total * market.tax_rate, 10000 + market.tax_rate)
        lines = [{**line, "tax_rate": market.tax_rate, "total_tax_amount": tax}]
    return {
        "order_amount": sum(line["total_amount"] for line in lines),
        "order_tax_amount": tax,
        "order_lines": lines,
    }


def _quantity(body: dict[str, Any]) -> int:
    quantity = body.get("quantity")
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise bad_field("quantity", f"a whole number from 1 to {MAX_QUANTITY}")
    if not 1 <= quantity <= MAX_QUANTITY:
        raise bad_field("quantity", f"a whole number from 1 to {MAX_QUANTITY}")
    return quantity


def _market(body: dict[str, Any]) -> ExampleMarket:
    market = MARKETS.get(str(body.get("market")))
    if market is None:
        raise bad_field("market", f"one of {', '.join(MARKETS)}")
    return market


@bp.get("")
def page() -> Response:
    """The example checkout page."""
    policy = content_security_policy(frame_src="'self'", frame_ancestors="'none'")
    return render_page("sdk/example.html", policy, markets=MARKETS)


@bp.post("/sessions")
def create_session() -> Response:
    """`{market, quantity}` -> the new session's id, client token and the market's shopper."""
    body = frame_call()
    market = _market(body)
    session = current_emulator().payments.create_session(
        {
            "purchase_country": market.country,
            "purchase_currency": market.currency,
            "locale": market.locale,
            **example_purchase(market, _quantity(body)),
        },
        base_url(),
    )
    return jsonify(
        session_id=session["session_id"],
        client_token=session["client_token"],
        payment_method_categories=session["payment_method_categories"],
        billing_address=market.shopper,
    )


@bp.post("/sessions/<session_id>")
def update_session(session_id: str) -> Response:
    """`{quantity}` -> the session's cart changed, as a shop's update-session call does."""
    quantity = _quantity(frame_call())
    payments = current_emulator().payments
    session = payments.live_session(session_id)
    market = MARKETS.get(session.data["purchase_country"])
    if market is None:
        raise bad_field("session_id", "a session this page created")
    payments.update_session(session_id, example_purchase(market, quantity))
    return jsonify(payment_method_categories=payments.category_views(session))
