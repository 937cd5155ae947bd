"""What an API order shows: its lines and amounts, priced as the pages price them, or as placed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from storefront.api_models import ApiOrder
from storefront.markets import MARKETS, Market
from storefront.services.checkout import checkout_overview, shipping_options


@dataclass(frozen=True)
class LineFigures:
    """One line item: its product and amounts in minor units."""

    sku: str
    name: str
    quantity: int
    unit_amount: int
    discount_amount: int
    total_amount: int


@dataclass(frozen=True)
class OrderFigures:
    """An order's contents and amounts (minor units), and the choices it can still make."""

    market: Market
    email: str
    coupon_code: str | None
    shipping_method: str | None
    lines: tuple[LineFigures, ...]
    subtotal_amount: int
    discount_amount: int
    shipping_amount: int
    tax_amount: int
    total_amount: int
    shipping_methods: tuple[tuple[str, str, int], ...]  # (code, name, fee) while not placed


class Line(Protocol):
    """A priced cart line or a placed order's line: the same figures under the same names."""

    @property
    def reference(self) -> str:
        """The line's reference."""

    @property
    def name(self) -> str:
        """The line's name."""

    @property
    def quantity(self) -> int:
        """The line's quantity."""

    @property
    def unit_price_minor(self) -> int:
        """The line's unit price minor."""

    @property
    def discount_minor(self) -> int:
        """The line's discount minor."""

    @property
    def total_minor(self) -> int:
        """The line's total minor."""


def line_figures(line: Line) -> LineFigures:
    """A line's figures."""
    return LineFigures(
        line.reference,
        line.name,
        line.quantity,
        line.unit_price_minor,
        line.discount_minor,
        line.total_minor,
    )


def order_figures(order: ApiOrder, *, today: date) -> OrderFigures:
    """The order's figures: from its cart priced now, or from the order placed."""
    payment = order.payment
    if payment.cart is None and payment.order is not None:
        placed = payment.order
        return OrderFigures(
            market=MARKETS[placed.market],
            email=placed.email,
            coupon_code=None,
            shipping_method=None,
            lines=tuple(line_figures(line) for line in placed.goods_lines),
            subtotal_amount=placed.goods_subtotal_minor,
            discount_amount=placed.discount_minor,
            shipping_amount=placed.shipping_minor,
            tax_amount=placed.tax_minor,
            total_amount=placed.total_minor,
            shipping_methods=(),
        )
    cart = payment.cart
    assert cart is not None  # an API order's payment keeps its cart until an order is made
    overview = checkout_overview(cart, today=today)
    priced = overview.priced
    return OrderFigures(
        market=priced.market,
        email=cart.email,
        coupon_code=overview.coupon_code,
        shipping_method=cart.shipping_method,
        lines=tuple(line_figures(line) for line in priced.goods_lines),
        subtotal_amount=priced.goods_subtotal_minor,
        discount_amount=priced.discount_minor,
        shipping_amount=priced.shipping_minor,
        tax_amount=priced.tax_minor,
        total_amount=priced.total_minor,
        shipping_methods=tuple(
            (method.code, method.name, fee) for method, fee in shipping_options(priced)
        ),
    )
