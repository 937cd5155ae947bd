"""Admin sign-in: Flask-Login bound to admin accounts, with an idle timeout.

Why Flask-Login: it is Flask's maintained extension for exactly this (keep a signed-in user
in the signed session cookie, load them on each request, refuse a session cookie replayed
from another address or browser with `session_protection = "strong"`), so the shop does not
hand-roll security-sensitive session code. The session holds an account's random session
token, never its row id (storefront.admin_models.AdminUser), and nothing a shopper's session
has signs anyone in.
"""

from __future__ import annotations

import time
from typing import Any

from flask import Flask, current_app, flash, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from storefront.admin_models import AdminUser
from storefront.extensions import login_manager
from storefront.services.admin_accounts import admin_for_session, end_sessions

# When the signed-in admin last made a request (Unix seconds), for the idle timeout.
LAST_SEEN_KEY = "admin_last_seen"


def init_app(app: Flask) -> None:
    """Bind Flask-Login: admin accounts only, strong session protection, the sign-in page."""
    # No app-wide template global: Flask-Login's loads the user on every page, and strong
    # session protection would then mark every shopper's session (and clear a cookie) on each
    # response. The admin blueprints give their templates `current_user` themselves.
    login_manager.init_app(app, add_context_processor=False)
    login_manager.session_protection = "strong"
    login_manager.login_view = "admin_auth.login"
    login_manager.login_message = "Please sign in to see the admin area."
    login_manager.login_message_category = "error"
    login_manager.user_loader(admin_for_session)


def admin_template_context() -> dict[str, Any]:
    """`current_user` for the admin area's templates (a blueprint context processor)."""
    return {"current_user": current_user}


def sign_in(admin: AdminUser) -> None:
    """Keep the admin signed in in this browser's session (never a remember-me cookie)."""
    login_user(admin, remember=False)
    session[LAST_SEEN_KEY] = int(time.time())


def sign_out(admin: AdminUser | None) -> None:
    """End this browser's admin session, and every other session of the account."""
    if admin is not None:  # first: `admin` may be current_user, which logout_user() replaces
        end_sessions(admin)
    logout_user()
    session.pop(LAST_SEEN_KEY, None)


def idle_too_long() -> bool:
    """Whether the signed-in admin's last request was more than ADMIN_IDLE_MINUTES ago."""
    last_seen = session.get(LAST_SEEN_KEY)
    limit = current_app.config["ADMIN_IDLE_MINUTES"] * 60
    return not isinstance(last_seen, int) or time.time() - last_seen > limit


def mark_seen() -> None:
    """Record this request as the admin's latest, restarting the idle timeout."""
    session[LAST_SEEN_KEY] = int(time.time())


def require_admin() -> Response | None:
    """Send anyone not signed in as an admin (or idle too long) to the sign-in page.

    Every admin blueprint but sign-in runs this before each request (deny by default).
    """
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if idle_too_long():
        sign_out(None)  # this browser only: the admin's other sessions may be in use
        flash("You were signed out after a while without activity. Please sign in again.", "error")
        return redirect(url_for("admin_auth.login", next=request.full_path))
    mark_seen()
    return None
