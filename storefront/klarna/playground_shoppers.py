"""Klarna's playground shoppers: the sample e-mail per market and the tags that pick an outcome.

Klarna's playground (and the bundled emulator) decides a purchase by the shopper's e-mail; none of
this works against Klarna's production API. Klarna docs:
https://docs.klarna.com/resources/developer-tools/sample-data/sample-customer-data
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


# The `+tag` each outcome adds to the sample e-mail, and what the shopper then sees.
TAGS = {
    Outcome.APPROVED: "",
    Outcome.DECLINED: "denied",
    Outcome.HELD_THEN_ACCEPTED: "pend-accept-05",
    Outcome.HELD_THEN_REJECTED: "pend-reject-05",
    Outcome.FORM_HIDDEN: "red",
}
DESCRIPTIONS = {
    Outcome.APPROVED: "Approved: the order is placed and paid.",
    Outcome.DECLINED: "Declined: Klarna refuses the purchase and is not offered again.",
    Outcome.HELD_THEN_ACCEPTED: "Held for review, accepted 5 minutes later (Klarna's clock).",
    Outcome.HELD_THEN_REJECTED: "Held for review, rejected 5 minutes later (Klarna's clock).",
    Outcome.FORM_HIDDEN: "Klarna shows no form: it is not offered for this purchase.",
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


def playground_shoppers(country: str) -> list[PlaygroundShopper]:
    """The playground shoppers of a purchase country (none for one without a sample e-mail)."""
    if country not in SAMPLE_EMAILS:
        return []
    return [
        PlaygroundShopper(outcome, sample_email(country, outcome), DESCRIPTIONS[outcome])
        for outcome in Outcome
        if country in PENDING_COUNTRIES
        or outcome not in (Outcome.HELD_THEN_ACCEPTED, Outcome.HELD_THEN_REJECTED)
    ]
