"""Order pages: only the browser that placed an order, or someone with its number and email."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from storefront.extensions import db
from storefront.models import Order
from tests.support.client import ShopClient
from tests.support.live_server import LiveServer
from tests.support.payment_flow import pay


def placed_order(app: Flask) -> tuple[str, str]:
    """Number and email of the only order."""
    with app.app_context():
        number, email = db.session.execute(sa.select(Order.number, Order.email)).one()
        return number, email


def test_order_page_is_not_shown_to_another_browser(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    pay(client, emulator_server, "GB")
    number, _ = placed_order(seeded)
    stranger = seeded.test_client()
    response = stranger.get(f"/orders/{number}")
    # No silent redirect: the lookup form, saying why, with the number filled in; no order data.
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "an order page opens only in the browser that placed the order" in page
    assert f'value="{number}"' in page
    assert "customer@email.uk" not in page
    assert "Thank you for your order" not in page
    assert client.get(f"/orders/{number}").status_code == 200


def test_an_unknown_order_number_gets_the_same_answer(seeded: Flask) -> None:
    response = seeded.test_client().get("/orders/FF-XXXX-XXXX")
    assert response.status_code == 403
    assert "an order page opens only in the browser that placed" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("typed_number", "typed_email"),
    [
        ("{number}", "{email}"),
        ("  {lower} ", "  CUSTOMER@EMAIL.UK "),
        ("{undashed}", "{email}"),
        (" {spaced} ", "{email}"),
    ],
    ids=["as-printed", "any-case-and-spacing", "without-dashes", "spaces-for-dashes-lower-case"],
)
def test_order_lookup_by_number_and_email_shows_the_order(
    seeded: Flask,
    client: ShopClient,
    emulator_server: LiveServer,
    typed_number: str,
    typed_email: str,
) -> None:
    pay(client, emulator_server, "GB")
    number, email = placed_order(seeded)
    stranger: ShopClient = seeded.test_client()  # type: ignore[assignment]
    form = {
        "number": typed_number.format(
            number=number,
            lower=number.lower(),
            undashed=number.replace("-", ""),
            spaced=number.replace("-", " ").lower(),
        ),
        "email": typed_email.format(email=email),
    }
    response = stranger.post_form("/orders/lookup", form)
    assert response.headers["Location"] == f"/orders/{number}"
    page = stranger.get(f"/orders/{number}").get_data(as_text=True)
    assert "Thank you for your order" in page


@pytest.mark.parametrize("field", ["number", "email"])
def test_order_lookup_with_a_wrong_number_or_email_says_neither_exists(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer, field: str
) -> None:
    pay(client, emulator_server, "GB")
    number, email = placed_order(seeded)
    stranger: ShopClient = seeded.test_client()  # type: ignore[assignment]
    form = {
        "number": number,
        "email": email,
        field: "FF-XXXX-XXXX" if field == "number" else "x@y.uk",
    }
    page = stranger.post_form("/orders/lookup", form).get_data(as_text=True)
    assert "We found no order with that number and email address." in page
    assert stranger.get(f"/orders/{number}").status_code == 403
