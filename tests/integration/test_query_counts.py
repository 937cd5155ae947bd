"""The cart, checkout and payment pages cost the same number of SQL queries for 1 line or 30."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from sqlalchemy import event

from storefront.extensions import db
from storefront.models import Product, ProductPrice
from tests.support.client import ShopClient
from tests.support.payment_flow import edit
from tests.support.shopping import add, complete_checkout

PAGES = ["/cart", "/checkout/details", "/checkout/shipping", "/checkout/summary"]


@contextmanager
def counted_queries(app: Flask) -> Iterator[list[str]]:
    """Record every SQL statement the app's engine runs inside the block."""
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def queries_per_page(app: Flask, client: ShopClient) -> dict[str, int]:
    """How many SQL statements each cart and checkout page runs."""
    counts = {}
    for page in PAGES:
        with counted_queries(app) as statements:
            assert client.get(page).status_code == 200
        counts[page] = len(statements)
    return counts


@pytest.fixture
def thirty_products(seeded: Flask) -> list[str]:
    """The demo products sold one-time plus enough more, all sold in GB: 30 SKUs."""
    with seeded.app_context():
        one_time = db.select(Product.sku).where(Product.sold_one_time)
        for number in range(30 - len(db.session.scalars(one_time).all())):
            product = Product(
                sku=f"EXTRA-{number}",
                slug=f"extra-{number}",
                name=f"Extra {number}",
                category="Extras",
                tax_class="standard",
                image="img/products/mug.svg",
            )
            product.prices.append(ProductPrice(market="GB", unit_price_minor=100 + number))
            db.session.add(product)
        db.session.commit()
        return list(db.session.scalars(one_time))


def test_cart_and_checkout_pages_query_count_does_not_grow_with_lines(
    seeded: Flask, thirty_products: list[str]
) -> None:
    small, large = seeded.test_client(), seeded.test_client()
    add(small, thirty_products[0])
    for sku in thirty_products:
        add(large, sku, 2)
    client: ShopClient
    for client in (small, large):
        client.post_form("/cart/coupon", {"code": "FREESHIP"})
        complete_checkout(client, "GB")
    assert len(thirty_products) == 30
    one_line = queries_per_page(seeded, small)
    thirty_lines = queries_per_page(seeded, large)
    assert one_line == thirty_lines
    assert all(3 <= count <= 8 for count in one_line.values()), one_line


WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


def test_payment_page_reload_reads_the_same_few_rows_for_any_cart_and_writes_nothing(
    seeded: Flask, thirty_products: list[str]
) -> None:
    small, large = seeded.test_client(), seeded.test_client()
    add(small, thirty_products[0])
    for sku in thirty_products:
        add(large, sku, 2)
    counts = []
    for client in (small, large):
        complete_checkout(client, "GB")
        assert client.get("/checkout/payment").status_code == 200  # creates the session
        with counted_queries(seeded) as statements:
            page = client.get("/checkout/payment").get_data(as_text=True)
        assert [s for s in statements if WRITES.match(s)] == []
        counts.append(len(statements))
    assert counts[0] == counts[1] <= 5, counts
    # The header's count comes from the cart the page loaded, not from a query of its own.
    assert "(60<span" in page


def test_header_count_follows_a_change_made_in_the_same_request(
    seeded: Flask, client: ShopClient
) -> None:
    add(client, "TEE-ORG")
    complete_checkout(client, "GB")
    client.get("/checkout/payment")
    answer = edit(client, "items/TEE-ORG/quantity", {"quantity": "3"})
    assert "(3<span" in answer["fragments"]["cart_link"]
