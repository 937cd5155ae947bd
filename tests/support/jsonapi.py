"""A JSON:API client for tests: a token for a market, resources created and read, a purchase."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from storefront.clock import utcnow
from storefront.extensions import db
from storefront.klarna.bodies import authorize_data
from storefront.klarna_purchase import klarna_purchase
from storefront.services.api_clients import create_client, read_token
from storefront.services.api_orders import find_order
from storefront.services.checkout import checkout_snapshot
from tests.support.live_server import LiveServer
from tests.support.payment_flow import control_client
from tests.support.personas import PERSONAS
from tests.support.shopping import FIRST_SHIPPING_METHOD

MEDIA_TYPE = "application/vnd.api+json"
HEADERS = {"Content-Type": MEDIA_TYPE, "Accept": MEDIA_TYPE}


def new_client(app: Flask) -> tuple[str, str]:
    """A new API client's id and secret."""
    with app.app_context():
        created = create_client("test client")
    return created.client_id, created.client_secret


def get_token(app: Flask, market: str = "GB", credentials: tuple[str, str] | None = None) -> str:
    """An access token for a market (a new client unless `credentials` are given)."""
    client_id, secret = credentials or new_client(app)
    response = app.test_client().post(
        "/oauth/token",
        json={
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": secret,
            "scope": f"market:code:{market}",
        },
    )
    assert response.status_code == 200, response.get_json()
    return str(response.get_json()["access_token"])


def resource(kind: str, attributes: dict[str, Any] | None = None, **relationships: Any) -> dict:
    """A request document for one resource (relationships as `name=(type, id)`)."""
    data: dict[str, Any] = {"type": kind, "attributes": attributes or {}}
    if relationships:
        data["relationships"] = {
            name: {"data": {"type": related[0], "id": related[1]}}
            for name, related in relationships.items()
        }
    return {"data": data}


class JsonApi:
    """Sends JSON:API requests with a bearer token, and builds orders step by step."""

    def __init__(self, app: Flask, token: str, market: str = "GB") -> None:
        self.app, self.token, self.market = app, token, market
        self.http: FlaskClient = app.test_client()

    @classmethod
    def for_market(cls, app: Flask, market: str = "GB") -> JsonApi:
        """A client with a fresh token for `market`."""
        return cls(app, get_token(app, market), market)

    def send(self, method: str, path: str, body: Any = None, **headers: str) -> TestResponse:
        """A request with the token and JSON:API headers (`headers` replace them)."""
        sent = {**HEADERS, "Authorization": f"Bearer {self.token}", **headers}
        return self.http.open(path, method=method, json=body, headers=sent)

    def ok(self, method: str, path: str, body: Any = None, status: int = 200) -> dict[str, Any]:
        """A request that must succeed with `status`; the answer's `data`."""
        response = self.send(method, path, body)
        assert response.status_code == status, response.get_json()
        assert response.content_type == MEDIA_TYPE
        data: dict[str, Any] = response.get_json()["data"]
        return data

    def create_order(self, **attributes: Any) -> dict[str, Any]:
        """A new order."""
        return self.ok("POST", "/api/orders", resource("orders", attributes), 201)

    def add_line_item(self, order_id: str, sku: str, quantity: int = 1) -> dict[str, Any]:
        """Add a product to an order."""
        body = resource(
            "line_items", {"sku_code": sku, "quantity": quantity}, order=("orders", order_id)
        )
        return self.ok("POST", "/api/line_items", body, 201)

    def create_address(self, **changes: str) -> dict[str, Any]:
        """The market's approved persona's address."""
        body = resource("addresses", self.address_attributes(changes))
        return self.ok("POST", "/api/addresses", body, 201)

    def address_attributes(self, changes: dict[str, str]) -> dict[str, str]:
        """The market's approved persona's address as attributes, with `changes`."""
        email, phone, address = PERSONAS[self.market]
        return {
            "first_name": address.given_name,
            "last_name": address.family_name,
            "line_1": address.street_address,
            "line_2": address.street_address2,
            "city": address.city,
            "zip_code": address.postal_code,
            "state_code": address.region,
            "country_code": address.country,
            "phone": phone,
            "email": email,
            **changes,
        }

    def patch_order(self, order_id: str, attributes: dict[str, Any], **relationships: Any) -> dict:
        """Change an order."""
        body = resource("orders", attributes, **relationships)
        body["data"]["id"] = order_id
        return self.ok("PATCH", f"/api/orders/{order_id}", body)

    def ready_order(
        self, items: tuple[tuple[str, int], ...] = (("TEE-ORG", 1),), email: str | None = None
    ) -> str:
        """An order with items, the persona's email (or `email`) and address, and shipping."""
        email = email or PERSONAS[self.market][0]
        order_id = str(self.create_order(customer_email=email)["id"])
        for sku, quantity in items:
            self.add_line_item(order_id, sku, quantity)
        address = self.create_address()["id"]
        self.patch_order(
            order_id,
            {"shipping_method": FIRST_SHIPPING_METHOD[self.market]},
            billing_address=("addresses", address),
            shipping_address=("addresses", address),
        )
        return order_id

    def create_klarna_payment(self, order_id: str, **attributes: Any) -> dict[str, Any]:
        """The order's klarna_payments."""
        body = resource("klarna_payments", attributes, order=("orders", order_id))
        return self.ok("POST", "/api/klarna_payments", body, 201)

    def patch_klarna_payment(self, payment_id: str, attributes: dict[str, Any]) -> TestResponse:
        """Change a klarna_payments."""
        body = {"data": {"type": "klarna_payments", "id": payment_id, "attributes": attributes}}
        return self.send("PATCH", f"/api/klarna_payments/{payment_id}", body)

    def place(self, order_id: str) -> TestResponse:
        """PATCH the order with `_place: true`."""
        body = {"data": {"type": "orders", "id": order_id, "attributes": {"_place": True}}}
        return self.send("PATCH", f"/api/orders/{order_id}", body)

    def authorize(self, emulator: LiveServer, order_id: str, session_id: str) -> str:
        """Do what Klarna's authorize() does in the client's page; the authorization token."""
        with self.app.test_request_context():  # product URLs are absolute
            grant = read_token(self.token)
            cart = find_order(grant, order_id).payment.cart
            assert cart is not None
            data = authorize_data(klarna_purchase(checkout_snapshot(cart, today=utcnow().date())))
            db.session.rollback()
        response = control_client(emulator).post(
            f"/_emulator/sessions/{session_id}/authorize", json=data
        )
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["approved"], response.get_json()
        return str(response.get_json()["authorization_token"])

    def authorized(self, emulator: LiveServer, order_id: str) -> str:
        """Create the order's klarna_payments, authorize and record the token; its id."""
        payment = self.create_klarna_payment(order_id)
        token = self.authorize(emulator, order_id, payment["attributes"]["session_id"])
        response = self.patch_klarna_payment(payment["id"], {"auth_token": token})
        assert response.status_code == 200, response.get_json()
        return str(payment["id"])
