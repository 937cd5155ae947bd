"""An offline, stateful emulator of Klarna's Payments, Order Management and Customer Token APIs.

A separate Flask application: it shares nothing with the storefront but HTTP.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, jsonify
from flask.json.provider import DefaultJSONProvider

from klarna_emulator.api import register_api
from klarna_emulator.clock import Clock
from klarna_emulator.config import DEFAULTS, Settings
from klarna_emulator.control import bp as control_bp
from klarna_emulator.emulator import Emulator
from klarna_emulator.errors import register_error_handlers
from klarna_emulator.hooks import register_hooks
from klarna_emulator.pages import register_pages
from klarna_emulator.sdk import register_sdk


class InsertionOrderJSON(DefaultJSONProvider):
    """Flask's JSON with keys in the order they were built, as Klarna writes its bodies
    (`error_code`, `error_messages`, `correlation_id`)."""

    sort_keys = False


def create_app(config: Mapping[str, Any] | None = None, clock: Clock | None = None) -> Flask:
    """Build an emulator app with its own fresh state; `config` overrides the defaults.

    The app's Emulator (settings, store, services) is `app.extensions["klarna_emulator"]`;
    `clock` replaces real time (tests pass a frozen Clock). Raises SettingsError for a bad key.
    """
    app = Flask(__name__)
    app.config.update(DEFAULTS)
    app.config.update(config or {})
    app.json = InsertionOrderJSON(app)
    emulator = Emulator(Settings.from_config(app.config), clock)
    app.extensions["klarna_emulator"] = emulator

    register_hooks(app)
    register_error_handlers(app)
    register_api(app)
    register_sdk(app)
    register_pages(app)
    if emulator.settings.control_plane_enabled:
        app.register_blueprint(control_bp)

    @app.get("/_emulator/health")
    def health() -> Response:
        """Answer that the emulator is up (used by `app.py` and the test harness)."""
        return jsonify(status="ok")

    return app
