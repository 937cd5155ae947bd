"""API orders: the shop's cart and payment behind an unguessable id, edited by the cart's rules.

Every edit runs the same cart and checkout services as the pages (`storefront.services.carts`
and `checkout`), on the locked cart, refused while its order is being placed. An edit made
after a `klarna_payments` was created empties the order's payment source, as Commerce Layer
does: the authorization recorded on it was for the order as it was (`detach_payment_source`).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from storefront.api_models import ApiAddress, ApiOrder
from storefront.clock import utcnow
from storefront.extensions import db
from storefront.klarna import address_rules
from storefront.models import Cart
from storefront.services import carts, checkout
from storefront.services.api_addresses import postal_address
from storefront.services.api_clients import Grant, ResourceNotFound
from storefront.services.errors import InvalidDetails, ShopError, UnknownShippingMethod
from storefront.services.payments import payment_for
from storefront.shipping import shipping_method as shipping_method_of

Edit = Callable[[Cart], None]


class OrderNotEditable(ShopError):
    """The order is placed (or being placed): it cannot change any more."""


def create_order(
    grant: Grant, *, email: str | None, coupon_code: str | None, today: date
) -> ApiOrder:
    """A new order in the token's market: a cart, its payment (and order number) and its id."""
    cart = Cart(token=secrets.token_urlsafe(32), market=grant.market)
    db.session.add(cart)
    db.session.flush()
    order = ApiOrder(
        public_id=secrets.token_urlsafe(24),
        payment=payment_for(cart),
        api_client_id=grant.client_pk,
        market=grant.market,
    )
    db.session.add(order)
    try:
        if email is not None:
            set_email(cart, email)
        if coupon_code:
            checkout.apply_coupon(cart, coupon_code, today=today)
        db.session.commit()
    except ShopError:
        db.session.rollback()
        raise
    return order


def find_order(grant: Grant, public_id: str) -> ApiOrder:
    """The client's order in the token's market, or ResourceNotFound (never another market's)."""
    order = db.session.scalars(
        sa.select(ApiOrder)
        .where(
            ApiOrder.public_id == public_id,
            ApiOrder.api_client_id == grant.client_pk,
            ApiOrder.market == grant.market,
        )
        .options(selectinload(ApiOrder.klarna_payments))
    ).one_or_none()
    if order is None:
        raise ResourceNotFound(public_id)
    return order


def editable_cart(order: ApiOrder) -> Cart:
    """The order's cart, locked, if it can still change.

    Raises OrderNotEditable (placed) or OrderBeingConfirmed (being placed).
    """
    cart = order.payment.cart
    locked = carts.find_cart(cart.token, for_update=True) if cart is not None else None
    if locked is None:
        raise OrderNotEditable("This order is placed; it cannot be changed.")
    carts.require_editable(locked)
    return locked


def edit_order(order: ApiOrder, *edits: Edit) -> None:
    """Apply edits to the order's cart in one go; all or nothing; empties the payment source."""
    cart = editable_cart(order)
    detach_payment_source(order)
    try:
        for edit in edits:
            edit(cart)
        db.session.commit()
    except ShopError:
        db.session.rollback()
        raise


def detach_payment_source(order: ApiOrder) -> None:
    """Empty the order's payment source and drop its authorization (the caller commits)."""
    now = utcnow()
    order.updated_at = now
    source = order.payment_source
    if source is not None:
        source.detached_at = now
        source.auth_token = None
        source.purchase_fingerprint = None
        source.updated_at = now


def set_email(cart: Cart, email: str) -> None:
    """Set the customer's email address, checked as the details form checks it."""
    check_email(email)
    cart.email = email.strip()


def check_email(email: str) -> None:
    """Refuse an email address the details form would refuse."""
    if problem := address_rules.email_problem(email.strip()):
        raise InvalidDetails({"customer_email": problem})


def update_order(
    order: ApiOrder,
    *,
    today: date,
    email: str | None = None,
    coupon_code: str | None = None,
    remove_coupon: bool = False,
    shipping_method: str | None = None,
    billing: ApiAddress | None = None,
    shipping: ApiAddress | None = None,
) -> None:
    """Change the order's details; a refused change leaves the order as it was.

    The checks that need no cart run first, and the coupon (the one change whose check needs
    the priced cart, and whose service commits) before the others, so a refusal changes nothing.
    """
    edits: list[Edit] = []
    if remove_coupon:
        edits.append(checkout.remove_coupon)
    elif coupon_code is not None:
        edits.append(lambda cart: checkout.apply_coupon(cart, coupon_code, today=today))
    if email is not None:
        check_email(email)
        edits.append(lambda cart: set_email(cart, email))
    if shipping_method is not None:
        if shipping_method_of(order.market, shipping_method) is None:
            raise UnknownShippingMethod("Choose one of the order's available_shipping_methods.")
        edits.append(lambda cart: checkout.choose_shipping(cart, shipping_method))
    if billing is not None or shipping is not None:
        edits.append(addresses_edit(order, billing, shipping))
    if edits:  # an empty change is no edit: the payment source stays
        edit_order(order, *edits)


def addresses_edit(
    order: ApiOrder, billing: ApiAddress | None, shipping: ApiAddress | None
) -> Edit:
    """An edit linking billing and shipping addresses (either kept if not given)."""

    def link(cart: Cart) -> None:
        bill = billing or order.billing_address
        ship = shipping or order.shipping_address
        if bill is None:
            raise InvalidDetails({"billing_address": "Link a billing address first."})
        checkout.save_details(
            cart,
            email=cart.email,
            phone=bill.phone,
            billing=postal_address(bill),
            shipping=postal_address(ship) if ship is not None and ship is not bill else None,
        )
        order.billing_address, order.shipping_address = bill, ship

    return link


def add_line_item(order: ApiOrder, sku: str, quantity: int) -> None:
    """Add a product to the order (adding to its line if there is one)."""
    edit_order(order, lambda cart: carts.add_item(cart, sku, quantity))


def change_line_item(order: ApiOrder, sku: str, quantity: int) -> None:
    """Set a line item's quantity."""
    edit_order(order, lambda cart: carts.change_quantity(cart, sku, quantity))


def remove_line_item(order: ApiOrder, sku: str) -> None:
    """Take a line item off the order."""
    edit_order(order, lambda cart: carts.remove_item(cart, sku))


def line_item_sku(order: ApiOrder, sku: str) -> str:
    """The sku of a line item the order has (its cart, or its placed order), or ResourceNotFound."""
    payment = order.payment
    if payment.cart is not None:
        skus = {line.product.sku for line in payment.cart.lines}
    elif payment.order is not None:
        skus = {line.reference for line in payment.order.goods_lines}
    else:
        skus = set()
    if sku not in skus:
        raise ResourceNotFound(sku)
    return sku
