"""Security headers on every response (a CSP built from config), and secret comparison."""

from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from flask import Flask, Response, abort, request

from storefront.config import KLARNA_CDN_SDK_URL

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
    if sdk_url == KLARNA_CDN_SDK_URL:
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


def init_app(app: Flask) -> None:
    """Add the security headers to every response of this app."""
    policy = content_security_policy(app.config["KLARNA_SDK_URL"])

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response
