"""The language a request gets, and the Klarna locale a language and market make."""

from __future__ import annotations

import pytest
from flask import Flask

from storefront.i18n import LANGUAGES, country_name, market_language
from storefront.klarna.preflight import COUNTRIES
from storefront.klarna_purchase import klarna_locale
from storefront.markets import MARKETS
from storefront.views.shopper import LANGUAGE_KEY, MARKET_KEY, current_language


@pytest.mark.parametrize(
    ("market", "language"), [("DE", "de"), ("SE", "sv"), ("GB", "en"), ("US", "en")]
)
def test_each_market_defaults_to_its_language(market: str, language: str) -> None:
    assert market_language(MARKETS[market]) == language


@pytest.mark.parametrize(
    ("market", "language", "locale"),
    [
        ("DE", "de", "de-DE"),
        ("DE", "en", "en-DE"),
        ("DE", "sv", "de-DE"),  # Klarna has no sv-DE: the country's own language
        ("SE", "sv", "sv-SE"),
        ("SE", "en", "en-SE"),
        ("SE", "de", "sv-SE"),
        ("GB", "de", "en-GB"),
        ("GB", "en", "en-GB"),
        ("US", "sv", "en-US"),
        ("US", None, "en-US"),
        ("DE", None, "de-DE"),
    ],
)
def test_klarna_locale_follows_the_language_where_klarna_has_the_pair(
    market: str, language: str | None, locale: str
) -> None:
    assert klarna_locale(MARKETS[market], language) == locale


def test_every_locale_the_shop_can_send_is_one_klarna_allows() -> None:
    for market in MARKETS.values():
        for language in (None, *LANGUAGES):
            _currency, allowed = COUNTRIES[market.country]
            assert klarna_locale(market, language) in allowed


@pytest.fixture
def bare_app() -> Flask:
    """An app with the shop's language selection and nothing else."""
    from storefront.i18n import init_app

    app = Flask(__name__)
    app.secret_key = "test"
    init_app(app, current_language)
    return app


@pytest.mark.parametrize(
    ("session", "path", "language"),
    [
        ({}, "/", "en"),  # the default market, GB
        ({MARKET_KEY: "DE"}, "/", "de"),
        ({MARKET_KEY: "SE"}, "/", "sv"),
        ({MARKET_KEY: "US"}, "/", "en"),
        ({MARKET_KEY: "DE", LANGUAGE_KEY: "sv"}, "/", "sv"),
        ({MARKET_KEY: "SE", LANGUAGE_KEY: "en"}, "/", "en"),
        ({MARKET_KEY: "SE", LANGUAGE_KEY: "fr"}, "/", "sv"),  # not offered: the market's
        ({MARKET_KEY: "XX"}, "/", "en"),  # unknown market: the default one
    ],
)
def test_current_language_is_the_choice_else_the_markets(
    bare_app: Flask, session: dict[str, str], path: str, language: str
) -> None:
    with bare_app.test_request_context(path):
        from flask import session as flask_session

        flask_session.update(session)
        assert current_language() == language


def test_outside_a_request_the_language_is_english(bare_app: Flask) -> None:
    with bare_app.app_context():
        assert current_language() == "en"


def test_country_names_are_in_the_requests_language(bare_app: Flask) -> None:
    from flask import session

    names = {}
    for market in ("GB", "DE", "SE"):
        with bare_app.test_request_context("/"):
            session[MARKET_KEY] = market
            names[market] = country_name("DE"), country_name("SE")
    assert names == {
        "GB": ("Germany", "Sweden"),
        "DE": ("Deutschland", "Schweden"),
        "SE": ("Tyskland", "Sverige"),
    }
