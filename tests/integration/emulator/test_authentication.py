"""HTTP Basic authentication on every Klarna API endpoint: a bad or missing credential gets
Klarna's 401 HTML page with a Basic challenge, and nothing happens."""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest

from klarna_emulator.api import KLARNA_APIS
from klarna_emulator.emulator import Emulator
from tests.support.emulator_client import KlarnaApiClient
from tests.support.emulator_flows import authorized_token, create_session, emulator_app, place_order
from tests.support.klarna_examples import gb_customer_token_request, gb_subscription_cart

ORDERS = "/ordermanagement/v1/orders"


def basic(credentials: bytes) -> str:
    """An `Authorization: Basic` header value."""
    return "Basic " + base64.b64encode(credentials).decode()


# `Authorization` header values that must not pass (None: no header at all).
BAD_CREDENTIALS = {
    "wrong password": basic(b"PK00000_emulator:not-the-secret"),
    "unknown user": basic(b"invalid:invalid"),
    "no credentials": None,
}
# Every (endpoint, method, rule) of the three Klarna APIs the emulator serves.
ROUTES = sorted(
    (rule.endpoint, method, rule.rule)
    for rule in emulator_app().url_map.iter_rules()
    if rule.endpoint.startswith(tuple(f"{bp.name}." for bp in KLARNA_APIS))
    for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
)
# What the state shows of everything a merchant can create or change.
STATE_KEYS = ("sessions", "authorizations", "orders", "customer_tokens")


@pytest.fixture
def path_values(api: KlarnaApiClient) -> dict[str, str]:
    """Real ids for every path variable, so an unauthenticated call would have a target."""
    order_id = place_order(api)
    captured = api.post(f"{ORDERS}/{order_id}/captures", json={"captured_amount": 1000})
    refunded = api.post(f"{ORDERS}/{order_id}/refunds", json={"refunded_amount": 100})
    tokenize = gb_subscription_cart()
    generated = api.post(
        f"/payments/v1/authorizations/{authorized_token(api, tokenize)}/customer-token",
        json=gb_customer_token_request(),
    )
    return {
        "session_id": create_session(api),
        "authorization_token": authorized_token(api),
        "order_id": order_id,
        "capture_id": captured.headers["Capture-Id"],
        "refund_id": refunded.headers["Refund-Id"],
        "customer_token": generated.json["token_id"],
    }


def merchant_state(emulator: Emulator) -> dict[str, Any]:
    """The part of the state a merchant's calls can change."""
    snapshot = emulator.snapshot()
    return {key: snapshot[key] for key in STATE_KEYS}


def test_the_routes_cover_all_three_apis() -> None:
    assert {endpoint.split(".", 1)[0] for endpoint, _, _ in ROUTES} == {
        "payments_v1",
        "ordermanagement_v1",
        "customer_token_v1",
    }


@pytest.mark.parametrize("authorization", BAD_CREDENTIALS.values(), ids=BAD_CREDENTIALS.keys())
@pytest.mark.parametrize(("endpoint", "method", "rule"), ROUTES, ids=[r[0] for r in ROUTES])
def test_every_api_endpoint_answers_klarnas_401_to_bad_credentials(
    api: KlarnaApiClient,
    emulator: Emulator,
    path_values: dict[str, str],
    endpoint: str,
    method: str,
    rule: str,
    authorization: str | None,
) -> None:
    path = re.sub(r"<(\w+)>", lambda variable: path_values[variable[1]], rule)
    before = merchant_state(emulator)
    headers = {"Authorization": authorization} if authorization else {}

    response = api.open(
        path, method=method, json=None if method == "GET" else {}, headers=headers, auth=None
    )

    assert response.status_code == 401, endpoint
    assert response.content_type == "text/html"
    assert response.headers["WWW-Authenticate"] == 'Basic realm="very closed site"'
    assert "401 Authorization Required" in response.get_data(as_text=True)
    assert response.headers["Klarna-Correlation-Id"]
    assert merchant_state(emulator) == before
