"""GraphQL errors: the shop's refusals in Magento's words, and nothing internal ever shown.

A resolver's ShopError becomes a GraphQL error whose message is the shop's (or Magento's,
where a Magento client knows the wording) and whose `extensions.category` is Magento's
category; the transaction is rolled back, so a refused mutation changes nothing. Any other
exception is logged and answered as "Internal server error": no trace reaches the client.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from graphql import GraphQLError

from storefront.extensions import db
from storefront.services.errors import (
    CartNotFound,
    InvalidDetails,
    KlarnaSwitchedOff,
    NotInCart,
    PaymentError,
    ShopError,
)

log = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., Any])

# Magento's message for a switched-off payment method; headless clients know it.
KLARNA_NOT_ACTIVE = "The Klarna payment method is not active."
NUL_REFUSED = "Text with a NUL character cannot be stored."
INTERNAL_MESSAGE = "Internal server error"


def category_of(error: ShopError) -> str:
    """Magento's error category for a refusal."""
    if isinstance(error, CartNotFound | NotInCart):
        return "graphql-no-such-entity"
    if isinstance(error, PaymentError):
        return "graphql-payment"
    return "graphql-input"


def message_of(error: ShopError) -> str:
    """What the client is told: Magento's words where it has some, else the shop's."""
    if isinstance(error, KlarnaSwitchedOff):
        return KLARNA_NOT_ACTIVE
    if isinstance(error, InvalidDetails):
        details = "; ".join(f"{field}: {problem}" for field, problem in error.problems.items())
        return f"{error.user_message} {details}"
    return error.user_message


def as_graphql_error(error: ShopError, *, prefix: str = "") -> GraphQLError:
    """The GraphQL error for a refusal; `prefix` (Magento's, e.g. "Unable to place order: ")
    goes before every message but an unknown cart's, which Magento never prefixes."""
    if isinstance(error, CartNotFound):
        prefix = ""
    return GraphQLError(prefix + message_of(error), extensions={"category": category_of(error)})


def refusals(prefix: str = "") -> Callable[[F], F]:
    """Answer a resolver's ShopError as a GraphQL error, with its transaction rolled back."""

    def decorate(resolver: F) -> F:
        @wraps(resolver)
        def resolve(*args: Any, **kwargs: Any) -> Any:
            try:
                return resolver(*args, **kwargs)
            except ShopError as error:
                db.session.rollback()
                raise as_graphql_error(error, prefix=prefix) from error

        return resolve  # type: ignore[return-value]

    return decorate


shop_errors = refusals()


def has_nul(value: Any) -> bool:
    """Whether a NUL character hides anywhere in an argument (PostgreSQL stores no such text)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(item) for item in value.values())
    if isinstance(value, list):
        return any(has_nul(item) for item in value)
    return False


def refuse_nul_text(resolve: Callable[..., Any], obj: Any, info: Any, **args: Any) -> Any:
    """Resolver middleware: refuse a field whose arguments carry a NUL, before it runs."""
    if args and has_nul(args):
        raise GraphQLError(NUL_REFUSED, extensions={"category": "graphql-input"})
    return resolve(obj, info, **args)


def format_error(error: GraphQLError, debug: bool = False) -> dict[str, Any]:
    """The error as the client sees it: the message of a refusal, never an internal one."""
    if error.original_error is not None and not isinstance(error.original_error, GraphQLError):
        log.error("GraphQL field %s failed", error.path, exc_info=error.original_error)
        db.session.rollback()
        return {
            "message": INTERNAL_MESSAGE,
            "path": error.path,
            "extensions": {"category": "internal"},
        }
    formatted: dict[str, Any] = error.formatted  # type: ignore[assignment]
    return formatted
