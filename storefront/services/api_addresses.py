"""API addresses: created by a client in its market, checked by the checkout's own rules."""

from __future__ import annotations

import secrets

import sqlalchemy as sa

from storefront import addresses
from storefront.addresses import PostalAddress
from storefront.api_models import ApiAddress
from storefront.extensions import db
from storefront.klarna import address_rules
from storefront.markets import MARKETS
from storefront.services.api_clients import Grant, ResourceNotFound
from storefront.services.errors import InvalidDetails

# The API's address fields and the shop's: JSON:API attribute -> PostalAddress field.
ADDRESS_ATTRIBUTES = {
    "first_name": "given_name",
    "last_name": "family_name",
    "line_1": "street_address",
    "line_2": "street_address2",
    "zip_code": "postal_code",
    "city": "city",
    "state_code": "region",
    "country_code": "country",
}


def postal_address(address: ApiAddress) -> PostalAddress:
    """A stored API address as the checkout's postal address."""
    return PostalAddress(
        **{shop: getattr(address, api) for api, shop in ADDRESS_ATTRIBUTES.items()}
    )


def create_address(grant: Grant, given: dict[str, str]) -> ApiAddress:
    """Store an address after the checkout's checks; InvalidDetails keyed by attribute."""
    country = given.get("country_code", "").strip().upper()
    values = {name: addresses.normalize_text(given.get(name, "")) for name in ADDRESS_ATTRIBUTES}
    values["country_code"] = country
    values["zip_code"] = addresses.normalize_postal_code(values["zip_code"], country)
    values["state_code"] = values["state_code"].upper() if country == "US" else ""
    phone = addresses.normalize_text(given.get("phone", ""))
    email = given.get("email", "").strip()
    shop_address = PostalAddress(**{ADDRESS_ATTRIBUTES[name]: v for name, v in values.items()})
    by_shop_field = {shop: api for api, shop in ADDRESS_ATTRIBUTES.items()}
    problems = {
        by_shop_field[field]: problem
        for field, problem in addresses.address_problems(shop_address).items()
    }
    if country != MARKETS[grant.market].country:
        problems["country_code"] = f"Use {MARKETS[grant.market].country}, this token's market."
    if phone_problem := address_rules.phone_problem(phone):
        problems["phone"] = phone_problem
    if email and (email_problem := address_rules.email_problem(email)):
        problems["email"] = email_problem
    if problems:
        raise InvalidDetails(problems)
    address = ApiAddress(
        public_id=secrets.token_urlsafe(24),
        api_client_id=grant.client_pk,
        market=grant.market,
        phone=phone,
        email=email,
        **values,
    )
    db.session.add(address)
    db.session.commit()
    return address


def find_address(grant: Grant, public_id: str) -> ApiAddress:
    """The client's address in the token's market, or ResourceNotFound."""
    address = db.session.scalars(
        sa.select(ApiAddress).where(
            ApiAddress.public_id == public_id,
            ApiAddress.api_client_id == grant.client_pk,
            ApiAddress.market == grant.market,
        )
    ).one_or_none()
    if address is None:
        raise ResourceNotFound(public_id)
    return address
