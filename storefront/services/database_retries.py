"""Waiting on other attempts and writing down Klarna's answers while the database is busy."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

import sqlalchemy as sa

from storefront.extensions import db

log = logging.getLogger(__name__)
T = TypeVar("T")

# How often a waiting attempt looks again at an order another attempt is placing: from
# FIRST_POLL_SECONDS, doubling up to MAX_POLL_SECONDS (see poll_delay).
FIRST_POLL_SECONDS = 0.05
MAX_POLL_SECONDS = 1.0
# Tries at writing down Klarna's answer while the database is busy (see with_database_retries).
DATABASE_ATTEMPTS = 4


def poll_delay(polls_so_far: int) -> float:
    """Seconds before the next look at an order being placed: doubling, capped, jittered.

    Fifty attempts waiting on one order must not crowd out the one attempt placing it: each
    look costs a database connection, and that attempt needs one to record Klarna's answer.
    """
    ceiling = min(MAX_POLL_SECONDS, FIRST_POLL_SECONDS * 2**polls_so_far)
    return random.uniform(ceiling / 2, ceiling)  # noqa: S311 - spreading load, not a secret


def with_database_retries(write: Callable[[], T]) -> T:
    """Run a write that records Klarna's answer, again if the database was briefly busy.

    Klarna's answer exists only in this process until it is written down, so a full
    connection pool or SQLite's write lock must not lose it. Each write is guarded (see
    `hold_if_placing`), so running it twice records once.
    """
    for attempt in range(1, DATABASE_ATTEMPTS):
        try:
            return write()
        except (sa.exc.TimeoutError, sa.exc.OperationalError) as busy:
            db.session.rollback()
            log.warning("recording Klarna's answer failed (%s); trying again", busy)
        time.sleep(poll_delay(attempt))
    return write()  # the last try: its failure reaches the caller
