"""The header's switchers: the country (currency and prices) and the language the shopper sees."""

from __future__ import annotations

from flask import Blueprint, flash
from flask_babel import gettext, refresh
from werkzeug.wrappers import Response

from storefront.forms import ChangeLanguageForm, ChangeMarketForm
from storefront.i18n import country_name
from storefront.markets import MARKETS
from storefront.services import carts
from storefront.services.errors import ShopError
from storefront.views.responses import redirect_back
from storefront.views.shopper import editable_cart, remember_language, remember_market

bp = Blueprint("market", __name__)


@bp.post("/market")
def switch() -> Response:
    """Switch market, re-pricing the cart there; go back to the page the shopper was on."""
    form = ChangeMarketForm()
    if not form.validate_on_submit():
        flash(gettext("Please choose one of the countries listed."), "error")
        return redirect_back("catalog.index")
    market = MARKETS[form.market.data]
    cart = editable_cart()
    try:
        notices = carts.switch_market(cart, market.code) if cart else []
    except ShopError as error:
        flash(error.user_message, "error")
        return redirect_back("catalog.index")
    remember_market(market)
    # A shopper who never chose a language now reads the new market's: say so in it.
    refresh()
    message = gettext(
        "You are now shopping in %(country)s; prices are in %(currency)s.",
        country=country_name(market.country),
        currency=market.currency,
    )
    flash(message, "success")
    for notice in notices:
        flash(notice, "info")
    return redirect_back("catalog.index")


@bp.post("/language")
def language() -> Response:
    """Show the shop in another language (the market stays); go back to the same page."""
    form = ChangeLanguageForm()
    if not form.validate_on_submit():
        flash(gettext("Please choose one of the languages listed."), "error")
        return redirect_back("catalog.index")
    remember_language(form.language.data)
    refresh()  # this request's messages are in the new language too
    return redirect_back("catalog.index")
