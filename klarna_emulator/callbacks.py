"""Outbound callbacks to the merchant: POSTs on background threads, retried with backoff, logged.

They never block or crash a request. Klarna docs:
https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/other-actions/authorization-callback
(authorization callback: POST `{authorization_token, session_id}`; retries are not documented)
https://docs.klarna.com/payments/after-payments/order-management/more-actions/pending-orders
(notification: POST `{order_id, event_type}`; Klarna retries until it gets a 200).
"""

from __future__ import annotations

import ipaddress
import logging
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import requests

from klarna_emulator.clock import iso_millis
from klarna_emulator.config import Settings
from klarna_emulator.store import CallbackAttempt, Store

log = logging.getLogger(__name__)

Poster = Callable[..., requests.Response]


def is_loopback_url(url: str) -> bool:
    """True when the URL's host is this machine, decided without a DNS lookup."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Courier:
    """Delivers callbacks from daemon threads, so the request that caused them returns at once."""

    def __init__(self, store: Store, settings: Settings, post: Poster = requests.post) -> None:
        self.store = store
        self.settings = settings
        self._post = post

    def deliver(
        self, kind: str, url: str, payload: dict[str, Any], delay_seconds: float = 0.0
    ) -> None:
        """POST `payload` to `url` after `delay_seconds`, retrying failures with backoff."""
        generation = self.store.generation
        threading.Thread(
            target=self._run,
            args=(kind, url, payload, delay_seconds, generation),
            name=f"klarna-emulator-{kind}-callback",
            daemon=True,
        ).start()

    def _record(
        self,
        kind: str,
        url: str,
        payload: dict[str, Any],
        attempt: int,
        outcome: str,
        generation: int,
    ) -> None:
        log.info("%s callback to %s, attempt %d: %s", kind, url, attempt, outcome)
        record = CallbackAttempt(kind, url, payload, attempt, outcome, iso_millis(self.store.now()))
        self.store.log_callback(record, generation)

    def _attempt(self, url: str, payload: dict[str, Any]) -> tuple[bool, str]:
        try:
            response = self._post(url, json=payload, timeout=self.settings.callback_timeout_seconds)
        except requests.RequestException as error:
            return False, f"error: {type(error).__name__}"
        return 200 <= response.status_code < 300, str(response.status_code)

    def _run(
        self, kind: str, url: str, payload: dict[str, Any], delay: float, generation: int
    ) -> None:
        try:
            time.sleep(delay)
            if self.settings.callbacks_loopback_only and not is_loopback_url(url):
                self._record(kind, url, payload, 0, "skipped: not a loopback URL", generation)
                return
            attempts = self.settings.callback_retries + 1
            for attempt in range(1, attempts + 1):
                if generation != self.store.generation:
                    return  # the emulator was reset: this callback belongs to forgotten state
                delivered, outcome = self._attempt(url, payload)
                self._record(kind, url, payload, attempt, outcome, generation)
                if delivered:
                    return
                if attempt < attempts:
                    time.sleep(self.settings.callback_backoff_seconds * 2 ** (attempt - 1))
        except Exception:  # a callback thread must never die loudly or take anything with it
            log.exception("%s callback to %s failed unexpectedly", kind, url)
