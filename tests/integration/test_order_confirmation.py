"""The confirmation page and e-mail per market: all the shopper needs, mailed exactly once."""

from __future__ import annotations

import html
import re
from email.message import EmailMessage
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm.attributes import set_committed_value

from storefront.extensions import db
from storefront.markets import MARKETS as MARKET_TABLE
from storefront.models import Order, Payment
from storefront.services.order_mail import confirmation_message, mail_confirmation
from tests.support.client import ShopClient
from tests.support.live_server import LiveServer
from tests.support.outbox import capture_mail
from tests.support.payment_flow import (
    authorize,
    callback,
    callback_body,
    place,
    widget_state,
)
from tests.support.shopping import add, complete_checkout, switch_market


@pytest.fixture
def outbox(seeded: Flask) -> list[EmailMessage]:
    """The mails the shop sends during the test."""
    return capture_mail(seeded)


# Per market: the category chosen, Klarna's name for it, the plan and the next step it means.
MARKETS: dict[str, dict[str, Any]] = {
    "GB": {
        "category": "pay_later",
        "name": "Pay later.",
        "plan": "Pay in 30 days",
        "next": "you pay it within 30 days of shipping",
        "taxes": ["Includes VAT 20 %"],
        "shipping": "Standard delivery",
    },
    # DE and SE pages and e-mails read in the market's language (German, Swedish).
    "DE": {
        "category": "pay_now",
        "name": "Pay Now",
        "plan": "Vollständig bezahlt",
        "next": "Sie müssen nichts mehr bezahlen",
        "taxes": ["Enthaltene MwSt. 19 %", "Enthaltene MwSt. 7 %"],
        "shipping": "Standardversand",
    },
    "SE": {
        "category": "pay_over_time",
        "name": "Slice it.",
        "plan": "3 delbetalningar",
        "next": "Klarna drar den första delbetalningen när köpet är bekräftat",
        "taxes": ["Varav moms 25 %", "Varav moms 6 %"],
        "shipping": "Utlämningsställe",
    },
    "US": {
        "category": "pay_later",
        "name": "Pay later.",
        "plan": "Pay in 30 days",
        "next": "you pay it within 30 days of shipping",
        "taxes": ["Sales tax (NY, 4 %)"],
        "shipping": "Standard shipping",
    },
}


# The receipt's labels in each market's language: coupon, shipping, sales tax, payment method,
# total.
WORDS = {
    "GB": ("Coupon", "Shipping", "Sales tax", "Payment method", "Total"),
    "US": ("Coupon", "Shipping", "Sales tax", "Payment method", "Total"),
    "DE": ("Gutschein", "Versand", "Umsatzsteuer", "Zahlungsart", "Gesamt"),
    "SE": ("Rabattkod", "Frakt", "Försäljningsskatt", "Betalsätt", "Totalt"),
}


def checkout_with_coupon(client: ShopClient, market: str) -> dict[str, Any]:
    """Two tees and a book with WELCOME10, through checkout to the payment page's state."""
    switch_market(client, market)
    add(client, "TEE-ORG", 2)
    add(client, "BOOK-BRD", 1)
    client.post_form("/cart/coupon", {"code": "WELCOME10"})
    complete_checkout(client, market)
    return widget_state(client.get("/checkout/payment"))


def pay_in(client: ShopClient, emulator: LiveServer, market: str, category: str) -> str:
    """Authorize in `category` and place the order as the page does; the order number."""
    state = checkout_with_coupon(client, market)
    assert category in state["categories"]
    token = authorize(emulator, state, payment_method_category=category)["authorization_token"]
    response = client.post_form(
        "/checkout/payment/place",
        {
            "authorization_token": token,
            "klarna_session_id": state["session_id"],
            "purchase_fingerprint": state["purchase_fingerprint"],
            "authorized_category": category,
        },
    )
    assert response.status_code == 303
    app: Flask = client.application
    with app.app_context():
        return db.session.scalars(sa.select(Order.number)).one()


def text_of(page: str) -> str:
    """A page's text, tags dropped and whitespace squeezed, entities decoded."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


@pytest.mark.parametrize("market", list(MARKETS))
def test_confirmation_shows_what_was_bought_and_how_it_is_paid(
    seeded: Flask,
    client: ShopClient,
    emulator_server: LiveServer,
    outbox: list[EmailMessage],
    market: str,
) -> None:
    expected = MARKETS[market]
    number = pay_in(client, emulator_server, market, expected["category"])
    page = client.get(f"/orders/{number}").get_data(as_text=True)
    text = text_of(page)
    assert re.search(r'<time id="order-date" datetime="\d{4}-\d{2}-\d{2}">', page)
    assert page.count('<tr class="order-line">') == 2
    assert page.count('src="/static/img/products/') >= 2  # each line's product image
    coupon, shipping, sales_tax, payment_method, _ = WORDS[market]
    assert f"{coupon} WELCOME10" in text
    assert f"{shipping} ({expected['shipping']})" in text
    for tax in expected["taxes"]:
        assert tax in text
    assert text.count(sales_tax) == (1 if market == "US" else 0)
    assert f"{payment_method} {expected['name']} · {expected['plan']}" in text
    assert expected["next"] in text
    assert "Invoice" not in text and "Fixed amount" not in text and "Direct debit" not in text
    assert 'href="/orders/lookup"' in page


@pytest.mark.parametrize("market", list(MARKETS))
def test_confirmation_email_per_market(
    seeded: Flask,
    client: ShopClient,
    emulator_server: LiveServer,
    outbox: list[EmailMessage],
    market: str,
) -> None:
    expected = MARKETS[market]
    number = pay_in(client, emulator_server, market, expected["category"])
    assert len(outbox) == 1
    mail = outbox[0]
    with seeded.app_context():
        order = db.session.scalars(sa.select(Order)).one()
        total = MARKET_TABLE[market].format_amount(order.total_minor)
        email = order.email
    assert mail["To"] == email
    assert number in mail["Subject"]
    body = mail.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert f"{number}" in text
    assert "2 \N{MULTIPLICATION SIGN} Organic Cotton Tee" in text
    coupon, _, _, _, total_label = WORDS[market]
    assert f"{coupon} WELCOME10" in text
    assert expected["shipping"] in text
    assert f"{expected['name']} · {expected['plan']}" in text
    assert expected["next"] in text
    assert "http://localhost/orders/lookup" in text
    assert f"{total_label}: {total}" in text
    html_part = mail.get_body(("html",))
    assert html_part is not None
    assert "/static/img/products/" in html_part.get_content()


def test_callback_placed_order_is_mailed_once_and_replays_send_nothing(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer, outbox: list[EmailMessage]
) -> None:
    state = checkout_with_coupon(client, "GB")
    authorized = authorize(emulator_server, state, payment_method_category="pay_later")
    with seeded.app_context():
        key = db.session.scalars(sa.select(Payment.callback_secret)).one()
    klarna = seeded.test_client()
    assert callback(klarna, key, callback_body(authorized, state)).status_code == 200
    assert len(outbox) == 1
    # The replayed callback and the browser's own (late) place-order POST send nothing more.
    callback(klarna, key, callback_body(authorized, state))
    assert place(client, state, authorized["authorization_token"]).status_code == 303
    assert len(outbox) == 1
    text = outbox[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    # Placed before the page posted the category: the plan Klarna authorized is still named.
    assert "Klarna · Pay in 30 days" in text


def test_a_failing_mail_server_does_not_fail_the_order(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    class Broken:
        def deliver(self, email: EmailMessage) -> None:
            raise ConnectionRefusedError("no SMTP server")

    seeded.extensions["mail"] = Broken()
    number = pay_in(client, emulator_server, "GB", "pay_later")
    assert "Thank you for your order" in client.get(f"/orders/{number}").get_data(as_text=True)
    with seeded.app_context():
        assert db.session.scalars(sa.select(Order.confirmation_mailed_at)).one() is None


def test_a_category_the_session_did_not_offer_is_not_recorded(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer, outbox: list[EmailMessage]
) -> None:
    state = checkout_with_coupon(client, "GB")
    token = authorize(emulator_server, state, payment_method_category="pay_later")[
        "authorization_token"
    ]
    client.post_form(
        "/checkout/payment/place",
        {
            "authorization_token": token,
            "klarna_session_id": state["session_id"],
            "purchase_fingerprint": state["purchase_fingerprint"],
            "authorized_category": "<script>",
        },
    )
    with seeded.app_context():
        assert db.session.scalars(sa.select(Payment.payment_method_category)).one() is None
    assert "&lt;script&gt;" not in outbox[0].get_body(("html",)).get_content()  # type: ignore[union-attr]


def test_sending_again_sends_nothing(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer, outbox: list[EmailMessage]
) -> None:
    pay_in(client, emulator_server, "DE", "pay_now")
    with seeded.test_request_context():
        order = db.session.scalars(sa.select(Order)).one()
        assert order.confirmation_mailed_at is not None
        assert mail_confirmation(order) is False
        # As a simultaneous attempt saw it before the first one's UPDATE: not yet mailed.
        set_committed_value(order, "confirmation_mailed_at", None)
        assert mail_confirmation(order) is False  # the guarded UPDATE finds it sent
    assert len(outbox) == 1


def test_the_email_reads_in_the_language_the_order_was_placed_in(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer, outbox: list[EmailMessage]
) -> None:
    # German chosen in the header, then the UK market: the page, order and e-mail are German.
    client.post_form("/language", {"language": "de", "next": "/"})
    number = pay_in(client, emulator_server, "GB", "pay_later")
    with seeded.app_context():
        assert db.session.scalars(sa.select(Order.language)).one() == "de"
    (mail,) = outbox
    assert mail["Subject"] == f"Ihre Bestellung {number}"
    text = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Vielen Dank für Ihre Bestellung." in text
    assert "In 30 Tagen bezahlen" in text
    assert "Gesamt: " in text and "Total: " not in text
    html_part = mail.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert '<html lang="de">' in html_part


def test_an_order_from_before_the_language_was_stored_mails_in_its_markets_language(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer, outbox: list[EmailMessage]
) -> None:
    pay_in(client, emulator_server, "SE", "pay_over_time")
    with seeded.test_request_context():
        order = db.session.scalars(sa.select(Order)).one()
        order.language = None
        db.session.commit()
        assert confirmation_message(order).subject.startswith("Din beställning")
