"""JSON:API resource objects of the door's four types, with links to themselves."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, url_for

from storefront.api_models import ApiAddress, ApiKlarnaPayment, ApiOrder
from storefront.clock import as_utc
from storefront.klarna.errors import KLARNA_API_HOST
from storefront.services.api_order_views import LineFigures, OrderFigures, order_figures
from storefront.services.api_placement import api_status

Document = dict[str, Any]


def link(endpoint: str, **values: Any) -> str:
    """An absolute link to one of the door's URLs."""
    return url_for(endpoint, _external=True, **values)


def timestamp(value: datetime | None) -> str | None:
    """An ISO 8601 UTC timestamp, as Commerce Layer writes them."""
    return as_utc(value).isoformat().replace("+00:00", "Z") if value is not None else None


def to_one(kind: str, resource_id: str | None) -> dict[str, Any]:
    """A to-one relationship's linkage."""
    return {"data": {"type": kind, "id": resource_id} if resource_id else None}


def line_item_id(order: ApiOrder, sku: str) -> str:
    """A line item's id: its order's id and its sku code."""
    return f"{order.public_id}.{sku}"


def order_resource(order: ApiOrder, *, today: date) -> Document:
    """An `orders` resource object."""
    figures = order_figures(order, today=today)
    status, payment_status = api_status(order)
    source = order.payment_source
    placed = order.payment.order
    return {
        "id": order.public_id,
        "type": "orders",
        "links": {"self": link("api.order", order_id=order.public_id)},
        "attributes": {
            "number": order.payment.order_number,
            "status": status,
            "payment_status": payment_status,
            "market_code": order.market,
            "currency_code": figures.market.currency,
            "customer_email": figures.email or None,
            "coupon_code": figures.coupon_code,
            "shipping_method": figures.shipping_method,
            "available_shipping_methods": [
                {"code": code, "name": name, "price_amount_cents": fee}
                for code, name, fee in figures.shipping_methods
            ],
            "skus_count": sum(line.quantity for line in figures.lines),
            **amounts(figures),
            "placed_at": timestamp(placed.created_at) if placed is not None else None,
            "created_at": timestamp(order.created_at),
            "updated_at": timestamp(order.updated_at),
        },
        "relationships": {
            "billing_address": to_one("addresses", public_id(order.billing_address)),
            "shipping_address": to_one("addresses", public_id(order.shipping_address)),
            "line_items": {
                "data": [
                    {"type": "line_items", "id": line_item_id(order, line.sku)}
                    for line in figures.lines
                ]
            },
            "payment_source": to_one("klarna_payments", public_id(source)),
        },
    }


def public_id(row: ApiAddress | ApiKlarnaPayment | None) -> str | None:
    """A related row's public id, if there is one."""
    return row.public_id if row is not None else None


def amounts(figures: OrderFigures) -> dict[str, Any]:
    """The order's amounts in cents (minor units), and its total formatted."""
    return {
        "subtotal_amount_cents": figures.subtotal_amount,
        "discount_amount_cents": figures.discount_amount,
        "shipping_amount_cents": figures.shipping_amount,
        "total_tax_amount_cents": figures.tax_amount,
        "total_amount_cents": figures.total_amount,
        "formatted_total_amount": figures.market.format_amount(figures.total_amount),
    }


def line_item_resource(
    order: ApiOrder, line: LineFigures, market_figures: OrderFigures
) -> Document:
    """A `line_items` resource object."""
    item_id = line_item_id(order, line.sku)
    return {
        "id": item_id,
        "type": "line_items",
        "links": {"self": link("api.line_item", item_id=item_id)},
        "attributes": {
            "sku_code": line.sku,
            "name": line.name,
            "quantity": line.quantity,
            "unit_amount_cents": line.unit_amount,
            "discount_cents": line.discount_amount,
            "total_amount_cents": line.total_amount,
            "formatted_total_amount": market_figures.market.format_amount(line.total_amount),
        },
        "relationships": {"order": to_one("orders", order.public_id)},
    }


def address_resource(address: ApiAddress) -> Document:
    """An `addresses` resource object."""
    names = ("first_name", "last_name", "line_1", "line_2", "city", "zip_code", "state_code")
    return {
        "id": address.public_id,
        "type": "addresses",
        "links": {"self": link("api.address", address_id=address.public_id)},
        "attributes": {
            **{name: getattr(address, name) for name in names},
            "country_code": address.country_code,
            "phone": address.phone,
            "email": address.email or None,
            "created_at": timestamp(address.created_at),
        },
    }


def klarna_payment_resource(payment: ApiKlarnaPayment) -> Document:
    """A `klarna_payments` resource object, with Klarna's session as the order holds it now."""
    shop_payment = payment.order.payment
    current = payment.klarna_session_id == shop_payment.klarna_session_id
    self_link = link("api.klarna_payment", payment_id=payment.public_id)
    return {
        "id": payment.public_id,
        "type": "klarna_payments",
        "links": {"self": self_link},
        "attributes": {
            "session_id": payment.klarna_session_id,
            "client_token": shop_payment.client_token if current else None,
            "payment_methods": shop_payment.payment_method_categories if current else [],
            "auth_token": payment.auth_token,
            "reference": payment.reference,
            "reference_origin": payment.reference_origin,
            "metadata": payment.metadata_json,
            "created_at": timestamp(payment.created_at),
            "updated_at": timestamp(payment.updated_at),
        },
        "relationships": {
            "order": {
                **to_one("orders", payment.order.public_id),
                "links": {"related": link("api.order", order_id=payment.order.public_id)},
            },
            "payment_gateway": {
                **to_one("payment_gateways", "klarna"),
                "links": {"related": link("api.payment_gateway")},
            },
        },
        "meta": {"mode": mode()},
    }


def mode() -> str:
    """`test` against Klarna's playground or the emulator, `live` against production."""
    host = urlsplit(current_app.config.get("KLARNA_API_URL") or "").hostname or ""
    match = KLARNA_API_HOST.fullmatch(host)
    return "live" if match is not None and not match["playground"] else "test"
