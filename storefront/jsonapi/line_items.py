"""`line_items`: add a product (`sku_code`, `quantity`) to an order, change or remove it."""

from __future__ import annotations

from flask import Response

from storefront.api_models import ApiOrder
from storefront.jsonapi.documents import ID_PATTERN, path_id, resource
from storefront.jsonapi.errors import ApiProblem, not_found
from storefront.jsonapi.resources import line_item_resource
from storefront.jsonapi.views import bp, document, grant, today
from storefront.services import api_orders
from storefront.services.api_order_views import order_figures

SKU_LENGTH = 64


@bp.post("/api/line_items")
def create_line_item() -> Response:
    """Add `quantity` of the product `sku_code` to the related order."""
    given = resource("line_items")
    order_id = given.related_id("order", "orders", required=True)
    assert order_id is not None  # required
    sku = given.text("sku_code", max_length=SKU_LENGTH, required=True)
    quantity = given.integer("quantity", required=True)
    assert sku is not None and quantity is not None  # required
    order = api_orders.find_order(grant(), order_id)
    api_orders.add_line_item(order, sku, quantity)
    return answer(order, sku, 201)


@bp.get("/api/line_items/<item_id>")
def line_item(item_id: str) -> Response:
    """Read a line item."""
    order, sku = find_line_item(item_id)
    return answer(order, sku)


@bp.patch("/api/line_items/<item_id>")
def update_line_item(item_id: str) -> Response:
    """Set a line item's quantity."""
    order, sku = find_line_item(item_id)
    quantity = resource("line_items", resource_id=item_id).integer("quantity", required=True)
    assert quantity is not None  # required
    api_orders.change_line_item(order, sku, quantity)
    return answer(order, sku)


@bp.delete("/api/line_items/<item_id>")
def delete_line_item(item_id: str) -> Response:
    """Remove a line item from its order."""
    order, sku = find_line_item(item_id)
    api_orders.remove_line_item(order, sku)
    return Response(status=204)


def find_line_item(item_id: str) -> tuple[ApiOrder, str]:
    """The order and sku a line item id names (404 unless this token sees both)."""
    order_id, _, sku = item_id.partition(".")
    if not ID_PATTERN.fullmatch(sku):
        raise not_found("line_items")
    order = api_orders.find_order(grant(), path_id(order_id))
    return order, api_orders.line_item_sku(order, sku)


def answer(order: ApiOrder, sku: str, status: int = 200) -> Response:
    """The line item as it is now."""
    order = api_orders.find_order(grant(), order.public_id)
    figures = order_figures(order, today=today())
    line = next((line for line in figures.lines if line.sku == sku), None)
    if line is None:  # a product withdrawn from the market: the cart keeps it, unpriced
        raise ApiProblem(404, "NOT_FOUND", "Not found", "That product is not sold any more.")
    return document(line_item_resource(order, line, figures), status)
