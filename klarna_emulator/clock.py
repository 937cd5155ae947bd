"""The emulator's clock: real time plus an offset tests can advance (48-hour jumps in a second)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta


class Clock:
    """Emulated UTC time: real time (or a frozen start) moved forward by `advance()`."""

    def __init__(self, frozen_at: datetime | None = None) -> None:
        self._frozen_at = frozen_at
        self._offset = timedelta(0)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """The current emulated time (timezone-aware UTC)."""
        base = self._frozen_at or datetime.now(UTC)
        with self._lock:
            return base + self._offset

    def advance(self, seconds: float) -> datetime:
        """Move emulated time forward by `seconds` (never backwards) and return the new now."""
        if seconds < 0:
            raise ValueError("the emulated clock only moves forward")
        with self._lock:
            self._offset += timedelta(seconds=seconds)
        return self.now()

    def reset(self) -> None:
        """Forget every advance: emulated time is real time (or the frozen start) again."""
        with self._lock:
            self._offset = timedelta(0)


def iso_millis(moment: datetime) -> str:
    """Klarna Payments' timestamp shape, e.g. `2038-01-19T03:14:07.000Z`."""
    return (
        moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    )


def iso_seconds(moment: datetime) -> str:
    """Order Management's timestamp shape, e.g. `2015-11-29T10:25:40Z`."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
