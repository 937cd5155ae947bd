"""Security headers on every response (a CSP built from config), request body limits, and
secret comparison."""

from __future__ import annotations

import hmac
import io
from collections.abc import Iterable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from flask import Flask, Response, abort, current_app, request

from storefront.klarna.sdk import CDN_SDK_URL

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

# Origins Klarna's hosted SDK loads frames, scripts, images and API calls from. The SDK
# injects iframes from these hosts; Klarna docs: https://docs.klarna.com/payments/web-payments/additional-resources/klarna-payments-sdk-reference
KLARNA_HOSTED_ORIGINS = (
    "https://x.klarnacdn.net",
    "https://*.klarna.com",
    "https://*.klarnacdn.net",
    "https://*.klarnaservices.com",
    "https://*.playground.klarna.com",
    "https://*.klarnaevt.com",
)


def origin_of(url: str) -> str:
    """Return scheme://host[:port] of a URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def klarna_origins(sdk_url: str) -> tuple[str, ...]:
    """The origins the Klarna widget needs: Klarna's hosts, or the emulator's own origin."""
    if sdk_url == CDN_SDK_URL:
        return KLARNA_HOSTED_ORIGINS
    return (origin_of(sdk_url),)


def content_security_policy(sdk_url: str) -> str:
    """A CSP allowing only this shop and the configured Klarna (or emulator) origins."""
    klarna = " ".join(klarna_origins(sdk_url))
    directives = {
        "default-src": "'self'",
        "script-src": f"'self' {klarna}",
        "frame-src": klarna,
        "connect-src": f"'self' {klarna}",
        "img-src": f"'self' data: {klarna}",
        "style-src": "'self'",
        "font-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        # The place-order POST redirects to Klarna's redirect_url, which returns the shopper.
        "form-action": f"'self' {klarna}",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def matches_secret(given: str, expected: str | None) -> bool:
    """Compare a presented secret in constant time (no timing hint of how much matched)."""
    return expected is not None and hmac.compare_digest(given.encode(), expected.encode())


def refuse_unnamed_form_fields() -> None:
    """Answer 400 to a form body with a nameless part, before CSRF protection reads it.

    Werkzeug keeps a multipart part without a name under the key None, on which Flask-WTF's
    CSRF check fails with an exception (a 500); no browser sends such a part.
    """
    if request.mimetype == "multipart/form-data" and (
        None in request.form or None in request.files
    ):
        abort(400, description="The form could not be read. Please reload the page and retry.")


# Page areas that show a shopper's name, addresses or order: never stored by a browser or a
# shared cache, so the next user of the computer cannot page back to them. The JSON:API door
# (`api`) answers with customers' addresses and tokens: no cache keeps those either.
PERSONAL_BLUEPRINTS = frozenset({"checkout", "payment", "orders", "admin", "admin_auth", "api"})

# Browsers keep to HTTPS for a year once they have seen this over HTTPS.
HSTS = "max-age=31536000"


def init_app(app: Flask) -> None:
    """Add the security headers to every response, and the body limit to every request."""
    policy = content_security_policy(app.config["KLARNA_SDK_URL"])
    https = urlsplit(app.config.get("PUBLIC_URL") or "").scheme == "https"

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if https:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        if request.blueprint in PERSONAL_BLUEPRINTS:
            response.headers["Cache-Control"] = "no-store"
        return response

    app.before_request(refuse_unknown_host)
    app.wsgi_app = BodyLimit(app.wsgi_app, app.config["MAX_CONTENT_LENGTH"])  # type: ignore[method-assign]


def refuse_unknown_host() -> None:
    """Answer 400 to a request for a host other than PUBLIC_URL's (PUBLIC_HOSTS).

    Nothing the shop sends out is built from Host, but a request for another name is either
    a misrouted one or a DNS-rebinding page; neither gets an answer. (Flask's TRUSTED_HOSTS
    would do this too, but cannot name an IPv6 address such as [::1].)
    """
    allowed = current_app.config.get("PUBLIC_HOSTS")
    if not allowed:
        return
    try:
        name = urlsplit(f"//{request.host}").hostname
    except ValueError:  # an unbalanced [ in the header
        name = None
    if name not in allowed:
        abort(400, description="This shop does not answer for that host name.")


class BodyLimit:
    """Give a chunked request body a length, so one over the limit is refused (413), not cut.

    Werkzeug refuses a body whose Content-Length is over MAX_CONTENT_LENGTH, but a chunked
    body has no length: it would be read up to the limit and silently truncated. So a body
    without a length is read here, up to one byte past the limit, and handed on with the
    length it has; the app then refuses it exactly as it refuses an announced one.
    """

    def __init__(self, app: WSGIApplication, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        """Buffer a length-less body (at most one byte past the limit), then call the app."""
        if not environ.get("CONTENT_LENGTH") and environ.get("wsgi.input_terminated"):
            body = environ["wsgi.input"].read(self.max_bytes + 1)
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
            # The body is de-chunked now; werkzeug ignores the length of a chunked one.
            environ.pop("HTTP_TRANSFER_ENCODING", None)
        return self.app(environ, start_response)
