"""Waiting for something another thread or process does, without fixed sleeps."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from playwright.sync_api import Page

T = TypeVar("T")


def wait_until(
    probe: Callable[[], T],
    timeout: float = 10.0,
    interval: float = 0.05,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Call `probe` until it returns something truthy, and return that; fail after `timeout`.

    `sleep` waits between calls: pass `playwright_sleep(page)` when `probe` reads what a
    Playwright event handler collects, since the sync API only delivers events while it runs.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value or time.monotonic() > deadline:
            assert value, f"still false after {timeout} s: {probe}"
            return value
        sleep(interval)


def playwright_sleep(page: Page) -> Callable[[float], None]:
    """A sleep that lets Playwright deliver the page's events (console, bindings) meanwhile."""
    return lambda seconds: page.wait_for_timeout(seconds * 1000)
