"""The header's market switcher: change the country, currency and prices the shopper sees."""

from __future__ import annotations

from flask import Blueprint, flash
from werkzeug.wrappers import Response

from storefront.forms import ChangeMarketForm
from storefront.markets import MARKETS
from storefront.services import carts
from storefront.services.errors import ShopError
from storefront.views.responses import redirect_back
from storefront.views.shopper import editable_cart, remember_market

bp = Blueprint("market", __name__)


@bp.post("/market")
def switch() -> Response:
    """Switch market, re-pricing the cart there; go back to the page the shopper was on."""
    form = ChangeMarketForm()
    if not form.validate_on_submit():
        flash("Please choose one of the countries listed.", "error")
        return redirect_back("catalog.index")
    market = MARKETS[form.market.data]
    cart = editable_cart()
    try:
        notices = carts.switch_market(cart, market.code) if cart else []
    except ShopError as error:
        flash(error.user_message, "error")
        return redirect_back("catalog.index")
    remember_market(market)
    flash(f"You are now shopping in {market.name}; prices are in {market.currency}.", "success")
    for notice in notices:
        flash(notice, "info")
    return redirect_back("catalog.index")
