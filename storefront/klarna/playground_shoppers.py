"""Klarna's playground shoppers: the sample e-mail per market and the tags that pick an outcome.

Klarna's playground (and the bundled emulator) decides a purchase by the shopper's e-mail; none of
this works against Klarna's production API. Klarna docs:
https://docs.klarna.com/resources/developer-tools/sample-data/sample-customer-data
The subscription outcomes (`+suspend-after-NN`, `+renewal-declined`: what Klarna later does to
the customer token) are the bundled emulator's own tags, listed only for a cart with a
subscription (docs/klarna-notes.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

# Klarna's approved sample shopper per purchase country.
SAMPLE_EMAILS = {
    "US": "customer@email.us",
    "GB": "customer@email.uk",
    "DE": "customer@email.de",
    "SE": "customer@email.se",
}
# The playground holds orders for review (fraud_status PENDING) in these countries only.
PENDING_COUNTRIES = frozenset({"US", "GB"})


class Outcome(StrEnum):
    """What Klarna does with a test shopper's purchase."""

    APPROVED = "approved"
    DECLINED = "declined"
    HELD_THEN_ACCEPTED = "held_then_accepted"
    HELD_THEN_REJECTED = "held_then_rejected"
    FORM_HIDDEN = "form_hidden"
    TOKEN_SUSPENDED = "token_suspended"  # noqa: S105 - an outcome, not a secret
    RENEWALS_DECLINED = "renewals_declined"


# What Klarna later does to a subscription's saved payment method (customer token).
TOKEN_OUTCOMES = frozenset({Outcome.TOKEN_SUSPENDED, Outcome.RENEWALS_DECLINED})
HELD = frozenset({Outcome.HELD_THEN_ACCEPTED, Outcome.HELD_THEN_REJECTED})


# The `+tag` each outcome adds to the sample e-mail, and what the shopper then sees.
TAGS = {
    Outcome.APPROVED: "",
    Outcome.DECLINED: "denied",
    Outcome.HELD_THEN_ACCEPTED: "pend-accept-05",
    Outcome.HELD_THEN_REJECTED: "pend-reject-05",
    Outcome.FORM_HIDDEN: "red",
    Outcome.TOKEN_SUSPENDED: "suspend-after-01",
    Outcome.RENEWALS_DECLINED: "renewal-declined",
}
DESCRIPTIONS = {
    Outcome.APPROVED: "Approved: the order is placed and paid.",
    Outcome.DECLINED: "Declined: Klarna refuses the purchase and is not offered again.",
    Outcome.HELD_THEN_ACCEPTED: "Held for review, accepted 5 minutes later (Klarna's clock).",
    Outcome.HELD_THEN_REJECTED: "Held for review, rejected 5 minutes later (Klarna's clock).",
    Outcome.FORM_HIDDEN: "Klarna shows no form: it is not offered for this purchase.",
    Outcome.TOKEN_SUSPENDED: (
        "Subscriptions: the first renewal is charged, then Klarna suspends the saved payment "
        "method and the next renewal pauses the subscription."
    ),
    Outcome.RENEWALS_DECLINED: (
        "Subscriptions: approved today, but Klarna declines every renewal; the first one "
        "pauses the subscription."
    ),
}


@dataclass(frozen=True)
class PlaygroundShopper:
    """One test e-mail and what Klarna does with a purchase made with it."""

    outcome: Outcome
    email: str
    description: str


def sample_email(country: str, outcome: Outcome) -> str:
    """The sample e-mail of a purchase country, tagged for an outcome (KeyError: no sample)."""
    local, domain = SAMPLE_EMAILS[country].split("@")
    tag = TAGS[outcome]
    return f"{local}+{tag}@{domain}" if tag else f"{local}@{domain}"


def playground_shoppers(country: str, *, subscriptions: bool = False) -> list[PlaygroundShopper]:
    """The playground shoppers of a purchase country (none for one without a sample e-mail);
    with `subscriptions` (the cart has one) also those whose saved payment method fails later."""
    if country not in SAMPLE_EMAILS:
        return []
    return [
        PlaygroundShopper(outcome, sample_email(country, outcome), DESCRIPTIONS[outcome])
        for outcome in Outcome
        if (country in PENDING_COUNTRIES or outcome not in HELD)
        and (subscriptions or outcome not in TOKEN_OUTCOMES)
    ]
