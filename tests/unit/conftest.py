"""Unit-test fixtures: a KlarnaClient whose HTTP is answered by `responses`, never a socket."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import responses

from storefront.klarna.client import KlarnaClient

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
