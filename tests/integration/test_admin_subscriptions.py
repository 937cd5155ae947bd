"""The admin's subscriptions: list, token status read from Klarna, renew now, pause, resume,
cancel; a renewal is a normal order the admin captures and refunds."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from storefront.extensions import db
from storefront.models import Order
from tests.support.admin import create_account, sign_in
from tests.support.client import ShopClient
from tests.support.live_server import LiveServer
from tests.support.payment_flow import emulator_of
from tests.support.subscriptions import ledger, subscribe


def act(admin: ShopClient, subscription_id: int, action: str) -> str:
    """Post an action and follow the redirect back to the subscription's page; its HTML."""
    response = admin.post_form(f"/admin/subscriptions/{subscription_id}/{action}", {})
    assert response.status_code == 302, response.status_code
    return admin.get(response.headers["Location"]).get_data(as_text=True)


def test_admin_renews_pauses_resumes_and_cancels_and_captures_the_renewal(
    seeded: Flask, emulator_server: LiveServer
) -> None:
    subscribe(seeded.test_client(), emulator_server, "GB", (("COF-BEAN", "WEEK:2"),))
    [subscription] = ledger(seeded)["subscriptions"]
    token = subscription["customer_token"]
    create_account(seeded)
    admin: ShopClient = seeded.test_client()  # type: ignore[assignment]
    sign_in(admin)
    listing = admin.get("/admin/subscriptions").get_data(as_text=True)
    assert "Coffee Beans 500 g" in listing and "every 2 weeks" in listing
    page = admin.get(f"/admin/subscriptions/{subscription['id']}").get_data(as_text=True)
    assert 'id="token-status">ACTIVE<' in page
    assert token not in page and token[:8] in page  # masked
    page = act(admin, subscription["id"], "renew")
    [renewal] = ledger(seeded)["renewals"]
    assert renewal["status"] == "placed"
    with seeded.app_context():
        number = db.session.scalars(
            sa.select(Order.number).where(Order.id == renewal["order_id"])
        ).one()
    order_page = admin.get(f"/admin/orders/{number}")
    assert order_page.status_code == 200 and "Coffee Beans 500 g" in order_page.get_data(True)
    captured = admin.post_form(f"/admin/orders/{number}/capture", {"scope": "all"})
    assert captured.status_code == 303
    refunded = admin.post_form(f"/admin/orders/{number}/refund", {"scope": "all"})
    assert refunded.status_code == 303
    with seeded.app_context():
        order = db.session.scalars(sa.select(Order).where(Order.number == number)).one()
        assert order.captured_minor == order.refunded_minor == renewal["amount_minor"]
    assert "paused by the shop" in act(admin, subscription["id"], "pause")
    assert 'id="subscription-status">active<' in act(admin, subscription["id"], "resume")
    page = act(admin, subscription["id"], "cancel")
    assert 'id="token-status">CANCELLED<' in page
    assert emulator_of(emulator_server).store.customer_tokens[token].status.value == "CANCELLED"
    assert "cannot be" in act(admin, subscription["id"], "resume")  # cancelled stays cancelled
