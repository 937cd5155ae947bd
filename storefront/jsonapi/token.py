"""`POST /oauth/token`: an access token for a client's credentials (OAuth client credentials)."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request

from storefront.jsonapi.documents import check_content_type, json_body
from storefront.jsonapi.errors import MEDIA_TYPE, ApiProblem
from storefront.jsonapi.views import bp
from storefront.services.api_clients import issue_token

FORM = "application/x-www-form-urlencoded"
FIELDS = ("grant_type", "client_id", "client_secret", "scope")


@bp.post("/oauth/token")
def token() -> Response:
    """Exchange `client_id`, `client_secret` and `scope=market:code:XX` for a bearer token."""
    check_content_type(MEDIA_TYPE, "application/json", FORM)
    given = token_request()
    if given["grant_type"] != "client_credentials":
        raise ApiProblem(
            400,
            "UNSUPPORTED_GRANT_TYPE",
            "Unsupported grant type",
            "Use grant_type client_credentials.",
            "/grant_type",
        )
    issued = issue_token(given["client_id"], given["client_secret"], given["scope"])
    answer = jsonify(
        access_token=issued.token,
        token_type="bearer",  # noqa: S106 - OAuth's name of the token's kind, not a secret
        expires_in=issued.expires_in,
        scope=f"market:code:{issued.grant.market}",
    )
    answer.headers["Cache-Control"] = "no-store"  # OAuth 2.0 (RFC 6749, section 5.1)
    return answer


def token_request() -> dict[str, str]:
    """The four fields, from a form or a JSON body; 400 naming a missing or non-text one."""
    source: Any = request.form if request.mimetype == FORM else json_body()
    if not isinstance(source, dict) and request.mimetype != FORM:
        raise ApiProblem(400, "BAD_REQUEST", "Bad body", "Send a JSON object.")
    fields = {}
    for name in FIELDS:
        value = source.get(name)
        if not isinstance(value, str) or not value or len(value) > 255 or "\x00" in value:
            raise ApiProblem(
                400, "INVALID_REQUEST", "Invalid request", f"{name} is required.", f"/{name}"
            )
        fields[name] = value
    return fields
