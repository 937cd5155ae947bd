"""The `cart` query and the Cart type's fields: what the pages show, in Magento's shapes.

Every amount comes from the one pricing of the cart (`checkout_overview`), as on the pages.
Asking for `available_payment_methods` brings the cart's Klarna session in step with the cart
exactly as loading the payment page does (no Klarna call when nothing changed).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

from ariadne import InterfaceType, ObjectType, QueryType
from flask import current_app
from graphql import GraphQLResolveInfo

from storefront.addresses import PostalAddress
from storefront.graphql.errors import shop_errors
from storefront.klarna.bodies import authorize_data
from storefront.klarna_purchase import klarna_purchase
from storefront.markets import Market
from storefront.models import Cart
from storefront.money import major_units
from storefront.services import checkout
from storefront.services.checkout import CheckoutOverview, CheckoutStep
from storefront.services.headless_carts import find_headless_cart
from storefront.services.headless_payments import (
    available_methods,
    payment_method_code,
    selected_method,
)
from storefront.services.klarna_session import offered_categories
from storefront.services.payments import existing_payment
from storefront.shipping import ShippingMethod
from storefront.views.shopper import today

query = QueryType()
cart_type = ObjectType("Cart")
item_interface = InterfaceType("CartItemInterface", lambda *_: "SimpleCartItem")
product_interface = InterfaceType("ProductInterface", lambda *_: "SimpleProduct")


@dataclass
class CartView:
    """A cart as a resolver answers it: priced once, on first use, for all its fields."""

    cart: Cart
    day: date

    @cached_property
    def overview(self) -> CheckoutOverview:
        """The cart priced as the pages price it."""
        return checkout.checkout_overview(self.cart, today=self.day)

    @property
    def market(self) -> Market:
        """The cart's market."""
        return self.overview.snapshot.market


def cart_view(cart: Cart) -> CartView:
    """A cart ready to be answered."""
    return CartView(cart, today())


def money(amount_minor: int, market: Market) -> dict[str, Any]:
    """Magento's Money: major units (a Float, as Magento's schema has it) and exact minor units."""
    value = major_units(amount_minor, market.currency)
    return {"value": float(value), "currency": market.currency, "value_minor": amount_minor}


@query.field("cart")
@shop_errors
def resolve_cart(_: Any, info: GraphQLResolveInfo, cart_id: str) -> CartView:
    """The guest cart with this masked id."""
    return cart_view(find_headless_cart(cart_id, store=named_store(info)))


def named_store(info: GraphQLResolveInfo) -> str | None:
    """The market the request's `Store` header named, or None when it named none."""
    store: str | None = info.context["named_store"]
    return store


@query.field("storeConfig")
def resolve_store_config(_: Any, info: GraphQLResolveInfo) -> dict[str, str]:
    """The store's code and currency (from the Store header) and where Klarna's SDK is."""
    market: Market = info.context["market"]
    return {
        "store_code": market.code.lower(),
        "base_currency_code": market.currency,
        "klarna_sdk_url": current_app.config["KLARNA_SDK_URL"],
    }


@cart_type.field("id")
def resolve_id(view: CartView, _: GraphQLResolveInfo) -> str | None:
    """The masked cart id."""
    return view.cart.masked_id


@cart_type.field("email")
def resolve_email(view: CartView, _: GraphQLResolveInfo) -> str | None:
    """The guest's e-mail, once set."""
    return view.cart.email or None


@cart_type.field("items")
def resolve_items(view: CartView, _: GraphQLResolveInfo) -> list[dict[str, Any]]:
    """The cart's products: each line's unit price, row total and coupon discount."""
    market = view.market
    return [
        {
            "uid": line.reference,
            "quantity": line.quantity,
            "product": {"sku": line.reference, "name": line.name},
            "prices": {
                "price": money(line.unit_price_minor, market),
                "row_total": money(line.subtotal_minor, market),
                "total_item_discount": money(line.discount_minor, market),
            },
        }
        for line in view.overview.priced.goods_lines
    ]


@cart_type.field("total_quantity")
def resolve_total_quantity(view: CartView, _: GraphQLResolveInfo) -> int:
    """How many items the cart holds."""
    return sum(line.quantity for line in view.overview.priced.goods_lines)


@cart_type.field("prices")
def resolve_prices(view: CartView, _: GraphQLResolveInfo) -> dict[str, Any]:
    """The grand total Klarna is asked for, its taxes and discounts."""
    priced, market = view.overview.priced, view.market
    discount = priced.discount_minor + priced.shipping_discount_minor
    coupon = view.overview.coupon_code
    return {
        "grand_total": money(priced.total_minor, market),
        "applied_taxes": [
            {"label": f"Tax {band.label}", "amount": money(band.tax_minor, market)}
            for band in priced.tax_bands
        ],
        "discounts": [{"label": coupon or "", "amount": money(discount, market)}]
        if discount
        else [],
    }


@cart_type.field("applied_coupons")
def resolve_applied_coupons(view: CartView, _: GraphQLResolveInfo) -> list[dict[str, str]] | None:
    """The coupon on the cart (null without one, as Magento)."""
    code = view.overview.coupon_code
    return [{"code": code}] if code else None


def address_fields(address: PostalAddress, phone: str) -> dict[str, Any]:
    """A stored address in Magento's cart-address shape."""
    street = [address.street_address, address.street_address2]
    return {
        "firstname": address.given_name,
        "lastname": address.family_name,
        "street": [line for line in street if line],
        "city": address.city,
        "region": {"code": address.region or None},
        "postcode": address.postal_code,
        "country": {"code": address.country},
        "telephone": phone or None,
    }


def shipping_method_fields(method: ShippingMethod, fee_minor: int, market: Market) -> dict:
    """A shipping method in Magento's shape (the shop's code is both carrier and method code)."""
    return {
        "carrier_code": method.code,
        "carrier_title": method.name,
        "method_code": method.code,
        "method_title": method.delivery,
        "amount": money(fee_minor, market),
        "available": True,
    }


@cart_type.field("shipping_addresses")
def resolve_shipping_addresses(view: CartView, _: GraphQLResolveInfo) -> list[dict[str, Any]]:
    """The shipping address, with the methods offered and chosen (empty until it is set)."""
    snapshot = view.overview.snapshot
    if snapshot.shipping_address is None:
        return []
    options = checkout.shipping_options(view.overview.priced)
    chosen = next((fee for method, fee in options if method == snapshot.shipping_method), None)
    return [
        {
            **address_fields(snapshot.shipping_address, snapshot.phone),
            "available_shipping_methods": [
                shipping_method_fields(method, fee, view.market) for method, fee in options
            ],
            "selected_shipping_method": None
            if snapshot.shipping_method is None or chosen is None
            else shipping_method_fields(snapshot.shipping_method, chosen, view.market),
        }
    ]


@cart_type.field("billing_address")
def resolve_billing_address(view: CartView, _: GraphQLResolveInfo) -> dict[str, Any] | None:
    """The billing address, once set."""
    snapshot = view.overview.snapshot
    if snapshot.billing_address is None:
        return None
    return address_fields(snapshot.billing_address, snapshot.phone)


@cart_type.field("available_payment_methods")
@shop_errors
def resolve_available_payment_methods(
    view: CartView, _: GraphQLResolveInfo
) -> list[dict[str, str]]:
    """Klarna's categories as payment methods, the Klarna session refreshed from the cart."""
    assert view.cart.masked_id is not None  # a CartView is only made for a headless cart
    locked = find_headless_cart(view.cart.masked_id, for_update=True)
    return [
        {"code": payment_method_code(category), "title": category.name}
        for category in available_methods(locked, today=view.day)
    ]


@cart_type.field("selected_payment_method")
def resolve_selected_payment_method(view: CartView, _: GraphQLResolveInfo) -> dict[str, str] | None:
    """The payment method the client set, with Klarna's name for its category."""
    code = selected_method(view.cart)
    if code is None:
        return None
    payment = existing_payment(view.cart)
    categories = offered_categories(payment) if payment is not None else ()
    titles = {payment_method_code(category): category.name for category in categories}
    return {"code": code, "title": titles.get(code, "Klarna")}


@cart_type.field("klarna_authorize_data")
def resolve_klarna_authorize_data(view: CartView, _: GraphQLResolveInfo) -> str | None:
    """authorize()'s data as JSON text, once the checkout is complete (null before)."""
    snapshot = view.overview.snapshot
    if checkout.next_step(snapshot) != CheckoutStep.SUMMARY:
        return None
    return json.dumps(authorize_data(klarna_purchase(snapshot)))


OBJECT_TYPES = [query, cart_type, item_interface, product_interface]
