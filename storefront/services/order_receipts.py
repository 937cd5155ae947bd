"""An order as its confirmation page and e-mail show it: lines with images, tax, how it is paid.

The page and the e-mail read the same `Receipt`, so they never disagree. How Klarna's plan is
worded (and what happens next) is in templates/orders/_payment_plan.html; here is only which
plan it is. Klarna's `authorized_payment_method` types and what each means for the shopper:
docs/klarna-notes.md#payment-plans.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from flask import url_for

from storefront.extensions import db
from storefront.markets import MARKETS, Market
from storefront.models import Order, Payment, Product
from storefront.money import format_rate, tax_included_in
from storefront.order_status import OrderStatus
from storefront.shipping import shipping_method
from storefront.urls import absolute_url


class PlanKind(StrEnum):
    """How the shopper pays Klarna, grouped by what happens next."""

    LATER = "later"  # an invoice after shipping, due in a number of days
    INSTALMENTS = "instalments"  # the first instalment now, the others on a schedule
    NOW = "now"  # the whole amount at purchase
    FINANCING = "financing"  # a credit account or financing: Klarna's statements
    UNKNOWN = "unknown"  # Klarna named no type, or one the shop does not know


# Klarna's `authorized_payment_method.type` values (Payments API) by what the shopper does next.
PLAN_KINDS = {
    "invoice": PlanKind.LATER,
    "b2b_invoice": PlanKind.LATER,
    "pay_later_by_card": PlanKind.LATER,
    "fixed_amount": PlanKind.INSTALMENTS,
    "slice_it_by_card": PlanKind.INSTALMENTS,
    "direct_debit": PlanKind.NOW,
    "direct_bank_transfer": PlanKind.NOW,
    "card": PlanKind.NOW,
    "pay_by_card": PlanKind.NOW,
    "base_account": PlanKind.FINANCING,
    "fixed_sum_credit": PlanKind.FINANCING,
    "deferred_interest": PlanKind.FINANCING,
}

# The statuses whose page and e-mail say what happens next with Klarna (the order stands).
UPCOMING_STATUSES = frozenset({OrderStatus.PAID, OrderStatus.ON_HOLD})


@dataclass(frozen=True)
class ReceiptLine:
    """A product line: name, quantity, price before the coupon (as the subtotal adds up), image."""

    name: str
    quantity: int
    amount_minor: int
    image_url: str | None


@dataclass(frozen=True)
class TaxLine:
    """VAT at one rate (VAT markets), or the whole US sales tax with its state."""

    label: str  # "20 %", or "CA" for US sales tax
    amount_minor: int


@dataclass(frozen=True)
class PaymentPlan:
    """How the shopper pays: the category Klarna showed them, and the plan Klarna authorized."""

    category_name: str | None
    badge_url: str | None
    kind: PlanKind
    days: int | None
    instalments: int | None
    upcoming: bool  # the order stands: say what happens next


@dataclass(frozen=True)
class Receipt:
    """Everything the confirmation page and e-mail show beyond the order's own fields."""

    order: Order
    market: Market
    placed_at: datetime
    lines: tuple[ReceiptLine, ...]
    coupon_code: str | None
    shipping_name: str | None
    tax_lines: tuple[TaxLine, ...]
    plan: PaymentPlan
    lookup_url: str


def order_receipt(order: Order, *, absolute: bool = False) -> Receipt:
    """The order's receipt; `absolute`: image and lookup URLs for an e-mail, not a page."""
    market = MARKETS[order.market]
    method = shipping_method(order.market, order.shipping_method)
    return Receipt(
        order=order,
        market=market,
        placed_at=order.claimed_at,
        lines=receipt_lines(order, absolute=absolute),
        coupon_code=order.coupon_code,
        shipping_name=method.name if method else None,
        tax_lines=tax_lines(order),
        plan=payment_plan(order),
        lookup_url=page_url("orders.lookup", absolute=absolute),
    )


def page_url(endpoint: str, *, absolute: bool, **values: Any) -> str:
    """A shop URL: absolute under PUBLIC_URL (e-mail), else as the page links it."""
    return absolute_url(endpoint, **values) if absolute else url_for(endpoint, **values)


def receipt_lines(order: Order, *, absolute: bool) -> tuple[ReceiptLine, ...]:
    """The goods lines with each product's image (none if the product was deleted since)."""
    references = [line.reference for line in order.goods_lines]
    images = dict(
        db.session.execute(
            sa.select(Product.sku, Product.image).where(Product.sku.in_(references))
        ).all()
    )
    return tuple(
        ReceiptLine(
            name=line.name,
            quantity=line.quantity,
            amount_minor=line.quantity * line.unit_price_minor,
            image_url=page_url("static", absolute=absolute, filename=images[line.reference])
            if line.reference in images
            else None,
        )
        for line in order.goods_lines
    )


def tax_lines(order: Order) -> tuple[TaxLine, ...]:
    """VAT per rate, as storefront.pricing computed it per line; in the US one sales-tax line."""
    if not order.tax_included:
        # US lines keep the sales-tax rate they were taxed at: name it when there is one.
        state = order.shipping_address.get("region", "")
        rates = {line.tax_rate_bp for line in order.lines if line.tax_rate_bp}
        label = f"{state}, {format_rate(rates.pop())}" if len(rates) == 1 else state
        return (TaxLine(label, order.tax_minor),) if order.tax_minor else ()
    by_rate: dict[int, int] = defaultdict(int)
    for line in order.lines:
        by_rate[line.tax_rate_bp] += tax_included_in(line.total_minor, line.tax_rate_bp)
    return tuple(
        TaxLine(format_rate(rate), tax)
        for rate, tax in sorted(by_rate.items(), reverse=True)
        if tax
    )


def payment_plan(order: Order) -> PaymentPlan:
    """The category the shopper chose (by Klarna's name) and the plan Klarna authorized."""
    category = chosen_category(order.payment)
    return PaymentPlan(
        category_name=category.get("name") if category else None,
        badge_url=(category.get("asset_url") or None) if category else None,
        kind=PLAN_KINDS.get(order.klarna_payment_method or "", PlanKind.UNKNOWN),
        days=order.klarna_payment_days,
        instalments=order.klarna_instalments,
        upcoming=order.status in UPCOMING_STATUSES,
    )


def chosen_category(payment: Payment) -> dict[str, str] | None:
    """The offered category the shopper authorized in; the only one if just one was offered.

    The page posts the category with the token; an order placed by Klarna's callback before
    that post arrived has none recorded yet.
    """
    offered = payment.payment_method_categories or []
    chosen = payment.payment_method_category
    match = next((row for row in offered if row.get("identifier") == chosen), None)
    if match is None and len(offered) == 1:
        return offered[0]
    return match
