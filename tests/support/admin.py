"""Admin accounts for tests: create one, sign a test client in, list the admin area's routes."""

from __future__ import annotations

import re

from flask import Flask
from werkzeug.test import TestResponse

from storefront.services.admin_accounts import create_admin
from tests.support.client import ShopClient

ADMIN_USERNAME = "merchant"
ADMIN_PASSWORD = "correct horse battery staple"
# The admin pages open to everyone: signing in, and signing out (which needs no session).
PUBLIC_ADMIN_ENDPOINTS = frozenset({"admin_auth.login", "admin_auth.logout"})
# A value for each URL variable of an admin route.
SAMPLE_URL_VALUES = {"number": "FF-TEST-0001", "subscription_id": "1", "action": "renew"}


def create_account(app: Flask, username: str = ADMIN_USERNAME) -> None:
    """Create an admin account with ADMIN_PASSWORD."""
    with app.app_context():
        create_admin(username, ADMIN_PASSWORD)


def sign_in(client: ShopClient, password: str = ADMIN_PASSWORD, **headers: str) -> TestResponse:
    """Post the sign-in form as a browser would (with the sign-in page's CSRF token)."""
    return client.post_form(
        "/admin/login", {"username": ADMIN_USERNAME, "password": password}, headers=headers
    )


def admin_routes(app: Flask) -> list[tuple[str, str, str]]:
    """Every (endpoint, method, URL) under /admin, with sample values in the URL."""
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/admin"):
            continue
        url = rule.rule
        for name in rule.arguments:
            url = re.sub(rf"<(?:\w+:)?{name}>", SAMPLE_URL_VALUES[name], url)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            routes.append((rule.endpoint, method, url))
    return routes
