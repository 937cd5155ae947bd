"""Browser tests of the emulator's JS SDK alone, on a minimal merchant page the tests serve."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page

from klarna_emulator.emulator import Emulator
from storefront.config import EMULATOR_PASSWORD, EMULATOR_USERNAME
from tests.e2e.emulator.sdk_page import SdkPage
from tests.support.emulator_merchant import EmulatorMerchant
from tests.support.live_server import LiveServer
from tests.support.sdk_test_page import other_origin_app, sdk_test_page_app


@pytest.fixture
def fresh_shop() -> None:
    """No storefront here: these tests drive the emulator from their own page."""


@pytest.fixture(scope="session")
def other_origin_server() -> Iterator[LiveServer]:
    """A second site, of another origin than the test page and the emulator."""
    server = LiveServer(other_origin_app()).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def sdk_page_server(
    emulator_server: LiveServer, other_origin_server: LiveServer
) -> Iterator[LiveServer]:
    """The test merchant page, loading the SDK from the emulator."""
    app = sdk_test_page_app(emulator_server.url, other_origin_server.url)
    server = LiveServer(app).start()
    yield server
    server.stop()


@pytest.fixture
def emulator(emulator_server: LiveServer) -> Emulator:
    """The live emulator's state, for checking what the browser did."""
    emulator: Emulator = emulator_server.app.extensions["klarna_emulator"]
    return emulator


@pytest.fixture
def merchant(emulator_server: LiveServer) -> EmulatorMerchant:
    """The merchant's server side: sessions over the emulator's REST API."""
    return EmulatorMerchant(emulator_server.url, EMULATOR_USERNAME, EMULATOR_PASSWORD)


@pytest.fixture
def authorization_callbacks(sdk_page_server: LiveServer) -> list[dict[str, Any]]:
    """The authorization callbacks the test merchant receives during this test."""
    received: list[dict[str, Any]] = sdk_page_server.app.extensions["authorization_callbacks"]
    received.clear()
    return received


@pytest.fixture
def sdk(page: Page, sdk_page_server: LiveServer) -> SdkPage:
    """The test merchant page, open, with the SDK loaded."""
    return SdkPage(page).open(sdk_page_server.url)
