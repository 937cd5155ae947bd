"""The JSON:API door (Commerce Layer's shape) to the shop's Klarna checkout, at /api.

Blueprint `api`: `/oauth/token` hands out access tokens, `/api/...` serves orders, line items,
addresses and klarna_payments on the shop's own services. CSRF protection is off for it on
purpose: a request is authorized by the bearer token it carries in its Authorization header,
never by a cookie, so a page on another site cannot make a browser send one with the
browser's credentials (the attack CSRF tokens stop).
"""

from __future__ import annotations

from flask import Flask

from storefront.extensions import csrf
from storefront.jsonapi import (  # noqa: F401 - each module adds its routes to `bp`
    addresses,
    klarna_payments,
    line_items,
    orders,
    token,
)
from storefront.jsonapi.views import bp


def init_app(app: Flask) -> None:
    """Register the door, exempt from CSRF protection (bearer tokens, no cookies)."""
    csrf.exempt(bp)
    app.register_blueprint(bp)
