"""Waiting for something another thread or process does, without fixed sleeps."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_until(probe: Callable[[], T], timeout: float = 10.0, interval: float = 0.05) -> T:
    """Call `probe` until it returns something truthy, and return that; fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value or time.monotonic() > deadline:
            assert value, f"still false after {timeout} s: {probe}"
            return value
        time.sleep(interval)
