"""Catalog pages: the home page (demo coupons and every product) and a page per product."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from storefront.forms import AddToCartForm, storable
from storefront.services import catalog, coupons
from storefront.views.shopper import current_market, today

bp = Blueprint("catalog", __name__)


@bp.get("/")
def index() -> str:
    """Show the demo coupon codes and the products sold in the shopper's market."""
    market = current_market()
    return render_template(
        "catalog/index.html",
        products=catalog.list_products(market),
        coupons=coupons.demo_coupons(market, today()),
    )


@bp.get("/products/<slug>")
def product(slug: str) -> str:
    """Show one product with an add-to-cart form; 404 if it is not sold in this market."""
    found = catalog.find_product(slug, current_market()) if storable(slug) else None
    if found is None:
        abort(404, description="We could not find that product in this country's shop.")
    form = AddToCartForm(formdata=None, sku=found.product.sku)
    return render_template("catalog/product.html", item=found, form=form)
