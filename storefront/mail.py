"""Sending e-mail: one `send` for the whole shop, through the backend MAIL_BACKEND names.

Backends: "log" writes one line that a mail went out, to a masked address, and never its
content (it holds personal data); "file" writes each mail as an .eml file into instance/mail/
(demo mode: open them in a mail program); "smtp" sends through MAIL_SERVER. The standard
library's `email` and `smtplib` do the work: well kept, and no dependency to add.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any, Protocol

from flask import Flask, current_app

log = logging.getLogger(__name__)

# The From address when MAIL_SENDER is unset (the log and file backends send nothing).
DEMO_SENDER = "Fjord & Field <orders@shop.invalid>"
# Seconds an SMTP connection may take to open or answer.
SMTP_TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class Message:
    """One e-mail: a recipient, a subject, a plain-text body and optionally an HTML one."""

    to: str
    subject: str
    body: str
    html: str | None = None


class MailBackend(Protocol):
    """Delivers a built e-mail."""

    def deliver(self, email: EmailMessage) -> None:
        """Send, write or log the e-mail; raise OSError (or smtplib's errors) if it failed."""


def mask_address(address: str) -> str:
    """An address for logs: first letters and the top-level domain, e.g. c***@e***.uk."""
    local, _, domain = address.rpartition("@")
    name, _, tld = domain.rpartition(".")
    if not local or not name:
        return "***"
    return f"{local[0]}***@{name[0]}***.{tld}"


class LogBackend:
    """Logs that a mail was sent and to whom (masked); the content never reaches the log."""

    def deliver(self, email: EmailMessage) -> None:
        """Log one line for the mail."""
        log.info("mail sent to %s: %s", mask_address(str(email["To"])), email["Subject"])


class FileBackend:
    """Writes each mail as an .eml file into a folder (demo mode), readable by its owner only."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def deliver(self, email: EmailMessage) -> None:
        """Write the mail to a new file and log where (the address masked)."""
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = self.folder / f"{uuid.uuid4().hex}.eml"
        path.touch(mode=0o600)
        path.write_bytes(email.as_bytes())
        log.info("mail to %s written to %s", mask_address(str(email["To"])), path.name)


class SmtpBackend:
    """Sends through an SMTP server, with STARTTLS unless turned off (a relay on localhost)."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.host = config["MAIL_SERVER"]
        self.port = config["MAIL_PORT"]
        self.use_tls = config["MAIL_USE_TLS"]
        self.username = config.get("MAIL_USERNAME")
        self.password = config.get("MAIL_PASSWORD")

    def deliver(self, email: EmailMessage) -> None:
        """Open a connection, log in if configured, send the one mail."""
        with smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT_SECONDS) as server:
            if self.use_tls:
                server.starttls(context=ssl.create_default_context())
            if self.username and self.password:
                server.login(self.username, self.password)
            server.send_message(email)
        log.info("mail sent to %s: %s", mask_address(str(email["To"])), email["Subject"])


BACKENDS: dict[str, Callable[[Flask], MailBackend]] = {
    "log": lambda app: LogBackend(),
    "file": lambda app: FileBackend(Path(app.instance_path) / "mail"),
    "smtp": lambda app: SmtpBackend(app.config),
}


def init_app(app: Flask) -> None:
    """Pick the backend MAIL_BACKEND names (validated by storefront.config)."""
    app.extensions["mail"] = BACKENDS[app.config.get("MAIL_BACKEND") or "log"](app)


def build(message: Message, sender: str) -> EmailMessage:
    """The e-mail as sent: headers, the text body, and the HTML body as an alternative."""
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.to
    email["Subject"] = message.subject
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].rstrip(">") or None)
    email.set_content(message.body)
    if message.html is not None:
        email.add_alternative(message.html, subtype="html")
    return email


def send(to: str, subject: str, body: str, html: str | None = None) -> None:
    """Send one e-mail through the app's backend; raises what the backend raises on failure."""
    send_message(Message(to, subject, body, html))


def send_message(message: Message) -> None:
    """Send a `Message` through the app's backend."""
    sender = current_app.config.get("MAIL_SENDER") or DEMO_SENDER
    backend: MailBackend = current_app.extensions["mail"]
    backend.deliver(build(message, sender))
