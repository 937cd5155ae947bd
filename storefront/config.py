"""Settings: one table of every setting, its default, its parser, and fail-fast validation."""

from __future__ import annotations

import os
import runpy
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from storefront.config_values import (
    Setting,
    parse_bool,
    parse_http_url,
    parse_minutes,
    parse_positive_float,
    parse_proxy_count,
    parse_text,
)
from storefront.klarna.regions import REGIONS
from storefront.klarna.sdk import CDN_SDK_URL
from storefront.mail_settings import MAIL_SETTINGS

# Credentials the bundled emulator accepts unless told otherwise (playground-shaped, not secret).
EMULATOR_USERNAME = "PK00000_emulator"
EMULATOR_PASSWORD = "emulator-shared-secret"  # noqa: S105 - a public demo credential


# How long a SQLite writer waits for another's lock before giving up (see engine_options).
SQLITE_BUSY_TIMEOUT_SECONDS = 30

# A shorter key can be guessed offline from one signed cookie (32 bytes = 256 bits).
MIN_SECRET_KEY_BYTES = 32

# Host names that all mean this machine, accepted together when PUBLIC_URL names one of them.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


class ConfigError(Exception):
    """A setting is missing or malformed; the message names it in one line."""

    def __init__(self, setting: str, problem: str) -> None:
        super().__init__(f"{setting}: {problem}")
        self.setting = setting


def parse_database_url(value: object) -> str:
    """Accept a URL whose SQLAlchemy dialect and driver load; `postgres://` means psycopg 3."""
    try:
        url = make_url(parse_text(value))
    except ArgumentError:
        raise ValueError(f"not a database URL: {value!r}") from None
    if url.drivername in ("postgres", "postgresql"):
        url = url.set(drivername="postgresql+psycopg")
    check_driver(url)
    return url.render_as_string(hide_password=False)


def check_driver(url: URL) -> None:
    """Fail unless SQLAlchemy can load the URL's dialect and a synchronous DBAPI driver for it."""
    # Asking SQLAlchemy (rather than keeping a list) covers third-party dialects too, and fails
    # here, in one line, instead of with a traceback when the engine is first created.
    try:
        dialect = url.get_dialect()
    except NoSuchModuleError:
        raise ValueError(
            f"no SQLAlchemy dialect or driver for '{url.drivername}://' "
            "(misspelt, or its package is not installed?)"
        ) from None
    if dialect.is_async:
        raise ValueError(
            f"'{url.drivername}://' is an asyncio driver, which Flask-SQLAlchemy cannot use; "
            f"use a synchronous one (e.g. '{url.get_backend_name()}://')"
        )
    try:
        dialect.import_dbapi()
    except ImportError as error:
        raise ValueError(
            f"the driver for '{url.drivername}://' is not installed ({error})"
        ) from None


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "SECRET_KEY",
        None,
        parse_text,
        "Signs the session cookie and CSRF tokens; at least 32 bytes. Required in production; "
        "`python app.py` generates one into instance/secret_key.",
    ),
    Setting(
        "DATABASE_URL",
        None,
        parse_database_url,
        "SQLAlchemy URL of the database. Default: SQLite file instance/storefront.sqlite.",
    ),
    Setting(
        "KLARNA_API_URL",
        None,
        parse_http_url,
        "Klarna API base URL, e.g. https://api.playground.klarna.com/. "
        "Unset: `python app.py` starts the bundled emulator and uses it.",
    ),
    Setting("KLARNA_USERNAME", None, parse_text, "Klarna API username (merchant id)."),
    Setting("KLARNA_PASSWORD", None, parse_text, "Klarna API password (shared secret)."),
    *(
        Setting(
            f"KLARNA_{region}_{key}",
            None,
            parse,
            f"Optional {what} for purchases in Klarna's {region} region; "
            f"default: KLARNA_{key}. Needed when one account does not cover every market.",
        )
        for region in REGIONS
        for key, parse, what in (
            ("API_URL", parse_http_url, "API base URL"),
            ("USERNAME", parse_text, "API username"),
            ("PASSWORD", parse_text, "API password"),
        )
    ),
    Setting(
        "KLARNA_SDK_URL",
        None,
        parse_http_url,
        "URL of Klarna's JS SDK. Default: Klarna's CDN, or the emulator's copy offline.",
    ),
    Setting(
        "KLARNA_TIMEOUT_SECONDS",
        10.0,
        parse_positive_float,
        "Read timeout for each Klarna API call; connect timeout is the smaller of this and 3 s.",
    ),
    Setting(
        "KLARNA_AUTO_FINALIZE",
        True,
        parse_bool,
        "true: Klarna completes every payment inside authorize() (one click on Buy). false: "
        "categories that take the money at once (Pay Now) answer finalize_required, and the "
        "payment page asks for a second click (Confirm payment) that calls finalize().",
    ),
    Setting(
        "KLARNA_DEV_PANEL",
        False,
        parse_bool,
        'Show a "Klarna calls" panel on the payment and order pages: every Klarna API call, '
        "SDK call and callback of the checkout, scrubbed as the call log scrubs it, and kept "
        "in the database. A developer's tool: `python app.py` turns it on; keep it off in "
        "production.",
    ),
    Setting(
        "KLARNA_TEST_DATA",
        False,
        parse_bool,
        'Show a "Test data" box on the payment page: Klarna\'s playground e-mails that '
        "approve, decline, hold or hide Klarna, each with a button that fills it in. "
        "`python app.py` turns it on with the bundled emulator; only for the playground.",
    ),
    Setting(
        "GRAPHQL_INTROSPECTION",
        False,
        parse_bool,
        "Answer GraphQL introspection at /graphql; `python app.py` turns it on (demo mode).",
    ),
    Setting(
        "PUBLIC_URL",
        None,
        parse_http_url,
        "The shop's public base URL, e.g. https://shop.example.com/: Klarna's callbacks and "
        "redirects go there, and requests for any other host are refused. Required in "
        "production; `python app.py` uses the address it listens on.",
    ),
    Setting(
        "TRUSTED_PROXIES",
        0,
        parse_proxy_count,
        "How many reverse proxies (load balancer, nginx) in front of the shop append to "
        "X-Forwarded-For and set X-Forwarded-Proto. 0 (default): those headers are ignored and "
        "the connecting address is the client, so nobody can dodge the rate limits by sending "
        "them; behind one proxy, set 1, or every shopper counts as the proxy's address.",
    ),
    Setting(
        "ADMIN_IDLE_MINUTES",
        30,
        parse_minutes,
        "An admin who makes no request for this many minutes is signed out.",
    ),
    Setting(
        "SESSION_COOKIE_SECURE",
        True,
        parse_bool,
        "Send the session cookie over HTTPS only. `python app.py` turns this off for http://.",
    ),
    *MAIL_SETTINGS,
)

SETTING_NAMES = frozenset(setting.name for setting in SETTINGS)


def read_instance_config(instance_path: Path) -> dict[str, Any]:
    """Return the upper-case names defined in instance/config.py, or {} if it does not exist."""
    path = instance_path / "config.py"
    if not path.exists():
        return {}
    try:
        namespace = runpy.run_path(str(path))
    except Exception as error:  # a syntax or runtime error in the user's own file
        raise ConfigError(
            str(path), f"cannot be loaded ({type(error).__name__}: {error})"
        ) from None
    return {key: value for key, value in namespace.items() if key.isupper()}


def read_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """Return the known settings present in the environment (empty values count as unset)."""
    return {name: environ[name] for name in SETTING_NAMES if environ.get(name, "").strip()}


def build_config(
    instance_path: Path,
    *,
    defaults: Mapping[str, Any] | None = None,
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Layer defaults < caller defaults < instance/config.py < environment < overrides; validate."""
    layered: dict[str, Any] = {setting.name: setting.default for setting in SETTINGS}
    layered.update(defaults or {})
    if overrides is None:
        # Tests pass their whole configuration; only real runs read local files and env.
        layered.update(read_instance_config(instance_path))
        layered.update(read_environment(os.environ if environ is None else environ))
    else:
        layered.update(overrides)
    return validate_config(layered, instance_path)


def validate_config(values: dict[str, Any], instance_path: Path) -> dict[str, Any]:
    """Parse every known setting, check cross-setting rules, and fill derived defaults."""
    config = dict(values)
    for setting in SETTINGS:
        value = config.get(setting.name)
        if value is None:
            continue
        try:
            config[setting.name] = setting.parse(value)
        except ValueError as error:
            raise ConfigError(setting.name, str(error)) from None

    if not config.get("SECRET_KEY"):
        raise ConfigError("SECRET_KEY", f"is not set; {NEW_KEY_ADVICE}")
    if not config.get("TESTING"):
        require_production_settings(config)
    require_pair(config, "KLARNA_USERNAME", "KLARNA_PASSWORD")
    require_pair(config, "MAIL_USERNAME", "MAIL_PASSWORD")
    if config.get("MAIL_BACKEND") == "smtp":
        for name in ("MAIL_SERVER", "MAIL_SENDER"):
            if not config.get(name):
                raise ConfigError(name, 'is not set; it is required when MAIL_BACKEND is "smtp"')
    if not config.get("KLARNA_API_URL"):
        raise ConfigError(
            "KLARNA_API_URL",
            "is not set; point it at Klarna (https://api.playground.klarna.com/) "
            "or start the bundled emulator with `python app.py`",
        )
    if not config.get("KLARNA_USERNAME"):
        raise ConfigError("KLARNA_USERNAME", "is not set; Klarna needs API credentials")
    for region in REGIONS:
        prefix = f"KLARNA_{region}_"
        given = [key for key in ("API_URL", "USERNAME", "PASSWORD") if config.get(prefix + key)]
        missing = [key for key in ("API_URL", "USERNAME", "PASSWORD") if key not in given]
        if given and missing:
            raise ConfigError(
                prefix + missing[0], f"is missing; it is required when {prefix}{given[0]} is set"
            )
    if not config.get("KLARNA_SDK_URL"):
        config["KLARNA_SDK_URL"] = CDN_SDK_URL
    if not config.get("DATABASE_URL"):
        config["DATABASE_URL"] = f"sqlite:///{instance_path / 'storefront.sqlite'}"
    if config.get("PUBLIC_URL"):
        config["PUBLIC_HOSTS"] = public_hosts(config["PUBLIC_URL"])
    config["SQLALCHEMY_DATABASE_URI"] = config["DATABASE_URL"]
    config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", engine_options(config["DATABASE_URL"]))
    return config


NEW_KEY_ADVICE = (
    "set it in the environment or instance/config.py "
    "(python -c 'import secrets; print(secrets.token_hex(32))')"
)


def require_production_settings(config: Mapping[str, Any]) -> None:
    """Refuse a guessable SECRET_KEY, and a missing PUBLIC_URL (URLs must not follow Host)."""
    if len(config["SECRET_KEY"].encode()) < MIN_SECRET_KEY_BYTES:
        raise ConfigError(
            "SECRET_KEY", f"is shorter than {MIN_SECRET_KEY_BYTES} bytes; {NEW_KEY_ADVICE}"
        )
    if not config.get("PUBLIC_URL"):
        raise ConfigError(
            "PUBLIC_URL",
            "is not set; set the shop's public address, e.g. https://shop.example.com/ "
            "(the URLs Klarna calls back and redirects to are built from it, never from Host)",
        )


def public_hosts(public_url: str) -> list[str]:
    """The host names the shop answers: PUBLIC_URL's (every loopback name, if it is one)."""
    host = urlsplit(public_url).hostname or ""
    return list(LOOPBACK_HOSTS) if host in LOOPBACK_HOSTS else [host]


def engine_options(database_url: str) -> dict[str, Any]:
    """SQLAlchemy engine options for the database: a dead pooled connection is replaced.

    SQLite lets one writer at a time; the others wait for its lock up to
    SQLITE_BUSY_TIMEOUT_SECONDS instead of Python's 5 s, because under a burst of checkouts
    a wait is better than a refused request. Statement parameters are kept out of error
    messages, which reach the logs: they hold client tokens, callback secrets and addresses.
    """
    options: dict[str, Any] = {"pool_pre_ping": True, "hide_parameters": True}
    if make_url(database_url).get_backend_name() == "sqlite":
        options["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_SECONDS}
    return options


def require_pair(config: Mapping[str, Any], first: str, second: str) -> None:
    """Fail when exactly one of two settings that only work together is set."""
    if config.get(first) and not config.get(second):
        raise ConfigError(second, f"is missing; it is required when {first} is set")
    if config.get(second) and not config.get(first):
        raise ConfigError(first, f"is missing; it is required when {second} is set")
