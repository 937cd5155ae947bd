"""Back-office steps for tests: place an order through the shop, act on it, compare with Klarna."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import Flask

from storefront.extensions import db
from storefront.models import Order
from storefront.settlement_models import OrderCapture, OrderRefund
from tests.support.client import ShopClient
from tests.support.live_server import LiveServer
from tests.support.payment_flow import emulator_of, pay

T = TypeVar("T")


def placed_order(
    app: Flask,
    emulator: LiveServer,
    market: str = "GB",
    items: tuple[tuple[str, int], ...] = (("TEE-ORG", 2), ("MUG-STN", 1)),
) -> str:
    """Buy `items` in `market` as a new shopper (authorized, placed, paid); the order number."""
    shopper: ShopClient = app.test_client()  # type: ignore[assignment]
    pay(shopper, emulator, market, items=items)
    with app.app_context():
        number = db.session.scalars(sa.select(Order.number).order_by(Order.id.desc())).first()
    assert number is not None
    return number


def in_app(app: Flask, action: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a service function in its own app context, as one admin request would."""
    with app.app_context():
        try:
            return action(*args, **kwargs)
        finally:
            db.session.remove()


def shop_totals(app: Flask, number: str) -> tuple[int, int]:
    """The shop's (captured, refunded) totals of an order."""
    with app.app_context():
        order = db.session.scalars(sa.select(Order).where(Order.number == number)).one()
        return order.captured_minor, order.refunded_minor


def shop_settlements(app: Flask, number: str) -> tuple[int, int]:
    """How many captures and refunds the shop recorded for an order."""
    with app.app_context():
        order_id = db.session.scalars(sa.select(Order.id).where(Order.number == number)).one()
        captures = db.session.scalar(
            sa.select(sa.func.count()).where(OrderCapture.order_id == order_id)
        )
        refunds = db.session.scalar(
            sa.select(sa.func.count()).where(OrderRefund.order_id == order_id)
        )
        return int(captures or 0), int(refunds or 0)


def klarna_order_of(app: Flask, emulator: LiveServer, number: str) -> Any:
    """The emulator's order (Klarna's side) for a shop order."""
    with app.app_context():
        klarna_id = db.session.scalars(
            sa.select(Order.klarna_order_id).where(Order.number == number)
        ).one()
    assert klarna_id is not None
    store = emulator_of(emulator).store
    with store.lock:
        return store.orders[klarna_id]


def klarna_totals(app: Flask, emulator: LiveServer, number: str) -> tuple[int, int]:
    """Klarna's (captured, refunded) totals of an order."""
    order = klarna_order_of(app, emulator, number)
    return order.captured_amount, order.refunded_amount
