"""Subscription steps for the Flask test client: subscribe at checkout, renew, read the ledger."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from flask import Flask

from storefront.extensions import db
from storefront.models import Order
from storefront.services.renewals import RenewReport, renew_due
from storefront.subscription_models import Renewal, Subscription
from tests.support.client import ShopClient
from tests.support.live_server import LiveServer
from tests.support.payment_flow import authorize, place, widget_state
from tests.support.shopping import add, complete_checkout, switch_market


def subscribe(
    client: ShopClient,
    server: LiveServer,
    market: str,
    items: tuple[tuple[str, str], ...],
    email: str | None = None,
) -> tuple[dict[str, Any], str]:
    """Buy (sku, plan) items ("" = one-time) through the payment page, as the market's persona
    or with another e-mail (a token persona's); the page's state and where the shop landed."""
    switch_market(client, market)
    for sku, plan in items:
        response = add(client, sku, 1, plan=plan)
        assert response.status_code in (302, 303)
    complete_checkout(client, market, **({"email": email} if email else {}))
    page = client.get("/checkout/payment")
    assert page.status_code == 200, page.get_data(as_text=True)[:500]
    state = widget_state(page)
    response = place(client, state, authorize(server, state)["authorization_token"])
    assert response.status_code == 303
    return state, response.headers["Location"]


def renew(app: Flask, until: datetime) -> RenewReport:
    """Run `subscriptions renew --until` in process."""
    with app.app_context(), app.test_request_context("/", base_url="http://localhost/"):
        return renew_due(until.replace(tzinfo=UTC) if until.tzinfo is None else until)


def ledger(app: Flask) -> dict[str, Any]:
    """Subscriptions (id, status, token, next period), renewals and orders, as plain values."""
    with app.app_context():
        subscriptions = db.session.execute(
            sa.select(
                Subscription.id,
                Subscription.status,
                Subscription.customer_token,
                Subscription.next_period,
                Subscription.pause_reason,
            ).order_by(Subscription.id)
        ).all()
        renewals = db.session.execute(
            sa.select(
                Renewal.subscription_id,
                Renewal.period,
                Renewal.status,
                Renewal.amount_minor,
                Renewal.order_id,
            ).order_by(Renewal.subscription_id, Renewal.period)
        ).all()
        orders = db.session.execute(
            sa.select(Order.id, Order.number, Order.klarna_order_id, Order.total_minor).order_by(
                Order.id
            )
        ).all()
        return {
            "subscriptions": [row._asdict() for row in subscriptions],
            "renewals": [row._asdict() for row in renewals],
            "orders": [row._asdict() for row in orders],
        }
