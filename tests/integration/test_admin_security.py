"""The admin area refuses everyone but a signed-in admin, and guards its sign-in."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from storefront.admin_login import LAST_SEEN_KEY
from storefront.admin_models import AdminUser, KlarnaMarketSetting
from storefront.extensions import db
from tests.support.admin import (
    ADMIN_PASSWORD,
    PUBLIC_ADMIN_ENDPOINTS,
    admin_routes,
    create_account,
    sign_in,
)
from tests.support.client import ShopClient
from tests.support.live_server import LiveServer
from tests.support.payment_flow import pay


def guarded_routes(app: Flask) -> list[tuple[str, str, str]]:
    routes = [route for route in admin_routes(app) if route[0] not in PUBLIC_ADMIN_ENDPOINTS]
    assert {"admin.dashboard", "admin.orders", "admin.order", "admin.settings", "admin.switch"} <= {
        endpoint for endpoint, _, _ in routes
    }
    return routes


def assert_refused(client: ShopClient, method: str, url: str) -> None:
    if method == "GET":
        response = client.get(url)
    else:
        response = client.post_form(url, {"market": "GB", "enabled": "off"})
    assert response.status_code in (302, 403), (method, url, response.status_code)
    if response.status_code == 302:
        assert response.headers["Location"].startswith("/admin/login"), (method, url)


def test_every_admin_route_refuses_a_visitor_who_is_not_signed_in(
    app: Flask, client: ShopClient
) -> None:
    for _, method, url in guarded_routes(app):
        assert_refused(client, method, url)
    with app.app_context():
        assert db.session.scalars(sa.select(KlarnaMarketSetting)).all() == []


def test_a_shoppers_session_reaches_nothing_under_admin(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    create_account(seeded)
    pay(client, emulator_server, "GB")  # a cart, an order, a market: a full shopper session
    for _, method, url in guarded_routes(seeded):
        assert_refused(client, method, url)


def test_the_session_names_the_admin_by_a_random_token_that_sign_out_replaces(
    app: Flask, client: ShopClient
) -> None:
    create_account(app)
    assert sign_in(client).status_code == 302
    with client.session_transaction() as session:
        signed_in = dict(session)
    with app.app_context():
        admin = db.session.scalars(sa.select(AdminUser)).one()
        assert signed_in["_user_id"] == admin.session_token != str(admin.id)
    client.post_form("/admin/logout")
    # The old session cookie, replayed, is no longer anyone's.
    with client.session_transaction() as session:
        session.update(signed_in)
    assert_refused(client, "GET", "/admin")


def test_a_session_used_from_another_browser_is_refused(app: Flask, client: ShopClient) -> None:
    create_account(app)
    client.environ_base["HTTP_USER_AGENT"] = "Browser A"
    sign_in(client)
    assert client.get("/admin").status_code == 200
    client.environ_base["HTTP_USER_AGENT"] = "Browser B"
    assert_refused(client, "GET", "/admin")


def test_an_idle_admin_is_signed_out(app: Flask, client: ShopClient) -> None:
    create_account(app)
    sign_in(client)
    assert client.get("/admin/orders").status_code == 200
    idle_seconds = app.config["ADMIN_IDLE_MINUTES"] * 60 + 1
    with client.session_transaction() as session:
        session[LAST_SEEN_KEY] -= idle_seconds
    response = client.get("/admin/orders")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login")
    assert_refused(client, "GET", "/admin/orders")


def test_every_admin_post_needs_the_csrf_token(app: Flask, client: ShopClient) -> None:
    create_account(app)
    sign_in(client)
    posts = [(endpoint, url) for endpoint, method, url in admin_routes(app) if method == "POST"]
    assert {endpoint for endpoint, _ in posts} >= {"admin_auth.login", "admin_auth.logout"}
    for endpoint, url in posts:
        form = {"market": "GB", "enabled": "off", "username": "merchant", "password": "x"}
        response = client.post(url, data=form)
        assert response.status_code == 400, endpoint
    with app.app_context():
        assert db.session.scalars(sa.select(KlarnaMarketSetting)).all() == []
    assert client.get("/admin").status_code == 200  # still signed in: logout was refused too


def test_the_eleventh_wrong_password_in_15_minutes_gets_429(app: Flask, client: ShopClient) -> None:
    create_account(app)
    for _ in range(10):
        response = sign_in(client, password="wrong password")
        assert response.status_code == 200
        assert "Wrong username or password." in response.get_data(as_text=True)
    response = sign_in(client, password="wrong password")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) <= 15 * 60
    # Not even the right password gets through until the window ends.
    assert sign_in(client).status_code == 429


def test_a_right_password_does_not_count_against_the_limit(app: Flask, client: ShopClient) -> None:
    create_account(app)
    for _ in range(10):
        assert sign_in(client).status_code == 302
    assert sign_in(client, password="wrong password").status_code == 200


@pytest.mark.parametrize("username", ["merchant", "nobody"])
def test_a_wrong_name_and_a_wrong_password_read_the_same(
    app: Flask, client: ShopClient, username: str
) -> None:
    create_account(app)
    response = client.post_form("/admin/login", {"username": username, "password": "nope"})
    assert "Wrong username or password." in response.get_data(as_text=True)


def test_passwords_are_stored_as_scrypt_hashes(app: Flask) -> None:
    create_account(app)
    with app.app_context():
        stored = db.session.scalars(sa.select(AdminUser.password_hash)).one()
    assert stored.startswith("scrypt:")
    assert ADMIN_PASSWORD not in stored


def test_sign_in_goes_back_only_to_an_admin_page(app: Flask, client: ShopClient) -> None:
    create_account(app)
    for target, landing in [
        ("/admin/settings", "/admin/settings"),
        ("https://evil.example/admin/", "/admin"),
        ("/cart", "/admin"),
    ]:
        response = client.post_form(
            f"/admin/login?next={target}", {"username": "merchant", "password": ADMIN_PASSWORD}
        )
        assert response.headers["Location"] == landing


def test_admin_pages_are_never_cached(app: Flask, client: ShopClient) -> None:
    create_account(app)
    assert client.get("/admin/login").headers["Cache-Control"] == "no-store"
    sign_in(client)
    assert client.get("/admin/orders").headers["Cache-Control"] == "no-store"
