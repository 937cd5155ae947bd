"""Shopper e-mail: `send(to, subject, body)`, delivered by the demo's logging backend.

The demo sends nothing: each message is kept in the app's outbox (the last 100, for the
developer and the tests) and one log line names its subject, never its recipient or body,
which hold personal data. A real deployment replaces `deliver` with its mail provider.
"""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass

from flask import Flask, current_app

log = logging.getLogger(__name__)
OUTBOX_SIZE = 100


@dataclass(frozen=True)
class Message:
    """One e-mail to a shopper."""

    to: str
    subject: str
    body: str


def init_app(app: Flask) -> None:
    """Give the app its outbox."""
    app.extensions["mail_outbox"] = deque(maxlen=OUTBOX_SIZE)


def send(to: str, subject: str, body: str) -> None:
    """Send one e-mail (demo: keep it in the outbox and log its subject)."""
    outbox(current_app).append(Message(to=to, subject=subject, body=body))
    log.info("mail sent: %s", subject)


def outbox(app: Flask) -> deque[Message]:
    """The messages sent so far, oldest first."""
    return app.extensions.setdefault("mail_outbox", deque(maxlen=OUTBOX_SIZE))
