"""The door's blueprint: content negotiation, bearer authentication and error documents."""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, Response, g, jsonify, request
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from storefront.clock import utcnow
from storefront.extensions import db
from storefront.jsonapi.documents import check_accept
from storefront.jsonapi.errors import MEDIA_TYPE, ApiProblem, error_response, handled
from storefront.services.api_clients import Grant, InvalidToken, read_token

log = logging.getLogger(__name__)
bp = Blueprint("api", __name__)
# Seconds a client is asked to wait when the database is overloaded (as the pages do).
BUSY_RETRY_AFTER_SECONDS = "5"


def today() -> Any:
    """Today's date in UTC, the calendar coupon validity is kept in."""
    return utcnow().date()


@bp.before_request
def negotiate() -> None:
    """Refuse an Accept header that excludes JSON:API (406) before anything else.

    The token endpoint is OAuth's, not JSON:API's: it answers application/json to anyone.
    """
    if request.endpoint != "api.token":
        check_accept()


def grant() -> Grant:
    """The grant of the request's bearer token (401 without a valid one)."""
    if "grant" not in g:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise InvalidToken("Send Authorization: Bearer <access token> (POST /oauth/token).")
        g.grant = read_token(token.strip())
    result: Grant = g.grant
    return result


def document(data: Any, status: int = 200, **members: Any) -> Response:
    """A JSON:API document answering the request."""
    response = jsonify(data=data, **members)
    response.status_code = status
    response.content_type = MEDIA_TYPE
    return response


@bp.errorhandler(Exception)
def api_error(error: Exception) -> Response:
    """Every error of the door as an error document; the transaction is rolled back first."""
    db.session.rollback()
    problems = handled(error)
    if problems is not None:
        return error_response(problems)
    if isinstance(error, PoolTimeout | OperationalError):
        log.error("Database busy: %s", error)
        busy = error_response(
            [ApiProblem(503, "BUSY", "Busy", "Nothing was changed: try again in a few seconds.")]
        )
        busy.headers["Retry-After"] = BUSY_RETRY_AFTER_SECONDS
        return busy
    log.exception("Unhandled error in the API")
    return error_response([ApiProblem(500, "INTERNAL_ERROR", "Internal error")])
