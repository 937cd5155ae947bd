"""Klarna session service: the cart's Klarna session, kept in step with the cart at the least cost.

`start_payment` is what the payment page calls on every load and after every edit. It makes
the Klarna session match the cart with as few calls as possible:
- no session yet, one about to expire, or one in another market: create a session (1 call);
- the session body changed (its sha256 fingerprint differs): update the session, then read it
  back for the categories Klarna offers now (2 calls); a 404 means it expired: create one;
- nothing changed: no call at all, so reloading the page costs Klarna nothing.
An empty cart keeps no session. No database connection is held while Klarna answers: the
payment is read and the transaction ended first (`plan_session`), Klarna is called with plain
values (`call_for_session`), and its answer is stored by a guarded write (`store_session`).
Klarna docs:
https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/integrate-via-sdk/step-1-initiate-a-payment
https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/other-actions/update-the-cart
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from storefront.clock import as_utc, utcnow
from storefront.extensions import commit, db
from storefront.klarna.bodies import (
    Purchase,
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
from storefront.klarna.results import PaymentMethodCategory
from storefront.klarna_extension import get_klarna
from storefront.klarna_purchase import klarna_purchase
from storefront.markets import MARKETS
from storefront.models import Cart, OrderStatus, Payment, PaymentEventKind
from storefront.services.checkout import (
    CheckoutOverview,
    CheckoutStep,
    checkout_overview,
    require_step,
)
from storefront.services.errors import (
    COMPLETED_WITHOUT_ORDER_MESSAGE,
    DECLINED_MESSAGE,
    UNAVAILABLE_MESSAGE,
    KlarnaSwitchedOff,
    OrderInProgress,
    PaymentDeclined,
    PaymentOutcomeUnknown,
    PaymentUnavailable,
)
from storefront.services.klarna_requests import checked, merchant_context
from storefront.services.klarna_switch import klarna_enabled
from storefront.services.payment_events import record
from storefront.services.payments import (
    decline,
    decline_key,
    existing_payment,
    lift_decline,
    payment_for,
    write_payment,
)
from storefront.snapshot import CheckoutSnapshot

log = logging.getLogger(__name__)

# Klarna keeps a session 48 hours after its last update (create-session answers carry no
# expiry, so the shop counts from its own clock); replacing it an hour early means a shopper
# never starts paying in a session that runs out under them. Klarna docs:
# https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/integrate-via-sdk/step-1-initiate-a-payment
SESSION_LIFETIME = timedelta(hours=48)
SESSION_RENEWAL_MARGIN = timedelta(hours=1)
# A payment's Klarna session is frozen once it has an order (placing or placed): its
# callbacks and notifications are found by the session id and checked by the callback secret.
WITHOUT_ORDER = ~Payment.order.has()


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


def start_payment(cart: Cart, *, today: date, language: str | None = None) -> PaymentPage:
    """Bring the cart's Klarna session in step with the cart; call Klarna only if it changed.

    Raises CheckoutIncomplete (an earlier step is missing; an empty cart also drops its
    session), OrderInProgress, KlarnaSwitchedOff (the merchant turned Klarna off for the
    market: nothing is sent to Klarna), PaymentUnavailable and PaymentOutcomeUnknown.
    `language`: the shopper's, for Klarna's locale (a new language updates the session).
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
    if not klarna_enabled(cart.market):
        raise KlarnaSwitchedOff(MARKETS[cart.market].country)
    # Mapped once: the session body, its fingerprint and authorize()'s data all come from it.
    purchase = klarna_purchase(overview.snapshot, language)
    declined = still_declined(payment, decline_key(overview.snapshot))
    plan = None if declined else plan_session(payment, overview.snapshot, purchase)
    # End the transaction, with its row locks and connection, before Klarna is called; with
    # no call to make, what it read stays loaded: the page renders it without a reload.
    commit(keep_loaded=plan is None)
    if plan is not None:
        sync_session(plan)
    return PaymentPage(
        overview=overview,
        payment=payment,
        categories=offered_categories(payment),
        authorize_data=authorize_data(purchase),
        purchase_fingerprint=purchase_fingerprint(purchase),
    )


def still_declined(payment: Payment, purchase: str) -> bool:
    """Whether Klarna's hard decline covers this purchase; lifted, with its session, if not.

    A changed cart or customer details get a new session: the declined one is never reused.
    """
    if payment.declined_at is None:
        return False
    if payment.declined_purchase_fingerprint is None:
        payment.declined_purchase_fingerprint = purchase
    if payment.declined_purchase_fingerprint == purchase:
        return True
    discard_session(payment)
    if payment.klarna_session_id is None:  # else an order holds the session, and the decline
        lift_decline(payment)
    return payment.declined_at is not None


@dataclass(frozen=True)
class SessionPlan:
    """The session call a payment needs, as plain values: making it needs no database.

    `seen_session_id` and `seen_fingerprint` are the payment's when the plan was made; the
    answer is stored only if they are unchanged then (see `store_session`).
    """

    payment_id: int
    country: str
    market: str
    seen_session_id: str | None
    seen_fingerprint: str | None
    update_body: dict[str, Any] | None  # the changed body for the session; None: create one
    create_body: dict[str, Any]  # a new session's body, with its new callback secret
    callback_secret: str
    purchase: str  # its decline_key: what a 403 REJECTED declines


@dataclass(frozen=True)
class SessionAnswer:
    """Klarna's answer to a planned call: the payment's columns to write, and its event."""

    event: PaymentEventKind
    session_id: str
    values: dict[str, Any]


def plan_session(
    payment: Payment, snapshot: CheckoutSnapshot, purchase: Purchase
) -> SessionPlan | None:
    """The Klarna call that makes the session hold the snapshot's purchase; None when it does."""
    update_body = None
    if not needs_new_session(payment):
        update_body = session_body(purchase, merchant_context(payment))
        if fingerprint(update_body) == payment.payload_fingerprint:
            return None
    secret = secrets.token_urlsafe(32)
    return SessionPlan(
        payment_id=payment.id,
        country=snapshot.market.country,
        market=snapshot.market.code,
        seen_session_id=payment.klarna_session_id,
        seen_fingerprint=payment.payload_fingerprint,
        update_body=update_body,
        create_body=session_body(purchase, merchant_context(payment, secret)),
        callback_secret=secret,
        purchase=decline_key(snapshot),
    )


def sync_session(plan: SessionPlan) -> None:
    """Make the planned Klarna call, holding no connection, then store what Klarna answered."""
    try:
        answer = call_for_session(plan)
    except KlarnaSessionCompletedError as error:
        # An order exists at Klarna for this session but not in the shop: a new session
        # would let the shopper pay twice, so stop and let support look at it.
        log.error("Klarna session %s completed without a shop order", plan.seen_session_id)
        reference = error.correlation_id or plan.seen_session_id
        raise PaymentOutcomeUnknown(COMPLETED_WITHOUT_ORDER_MESSAGE, reference=reference) from error
    except KlarnaError as error:
        payment = db.session.get_one(Payment, plan.payment_id)
        raise klarna_failure(payment, error, purchase=plan.purchase) from error
    store_session(plan, answer)


def call_for_session(plan: SessionPlan) -> SessionAnswer:
    """Update the session and read it back; create one if there is none or Klarna lost it (404)."""
    klarna = get_klarna(plan.country)
    if plan.update_body is not None:
        try:
            return update_session(klarna, plan)
        except KlarnaNotFoundError:
            pass  # expired at Klarna, or never seen: a new session replaces it
    return create_session(klarna, plan)


def needs_new_session(payment: Payment) -> bool:
    """True without a session, near its expiry, or when the cart moved to another market."""
    cart = payment.cart
    if payment.klarna_session_id is None or payment.session_expires_at is None:
        return True
    if cart is not None and cart.market != payment.market:
        return True
    return as_utc(payment.session_expires_at) - SESSION_RENEWAL_MARGIN <= utcnow()


def create_session(klarna: KlarnaClient, plan: SessionPlan) -> SessionAnswer:
    """Open a new Klarna session, with a new callback secret, for the planned body."""
    created = klarna.create_session(checked(plan.payment_id, plan.create_body))
    return SessionAnswer(
        PaymentEventKind.SESSION_CREATED,
        created.session_id,
        {
            "klarna_session_id": created.session_id,
            "client_token": created.client_token,
            "callback_secret": plan.callback_secret,
            "market": plan.market,
            "payload_fingerprint": fingerprint(plan.create_body),
            "session_expires_at": utcnow() + SESSION_LIFETIME,
            "payment_method_categories": category_rows(created.payment_method_categories),
        },
    )


def update_session(klarna: KlarnaClient, plan: SessionPlan) -> SessionAnswer:
    """Send the changed body to the session and read back what Klarna offers for it now."""
    session_id, body = plan.seen_session_id, plan.update_body
    assert session_id is not None and body is not None
    klarna.update_session(session_id, checked(plan.payment_id, body))
    details = klarna.read_session(session_id)
    return SessionAnswer(
        PaymentEventKind.SESSION_UPDATED,
        session_id,
        {
            "payload_fingerprint": fingerprint(body),
            "session_expires_at": details.expires_at or utcnow() + SESSION_LIFETIME,
            "payment_method_categories": category_rows(details.payment_method_categories),
        },
    )


def store_session(plan: SessionPlan, answer: SessionAnswer) -> None:
    """Store Klarna's answer if the payment still holds the session and body the call began from.

    Otherwise another sync of the same cart stored its answer first, or an order was claimed
    for the session meanwhile, and that newer state stays: a session this call created is not
    used (Klarna lets it expire). An update this call sent may have reached Klarna after the
    other one's, so the stored fingerprint no longer proves what the session holds: it is
    cleared, and the next load sends the body again.
    """
    unchanged = (
        Payment.klarna_session_id.is_not_distinct_from(plan.seen_session_id),
        Payment.payload_fingerprint.is_not_distinct_from(plan.seen_fingerprint),
        WITHOUT_ORDER,  # an order claimed while Klarna answered keeps the session it was for
    )
    if write_payment(plan.payment_id, *unchanged, **answer.values):
        payment = db.session.get_one(Payment, plan.payment_id)
        record(payment, answer.event, klarna_reference=answer.session_id)
    elif answer.event is PaymentEventKind.SESSION_UPDATED:
        same_session = Payment.klarna_session_id == plan.seen_session_id
        write_payment(plan.payment_id, same_session, payload_fingerprint=None)
    db.session.commit()


def category_rows(categories: Iterable[PaymentMethodCategory]) -> list[dict[str, str]]:
    """The categories Klarna offers, with the name and badge Klarna chose for each."""
    return [
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
    """Forget the session of an emptied cart or of a lifted decline (Klarna lets it expire).

    The one place a payment's session id and callback secret are cleared, and never for a
    payment with an order: Klarna's callbacks and notifications for that order are found and
    checked by them. The guarded UPDATE decides by what the database holds when it runs, so a
    claim committed after this request read the payment still keeps them.
    """
    session_id = payment.klarna_session_id
    if session_id is None:
        return
    discarded = write_payment(
        payment.id,
        Payment.klarna_session_id == session_id,
        WITHOUT_ORDER,
        klarna_session_id=None,
        client_token=None,
        payment_method_categories=[],
        payload_fingerprint=None,
        session_expires_at=None,
        callback_secret=None,
    )
    db.session.expire(payment)  # the UPDATE bypassed the loaded object: read it afresh
    if discarded:
        record(payment, PaymentEventKind.SESSION_DISCARDED, klarna_reference=session_id)


def offered_categories(payment: Payment) -> tuple[OfferedCategory, ...]:
    """The categories Klarna offered in the payment's session, in Klarna's order."""
    return tuple(OfferedCategory(**category) for category in payment.payment_method_categories)


def recheck_session(cart: Cart) -> None:
    """The widget could not load the session: ask Klarna whether it still exists.

    A session Klarna no longer knows (it expired by Klarna's clock before the shop's) is
    forgotten, so the next `start_payment` opens a new one; one read, only after a failure.
    Raises KlarnaSwitchedOff, without a call, once the merchant switched Klarna off.
    """
    payment = payment_for(cart)
    if not klarna_enabled(payment.market):
        raise KlarnaSwitchedOff(MARKETS[payment.market].country)
    payment_id, session_id = payment.id, payment.klarna_session_id
    country = MARKETS[payment.market].country
    db.session.commit()  # no connection is held while Klarna answers
    if session_id is None:
        return
    try:
        get_klarna(country).read_session(session_id)
    except KlarnaNotFoundError:
        write_payment(payment_id, Payment.klarna_session_id == session_id, session_expires_at=None)
        db.session.commit()
    except KlarnaError as error:
        raise klarna_failure(db.session.get_one(Payment, payment_id), error) from error


def klarna_failure(
    payment: Payment, error: KlarnaError, *, purchase: str | None = None
) -> PaymentDeclined | PaymentUnavailable:
    """The shopper-facing error for a failed session call (the client has logged the call)."""
    if isinstance(error, KlarnaRejectedError):
        # Klarna re-assessed the changed cart and refused it (403 REJECTED on update).
        decline(payment, detail=f"{error.operation}: {error.error_code}", purchase=purchase)
        db.session.commit()
        return PaymentDeclined(DECLINED_MESSAGE, reference=error.correlation_id)
    log.warning("payment %s: %s", payment.id, error)
    return PaymentUnavailable(UNAVAILABLE_MESSAGE, reference=error.correlation_id)
