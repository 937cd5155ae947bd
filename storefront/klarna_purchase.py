"""Map the shop's checkout to the Klarna core's `Purchase`: the one place the two vocabularies meet.

`klarna_purchase` is pure: the same snapshot always gives the same `Purchase`, so the bodies
`storefront.klarna.bodies` builds from it (session, authorize(), create order) carry amounts
and lines that cannot differ. Every amount comes from storefront.pricing, which the pages
render too. Klarna docs (fields and rules):
https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/integrate-via-sdk/step-1-initiate-a-payment
"""

from __future__ import annotations

from storefront.addresses import PostalAddress
from storefront.klarna.bodies import (
    Address,
    OrderLine,
    Purchase,
    SubscriptionTerms,
    sales_tax_lines,
)
from storefront.klarna.preflight import COUNTRIES
from storefront.markets import Market
from storefront.plans import Plan
from storefront.pricing import LineKind, PricedLine, PricedOrder, price_order
from storefront.snapshot import CheckoutSnapshot

KLARNA_LINE_TYPES = {LineKind.GOODS: "physical", LineKind.SHIPPING: "shipping_fee"}


def klarna_purchase(snapshot: CheckoutSnapshot, language: str | None = None) -> Purchase:
    """The purchase Klarna is told about: the priced order's lines and the shopper's addresses.

    `language`: the shop's language for the shopper (None: the market's), Klarna's `locale`
    where Klarna has it for the purchase country (`klarna_locale`).
    """
    priced = price_order(snapshot)
    market = snapshot.market
    lines = tuple(order_line(line, vat=market.prices_include_tax) for line in priced.lines)
    billing = snapshot.billing_address
    # No shipping address given: the goods go to the billing address.
    shipping = None if billing is None else snapshot.shipping_address or billing
    return Purchase(
        country=market.country,
        currency=market.currency,
        locale=klarna_locale(market, language),
        amount_minor=priced.total_minor,
        tax_minor=order_tax_amount(priced),
        lines=lines + sales_tax_lines(priced.sales_tax_minor),
        billing_address=None if billing is None else klarna_address(billing, snapshot),
        shipping_address=None if shipping is None else klarna_address(shipping, snapshot),
        intent=purchase_intent(priced),
    )


def klarna_locale(market: Market, language: str | None) -> str:
    """Klarna's locale for a shopper of the market reading `language`, else the market's own.

    Klarna takes only certain language-country pairs per purchase country (de-DE and en-DE,
    sv-SE and en-SE, en-GB, en-US: no sv-DE, no de-SE), so Klarna's pages follow the shop's
    language where Klarna has it, and fall back to the country's language otherwise. Klarna docs:
    https://docs.klarna.com/payments/web-payments/before-you-start/data-requirements/puchase-countries-currencies-locales
    """
    if language is None:
        return market.locale
    wanted = f"{language}-{market.country}"
    _currency, locales = COUNTRIES[market.country]
    return wanted if wanted in locales else market.locale


def purchase_intent(priced: PricedOrder) -> str:
    """Klarna's `intent` for a cart: what is paid now, and whether a token is saved for later.

    Only one-off goods: `buy`. Only subscriptions: `buy_and_tokenize` (the first delivery is
    ordered now), or `tokenize` when nothing is paid today (free trials: no order at
    checkout). One-off goods with subscriptions: `buy_and_default_tokenize`.
    Klarna docs: https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/integrate-via-sdk/step-1-initiate-a-payment
    """
    goods = priced.goods_lines
    subscribed = sum(1 for line in goods if line.plan)
    if subscribed == 0:
        return "buy"
    if subscribed < len(goods):
        return "buy_and_default_tokenize"
    return "tokenize" if priced.total_minor == 0 else "buy_and_tokenize"


def order_tax_amount(priced: PricedOrder) -> int:
    """VAT markets: the sum of the lines' tax. US: the sales-tax line, as Klarna's US example."""
    if priced.market.prices_include_tax:
        return sum(line.tax_minor for line in priced.lines)
    return priced.sales_tax_minor


def order_line(line: PricedLine, *, vat: bool) -> OrderLine:
    """One Klarna order line; US lines carry no tax, since sales tax is its own line."""
    return OrderLine(
        line_type=KLARNA_LINE_TYPES[line.kind],
        reference=line.reference,
        name=line.name,
        quantity=line.quantity,
        unit_price_minor=line.unit_price_minor,
        tax_rate_bp=line.tax_rate_bp if vat else 0,
        total_minor=line.total_minor,
        discount_minor=line.discount_minor,
        tax_minor=line.tax_minor,
        quantity_unit="pcs" if line.kind is LineKind.GOODS else "",
        product_url=line.product_url,
        image_url=line.image_url,
        subscription=subscription_terms(line),
    )


def subscription_terms(line: PricedLine) -> SubscriptionTerms | None:
    """Klarna's `subscription` of a line bought by subscription: its name and cadence."""
    if not line.plan:
        return None
    plan = Plan.parse(line.plan)
    return SubscriptionTerms(
        name=line.name, interval=plan.interval.value, interval_count=plan.count
    )


def klarna_address(address: PostalAddress, snapshot: CheckoutSnapshot) -> Address:
    """A Klarna address: the postal address with the shopper's email and phone."""
    return Address(
        given_name=address.given_name,
        family_name=address.family_name,
        email=snapshot.email,
        phone=snapshot.phone,
        street_address=address.street_address,
        street_address2=address.street_address2,
        postal_code=address.postal_code,
        city=address.city,
        region=address.region,
        country=address.country,
    )
