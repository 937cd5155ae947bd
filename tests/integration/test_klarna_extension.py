"""The Klarna extension: the factory stores one configured client, `get_klarna()` returns it."""

from __future__ import annotations

import pytest
from flask import Flask

from storefront.klarna.client import CONNECT_TIMEOUT_MAX_SECONDS, KlarnaClient
from storefront.klarna_extension import get_klarna


def test_factory_stores_a_client_configured_from_the_klarna_settings(app: Flask) -> None:
    client = app.extensions["klarna"]
    assert isinstance(client, KlarnaClient)
    assert client.base_url == app.config["KLARNA_API_URL"].rstrip("/")
    assert client.http.auth == (app.config["KLARNA_USERNAME"], app.config["KLARNA_PASSWORD"])
    assert client.timeout == (CONNECT_TIMEOUT_MAX_SECONDS, app.config["KLARNA_TIMEOUT_SECONDS"])


def test_get_klarna_returns_the_current_apps_client(app: Flask) -> None:
    with app.app_context():
        assert get_klarna() is app.extensions["klarna"]


def test_get_klarna_outside_an_app_context_fails_loudly() -> None:
    with pytest.raises(RuntimeError, match="application context"):
        get_klarna()
