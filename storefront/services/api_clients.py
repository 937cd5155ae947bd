"""API clients and their access tokens: created with a secret, exchanged for a signed token.

A client's secret is 256 random bits made here, never chosen by a person, so a sha256 of it
is enough to store (no slow password hash needed: there is nothing to guess from). Access
tokens are signed with the app's SECRET_KEY (itsdangerous, which Flask itself uses for its
session cookie), say which client and market they are for, and expire after an hour.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from storefront.api_models import ApiClient
from storefront.extensions import db
from storefront.markets import MARKETS
from storefront.security import matches_secret
from storefront.services.errors import ShopError

TOKEN_LIFETIME_SECONDS = 3600
TOKEN_SALT = "storefront.api.access-token"  # noqa: S105 - separates token signatures, not secret
SCOPE = re.compile(r"market:code:([A-Z]{2})")
MAX_NAME_LENGTH = 99


class InvalidClient(ShopError):
    """Unknown client id, or a secret that is not its secret."""


class InvalidScope(ShopError):
    """The scope names no market the shop sells in."""


class ResourceNotFound(Exception):
    """No such resource for this token: unknown id, or another client's or market's."""


class InvalidToken(ShopError):
    """No access token, or one that is forged, expired or of a client that is gone."""


@dataclass(frozen=True)
class NewClient:
    """A client just created: its id and its secret, shown once and stored only as a hash."""

    client_id: str
    client_secret: str


@dataclass(frozen=True)
class Grant:
    """What an access token allows: one client, in one market."""

    client_pk: int
    client_id: str
    market: str


@dataclass(frozen=True)
class AccessToken:
    """An issued token, as the token endpoint answers it."""

    token: str
    grant: Grant
    expires_in: int = TOKEN_LIFETIME_SECONDS


def secret_hash(secret: str) -> str:
    """The stored form of a client secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


def create_client(name: str) -> NewClient:
    """Create an API client; its secret is returned here once and never stored as given."""
    name = " ".join(name.split())[:MAX_NAME_LENGTH] or "API client"
    new = NewClient(secrets.token_urlsafe(24), secrets.token_urlsafe(32))
    db.session.add(
        ApiClient(client_id=new.client_id, secret_hash=secret_hash(new.client_secret), name=name)
    )
    db.session.commit()
    return new


def market_of_scope(scope: str) -> str:
    """The market a `market:code:XX` scope names, or InvalidScope."""
    match = SCOPE.fullmatch(scope.strip())
    if match is None or match.group(1) not in MARKETS:
        raise InvalidScope(
            f"Ask for one market the shop sells in, as market:code:XX ({', '.join(MARKETS)})."
        )
    return match.group(1)


def issue_token(client_id: str, client_secret: str, scope: str) -> AccessToken:
    """Exchange a client's credentials for a token in the scope's market (client credentials)."""
    client = db.session.scalars(
        sa.select(ApiClient).where(ApiClient.client_id == client_id)
    ).one_or_none()
    expected = client.secret_hash if client is not None else secret_hash(secrets.token_urlsafe(32))
    if not matches_secret(secret_hash(client_secret), expected) or client is None:
        raise InvalidClient("The client id or secret is not right.")
    market = market_of_scope(scope)
    grant = Grant(client.id, client.client_id, market)
    token = serializer().dumps({"client": client.client_id, "market": market})
    return AccessToken(token, grant)


def read_token(token: str) -> Grant:
    """The grant a bearer token carries, or InvalidToken."""
    try:
        claims = serializer().loads(token, max_age=TOKEN_LIFETIME_SECONDS)
    except SignatureExpired:
        raise InvalidToken("The access token has expired; get a new one.") from None
    except BadSignature:
        raise InvalidToken("The access token is not valid.") from None
    client_id, market = claims.get("client"), claims.get("market")
    client = db.session.scalars(
        sa.select(ApiClient).where(ApiClient.client_id == client_id)
    ).one_or_none()
    if client is None or market not in MARKETS:
        raise InvalidToken("The access token is not valid.")
    return Grant(client.id, client.client_id, market)


def serializer() -> URLSafeTimedSerializer:
    """The token signer, keyed from SECRET_KEY."""
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=TOKEN_SALT)
