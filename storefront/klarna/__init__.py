"""The only code that speaks HTTP to Klarna: client, errors, payload builder, pre-flight checks.

`init_app(app)` stores one configured `KlarnaClient` in `app.extensions["klarna"]`; services
reach it through `get_klarna()`. Everything else in this package is free of Flask.
"""

from __future__ import annotations

from flask import Flask, current_app

from storefront.klarna.client import KlarnaClient


def init_app(app: Flask) -> None:
    """Build the app's Klarna client from its KLARNA_* settings."""
    app.extensions["klarna"] = KlarnaClient(
        app.config["KLARNA_API_URL"],
        app.config["KLARNA_USERNAME"],
        app.config["KLARNA_PASSWORD"],
        timeout=app.config["KLARNA_TIMEOUT_SECONDS"],
    )


def get_klarna() -> KlarnaClient:
    """The current app's Klarna client (call inside an app or request context)."""
    return current_app.extensions["klarna"]
