"""Fixtures for the emulator's API tests: a private emulator app per test and its client."""

from __future__ import annotations

import pytest
from flask import Flask

from klarna_emulator.emulator import Emulator
from tests.support.emulator_client import KlarnaApiClient
from tests.support.emulator_flows import emulator_app as build_emulator_app
from tests.support.emulator_flows import emulator_of


@pytest.fixture
def emulator_app() -> Flask:
    """A fresh emulator app (frozen clock, instant callbacks)."""
    return build_emulator_app()


@pytest.fixture
def api(emulator_app: Flask) -> KlarnaApiClient:
    """The emulator's test client: merchant credentials, every response checked against OpenAPI."""
    return emulator_app.test_client()  # type: ignore[return-value]


@pytest.fixture
def emulator(emulator_app: Flask) -> Emulator:
    """The emulator behind `api`, for looking at its state directly."""
    return emulator_of(emulator_app)
