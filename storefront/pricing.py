"""Price a checkout snapshot: discounts, shipping, tax and totals, as the pages and Klarna see them.

`price_order` is pure and is the only code that computes an order's amounts: the cart and
checkout pages render its result, and storefront.klarna_purchase turns the same result into
Klarna's order lines, so the shopper and Klarna always see the same totals.

Rules (why, with the Klarna doc each one satisfies):
- Discounts reduce the lines they apply to (`total_discount_amount`), split over the lines in
  proportion to their value, so each line keeps its own tax rate and no discount line can carry
  the wrong one (docs/klarna-notes.md#discount-lines-and-tax; Klarna docs:
  https://docs.klarna.com/payments/web-payments/additional-resources/error-handling-and-validations/tax-handling).
- VAT markets: prices include VAT; each line's VAT is Klarna's formula rounded once, so it is
  within Klarna's ±1 per line and the order's tax is exactly the sum of the lines.
- Shipping is taxed like the goods it delivers: with goods at several rates, the fee is split
  over the rates in proportion to the goods' value, one shipping line per rate.
- US: prices are net; sales tax by ship-to state (storefront.sales_tax) is one amount that
  becomes a separate `sales_tax` line, and the other lines carry no tax.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from storefront.coupons import CouponKind, CouponTerms
from storefront.markets import Market, TaxClass
from storefront.money import allocate, format_rate, percentage_of, tax_included_in
from storefront.sales_tax import StateTax, state_tax
from storefront.shipping import ShippingMethod
from storefront.snapshot import CheckoutSnapshot


class LineKind(StrEnum):
    """What an order line is for."""

    GOODS = "goods"
    SHIPPING = "shipping"


@dataclass(frozen=True)
class PricedLine:
    """An order line with its discount and the VAT included in its total."""

    kind: LineKind
    reference: str
    name: str
    quantity: int
    unit_price_minor: int
    discount_minor: int = 0
    # VAT markets: the VAT rate included in the price. US: the sales-tax rate charged on top,
    # kept to group the tax base (the line itself carries no tax to Klarna).
    tax_rate_bp: int = 0
    tax_minor: int = 0  # the VAT included in total_minor; always 0 in the US
    product_url: str = ""
    image_url: str = ""
    plan: str = ""  # goods bought by subscription: the storefront.plans code

    @property
    def subtotal_minor(self) -> int:
        """Quantity times unit price, before the discount."""
        return self.quantity * self.unit_price_minor

    @property
    def total_minor(self) -> int:
        """What the line costs after its discount."""
        return self.subtotal_minor - self.discount_minor


@dataclass(frozen=True)
class TaxBand:
    """The tax of one rate across the order, for the totals breakdown."""

    rate_bp: int
    tax_minor: int

    @property
    def label(self) -> str:
        """The rate as shoppers read it, e.g. '20 %'."""
        return format_rate(self.rate_bp)


@dataclass(frozen=True)
class PricedOrder:
    """A snapshot's amounts: lines, discounts, shipping, tax per rate and the total."""

    snapshot: CheckoutSnapshot
    lines: tuple[PricedLine, ...]
    coupon: CouponTerms | None  # the coupon that applies, if any
    coupon_shortfall_minor: int  # the cart's coupon needs this much more in goods to apply
    sales_tax_minor: int  # US only; VAT markets include their tax in the lines
    sales_tax_pending: bool  # US without a ship-to state yet: sales tax not known
    tax_bands: tuple[TaxBand, ...]

    @property
    def market(self) -> Market:
        """The market the order is priced in."""
        return self.snapshot.market

    @property
    def goods_lines(self) -> tuple[PricedLine, ...]:
        """The product lines."""
        return tuple(line for line in self.lines if line.kind is LineKind.GOODS)

    @property
    def shipping_lines(self) -> tuple[PricedLine, ...]:
        """The shipping line, or one per VAT rate when the goods mix rates."""
        return tuple(line for line in self.lines if line.kind is LineKind.SHIPPING)

    @property
    def goods_subtotal_minor(self) -> int:
        """The goods before discounts."""
        return sum(line.subtotal_minor for line in self.goods_lines)

    @property
    def discount_minor(self) -> int:
        """What the coupon takes off the goods."""
        return sum(line.discount_minor for line in self.goods_lines)

    @property
    def shipping_minor(self) -> int:
        """What shipping costs after any free-shipping coupon."""
        return sum(line.total_minor for line in self.shipping_lines)

    @property
    def shipping_discount_minor(self) -> int:
        """What a free-shipping coupon takes off shipping."""
        return sum(line.discount_minor for line in self.shipping_lines)

    @property
    def tax_minor(self) -> int:
        """The order's tax: VAT included in the lines, or the US sales tax."""
        return sum(band.tax_minor for band in self.tax_bands)

    @property
    def total_minor(self) -> int:
        """What the shopper pays."""
        return sum(line.total_minor for line in self.lines) + self.sales_tax_minor


def price_order(snapshot: CheckoutSnapshot) -> PricedOrder:
    """Price a snapshot: the one function that computes every amount of an order."""
    market = snapshot.market
    coupon = snapshot.coupon
    subtotal = sum(item.quantity * item.unit_price_minor for item in snapshot.items)
    shortfall = coupon.shortfall_minor(subtotal) if coupon else 0
    applied = coupon if coupon is not None and shortfall == 0 else None
    discounts = allocate(
        applied.goods_discount_minor(subtotal) if applied else 0,
        [item.quantity * item.unit_price_minor for item in snapshot.items],
    )
    ship_to = snapshot.shipping_address.region if snapshot.shipping_address else ""
    us_tax = None if market.prices_include_tax or not ship_to else state_tax(ship_to)

    def rate_of(tax_class: TaxClass) -> int:
        if market.prices_include_tax:
            return market.vat_rate_bp(tax_class)
        return us_tax.rate_bp(tax_class) if us_tax else 0

    goods = [
        _line(
            market,
            LineKind.GOODS,
            reference=item.sku,
            name=item.name,
            quantity=item.quantity,
            unit_price_minor=item.unit_price_minor,
            discount_minor=discount,
            rate_bp=rate_of(item.tax_class),
            product_url=item.product_url,
            image_url=item.image_url,
            plan=item.plan,
        )
        for item, discount in zip(snapshot.items, discounts, strict=True)
    ]
    goods_by_rate = _sum_by_rate((line.tax_rate_bp, line.total_minor) for line in goods)
    # Free first deliveries alone ship free: a trial costs nothing today.
    trial_only = bool(snapshot.items) and all(item.free_trial for item in snapshot.items)
    shipping = _shipping_lines(
        market,
        None if trial_only else snapshot.shipping_method,
        goods_by_rate,
        rate_of(TaxClass.STANDARD),
        applied,
    )
    if market.prices_include_tax:
        taxes = _sum_by_rate((line.tax_rate_bp, line.tax_minor) for line in goods + shipping)
    else:
        taxes = _sales_tax_by_rate(us_tax, goods_by_rate, shipping)
    return PricedOrder(
        snapshot=snapshot,
        lines=tuple(goods + shipping),
        coupon=applied,
        coupon_shortfall_minor=shortfall,
        sales_tax_minor=0 if market.prices_include_tax else sum(taxes.values()),
        sales_tax_pending=not market.prices_include_tax and us_tax is None,
        tax_bands=tuple(TaxBand(rate, tax) for rate, tax in taxes.items() if tax),
    )


def _line(market: Market, kind: LineKind, *, rate_bp: int, **fields: Any) -> PricedLine:
    """A line at a tax rate, with the VAT its total includes in VAT markets."""
    line = PricedLine(kind=kind, tax_rate_bp=rate_bp, **fields)
    if market.prices_include_tax:
        return replace(line, tax_minor=tax_included_in(line.total_minor, rate_bp))
    return line


def _sum_by_rate(amounts: Iterable[tuple[int, int]]) -> dict[int, int]:
    """Add up (rate, amount) pairs per rate, highest rate first."""
    totals: dict[int, int] = defaultdict(int)
    for rate, amount in amounts:
        totals[rate] += amount
    return dict(sorted(totals.items(), reverse=True))


def _split_by_rate(
    amount_minor: int, weights: dict[int, int], fallback_rate: int
) -> dict[int, int]:
    """Split an amount over tax rates in proportion to the goods at each rate.

    Goods worth nothing (all discounted away) leave nothing to weigh by, so the amount goes
    to `fallback_rate`; parts that round to zero are dropped.
    """
    weighted = {rate: weight for rate, weight in weights.items() if weight > 0}
    if amount_minor == 0 or len(weighted) <= 1:
        return {max(weighted, key=weighted.__getitem__, default=fallback_rate): amount_minor}
    shares = allocate(amount_minor, list(weighted.values()))
    return {rate: share for rate, share in zip(weighted, shares, strict=True) if share}


def _shipping_lines(
    market: Market,
    method: ShippingMethod | None,
    goods_by_rate: dict[int, int],
    standard_rate_bp: int,
    coupon: CouponTerms | None,
) -> list[PricedLine]:
    """The shipping fee as a line; in VAT markets one line per VAT rate of the goods."""
    if method is None:
        return []
    fee = method.fee_for(sum(goods_by_rate.values()))
    if market.prices_include_tax:
        parts = _split_by_rate(fee, goods_by_rate, standard_rate_bp)
    else:
        # US lines carry no tax on the wire; _sales_tax_by_rate splits the fee for the tax.
        parts = {standard_rate_bp: fee}
    split = len(parts) > 1
    free = coupon is not None and coupon.kind is CouponKind.FREE_SHIPPING
    return [
        _line(
            market,
            LineKind.SHIPPING,
            rate_bp=rate,
            reference=f"SHIP-{method.code.upper()}" + (f"-{rate}" if split else ""),
            name=method.name + (f" ({format_rate(rate)} VAT part)" if split else ""),
            quantity=1,
            unit_price_minor=share,
            discount_minor=share if free else 0,
        )
        for rate, share in parts.items()
    ]


def _sales_tax_by_rate(
    us_tax: StateTax | None, goods_by_rate: dict[int, int], shipping: list[PricedLine]
) -> dict[int, int]:
    """US sales tax per rate: on the goods, and on shipping where the state taxes it."""
    if us_tax is None:
        return {}
    shipping_total = sum(line.total_minor for line in shipping)
    taxed_shipping = shipping_total if us_tax.taxes_shipping else 0
    standard_rate = us_tax.rate_bp(TaxClass.STANDARD)
    shipping_by_rate = _split_by_rate(taxed_shipping, goods_by_rate, standard_rate)
    bases = _sum_by_rate([*goods_by_rate.items(), *shipping_by_rate.items()])
    return {rate: percentage_of(base, rate) for rate, base in bases.items()}
