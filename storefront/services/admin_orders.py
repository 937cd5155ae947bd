"""The admin area's order views: the filtered list, authorizations about to expire, one order.

One order's page also shows the shop's record of its money (lines with captured and refunded
units, captures, refunds), which the order-management action forms are built from.

One order's page reads Klarna's copy of the order back (Order Management's get order) and
keeps its `expires_at` on the shop's order, which is what the expiring list is made from.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from storefront.clock import utcnow
from storefront.extensions import db
from storefront.klarna.errors import KlarnaError
from storefront.klarna.results import OrderDetails, optional_datetime
from storefront.klarna_extension import get_klarna
from storefront.markets import MARKETS
from storefront.models import Order, OrderStatus, Payment, PaymentEvent
from storefront.services.order_actions import pending_action
from storefront.services.order_lookup import find_order
from storefront.services.order_rules import refundable, remaining_authorized
from storefront.services.settlement_lines import LineState, line_states
from storefront.settlement_models import OrderAction, OrderCapture, OrderRefund

log = logging.getLogger(__name__)

PAGE_SIZE = 25
# Far past any real list; keeps the OFFSET a database integer whatever page is asked for.
MAX_PAGE = 10_000
# Klarna authorizations last 28 days by default; a week's notice leaves time to ship and
# capture or to extend. Klarna docs:
# https://docs.klarna.com/order-management/manage-orders-with-the-api/refund-and-extend-orders/extend-order-authorization/
EXPIRY_NOTICE = timedelta(days=7)
# Orders whose authorization still waits to be captured.
AWAITING_CAPTURE = frozenset({OrderStatus.PAID, OrderStatus.PART_CAPTURED})


@dataclass(frozen=True)
class OrderFilter:
    """What the orders list is narrowed to; empty values do not filter."""

    status: str = ""
    market: str = ""
    placed_from: date | None = None
    placed_to: date | None = None
    search: str = ""
    page: int = 1


@dataclass(frozen=True)
class OrderListPage:
    """One page of the filtered orders, newest first."""

    orders: list[Order]
    page: int
    pages: int
    total: int


@dataclass(frozen=True)
class KlarnaMovement:
    """A capture or refund as Klarna's order read-back lists it."""

    reference: str
    amount_minor: int
    at: datetime | None
    description: str


@dataclass(frozen=True)
class AdminOrder:
    """One order for the admin: the shop's record, its events, and Klarna's copy or why not."""

    order: Order
    events: list[PaymentEvent]
    klarna: OrderDetails | None
    klarna_problem: str | None
    captures: list[KlarnaMovement]
    refunds: list[KlarnaMovement]
    settlement: Settlement


@dataclass(frozen=True)
class Settlement:
    """The shop's own record of an order's money: lines, captures, refunds, what is left."""

    lines: list[LineState]
    captures: list[OrderCapture]
    refunds: list[OrderRefund]
    remaining_minor: int  # still authorized and capturable
    refundable_minor: int  # captured and not refunded
    unconfirmed: OrderAction | None  # an action Klarna may have applied: retry it


def list_orders(filters: OrderFilter) -> OrderListPage:
    """The orders matching the filters, one page of them, newest first."""
    query = sa.select(Order).options(selectinload(Order.lines)).order_by(Order.id.desc())
    for condition in filter_conditions(filters):
        query = query.where(condition)
    page = min(max(filters.page, 1), MAX_PAGE)
    result = db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)
    return OrderListPage(list(result.items), page, max(result.pages, 1), result.total or 0)


def filter_conditions(filters: OrderFilter) -> list[sa.ColumnElement[bool]]:
    """The WHERE conditions for the filters that are set."""
    conditions: list[sa.ColumnElement[bool]] = []
    if filters.status:
        conditions.append(Order.status == filters.status)
    if filters.market:
        conditions.append(Order.market == filters.market)
    if filters.placed_from:
        conditions.append(Order.created_at >= start_of(filters.placed_from))
    if filters.placed_to:
        conditions.append(Order.created_at < start_of(filters.placed_to + timedelta(days=1)))
    if filters.search:
        # An order number is matched whole; an email by any part of it, in any case.
        conditions.append(
            sa.or_(
                Order.number == filters.search.upper(),
                sa.func.lower(Order.email).contains(filters.search.lower(), autoescape=True),
            )
        )
    return conditions


def start_of(day: date) -> datetime:
    """Midnight UTC at the start of a day (orders' times are kept in UTC)."""
    return datetime.combine(day, time.min, tzinfo=UTC)


def expiring_authorizations(within: timedelta = EXPIRY_NOTICE) -> list[Order]:
    """Orders still to capture whose Klarna authorization expires within `within` (or has)."""
    return list(
        db.session.scalars(
            sa.select(Order)
            .where(
                Order.status.in_(AWAITING_CAPTURE),
                Order.authorization_expires_at.is_not(None),
                Order.authorization_expires_at <= utcnow() + within,
            )
            .order_by(Order.authorization_expires_at)
        )
    )


def order_for_admin(number: str) -> AdminOrder | None:
    """The order with its payment events and Klarna's copy of it read back now."""
    order = find_order(number)
    if order is None:
        return None
    order_id, klarna_order_id = order.id, order.klarna_order_id
    country = MARKETS[order.market].country
    db.session.commit()  # no database connection is held while Klarna answers
    details, problem = None, None
    if klarna_order_id is not None:
        try:
            details = get_klarna(country).get_order(klarna_order_id)
        except KlarnaError as error:
            log.warning("admin read of order %s failed: %s", number, error)
            problem = read_failure_message(error)
    if details is not None:
        store_expiry(order_id, details.expires_at)
    order = db.session.get_one(Order, order_id)
    return AdminOrder(
        order=order,
        events=payment_events(order.payment_id),
        klarna=details,
        klarna_problem=problem,
        captures=movements(details, "captures", "capture_id", "captured_amount", "captured_at"),
        refunds=movements(details, "refunds", "refund_id", "refunded_amount", "refunded_at"),
        settlement=settlement_of(order),
    )


def settlement_of(order: Order) -> Settlement:
    """The order's lines with their captured and refunded units, and its captures and refunds."""
    captures = db.session.scalars(
        sa.select(OrderCapture)
        .where(OrderCapture.order_id == order.id)
        .options(selectinload(OrderCapture.lines))
        .order_by(OrderCapture.id)
    )
    refunds = db.session.scalars(
        sa.select(OrderRefund)
        .where(OrderRefund.order_id == order.id)
        .options(selectinload(OrderRefund.lines))
        .order_by(OrderRefund.id)
    )
    return Settlement(
        lines=line_states(order),
        captures=list(captures),
        refunds=list(refunds),
        remaining_minor=remaining_authorized(order),
        refundable_minor=refundable(order),
        unconfirmed=pending_action(order.id),
    )


def read_failure_message(error: KlarnaError) -> str:
    """What the admin is told when Klarna's order could not be read, with its correlation id."""
    reference = error.correlation_id or "none (Klarna did not answer)"
    return (
        f"Klarna's copy of this order could not be read ({type(error).__name__}, "
        f"HTTP {error.status or 'no answer'}). Klarna correlation id: {reference}. "
        "The shop's own record is shown; reload to try again."
    )


def store_expiry(order_id: int, expires_at: datetime | None) -> None:
    """Keep Klarna's authorization expiry on the order, as read just now."""
    db.session.execute(
        sa.update(Order).where(Order.id == order_id).values(authorization_expires_at=expires_at)
    )
    db.session.commit()


def payment_events(payment_id: int) -> list[PaymentEvent]:
    """The payment's event log, oldest first."""
    return list(
        db.session.scalars(
            sa.select(PaymentEvent)
            .join(Payment)
            .where(Payment.id == payment_id)
            .order_by(PaymentEvent.id)
        )
    )


def movements(
    details: OrderDetails | None, key: str, id_key: str, amount_key: str, at_key: str
) -> list[KlarnaMovement]:
    """The captures or refunds listed in Klarna's order read-back."""
    if details is None:
        return []
    listed: list[Any] = details.raw.get(key) or []
    return [
        KlarnaMovement(
            reference=str(item.get(id_key, "")),
            amount_minor=int(item.get(amount_key, 0)),
            at=optional_datetime(item.get(at_key)),
            description=str(item.get("description") or ""),
        )
        for item in listed
        if isinstance(item, dict)
    ]
