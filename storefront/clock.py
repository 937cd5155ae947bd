"""The shop's clock: aware UTC datetimes, also for times the database hands back naive."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """A stored time as an aware UTC datetime (SQLite hands timezone-aware columns back naive)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
