"""Per-region Klarna accounts: a purchase goes to its country's region, else the default."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from klarna_emulator import create_app as create_emulator
from storefront import create_app
from storefront.extensions import db
from storefront.seed import seed_demo_data
from tests.conftest import storefront_config
from tests.support.client import ShopClient
from tests.support.databases import empty_all_tables
from tests.support.live_server import LiveServer
from tests.support.payment_flow import emulator_of, klarna_operations, open_payment_page

NA_USERNAME, NA_PASSWORD = "PK_NA_emulator", "north-america-secret"


@pytest.fixture
def na_emulator() -> Iterator[LiveServer]:
    """A second emulator standing in for Klarna's North America region, with its own account."""
    server = LiveServer(create_emulator({"USERNAME": NA_USERNAME, "PASSWORD": NA_PASSWORD}))
    yield server.start()
    server.stop()


@pytest.fixture
def two_region_app(
    database_url: str, emulator_server: LiveServer, na_emulator: LiveServer
) -> Iterator[Flask]:
    """The shop with its default account on one emulator and an NA account on another."""
    config = storefront_config(database_url, emulator_server.url)
    config.update(
        KLARNA_NA_API_URL=f"{na_emulator.url}/",
        KLARNA_NA_USERNAME=NA_USERNAME,
        KLARNA_NA_PASSWORD=NA_PASSWORD,
    )
    app = create_app(config)
    app.test_client_class = ShopClient
    with app.app_context():
        db.create_all()
        seed_demo_data()
    yield app
    with app.app_context():
        db.session.remove()
        empty_all_tables()
        db.engine.dispose()


def test_us_purchase_uses_the_na_account_and_gb_the_default(
    two_region_app: Flask, emulator_server: LiveServer, na_emulator: LiveServer
) -> None:
    open_payment_page(two_region_app.test_client(), "US")  # type: ignore[arg-type]
    open_payment_page(two_region_app.test_client(), "GB")  # type: ignore[arg-type]
    assert klarna_operations(na_emulator) == ["create_session"]
    assert klarna_operations(emulator_server) == ["create_session"]
    na_sessions = emulator_of(na_emulator).store.snapshot()["sessions"]
    default_sessions = emulator_of(emulator_server).store.snapshot()["sessions"]
    assert [session["data"]["purchase_country"] for session in na_sessions] == ["US"]
    assert [session["data"]["purchase_country"] for session in default_sessions] == ["GB"]
