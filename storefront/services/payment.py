"""Payment service: the cart's Klarna session, kept in step with the cart at the least cost.

`start_payment` is what the payment page calls on every load and after every edit. It makes
the Klarna session match the cart with as few calls as possible:
- no session yet, one about to expire, or one in another market: create a session (1 call);
- the session body changed (its sha256 fingerprint differs): update the session, then read it
  back for the categories Klarna offers now (2 calls); a 404 means it expired: create one;
- nothing changed: no call at all, so reloading the page costs Klarna nothing.
An empty cart keeps no session. Klarna docs:
https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/integrate-via-sdk/step-1-initiate-a-payment
https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/other-actions/update-the-cart
"""

from __future__ import annotations

import hmac
import logging
import secrets
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from storefront.extensions import db
from storefront.klarna import get_klarna
from storefront.klarna.bodies import (
    MerchantContext,
    authorize_data,
    fingerprint,
    purchase_fingerprint,
    session_body,
)
from storefront.klarna.client import KlarnaClient
from storefront.klarna.errors import (
    KlarnaError,
    KlarnaNotFoundError,
    KlarnaRejectedError,
    KlarnaSessionCompletedError,
)
from storefront.klarna.preflight import PreflightError, ensure_valid
from storefront.klarna.results import PaymentMethodCategory
from storefront.markets import MARKETS
from storefront.models import Cart, OrderStatus, Payment, PaymentEvent, PaymentEventKind
from storefront.services.checkout import (
    CheckoutOverview,
    CheckoutStep,
    checkout_overview,
    require_step,
)
from storefront.services.errors import (
    OrderInProgress,
    PaymentDeclined,
    PaymentOutcomeUnknown,
    PaymentUnavailable,
)
from storefront.snapshot import CheckoutSnapshot
from storefront.urls import absolute_url

log = logging.getLogger(__name__)
T = TypeVar("T")

# Klarna keeps a session 48 hours after its last update (create-session answers carry no
# expiry, so the shop counts from its own clock); replacing it an hour early means a shopper
# never starts paying in a session that runs out under them. Klarna docs:
# https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/integrate-via-sdk/step-1-initiate-a-payment
SESSION_LIFETIME = timedelta(hours=48)
SESSION_RENEWAL_MARGIN = timedelta(hours=1)
# Order numbers: unambiguous characters only (no 0/O, 1/I/L), read out over the phone.
ORDER_NUMBER_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
ORDER_NUMBER_LENGTH = 8

UNAVAILABLE_MESSAGE = (
    "Klarna is not available right now. Please try again in a moment; nothing has been charged."
)
DECLINED_MESSAGE = (
    "Klarna cannot accept this purchase. Nothing has been charged. Your cart is saved."
)


@dataclass(frozen=True)
class OfferedCategory:
    """A way to pay Klarna offers for the session, with Klarna's own name and badge."""

    identifier: str
    name: str
    asset_url: str


@dataclass(frozen=True)
class PaymentPage:
    """What the payment page needs: the priced cart, the widget's session and authorize() data."""

    overview: CheckoutOverview
    payment: Payment
    categories: tuple[OfferedCategory, ...]
    authorize_data: dict[str, Any]
    purchase_fingerprint: str

    @property
    def declined(self) -> bool:
        """Klarna declined this cart: the page shows why instead of the widget."""
        return self.payment.declined_at is not None


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """A stored time as an aware UTC datetime (SQLite hands timezone-aware columns back naive)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def start_payment(cart: Cart, *, today: date) -> PaymentPage:
    """Bring the cart's Klarna session in step with the cart; call Klarna only if it changed.

    Raises CheckoutIncomplete (an earlier step is missing; an empty cart also drops its
    session), OrderInProgress, PaymentUnavailable and PaymentOutcomeUnknown.
    """
    overview = checkout_overview(cart, today=today)
    if not overview.snapshot.items:
        # Its lines are no longer sold in its market (the cart service drops the session
        # when the last line is removed).
        discard_cart_session(cart)
        db.session.commit()
    require_step(overview.snapshot, CheckoutStep.SUMMARY)
    payment = payment_for(cart)
    if payment.order is not None and payment.order.status == OrderStatus.PLACING:
        raise OrderInProgress(payment.order.number)
    if payment.declined_at is None:
        sync_session(payment, overview.snapshot)
    db.session.commit()
    return PaymentPage(
        overview=overview,
        payment=payment,
        categories=offered_categories(payment),
        authorize_data=authorize_data(overview.snapshot),
        purchase_fingerprint=purchase_fingerprint(overview.snapshot),
    )


def existing_payment(cart: Cart) -> Payment | None:
    """The cart's payment, if it has one, locked for this request (PostgreSQL)."""
    query = sa.select(Payment).where(Payment.cart_id == cart.id).with_for_update()
    return db.session.scalars(query).one_or_none()


def payment_for(cart: Cart) -> Payment:
    """The cart's payment, locked for this request; created with its order number if new."""
    payment = existing_payment(cart)
    if payment is not None:
        return payment
    payment = Payment(cart=cart, order_number=new_order_number(), market=cart.market)
    db.session.add(payment)
    try:
        db.session.flush()
    except IntegrityError:
        # The shopper's other tab created it a moment ago (only possible without row locks).
        db.session.rollback()
        return db.session.scalars(sa.select(Payment).where(Payment.cart_id == cart.id)).one()
    return payment


def new_order_number() -> str:
    """A fresh shop order number such as FF-7K3Q-M9XD (40 random bits, unique in the table)."""
    chars = "".join(secrets.choice(ORDER_NUMBER_ALPHABET) for _ in range(ORDER_NUMBER_LENGTH))
    return f"FF-{chars[:4]}-{chars[4:]}"


def merchant_context(payment: Payment) -> MerchantContext:
    """The order number and callback URLs Klarna gets for this payment's session."""
    if payment.callback_secret is None:
        payment.callback_secret = secrets.token_urlsafe(32)
    key = payment.callback_secret
    return MerchantContext(
        order_number=payment.order_number,
        authorization_url=absolute_url("klarna_callbacks.authorization", key=key),
        confirmation_url=absolute_url("orders.confirmation", number=payment.order_number),
        notification_url=absolute_url("klarna_callbacks.notification", key=key),
    )


def sync_session(payment: Payment, snapshot: CheckoutSnapshot) -> None:
    """Create, update or keep the Klarna session so it holds exactly the cart's session body."""
    if needs_new_session(payment):
        create_session(payment, snapshot)
        return
    body = session_body(snapshot, merchant_context(payment))
    digest = fingerprint(body)
    if digest != payment.payload_fingerprint:
        update_session(payment, snapshot, body, digest)


def needs_new_session(payment: Payment) -> bool:
    """True without a session, near its expiry, or when the cart moved to another market."""
    cart = payment.cart
    if payment.klarna_session_id is None or payment.session_expires_at is None:
        return True
    if cart is not None and cart.market != payment.market:
        return True
    return as_utc(payment.session_expires_at) - SESSION_RENEWAL_MARGIN <= utcnow()


def create_session(payment: Payment, snapshot: CheckoutSnapshot) -> None:
    """Open a new Klarna session, with a new callback secret, for the snapshot's cart."""
    payment.callback_secret = secrets.token_urlsafe(32)
    body = session_body(snapshot, merchant_context(payment))
    created = call_klarna(payment, lambda klarna: klarna.create_session(checked(payment, body)))
    payment.market = snapshot.market.code
    payment.klarna_session_id = created.session_id
    payment.client_token = created.client_token
    payment.session_expires_at = utcnow() + SESSION_LIFETIME
    payment.payload_fingerprint = fingerprint(body)
    store_categories(payment, created.payment_method_categories)
    record(payment, PaymentEventKind.SESSION_CREATED, klarna_reference=created.session_id)


def update_session(
    payment: Payment, snapshot: CheckoutSnapshot, body: dict[str, Any], digest: str
) -> None:
    """Send the changed body to the session and read back what Klarna offers for it now.

    A session Klarna no longer knows (404: expired, or never seen) is replaced by a new one.
    Klarna docs: https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/other-actions/update-the-cart
    """
    session_id = payment.klarna_session_id
    assert session_id is not None
    try:
        klarna_for(payment).update_session(session_id, checked(payment, body))
    except KlarnaSessionCompletedError as error:
        # An order exists at Klarna for this session but not in the shop: a new session
        # would let the shopper pay twice, so stop and let support look at it.
        log.error("Klarna session %s completed without a shop order", session_id)
        raise PaymentOutcomeUnknown(
            "Klarna shows this payment as completed, but we have no order for it yet. "
            "Please don't pay again; contact us with this reference.",
            reference=error.correlation_id or session_id,
        ) from error
    except KlarnaNotFoundError:
        create_session(payment, snapshot)
        return
    except KlarnaError as error:
        raise klarna_failure(payment, error) from error
    details = call_klarna(payment, lambda klarna: klarna.read_session(session_id))
    payment.session_expires_at = details.expires_at or utcnow() + SESSION_LIFETIME
    payment.payload_fingerprint = digest
    store_categories(payment, details.payment_method_categories)
    record(payment, PaymentEventKind.SESSION_UPDATED, klarna_reference=session_id)


def store_categories(payment: Payment, categories: Iterable[PaymentMethodCategory]) -> None:
    """Keep the categories Klarna offers, with the name and badge Klarna chose for each."""
    payment.payment_method_categories = [
        {
            "identifier": category.identifier,
            "name": category.name,
            "asset_url": category.descriptive_asset_url or category.standard_asset_url or "",
        }
        for category in categories
    ]


def discard_cart_session(cart: Cart) -> None:
    """Forget the Klarna session of a cart that became empty, if it has one (caller commits)."""
    payment = existing_payment(cart)
    if payment is not None:
        discard_session(payment)


def discard_session(payment: Payment) -> None:
    """Forget the Klarna session of a cart that became empty (Klarna lets it expire)."""
    if payment.klarna_session_id is None:
        return
    record(payment, PaymentEventKind.SESSION_DISCARDED, klarna_reference=payment.klarna_session_id)
    payment.klarna_session_id = None
    payment.client_token = None
    payment.payment_method_categories = []
    payment.payload_fingerprint = None
    payment.session_expires_at = None
    payment.callback_secret = None


def offered_categories(payment: Payment) -> tuple[OfferedCategory, ...]:
    """The categories Klarna offered in the payment's session, in Klarna's order."""
    return tuple(OfferedCategory(**category) for category in payment.payment_method_categories)


def recheck_session(cart: Cart) -> None:
    """The widget could not load the session: ask Klarna whether it still exists.

    A session Klarna no longer knows (it expired by Klarna's clock before the shop's) is
    forgotten, so the next `start_payment` opens a new one; one read, only after a failure.
    """
    payment = payment_for(cart)
    if payment.klarna_session_id is None:
        return
    try:
        klarna_for(payment).read_session(payment.klarna_session_id)
    except KlarnaNotFoundError:
        payment.session_expires_at = None
        db.session.commit()
    except KlarnaError as error:
        raise klarna_failure(payment, error) from error


def record_decline(cart: Cart) -> None:
    """Remember that Klarna's authorize() hard-declined this cart (the page reported it)."""
    decline(payment_for(cart), detail="authorize() answered approved false, show_form false")
    db.session.commit()


def matches_secret(given: str, expected: str | None) -> bool:
    """Compare a presented secret in constant time (no timing hint of how much matched)."""
    return expected is not None and hmac.compare_digest(given.encode(), expected.encode())


def decline(payment: Payment, *, detail: str) -> None:
    """Stop offering Klarna for this cart after Klarna's hard decline."""
    if payment.declined_at is None:
        payment.declined_at = utcnow()
        record(payment, PaymentEventKind.DECLINED, detail=detail)


def checked(payment: Payment, body: dict[str, Any]) -> dict[str, Any]:
    """The body if Klarna's rules hold; else PaymentUnavailable, and nothing is sent."""
    try:
        return dict(ensure_valid(body))
    except PreflightError as error:
        reference = uuid.uuid4().hex[:12]
        log.error("payment %s: pre-flight refused the body (%s): %s", payment.id, reference, error)
        raise PaymentUnavailable(UNAVAILABLE_MESSAGE, reference=reference) from error


def klarna_for(payment: Payment) -> KlarnaClient:
    """The Klarna client for the payment's market (its region's API and credentials)."""
    return get_klarna(MARKETS[payment.market].country)


def call_klarna(payment: Payment, call: Callable[[KlarnaClient], T]) -> T:
    """Run one client call; any Klarna error becomes the shopper-facing PaymentError."""
    try:
        return call(klarna_for(payment))
    except KlarnaError as error:
        raise klarna_failure(payment, error) from error


def klarna_failure(payment: Payment, error: KlarnaError) -> PaymentDeclined | PaymentUnavailable:
    """The shopper-facing error for a failed session call (the client has logged the call)."""
    if isinstance(error, KlarnaRejectedError):
        # Klarna re-assessed the changed cart and refused it (403 REJECTED on update).
        decline(payment, detail=f"{error.operation}: {error.error_code}")
        db.session.commit()
        return PaymentDeclined(DECLINED_MESSAGE, reference=error.correlation_id)
    log.warning("payment %s: %s", payment.id, error)
    return PaymentUnavailable(UNAVAILABLE_MESSAGE, reference=error.correlation_id)


def record(
    payment: Payment,
    kind: PaymentEventKind,
    *,
    amount_minor: int | None = None,
    klarna_reference: str | None = None,
    correlation_id: str | None = None,
    detail: str = "",
) -> None:
    """Append one event to the payment's log (committed with the change it describes)."""
    payment.events.append(
        PaymentEvent(
            kind=kind,
            amount_minor=amount_minor,
            klarna_reference=klarna_reference,
            correlation_id=correlation_id,
            detail=detail[:255],
        )
    )
