"""Production hardening: Host pinned to PUBLIC_URL, HSTS, no-store on personal pages, chunked
bodies refused over the limit, no statement parameters in database errors, a private SQLite
file, and only demo coupons on the home page."""

from __future__ import annotations

import re
import stat
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa
from flask import Flask

from storefront import MAX_REQUEST_BYTES, create_app
from storefront.extensions import db
from storefront.models import Coupon, CouponMarketTerms
from tests.conftest import storefront_config
from tests.support.client import CSRF_META, ShopClient
from tests.support.live_server import LiveServer
from tests.support.shopping import add

PUBLIC_URL = "https://shop.example.com/"


@pytest.fixture
def public_app(app: Flask, database_url: str, emulator_server: LiveServer) -> Iterator[Flask]:
    """The storefront as production configures it, a PUBLIC_URL on https (`app`'s tables)."""
    config = {**storefront_config(database_url, emulator_server.url), "PUBLIC_URL": PUBLIC_URL}
    application = create_app(config)
    application.test_client_class = ShopClient
    yield application
    with application.app_context():
        db.engine.dispose()


def test_a_host_other_than_public_urls_is_refused(public_app: Flask) -> None:
    client = public_app.test_client()
    assert client.get("/", base_url=PUBLIC_URL).status_code == 200
    refused = client.get("/", base_url="https://attacker.example/")
    assert refused.status_code == 400
    assert refused.headers["X-Frame-Options"] == "DENY"  # the usual headers, still


def test_every_loopback_name_is_answered_for_a_loopback_public_url(
    app: Flask, database_url: str, emulator_server: LiveServer
) -> None:
    config = storefront_config(database_url, emulator_server.url)
    loopback = create_app({**config, "PUBLIC_URL": "http://[::1]:5000/"})
    client = loopback.test_client()
    for base_url in ("http://[::1]:5000/", "http://127.0.0.1:5000/", "http://localhost:5000/"):
        assert client.get("/", base_url=base_url).status_code == 200, base_url
    assert client.get("/", base_url="http://rebound.example:5000/").status_code == 400
    with loopback.app_context():
        db.engine.dispose()


def test_hsts_only_when_public_url_is_https(public_app: Flask, app: Flask) -> None:
    answer = public_app.test_client().get("/", base_url=PUBLIC_URL)
    assert answer.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in app.test_client().get("/").headers


def test_personal_pages_are_not_stored_catalog_pages_may_be(
    seeded: Flask, client: ShopClient
) -> None:
    add(client, "TEE-ORG")
    for url in ("/checkout/details", "/checkout/payment", "/orders/lookup"):
        assert client.get(url).headers.get("Cache-Control") == "no-store", url
    for url in ("/", "/cart"):
        assert client.get(url).headers.get("Cache-Control") != "no-store", url


@pytest.fixture
def shop_server(seeded: Flask) -> Iterator[LiveServer]:
    """The seeded shop on a real HTTP server: chunked bodies arrive as they do in production."""
    server = LiveServer(seeded).start()
    yield server
    server.stop()


def post_chunked(session: requests.Session, url: str, body: str) -> int:
    """POST a form body with Transfer-Encoding: chunked (no Content-Length), as 4 KiB chunks."""
    data = body.encode()
    chunks = (data[start : start + 4096] for start in range(0, len(data), 4096))
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    return session.post(url, data=chunks, headers=headers, allow_redirects=False).status_code


def cart_count(session: requests.Session, server: LiveServer) -> str:
    """The header's cart count, as the shopper sees it."""
    match = re.search(r'class="cart-count">\((\d+)', session.get(f"{server.url}/cart").text)
    assert match, "no cart count in the header"
    return match.group(1)


@pytest.mark.parametrize("padding_first", [False, True])
def test_a_chunked_body_over_the_limit_is_refused_not_cut(
    shop_server: LiveServer, padding_first: bool
) -> None:
    session = requests.Session()
    token = CSRF_META.search(session.get(f"{shop_server.url}/").text)
    assert token
    fields = f"csrf_token={token.group(1)}&sku=TEE-ORG&quantity=1"
    padding = "note=" + "a" * MAX_REQUEST_BYTES
    body = f"{padding}&{fields}" if padding_first else f"{fields}&{padding}"
    assert post_chunked(session, f"{shop_server.url}/cart/add", body) == 413
    assert cart_count(session, shop_server) == "0"


def test_a_chunked_body_within_the_limit_is_read_whole(shop_server: LiveServer) -> None:
    session = requests.Session()
    token = CSRF_META.search(session.get(f"{shop_server.url}/").text)
    assert token
    body = f"csrf_token={token.group(1)}&sku=TEE-ORG&quantity=2"
    assert post_chunked(session, f"{shop_server.url}/cart/add", body) == 302
    assert cart_count(session, shop_server) == "2"


def test_database_errors_carry_no_statement_parameters(app: Flask) -> None:
    with app.app_context(), pytest.raises(sa.exc.DBAPIError) as raised:
        db.session.execute(sa.text("SELECT :token FROM no_such_table"), {"token": "kp-secret-1"})
    assert "kp-secret-1" not in str(raised.value)


def test_the_sqlite_file_is_created_readable_by_its_owner_only(
    tmp_path: Path, emulator_server: LiveServer
) -> None:
    path = tmp_path / "shop.sqlite"
    create_app(storefront_config(f"sqlite:///{path}", emulator_server.url))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_home_page_lists_demo_coupons_only(seeded: Flask, client: ShopClient) -> None:
    with seeded.app_context():
        private = Coupon(code="STAFF50", kind="percent", percent_off_bp=5000)
        private.valid_from, private.valid_until = date(2020, 1, 1), None
        private.market_terms.append(CouponMarketTerms(market="GB"))
        db.session.add(private)
        db.session.commit()
    home = client.get("/").get_data(as_text=True)
    assert "WELCOME10" in home
    assert "STAFF50" not in home
