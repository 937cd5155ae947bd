"""The catalog pages come from the shared cache: their forms carry the shopper's own CSRF token,
and a catalog change shows at once from this process and within the TTL from another."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask import Flask

from storefront.extensions import db
from storefront.models import Product, ProductPrice
from storefront.shared_cache import EXTENSION_KEY, TTL_SECONDS, SharedCache
from storefront.views.fragments import CSRF_PLACEHOLDER
from tests.support.client import ShopClient
from tests.support.shopping import add

FORM_TOKEN = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')
TEE = "/products/organic-cotton-tee"


def form_tokens(page: str) -> set[str]:
    """The distinct CSRF tokens the page's forms and meta tag carry."""
    meta = re.findall(r'<meta name="csrf-token" content="([^"]+)">', page)
    return set(FORM_TOKEN.findall(page)) | set(meta)


def test_every_form_carries_the_shoppers_own_token(seeded: Flask) -> None:
    first, second = seeded.test_client(), seeded.test_client()
    for path in ("/", TEE):
        first_page = first.get(path).get_data(as_text=True)
        second_page = second.get(path).get_data(as_text=True)
        assert first_page.count("csrf_token") > 1  # the page has forms besides the header's
        first_tokens, second_tokens = form_tokens(first_page), form_tokens(second_page)
        assert len(first_tokens) == len(second_tokens) == 1
        assert first_tokens != second_tokens
        assert CSRF_PLACEHOLDER not in first_page


def test_a_form_from_the_cached_home_page_adds_to_the_cart(
    seeded: Flask, client: ShopClient
) -> None:
    client.get("/")  # cached by now
    (token,) = form_tokens(client.get("/").get_data(as_text=True))
    answer = client.post("/cart/add", data={"csrf_token": token, "sku": "TEE-ORG", "quantity": "1"})
    assert answer.status_code == 302
    assert "Organic Cotton Tee" in client.get("/cart").get_data(as_text=True)


def test_a_shopper_with_a_message_or_a_cart_gets_their_own_page(
    seeded: Flask, client: ShopClient
) -> None:
    visitor = seeded.test_client()
    for path in ("/", TEE):
        visitor.get(path)  # the shared page is cached by now
        add(client, "TEE-ORG")
        with_message = client.get(path).get_data(as_text=True)
        assert "Added to your cart." in with_message
        with_cart = client.get(path).get_data(as_text=True)
        assert "Added to your cart." not in with_cart
        assert 'class="cart-count">(0<' not in with_cart
        assert 'class="cart-count">(0<' in visitor.get(path).get_data(as_text=True)


def test_a_catalog_change_committed_here_shows_at_once(seeded: Flask, client: ShopClient) -> None:
    assert "£20.00" in client.get(TEE).get_data(as_text=True)
    assert "£20.00" in client.get("/").get_data(as_text=True)
    with seeded.app_context():  # through the unit of work, as the seed command does
        tee = db.session.scalars(sa.select(Product).where(Product.sku == "TEE-ORG")).one()
        next(price for price in tee.prices if price.market == "GB").unit_price_minor = 1999
        db.session.commit()
    assert "£19.99" in client.get(TEE).get_data(as_text=True)
    assert "£19.99" in client.get("/").get_data(as_text=True)
    with seeded.app_context():  # an UPDATE statement, as an admin script might run
        db.session.execute(
            sa.update(ProductPrice).where(ProductPrice.market == "GB").values(unit_price_minor=1234)
        )
        db.session.commit()
    assert "£12.34" in client.get(TEE).get_data(as_text=True)
    assert "£12.34" in client.get("/").get_data(as_text=True)


def test_a_change_from_another_process_shows_within_the_ttl(
    seeded: Flask, client: ShopClient
) -> None:
    now = [0.0]
    seeded.extensions[EXTENSION_KEY] = SharedCache(clock=lambda: now[0])
    assert "£20.00" in client.get("/").get_data(as_text=True)
    # Core SQL on the engine: no ORM session sees it, as with `flask seed` elsewhere.
    with seeded.app_context(), db.engine.begin() as connection:
        connection.execute(sa.text("UPDATE product_price SET unit_price_minor = 1234"))
    assert "£20.00" in client.get("/").get_data(as_text=True)
    now[0] = TTL_SECONDS
    assert "£12.34" in client.get("/").get_data(as_text=True)
