"""POST /graphql: one JSON request in, one GraphQL answer out, with every limit applied.

Only `Content-Type: application/json` POSTs are answered (415 otherwise). That is also why the
endpoint is exempt from the CSRF token: a page on another site can make a browser send a
form or plain-text POST (a "simple" request) without asking, but a JSON POST to another origin
needs a CORS preflight, which the shop never grants; and the door keeps no cookie state: a
cart is reached only by its masked id. Introspection is on in demo mode only
(GRAPHQL_INTROSPECTION).
"""

from __future__ import annotations

import logging
from typing import Any

from ariadne import graphql_sync
from flask import Blueprint, Response, current_app, jsonify, request
from graphql import GraphQLSchema

from storefront.extensions import csrf
from storefront.graphql.errors import format_error, refuse_nul_text
from storefront.graphql.limits import MAX_REQUEST_BYTES, parse_document, validation_rules
from storefront.markets import MARKETS, market_for

bp = Blueprint("graphql", __name__)
csrf.exempt(bp)

# Ariadne logs every error of an answer with the request's text around it, which can hold a
# shopper's address or e-mail; refusals are answers, not faults, and unexpected errors are
# logged by `format_error` without the request. So Ariadne's own log goes nowhere.
ARIADNE_LOG = logging.getLogger("storefront.graphql.ariadne")
ARIADNE_LOG.disabled = True


def problem(status: int, message: str) -> tuple[Response, int]:
    """A request refused before GraphQL runs, as a GraphQL-shaped error."""
    return jsonify(errors=[{"message": message, "extensions": {"category": "graphql-input"}}]), (
        status
    )


def request_body() -> dict[str, Any] | tuple[Response, int]:
    """The request's JSON object, or the error answer that refuses it."""
    if request.mimetype != "application/json":
        return problem(415, "Send the query as JSON (Content-Type: application/json).")
    if (request.content_length or 0) > MAX_REQUEST_BYTES:
        return problem(413, f"The request is larger than {MAX_REQUEST_BYTES} bytes.")
    try:
        body = request.get_json(silent=True)
    except RecursionError:
        body = None
    if not isinstance(body, dict) or not isinstance(body.get("query"), str):
        return problem(400, 'Send a JSON object with a "query" string.')
    variables = body.get("variables")
    if variables is not None and not isinstance(variables, dict):
        return problem(400, '"variables" must be a JSON object.')
    return body


@bp.post("/graphql")
def graphql() -> tuple[Response, int]:
    """Run one GraphQL operation against the shop's schema."""
    body = request_body()
    if not isinstance(body, dict):
        return body
    store = request.headers.get("Store", "").upper()
    if store and store not in MARKETS:
        return problem(400, "Requested store is not found")
    schema: GraphQLSchema = current_app.extensions["graphql_schema"]
    _, result = graphql_sync(
        schema,
        body,
        context_value={"market": market_for(store), "named_store": store or None},
        query_parser=parse_document,
        validation_rules=validation_rules(body.get("variables")),
        introspection=current_app.config["GRAPHQL_INTROSPECTION"],
        error_formatter=format_error,
        middleware=[refuse_nul_text],
        logger=ARIADNE_LOG,
    )
    return jsonify(result), 200
