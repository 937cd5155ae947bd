"""The bodies of create/update session, authorize() and create order, and their fingerprints.

All of them start from `build_payload` (storefront.klarna.payloads), so the lines and amounts
Klarna sees in the session, in the widget's authorize() and in create order cannot differ; this
module only adds what the merchant adds: the order number and the URLs Klarna calls back.
Klarna rejects a create order whose lines or addresses differ from what was authorized
(409 "Not matching fields"), so building them from one function is what keeps it from happening.
Klarna docs: https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/integrate-via-sdk/step-3-create-an-order
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from storefront.klarna.payloads import build_payload
from storefront.snapshot import CheckoutSnapshot

# The personal data the page hands to authorize() and create order repeats.
CUSTOMER_KEYS = ("billing_address", "shipping_address")


@dataclass(frozen=True)
class MerchantContext:
    """What the shop adds to Klarna's bodies: its order number and the URLs Klarna calls."""

    order_number: str
    authorization_url: str = ""  # carries the payment's callback secret
    confirmation_url: str = ""
    notification_url: str = ""


def session_body(snapshot: CheckoutSnapshot, merchant: MerchantContext) -> dict[str, Any]:
    """Create and update session: the cart without personal data, for a one-off purchase.

    Klarna recommends keeping personal data out of the session and giving it to authorize()
    (https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/integrate-via-sdk/step-2-checkout);
    `merchant_urls.authorization` is the server-side callback that still reaches the shop when
    the shopper closes the tab right after paying
    (https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/other-actions/authorization-callback).
    The session also carries `confirmation` and `notification` (Klarna accepts every
    merchant URL on a session), the same URLs create order sends.
    """
    return {
        **build_payload(snapshot),
        "intent": "buy",
        "merchant_reference1": merchant.order_number,
        "merchant_urls": {"authorization": merchant.authorization_url, **order_urls(merchant)},
    }


def authorize_data(snapshot: CheckoutSnapshot) -> dict[str, Any]:
    """What the page passes to authorize(): the billing and shipping address, as create order."""
    payload = build_payload(snapshot, include_customer=True)
    return {key: payload[key] for key in CUSTOMER_KEYS if key in payload}


def order_body(snapshot: CheckoutSnapshot, merchant: MerchantContext) -> dict[str, Any]:
    """Create order: the authorized lines and addresses, the order number, the return URLs."""
    return {
        **build_payload(snapshot, include_customer=True),
        "merchant_reference1": merchant.order_number,
        "merchant_urls": order_urls(merchant),
    }


def order_urls(merchant: MerchantContext) -> dict[str, str]:
    """`merchant_urls.confirmation` and `notification`, as the session and create order send them.

    `confirmation` is where Klarna's redirect_url sends the shopper; `notification` receives
    the decision on an order Klarna placed on hold (fraud_status PENDING).
    """
    return {
        "confirmation": merchant.confirmation_url,
        "notification": merchant.notification_url,
    }


def fingerprint(body: Mapping[str, Any]) -> str:
    """sha256 of a body in canonical JSON: equal bodies, and only those, share a fingerprint."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def purchase_fingerprint(snapshot: CheckoutSnapshot) -> str:
    """The fingerprint of what authorize() approves and create order must repeat exactly."""
    return fingerprint(build_payload(snapshot, include_customer=True))
