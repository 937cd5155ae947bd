"""Reading JSON:API requests: media types, the body's resource object, typed members.

Everything a client sends is checked here before a service sees it, and each refusal names
the member at fault (`source.pointer`), so bad input is a 4xx, never a 500.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from flask import request

from storefront.jsonapi.errors import ATTRIBUTES, MEDIA_TYPE, ApiProblem

# Ids the door hands out (secrets.token_urlsafe) and sku codes: anything else is not found.
ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")
ACCEPTABLE = (MEDIA_TYPE, "application/*", "*/*")


def check_accept() -> None:
    """406 unless the client accepts JSON:API without media type parameters (JSON:API 1.0)."""
    accept = request.accept_mimetypes
    if not request.headers.get("Accept"):
        return
    if not any(acceptable(value, quality) for value, quality in accept):
        raise ApiProblem(
            406, "NOT_ACCEPTABLE", "Not acceptable", f"Accept {MEDIA_TYPE} to use this API."
        )


def acceptable(value: str, quality: float) -> bool:
    """Whether one Accept entry admits the JSON:API media type, unmodified."""
    return quality > 0 and value in ACCEPTABLE and ";" not in value


def check_content_type(*allowed: str) -> None:
    """415 unless the body is sent as one of `allowed` (JSON:API: no media type parameters)."""
    given = request.headers.get("Content-Type", "")
    media_type = given.split(";", 1)[0].strip().lower()
    has_parameters = ";" in given and media_type == MEDIA_TYPE
    if media_type not in allowed or has_parameters:
        raise ApiProblem(
            415,
            "UNSUPPORTED_MEDIA_TYPE",
            "Unsupported media type",
            f"Send the body as {' or '.join(allowed)}.",
        )


def json_body() -> Any:
    """The request body parsed as JSON, with no NUL or unpaired surrogate in any string."""
    try:
        body = json.loads(request.get_data(cache=True))
        check_text(body)
    except (ValueError, RecursionError):
        raise ApiProblem(400, "BAD_REQUEST", "Malformed JSON", "The body is not JSON.") from None
    return body


def check_text(value: Any) -> None:
    """ValueError for a string no database column can hold (NUL, unpaired surrogate)."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("NUL in a string")
        value.encode("utf-8")  # UnicodeEncodeError (a ValueError) on an unpaired surrogate
    elif isinstance(value, dict):
        for key, item in value.items():
            check_text(key)
            check_text(item)
    elif isinstance(value, list):
        for item in value:
            check_text(item)


@dataclass(frozen=True)
class Resource:
    """The resource object a request body carries."""

    type: str
    id: str | None
    attributes: dict[str, Any]
    relationships: dict[str, Any]

    def text(self, name: str, *, max_length: int = 255, required: bool = False) -> str | None:
        """An attribute that must be a string (None: not sent)."""
        value = self.attributes.get(name)
        if value is None:
            if required:
                raise missing(name)
            return None
        if not isinstance(value, str) or len(value) > max_length:
            raise invalid(name, f"a string of at most {max_length} characters")
        return value

    def integer(self, name: str, *, required: bool = False) -> int | None:
        """An attribute that must be an integer (None: not sent)."""
        value = self.attributes.get(name)
        if value is None:
            if required:
                raise missing(name)
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise invalid(name, "an integer")
        return value

    def flag(self, name: str) -> bool:
        """A trigger attribute such as `_place`: true, or absent (false)."""
        value = self.attributes.get(name, False)
        if not isinstance(value, bool):
            raise invalid(name, "true or false")
        return value

    def mapping(self, name: str) -> dict[str, Any] | None:
        """An attribute that must be a JSON object (None: not sent)."""
        value = self.attributes.get(name)
        if value is not None and not isinstance(value, dict):
            raise invalid(name, "an object")
        return value

    def related_id(self, name: str, kind: str, *, required: bool = False) -> str | None:
        """The id of a to-one relationship of type `kind` (None: not sent)."""
        pointer = f"/data/relationships/{name}"
        member = self.relationships.get(name)
        if member is None:
            if required:
                raise ApiProblem(
                    422,
                    "MISSING_RELATIONSHIP",
                    "Missing relationship",
                    f"{name} is required.",
                    pointer,
                )
            return None
        data = member.get("data") if isinstance(member, dict) else None
        if not isinstance(data, dict) or data.get("type") != kind:
            raise ApiProblem(
                422,
                "INVALID_RELATIONSHIP",
                "Invalid relationship",
                f'{name} must be {{"data": {{"type": "{kind}", "id": ...}}}}.',
                f"{pointer}/data",
            )
        related = data.get("id")
        if not isinstance(related, str) or not ID_PATTERN.fullmatch(related):
            raise ApiProblem(
                404, "NOT_FOUND", "Not found", f"No {kind} with that id.", f"{pointer}/data/id"
            )
        return related


def missing(name: str) -> ApiProblem:
    """A required attribute that was not sent."""
    return ApiProblem(
        422,
        "MISSING_ATTRIBUTE",
        "Missing attribute",
        f"{name} is required.",
        f"{ATTRIBUTES}/{name}",
    )


def invalid(name: str, expected: str) -> ApiProblem:
    """An attribute of the wrong kind."""
    return ApiProblem(
        422,
        "INVALID_ATTRIBUTE",
        "Invalid attribute",
        f"{name} must be {expected}.",
        f"{ATTRIBUTES}/{name}",
    )


def resource(kind: str, *, resource_id: str | None = None) -> Resource:
    """The body's resource object of type `kind` (with `resource_id`, for a PATCH)."""
    check_content_type(MEDIA_TYPE)
    body = json_body()
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict):
        raise ApiProblem(400, "BAD_REQUEST", "Missing data", 'Send {"data": {...}}.', "/data")
    if data.get("type") != kind:
        raise ApiProblem(409, "CONFLICT", "Wrong type", f"type must be {kind}.", "/data/type")
    if resource_id is not None and data.get("id") != resource_id:
        raise ApiProblem(409, "CONFLICT", "Wrong id", "id must be the URL's id.", "/data/id")
    members = {}
    for member in ("attributes", "relationships"):
        value = data.get(member, {})
        if not isinstance(value, dict):
            raise ApiProblem(
                400, "BAD_REQUEST", f"Bad {member}", "Must be an object.", f"/data/{member}"
            )
        members[member] = value
    return Resource(kind, resource_id, members["attributes"], members["relationships"])


def path_id(value: str) -> str:
    """An id from the URL, or 404 (no id the door hands out looks otherwise)."""
    if not ID_PATTERN.fullmatch(value):
        raise ApiProblem(404, "NOT_FOUND", "Not found", "No resource with that id.")
    return value
