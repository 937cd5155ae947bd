"""E2E fixtures: live storefront on the run's database, Chromium, and an offline browser."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, Playwright, Route

from storefront import create_app
from storefront.extensions import db
from storefront.seed import seed_demo_data
from tests.conftest import storefront_config
from tests.support.chromium import CHROMIUM_ARGS, system_chromium
from tests.support.databases import empty_all_tables
from tests.support.live_server import LiveServer


@pytest.fixture(scope="session")
def storefront_server(database_url: str, emulator_server: LiveServer) -> Iterator[LiveServer]:
    """The storefront, served from a thread for the whole run, on the run's database."""
    app = create_app(storefront_config(database_url, emulator_server.url))
    with app.app_context():
        db.create_all()
    server = LiveServer(app).start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def fresh_shop(storefront_server: LiveServer) -> Iterator[None]:
    """Each browser test starts from the seeded demo catalog and nothing else."""
    with storefront_server.app.app_context():
        empty_all_tables()
        seed_demo_data()
    yield


@pytest.fixture(scope="session")
def base_url(storefront_server: LiveServer) -> str:
    """Relative `page.goto("/")` goes to the live storefront."""
    return storefront_server.url


@pytest.fixture(scope="session")
def browser_type_launch_args(
    browser_type_launch_args: dict[str, Any], playwright: Playwright
) -> dict[str, Any]:
    """Launch Playwright's Chromium if downloaded, else the system's, with quiet flags."""
    args = {**browser_type_launch_args, "args": CHROMIUM_ARGS}
    if not Path(playwright.chromium.executable_path).exists():
        path = system_chromium()
        if path is None:
            pytest.fail("No Chromium: run `python tests/support/chromium.py` (e2e is not optional)")
        args["executable_path"] = path
    return args


# Any http(s)/ws(s) URL whose host is not 127.0.0.1, localhost or [::1].
NON_LOOPBACK_URL = re.compile(
    r"^(?!(?:https?|wss?)://(?:127\.\d+\.\d+\.\d+|localhost|\[::1\])(?::\d+)?(?:[/?#]|$))"
    r"(?:https?|wss?)://"
)


@pytest.fixture
def blocked_requests(context: BrowserContext) -> list[str]:
    """Abort every browser request to a host other than this machine, and list them.

    The regex is matched inside Playwright's driver, so loopback requests never wait for this
    Python thread (which is busy whenever a test waits in Python rather than in Playwright).
    """
    blocked: list[str] = []

    def guard(route: Route) -> None:
        blocked.append(route.request.url)
        route.abort()

    context.route(NON_LOOPBACK_URL, guard)
    return blocked


@pytest.fixture
def console_errors(page: Page) -> list[str]:
    """Console errors and uncaught page errors seen during the test."""
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


@pytest.fixture(autouse=True)
def offline_browser(blocked_requests: list[str]) -> Iterator[None]:
    """Fail the test if the page tried to reach the internet (e.g. Klarna's real CDN)."""
    yield
    assert not blocked_requests, f"the browser tried to leave this machine: {blocked_requests}"


# Keep failing runs debuggable: pytest-playwright writes traces on failure under test-results/.
def pytest_configure(config: pytest.Config) -> None:
    """Default to keeping a Playwright trace for failed browser tests."""
    if config.getoption("--tracing", default=None) == "off":
        config.option.tracing = "retain-on-failure"
