"""Admin accounts: create one, check a password, find a signed-in admin, end their sessions.

Passwords are stored as werkzeug scrypt hashes (salted, memory-hard), never as given.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from functools import cache

import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from storefront.admin_models import AdminUser
from storefront.clock import utcnow
from storefront.extensions import db
from storefront.services.errors import ShopError

HASH_METHOD = "scrypt"
MIN_PASSWORD_LENGTH = 12
MAX_USERNAME_LENGTH = 64
# The account `python app.py` (demo mode only) creates, with a new random password each start.
DEMO_ADMIN_USERNAME = "demo-admin"


class AccountRefused(ShopError):
    """An account cannot be created as asked; the message says why."""


@dataclass(frozen=True)
class DemoLogin:
    """The demo admin's username and the password it was just given (shown once)."""

    username: str
    password: str


@cache
def unknown_user_hash() -> str:
    """A hash to check a password against when the username is unknown.

    A wrong name then takes as long as a wrong password: the timing does not tell which
    accounts exist. Made on first use, not at import (a scrypt hash takes a while).
    """
    return generate_password_hash(secrets.token_urlsafe(16), method=HASH_METHOD)


def new_session_token() -> str:
    """A random token naming an account's sessions (48 hex digits)."""
    return secrets.token_hex(24)


def find_admin(username: str) -> AdminUser | None:
    """The admin account with this username."""
    return db.session.scalars(
        sa.select(AdminUser).where(AdminUser.username == username)
    ).one_or_none()


def create_admin(username: str, password: str) -> AdminUser:
    """Create an admin account, or raise AccountRefused (name taken, bad name, short password)."""
    username = username.strip()
    if not username or len(username) > MAX_USERNAME_LENGTH or not username.isprintable():
        raise AccountRefused(f"A username is 1 to {MAX_USERNAME_LENGTH} printable characters.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountRefused(f"A password needs at least {MIN_PASSWORD_LENGTH} characters.")
    if find_admin(username) is not None:
        raise AccountRefused(f"An admin named {username!r} already exists.")
    admin = AdminUser(
        username=username,
        password_hash=generate_password_hash(password, method=HASH_METHOD),
        session_token=new_session_token(),
    )
    db.session.add(admin)
    db.session.commit()
    return admin


def reset_demo_admin() -> DemoLogin:
    """Give the demo admin a new random password (creating the account); demo mode only."""
    password = secrets.token_urlsafe(12)
    admin = find_admin(DEMO_ADMIN_USERNAME)
    if admin is None:
        create_admin(DEMO_ADMIN_USERNAME, password)
    else:
        admin.password_hash = generate_password_hash(password, method=HASH_METHOD)
        admin.session_token = new_session_token()  # sessions of the old password end
        db.session.commit()
    return DemoLogin(DEMO_ADMIN_USERNAME, password)


def authenticate(username: str, password: str) -> AdminUser | None:
    """The account if the password is right (its sign-in time recorded), else None."""
    admin = find_admin(username.strip())
    stored = admin.password_hash if admin is not None else unknown_user_hash()
    if not check_password_hash(stored, password) or admin is None:
        return None
    admin.last_login_at = utcnow()
    db.session.commit()
    return admin


def admin_for_session(session_token: str) -> AdminUser | None:
    """The account a signed-in session names by its token (None once the token was replaced)."""
    return db.session.scalars(
        sa.select(AdminUser).where(AdminUser.session_token == session_token)
    ).one_or_none()


def end_sessions(admin: AdminUser) -> None:
    """Sign the account out everywhere: every session holding the old token is refused."""
    admin.session_token = new_session_token()
    db.session.commit()
