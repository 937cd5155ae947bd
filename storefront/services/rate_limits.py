"""Limits per client on guessable requests (coupons, lookups, admin passwords) and costly ones.

A fixed-window counter in the `rate_limit_window` table, so the limit holds across gunicorn
workers and machines. Each attempt first takes one of the window's slots with a single atomic
upsert (`spend_attempt`), so a burst of concurrent requests cannot run more than the limit
allows. What counts depends on the caller:
- guessable requests count failures (`failures_limited`): a successful attempt gives its slot
  back, so the count is the client's failures plus the attempts still running, and a shopper
  who gets a code right is never held back by it;
- costly requests (each one a call to Klarna) count every attempt: the caller spends one and
  never gives it back.

Clients are told apart by a keyed hash (HMAC with SECRET_KEY) of their address, so the table
never holds an IP address; an IPv6 client counts by its /64, the block one subscriber gets.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import ParamSpec, TypeVar, cast

import sqlalchemy as sa
from flask import Flask, current_app
from flask_babel import format_timedelta, lazy_gettext
from sqlalchemy.dialects import postgresql, sqlite

from storefront.extensions import db
from storefront.models import RateLimitWindow

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

# The model's table, as a Table: the counting runs as Core statements on its own connection.
WINDOWS = cast(sa.Table, RateLimitWindow.__table__)
# The statement that adds one attempt atomically exists only in dialect-specific form (both
# dialects' Insert have on_conflict_do_update; the union names it for the type checker).
Upsert = postgresql.Insert | sqlite.Insert
UPSERTS: dict[str, Callable[[sa.Table], Upsert]] = {
    "postgresql": postgresql.insert,
    "sqlite": sqlite.insert,
}
# Where the app keeps the clock windows are counted by (tests replace it to move time).
CLOCK_KEY = "rate_limit_clock"


@dataclass(frozen=True)
class Limit:
    """At most `allowed` counted attempts at `action` per client in each fixed `window`."""

    action: str
    allowed: int
    window: timedelta
    # Shown to the shopper, in their language; %(wait)s becomes e.g. "12 minutes".
    message: str


# A shopper mistypes a code or tries the few they know; ten misses in a quarter of an hour is
# guessing (codes are often words, e.g. WELCOME10).
COUPON_CODES = Limit(
    "coupon",
    10,
    timedelta(minutes=15),
    lazy_gettext("You have tried too many coupon codes. Please wait %(wait)s and try again."),
)
# The order page shows a name and address; knowing the number (a photo of a receipt) leaves
# only the email to guess, so fewer misses are allowed than for coupons.
ORDER_LOOKUPS = Limit(
    "order_lookup",
    5,
    timedelta(minutes=15),
    lazy_gettext(
        "You have tried to find an order too many times. Please wait %(wait)s and try again."
    ),
)

# Every recheck reads the Klarna session (checkout.js asks once per widget that cannot load
# its session), so each one counts: a shopper needs a few, 30 in a quarter of an hour is a
# script spending the shop's Klarna calls.
SESSION_RECHECKS = Limit(
    "session_recheck",
    30,
    timedelta(minutes=15),
    lazy_gettext(
        "Klarna was asked to check your payment too often. "
        "Please wait %(wait)s and reload the page."
    ),
)

# Admin passwords: ten misses in a quarter of an hour is more than typos (the limit counts
# failures per client address, as for coupons; a success gives its slot back).
ADMIN_LOGINS = Limit(
    "admin_login",
    10,
    timedelta(minutes=15),
    lazy_gettext("Too many failed sign-ins. Please wait %(wait)s and try again."),
)


class RateLimited(Exception):
    """The client used up a limit; the app answers 429 with `user_message` and Retry-After.

    Deliberately not a ShopError: a refused attempt is not flashed and redirected like a
    refusal, it is answered with its own status code (storefront.views.errors).
    """

    def __init__(self, user_message: str, *, retry_after_seconds: int) -> None:
        super().__init__(user_message)
        self.user_message = user_message
        self.retry_after_seconds = retry_after_seconds


@dataclass(frozen=True)
class Attempt:
    """One slot taken in a client's window; `give_back` returns it after a success."""

    action: str
    client_key: str
    window_start: datetime


def init_app(app: Flask) -> None:
    """Count the app's windows by the real UTC clock."""
    app.extensions[CLOCK_KEY] = lambda: datetime.now(UTC)


def spend_attempt(limit: Limit, address: str | None) -> Attempt:
    """Take one of the client's attempts in the current window, or raise RateLimited.

    Spent alone, it limits every attempt; `give_back` after a success counts only failures.
    """
    now = current_app.extensions[CLOCK_KEY]()
    start = window_start(now, limit.window)
    key = client_key(address)
    # Its own connection and transaction: the count is committed at once, whatever the
    # request does next, and the request's own transaction (its cart row lock) is untouched.
    with db.engine.begin() as connection:
        upsert = UPSERTS[connection.dialect.name](WINDOWS).values(
            action=limit.action, client_key=key, window_start=start, attempts=1
        )
        attempts = connection.execute(
            upsert.on_conflict_do_update(
                index_elements=[WINDOWS.c.action, WINDOWS.c.client_key, WINDOWS.c.window_start],
                set_={"attempts": WINDOWS.c.attempts + 1},
            ).returning(WINDOWS.c.attempts)
        ).scalar_one()
        if attempts == 1:
            prune(connection, limit, start)
    if attempts > limit.allowed:
        if attempts == limit.allowed + 1:  # once per window, not once per refused request
            log.warning("rate_limited action=%s client=%s", limit.action, key[:12])
        retry_after = math.ceil((start + limit.window - now).total_seconds())
        wait = max(1, math.ceil(retry_after / 60))
        raise RateLimited(
            str(limit.message) % {"wait": format_timedelta(timedelta(minutes=wait))},
            retry_after_seconds=max(1, retry_after),
        )
    return Attempt(limit.action, key, start)


def give_back(attempt: Attempt) -> None:
    """Return a slot after a successful attempt: only failures count against the client."""
    with db.engine.begin() as connection:
        connection.execute(
            sa.update(WINDOWS)
            .where(
                WINDOWS.c.action == attempt.action,
                WINDOWS.c.client_key == attempt.client_key,
                WINDOWS.c.window_start == attempt.window_start,
                WINDOWS.c.attempts > 0,
            )
            .values(attempts=WINDOWS.c.attempts - 1)
        )


def failures_limited(limit: Limit, address: str | None, service: Callable[P, R]) -> Callable[P, R]:
    """`service` behind the limit: an attempt that raises (a refused code) counts as a failure."""

    def limited(*args: P.args, **kwargs: P.kwargs) -> R:
        """Take an attempt, run the service, and give the attempt back if it succeeded."""
        attempt = spend_attempt(limit, address)
        result = service(*args, **kwargs)
        give_back(attempt)
        return result

    return limited


def window_start(now: datetime, window: timedelta) -> datetime:
    """The start of the fixed window `now` falls in (windows are aligned to the Unix epoch)."""
    seconds = int(window.total_seconds())
    return datetime.fromtimestamp(int(now.timestamp()) // seconds * seconds, UTC)


def client_key(address: str | None) -> str:
    """The keyed hash a client's attempts are counted under (64 hex digits, no address)."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    message = f"rate-limit-client:{client_network(address)}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def client_network(address: str | None) -> str:
    """The address a limit applies to: an IPv4 address, or the /64 around an IPv6 one."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return address or "unknown"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is None:
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(getattr(ip, "ipv4_mapped", None) or ip)


def prune(connection: sa.Connection, limit: Limit, current_start: datetime) -> None:
    """Delete the action's windows that ended before the current one began.

    Run when a client opens a new window, not on every attempt, so a client hammering one
    window adds no deletes; the previous window is kept for workers whose clocks lag a little.
    """
    connection.execute(
        sa.delete(WINDOWS).where(
            WINDOWS.c.action == limit.action,
            WINDOWS.c.window_start < current_start - limit.window,
        )
    )
