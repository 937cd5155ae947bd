"""Headless carts: the random ids the API doors give their clients, and details set one by one.

A headless client (the GraphQL or JSON:API door) knows its cart only by a masked id: 32 random
letters and digits (190 bits), unguessable and unrelated to the session token the pages use.
The cart is then edited by the same cart and checkout services as the pages; this module only
adds what a headless checkout sets separately (e-mail, each address) where a page posts one form.
"""

from __future__ import annotations

import secrets
import string

from storefront.addresses import PostalAddress
from storefront.extensions import db
from storefront.markets import Market
from storefront.models import AddressKind, Cart
from storefront.services import carts
from storefront.services.checkout import (
    CheckoutStep,
    address_problems_in,
    contact_problems,
    stored_address,
)
from storefront.services.checkout import store_address as store_cart_address
from storefront.services.errors import (
    CartNotFound,
    CheckoutIncomplete,
    InvalidDetails,
    WrongStore,
)

MASKED_ID_ALPHABET = string.ascii_letters + string.digits
MASKED_ID_LENGTH = 32
SHIPPING_ADDRESS_MISSING = "The shipping address is missing. Set the address and try again."


def new_masked_id() -> str:
    """A fresh masked cart id: 32 random letters and digits."""
    return "".join(secrets.choice(MASKED_ID_ALPHABET) for _ in range(MASKED_ID_LENGTH))


def create_headless_cart(market: Market) -> Cart:
    """A new, empty cart in `market` that a headless client knows by its masked id."""
    return carts.create_cart(market, masked_id=new_masked_id())


def find_headless_cart(
    masked_id: str, *, for_update: bool = False, store: str | None = None
) -> Cart:
    """The cart with this masked id (locked for a change with `for_update`), or CartNotFound.

    `store`: the market the client named (Magento's `Store` header); a cart of another market
    is WrongStore, as Magento refuses a cart of another store view. None: any market.
    """
    cart = None
    if 0 < len(masked_id) <= MASKED_ID_LENGTH:
        cart = carts.find_cart_where(Cart.masked_id == masked_id, for_update=for_update)
    if cart is None:
        raise CartNotFound(masked_id)
    if store is not None and cart.market != store:
        raise WrongStore(masked_id)
    return cart


def editable_headless_cart(masked_id: str, store: str | None = None) -> Cart:
    """The cart, locked for a change; OrderBeingConfirmed while its order is being placed."""
    cart = find_headless_cart(masked_id, for_update=True, store=store)
    carts.require_editable(cart)
    return cart


def set_email(cart: Cart, email: str) -> None:
    """Store the shopper's e-mail, checked as Klarna's authorize() checks it."""
    problems = contact_problems(email, None)
    if problems:
        raise InvalidDetails(problems)
    cart.email = email
    db.session.commit()


def set_address(cart: Cart, kind: AddressKind, address: PostalAddress, phone: str) -> None:
    """Store the billing or shipping address and the phone number given with it.

    A shipping address of its own ends shipping to the billing address.
    """
    problems = address_problems_in(cart, kind, address) | contact_problems(None, phone)
    if problems:
        raise InvalidDetails(problems)
    cart.phone = phone
    if kind == AddressKind.SHIPPING:
        cart.ship_to_billing = False
    store_cart_address(cart, kind, address)
    db.session.commit()


def bill_to_shipping_address(cart: Cart) -> None:
    """Make the cart's shipping address its billing address too (ship to billing from now on)."""
    shipping = None if cart.ship_to_billing else stored_address(cart, AddressKind.SHIPPING)
    if shipping is None:
        billing = stored_address(cart, AddressKind.BILLING)
        if billing is None:
            raise CheckoutIncomplete(SHIPPING_ADDRESS_MISSING, step=CheckoutStep.DETAILS)
        return  # it ships to the billing address already
    store_cart_address(cart, AddressKind.BILLING, shipping)
    cart.addresses[:] = [a for a in cart.addresses if a.kind != AddressKind.SHIPPING]
    cart.ship_to_billing = True
    db.session.commit()
