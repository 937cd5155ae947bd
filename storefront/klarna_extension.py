"""The Flask side of the Klarna core: build the configured clients, hand out the right one.

`init_app(app)` stores a `KlarnaClient` per configured account in `app.extensions`; services
reach the one for a purchase country through `get_klarna(country)`. `storefront/klarna/`
itself knows nothing of Flask, so it can be copied into another app on its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, current_app

from storefront.klarna.client import KlarnaClient
from storefront.klarna.playground_shoppers import playground_shoppers
from storefront.klarna.regions import REGIONS, region_for


def init_app(app: Flask) -> None:
    """Build the default client from KLARNA_*, and one per region configured KLARNA_<REGION>_*;
    give templates Klarna's playground shoppers (the payment page's KLARNA_TEST_DATA box)."""
    app.jinja_env.globals["klarna_playground_shoppers"] = playground_shoppers
    app.extensions["klarna"] = client_from(app.config, "KLARNA_")
    app.extensions["klarna_regions"] = {
        region: client_from(app.config, f"KLARNA_{region}_")
        for region in REGIONS
        if app.config.get(f"KLARNA_{region}_API_URL")
    }


def client_from(config: Mapping[str, Any], prefix: str) -> KlarnaClient:
    """A client for the API URL and credentials under one settings prefix."""
    return KlarnaClient(
        config[f"{prefix}API_URL"],
        config[f"{prefix}USERNAME"],
        config[f"{prefix}PASSWORD"],
        timeout=config["KLARNA_TIMEOUT_SECONDS"],
    )


def get_klarna(country: str | None = None) -> KlarnaClient:
    """The client for a purchase country's Klarna region, else the default one.

    Call inside an app or request context.
    """
    if country is not None:
        regional = current_app.extensions["klarna_regions"].get(region_for(country))
        if regional is not None:
            return regional
    return current_app.extensions["klarna"]
