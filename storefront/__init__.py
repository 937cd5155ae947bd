"""The storefront Flask application: `create_app` builds it from config in a few register steps."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy.engine import make_url
from werkzeug.middleware.proxy_fix import ProxyFix

from storefront import (
    admin_login,
    cli,
    dev_panel,
    graphql,
    jsonapi,
    klarna_extension,
    mail,
    security,
    shared_cache,
)
from storefront.config import build_config
from storefront.extensions import csrf, db, migrate
from storefront.services import rate_limits

REPO_ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
MAX_REQUEST_BYTES = 64 * 1024
# The shop's name: page titles and header, and the merchant name the bundled emulator shows.
SHOP_NAME = "Fjord & Field"


def create_app(
    test_config: Mapping[str, Any] | None = None,
    *,
    defaults: Mapping[str, Any] | None = None,
) -> Flask:
    """Build the storefront; `test_config` replaces local config, `defaults` sit under it."""
    # Templates and static files live at the repository root (project layout decision).
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(REPO_ROOT / "templates"),
        static_folder=str(REPO_ROOT / "static"),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        # The largest form (the details, two addresses) is a few kB, a Klarna callback less:
        # a bigger body is refused (413) before anything parses it.
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
    )
    app.config.update(
        build_config(Path(app.instance_path), defaults=defaults, overrides=test_config)
    )
    app.jinja_env.globals["shop_name"] = SHOP_NAME
    trust_proxies(app)
    register_extensions(app)
    register_blueprints(app)
    dev_panel.init_app(app)
    security.init_app(app)
    cli.init_app(app)
    return app


def trust_proxies(app: Flask) -> None:
    """Take the client address and scheme from the TRUSTED_PROXIES nearest X-Forwarded-* hops.

    Only hops added by the shop's own proxies are believed: a client can put anything in the
    headers it sends, so with no trusted proxy they are ignored altogether.
    """
    count = app.config["TRUSTED_PROXIES"]
    if count:
        # Flask's documented way to wrap the app in WSGI middleware; mypy sees a method.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)  # type: ignore[method-assign]


def create_private_sqlite_file(database_url: str) -> None:
    """Create a SQLite database file readable by its owner only (it holds shoppers' data).

    SQLite would create it with the process umask, usually world-readable (0644); its
    journal files take the database file's permissions.
    """
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return
    # A missing folder is left for SQLite to report when the database is first opened.
    with contextlib.suppress(FileNotFoundError):
        os.close(os.open(url.database, os.O_CREAT | os.O_WRONLY, 0o600))


def register_extensions(app: Flask) -> None:
    """Bind the unbound extensions to this app."""
    create_private_sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"])
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    app.before_request(security.refuse_unnamed_form_fields)  # before CSRF reads the form
    csrf.init_app(app)
    klarna_extension.init_app(app)
    rate_limits.init_app(app)
    admin_login.init_app(app)
    shared_cache.init_app(app)
    mail.init_app(app)


def register_blueprints(app: Flask) -> None:
    """Register one blueprint per page area, plus the error pages."""
    from storefront.views import (
        admin,
        admin_auth,
        admin_order_actions,
        admin_subscriptions,
        cart,
        catalog,
        checkout,
        errors,
        klarna_callbacks,
        market,
        orders,
        payment,
        shopper,
        subscriptions,
    )

    shop = (catalog, cart, checkout, market, payment, orders, subscriptions, klarna_callbacks)
    for module in (*shop, admin_auth, admin, admin_order_actions, admin_subscriptions):
        app.register_blueprint(module.bp)
    graphql.init_app(app)
    jsonapi.init_app(app)  # the JSON:API door, /oauth/token and /api
    shopper.init_app(app)
    errors.init_app(app)
