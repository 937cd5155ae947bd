"""Security headers on every kind of response, the session cookie's flags, and no credential in
any page, header or log line across a whole checkout."""

from __future__ import annotations

import base64
import logging
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from werkzeug.test import TestResponse

from storefront.config import EMULATOR_USERNAME
from storefront.extensions import db
from storefront.klarna.sdk import CDN_SDK_URL
from storefront.models import Order, Payment
from storefront.security import KLARNA_HOSTED_ORIGINS, content_security_policy
from storefront.seed import seed_demo_data
from storefront.services.rate_limits import CLOCK_KEY, ORDER_LOOKUPS
from tests.support.client import ShopClient
from tests.support.live_server import LiveServer
from tests.support.payment_flow import (
    JSON_HEADERS,
    authorize,
    callback,
    callback_body,
    edit,
    open_payment_page,
    place,
)
from tests.support.shopping import add, complete_checkout

# Sources a directive may name besides the Klarna (or emulator) origins.
OWN_SOURCES = {"'self'", "'none'"}
# The one scheme source the policy names: data: URLs, for images only (storefront.security).
DATA_URL_DIRECTIVES = {"img-src"}
WRONG_LOOKUP = {"number": "FF-XXXX-XXXX", "email": "nobody@example.com"}


def rate_limited(app: Flask, client: ShopClient) -> TestResponse:
    """Use up the order lookup limit; the refused request's response."""
    app.extensions[CLOCK_KEY] = lambda: datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    for _ in range(ORDER_LOOKUPS.allowed):
        client.post_form("/orders/lookup", WRONG_LOOKUP)
    return client.post_form("/orders/lookup", WRONG_LOOKUP)


def crashing(app: Flask, client: ShopClient) -> TestResponse:
    """A view that raises: the 500 page."""

    def boom() -> str:
        raise RuntimeError("boom")

    app.add_url_rule("/test-crash", "test_crash", boom)
    return client.get("/test-crash")


def static_file(path: str) -> Callable[[Flask, ShopClient], TestResponse]:
    """Fetch a static file, closing it (a streamed file left open is a ResourceWarning)."""

    def fetch(app: Flask, client: ShopClient) -> TestResponse:
        response = client.get(path)
        response.close()
        return response

    return fetch


# Every kind of response the shop sends, with the status that shows it is that kind.
RESPONSES: dict[str, tuple[int, Callable[[Flask, ShopClient], TestResponse]]] = {
    "page": (200, lambda app, client: client.get("/")),
    "redirect": (302, lambda app, client: client.get("/checkout/payment")),
    "not found": (404, lambda app, client: client.get("/no-such-page")),
    "method not allowed": (405, lambda app, client: client.get("/cart/add")),
    "csrf refused": (400, lambda app, client: client.post("/cart/add", data={"sku": "TEE-ORG"})),
    "server error": (500, crashing),
    "rate limited": (429, rate_limited),
    "static css": (200, static_file("/static/css/site.css")),
    "static js": (200, static_file("/static/js/checkout.js")),
    "json edit": (
        200,
        lambda app, client: client.post_form(
            "/checkout/payment/coupon", {"code": "X"}, headers=JSON_HEADERS
        ),
    ),
    "klarna callback": (400, lambda app, client: client.post("/klarna/authorization?key=x")),
}


@pytest.mark.parametrize("kind", RESPONSES)
def test_every_response_carries_the_security_headers(
    app: Flask, client: ShopClient, kind: str
) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False  # the 500 page, as in production
    status, fetch = RESPONSES[kind]
    response = fetch(app, client)
    assert response.status_code == status
    headers = response.headers
    assert headers["Content-Security-Policy"] == content_security_policy(
        app.config["KLARNA_SDK_URL"]
    )
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["X-Frame-Options"] == "DENY"


def directives(policy: str) -> dict[str, list[str]]:
    """A CSP as {directive: [sources]}."""
    parsed = (part.split() for part in policy.split(";") if part.strip())
    return {name: sources for name, *sources in parsed}


@pytest.mark.parametrize("sdk", ["emulator", "klarna"])
def test_policy_allows_only_this_shop_and_the_configured_klarna_origins(
    emulator_server: LiveServer, sdk: str
) -> None:
    if sdk == "klarna":
        policy, klarna = content_security_policy(CDN_SDK_URL), set(KLARNA_HOSTED_ORIGINS)
    else:
        policy = content_security_policy(f"{emulator_server.url}/kp/lib/v1/api.js")
        klarna = {emulator_server.url}
    parsed = directives(policy)
    assert parsed["default-src"] == ["'self'"]
    assert parsed["frame-ancestors"] == ["'none'"]
    assert parsed["object-src"] == ["'none'"]
    assert set(parsed["script-src"]) == {"'self'", *klarna}
    for name, sources in parsed.items():
        allowed = OWN_SOURCES | klarna | ({"data:"} if name in DATA_URL_DIRECTIVES else set())
        assert set(sources) <= allowed, f"{name} allows {set(sources) - allowed}"


def test_session_cookie_is_httponly_lax_and_secure_outside_development(
    make_app: Callable[..., Flask],
) -> None:
    production = make_app(SESSION_COOKIE_SECURE=True)
    development = make_app(SESSION_COOKIE_SECURE=False)  # what `python app.py` uses on http://
    for shop, secure in ((production, True), (development, False)):
        [cookie] = shop.test_client().get("/").headers.getlist("Set-Cookie")
        flags = {flag.strip().split("=")[0].lower(): flag for flag in cookie.split(";")[1:]}
        assert "httponly" in flags
        assert flags["samesite"].strip() == "SameSite=Lax"
        assert ("secure" in flags) is secure


class RecordingClient(ShopClient):
    """A shop client that keeps every response it received."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.responses: list[TestResponse] = []

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        """Send the request as usual and keep the response."""
        response = super().open(*args, **kwargs)
        self.responses.append(response)
        return response


def leaks(needles: dict[str, str], responses: list[TestResponse], log: list[str]) -> list[str]:
    """Where each secret shows up: in a response body, a response header or a log line."""
    found = []
    for response in responses:
        body = response.get_data(as_text=True)
        headers = str(response.headers)
        for name, needle in needles.items():
            if needle in body or needle in headers:
                found.append(f"{name} in the response to {response.request.path}")
    for line in log:
        for name, needle in needles.items():
            if needle in line:
                found.append(f"{name} in log line {line[:80]!r}")
    return found


def secrets_of(shop: Flask) -> dict[str, str]:
    """The app's credentials, and the Basic auth value they make."""
    password = shop.config["KLARNA_PASSWORD"]
    basic = base64.b64encode(f"{shop.config['KLARNA_USERNAME']}:{password}".encode()).decode()
    return {"SECRET_KEY": shop.config["SECRET_KEY"], "KLARNA_PASSWORD": password, "basic": basic}


def recording_shop(
    make_app: Callable[..., Flask], **settings: Any
) -> tuple[Flask, RecordingClient]:
    """A seeded shop with a secret key of its own, and a client that records everything."""
    shop = make_app(SECRET_KEY=secrets.token_hex(32), **settings)
    shop.test_client_class = RecordingClient
    with shop.app_context():
        seed_demo_data()
    return shop, shop.test_client()  # type: ignore[return-value]


def test_no_credential_reaches_a_page_a_header_or_a_log_line_in_a_whole_checkout(
    make_app: Callable[..., Flask],
    emulator_server: LiveServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    shop, client = recording_shop(make_app)
    state = open_payment_page(client, "GB", (("TEE-ORG", 2),))
    edit(client, "items/TEE-ORG/quantity", {"quantity": "3"})
    state = edit(client, "coupon", {"code": "WELCOME10"})["payment"]
    authorized = authorize(emulator_server, state)
    with shop.app_context():
        key = db.session.scalars(sa.select(Payment.callback_secret)).one()
    assert callback(client, key, callback_body(authorized, state)).status_code == 200
    assert place(client, state, authorized["authorization_token"]).status_code == 303
    with shop.app_context():
        number = db.session.scalars(sa.select(Order.number)).one()
    confirmation = client.get(f"/orders/{number}")
    stranger = shop.test_client()
    stranger.post_form("/orders/lookup", WRONG_LOOKUP)
    client.get("/no-such-page")
    assert "Thank you for your order" in confirmation.get_data(as_text=True)
    log = [record.getMessage() for record in caplog.records]
    # The capture saw the Klarna calls, request and response bodies included.
    assert any(line.startswith("klarna_call") for line in log)
    assert any("order_lines" in line for line in log)
    responses = client.responses + stranger.responses  # type: ignore[attr-defined]
    assert leaks(secrets_of(shop), responses, log) == []


def test_a_refused_password_is_not_echoed_to_the_shopper_or_the_log(
    make_app: Callable[..., Flask], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    shop, client = recording_shop(make_app, KLARNA_PASSWORD=f"wrong-{secrets.token_hex(8)}")
    add(client, "TEE-ORG")
    complete_checkout(client, "GB")
    page = client.get("/checkout/payment").get_data(as_text=True)
    assert "Klarna" in page and EMULATOR_USERNAME not in page
    log = [record.getMessage() for record in caplog.records]
    assert any('"status": 401' in line for line in log)
    assert leaks(secrets_of(shop), client.responses, log) == []
