"""Settings are checked when the app is built; the clock only moves forward."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from klarna_emulator import create_app
from klarna_emulator.clock import Clock, iso_millis, iso_seconds
from klarna_emulator.config import Settings, SettingsError, allowed_hosts_for


@pytest.mark.parametrize(
    ("config", "named"),
    [
        ({"CATEGORY_MODE": "many"}, "CATEGORY_MODE"),
        ({"CALLBACK_RETRIES": 2.5}, "CALLBACK_RETRIES"),
        ({"CALLBACK_RETRIES": -1}, "CALLBACK_RETRIES"),
        ({"CONTROL_PLANE_ENABLED": "yes"}, "CONTROL_PLANE_ENABLED"),
        ({"SESSION_LIFETIME_SECONDS": True}, "SESSION_LIFETIME_SECONDS"),
        ({"PAY_OVER_TIME_MINIMUM_MINOR": {"GBP": 49.5}}, "PAY_OVER_TIME_MINIMUM_MINOR"),
        ({"USERNAME": None}, "USERNAME"),
        ({"CONTROL_TOKEN": ""}, "CONTROL_TOKEN"),
        ({"CONTROL_TOKEN": 1234}, "CONTROL_TOKEN"),
        ({"ALLOWED_HOSTS": "localhost"}, "ALLOWED_HOSTS"),
        ({"ALLOWED_HOSTS": []}, "ALLOWED_HOSTS"),
        ({"ALLOWED_HOSTS": ["localhost", ""]}, "ALLOWED_HOSTS"),
    ],
)
def test_a_bad_setting_stops_the_app_naming_it(config: dict[str, Any], named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        create_app(config)


def test_defaults_are_valid() -> None:
    settings = Settings.from_config({})

    assert (settings.category_mode, settings.session_lifetime_seconds) == ("split", 48 * 3600)


def test_allowed_hosts_are_written_as_a_host_header_writes_them() -> None:
    settings = Settings.from_config({"ALLOWED_HOSTS": ["Emulator.Test", "::1", "[fe80::1]"]})

    assert settings.allowed_hosts == {"emulator.test", "[::1]", "[fe80::1]"}


@pytest.mark.parametrize(
    ("bound_to", "added"),
    [
        ("127.0.0.1", ()),
        ("::1", ()),
        ("0.0.0.0", ()),  # noqa: S104 - a wildcard adds no name
        ("::", ()),
        ("192.168.1.5", ("192.168.1.5",)),
        ("fd00::5", ("[fd00::5]",)),
        ("Devbox.Local", ("devbox.local",)),
    ],
)
def test_the_address_bound_to_is_allowed_besides_loopback(
    bound_to: str, added: tuple[str, ...]
) -> None:
    assert allowed_hosts_for(bound_to) == ("127.0.0.1", "localhost", "[::1]", *added)


def test_clock_advances_and_resets() -> None:
    start = datetime(2025, 1, 1, tzinfo=UTC)
    clock = Clock(frozen_at=start)

    clock.advance(90)
    advanced = clock.now()
    clock.reset()

    assert advanced == start + timedelta(seconds=90)
    assert clock.now() == start
    with pytest.raises(ValueError, match="forward"):
        clock.advance(-1)


def test_timestamps_have_klarnas_shapes() -> None:
    moment = datetime(2038, 1, 19, 3, 14, 7, 123456, tzinfo=UTC)

    assert (iso_millis(moment), iso_seconds(moment)) == (
        "2038-01-19T03:14:07.123Z",
        "2038-01-19T03:14:07Z",
    )
