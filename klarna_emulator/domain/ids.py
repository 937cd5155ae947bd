"""Identifiers shaped like Klarna's: UUIDs, and short upper-case customer-facing references."""

from __future__ import annotations

import secrets
import string
import uuid

REFERENCE_ALPHABET = string.ascii_uppercase + string.digits


def new_id() -> str:
    """A UUID, as Klarna uses for sessions, tokens, orders, captures and refunds."""
    return str(uuid.uuid4())


def is_uuid(value: str) -> bool:
    """True when `value` is a UUID in its usual text form."""
    try:
        return str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False


def klarna_reference() -> str:
    """A short customer-facing order reference such as `K4MADNY`."""
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(7))
