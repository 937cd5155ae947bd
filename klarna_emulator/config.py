"""Emulator settings: every key, its documented default, and one validated `Settings` object."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

HOUR = 3600
DAY = 24 * HOUR

# Minimum order amounts (minor units) above which `pay_over_time` is offered in the "split"
# category mode: roughly 50 EUR in each market's currency, so a demo cart of one hoodie
# (or two tees) crosses it and a cart edit visibly changes what the widget offers.
PAY_OVER_TIME_MINIMUM_MINOR = {
    "AUD": 8000,
    "CAD": 7000,
    "CHF": 5000,
    "CZK": 120000,
    "DKK": 40000,
    "EUR": 5000,
    "GBP": 5000,
    "HUF": 2000000,
    "MXN": 100000,
    "NOK": 50000,
    "NZD": 8000,
    "PLN": 20000,
    "RON": 25000,
    "SEK": 50000,
    "USD": 5000,
}

# The names this machine answers to on loopback, as they appear in a `Host` header.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")
WILDCARD_ADDRESSES = ("0.0.0.0", "::", "")  # noqa: S104 - names, not a bind


def host_entry(name: str) -> str:
    """A host name or address as a `Host` header writes it: lower case, IPv6 in brackets."""
    name = name.lower()
    return f"[{name}]" if ":" in name and not name.startswith("[") else name


def allowed_hosts_for(bound_to: str) -> tuple[str, ...]:
    """ALLOWED_HOSTS for an emulator listening on `bound_to`: loopback names plus that address
    (a wildcard address adds nothing: which names reach it is for the caller to add)."""
    if bound_to in WILDCARD_ADDRESSES or host_entry(bound_to) in LOOPBACK_HOSTS:
        return LOOPBACK_HOSTS
    return (*LOOPBACK_HOSTS, host_entry(bound_to))


DEFAULTS: dict[str, Any] = {
    # Playground-shaped demo credentials; the storefront's offline defaults use the same pair.
    "USERNAME": "PK00000_emulator",
    "PASSWORD": "emulator-shared-secret",
    # Shown by the widget and carried in the client token, as Klarna's playground token does.
    "MERCHANT_NAME": "Emulator Demo Merchant",
    # The /_emulator/ control plane (reset, clock, faults, state). Off for a shared deployment.
    "CONTROL_PLANE_ENABLED": True,
    # When set, every control-plane request must carry it in the X-Emulator-Token header.
    "CONTROL_TOKEN": None,
    # Host names (any port) the emulator answers to; others get 421, so a DNS-rebinding page
    # (a hostile name resolving to 127.0.0.1) cannot read it. Add the names it is reached by.
    "ALLOWED_HOSTS": LOOPBACK_HOSTS,
    # "split": pay_now / pay_later / pay_over_time, as older accounts get;
    # "klarna": the single "Pay with Klarna" category current accounts get.
    "CATEGORY_MODE": "split",
    "PAY_OVER_TIME_MINIMUM_MINOR": PAY_OVER_TIME_MINIMUM_MINOR,
    # Klarna: a session is valid 48 hours after its last update; a token 60 minutes.
    "SESSION_LIFETIME_SECONDS": 48 * HOUR,
    "AUTHORIZATION_TOKEN_LIFETIME_SECONDS": HOUR,
    # Order Management: 28 days to capture, extendable up to 180 days after creation.
    "ORDER_AUTHORIZATION_DAYS": 28,
    "ORDER_AUTHORIZATION_MAX_DAYS": 180,
    "IDEMPOTENCY_KEY_LIFETIME_SECONDS": DAY,
    # The authorization callback goes out this long after an approval (real seconds), so the
    # browser usually places the order first and the callback is the fallback; 0 races them.
    "AUTHORIZATION_CALLBACK_DELAY_SECONDS": 1.0,
    # Outbound callbacks: extra attempts after a failure, first backoff (doubling), timeout.
    "CALLBACK_RETRIES": 3,
    "CALLBACK_BACKOFF_SECONDS": 1.0,
    "CALLBACK_TIMEOUT_SECONDS": 5.0,
    # Offline by design: callbacks only go to this machine unless this is switched off.
    "CALLBACKS_LOOPBACK_ONLY": True,
    # How many API calls GET /_emulator/requests remembers.
    "REQUEST_LOG_SIZE": 10000,
}

CATEGORY_MODES = ("split", "klarna")


class SettingsError(ValueError):
    """A setting is missing or has the wrong type; the message names it."""


def _require(config: Mapping[str, Any], key: str, kind: type | tuple[type, ...]) -> Any:
    value = config.get(key, DEFAULTS[key])
    if isinstance(value, bool) and kind is not bool:
        raise SettingsError(f"{key}: expected {kind}, got a boolean")
    if not isinstance(value, kind):
        raise SettingsError(f"{key}: expected {kind}, got {value!r}")
    return value


def _non_negative(config: Mapping[str, Any], key: str) -> float:
    value = float(_require(config, key, (int, float)))
    if value < 0:
        raise SettingsError(f"{key}: expected a number >= 0, got {value!r}")
    return value


def _count(config: Mapping[str, Any], key: str) -> int:
    value: int = _require(config, key, int)
    if value < 0:
        raise SettingsError(f"{key}: expected a whole number >= 0, got {value!r}")
    return value


@dataclass(frozen=True)
class Settings:
    """The emulator's configuration, parsed and checked once when the app is built."""

    username: str
    password: str
    merchant_name: str
    control_plane_enabled: bool
    control_token: str | None
    allowed_hosts: frozenset[str]
    category_mode: str
    pay_over_time_minimum_minor: Mapping[str, int]
    session_lifetime_seconds: float
    authorization_token_lifetime_seconds: float
    order_authorization_days: int
    order_authorization_max_days: int
    idempotency_key_lifetime_seconds: float
    authorization_callback_delay_seconds: float
    callback_retries: int
    callback_backoff_seconds: float
    callback_timeout_seconds: float
    callbacks_loopback_only: bool
    request_log_size: int

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Settings:
        """Build settings from a Flask config (or any mapping); raise SettingsError if bad."""
        mode = _require(config, "CATEGORY_MODE", str)
        if mode not in CATEGORY_MODES:
            raise SettingsError(f"CATEGORY_MODE: expected one of {CATEGORY_MODES}, got {mode!r}")
        minimums = _require(config, "PAY_OVER_TIME_MINIMUM_MINOR", Mapping)
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in minimums.values()):
            raise SettingsError("PAY_OVER_TIME_MINIMUM_MINOR: expected integer minor units")
        token = _require(config, "CONTROL_TOKEN", (str, type(None)))
        if token == "":
            raise SettingsError("CONTROL_TOKEN: expected a non-empty string or None")
        hosts = _require(config, "ALLOWED_HOSTS", (list, tuple))
        if not hosts or not all(isinstance(host, str) and host for host in hosts):
            raise SettingsError("ALLOWED_HOSTS: expected a non-empty list of host names")
        return cls(
            username=_require(config, "USERNAME", str),
            password=_require(config, "PASSWORD", str),
            merchant_name=_require(config, "MERCHANT_NAME", str),
            control_plane_enabled=_require(config, "CONTROL_PLANE_ENABLED", bool),
            control_token=token,
            allowed_hosts=frozenset(host_entry(host) for host in hosts),
            category_mode=mode,
            pay_over_time_minimum_minor={k.upper(): v for k, v in minimums.items()},
            session_lifetime_seconds=_non_negative(config, "SESSION_LIFETIME_SECONDS"),
            authorization_token_lifetime_seconds=_non_negative(
                config, "AUTHORIZATION_TOKEN_LIFETIME_SECONDS"
            ),
            order_authorization_days=_count(config, "ORDER_AUTHORIZATION_DAYS"),
            order_authorization_max_days=_count(config, "ORDER_AUTHORIZATION_MAX_DAYS"),
            idempotency_key_lifetime_seconds=_non_negative(
                config, "IDEMPOTENCY_KEY_LIFETIME_SECONDS"
            ),
            authorization_callback_delay_seconds=_non_negative(
                config, "AUTHORIZATION_CALLBACK_DELAY_SECONDS"
            ),
            callback_retries=_count(config, "CALLBACK_RETRIES"),
            callback_backoff_seconds=_non_negative(config, "CALLBACK_BACKOFF_SECONDS"),
            callback_timeout_seconds=_non_negative(config, "CALLBACK_TIMEOUT_SECONDS"),
            callbacks_loopback_only=_require(config, "CALLBACKS_LOOPBACK_ONLY", bool),
            request_log_size=_count(config, "REQUEST_LOG_SIZE"),
        )
