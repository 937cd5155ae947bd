"""Check Klarna API responses against Klarna's own OpenAPI files (vendored in the emulator).

Usable by any suite: `assert_valid_response(method, path, status, content_type, body)` takes
what came over the wire; `assert_valid_http_response(response)` takes a `requests` response.

Rules, where the files are silent:
- an error status the operation declares without a body schema (or does not declare) must
  carry Klarna's envelope and validate against the API's error schema;
- a success the operation declares without a schema (204, 201, 202) must have an empty body;
- a success status the operation does not declare fails, with a body or without;
- 401 is Klarna's HTML page (their edge answers it, not the API), so it is not JSON;
- a path or method the API lacks may only fail, with the envelope.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any
from urllib.parse import urlsplit

import requests

from klarna_emulator.spec import load_spec, validator_for

API_PREFIXES = {
    "/payments/v1/": "payments",
    "/ordermanagement/v1/": "ordermanagement",
    "/customer-token/v1/": "customer-token",
}
ERROR_SCHEMAS = {
    "payments": "ErrorV2",
    "ordermanagement": "ErrorMessageDto",
    "customer-token": "ErrorV2",
}
ENVELOPE_KEYS = ("error_code", "error_messages", "correlation_id")


class InvalidResponse(AssertionError):
    """A response that breaks Klarna's OpenAPI description."""


def api_of(path: str) -> str | None:
    """Which Klarna API a request path belongs to (None for anything else)."""
    return next((api for prefix, api in API_PREFIXES.items() if path.startswith(prefix)), None)


@cache
def _templates(api: str) -> list[tuple[re.Pattern[str], str]]:
    return [
        (re.compile("^" + re.sub(r"\{[^/]+\}", "[^/]+", template) + "$"), template)
        for template in load_spec(api)["paths"]
    ]


def operation(api: str, method: str, path: str) -> dict[str, Any] | None:
    """The OpenAPI operation object for a request (None: the API has no such operation)."""
    bare = path.split("?", 1)[0]
    for pattern, template in _templates(api):
        if pattern.match(bare):
            operations: dict[str, Any] = load_spec(api)["paths"][template]
            return operations.get(method.lower())
    return None


def _json_schema(declared: dict[str, Any] | None) -> dict[str, Any] | None:
    content = (declared or {}).get("content") or {}
    for media_type, entry in content.items():
        schema = entry.get("schema")
        if "json" in media_type and schema and schema.get("type") != "string":
            return schema
    return None


def _validate(api: str, schema: dict[str, Any], body: Any, where: str) -> None:
    errors = sorted(validator_for(schema, api).iter_errors(body), key=lambda e: list(e.path))
    if errors:
        details = "; ".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])
        raise InvalidResponse(f"{where}: {details}")


def assert_valid_response(
    method: str, path: str, status: int, content_type: str | None, body: bytes
) -> None:
    """Raise InvalidResponse unless the response matches Klarna's OpenAPI for the request."""
    api = api_of(path)
    if api is None:
        raise InvalidResponse(f"{path} is not a Klarna API path")
    where = f"{method} {path} -> {status}"
    if status == 401:
        if not (content_type or "").startswith("text/html"):
            raise InvalidResponse(f"{where}: Klarna's 401 is an HTML page, got {content_type}")
        return
    found = operation(api, method, path)
    if found is None and status < 400:
        raise InvalidResponse(f"{where}: not an operation of Klarna's {api} API, yet it succeeded")
    responses = (found or {}).get("responses", {})
    if status < 400 and str(status) not in responses:
        raise InvalidResponse(f"{where}: Klarna's OpenAPI declares no {status} for the operation")
    schema = _json_schema(responses.get(str(status)))
    if schema is None and status >= 400:
        schema = {"$ref": f"#/components/schemas/{ERROR_SCHEMAS[api]}"}
    if schema is None:
        if body:
            raise InvalidResponse(f"{where}: expected an empty body, got {body[:80]!r}")
        return
    if not (content_type or "").startswith("application/json"):
        raise InvalidResponse(f"{where}: expected JSON, got {content_type}")
    document = json.loads(body)
    if status >= 400:
        missing = [key for key in ENVELOPE_KEYS if key not in document]
        if missing:
            raise InvalidResponse(f"{where}: error envelope lacks {missing}")
    _validate(api, schema, document, where)


def assert_valid_http_response(response: requests.Response) -> None:
    """`assert_valid_response` for a `requests` response (method and path from its request)."""
    assert_valid_response(
        str(response.request.method),
        urlsplit(str(response.request.url)).path,
        response.status_code,
        response.headers.get("Content-Type"),
        response.content,
    )
