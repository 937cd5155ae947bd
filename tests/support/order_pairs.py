"""A shop order and Klarna's order side by side in memory: the shop decides, Klarna's rules judge.

For the order-management property test. `klarna_orders` generates create-order bodies the
way the shop builds them (storefront.klarna.bodies, VAT by storefront.money, US sales tax as
its own lines), in every market, with free and fully discounted lines. An `OrderPair` opens
the order in the emulator's own Order Management over an in-process store, so a body the shop
builds meets the same schema checks and order rules an HTTP call meets, with no server. Its
shop side is an unsaved storefront Order and the units settled per line, kept as the database
keeps them: totals are the sums of what Klarna accepted (services.settlement_effects), the
status moves by services.order_rules.status_after_settlement along the order's own table.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

from klarna_emulator.config import DEFAULTS, Settings
from klarna_emulator.domain.order_management import OrderManagement
from klarna_emulator.domain.orders import FraudStatus
from klarna_emulator.domain.orders import Order as KlarnaOrder
from klarna_emulator.store import Store
from klarna_emulator.validation import (
    market_stage,
    order_lines_stage,
    order_totals_stage,
    require_valid,
)
from storefront.klarna.bodies import OrderLine, Purchase, purchase_body, sales_tax_lines
from storefront.markets import MARKETS, Market
from storefront.models import Order, OrderStatus
from storefront.money import tax_included_in
from storefront.services.order_actions import ActionRequest
from storefront.services.order_rules import remaining_authorized, status_after_settlement
from storefront.services.settlement_lines import LineState, klarna_lines, states_of
from storefront.settlement_models import OrderActionKind

SETTINGS = Settings.from_config(DEFAULTS)
LINE_TYPES = ("physical", "digital", "shipping_fee")
MAX_UNIT_PRICE = 50_000
MAX_SALES_TAX = 5_000

# How each action the shop builds reaches Klarna: the body as the client sends it.
KLARNA_CALLS: dict[OrderActionKind, Callable[[OrderManagement, str, Mapping[str, Any]], Any]] = {
    OrderActionKind.CAPTURE: lambda klarna, order_id, body: klarna.capture(order_id, body),
    OrderActionKind.REFUND: lambda klarna, order_id, body: klarna.refund(order_id, body),
    OrderActionKind.RELEASE: lambda klarna, order_id, _: klarna.release_remaining_authorization(
        order_id
    ),
    OrderActionKind.CANCEL: lambda klarna, order_id, _: klarna.cancel(order_id),
}


@st.composite
def order_lines(draw: st.DrawFn, market: Market, index: int) -> OrderLine:
    """One order line of 1-5 units at one of the market's VAT rates, at times free or all discount.

    Hypothesis draws the bounds of a range often: a price of 0 and a discount of all of it.
    """
    quantity = draw(st.integers(1, 5), label="quantity")
    unit_price = draw(st.integers(0, MAX_UNIT_PRICE), label="unit price")
    gross = quantity * unit_price
    discount = draw(st.integers(0, gross), label="discount")
    total = gross - discount
    rates = sorted(set((market.vat_rates_bp or {}).values())) or [0]
    rate = draw(st.sampled_from(rates), label="tax rate")
    return OrderLine(
        line_type=draw(st.sampled_from(LINE_TYPES)),
        reference=f"REF-{index}",
        name=f"Line {index}",
        quantity=quantity,
        unit_price_minor=unit_price,
        tax_rate_bp=rate,
        total_minor=total,
        discount_minor=discount,
        tax_minor=tax_included_in(total, rate),
    )


@st.composite
def klarna_orders(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    """A market and a create-order body for it with 1-4 lines (plus US sales tax lines)."""
    market = MARKETS[draw(st.sampled_from(sorted(MARKETS)), label="market")]
    count = draw(st.integers(1, 4), label="lines")
    lines = tuple(draw(order_lines(market, index)) for index in range(count))
    sales_tax = 0 if market.prices_include_tax else draw(st.integers(0, MAX_SALES_TAX))
    purchase = Purchase(
        country=market.country,
        currency=market.currency,
        locale=market.locale,
        amount_minor=sum(line.total_minor for line in lines) + sales_tax,
        tax_minor=sum(line.tax_minor for line in lines) if market.prices_include_tax else sales_tax,
        lines=lines + sales_tax_lines(sales_tax),
    )
    body = purchase_body(purchase)
    # Every generated order is one Klarna accepts: market, line arithmetic, totals.
    require_valid(market_stage(body), order_lines_stage(body), order_totals_stage(body))
    return market.code, body


@dataclass
class OrderPair:
    """The shop's order and Klarna's, and the line units the shop has seen settled."""

    shop: Order
    klarna: OrderManagement
    klarna_order_id: str
    captured_units: Counter[int] = field(default_factory=Counter)
    refunded_units: Counter[int] = field(default_factory=Counter)

    @classmethod
    def opened(cls, market: str, body: dict[str, Any]) -> OrderPair:
        """Klarna places the order (accepted) and the shop records it as paid."""
        klarna = OrderManagement(Store(), SETTINGS)
        with klarna.store.lock:
            placed = klarna.open_order(body, "pay_later", FraudStatus.ACCEPTED, {}, None)
        shop = Order(
            number="PROP-1",
            market=market,
            status=OrderStatus.PAID,
            total_minor=body["order_amount"],
            captured_minor=0,
            refunded_minor=0,
            released_minor=0,
            klarna_order_request=body,
            klarna_order_id=placed.order_id,
            authorization_expires_at=placed.expires_at,
            created_at=placed.created_at,
        )
        return cls(shop, klarna, placed.order_id)

    def states(self) -> list[LineState]:
        """The shop's view of its lines: units captured and refunded of each."""
        return states_of(klarna_lines(self.shop), self.captured_units, self.refunded_units)

    def klarna_order(self) -> KlarnaOrder:
        """Klarna's order as it stands now."""
        return self.klarna.order(self.klarna_order_id)

    def send(self, request: ActionRequest) -> None:
        """Send what the shop built to Klarna (KlarnaApiError if refused), then settle it."""
        KLARNA_CALLS[request.kind](self.klarna, self.klarna_order_id, request.body or {})
        self.settle(request)

    def settle(self, request: ActionRequest) -> None:
        """Record an action Klarna accepted, as services.settlement_effects does in the database."""
        units = dict(request.line_quantities or {})
        if request.kind is OrderActionKind.CAPTURE:
            self.shop.captured_minor += request.amount_minor or 0
            self.captured_units.update(units)
        elif request.kind is OrderActionKind.REFUND:
            self.shop.refunded_minor += request.amount_minor or 0
            self.refunded_units.update(units)
        elif request.kind is OrderActionKind.RELEASE:
            self.shop.released_minor += remaining_authorized(self.shop)
        elif request.kind is OrderActionKind.CANCEL:
            self.shop.transition_to(OrderStatus.CANCELLED)
        status = status_after_settlement(self.shop)
        if status != self.shop.status:
            self.shop.transition_to(status)
