"""Catalog pages: the home page, a page per category and per product, and the search."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext

from storefront.forms import AddToCartForm, storable
from storefront.markets import Market
from storefront.services import catalog, catalog_search, coupons
from storefront.services.catalog import PricedProduct
from storefront.typography import keep_units_together
from storefront.views.fragments import shared_fragment, shared_page
from storefront.views.shopper import current_language, current_market, header_is_generic, today

bp = Blueprint("catalog", __name__)
bp.add_app_template_filter(keep_units_together, "nobreak")
bp.add_app_template_global(catalog.product_story, "product_story")
bp.add_app_template_global(catalog_search.category_slug, "category_slug")


@bp.get("/")
def index() -> str:
    """Show the hero, the demo coupon codes and the products sold in the shopper's market."""
    market, day, language = current_market(), today(), current_language()
    return shared_page(
        header_is_generic(),
        (market.code, day, language),
        lambda: render_index(market, day, language),
    )


def render_index(market: Market, day: date, language: str) -> str:
    """The home page, its coupons and products from the shared cache."""
    shelves = shared_fragment(
        "catalog/_shelves.html",
        (market.code, day, language),
        lambda: {
            "products": catalog.list_products(market),
            "coupons": coupons.demo_coupons(market, day),
            "categories": catalog_search.list_categories(market),
            "language": language,
            "back_to": url_for("catalog.index"),
        },
    )
    return render_template("catalog/index.html", shelves=shelves)


@bp.get("/category/<slug>")
def category(slug: str) -> str:
    """Show one category's products; 404 if this market's shop has no such category."""
    market, language = current_market(), current_language()
    found = catalog_search.find_category(slug, market) if storable(slug) else None
    if found is None:
        abort(404, description=gettext("We could not find that category in this country's shop."))
    chosen, items = found
    grid = shared_fragment(
        "catalog/_grid.html",
        ("category", market.code, language, chosen.slug),
        lambda: {
            "items": items,
            "language": language,
            "back_to": url_for("catalog.category", slug=chosen.slug),
        },
    )
    return render_template(
        "catalog/category.html",
        category=chosen,
        categories=catalog_search.list_categories(market),
        grid=grid,
    )


@bp.get("/search")
def search() -> str:
    """Show the products matching the `q` words (a GET form: works without JavaScript)."""
    market, language, text = current_market(), current_language(), request.args.get("q", "")
    result = catalog_search.search_products(text if storable(text) else "", market, language)
    return render_template(
        "catalog/search.html",
        result=result,
        categories=catalog_search.list_categories(market),
        language=language,
        back_to=request.script_root + request.full_path,
    )


@bp.get("/products/<slug>")
def product(slug: str) -> str:
    """Show one product with an add-to-cart form; 404 if it is not sold in this market."""
    market, language = current_market(), current_language()
    found = catalog.find_product(slug, market) if storable(slug) else None
    if found is None:
        abort(404, description=gettext("We could not find that product in this country's shop."))
    return shared_page(
        header_is_generic(),
        (market.code, language),
        lambda: render_product(market, found, language),
    )


def render_product(market: Market, found: PricedProduct, language: str) -> str:
    """A product's page, its body from the shared cache."""
    slug = found.product.slug
    detail = shared_fragment(
        "catalog/_product_detail.html",
        (market.code, language, slug),
        lambda: {
            "market": market,
            "item": found,
            "story": catalog.product_story(found.product, language),
            "related": catalog.related_products(found, market),
            "language": language,
            "form": AddToCartForm(formdata=None, sku=found.product.sku),
        },
    )
    return render_template("catalog/product.html", item=found, detail=detail)
