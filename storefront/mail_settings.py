"""The mail settings (MAIL_*): which backend sends the shop's e-mail, and the SMTP server's."""

from __future__ import annotations

from storefront.config_values import Setting, parse_bool, parse_text, whole_number

# Where mail goes: "log" only logs that a mail was sent (to a masked address), "file" writes
# each mail as an .eml file into instance/mail/ (demo mode), "smtp" sends it (production).
MAIL_BACKENDS = ("log", "file", "smtp")


def parse_mail_backend(value: object) -> str:
    """Accept one of MAIL_BACKENDS."""
    backend = parse_text(value).strip().lower()
    if backend not in MAIL_BACKENDS:
        raise ValueError(f"expected one of {', '.join(MAIL_BACKENDS)}, got {value!r}")
    return backend


MAIL_SETTINGS: tuple[Setting, ...] = (
    Setting(
        "MAIL_BACKEND",
        "log",
        parse_mail_backend,
        'How the shop sends e-mail (order confirmations): "log" (default) logs only that a '
        'mail went to a masked address; "file" writes .eml files into instance/mail/ '
        '(`python app.py` uses it); "smtp" sends through MAIL_SERVER (production).',
    ),
    Setting("MAIL_SERVER", None, parse_text, 'SMTP host; required when MAIL_BACKEND is "smtp".'),
    Setting("MAIL_PORT", 587, whole_number("port", 1), "SMTP port (default 587, STARTTLS)."),
    Setting(
        "MAIL_USE_TLS",
        True,
        parse_bool,
        "Upgrade the SMTP connection with STARTTLS before logging in (default true); "
        "false only for a relay on the same machine.",
    ),
    Setting("MAIL_USERNAME", None, parse_text, "SMTP login name, if the server wants one."),
    Setting("MAIL_PASSWORD", None, parse_text, "SMTP password; set with MAIL_USERNAME."),
    Setting(
        "MAIL_SENDER",
        None,
        parse_text,
        'The From address of the shop\'s mail, e.g. "Fjord & Field <orders@shop.example.com>"; '
        'required when MAIL_BACKEND is "smtp".',
    ),
)
