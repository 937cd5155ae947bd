"""The fields of the JSON calls the widget and dialog frames make; a bad one is a 400 naming it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from klarna_emulator.access import require_json
from klarna_emulator.api.common import json_object
from klarna_emulator.errors import KlarnaApiError, klarna_error


def bad_field(name: str, expected: str) -> KlarnaApiError:
    """400 BAD_REQUEST: `<name>: expected <expected>`."""
    return klarna_error(400, "BAD_REQUEST", f"{name}: expected {expected}")


def frame_call() -> dict[str, Any]:
    """The call's JSON object, read only when sent as `application/json` (`require_json`)."""
    require_json()
    return json_object()


def text(body: Mapping[str, Any], name: str) -> str:
    """A required non-empty string field."""
    value = body.get(name)
    if not isinstance(value, str) or not value:
        raise bad_field(name, "a non-empty string")
    return value


def shopper_data(body: Mapping[str, Any]) -> dict[str, Any] | None:
    """The optional `data` argument of the SDK call: session fields, as an object."""
    data = body.get("data")
    if data is not None and not isinstance(data, dict):
        raise bad_field("data", "an object of session fields")
    return data


def flag(body: Mapping[str, Any], name: str, default: bool) -> bool:
    """An optional boolean field."""
    value = body.get(name, default)
    if not isinstance(value, bool):
        raise bad_field(name, "true or false")
    return value
