"""The shop's languages: Flask-Babel with gettext catalogs in storefront/translations."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask_babel import Babel

from storefront.markets import Market

LANGUAGES = ("en", "de", "sv")

babel = Babel()


def market_language(market: Market) -> str:
    """The language a market's shoppers get by default: the language part of its locale."""
    return market.locale.split("-")[0]


def init_app(app: Flask, locale_selector: Callable[[], str]) -> None:
    """Bind Flask-Babel to the app; `locale_selector` names each request's language."""
    babel.init_app(app, locale_selector=locale_selector)
