"""The cart mutations, Magento's names and shapes, each calling the service the pages call.

Every mutation finds the cart by its masked id, locked and refused while its order is being
placed (as the pages' edits), makes one service call, and answers with the cart.
"""

from __future__ import annotations

from typing import Any

from ariadne import MutationType
from flask import request
from graphql import GraphQLError, GraphQLResolveInfo

from storefront.addresses import PostalAddress, normalize_postal_code, normalize_text
from storefront.graphql.cart_fields import CartView, cart_view, named_store
from storefront.graphql.errors import shop_errors
from storefront.markets import Market
from storefront.models import AddressKind, Cart
from storefront.services import carts, checkout
from storefront.services.errors import QuantityOutOfRange, ShopError, UnknownProduct
from storefront.services.headless_carts import (
    bill_to_shipping_address,
    create_headless_cart,
    editable_headless_cart,
    set_address,
    set_email,
)
from storefront.services.rate_limits import COUPON_CODES, failures_limited
from storefront.views.shopper import today

mutation = MutationType()
WHOLE_QUANTITY_MESSAGE = "Choose a whole quantity from 1 to 99."


def whole_quantity(quantity: float) -> int:
    """A Magento quantity (a Float) as the shop's whole number, or QuantityOutOfRange."""
    if not float(quantity).is_integer():
        raise QuantityOutOfRange(WHOLE_QUANTITY_MESSAGE)
    return int(quantity)


def cart_answer(cart: Cart) -> dict[str, CartView]:
    """The `{cart}` most mutations answer with."""
    return {"cart": cart_view(cart)}


@mutation.field("createGuestCart")
@shop_errors
def resolve_create_guest_cart(_: Any, info: GraphQLResolveInfo, input: Any = None) -> dict:
    """A new empty cart in the request's market."""
    refuse_client_cart_id(input, "cart_uid")
    return cart_answer(create_headless_cart(info.context["market"]))


@mutation.field("createEmptyCart")
@shop_errors
def resolve_create_empty_cart(_: Any, info: GraphQLResolveInfo, input: Any = None) -> str | None:
    """A new empty cart's masked id."""
    refuse_client_cart_id(input, "cart_id")
    market: Market = info.context["market"]
    return create_headless_cart(market).masked_id


def refuse_client_cart_id(given: dict[str, Any] | None, name: str) -> None:
    """Refuse a cart id chosen by the client: only the shop's random ids are unguessable."""
    if given and given.get(name) is not None:
        raise GraphQLError(f'"{name}" cannot be chosen here; the shop makes the cart id.')


@mutation.field("addProductsToCart")
@shop_errors
def resolve_add_products(
    _: Any, info: GraphQLResolveInfo, cartId: str, cartItems: list[dict[str, Any]]
) -> dict[str, Any]:
    """Add each product; one that cannot be added is a user error, the others are added."""
    cart = editable_headless_cart(cartId, named_store(info))
    user_errors = []
    for item in cartItems:
        try:
            carts.add_item(cart, item["sku"], whole_quantity(item["quantity"]))
        except UnknownProduct as error:
            user_errors.append({"code": "PRODUCT_NOT_FOUND", "message": error.user_message})
        except ShopError as error:
            user_errors.append({"code": "UNDEFINED", "message": error.user_message})
    return {**cart_answer(cart), "user_errors": user_errors}


@mutation.field("updateCartItems")
@shop_errors
def resolve_update_items(_: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> dict:
    """Set each line's quantity (0 removes it); all or nothing."""
    cart = editable_headless_cart(input["cart_id"], named_store(info))
    for item in input["cart_items"]:
        if item is None:
            continue
        quantity = whole_quantity(item["quantity"])
        if quantity == 0:
            carts.remove_item(cart, str(item["cart_item_uid"]))
        else:
            carts.change_quantity(cart, str(item["cart_item_uid"]), quantity)
    return cart_answer(cart)


@mutation.field("removeItemFromCart")
@shop_errors
def resolve_remove_item(_: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> dict:
    """Take a line out of the cart."""
    cart = editable_headless_cart(input["cart_id"], named_store(info))
    carts.remove_item(cart, str(input["cart_item_uid"]))
    return cart_answer(cart)


@mutation.field("applyCouponToCart")
@shop_errors
def resolve_apply_coupon(_: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> dict:
    """Apply a coupon code (failed codes count against the client's limit, as on the pages)."""
    cart = editable_headless_cart(input["cart_id"], named_store(info))
    apply = failures_limited(COUPON_CODES, request.remote_addr, checkout.apply_coupon)
    apply(cart, input["coupon_code"], today=today())
    return cart_answer(cart)


@mutation.field("removeCouponFromCart")
@shop_errors
def resolve_remove_coupon(_: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> dict:
    """Take the coupon off the cart."""
    cart = editable_headless_cart(input["cart_id"], named_store(info))
    checkout.remove_coupon(cart)
    return cart_answer(cart)


@mutation.field("setGuestEmailOnCart")
@shop_errors
def resolve_set_email(_: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> dict:
    """Set the guest's e-mail."""
    cart = editable_headless_cart(input["cart_id"], named_store(info))
    set_email(cart, normalize_text(input["email"]))
    return cart_answer(cart)


def postal_address(given: dict[str, Any]) -> tuple[PostalAddress, str]:
    """Magento's CartAddressInput as the shop's normalized address, and its phone number."""
    country = normalize_text(given["country_code"]).upper()
    street = [normalize_text(line) for line in given["street"]] + ["", ""]
    region = normalize_text(given.get("region") or "").upper() if country == "US" else ""
    address = PostalAddress(
        given_name=normalize_text(given["firstname"]),
        family_name=normalize_text(given["lastname"]),
        street_address=street[0],
        street_address2=" ".join(line for line in street[1:] if line),
        postal_code=normalize_postal_code(given.get("postcode") or "", country),
        city=normalize_text(given["city"]),
        region=region,
        country=country,
    )
    return address, normalize_text(given["telephone"])


@mutation.field("setShippingAddressesOnCart")
@shop_errors
def resolve_set_shipping(_: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> dict:
    """Set the one shipping address (the shop ships each order to one address)."""
    cart = editable_headless_cart(input["cart_id"], named_store(info))
    given = [entry for entry in input["shipping_addresses"] if entry and entry.get("address")]
    if len(given) != 1:
        raise GraphQLError("Set exactly one shipping address; the shop ships to one address.")
    set_address(cart, AddressKind.SHIPPING, *postal_address(given[0]["address"]))
    return cart_answer(cart)


@mutation.field("setBillingAddressOnCart")
@shop_errors
def resolve_set_billing(_: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> dict:
    """Set the billing address, or use the shipping address as it (`same_as_shipping`)."""
    cart = editable_headless_cart(input["cart_id"], named_store(info))
    billing = input["billing_address"]
    if billing.get("same_as_shipping"):
        bill_to_shipping_address(cart)
    elif billing.get("address"):
        set_address(cart, AddressKind.BILLING, *postal_address(billing["address"]))
    else:
        raise GraphQLError(
            'The billing address must contain either "address" or "same_as_shipping".'
        )
    return cart_answer(cart)


@mutation.field("setShippingMethodsOnCart")
@shop_errors
def resolve_set_shipping_methods(_: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> dict:
    """Choose the shipping method (the shop's code is both carrier and method code)."""
    cart = editable_headless_cart(input["cart_id"], named_store(info))
    chosen = [method for method in input["shipping_methods"] if method]
    if len(chosen) != 1:
        raise GraphQLError("Choose exactly one shipping method.")
    checkout.choose_shipping(cart, chosen[0]["method_code"])
    return cart_answer(cart)
