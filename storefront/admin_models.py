"""Database models of the merchant's admin area: admin accounts and Klarna's switch per market."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from storefront.extensions import Model


class AdminUser(Model):
    """A merchant's admin account: a username and a scrypt password hash, never the password.

    `session_token` is what a signed-in browser's session holds (Flask-Login's user id), not
    the row id: it is random, and a new one on sign-out ends every session of the account.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    session_token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), server_default=sa.func.now()
    )
    last_login_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    # Flask-Login's user interface (its UserMixin would use the row id as the session's id).
    is_active = True
    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str:
        """The id Flask-Login keeps in the session: the random session token."""
        return self.session_token


class KlarnaMarketSetting(Model):
    """Whether Klarna is offered in a market; a market without a row offers it."""

    market: Mapped[str] = mapped_column(sa.String(2), primary_key=True)
    klarna_enabled: Mapped[bool]
    updated_by: Mapped[str] = mapped_column(sa.String(64))
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
