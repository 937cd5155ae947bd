"""The shopper's session: their market, cart token and orders, and what every page's header shows.

The session cookie is signed, so the cart token in it cannot be forged or swapped; a cart is
only ever found through the token of the session that created it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Flask, g, session

from storefront import i18n
from storefront.clock import utcnow
from storefront.forms import ChangeMarketForm
from storefront.i18n import LANGUAGES, market_language
from storefront.markets import MARKETS, Market, market_for
from storefront.models import Cart
from storefront.money import format_rate
from storefront.plans import plan_label
from storefront.services import carts
from storefront.views.fragments import shared_fragment

# Session keys: the cart's random token, the chosen market code, and the numbers of the
# orders this browser may see (newest last, at most REMEMBERED_ORDERS).
CART_KEY = "cart"
MARKET_KEY = "market"
LANGUAGE_KEY = "language"
ORDERS_KEY = "orders"
REMEMBERED_ORDERS = 20


def leave_database_out_of_header() -> None:
    """Render this request's page without the header's cart count (the database is busy)."""
    g.header_without_database = True


def current_market() -> Market:
    """The market the shopper chose, or the default one."""
    return market_for(session.get(MARKET_KEY))


def current_language() -> str:
    """The language the shopper chose, else their market's (storefront.i18n)."""
    chosen = session.get(LANGUAGE_KEY)
    if chosen in LANGUAGES:
        return str(chosen)
    return market_language(current_market())


def remember_market(market: Market) -> None:
    """Keep the shopper's market in their session."""
    session[MARKET_KEY] = market.code


def current_cart(*, for_update: bool = False) -> Cart | None:
    """The session's cart, if it has one."""
    return carts.find_cart(session.get(CART_KEY), for_update=for_update)


def editable_cart() -> Cart | None:
    """The session's cart, locked for a change; OrderBeingConfirmed while its order is placed.

    Every view that changes the cart gets it here, so no change slips in while Klarna is
    being asked to make the order (the app answers OrderBeingConfirmed: storefront.views.errors).
    """
    cart = current_cart(for_update=True)
    if cart is not None:
        carts.require_editable(cart)
    return cart


def current_or_new_cart() -> Cart:
    """The session's cart (locked for a change), creating one in the current market if needed."""
    cart = editable_cart()
    if cart is None:
        cart = carts.create_cart(current_market())
        session[CART_KEY] = cart.token
    return cart


def today() -> date:
    """Today's date in UTC, the calendar coupon validity is kept in."""
    return utcnow().date()


def remember_order(number: str) -> None:
    """Let this browser see the order's page from now on."""
    numbers = [n for n in session.get(ORDERS_KEY, []) if n != number]
    session[ORDERS_KEY] = [*numbers, number][-REMEMBERED_ORDERS:]


def may_see_order(number: str) -> bool:
    """Whether this browser placed or looked up the order (it is in the signed session)."""
    return number in session.get(ORDERS_KEY, [])


def init_app(app: Flask) -> None:
    """Pick each request's language; give templates the market, its switcher, the cart count."""
    i18n.init_app(app, current_language)

    @app.context_processor
    def shopper_context() -> dict[str, Any]:
        market = current_market()
        return {
            "market": market,
            "markets": MARKETS,
            "market_choice": shared_fragment(
                "_market_choice.html",
                (market.code,),
                lambda: {"market_form": ChangeMarketForm(formdata=None, market=market.code)},
            ),
            "cart_item_count": None
            if g.get("header_without_database")
            else carts.item_count(session.get(CART_KEY)),
        }

    @app.template_filter("money")
    def money_filter(amount_minor: int) -> str:
        """Format minor units in the shopper's market, e.g. {{ 2499 | money }}."""
        return current_market().format_amount(amount_minor)

    app.add_template_filter(format_rate, "rate")
    app.add_template_filter(plan_label, "plan_label")
