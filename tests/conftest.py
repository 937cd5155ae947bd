"""Fixtures for every suite: offline guard, database, storefront app and client, emulator.

Loading it also loads the Hypothesis profile HYPOTHESIS_PROFILE names (default `dev`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from klarna_emulator import create_app as create_emulator
from storefront import SHOP_NAME, create_app
from storefront.config import EMULATOR_PASSWORD, EMULATOR_USERNAME
from storefront.extensions import db
from storefront.klarna.sdk import SDK_PATH
from tests.support.client import ShopClient
from tests.support.databases import empty_all_tables, temporary_database
from tests.support.hypothesis_profiles import load_profile
from tests.support.live_server import LiveServer
from tests.support.network_guard import loopback_only
from tests.support.translations import compile_catalogs

HYPOTHESIS_PROFILE = load_profile()
compile_catalogs()


@pytest.fixture(autouse=True)
def no_network() -> Iterator[None]:
    """Fail the test if anything in it connects to a host other than this machine."""
    violations: list[str] = []
    with loopback_only(violations):
        yield
    assert not violations, f"test opened non-loopback connections to {violations}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One database for the run: SQLite, or PostgreSQL when TEST_DATABASE_URL is set."""
    server = os.environ.get("TEST_DATABASE_URL")
    with temporary_database(server, tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest.fixture(scope="session")
def emulator_server() -> Iterator[LiveServer]:
    """The Klarna emulator, served from a thread for the whole run."""
    emulator = create_emulator(
        {
            "USERNAME": EMULATOR_USERNAME,
            "PASSWORD": EMULATOR_PASSWORD,
            "MERCHANT_NAME": SHOP_NAME,
            # As app.py does: tests reach the control plane with the token (support helpers).
            "CONTROL_TOKEN": "test-control-token",
        }
    )
    server = LiveServer(emulator).start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def fresh_emulator(request: pytest.FixtureRequest) -> None:
    """Every test that uses the live emulator starts with it empty (a direct call: same process).

    Only those tests start it: a unit test, which asks for no live server, gets none.
    """
    if "emulator_server" in request.fixturenames:
        emulator_server: LiveServer = request.getfixturevalue("emulator_server")
        emulator_server.app.extensions["klarna_emulator"].reset()


def storefront_config(database_url: str, emulator_url: str) -> dict[str, Any]:
    """The storefront's test configuration, pointed at the given database and emulator."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "DATABASE_URL": database_url,
        "KLARNA_API_URL": f"{emulator_url}/",
        "KLARNA_USERNAME": EMULATOR_USERNAME,
        "KLARNA_PASSWORD": EMULATOR_PASSWORD,
        "KLARNA_SDK_URL": f"{emulator_url}{SDK_PATH}",
        "SESSION_COOKIE_SECURE": False,
    }


@pytest.fixture
def app(database_url: str, emulator_server: LiveServer) -> Iterator[Flask]:
    """A storefront app on an empty schema; every table is emptied after the test."""
    application = create_app(storefront_config(database_url, emulator_server.url))
    application.test_client_class = ShopClient
    with application.app_context():
        db.create_all()
    yield application
    with application.app_context():
        db.session.remove()
        empty_all_tables()
        db.engine.dispose()


@pytest.fixture
def make_app(app: Flask, emulator_server: LiveServer) -> Iterator[Callable[..., Flask]]:
    """Build more storefront apps on the test's database: other workers, or other settings."""
    built: list[Flask] = []

    def build(**settings: Any) -> Flask:
        config = storefront_config(app.config["DATABASE_URL"], emulator_server.url) | settings
        another = create_app(config)
        another.test_client_class = ShopClient
        built.append(another)
        return another

    yield build
    for another in built:
        with another.app_context():
            db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> ShopClient:
    """A test client that keeps CSRF on (see tests/support/client.py)."""
    return app.test_client()  # type: ignore[return-value]


@pytest.fixture
def seeded(app: Flask) -> Flask:
    """The app with the demo catalog seeded."""
    from storefront.seed import seed_demo_data

    with app.app_context():
        seed_demo_data()
    return app


def pytest_report_header(config: pytest.Config) -> list[str]:
    """Say which database and Hypothesis profile this run uses, so CI output shows both."""
    server = os.environ.get("TEST_DATABASE_URL")
    return [
        f"database: {'PostgreSQL at ' + server if server else 'SQLite (file per run)'}",
        f"hypothesis profile: {HYPOTHESIS_PROFILE} (set HYPOTHESIS_PROFILE=ci or dev)",
    ]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark everything under tests/e2e as e2e, so `-m "not e2e"` can leave the browser out."""
    e2e_root = Path(__file__).parent / "e2e"
    for item in items:
        if e2e_root in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


# Browser tests skipped in this run (a skipped e2e test fails the run; see below).
skipped_e2e_tests: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Remember every browser test that was skipped."""
    if report.skipped and "e2e" in report.keywords:
        skipped_e2e_tests.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A run that skipped browser tests fails: no browser is not a pass (project decision)."""
    if skipped_e2e_tests and exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(f"FAILED: {len(skipped_e2e_tests)} e2e test(s) skipped", red=True)
