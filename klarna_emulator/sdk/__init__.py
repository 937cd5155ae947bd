"""The emulator's browser side: Klarna's JS SDK, its widget and purchase-dialog iframes, and an
example checkout page that drives them."""

from __future__ import annotations

from flask import Flask

from klarna_emulator.emulator import Emulator
from klarna_emulator.sdk import example, routes


def register_sdk(app: Flask) -> None:
    """Serve the SDK and its frames; the example page only where the control plane is on."""
    app.register_blueprint(routes.bp)
    emulator: Emulator = app.extensions["klarna_emulator"]
    if emulator.settings.control_plane_enabled:
        app.register_blueprint(example.bp)
