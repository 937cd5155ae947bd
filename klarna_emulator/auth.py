"""HTTP Basic authentication of the merchant, answering 401 the way Klarna's edge does.

Klarna docs: https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/integrate-via-sdk/step-1-initiate-a-payment
(Basic auth with the API username and password). A recorded playground exchange
(solidus_klarna_payments, payment_methods_controller_passing_invalid_credentials.yml) shows
the 401 is an HTML page with `WWW-Authenticate: Basic realm="very closed site"`, not JSON.
"""

from __future__ import annotations

import hmac

from flask import Response, request

from klarna_emulator.emulator import current_emulator

UNAUTHORIZED_PAGE = (
    "<html>\r\n<head><title>401 Authorization Required</title></head>\r\n<body>\r\n"
    "<center><h1>401 Authorization Required</h1></center>\r\n<hr><center>openresty</center>\r\n"
    "</body>\r\n</html>\r\n"
)


def _same(given: str | None, expected: str) -> bool:
    return hmac.compare_digest((given or "").encode(), expected.encode())


def unauthorized() -> Response:
    """Klarna's 401: an HTML page and a Basic challenge."""
    return Response(
        UNAUTHORIZED_PAGE,
        status=401,
        content_type="text/html",
        headers={"WWW-Authenticate": 'Basic realm="very closed site"'},
    )


def require_merchant() -> Response | None:
    """Blueprint hook: let the request through only with the merchant's Basic credentials."""
    settings = current_emulator().settings
    credentials = request.authorization
    if (
        credentials is None
        or credentials.type != "basic"
        or not _same(credentials.username, settings.username)
        or not _same(credentials.password, settings.password)
    ):
        return unauthorized()
    return None
