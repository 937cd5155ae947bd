"""The developer panel: while KLARNA_DEV_PANEL is on, keep and show each checkout's Klarna calls.

Three sources fill it, each scrubbed as `storefront.klarna.call_log` scrubs the call log:
- the shop's API calls: `CallRecorder`, a logging handler on the call log's logger, stores the
  fields each call's record carries (`record.klarna`); the logger is set to DEBUG, where those
  fields include the request and response bodies (the core itself stays free of Flask);
- Klarna's callbacks to the shop, and the browser's SDK calls: storefront/views/dev_panel.py.
With the panel off nothing is installed, stored or shown.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from flask import Flask, current_app, has_app_context

from storefront.klarna.call_log import logger as call_logger
from storefront.klarna_call_models import KlarnaCall
from storefront.models import Cart, Order
from storefront.services.klarna_calls import calls_of_cart, calls_of_order, record_api_call


class CallRecorder(logging.Handler):
    """Stores each Klarna call log record of an app whose panel is on."""

    def createLock(self) -> None:
        """No lock: each record is stored on its own connection, so threads need not queue."""
        self.lock = None

    def emit(self, record: logging.LogRecord) -> None:
        """Store the record's scrubbed call fields, if it has them and the app wants them."""
        facts = getattr(record, "klarna", None)
        if not isinstance(facts, dict) or not has_app_context():
            return
        if current_app.config["KLARNA_DEV_PANEL"]:
            record_api_call(facts)


def install_recorder() -> None:
    """Put one CallRecorder on the call log's logger, and let it log the (scrubbed) bodies."""
    if not any(isinstance(handler, CallRecorder) for handler in call_logger.handlers):
        call_logger.addHandler(CallRecorder())
    if not call_logger.isEnabledFor(logging.DEBUG):
        call_logger.setLevel(logging.DEBUG)


def pretty_json(value: Any) -> str:
    """A body as indented JSON, as written (the template escapes it)."""
    return json.dumps(value, indent=2, ensure_ascii=False)


def init_app(app: Flask) -> None:
    """With KLARNA_DEV_PANEL on: record API calls, callbacks and the browser's SDK calls."""
    app.add_template_filter(pretty_json)  # the panel's template names it, on or off
    if not app.config["KLARNA_DEV_PANEL"]:
        return
    from storefront.views import dev_panel

    install_recorder()
    dev_panel.init_app(app)


def cart_calls(cart: Cart) -> list[KlarnaCall] | None:
    """The panel's rows for a cart's checkout; None when the panel is off."""
    return calls_of_cart(cart) if current_app.config["KLARNA_DEV_PANEL"] else None


def order_calls(order: Order) -> list[KlarnaCall] | None:
    """The panel's rows for the checkout that placed an order; None when the panel is off."""
    return calls_of_order(order) if current_app.config["KLARNA_DEV_PANEL"] else None
