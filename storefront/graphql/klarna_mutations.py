"""Klarna's mutations, as Magento's Klarna module names them: session, payment method, order.

Each calls the service the payment page calls (storefront.services.headless_payments), so the
session is created and kept in step, and the order placed and claimed, by one code path.
"""

from __future__ import annotations

from typing import Any

from ariadne import MutationType
from graphql import GraphQLResolveInfo

from storefront.graphql.cart_fields import cart_view, named_store
from storefront.graphql.errors import refusals, shop_errors
from storefront.services.headless_carts import editable_headless_cart, find_headless_cart
from storefront.services.headless_payments import (
    klarna_session,
    place_headless_order,
    select_klarna_method,
)
from storefront.views.shopper import today

mutation = MutationType()
# Magento's prefix for a refused placeOrder.
PLACE_ORDER_REFUSED = "Unable to place order: "


@mutation.field("createKlarnaPaymentsSession")
@shop_errors
def resolve_create_session(_: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> dict:
    """The cart's Klarna session, created now or kept in step: its client token and categories."""
    cart = editable_headless_cart(input["cart_id"], named_store(info))
    page = klarna_session(cart, today=today())
    return {
        "client_token": page.payment.client_token,
        "payment_method_categories": [
            {
                "identifier": category.identifier,
                "name": category.name,
                "asset_urls": {
                    "descriptive": category.asset_url or None,
                    "standard": category.asset_url or None,
                },
            }
            for category in page.categories
        ],
    }


@mutation.field("setPaymentMethodOnCart")
@shop_errors
def resolve_set_payment_method(_: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> dict:
    """Choose `klarna_<category>` with the token Klarna's authorize() gave the client."""
    cart = editable_headless_cart(input["cart_id"], named_store(info))
    method = input["payment_method"]
    token = (method.get("klarna") or {}).get("authorization_token", "")
    select_klarna_method(cart, method["code"], token, today=today())
    return {"cart": cart_view(cart)}


@mutation.field("placeOrder")
@refusals(PLACE_ORDER_REFUSED)
def resolve_place_order(_: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> dict:
    """Place the order once, through the same placement as the page and Klarna's callback."""
    cart = find_headless_cart(input["cart_id"], store=named_store(info))
    return {"order": {"order_number": place_headless_order(cart, today=today())}}
