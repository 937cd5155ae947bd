"""Session intents: which purchases each allows, and what a session of each must carry.

Klarna docs: https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/integrate-via-sdk/step-1-initiate-a-payment
(`buy` one-time; `tokenize` no order at checkout; `buy_and_tokenize` first order at checkout;
`buy_and_default_tokenize` first order plus an additional service; the three tokenizing intents
"include the subscription object"),
https://docs.klarna.com/klarna-payments/in-depth-knowledge/subscription-object-details
(`subscription {name, interval, interval_count}` on the order lines) and
https://docs.klarna.com/acquirer/klarna/web-payments/integrate-with-klarna-payments/tokenized-payments/charge-a-subscription/
(`tokenize` with `order_amount: 0` for a free trial). Choices: docs/fidelity.md, *Intents*.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from klarna_emulator.validation import Stage, purchase_stages

BUY = "buy"
TOKENIZE = "tokenize"
# Intents whose authorization may generate a customer token.
TOKENIZING = frozenset({TOKENIZE, "buy_and_tokenize", "buy_and_default_tokenize"})
# Intents whose authorization places an order at checkout.
BUYING = frozenset({BUY, "buy_and_tokenize", "buy_and_default_tokenize"})


def intent_of(data: Mapping[str, Any]) -> str:
    """A session's intent; Klarna's default is `buy`."""
    intent = data.get("intent", BUY)
    return intent if isinstance(intent, str) else BUY


def has_subscription_line(body: Mapping[str, Any]) -> bool:
    """Whether any order line carries a `subscription` object."""
    lines = body.get("order_lines")
    return isinstance(lines, list) and any(
        isinstance(line, Mapping) and "subscription" in line for line in lines
    )


def subscription_lines_stage(body: Mapping[str, Any]) -> Stage:
    """At least one order line must describe the subscription: `Bad value: order_lines`."""
    return lambda: [] if has_subscription_line(body) else ["order_lines"]


def intent_stage(body: Mapping[str, Any]) -> Stage:
    """A tokenizing intent needs a subscription line (any order amount, 0 for a free trial)."""

    def stage() -> list[str]:
        return subscription_lines_stage(body)() if intent_of(body) in TOKENIZING else []

    return stage


def session_stages(body: Mapping[str, Any]) -> tuple[Stage, ...]:
    """Every stage a session body (create, update, the shopper's merged data) goes through."""
    return (*purchase_stages("payments", "session_create", body), intent_stage(body))
