"""Klarna's REST APIs (Payments, Order Management, Customer Token) plus browser-facing routes."""

from __future__ import annotations

from flask import Flask

from klarna_emulator.api import assets, customer_token, ordermanagement, payments, redirect

# The blueprints whose endpoints are Klarna API operations (faults can target these).
KLARNA_APIS = (payments.bp, ordermanagement.bp, customer_token.bp)


def register_api(app: Flask) -> None:
    """Register Klarna's APIs and the redirect and asset routes."""
    for blueprint in (*KLARNA_APIS, redirect.bp, assets.bp):
        app.register_blueprint(blueprint)


def operations(app: Flask) -> list[str]:
    """Every Klarna API operation by name (`create_session`, `create_capture`, ...)."""
    prefixes = tuple(f"{blueprint.name}." for blueprint in KLARNA_APIS)
    return sorted(
        endpoint.split(".", 1)[1]
        for endpoint in app.view_functions
        if endpoint.startswith(prefixes)
    )
