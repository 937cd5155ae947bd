"""The storefront factory: pages, error pages, CSRF and seeding (headers: test_security_headers)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from storefront.catalog_data import DEMO_COUPONS
from storefront.extensions import db
from storefront.models import Coupon, CouponMarketTerms, Product, ProductPrice
from storefront.seed import seed_demo_data
from tests.support.client import ShopClient


def test_home_lists_seeded_products(seeded: Flask, client: ShopClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert "Organic Cotton Tee" in page.get_data(as_text=True)


def test_seeding_twice_keeps_one_copy(app: Flask) -> None:
    with app.app_context():
        first = seed_demo_data()
        second = seed_demo_data()
        products = db.session.scalar(sa.select(sa.func.count()).select_from(Product))
        prices = db.session.scalar(sa.select(sa.func.count()).select_from(ProductPrice))
        coupons = db.session.scalar(sa.select(sa.func.count()).select_from(Coupon))
        terms = db.session.scalar(sa.select(sa.func.count()).select_from(CouponMarketTerms))
    assert (first, second) == (products, 0)
    assert products >= 12
    assert prices == products * 4
    assert (coupons, terms) == (len(DEMO_COUPONS), len(DEMO_COUPONS) * 4)


def test_unknown_page_is_a_friendly_404(client: ShopClient) -> None:
    page = client.get("/no-such-page")
    assert page.status_code == 404
    assert "Page not found" in page.get_data(as_text=True)


def test_csrf_is_on_and_a_missing_token_gets_a_page(app: Flask, client: ShopClient) -> None:
    app.add_url_rule("/test-form", "test_form", lambda: "accepted", methods=["POST"])
    refused = client.post("/test-form", data={"field": "x"})
    accepted = client.post_form("/test-form", {"field": "x"})
    assert refused.status_code == 400
    assert "Your form expired" in refused.get_data(as_text=True)
    assert accepted.get_data(as_text=True) == "accepted"
