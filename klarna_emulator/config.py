"""Emulator settings: merchant credentials and switches, with their documented defaults."""

from __future__ import annotations

DEFAULTS = {
    # Playground-shaped demo credentials; the storefront's offline defaults use the same pair.
    "USERNAME": "PK00000_emulator",
    "PASSWORD": "emulator-shared-secret",
    # The /_emulator/ control plane (reset, clock, faults, state). Off for a shared deployment.
    "CONTROL_PLANE_ENABLED": True,
}
