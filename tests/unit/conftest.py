"""Unit-test fixtures: a KlarnaClient whose HTTP is answered by `responses`, never a socket."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import responses

from storefront.klarna.client import KlarnaClient
from tests.support.live_server import LiveServer

MOCK_API_URL = "https://api.playground.klarna.com"
MOCK_USERNAME = "PK12345_abcdef012345"
MOCK_PASSWORD = "shared-secret-do-not-log"


@pytest.fixture
def klarna_http() -> Iterator[responses.RequestsMock]:
    """Canned Klarna answers; the test fails if one it registered was never asked for."""
    with responses.RequestsMock() as mock:
        yield mock


@pytest.fixture
def backoff_sleeps() -> list[float]:
    """The delays the client waited before retries, recorded instead of slept."""
    return []


@pytest.fixture
def klarna_api(klarna_http: responses.RequestsMock, backoff_sleeps: list[float]) -> KlarnaClient:
    """A client for the EU playground URL whose calls `klarna_http` answers."""
    return KlarnaClient(
        MOCK_API_URL, MOCK_USERNAME, MOCK_PASSWORD, timeout=10, sleep=backoff_sleeps.append
    )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A run of unit tests alone fails if it started a live server (integration tests do)."""
    unit_root = Path(__file__).parent
    unit_only = all(unit_root in item.path.parents for item in session.items)
    if unit_only and LiveServer.started and exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(
                f"FAILED: unit tests started {LiveServer.started} live server(s)", red=True
            )
