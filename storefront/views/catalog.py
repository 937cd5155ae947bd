"""Catalog pages: the home page (demo coupons and every product) and a page per product."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, render_template

from storefront.forms import AddToCartForm, storable
from storefront.markets import Market
from storefront.services import catalog, coupons
from storefront.services.catalog import PricedProduct
from storefront.views.fragments import shared_fragment, shared_page
from storefront.views.shopper import current_market, header_is_generic, today

bp = Blueprint("catalog", __name__)


@bp.get("/")
def index() -> str:
    """Show the demo coupon codes and the products sold in the shopper's market."""
    market, day = current_market(), today()
    return shared_page(header_is_generic(), (market.code, day), lambda: render_index(market, day))


def render_index(market: Market, day: date) -> str:
    """The home page, its coupons and products from the shared cache."""
    shelves = shared_fragment(
        "catalog/_shelves.html",
        (market.code, day),
        lambda: {
            "products": catalog.list_products(market),
            "coupons": coupons.demo_coupons(market, day),
        },
    )
    return render_template("catalog/index.html", shelves=shelves)


@bp.get("/products/<slug>")
def product(slug: str) -> str:
    """Show one product with an add-to-cart form; 404 if it is not sold in this market."""
    market = current_market()
    found = catalog.find_product(slug, market) if storable(slug) else None
    if found is None:
        abort(404, description="We could not find that product in this country's shop.")
    return shared_page(header_is_generic(), (market.code,), lambda: render_product(market, found))


def render_product(market: Market, found: PricedProduct) -> str:
    """A product's page, its body from the shared cache."""
    detail = shared_fragment(
        "catalog/_product_detail.html",
        (market.code, found.product.slug),
        lambda: {
            "market": market,
            "item": found,
            "form": AddToCartForm(formdata=None, sku=found.product.sku),
        },
    )
    return render_template("catalog/product.html", item=found, detail=detail)
