"""Browsing the shop without JavaScript: category pages, the search (a GET form), product pages
in the shopper's language, and add to cart answering JSON to add-to-cart.js."""

from __future__ import annotations

import html
import re

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from storefront.services.catalog_search import MAX_QUERY_LENGTH
from storefront.views.shopper import LANGUAGE_KEY
from tests.integration.test_query_counts import counted_queries
from tests.support.client import ShopClient
from tests.support.shopping import add, switch_market

PRODUCT_NAMES = re.compile(r'<span class="product-name">([^<]*)</span>')


def names_on(client: ShopClient, path: str) -> list[str]:
    """The product names a catalog page's grid shows, in order."""
    answer = client.get(path)
    assert answer.status_code == 200, path
    return [html.unescape(name) for name in PRODUCT_NAMES.findall(answer.get_data(as_text=True))]


def test_a_category_page_lists_only_its_products(seeded: Flask, client: ShopClient) -> None:
    assert names_on(client, "/category/pantry") == [
        "Coffee Beans 500\u00a0g",
        "Dark Chocolate 72\u00a0%",
        "Tea Club Box",
        "Wildflower Honey",
    ]
    home = client.get("/").get_data(as_text=True)
    assert 'href="/category/pantry"' in home


@pytest.mark.parametrize("slug", ["no-such-category", "pantry%00", "PANTRY"])
def test_an_unknown_category_is_a_404(seeded: Flask, client: ShopClient, slug: str) -> None:
    answer = client.get(f"/category/{slug}")
    assert answer.status_code == 404
    assert "We could not find that category" in answer.get_data(as_text=True)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("wool", ["Merino Hoodie", "Wool Socks (3 pack)"]),
        ("  WOOL   socks ", ["Wool Socks (3 pack)"]),
        ("skane", ["Nordic Walks"]),  # accents folded: Skåne
        ("peru", ["Dark Chocolate 72\u00a0%"]),  # from the product's details
    ],
)
def test_the_search_finds_every_word_in_names_and_texts(
    seeded: Flask, client: ShopClient, query: str, expected: list[str]
) -> None:
    assert names_on(client, f"/search?q={query}") == expected


def test_the_search_reads_the_shoppers_language(seeded: Flask, client: ShopClient) -> None:
    switch_market(client, "DE")
    assert names_on(client, "/search?q=Bienenstand") == ["Wildflower Honey"]
    with client.session_transaction() as session:
        session[LANGUAGE_KEY] = "sv"
    assert names_on(client, "/search?q=bigård") == ["Wildflower Honey"]


def test_the_search_finds_a_category_by_the_name_the_page_shows(
    seeded: Flask, client: ShopClient
) -> None:
    switch_market(client, "DE")
    pantry = names_on(client, "/category/pantry")
    assert pantry
    assert names_on(client, "/search?q=Vorratskammer") == pantry  # "Pantry" in German
    assert names_on(client, "/search?q=pantry") == pantry  # and as its URL names it


def test_a_search_that_finds_nothing_says_so(seeded: Flask, client: ShopClient) -> None:
    page = client.get("/search?q=zeppelin").get_data(as_text=True)
    assert "Nothing matches “zeppelin”." in page
    assert PRODUCT_NAMES.findall(page) == []


@pytest.mark.parametrize("query", ["x" * (MAX_QUERY_LENGTH + 1), "tea\x00", "%%%", ""])
def test_odd_searches_answer_a_page_and_never_fail(
    seeded: Flask, client: ShopClient, query: str
) -> None:
    answer = client.get("/search", query_string={"q": query})
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    assert PRODUCT_NAMES.findall(page) == []
    if len(query) > MAX_QUERY_LENGTH:
        assert f"Search for at most {MAX_QUERY_LENGTH} characters." in page


def test_catalog_pages_cost_the_same_queries_whatever_they_show(
    seeded: Flask, client: ShopClient
) -> None:
    paths = ["/search?q=wool", "/search?q=zeppelin", "/search?q=a", "/category/home", "/"]
    for path in paths:
        client.get(path)  # the catalog is in the cache from now on
    counts = {}
    for path in paths:
        with counted_queries(seeded) as statements:
            assert client.get(path).status_code == 200
        counts[path] = len(statements)
    assert len(set(counts.values())) == 1, counts


def test_a_product_page_shows_its_texts_in_the_shoppers_language(
    seeded: Flask, client: ShopClient
) -> None:
    page = client.get("/products/stoneware-mug").get_data(as_text=True)
    assert "Thrown on the wheel" in page
    assert "<dt>Capacity</dt><dd>350\u00a0ml</dd>" in page
    assert 'alt="A speckled cream stoneware mug with a round handle"' in page
    assert 'width="560" height="560"' in page
    assert page.count('class="product-card"') == 4  # related products
    switch_market(client, "SE")
    page = client.get("/products/stoneware-mug").get_data(as_text=True)
    assert "Dreijad och doppad för hand" in page
    assert "<dt>Volym</dt>" in page


def add_for_script(client: ShopClient, sku: str) -> TestResponse:
    """Post the add-to-cart form as static/js/add-to-cart.js does, asking for JSON."""
    return client.post_form(
        "/cart/add", {"sku": sku, "quantity": "1"}, headers={"Accept": "application/json"}
    )


def test_add_to_cart_answers_json_to_the_grids_script(seeded: Flask, client: ShopClient) -> None:
    answer = add_for_script(client, "HNY-WLD")
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["messages"] == [{"category": "success", "text": "Added to your cart."}]
    assert "(1<span" in body["fragments"]["cart_link"]
    refused = add_for_script(client, "NO-SUCH-SKU")
    assert refused.get_json()["messages"][0]["category"] == "error"
    assert "(1<span" in refused.get_json()["fragments"]["cart_link"]


def test_add_to_cart_without_javascript_returns_to_the_products_card(
    seeded: Flask, client: ShopClient
) -> None:
    answer = add(client, "HNY-WLD", next="/#p-wildflower-honey")
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/#p-wildflower-honey"
    assert 'id="p-wildflower-honey"' in client.get("/").get_data(as_text=True)


def test_add_to_cart_json_still_needs_the_csrf_token(seeded: Flask, client: ShopClient) -> None:
    answer = client.post(
        "/cart/add",
        data={"sku": "HNY-WLD", "quantity": "1"},
        headers={"Accept": "application/json"},
    )
    assert answer.status_code == 400
