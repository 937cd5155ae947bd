"""Runs work at an emulated time (pending orders' decisions), on one daemon thread per store.

The thread sleeps until the earliest job is due and wakes early whenever the store says the
queue or the clock changed, so `POST /_emulator/clock` makes due work happen at once.
"""

from __future__ import annotations

import logging
import threading

from klarna_emulator.store import Store

log = logging.getLogger(__name__)

# Re-check at least this often, so a frozen test clock cannot park the thread forever.
MAX_SLEEP_SECONDS = 60.0


class Scheduler:
    """Starts its thread on first use and runs each due job once, under the store's lock."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()

    def ensure_running(self) -> None:
        """Start the worker thread if it is not running yet."""
        with self._start_lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._loop, name="klarna-emulator-scheduler", daemon=True
                )
                self._thread.start()

    def run_due_jobs(self) -> int:
        """Run every job whose emulated time has come; return how many ran (any thread)."""
        ran = 0
        with self.store.lock:
            while (job := self.store.pop_due_job()) is not None:
                if job.generation != self.store.generation:
                    continue
                try:
                    job.run()
                except Exception:
                    log.exception("scheduled job failed: %s", job.description)
                ran += 1
        return ran

    def _loop(self) -> None:
        with self.store.changed:
            while True:
                self.run_due_jobs()
                wait = self.store.seconds_until_next_job()
                self.store.changed.wait(
                    timeout=min(wait, MAX_SLEEP_SECONDS) if wait is not None else None
                )
