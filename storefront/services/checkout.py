"""Checkout service: coupon, contact, addresses, shipping, and the snapshot of them all.

The checkout steps are ordered (cart, details, shipping, summary, and then the payment step);
`next_step` says which one a cart has reached, so no page can be used before the data it
depends on exists.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

import sqlalchemy as sa
from flask_babel import format_date, gettext
from sqlalchemy.orm import selectinload

from storefront import addresses
from storefront.addresses import PostalAddress
from storefront.extensions import db
from storefront.i18n import country_name
from storefront.klarna import address_rules
from storefront.markets import MARKETS, TaxClass
from storefront.models import AddressKind, Cart, CartAddress, CartLine, Coupon, ProductPrice
from storefront.pricing import PricedOrder, price_order
from storefront.services.coupons import MAX_CODE_LENGTH, coupon_terms, is_valid_on
from storefront.services.errors import (
    CheckoutIncomplete,
    CouponRefused,
    InvalidDetails,
    UnknownShippingMethod,
)
from storefront.shipping import ShippingMethod, shipping_method, shipping_methods
from storefront.snapshot import CheckoutSnapshot, LineItem
from storefront.urls import absolute_url

ADDRESS_FIELDS = (
    "given_name",
    "family_name",
    "street_address",
    "street_address2",
    "postal_code",
    "city",
    "region",
    "country",
)


class CheckoutStep(StrEnum):
    """The checkout's steps, in order; each needs the ones before it."""

    CART = "cart"
    DETAILS = "details"
    SHIPPING = "shipping"
    SUMMARY = "summary"


STEP_ORDER = list(CheckoutStep)


@dataclass(frozen=True)
class CheckoutOverview:
    """What the cart and checkout pages show: the priced order and any note on the coupon."""

    snapshot: CheckoutSnapshot
    priced: PricedOrder
    coupon_code: str | None  # the coupon on the cart, whether or not it applies
    coupon_note: str | None  # why that coupon does not apply right now


def checkout_snapshot(cart: Cart, *, today: date) -> CheckoutSnapshot:
    """Read a cart and its choices into the frozen snapshot pricing and Klarna work from."""
    market = MARKETS[cart.market]
    product_ids = [line.product_id for line in cart.lines]
    prices = dict(
        db.session.execute(
            sa.select(ProductPrice.product_id, ProductPrice.unit_price_minor).where(
                ProductPrice.market == market.code, ProductPrice.product_id.in_(product_ids)
            )
        ).all()
    )
    items = tuple(
        LineItem(
            sku=line.product.sku,
            name=line.product.name,
            tax_class=TaxClass(line.product.tax_class),
            # A free trial's first delivery costs nothing; renewals pay the price.
            unit_price_minor=0 if trial(line) else prices[line.product_id],
            quantity=line.quantity,
            product_url=absolute_url("catalog.product", slug=line.product.slug),
            image_url=absolute_url("static", filename=line.product.image),
            plan=line.plan,
            free_trial=trial(line),
        )
        # A product whose price in this market was withdrawn cannot be sold; leave it out.
        for line in cart.lines
        if line.product_id in prices
    )
    billing = stored_address(cart, AddressKind.BILLING)
    shipping = billing if cart.ship_to_billing else stored_address(cart, AddressKind.SHIPPING)
    return CheckoutSnapshot(
        market=market,
        items=items,
        coupon=coupon_terms(cart.coupon, market, today),
        shipping_method=shipping_method(market.code, cart.shipping_method),
        email=cart.email,
        phone=cart.phone,
        billing_address=billing,
        shipping_address=shipping,
    )


def trial(line: CartLine) -> bool:
    """Whether a cart line is the free first delivery of a subscription."""
    return bool(line.plan) and line.product.free_trial


def checkout_overview(cart: Cart, *, today: date) -> CheckoutOverview:
    """Price the cart for a page, and explain a coupon that is on the cart but does not apply."""
    snapshot = checkout_snapshot(cart, today=today)
    priced = price_order(snapshot)
    note = None
    if cart.coupon is not None and priced.coupon is None:
        if priced.coupon_shortfall_minor:
            shortfall = snapshot.market.format_amount(priced.coupon_shortfall_minor)
            note = gettext(
                "Add %(amount)s more to use coupon %(code)s.",
                amount=shortfall,
                code=cart.coupon.code,
            )
        else:
            note = gettext("Coupon %(code)s is no longer valid.", code=cart.coupon.code)
    code = cart.coupon.code if cart.coupon else None
    return CheckoutOverview(snapshot, priced, code, note)


def stored_address(cart: Cart, kind: AddressKind) -> PostalAddress | None:
    """The cart's billing or shipping address as a plain value, if entered."""
    row = next((address for address in cart.addresses if address.kind == kind), None)
    if row is None:
        return None
    return PostalAddress(**{name: getattr(row, name) for name in ADDRESS_FIELDS})


def next_step(snapshot: CheckoutSnapshot) -> CheckoutStep:
    """The first checkout step whose data is still missing (SUMMARY when nothing is)."""
    if not snapshot.items:
        return CheckoutStep.CART
    if not (snapshot.email and snapshot.billing_address and snapshot.shipping_address):
        return CheckoutStep.DETAILS
    if snapshot.shipping_method is None:
        return CheckoutStep.SHIPPING
    return CheckoutStep.SUMMARY


def require_step(snapshot: CheckoutSnapshot, step: CheckoutStep) -> None:
    """Refuse a step whose earlier steps are not done, naming the step to go back to."""
    reached = next_step(snapshot)
    if STEP_ORDER.index(reached) < STEP_ORDER.index(step):
        messages = {
            CheckoutStep.CART: gettext("Your cart is empty."),
            CheckoutStep.DETAILS: gettext("Please enter your contact details and address first."),
            CheckoutStep.SHIPPING: gettext("Please choose a shipping method first."),
        }
        raise CheckoutIncomplete(messages[reached], step=reached)


def save_details(
    cart: Cart,
    *,
    email: str,
    phone: str,
    billing: PostalAddress,
    shipping: PostalAddress | None,
) -> None:
    """Store contact and addresses (shipping None: ship to the billing address).

    Checks again what the form checked, so a caller other than the form (the payment page)
    cannot store details Klarna's authorize() would refuse.
    """
    problems = address_problems_in(cart, "billing", billing) | contact_problems(email, phone)
    if shipping is not None:
        problems |= address_problems_in(cart, "shipping", shipping)
    if problems:
        raise InvalidDetails(problems)
    cart.email, cart.phone = email, phone
    cart.ship_to_billing = shipping is None
    store_address(cart, AddressKind.BILLING, billing)
    if shipping is None:
        cart.addresses[:] = [a for a in cart.addresses if a.kind != AddressKind.SHIPPING]
    else:
        store_address(cart, AddressKind.SHIPPING, shipping)
    db.session.commit()


def address_problems_in(cart: Cart, kind: str, address: PostalAddress) -> dict[str, str]:
    """Every problem with one of the cart's addresses, keyed `kind-field`, its country included."""
    problems = {
        f"{kind}-{field}": problem for field, problem in addresses.address_problems(address).items()
    }
    market = MARKETS[cart.market]
    if address.country != market.country:
        problems["country"] = gettext(
            "The shop delivers to %(country)s only.", country=country_name(market.country)
        )
    return problems


def contact_problems(email: str | None, phone: str | None) -> dict[str, str]:
    """Problems with the e-mail and phone given (None: not being changed), keyed by field."""
    checks = (
        ("email", None if email is None else address_rules.email_problem(email, gettext)),
        ("phone", None if phone is None else address_rules.phone_problem(phone, gettext)),
    )
    return {name: problem for name, problem in checks if problem}


def store_address(cart: Cart, kind: AddressKind, address: PostalAddress) -> None:
    """Create or overwrite the cart's address of this kind."""
    row = next((row for row in cart.addresses if row.kind == kind), None)
    if row is None:
        row = CartAddress(kind=kind)
        cart.addresses.append(row)
    for name in ADDRESS_FIELDS:
        setattr(row, name, getattr(address, name))


def apply_coupon(cart: Cart, code: str, *, today: date) -> None:
    """Attach a coupon to the cart, or refuse it with the reason (the cart stays unchanged)."""
    code = code.strip().upper()
    coupon = None
    if code and len(code) <= MAX_CODE_LENGTH:
        coupon = db.session.scalars(
            sa.select(Coupon).where(Coupon.code == code).options(selectinload(Coupon.market_terms))
        ).one_or_none()
    if coupon is None:
        raise CouponRefused(
            gettext("There is no coupon code %(code)s.", code=code[:MAX_CODE_LENGTH])
        )
    market = MARKETS[cart.market]
    if coupon.valid_from > today:
        raise CouponRefused(
            gettext(
                "Coupon %(code)s can be used from %(date)s.",
                code=code,
                date=format_date(coupon.valid_from, "long"),
            )
        )
    if not is_valid_on(coupon, today):
        raise CouponRefused(
            gettext(
                "Coupon %(code)s expired on %(date)s.",
                code=code,
                date=format_date(coupon.valid_until, "long"),
            )
        )
    terms = coupon_terms(coupon, market, today)
    if terms is None:
        raise CouponRefused(
            gettext(
                "Coupon %(code)s cannot be used in %(country)s.",
                code=code,
                country=country_name(market.country),
            )
        )
    subtotal = price_order(checkout_snapshot(cart, today=today)).goods_subtotal_minor
    shortfall = terms.shortfall_minor(subtotal)
    if shortfall:
        raise CouponRefused(
            gettext(
                "Coupon %(code)s needs %(minimum)s of goods; add %(amount)s more to use it.",
                code=code,
                minimum=market.format_amount(terms.minimum_subtotal_minor),
                amount=market.format_amount(shortfall),
            )
        )
    cart.coupon = coupon
    db.session.commit()


def remove_coupon(cart: Cart) -> None:
    """Take the coupon off the cart."""
    cart.coupon = None
    db.session.commit()


def shipping_options(priced: PricedOrder) -> list[tuple[ShippingMethod, int]]:
    """The market's shipping methods with the fee each would cost this order."""
    goods_total = sum(line.total_minor for line in priced.goods_lines)
    return [
        (method, method.fee_for(goods_total)) for method in shipping_methods(priced.market.code)
    ]


def shipping_previews(overview: CheckoutOverview) -> dict[str, CheckoutOverview]:
    """The overview as it would be with each of the market's shipping methods, by method code.

    The shipping step shows the one chosen (or preselected) and switches as the shopper picks
    another, before anything is saved.
    """
    previews = {}
    for method in shipping_methods(overview.snapshot.market.code):
        snapshot = replace(overview.snapshot, shipping_method=method)
        previews[method.code] = replace(overview, snapshot=snapshot, priced=price_order(snapshot))
    return previews


def preselected_shipping(cart: Cart, options: list[tuple[ShippingMethod, int]]) -> str:
    """The cart's shipping method, or the cheapest for this order (the first of equals)."""
    if cart.shipping_method is not None:
        return cart.shipping_method
    return min(options, key=lambda option: option[1])[0].code


def choose_shipping(cart: Cart, code: str) -> None:
    """Set the cart's shipping method to one its market offers."""
    if shipping_method(cart.market, code) is None:
        raise UnknownShippingMethod(gettext("Please choose one of the shipping methods listed."))
    cart.shipping_method = code
    db.session.commit()
