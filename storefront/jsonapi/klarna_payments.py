"""`klarna_payments`: the order's Klarna session as its payment source; its authorization.

POST creates it (a Klarna session, in step with the order), PATCH `auth_token` records what
Klarna's authorize() gave, PATCH `_update: true` brings the session in step with the order
again (no Klarna call when nothing changed).
"""

from __future__ import annotations

from flask import Response

from storefront.jsonapi.documents import path_id, resource
from storefront.jsonapi.resources import klarna_payment_resource, link
from storefront.jsonapi.views import bp, document, grant, today
from storefront.services import api_klarna_payments as payments
from storefront.services.api_orders import find_order

REFERENCE_LENGTH = 255


@bp.post("/api/klarna_payments")
def create_klarna_payment() -> Response:
    """Create the order's Klarna payment source."""
    given = resource("klarna_payments")
    order_id = given.related_id("order", "orders", required=True)
    assert order_id is not None  # required
    wanted = payments.KlarnaPaymentInput(
        reference=given.text("reference", max_length=REFERENCE_LENGTH) or "",
        reference_origin=given.text("reference_origin", max_length=REFERENCE_LENGTH) or "",
        metadata=given.mapping("metadata"),
    )
    created = payments.create_klarna_payment(find_order(grant(), order_id), wanted, today=today())
    return document(klarna_payment_resource(created), 201)


@bp.get("/api/klarna_payments/<payment_id>")
def klarna_payment(payment_id: str) -> Response:
    """Read a Klarna payment source."""
    return document(
        klarna_payment_resource(payments.find_klarna_payment(grant(), path_id(payment_id)))
    )


@bp.patch("/api/klarna_payments/<payment_id>")
def update_klarna_payment(payment_id: str) -> Response:
    """Record `auth_token`, or refresh the session with `_update: true`."""
    found = payments.find_klarna_payment(grant(), path_id(payment_id))
    given = resource("klarna_payments", resource_id=payment_id)
    if given.flag("_update"):
        payments.refresh_klarna_payment(found, today=today())
    auth_token = given.text("auth_token", max_length=payments.MAX_AUTH_TOKEN_LENGTH)
    if auth_token:
        payments.record_authorization(found, auth_token, today=today())
    return document(klarna_payment_resource(payments.find_klarna_payment(grant(), payment_id)))


@bp.get("/api/payment_gateways/klarna")
def payment_gateway() -> Response:
    """The one payment gateway: Klarna Payments."""
    grant()
    data = {
        "id": "klarna",
        "type": "payment_gateways",
        "links": {"self": link("api.payment_gateway")},
        "attributes": {"name": "Klarna Payments"},
    }
    return document(data)
