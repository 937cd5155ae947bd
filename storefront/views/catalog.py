"""Catalog pages: the home page listing the demo products."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, render_template

from storefront.extensions import db
from storefront.models import Product

bp = Blueprint("catalog", __name__)


@bp.get("/")
def index() -> str:
    """Show the catalog, grouped by category."""
    products = db.session.scalars(sa.select(Product).order_by(Product.category, Product.name))
    return render_template("catalog/index.html", products=list(products))
