"""An offline, stateful emulator of Klarna's Payments, Order Management and Customer Token APIs.

A separate Flask application: it shares nothing with the storefront but HTTP.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, jsonify

from klarna_emulator.config import DEFAULTS


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the emulator app; `config` overrides the documented defaults."""
    app = Flask(__name__)
    app.config.update(DEFAULTS)
    app.config.update(config or {})

    @app.get("/_emulator/health")
    def health():  # type: ignore[no-untyped-def]
        """Answer that the emulator is up (used by `app.py` and the test harness)."""
        return jsonify(status="ok")

    return app
