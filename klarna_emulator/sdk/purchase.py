"""The purchase dialog's two steps: review what the shopper is about to approve, then confirm it
with a one-time code, which runs the domain's authorize or finalize.

Klarna docs: https://docs.klarna.com/payments/web-payments/additional-resources/klarna-payments-sdk-reference
(authorize / reauthorize / finalize) and
https://docs.klarna.com/resources/developer-tools/sample-data/sample-customer-data
(the playground's one-time code: any 6 digits except 999999, which fails).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from klarna_emulator.config import Settings
from klarna_emulator.domain.categories import CATEGORY_NAMES
from klarna_emulator.domain.intents import BUYING, TOKENIZING, intent_of
from klarna_emulator.domain.payments import Payments, shopper_email
from klarna_emulator.domain.sessions import Session
from klarna_emulator.scenarios import Decision, scenario_for
from klarna_emulator.sdk.fields import bad_field, flag, shopper_data, text
from klarna_emulator.sdk.plans import format_money, purchase_plan, subscription_summary

VERIFICATION_CODE = re.compile(r"^[0-9]{6}$")
FAILING_CODE = "999999"


class PurchaseMethod(StrEnum):
    """The SDK calls that open the purchase dialog."""

    AUTHORIZE = "authorize"
    REAUTHORIZE = "reauthorize"
    FINALIZE = "finalize"


HEADINGS = {
    PurchaseMethod.AUTHORIZE: "Complete your purchase",
    PurchaseMethod.REAUTHORIZE: "Confirm your updated purchase",
    PurchaseMethod.FINALIZE: "Confirm your payment",
}


@dataclass(frozen=True)
class PurchaseCall:
    """One SDK call the dialog runs: which method, for which session, category and data."""

    method: PurchaseMethod
    client_token: str
    payment_method_category: str
    data: dict[str, Any] | None
    auto_finalize: bool

    @classmethod
    def from_json(cls, body: Mapping[str, Any]) -> PurchaseCall:
        """Parse the dialog's JSON call; 400 naming the first bad field."""
        name = body.get("method")
        if not isinstance(name, str) or name not in set(PurchaseMethod):
            raise bad_field("method", "authorize, reauthorize or finalize")
        method = PurchaseMethod(name)
        auto_finalize = flag(body, "auto_finalize", True)
        return cls(
            method=method,
            client_token=text(body, "client_token"),
            payment_method_category=text(body, "payment_method_category"),
            data=shopper_data(body),
            # Only authorize() takes auto_finalize; the others always finish the purchase.
            auto_finalize=auto_finalize if method is PurchaseMethod.AUTHORIZE else True,
        )


def _run(payments: Payments, session: Session, call: PurchaseCall) -> dict[str, Any]:
    """The domain's authorize or finalize: its callback payload (the caller holds the lock)."""
    category = call.payment_method_category
    if call.method is PurchaseMethod.FINALIZE:
        return payments.finalize(session, call.data, category)
    return payments.authorize(session, call.data, category, call.auto_finalize)


def review_purchase(payments: Payments, settings: Settings, call: PurchaseCall) -> dict[str, Any]:
    """`{review}`: what the dialog shows before the shopper confirms; or `{result}`, the
    callback payload, when the data has invalid fields (Klarna answers those without a dialog).
    """
    with payments.store.lock:
        session = payments.session_from_client_token(call.client_token)
        category = call.payment_method_category
        if call.method is PurchaseMethod.FINALIZE:
            payments.require_pending_finalization(session, category)
        purchase, problems = payments.review_purchase(session, call.data, category)
        if problems or shows_no_form(purchase):
            # The domain answers both without a dialog: invalid fields with its fixable error
            # (changing nothing), a `+red` shopper with the hard decline.
            return {"result": _run(payments, session, call)}
    billing = purchase.get("billing_address") or {}
    currency, locale = purchase["purchase_currency"], purchase["locale"]
    return {
        "review": {
            "heading": HEADINGS[call.method],
            "merchant_name": settings.merchant_name,
            "category_name": CATEGORY_NAMES[category],
            "amount": format_money(purchase["order_amount"], currency, locale),
            "plan": purchase_plan(category, purchase),
            "email": billing.get("email", ""),
            "phone": billing.get("phone", ""),
            # `tokenize` charges nothing now; the tokenizing intents show what may be charged
            # later, as the subscription object describes it.
            "charges_now": intent_of(purchase) in BUYING,
            "subscriptions": [
                subscription_summary(line["subscription"])
                for line in purchase["order_lines"]
                if "subscription" in line and intent_of(purchase) in TOKENIZING
            ],
        }
    }


def shows_no_form(purchase: Mapping[str, Any]) -> bool:
    """Whether the shopper is one Klarna shows no form to (`+red`).

    Klarna's sample data has `+red` hide the form at `load()`, which it can only do when the
    session already holds the e-mail; a shop that gives the e-mail to `authorize()` only (as
    Klarna advises) meets it here instead: no dialog opens and the purchase is declined
    (docs/klarna-notes.md#hidden-form-shopper).
    """
    return scenario_for(shopper_email(purchase)).decision is Decision.HIDE_FORM


def verification_error(code: object) -> str | None:
    """Why the playground refuses this one-time code (None: it accepts any 6 digits but 999999)."""
    if not isinstance(code, str) or not VERIFICATION_CODE.match(code):
        return "Enter the 6-digit code."
    if code == FAILING_CODE:
        return "That code is not valid. Check it and try again."
    return None


def confirm_purchase(payments: Payments, call: PurchaseCall, code: object) -> dict[str, Any]:
    """`{result}`, the callback payload, once the shopper confirmed with an accepted code;
    `{verification_error}` for a refused one (an ordinary step of the flow: the shopper retries).

    An approval goes through the same domain call as the control plane's authorize, so it
    sends the server-to-server authorization callback too.
    """
    error = verification_error(code)
    if error:
        return {"verification_error": error}
    with payments.store.lock:
        session = payments.session_from_client_token(call.client_token)
        return {"result": _run(payments, session, call)}
