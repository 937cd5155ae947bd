"""Who may talk to the emulator: the Host check on every request, and the control plane's
token and JSON-only rule.

The control plane reads and rewrites everything (shoppers' addresses and e-mails,
authorization tokens, callback URLs with their secrets), so a web page the developer happens
to visit must not reach it: not by DNS rebinding (a hostile name resolving to 127.0.0.1, whose
requests carry that name in `Host`), and not by a cross-site "simple" POST (`text/plain` or
form bodies, which browsers send without asking the server first).
"""

from __future__ import annotations

import hmac

from flask import request

from klarna_emulator.emulator import current_emulator
from klarna_emulator.errors import klarna_error

CONTROL_TOKEN_HEADER = "X-Emulator-Token"  # noqa: S105 - a header name, not a secret
CONTROL_TOKEN_PARAMETER = "token"  # noqa: S105 - a query parameter's name, not a secret
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def host_name(host: str) -> str:
    """The name in a `Host` value, lower case, without its port (`[::1]:5001` -> `[::1]`)."""
    name = host.lower()
    if name.startswith("["):
        return name.partition("]")[0] + "]"
    return name.partition(":")[0]


def check_host() -> None:
    """Refuse a request whose `Host` names a host the emulator does not serve: 421.

    421 Misdirected Request (https://www.rfc-editor.org/rfc/rfc9110#status.421): the request is
    well formed but aimed at an authority this server will not answer for, which is what a
    DNS-rebinding page's request is. Flask's TRUSTED_HOSTS would answer 400, but cannot list
    `[::1]` (Werkzeug 3.1 cuts a trusted name at its first colon).
    """
    if host_name(request.host) not in current_emulator().settings.allowed_hosts:
        raise klarna_error(
            421,
            "MISDIRECTED_REQUEST",
            f"Host {request.host!r} is not served here (see ALLOWED_HOSTS in the emulator README)",
        )


def require_json() -> None:
    """Refuse a body not declared `application/json`: 415.

    A cross-site page can send `text/plain` or a form without a CORS preflight, but JSON only
    after one, which the emulator never answers; so JSON-only endpoints are safe from them.
    """
    if not request.is_json:
        raise klarna_error(415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type: expected application/json")


def sent_token() -> str:
    """The control token the request carries: its header, or for a read `?token=` (the HTML
    views are opened by a person's browser, which cannot add a header to a link)."""
    sent = request.headers.get(CONTROL_TOKEN_HEADER, "")
    if not sent and request.method in READ_ONLY_METHODS:
        sent = request.args.get(CONTROL_TOKEN_PARAMETER, "")
    return sent


def guard_control_plane() -> None:
    """The control plane's gate: its token when one is configured (403 without it, compared in
    constant time), then `application/json` for every write, bodiless ones included."""
    token = current_emulator().settings.control_token
    if token is not None:
        sent = sent_token()
        if not hmac.compare_digest(sent.encode(), token.encode()):
            raise klarna_error(403, "FORBIDDEN", f"{CONTROL_TOKEN_HEADER}: missing or wrong")
    if request.method not in READ_ONLY_METHODS:
        require_json()
