"""The client token: a JWT-shaped string the shop hands to the JS SDK's `init()`.

Klarna's SDK rejects a token that is not a JWT (InvalidClientTokenError), and a real playground
token's payload carries session_id, base_url, purchase_country, environment and merchant_name
(decoded example in the Klarna Payments SDK reference,
https://docs.klarna.com/payments/web-payments/additional-resources/klarna-payments-sdk-reference).
The emulator signs its tokens with HMAC-SHA256 so it can tell its own tokens from forgeries.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from typing import Any

from klarna_emulator.domain.sdk_errors import InvalidClientToken

HEADER = {"alg": "HS256", "typ": "JWT", "kid": "klarna-emulator"}


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(signing_input: str, secret: bytes) -> str:
    return _b64encode(hmac.new(secret, signing_input.encode("ascii"), hashlib.sha256).digest())


def token_payload(
    session_id: str, base_url: str, purchase_country: str, locale: str, merchant_name: str
) -> dict[str, Any]:
    """The claims of a session's client token, shaped like Klarna's playground tokens."""
    return {
        "session_id": session_id,
        "base_url": base_url.rstrip("/"),
        "design": "klarna",
        "language": locale.split("-")[0].lower(),
        "purchase_country": purchase_country.upper(),
        "environment": "playground",
        "merchant_name": merchant_name,
        "session_type": "PAYMENTS",
        "trace_flow": False,
        "experiments": [],
    }


def encode_client_token(payload: dict[str, Any], secret: bytes) -> str:
    """Sign `payload` into `header.payload.signature` (base64url, no padding)."""
    signing_input = ".".join(
        _b64encode(json.dumps(part, separators=(",", ":")).encode()) for part in (HEADER, payload)
    )
    return f"{signing_input}.{_sign(signing_input, secret)}"


def decode_client_token(token: str, secret: bytes) -> dict[str, Any]:
    """The payload of a token this emulator signed; InvalidClientToken for anything else."""
    if not isinstance(token, str) or token.count(".") != 2:
        raise InvalidClientToken("the client token is not a JWT")
    header, payload, signature = token.split(".")
    if not hmac.compare_digest(signature, _sign(f"{header}.{payload}", secret)):
        raise InvalidClientToken("the client token was not issued by this emulator")
    try:
        claims = json.loads(_b64decode(payload))
    except (binascii.Error, ValueError):
        raise InvalidClientToken("the client token's payload is not JSON") from None
    if not isinstance(claims, dict) or not isinstance(claims.get("session_id"), str):
        raise InvalidClientToken("the client token carries no session_id")
    return claims
