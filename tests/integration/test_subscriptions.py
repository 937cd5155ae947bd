"""Subscriptions at checkout: the intent follows the cart; Klarna's order and customer token."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from storefront.extensions import db
from storefront.klarna.call_log import mask_secret
from storefront.models import Payment
from storefront.subscription_models import Subscription, TokenClaim
from tests.support.client import ShopClient
from tests.support.live_server import LiveServer
from tests.support.payment_flow import (
    add_fault,
    authorize,
    callback,
    callback_body,
    emulator_of,
    klarna_operations,
    place,
    widget_state,
)
from tests.support.shopping import add, complete_checkout, switch_market
from tests.support.subscriptions import ledger, subscribe


def session_intent(server: LiveServer, session_id: str) -> str:
    """The intent the shop created the Klarna session with."""
    intent: str = emulator_of(server).store.sessions[session_id].data["intent"]
    return intent


def test_buy_and_tokenize_gives_one_order_and_one_token(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer, caplog
) -> None:
    state, landed = subscribe(client, emulator_server, "GB", (("COF-BEAN", "WEEK:2"),))
    store = emulator_of(emulator_server).store
    found = ledger(seeded)
    [order] = found["orders"]
    [subscription] = found["subscriptions"]
    [token] = store.customer_tokens.values()
    assert session_intent(emulator_server, state["session_id"]) == "buy_and_tokenize"
    line = store.orders[order["klarna_order_id"]].purchase["order_lines"][0]
    assert line["subscription"] == {
        "name": "Coffee Beans 500 g",
        "interval": "WEEK",
        "interval_count": 2,
    }
    assert subscription["customer_token"] == token.token_id
    assert subscription["status"] == "active"
    assert klarna_operations(emulator_server).count("create_customer_token") == 1
    assert token.token_id not in caplog.text  # only its first characters, masked
    assert mask_secret(token.token_id) != token.token_id
    page = client.get(landed).get_data(as_text=True)
    assert token.token_id not in page


def test_a_mixed_cart_is_buy_and_default_tokenize_with_one_subscription(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    switch_market(client, "DE")
    add(client, "TEE-ORG", 1)
    add(client, "MAG-FLD", 1, plan="MONTH:1")
    complete_checkout(client, "DE")
    state = widget_state(client.get("/checkout/payment"))
    assert session_intent(emulator_server, state["session_id"]) == "buy_and_default_tokenize"


def test_tokenize_gives_a_token_and_no_order(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    state, landed = subscribe(client, emulator_server, "SE", (("TEA-CLUB", "MONTH:1"),))
    store = emulator_of(emulator_server).store
    found = ledger(seeded)
    assert session_intent(emulator_server, state["session_id"]) == "tokenize"
    assert found["orders"] == [] and not store.orders
    [subscription] = found["subscriptions"]
    [token] = store.customer_tokens.values()
    assert subscription["customer_token"] == token.token_id
    assert landed.startswith("/subscriptions/")
    page = client.get(landed).get_data(as_text=True)
    # In Swedish, the SE market's language.
    assert "Tea Club Box" in page and "Nästa leverans" in page and "varje månad" in page
    assert "Din varukorg är tom" in client.get("/cart").get_data(as_text=True)


def test_a_callback_after_the_tab_closed_still_makes_order_token_and_subscription(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    switch_market(client, "US")
    add(client, "COF-BEAN", 1, plan="WEEK:4")
    complete_checkout(client, "US")
    state = widget_state(client.get("/checkout/payment"))
    authorized = authorize(emulator_server, state)
    with seeded.app_context():
        secret = db.session.scalars(sa.select(Payment.callback_secret)).one()
        assert secret
    # The shopper closed the tab after authorize(): only Klarna's callback reaches the shop.
    hook = callback(seeded.test_client(), secret, callback_body(authorized, state))
    found = ledger(seeded)
    assert hook.status_code == 200
    [order] = found["orders"]
    [subscription] = found["subscriptions"]
    assert subscription["status"] == "active" and subscription["customer_token"]
    assert len(emulator_of(emulator_server).store.customer_tokens) == 1
    with seeded.app_context():
        assert db.session.scalars(sa.select(TokenClaim.status)).one() == "created"
    assert order["klarna_order_id"] in emulator_of(emulator_server).store.orders


def test_the_shopper_finds_skips_and_cancels_a_subscription_through_order_lookup(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    subscribe(client, emulator_server, "GB", (("COF-BEAN", "WEEK:2"),))
    [order] = ledger(seeded)["orders"]
    stranger = seeded.test_client()
    assert stranger.get(f"/subscriptions/{order['number']}").status_code == 302
    found = stranger.post_form(
        "/orders/lookup", {"number": order["number"], "email": "customer@email.uk"}
    )
    assert found.status_code == 302
    page = stranger.get(f"/subscriptions/{order['number']}").get_data(as_text=True)
    assert "Coffee Beans 500 g" in page and "every 2 weeks" in page and "Next delivery" in page
    [subscription] = ledger(seeded)["subscriptions"]
    base = f"/subscriptions/{order['number']}/{subscription['id']}"
    stranger.post_form(f"{base}/skip", {})
    assert ledger(seeded)["subscriptions"][0]["next_period"] == 2
    assert [row["status"] for row in ledger(seeded)["renewals"]] == ["skipped"]
    stranger.post_form(f"{base}/cancel", {})
    [cancelled] = ledger(seeded)["subscriptions"]
    token = emulator_of(emulator_server).store.customer_tokens[cancelled["customer_token"]]
    assert cancelled["status"] == "cancelled"
    assert token.status.value == "CANCELLED"
    assert "Cancelled." in stranger.get(f"/subscriptions/{order['number']}").get_data(as_text=True)


def test_a_free_trial_is_found_by_its_checkout_number_and_email(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    _, landed = subscribe(client, emulator_server, "DE", (("TEA-CLUB", "MONTH:1"),))
    number = landed.rsplit("/", 1)[1]
    stranger = seeded.test_client()
    found = stranger.post_form("/orders/lookup", {"number": number, "email": "wrong@example.de"})
    assert found.status_code == 200  # no hint whether the number exists
    with seeded.app_context():
        email = db.session.scalars(sa.select(Subscription.email)).one()
    found = stranger.post_form("/orders/lookup", {"number": number.lower(), "email": email})
    assert found.headers["Location"] == f"/subscriptions/{number}"


def test_choosing_a_subscription_after_the_payment_page_opened_changes_the_intent(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    switch_market(client, "GB")
    add(client, "COF-BEAN", 1)
    complete_checkout(client, "GB")
    first = widget_state(client.get("/checkout/payment"))
    assert session_intent(emulator_server, first["session_id"]) == "buy"
    add(client, "COF-BEAN", 1, plan="WEEK:4")  # the same product again, now by subscription
    state = widget_state(client.get("/checkout/payment"))
    assert session_intent(emulator_server, state["session_id"]) == "buy_and_tokenize"
    response = place(client, state, authorize(emulator_server, state)["authorization_token"])
    assert response.status_code == 303
    [subscription] = ledger(seeded)["subscriptions"]
    assert subscription["status"] == "active"


def test_a_plan_the_product_is_not_sold_with_is_refused_and_changes_nothing(
    seeded: Flask, client: ShopClient
) -> None:
    switch_market(client, "GB")
    for sku, plan in (("COF-BEAN", "WEEK:99"), ("COF-BEAN", "MONTH:1"), ("MAG-FLD", "")):
        response = add(client, sku, 1, plan=plan)
        assert response.status_code == 302
        assert "is not sold that way" in client.get("/cart").get_data(as_text=True)
    assert "Your cart is empty" in client.get("/cart").get_data(as_text=True)


def test_a_free_trial_whose_token_answer_is_lost_gets_its_token_by_asking_again(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    switch_market(client, "GB")
    add(client, "TEA-CLUB", 1, plan="MONTH:1")
    complete_checkout(client, "GB")
    state = widget_state(client.get("/checkout/payment"))
    add_fault(emulator_server, "create_customer_token", drop_answer=True)
    placed = place(client, state, authorize(emulator_server, state)["authorization_token"])
    # Klarna made the token, the answer was lost: the identical request gets the same token.
    assert placed.headers["Location"].startswith("/subscriptions/")
    [subscription] = ledger(seeded)["subscriptions"]
    assert subscription["status"] == "active"
