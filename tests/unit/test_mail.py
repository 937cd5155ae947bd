"""storefront.mail: the backends, the masked log line, and the MAIL_* settings."""

from __future__ import annotations

import logging
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any, ClassVar

import pytest
from flask import Flask

from storefront import mail
from storefront.config import ConfigError, build_config

VALID = {"SECRET_KEY": "k" * 32, "TESTING": True, "KLARNA_API_URL": "http://127.0.0.1:1/"}
VALID |= {"KLARNA_USERNAME": "user", "KLARNA_PASSWORD": "secret"}


def app_with(tmp_path: Path, **settings: Any) -> Flask:
    """A bare Flask app with the mail extension bound to `settings`."""
    app = Flask(__name__, instance_path=str(tmp_path))
    app.config.update(build_config(tmp_path, overrides={**VALID, **settings}))
    mail.init_app(app)
    return app


@pytest.mark.parametrize(
    ("address", "masked"),
    [
        ("customer@email.uk", "c***@e***.uk"),
        ("a.b+pend-accept-05@mail.example.com", "a***@m***.com"),
        ("not-an-address", "***"),
    ],
)
def test_addresses_are_masked(address: str, masked: str) -> None:
    assert mail.mask_address(address) == masked


def test_the_log_backend_logs_a_masked_address_and_never_the_content(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = app_with(tmp_path)
    with app.app_context(), caplog.at_level(logging.DEBUG, logger="storefront.mail"):
        mail.send("jane.doe@email.uk", "Your order FF-AAAA-BBBB", "Jane Doe, 1 Secret Street")
    assert caplog.messages == ["mail sent to j***@e***.uk: Your order FF-AAAA-BBBB"]


def test_the_file_backend_writes_a_private_eml_file(tmp_path: Path) -> None:
    app = app_with(tmp_path, MAIL_BACKEND="file")
    with app.app_context():
        mail.send("jane@email.uk", "Hello", "Plain text", html="<p>HTML</p>")
    (path,) = (tmp_path / "mail").iterdir()
    assert path.suffix == ".eml"
    assert path.stat().st_mode & 0o777 == 0o600
    email = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert email["To"] == "jane@email.uk"
    assert email["From"] == mail.DEMO_SENDER
    assert email.get_body(("plain",)).get_content().strip() == "Plain text"  # type: ignore[union-attr]
    assert email.get_body(("html",)).get_content().strip() == "<p>HTML</p>"  # type: ignore[union-attr]


class FakeSmtp:
    """Records what the SMTP backend does with its connection."""

    calls: ClassVar[list[tuple[str, Any]]] = []

    def __init__(self, host: str, port: int, timeout: float) -> None:
        self.calls.append(("connect", (host, port, timeout)))

    def __enter__(self) -> FakeSmtp:
        return self

    def __exit__(self, *exc: object) -> None:
        self.calls.append(("quit", None))

    def starttls(self, context: object) -> None:
        self.calls.append(("starttls", None))

    def login(self, user: str, password: str) -> None:
        self.calls.append(("login", user))

    def send_message(self, email: Any) -> None:
        self.calls.append(("send", email["To"]))


def test_the_smtp_backend_starts_tls_logs_in_and_sends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    FakeSmtp.calls = []
    monkeypatch.setattr(mail.smtplib, "SMTP", FakeSmtp)
    app = app_with(
        tmp_path,
        MAIL_BACKEND="smtp",
        MAIL_SERVER="smtp.example.com",
        MAIL_SENDER="Shop <orders@shop.example.com>",
        MAIL_USERNAME="orders",
        MAIL_PASSWORD="app-password",
    )
    with app.app_context():
        mail.send_message(mail.Message("jane@email.uk", "Hi", "Body"))
    assert FakeSmtp.calls == [
        ("connect", ("smtp.example.com", 587, mail.SMTP_TIMEOUT_SECONDS)),
        ("starttls", None),
        ("login", "orders"),
        ("send", "jane@email.uk"),
        ("quit", None),
    ]


@pytest.mark.parametrize(
    ("settings", "problem"),
    [
        ({"MAIL_BACKEND": "pigeon"}, "MAIL_BACKEND: expected one of log, file, smtp"),
        ({"MAIL_BACKEND": "smtp", "MAIL_SENDER": "a@b.c"}, "MAIL_SERVER: is not set"),
        ({"MAIL_BACKEND": "smtp", "MAIL_SERVER": "smtp.b.c"}, "MAIL_SENDER: is not set"),
        ({"MAIL_USERNAME": "orders"}, "MAIL_PASSWORD: is missing"),
        ({"MAIL_PORT": "0"}, "MAIL_PORT: expected 1 or more"),
    ],
)
def test_bad_mail_settings_stop_the_start_naming_the_setting(
    tmp_path: Path, settings: dict[str, str], problem: str
) -> None:
    with pytest.raises(ConfigError, match=problem):
        build_config(tmp_path, overrides={**VALID, **settings})
