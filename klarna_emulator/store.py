"""The emulator's only state holder: everything it remembers, behind one lock.

One Store per app instance (kept in `app.extensions`), so tests can build independent emulators.
"""

from __future__ import annotations

import heapq
import itertools
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from klarna_emulator.clock import Clock, iso_millis

if TYPE_CHECKING:
    from klarna_emulator.domain.authorizations import Authorization
    from klarna_emulator.domain.customer_tokens import CustomerToken
    from klarna_emulator.domain.orders import Order
    from klarna_emulator.domain.sessions import Session

# Expired sessions, tokens and idempotency records are purged at most this often (emulated
# time), so a benchmark creating thousands of sessions does not pay a full scan per request.
PURGE_INTERVAL = timedelta(minutes=1)
CALLBACK_LOG_SIZE = 1000


@dataclass
class RequestRecord:
    """One API call, as GET /_emulator/requests lists it."""

    id: int
    time: str
    method: str
    path: str
    operation: str | None
    status: int | None  # None: the connection was dropped (or the answer lost) by a fault
    correlation_id: str
    duration_ms: float
    body: Any = None


@dataclass
class Fault:
    """How the next call of an operation fails (POST /_emulator/faults)."""

    operation: str
    status: int | None = None
    delay_ms: int = 0
    drop: bool = False  # close the connection before the request is processed
    drop_answer: bool = False  # process the request, then close without answering


@dataclass
class RecordedResponse:
    """The first result of a request with a `Klarna-Idempotency-Key`, replayed until it expires."""

    status: int
    headers: dict[str, str]
    body: bytes
    expires_at: datetime  # the key's 24 hours (IDEMPOTENCY_KEY_LIFETIME_SECONDS) after recording


@dataclass
class CallbackAttempt:
    """One outbound POST (authorization callback or pending-order notification)."""

    kind: str
    url: str
    payload: dict[str, Any]
    attempt: int
    outcome: str  # "200", "503", "skipped: ...", "error: ..."
    time: str


@dataclass(order=True)
class ScheduledJob:
    """Work due at an emulated time (e.g. a pending order's fraud decision)."""

    due: datetime
    seq: int
    description: str = field(compare=False)
    run: Callable[[], None] = field(compare=False, repr=False)
    generation: int = field(compare=False, default=0)


class Store:
    """Sessions, authorizations, orders, tokens, logs and pending work, guarded by `lock`."""

    def __init__(self, clock: Clock | None = None, request_log_size: int = 10000) -> None:
        self.lock = threading.RLock()
        # Notified whenever scheduled work or emulated time changes (wakes the scheduler).
        self.changed = threading.Condition(self.lock)
        self.clock = clock or Clock()
        self.generation = 0
        self._request_log_size = request_log_size
        self._ids = itertools.count(1)
        self._clear()

    def _clear(self) -> None:
        self.sessions: dict[str, Session] = {}
        self.authorizations: dict[str, Authorization] = {}
        self.orders: dict[str, Order] = {}
        self.customer_tokens: dict[str, CustomerToken] = {}
        self.idempotency: dict[str, RecordedResponse] = {}
        self.requests: deque[RequestRecord] = deque(maxlen=self._request_log_size)
        self.faults: dict[str, deque[Fault]] = {}
        self.callbacks: deque[CallbackAttempt] = deque(maxlen=CALLBACK_LOG_SIZE)
        self.scheduled: list[ScheduledJob] = []
        self.last_purge: datetime | None = None

    def now(self) -> datetime:
        """The emulated time."""
        return self.clock.now()

    def reset(self) -> None:
        """Forget everything: state, logs, faults, pending work and clock advances."""
        with self.lock:
            self.generation += 1
            self.clock.reset()
            self._clear()
            self.changed.notify_all()

    def advance_clock(self, seconds: float) -> datetime:
        """Move emulated time forward and wake anything waiting on it."""
        with self.lock:
            now = self.clock.advance(seconds)
            self.changed.notify_all()
            return now

    def schedule(self, due: datetime, description: str, run: Callable[[], None]) -> None:
        """Queue `run` for the emulated time `due`; it is dropped if the store is reset first."""
        with self.lock:
            job = ScheduledJob(due, next(self._ids), description, run, self.generation)
            heapq.heappush(self.scheduled, job)
            self.changed.notify_all()

    def pop_due_job(self) -> ScheduledJob | None:
        """The earliest job whose time has come, removed from the queue (caller holds the lock)."""
        if self.scheduled and self.scheduled[0].due <= self.now():
            return heapq.heappop(self.scheduled)
        return None

    def seconds_until_next_job(self) -> float | None:
        """How long until the earliest job is due (None when nothing is queued)."""
        if not self.scheduled:
            return None
        return max(0.0, (self.scheduled[0].due - self.now()).total_seconds())

    def next_id(self) -> int:
        """A number unique within this store (request log ids, job order)."""
        return next(self._ids)

    def log_request(self, record: RequestRecord) -> None:
        """Append to the bounded API-call log."""
        with self.lock:
            self.requests.append(record)

    def log_callback(self, attempt: CallbackAttempt, generation: int) -> None:
        """Append a callback attempt, unless it belongs to the state before a reset."""
        with self.lock:
            if generation == self.generation:
                self.callbacks.append(attempt)

    def add_fault(self, fault: Fault, count: int) -> None:
        """Make the next `count` calls of the fault's operation fail that way."""
        with self.lock:
            self.faults.setdefault(fault.operation, deque()).extend([fault] * count)

    def take_fault(self, operation: str) -> Fault | None:
        """The fault for this call of `operation`, if one is queued (consumed)."""
        with self.lock:
            queue = self.faults.get(operation)
            return queue.popleft() if queue else None

    def purge_expired(self) -> None:
        """Drop expired sessions, unused tokens and idempotency records (at most once a minute)."""
        with self.lock:
            now = self.now()
            if self.last_purge is not None and now - self.last_purge < PURGE_INTERVAL:
                return
            self.last_purge = now
            for session_id in [sid for sid, s in self.sessions.items() if s.is_expired(now)]:
                del self.sessions[session_id]
            for token in [
                t
                for t, authorization in self.authorizations.items()
                if authorization.order_id is None and now >= authorization.expires_at
            ]:
                del self.authorizations[token]
            for key in [
                k for k, recorded in self.idempotency.items() if now >= recorded.expires_at
            ]:
                del self.idempotency[key]

    def snapshot(self) -> dict[str, Any]:
        """A JSON-ready picture of everything (GET /_emulator/state)."""
        with self.lock:
            for order in self.orders.values():
                order.refresh(self.now())
            return {
                "now": iso_millis(self.now()),
                "sessions": [session.state() for session in self.sessions.values()],
                "authorizations": [auth.state() for auth in self.authorizations.values()],
                "orders": [order.state() for order in self.orders.values()],
                "customer_tokens": [token.state() for token in self.customer_tokens.values()],
                "scheduled": [
                    {"due": iso_millis(job.due), "description": job.description}
                    for job in sorted(self.scheduled)
                ],
                "callbacks": [asdict(attempt) for attempt in self.callbacks],
                "faults": [asdict(fault) for queue in self.faults.values() for fault in queue],
            }
