"""A per-process cache of what every shopper sees alike: the catalog, demo coupons, page parts.

Entries are computed from the database and kept at most TTL_SECONDS, in a bounded LRU guarded
by a lock (gunicorn threads share it), one cache per app. Nothing here is per shopper: no
cart, session, CSRF token or personal data is ever stored.

Invalidation (why not a version query): the catalog tables have no updated_at column, and a
query per page to check a version would cost about what the cache saves. Instead:
- a commit in this process that changes a product, price, coupon or coupon term (seeding, an
  admin script, a test) clears the cache at once (`clear_on_catalog_commit`);
- a change made by another process (`flask seed`, another gunicorn worker, SQL by hand) is
  seen within TTL_SECONDS, when the entry runs out.
No Redis or other service is needed: each worker keeps its own copy.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from itertools import chain
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from storefront.models import Coupon, CouponMarketTerms, Product, ProductPrice

TTL_SECONDS = 30.0
MAX_ENTRIES = 256  # markets x (catalog, coupons per day, page parts): a few dozen in use
EXTENSION_KEY = "shared_cache"
CATALOG_MODELS = (Product, ProductPrice, Coupon, CouponMarketTerms)
CATALOG_TABLES = frozenset(model.__table__ for model in CATALOG_MODELS)
CHANGED_FLAG = "catalog_changed"  # in Session.info between a flush and its commit

Value = TypeVar("Value")


class SharedCache:
    """A bounded, thread-safe LRU whose entries expire `ttl` seconds after they are computed."""

    def __init__(
        self,
        ttl: float = TTL_SECONDS,
        max_entries: int = MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = ttl
        self._max_entries = max_entries
        self._clock = clock
        self._entries: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], Value]) -> Value:
        """The fresh value stored under `key`, or `compute()`'s, stored for next time."""
        now = self._clock()
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry[0] > now:
                self._entries.move_to_end(key)
                return entry[1]
        # Computed outside the lock: two threads may both compute a missing entry once,
        # which is cheaper than making every reader wait on a database query.
        value = compute()
        with self._lock:
            self._entries[key] = (now + self._ttl, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget every entry (the catalog changed)."""
        with self._lock:
            self._entries.clear()


def shared_cache() -> SharedCache:
    """The current app's cache."""
    cache: SharedCache = current_app.extensions[EXTENSION_KEY]
    return cache


def init_app(app: Flask) -> None:
    """Give the app its cache, cleared whenever this process commits a catalog change."""
    app.extensions[EXTENSION_KEY] = SharedCache()
    if not sa.event.contains(Session, "after_commit", clear_on_catalog_commit):
        sa.event.listen(Session, "after_flush", note_catalog_flush)
        sa.event.listen(Session, "do_orm_execute", note_catalog_statement)
        sa.event.listen(Session, "after_commit", clear_on_catalog_commit)
        sa.event.listen(Session, "after_rollback", forget_catalog_changes)


def note_catalog_flush(session: Session, _flush: UOWTransaction) -> None:
    """Remember that this transaction wrote a catalog row (the flush still lists them)."""
    written = chain(session.new, session.dirty, session.deleted)
    if any(isinstance(instance, CATALOG_MODELS) for instance in written):
        session.info[CHANGED_FLAG] = True


def note_catalog_statement(state: ORMExecuteState) -> None:
    """Remember an ORM UPDATE or DELETE statement on a catalog table (no flush sees those)."""
    if (state.is_update or state.is_delete) and state.statement.table in CATALOG_TABLES:  # type: ignore[attr-defined]
        state.session.info[CHANGED_FLAG] = True


def clear_on_catalog_commit(session: Session) -> None:
    """After a commit that changed the catalog, clear the current app's cache."""
    if session.info.pop(CHANGED_FLAG, False) and has_app_context():
        extension = current_app.extensions.get(EXTENSION_KEY)
        if extension is not None:
            extension.clear()


def forget_catalog_changes(session: Session) -> None:
    """A rolled-back change never reached the database: nothing to clear."""
    session.info.pop(CHANGED_FLAG, None)
