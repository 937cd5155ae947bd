"""Why a merchant's order action (capture, refund, cancel, ...) was not done, for the merchant."""

from __future__ import annotations

from storefront.services.errors import PaymentError


class OrderActionError(PaymentError):
    """An order action was refused or not confirmed; `user_message` says what to do."""


class OrderNotManageable(OrderActionError):
    """No such order, or Klarna has no order for it yet (still being placed, rejected)."""


class ActionNotAllowed(OrderActionError):
    """The shop's checks refused it, by the rules Klarna applies: nothing was sent to Klarna."""


class ActionInProgress(OrderActionError):
    """Another request is sending an action on this order right now: reload and look again."""


class ActionNeedsRetry(OrderActionError):
    """An earlier action on this order is unconfirmed: retry it before asking for another."""


class ActionOutcomeUnknown(OrderActionError):
    """Klarna may have applied the action; retrying sends the same request, applied once."""


class KlarnaRefusedAction(OrderActionError):
    """Klarna refused the action; the reference is Klarna's correlation id for the call."""


class KlarnaUnavailableForAction(OrderActionError):
    """Klarna could not take the action and did not apply it: trying again may work."""
