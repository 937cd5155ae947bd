"""One structured log line per Klarna call, with personal data and secrets scrubbed out.

Klarna's bodies carry the shopper's name, email, phone, address and date of birth, and the
paths carry authorization tokens; none of that may reach a log. The line is
`klarna_call {json}`, readable and parseable alike, and the same fields ride on the record as
`record.klarna` for structured log handlers.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from typing import Any

logger = logging.getLogger("storefront.klarna")

SCRUBBED = "[scrubbed]"
# Keys whose values are personal data, wherever they appear (addresses, customer, lines).
# Klarna docs (address and customer objects): https://docs.klarna.com/klarna-payments/api/payments-api
PERSONAL_KEYS = frozenset(
    {
        "given_name",
        "family_name",
        "title",
        "email",
        "phone",
        "street_address",
        "street_address2",
        "street_name",
        "street_number",
        "house_extension",
        "postal_code",
        "city",
        "region",
        "care_of",
        "attention",
        "organization_name",
        "organization_registration_id",
        "date_of_birth",
        "national_identification_number",
        "last_four_ssn",
        "gender",
        "vat_id",
    }
)
# Bearer-like values: kept recognisable by their first characters only.
SECRET_KEYS = frozenset({"client_token", "authorization_token", "token_id"})
SECRET_VISIBLE_CHARS = 8
# Path segments that follow these words are authorization tokens (create order, cancel).
TOKEN_IN_PATH = re.compile(r"(/authorizations/|/tokens/)([^/]+)")
# Logged only at DEBUG level, after the call's facts.
BODY_KEYS = ("request_body", "response_body")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


def mask_secret(value: str) -> str:
    """Keep only the first few characters of a token, enough to match log lines up."""
    return f"{value[:SECRET_VISIBLE_CHARS]}…" if len(value) > SECRET_VISIBLE_CHARS else "…"


def scrub(value: Any) -> Any:
    """A copy of a JSON value with personal data replaced and tokens masked, at any depth."""
    if isinstance(value, Mapping):
        return {key: scrub_entry(str(key), item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(item) for item in value]
    if isinstance(value, str):
        return EMAIL.sub(SCRUBBED, value)
    return value


def scrub_entry(key: str, value: Any) -> Any:
    """Scrub one key's value: personal keys are replaced, secret keys masked, others recursed."""
    if value is None:
        return None
    if key in PERSONAL_KEYS:
        return SCRUBBED
    if key == "merchant_urls" and isinstance(value, Mapping):
        return {name: scrub_url_query(url) for name, url in value.items()}
    if key in SECRET_KEYS and isinstance(value, str):
        return mask_secret(value)
    return scrub(value)


def scrub_url_query(url: Any) -> Any:
    """A callback URL without its query, where the shop puts the secret Klarna echoes back.

    Klarna signs nothing it POSTs to `merchant_urls`; a secret in the URL is the proof.
    Klarna docs: https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/other-actions/authorization-callback
    """
    if not isinstance(url, str) or "?" not in url:
        return scrub(url)
    return url.split("?", 1)[0] + "?" + SCRUBBED


def scrub_path(path: str) -> str:
    """The request path with any authorization or customer token masked."""
    return TOKEN_IN_PATH.sub(lambda match: match.group(1) + mask_secret(match.group(2)), path)


def log_call(fields: Mapping[str, Any]) -> None:
    """Log one Klarna call: INFO when it succeeded, WARNING when it failed.

    `fields` are the call's facts (operation, method, path, status, duration_ms, attempt,
    correlation_id, session_id/order_id, error...). Request and response bodies, when given,
    are logged only at DEBUG level, scrubbed like everything else.
    """
    level = logging.INFO if fields.get("outcome") == "ok" else logging.WARNING
    if not logger.isEnabledFor(level):
        return
    facts = {key: value for key, value in fields.items() if key not in BODY_KEYS}
    if logger.isEnabledFor(logging.DEBUG):
        facts.update((key, fields[key]) for key in BODY_KEYS if key in fields)
    clean = scrub({key: value for key, value in facts.items() if value is not None})
    clean["path"] = scrub_path(str(clean.get("path", "")))
    logger.log(
        level, "klarna_call %s", json.dumps(clean, ensure_ascii=False), extra={"klarna": clean}
    )
