"""`addresses`: an address in the token's market, to link to orders as billing or shipping."""

from __future__ import annotations

from flask import Response

from storefront.jsonapi.documents import path_id, resource
from storefront.jsonapi.resources import address_resource
from storefront.jsonapi.views import bp, document, grant
from storefront.services.api_addresses import ADDRESS_ATTRIBUTES, create_address, find_address

TEXT_ATTRIBUTES = (*ADDRESS_ATTRIBUTES, "phone", "email")
MAX_LENGTH = 255  # longer than any field may be; the address checks say what each allows


@bp.post("/api/addresses")
def create() -> Response:
    """Create an address (checked by the checkout's rules and Klarna's)."""
    given = resource("addresses")
    values = {name: given.text(name, max_length=MAX_LENGTH) or "" for name in TEXT_ATTRIBUTES}
    return document(address_resource(create_address(grant(), values)), 201)


@bp.get("/api/addresses/<address_id>")
def address(address_id: str) -> Response:
    """Read an address."""
    return document(address_resource(find_address(grant(), path_id(address_id))))
