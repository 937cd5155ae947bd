"""The magic e-mail table: Klarna's playground decides an authorization by the shopper's e-mail.

Klarna docs: https://docs.klarna.com/resources/developer-tools/sample-data/sample-customer-data
(`customer@email.xx` approves, `customer+denied@…` declines, `+red` hides the form,
`+pend-accept-NN` / `+pend-reject-NN` give a pending order decided NN minutes later).
The customer-token tags (`+suspend-after-NN`, `+renewal-declined`) are the emulator's own: Klarna
documents no playground trigger for a suspended token or a declined token order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Decision(StrEnum):
    """What the purchase flow answers."""

    APPROVE = "approve"
    DENY = "deny"
    HIDE_FORM = "hide_form"
    # A `pend-` tag the emulator cannot read: refused as an invalid e-mail, not approved.
    UNREADABLE = "unreadable"


class FraudEvent(StrEnum):
    """The `event_type` of a pending order's notification."""

    ACCEPTED = "FRAUD_RISK_ACCEPTED"
    REJECTED = "FRAUD_RISK_REJECTED"


@dataclass(frozen=True)
class PendingDecision:
    """A pending order that Klarna decides `minutes` after it is placed."""

    event: FraudEvent
    minutes: int


@dataclass(frozen=True)
class Scenario:
    """The outcome an e-mail address selects."""

    tag: str
    decision: Decision
    pending: PendingDecision | None = None
    description: str = ""


APPROVED = Scenario("", Decision.APPROVE, description="approved; order ACCEPTED")
# Klarna writes the minutes with two digits (00-99); one digit (`-5`) means the same.
PENDING_TAG = re.compile(r"^pend-(accept|reject)-([0-9]{1,2})$")
REJECT_REASON_TAG = re.compile(r"^reject_reason_\w+$")
SUSPEND_TAG = re.compile(r"^suspend-after-([0-9]{1,2})$")
RENEWAL_DECLINED_TAG = "renewal-declined"
# Tag prefixes whose typos must not pass as a plain approval.
STRICT_TAG_PREFIXES = ("pend-", "suspend-after")

# Tags after "+" in the local part, e.g. customer+denied@email.us. Documented in the README.
TAGGED = {
    "denied": Scenario("denied", Decision.DENY, description="hard decline: show_form false"),
    "red": Scenario("red", Decision.HIDE_FORM, description="load() answers show_form false"),
    "new_user": Scenario("new_user", Decision.APPROVE, description="approved (sign-up flow)"),
    "require_signup": Scenario(
        "require_signup", Decision.APPROVE, description="approved (sign-up flow)"
    ),
}


def tags_of(email: str) -> list[str]:
    """The `+tag` parts of an address's local part, lower-cased."""
    local = email.split("@", 1)[0].lower()
    return local.split("+")[1:]


def scenario_for(email: str | None) -> Scenario:
    """The scenario an e-mail address selects; untagged addresses and unknown tags approve,
    a malformed `pend-` tag is UNREADABLE."""
    for tag in tags_of(email or ""):
        if tag in TAGGED:
            return TAGGED[tag]
        pending = PENDING_TAG.match(tag)
        if pending:
            event = FraudEvent.ACCEPTED if pending.group(1) == "accept" else FraudEvent.REJECTED
            minutes = int(pending.group(2))
            return Scenario(tag, Decision.APPROVE, PendingDecision(event, minutes), "pending order")
        if REJECT_REASON_TAG.match(tag):
            return Scenario(tag, Decision.DENY, description="decline with a reason")
        if tag.startswith(STRICT_TAG_PREFIXES) and not SUSPEND_TAG.match(tag):
            # A typo (`pend-acept-05`, `pend-accept-x`, `suspend-after-100`) would otherwise be a
            # quiet approval that looks like a bug in the shop (docs/klarna-notes.md#pending-tags).
            return Scenario(tag, Decision.UNREADABLE, description="malformed tag: invalid e-mail")
    return APPROVED


@dataclass(frozen=True)
class TokenPersona:
    """What Klarna later does to a customer token, chosen by the shopper's e-mail."""

    suspend_after: int | None = None  # token orders that succeed before Klarna suspends it
    declines_renewals: bool = False  # every token order answers PAYMENT_METHOD_FAILED


def token_persona(email: str | None) -> TokenPersona:
    """The customer-token tags of an address (`+suspend-after-NN`, `+renewal-declined`)."""
    suspend_after = None
    declines = False
    for tag in tags_of(email or ""):
        suspend = SUSPEND_TAG.match(tag)
        if suspend:
            suspend_after = int(suspend.group(1))
        declines = declines or tag == RENEWAL_DECLINED_TAG
    return TokenPersona(suspend_after, declines)
