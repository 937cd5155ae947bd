"""A mail backend for tests: it keeps each e-mail the shop sends, for the test to read."""

from __future__ import annotations

from email.message import EmailMessage

from flask import Flask


class Outbox:
    """Stands in for the app's mail backend (`app.extensions["mail"]`) and keeps what it gets."""

    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []

    def deliver(self, email: EmailMessage) -> None:
        """Keep the e-mail instead of sending it."""
        self.sent.append(email)


def capture_mail(app: Flask) -> list[EmailMessage]:
    """Make the app's mail land in a list, and return the list."""
    outbox = Outbox()
    app.extensions["mail"] = outbox
    return outbox.sent
