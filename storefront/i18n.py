"""The shop's languages: Flask-Babel with gettext catalogs in storefront/translations."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask_babel import Babel, get_locale

from storefront.markets import Market

LANGUAGES = ("en", "de", "sv")
# Each language named in itself, as a language switch lists them.
LANGUAGE_NAMES = {"en": "English", "de": "Deutsch", "sv": "Svenska"}
# The Babel locale each language's pages are formatted in: the shop's English is British
# ("31 August 2024", "working days"); German and Swedish as written in DE and SE.
BABEL_LOCALES = {"en": "en_GB", "de": "de_DE", "sv": "sv_SE"}

babel = Babel()


def N_(message: str) -> str:
    """Mark a message for extraction only: it is translated where it is shown, with _()."""
    return message


def request_language() -> str:
    """The language this request's pages are in ('en' outside a request)."""
    locale = get_locale()
    return "en" if locale is None else str(locale.language)


def market_language(market: Market) -> str:
    """The language a market's shoppers get by default: the language part of its locale."""
    return market.locale.split("-")[0]


def country_name(country: str) -> str:
    """A country's name in the request's language (Babel's CLDR data), e.g. DE: 'Tyskland'."""
    locale = get_locale()
    if locale is None:
        return country
    return str(locale.territories.get(country, country))


def init_app(app: Flask, locale_selector: Callable[[], str]) -> None:
    """Bind Flask-Babel to the app; `locale_selector` names each request's language."""
    babel.init_app(app, locale_selector=lambda: BABEL_LOCALES[locale_selector()])
    app.jinja_env.globals["country_name"] = country_name
