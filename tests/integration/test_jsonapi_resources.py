"""The JSON:API door's resources and errors: tokens, media types, scope, each resource."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from storefront.api_models import ApiClient
from storefront.extensions import db
from storefront.services import api_clients
from tests.support.jsonapi import MEDIA_TYPE, JsonApi, get_token, new_client, resource
from tests.support.live_server import LiveServer


def token_request(client_id: str, secret: str, /, **changes: str) -> dict[str, str]:
    """A client-credentials token request for GB."""
    return {
        "grant_type": "client_credentials",
        "client_id": client_id,
        "client_secret": secret,
        "scope": "market:code:GB",
        **changes,
    }


def error_of(response: Any) -> dict[str, Any]:
    """The one error object of an error document, checked for its members."""
    assert response.content_type == MEDIA_TYPE, response.get_data(as_text=True)[:300]
    errors = response.get_json()["errors"]
    assert len(errors) >= 1
    error: dict[str, Any] = errors[0]
    assert error["status"] == str(response.status_code)
    assert {"status", "code", "title", "detail"} <= set(error)
    return error


# --- access tokens -------------------------------------------------------------------------


def test_a_token_is_issued_for_json_and_form_requests(seeded: Flask) -> None:
    client_id, secret = new_client(seeded)
    http = seeded.test_client()
    as_json = http.post("/oauth/token", json=token_request(client_id, secret))
    as_form = http.post("/oauth/token", data=token_request(client_id, secret))
    for response in (as_json, as_form):
        assert response.status_code == 200, response.get_json()
        answer = response.get_json()
        assert answer["token_type"] == "bearer"
        assert answer["expires_in"] == api_clients.TOKEN_LIFETIME_SECONDS
        assert answer["scope"] == "market:code:GB"
        assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("changes", "status", "code"),
    [
        ({"client_secret": "wrong"}, 401, "INVALID_CLIENT"),
        ({"client_id": "nobody"}, 401, "INVALID_CLIENT"),
        ({"scope": "market:code:FR"}, 400, "INVALID_SCOPE"),
        ({"scope": "market:all"}, 400, "INVALID_SCOPE"),
        ({"grant_type": "password"}, 400, "UNSUPPORTED_GRANT_TYPE"),
        ({"client_secret": ""}, 400, "INVALID_REQUEST"),
    ],
)
def test_a_bad_token_request_is_refused(
    seeded: Flask, changes: dict[str, str], status: int, code: str
) -> None:
    client_id, secret = new_client(seeded)
    response = seeded.test_client().post(
        "/oauth/token", json=token_request(client_id, secret, **changes)
    )
    assert response.status_code == status
    assert error_of(response)["code"] == code


def test_a_token_request_in_another_content_type_is_415(seeded: Flask) -> None:
    response = seeded.test_client().post("/oauth/token", data="x", content_type="text/plain")
    assert response.status_code == 415
    assert error_of(response)["code"] == "UNSUPPORTED_MEDIA_TYPE"


@pytest.mark.parametrize(
    "authorization", ["", "Bearer", "Basic abc", "Bearer forged.token.value", "Bearer \x7f"]
)
def test_api_calls_without_a_valid_token_are_401(seeded: Flask, authorization: str) -> None:
    api = JsonApi(seeded, "")
    response = api.send("GET", "/api/orders/abc", Authorization=authorization)
    assert response.status_code == 401
    assert error_of(response)["code"] == "INVALID_TOKEN"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_an_expired_token_is_401(seeded: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    api = JsonApi.for_market(seeded, "GB")
    monkeypatch.setattr(api_clients, "TOKEN_LIFETIME_SECONDS", -1)
    response = api.send("POST", "/api/orders", resource("orders"))
    assert response.status_code == 401
    assert "expired" in error_of(response)["detail"]


def test_a_token_signed_with_another_key_is_refused(seeded: Flask, make_app: Any) -> None:
    other = make_app(SECRET_KEY="another-secret-key")
    credentials = new_client(seeded)
    token = get_token(other, "GB", credentials)
    response = JsonApi(seeded, token).send("POST", "/api/orders", resource("orders"))
    assert response.status_code == 401


# --- media types, CSRF, routes --------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type", ["application/json", "text/plain", f"{MEDIA_TYPE}; charset=utf-8", ""]
)
def test_a_body_not_sent_as_json_api_is_415(seeded: Flask, content_type: str) -> None:
    api = JsonApi.for_market(seeded)
    response = api.send("POST", "/api/orders", resource("orders"), **{"Content-Type": content_type})
    assert response.status_code == 415
    assert error_of(response)["code"] == "UNSUPPORTED_MEDIA_TYPE"


@pytest.mark.parametrize("accept", ["text/html", "application/json", f"{MEDIA_TYPE}; ext=bulk"])
def test_an_accept_without_json_api_is_406(seeded: Flask, accept: str) -> None:
    api = JsonApi.for_market(seeded)
    response = api.send("POST", "/api/orders", resource("orders"), Accept=accept)
    assert response.status_code == 406
    assert error_of(response)["code"] == "NOT_ACCEPTABLE"


@pytest.mark.parametrize("accept", ["*/*", "application/*", f"text/html, {MEDIA_TYPE}"])
def test_a_wildcard_accept_is_served(seeded: Flask, accept: str) -> None:
    api = JsonApi.for_market(seeded)
    assert api.send("POST", "/api/orders", resource("orders"), Accept=accept).status_code == 201


def test_the_api_needs_no_csrf_token_and_sets_no_cookie(seeded: Flask) -> None:
    api = JsonApi.for_market(seeded)
    response = api.send("POST", "/api/orders", resource("orders"))
    assert response.status_code == 201  # the test client keeps CSRF protection on
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("GET", "/api/nothing", 404), ("DELETE", "/api/orders/abc", 405), ("GET", "/api", 404)],
)
def test_unknown_routes_and_methods_answer_error_documents(
    seeded: Flask, method: str, path: str, status: int
) -> None:
    response = JsonApi.for_market(seeded).send(method, path)
    assert response.status_code == status
    error_of(response)


@pytest.mark.parametrize(
    ("body", "status", "pointer"),
    [
        (b"{", 400, None),
        (b"[]", 400, "/data"),
        (b'{"data": {"type": "carts"}}', 409, "/data/type"),
        (b'{"data": {"type": "orders", "attributes": []}}', 400, "/data/attributes"),
        (
            b'{"data": {"type": "orders", "attributes": {"customer_email": 5}}}',
            422,
            "/data/attributes/customer_email",
        ),
        (
            b'{"data": {"type": "orders", "attributes": {"customer_email": "a\\u0000@b.se"}}}',
            400,
            None,
        ),
        (b'{"data": {"type": "orders", "attributes": {"coupon_code": "\\ud800"}}}', 400, None),
    ],
)
def test_a_malformed_order_document_is_refused_with_its_pointer(
    seeded: Flask, body: bytes, status: int, pointer: str | None
) -> None:
    api = JsonApi.for_market(seeded)
    response = api.http.post(
        "/api/orders",
        data=body,
        headers={"Content-Type": MEDIA_TYPE, "Authorization": f"Bearer {api.token}"},
    )
    assert response.status_code == status
    assert error_of(response).get("source", {}).get("pointer") == pointer


# --- orders ---------------------------------------------------------------------------------


def test_an_order_is_created_in_the_tokens_market_with_an_unguessable_id(seeded: Flask) -> None:
    api = JsonApi.for_market(seeded, "SE")
    order = api.create_order(customer_email="kund@example.se")
    assert len(order["id"]) >= 32
    attributes = order["attributes"]
    assert (attributes["market_code"], attributes["currency_code"]) == ("SE", "SEK")
    assert (attributes["status"], attributes["payment_status"]) == ("draft", "unpaid")
    assert attributes["number"].startswith("FF-")
    assert api.ok("GET", f"/api/orders/{order['id']}")["id"] == order["id"]


def test_another_markets_token_cannot_see_or_touch_an_order(seeded: Flask) -> None:
    """A GB token on an SE order: 404, and the order is unchanged (the same client's too)."""
    credentials = new_client(seeded)
    sweden = JsonApi(seeded, get_token(seeded, "SE", credentials), "SE")
    britain = JsonApi(seeded, get_token(seeded, "GB", credentials), "GB")
    order_id = sweden.ready_order()
    before = sweden.ok("GET", f"/api/orders/{order_id}")

    attempts = [
        britain.send("GET", f"/api/orders/{order_id}"),
        britain.send(
            "PATCH",
            f"/api/orders/{order_id}",
            {
                "data": {
                    "type": "orders",
                    "id": order_id,
                    "attributes": {"customer_email": "x@y.uk"},
                }
            },
        ),
        britain.send(
            "POST",
            "/api/line_items",
            resource(
                "line_items", {"sku_code": "TEE-ORG", "quantity": 5}, order=("orders", order_id)
            ),
        ),
        britain.send(
            "POST", "/api/klarna_payments", resource("klarna_payments", order=("orders", order_id))
        ),
        britain.place(order_id),
    ]

    assert [response.status_code for response in attempts] == [404] * len(attempts)
    assert sweden.ok("GET", f"/api/orders/{order_id}") == before


def test_another_clients_order_is_not_found(seeded: Flask) -> None:
    order_id = JsonApi.for_market(seeded).create_order()["id"]
    response = JsonApi.for_market(seeded).send("GET", f"/api/orders/{order_id}")
    assert response.status_code == 404
    assert error_of(response)["code"] == "NOT_FOUND"


def test_a_refused_change_leaves_the_order_as_it_was(seeded: Flask) -> None:
    api = JsonApi.for_market(seeded)
    order_id = api.ready_order()
    before = api.ok("GET", f"/api/orders/{order_id}")
    body = {
        "data": {
            "type": "orders",
            "id": order_id,
            "attributes": {"customer_email": "new@example.uk", "coupon_code": "NOPE"},
        }
    }
    response = api.send("PATCH", f"/api/orders/{order_id}", body)
    assert response.status_code == 422
    assert error_of(response)["source"]["pointer"] == "/data/attributes/coupon_code"
    assert api.ok("GET", f"/api/orders/{order_id}") == before


def test_coupon_and_shipping_method_are_set_and_priced(seeded: Flask) -> None:
    api = JsonApi.for_market(seeded)
    order_id = api.ready_order((("TEE-ORG", 2),))
    order = api.patch_order(order_id, {"coupon_code": "welcome10", "shipping_method": "next_day"})
    attributes = order["attributes"]
    assert (attributes["coupon_code"], attributes["shipping_method"]) == ("WELCOME10", "next_day")
    assert attributes["discount_amount_cents"] == 400
    assert attributes["total_amount_cents"] == (4000 - 400 + attributes["shipping_amount_cents"])
    removed = api.patch_order(order_id, {"coupon_code": None})["attributes"]
    assert (removed["coupon_code"], removed["discount_amount_cents"]) == (None, 0)


@pytest.mark.parametrize(
    ("attributes", "pointer"),
    [
        ({"customer_email": "not-an-email"}, "/data/attributes/customer_email"),
        ({"shipping_method": "teleport"}, "/data/attributes/shipping_method"),
        ({"_place": "yes"}, "/data/attributes/_place"),
    ],
)
def test_an_invalid_order_attribute_is_422_with_its_pointer(
    seeded: Flask, attributes: dict[str, Any], pointer: str
) -> None:
    api = JsonApi.for_market(seeded)
    order_id = api.create_order()["id"]
    body = {"data": {"type": "orders", "id": order_id, "attributes": attributes}}
    response = api.send("PATCH", f"/api/orders/{order_id}", body)
    assert response.status_code == 422
    assert error_of(response)["source"]["pointer"] == pointer


def test_a_patch_for_another_id_is_409(seeded: Flask) -> None:
    api = JsonApi.for_market(seeded)
    order_id = api.create_order()["id"]
    body = {"data": {"type": "orders", "id": "someone-else", "attributes": {}}}
    response = api.send("PATCH", f"/api/orders/{order_id}", body)
    assert response.status_code == 409
    assert error_of(response)["source"]["pointer"] == "/data/id"


def test_placing_an_order_without_a_payment_source_is_422(seeded: Flask) -> None:
    api = JsonApi.for_market(seeded)
    order_id = api.ready_order()
    response = api.place(order_id)
    assert response.status_code == 422
    assert error_of(response)["code"] == "MISSING_PAYMENT_SOURCE"


# --- line items -----------------------------------------------------------------------------


def test_line_items_are_added_changed_read_and_removed(seeded: Flask) -> None:
    api = JsonApi.for_market(seeded)
    order_id = api.create_order()["id"]
    item = api.add_line_item(order_id, "TEE-ORG", 2)
    assert item["attributes"]["sku_code"] == "TEE-ORG"
    assert (item["attributes"]["quantity"], item["attributes"]["total_amount_cents"]) == (2, 4000)
    again = api.add_line_item(order_id, "TEE-ORG", 1)
    assert (again["id"], again["attributes"]["quantity"]) == (item["id"], 3)
    body = {"data": {"type": "line_items", "id": item["id"], "attributes": {"quantity": 1}}}
    assert api.ok("PATCH", f"/api/line_items/{item['id']}", body)["attributes"]["quantity"] == 1
    assert api.ok("GET", f"/api/line_items/{item['id']}")["attributes"]["quantity"] == 1
    assert api.send("DELETE", f"/api/line_items/{item['id']}").status_code == 204
    assert api.send("GET", f"/api/line_items/{item['id']}").status_code == 404
    order = api.ok("GET", f"/api/orders/{order_id}")
    assert (order["attributes"]["status"], order["relationships"]["line_items"]["data"]) == (
        "draft",
        [],
    )


@pytest.mark.parametrize(
    ("attributes", "status", "pointer"),
    [
        ({"sku_code": "NOPE", "quantity": 1}, 422, "/data/attributes/sku_code"),
        ({"sku_code": "TEE-ORG", "quantity": 0}, 422, "/data/attributes/quantity"),
        ({"sku_code": "TEE-ORG", "quantity": 100}, 422, "/data/attributes/quantity"),
        ({"sku_code": "TEE-ORG", "quantity": "2"}, 422, "/data/attributes/quantity"),
        ({"sku_code": "TEE-ORG", "quantity": True}, 422, "/data/attributes/quantity"),
        ({"quantity": 1}, 422, "/data/attributes/sku_code"),
    ],
)
def test_a_bad_line_item_is_refused_with_its_pointer(
    seeded: Flask, attributes: dict[str, Any], status: int, pointer: str
) -> None:
    api = JsonApi.for_market(seeded)
    order_id = api.create_order()["id"]
    response = api.send(
        "POST", "/api/line_items", resource("line_items", attributes, order=("orders", order_id))
    )
    assert response.status_code == status
    assert error_of(response)["source"]["pointer"] == pointer


def test_a_line_item_needs_an_order(seeded: Flask) -> None:
    api = JsonApi.for_market(seeded)
    body = resource("line_items", {"sku_code": "TEE-ORG", "quantity": 1})
    response = api.send("POST", "/api/line_items", body)
    assert response.status_code == 422
    assert error_of(response)["source"]["pointer"] == "/data/relationships/order"


# --- addresses ------------------------------------------------------------------------------


def test_an_address_is_created_normalized_and_read(seeded: Flask) -> None:
    api = JsonApi.for_market(seeded)
    address = api.create_address(zip_code="w1s3be", city="  London ")
    assert (address["attributes"]["zip_code"], address["attributes"]["city"]) == (
        "W1S 3BE",
        "London",
    )
    assert api.ok("GET", f"/api/addresses/{address['id']}") == address
    assert (
        JsonApi.for_market(seeded).send("GET", f"/api/addresses/{address['id']}").status_code == 404
    )


@pytest.mark.parametrize(
    ("changes", "pointer"),
    [
        ({"zip_code": "12345"}, "/data/attributes/zip_code"),
        ({"country_code": "SE"}, "/data/attributes/country_code"),
        ({"first_name": "1"}, "/data/attributes/first_name"),
        ({"phone": ""}, "/data/attributes/phone"),
        ({"line_1": ""}, "/data/attributes/line_1"),
    ],
)
def test_an_invalid_address_is_422_with_its_pointer(
    seeded: Flask, changes: dict[str, str], pointer: str
) -> None:
    api = JsonApi.for_market(seeded)
    response = api.send(
        "POST", "/api/addresses", resource("addresses", api.address_attributes(changes))
    )
    assert response.status_code == 422
    pointers = [error["source"]["pointer"] for error in response.get_json()["errors"]]
    assert pointer in pointers


def test_an_address_of_another_client_cannot_be_linked(seeded: Flask) -> None:
    address_id = JsonApi.for_market(seeded).create_address()["id"]
    api = JsonApi.for_market(seeded)
    order_id = api.create_order(customer_email="a@example.uk")["id"]
    body = resource("orders", billing_address=("addresses", address_id))
    body["data"]["id"] = order_id
    assert api.send("PATCH", f"/api/orders/{order_id}", body).status_code == 404


# --- klarna payments ------------------------------------------------------------------------


def test_a_klarna_payment_for_an_incomplete_order_is_422(
    seeded: Flask, emulator_server: LiveServer
) -> None:
    api = JsonApi.for_market(seeded)
    order_id = api.create_order()["id"]
    body = resource("klarna_payments", order=("orders", order_id))
    response = api.send("POST", "/api/klarna_payments", body)
    assert response.status_code == 422
    assert error_of(response)["code"] == "ORDER_INCOMPLETE"


@pytest.mark.parametrize(
    ("attributes", "pointer"),
    [
        ({"metadata": ["x"]}, "/data/attributes/metadata"),
        ({"reference": 7}, "/data/attributes/reference"),
        ({"reference": "x" * 256}, "/data/attributes/reference"),
    ],
)
def test_a_bad_klarna_payment_attribute_is_422(
    seeded: Flask, emulator_server: LiveServer, attributes: dict[str, Any], pointer: str
) -> None:
    api = JsonApi.for_market(seeded)
    order_id = api.ready_order()
    body = resource("klarna_payments", attributes, order=("orders", order_id))
    response = api.send("POST", "/api/klarna_payments", body)
    assert response.status_code == 422
    assert error_of(response)["source"]["pointer"] == pointer


def test_a_klarna_payment_is_read_and_unknown_ones_are_404(
    seeded: Flask, emulator_server: LiveServer
) -> None:
    api = JsonApi.for_market(seeded)
    payment = api.create_klarna_payment(api.ready_order())
    assert api.ok("GET", f"/api/klarna_payments/{payment['id']}") == payment
    assert api.send("GET", "/api/klarna_payments/unknown").status_code == 404
    other = JsonApi.for_market(seeded)
    assert other.send("GET", f"/api/klarna_payments/{payment['id']}").status_code == 404
    gateway = api.ok("GET", "/api/payment_gateways/klarna")
    assert gateway["attributes"]["name"] == "Klarna Payments"


# --- clients and caching ----------------------------------------------------------------------


def test_the_cli_creates_a_client_whose_secret_is_stored_only_as_a_hash(seeded: Flask) -> None:
    result = seeded.test_cli_runner().invoke(args=["api-client", "create", "--name", "Shop app"])
    assert result.exit_code == 0, result.output
    fields = dict(
        line.split(":", 1) for line in result.output.splitlines() if line.startswith("client_")
    )
    client_id, secret = fields["client_id"].strip(), fields["client_secret"].strip()
    with seeded.app_context():
        stored = db.session.scalars(
            sa.select(ApiClient).where(ApiClient.client_id == client_id)
        ).one()
        assert stored.name == "Shop app"
        assert stored.secret_hash == api_clients.secret_hash(secret) != secret
    assert get_token(seeded, "SE", (client_id, secret))


def test_api_answers_are_never_cached(seeded: Flask) -> None:
    response = JsonApi.for_market(seeded).send("POST", "/api/orders", resource("orders"))
    assert response.headers["Cache-Control"] == "no-store"
