"""The shopper's session: their market, cart token and orders, and what every page's header shows.

The session cookie is signed, so the cart token in it cannot be forged or swapped; a cart is
only ever found through the token of the session that created it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import Flask, g, has_request_context, request, session

from storefront import i18n
from storefront.clock import utcnow
from storefront.forms import ChangeLanguageForm, ChangeMarketForm
from storefront.i18n import LANGUAGES, market_language, request_language
from storefront.markets import MARKETS, Market, market_for
from storefront.models import Cart
from storefront.money import format_rate
from storefront.plans import cadence_label
from storefront.services import carts
from storefront.views.fragments import shared_fragment

# Session keys: the cart's random token, the chosen market code, and the numbers of the
# orders this browser may see (newest last, at most REMEMBERED_ORDERS).
CART_KEY = "cart"
MARKET_KEY = "market"
LANGUAGE_KEY = "language"
ORDERS_KEY = "orders"
REMEMBERED_ORDERS = 20
# The back office stays English whatever the shopper's language, and so do the headless doors
# (GraphQL, JSON:API): their clients match the platforms' English messages (docs/i18n.md).
ENGLISH_ONLY_BLUEPRINTS = frozenset(
    {"admin", "admin_auth", "admin_order_actions", "admin_subscriptions", "graphql", "api"}
)
FLASHES_KEY = "_flashes"  # where Flask's flash() keeps messages until a page shows them


def leave_database_out_of_header() -> None:
    """Render this request's page without the header's cart count (the database is busy)."""
    g.header_without_database = True


def current_market() -> Market:
    """The market the shopper chose, or the default one."""
    return market_for(session.get(MARKET_KEY))


def current_language() -> str:
    """The language the shopper chose, else their market's (storefront.i18n).

    English outside a request (a CLI command, a test's app context) and in the back office.
    """
    if not has_request_context() or request.blueprint in ENGLISH_ONLY_BLUEPRINTS:
        return "en"
    chosen = session.get(LANGUAGE_KEY)
    if chosen in LANGUAGES:
        return str(chosen)
    return market_language(current_market())


def remember_market(market: Market) -> None:
    """Keep the shopper's market in their session."""
    session[MARKET_KEY] = market.code


def remember_language(language: str) -> None:
    """Keep the shopper's chosen language in their session (it then outlasts market changes)."""
    session[LANGUAGE_KEY] = language


def current_cart(*, for_update: bool = False) -> Cart | None:
    """The session's cart, if it has one (kept for the header's count: `cart_item_count`)."""
    cart = carts.find_cart(session.get(CART_KEY), for_update=for_update)
    g.shopper_cart = cart
    return cart


def cart_item_count() -> int:
    """The header's item count: from the cart this request loaded, else one query.

    A cart whose lines are in memory (not expired by a commit) is counted there, so a page that
    shows the cart pays no query for the header; nothing is lazily loaded here (that would
    cost a query per line).
    """
    token = session.get(CART_KEY)
    cart = g.get("shopper_cart")
    if cart is not None and in_memory(cart, token):
        return sum(line.quantity for line in cart.lines)
    return carts.item_count(token)


def in_memory(cart: Cart, token: str | None) -> bool:
    """Whether the session's cart and its lines' quantities can be read without any SQL."""
    state = sa.inspect(cart)
    if not state.persistent or state.dict.get("token") != token or "lines" not in state.dict:
        return False
    lines = [sa.inspect(line) for line in state.dict["lines"]]
    return all(line.persistent and "quantity" in line.dict for line in lines)


def header_is_generic() -> bool:
    """Whether the page header is the same as every new visitor's: no cart, no message.

    Such a shopper's catalog pages can come whole from the shared cache (`shared_page`).
    """
    return not session.get(CART_KEY) and FLASHES_KEY not in session


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
        language = request_language()
        return {
            "market": market,
            "markets": MARKETS,
            "language": language,
            # Both lists name their entries in the page's language (cached per language).
            "market_choice": shared_fragment(
                "_market_choice.html",
                (market.code,),
                lambda: {"market_form": ChangeMarketForm(formdata=None, market=market.code)},
            ),
            "language_choice": shared_fragment(
                "_language_choice.html",
                (),
                lambda: {"language_form": ChangeLanguageForm(formdata=None, language=language)},
            ),
            "cart_item_count": None if g.get("header_without_database") else cart_item_count(),
        }

    @app.template_filter("money")
    def money_filter(amount_minor: int) -> str:
        """Format minor units in the shopper's market, e.g. {{ 2499 | money }}."""
        return current_market().format_amount(amount_minor)

    app.add_template_filter(format_rate, "rate")
    app.add_template_filter(cadence_label, "plan_label")  # in the page's language
