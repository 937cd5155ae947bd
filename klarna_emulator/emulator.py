"""One emulator instance: its settings, its store, and the services that act on the store."""

from __future__ import annotations

import secrets
from typing import Any

from flask import current_app

from klarna_emulator.callbacks import Courier
from klarna_emulator.clock import Clock
from klarna_emulator.config import Settings
from klarna_emulator.domain.customer_token_api import CustomerTokenApi
from klarna_emulator.domain.order_management import OrderManagement
from klarna_emulator.domain.order_placement import OrderPlacement
from klarna_emulator.domain.payments import Payments
from klarna_emulator.scheduler import Scheduler
from klarna_emulator.store import Store


class Emulator:
    """Everything one emulator app owns; `store` is the only part that holds state."""

    def __init__(self, settings: Settings, clock: Clock | None = None) -> None:
        self.settings = settings
        self.store = Store(clock, settings.request_log_size)
        self.courier = Courier(self.store, settings)
        self.scheduler = Scheduler(self.store)
        self.order_management = OrderManagement(self.store, settings)
        self.payments = Payments(
            self.store,
            settings,
            self.courier,
            # Client tokens are signed per instance: a token from another run is a forgery.
            token_secret=secrets.token_bytes(32),
        )
        self.order_placement = OrderPlacement(
            self.store, self.courier, self.scheduler, self.order_management
        )
        self.customer_tokens = CustomerTokenApi(self.store, self.order_management)

    def reset(self) -> None:
        """Forget everything (what POST /_emulator/reset and the test harness call)."""
        self.store.reset()

    def snapshot(self) -> dict[str, Any]:
        """Everything the emulator remembers, JSON-ready."""
        return self.store.snapshot()


def current_emulator() -> Emulator:
    """The emulator of the app handling the current request."""
    emulator: Emulator = current_app.extensions["klarna_emulator"]
    return emulator
