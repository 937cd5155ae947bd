"""`orders`: create one in the token's market, read it, change it, place it (`_place`)."""

from __future__ import annotations

from flask import Response

from storefront.api_models import ApiOrder
from storefront.jsonapi.documents import Resource, path_id, resource
from storefront.jsonapi.resources import order_resource
from storefront.jsonapi.views import bp, document, grant, today
from storefront.services import api_orders
from storefront.services.api_addresses import find_address
from storefront.services.api_placement import place_api_order

EMAIL_LENGTH = 99
CODE_LENGTH = 32


@bp.post("/api/orders")
def create_order() -> Response:
    """Create an order (a cart) in the token's market."""
    given = resource("orders")
    order = api_orders.create_order(
        grant(),
        email=given.text("customer_email", max_length=EMAIL_LENGTH),
        coupon_code=given.text("coupon_code", max_length=CODE_LENGTH),
        today=today(),
    )
    return document(order_resource(order, today=today()), 201)


@bp.get("/api/orders/<order_id>")
def order(order_id: str) -> Response:
    """Read an order."""
    found = api_orders.find_order(grant(), path_id(order_id))
    return document(order_resource(found, today=today()))


@bp.patch("/api/orders/<order_id>")
def update_order(order_id: str) -> Response:
    """Change an order's details and addresses, or place it with `_place: true`."""
    found = api_orders.find_order(grant(), path_id(order_id))
    given = resource("orders", resource_id=order_id)
    if given.flag("_place"):
        place_api_order(found, today=today())
    else:
        change(found, given)
    return document(order_resource(api_orders.find_order(grant(), order_id), today=today()))


def change(order: ApiOrder, given: Resource) -> None:
    """Apply the attributes and relationships a PATCH sent (a refusal changes nothing)."""
    billing_id = given.related_id("billing_address", "addresses")
    shipping_id = given.related_id("shipping_address", "addresses")
    coupon = given.attributes.get("coupon_code", "")
    api_orders.update_order(
        order,
        today=today(),
        email=given.text("customer_email", max_length=EMAIL_LENGTH),
        coupon_code=given.text("coupon_code", max_length=CODE_LENGTH),
        remove_coupon=coupon is None and "coupon_code" in given.attributes,
        shipping_method=given.text("shipping_method", max_length=CODE_LENGTH),
        billing=find_address(grant(), billing_id) if billing_id else None,
        shipping=find_address(grant(), shipping_id) if shipping_id else None,
    )
