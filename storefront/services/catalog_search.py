"""Browsing the catalog: its categories, a category's products, and a search by words.

Everything works on the market's cached product list (services.catalog), so a category or
search page costs no SQL query of its own, whatever it finds.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from flask_babel import force_locale, gettext, lazy_gettext

from storefront.i18n import BABEL_LOCALES
from storefront.markets import Market
from storefront.services.catalog import PricedProduct, list_products, product_story
from storefront.shared_cache import shared_cache

MAX_QUERY_LENGTH = 80
MAX_TERMS = 8
TOO_LONG_MESSAGE = lazy_gettext("Search for at most %(count)s characters.", count=MAX_QUERY_LENGTH)
NON_WORD = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class Category:
    """A category of the shop, with its URL slug and how many products it has."""

    slug: str
    name: str
    count: int


@dataclass(frozen=True)
class SearchResult:
    """What a search found: the query as understood, the products, or why it was refused."""

    query: str
    products: tuple[PricedProduct, ...]
    problem: str | None = None


def category_slug(name: str) -> str:
    """The URL slug of a category name: "Home & Garden" -> "home-garden"."""
    return NON_WORD.sub("-", folded(name)).strip("-")


def list_categories(market: Market) -> tuple[Category, ...]:
    """The market's categories in catalog order, each with its number of products."""

    def read() -> tuple[Category, ...]:
        counts: dict[str, int] = {}
        for item in list_products(market):
            counts[item.product.category] = counts.get(item.product.category, 0) + 1
        return tuple(Category(category_slug(name), name, n) for name, n in counts.items())

    return shared_cache().get(("categories", market.code), read)


def find_category(slug: str, market: Market) -> tuple[Category, tuple[PricedProduct, ...]] | None:
    """The category with this slug and its products, or None if the market has no such one."""
    for category in list_categories(market):
        if category.slug == slug:
            items = tuple(
                item for item in list_products(market) if item.product.category == category.name
            )
            return category, items
    return None


def search_products(text: str, market: Market, language: str) -> SearchResult:
    """The market's products whose name, category or texts contain every word of `text`."""
    query = " ".join(text.split())
    if len(query) > MAX_QUERY_LENGTH:
        return SearchResult(query[:MAX_QUERY_LENGTH], (), str(TOO_LONG_MESSAGE))
    terms = [term for term in NON_WORD.split(folded(query)) if term][:MAX_TERMS]
    if not terms:
        return SearchResult(query, ())
    found = tuple(
        item
        for item, haystack in search_index(market, language)
        if all(term in haystack for term in terms)
    )
    return SearchResult(query, found)


def search_index(market: Market, language: str) -> tuple[tuple[PricedProduct, str], ...]:
    """Each product of the market with the folded text a search looks in (cached)."""

    def build() -> tuple[tuple[PricedProduct, str], ...]:
        index, items = [], list_products(market)
        with force_locale(BABEL_LOCALES[language]):
            categories = {name: gettext(name) for name in {item.product.category for item in items}}
        for item in items:
            product, story = item.product, product_story(item.product, language)
            facts = " ".join(value for _, value in story.details)
            # The category as the page names it, and in English (its URL slug's language).
            category = f"{product.category} {categories[product.category]}"
            words = (product.name, category, story.summary, story.description, facts)
            index.append((item, folded(" ".join(words))))
        return tuple(index)

    return shared_cache().get(("search index", market.code, language), build)


def folded(text: str) -> str:
    """Lower case without accents, so "skane" finds "Skåne" and "KAFFEE" finds "Kaffee"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))
