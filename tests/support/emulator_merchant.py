"""The merchant's server side against a live emulator, over real HTTP (for browser tests)."""

from __future__ import annotations

from typing import Any

import requests


class EmulatorMerchant:
    """Creates and updates Klarna Payments sessions on the emulator at `url`."""

    def __init__(self, url: str, username: str, password: str) -> None:
        self.url = url.rstrip("/")
        self.auth = (username, password)

    def create_session(self, body: dict[str, Any]) -> dict[str, Any]:
        """Create a session; its id, client token and categories."""
        response = requests.post(
            f"{self.url}/payments/v1/sessions", json=body, auth=self.auth, timeout=10
        )
        assert response.status_code == 200, response.text
        created: dict[str, Any] = response.json()
        return created

    def update_session(self, session_id: str, body: dict[str, Any]) -> None:
        """Update a session (204)."""
        response = requests.post(
            f"{self.url}/payments/v1/sessions/{session_id}", json=body, auth=self.auth, timeout=10
        )
        assert response.status_code == 204, response.text

    def read_session(self, session_id: str) -> dict[str, Any]:
        """Read a session."""
        response = requests.get(
            f"{self.url}/payments/v1/sessions/{session_id}", auth=self.auth, timeout=10
        )
        assert response.status_code == 200, response.text
        session: dict[str, Any] = response.json()
        return session
