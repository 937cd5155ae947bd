"""Merchant actions on a Klarna order, each applied exactly once: stored, sent, settled, read back.

The pattern of services.klarna_session, for money: the action and its
`Klarna-Idempotency-Key` are committed before Klarna is called (`start_action`), Klarna is
called with plain values and no database connection held (`send`), and its answer is written
by a guarded UPDATE that only a PENDING action passes (`settle`). Then the order is read back
from Klarna, so its captured and refunded totals equal Klarna's (`reconciliation`).

An action whose outcome Klarna left unknown (a 500, no answer) stays PENDING; the next
request for it sends the same body with the same key, which Klarna applies once
("only the key matters"). While one action is pending no other starts on the order, and
(order, sequence) is unique, so two admins pressing Capture at once make one capture.
Klarna docs: https://docs.klarna.com/api/escalation-and-retry-policy/
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, NoReturn, cast

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from storefront.clock import utcnow
from storefront.extensions import db
from storefront.klarna.errors import KlarnaError, KlarnaUnavailableError
from storefront.klarna.idempotency import idempotency_key
from storefront.klarna.order_management import OrderManagement
from storefront.klarna_extension import get_klarna
from storefront.markets import MARKETS
from storefront.models import Order, OrderStatus, PaymentEventKind
from storefront.services.order_action_errors import (
    ActionInProgress,
    ActionNeedsRetry,
    ActionOutcomeUnknown,
    KlarnaRefusedAction,
    KlarnaUnavailableForAction,
    OrderNotManageable,
)
from storefront.services.order_lookup import find_order
from storefront.services.payment_events import record
from storefront.services.reconciliation import read_back
from storefront.services.settlement_effects import apply_effect
from storefront.settlement_models import OrderAction, OrderActionKind, OrderActionState

log = logging.getLogger(__name__)

# Added to the slowest call Klarna can still answer to make an action's lease.
LEASE_MARGIN_SECONDS = 5
REFUSED_MESSAGE = "Klarna refused to {what}: {said}"
UNKNOWN_MESSAGE = (
    "Klarna did not confirm the {what}, so it may or may not be done. Retry it: the same "
    "request is sent again and Klarna applies it only once."
)
UNAVAILABLE_MESSAGE = "Klarna is not available right now, nothing was changed: try again."


@dataclass(frozen=True)
class ActionRequest:
    """An action the shop's checks allowed: what to send, and what it moves."""

    kind: OrderActionKind
    body: dict[str, Any] | None = None
    amount_minor: int | None = None
    line_quantities: dict[int, int] | None = None
    target_klarna_id: str | None = None


@dataclass(frozen=True)
class SentAction:
    """A pending action as plain values: sending it needs no database."""

    action_id: int
    order_id: int
    kind: OrderActionKind
    klarna_order_id: str
    country: str
    idempotency_key: str
    body: dict[str, Any] | None
    target_klarna_id: str | None


def manageable_order(number: str) -> Order:
    """The order with this number, if Klarna has an order for it; else OrderNotManageable."""
    order = find_order(number)
    if order is None or order.klarna_order_id is None or order.status == OrderStatus.PLACING:
        raise OrderNotManageable(f"There is no Klarna order {number} to change.")
    return order


def perform(order: Order, request: ActionRequest, requested_by: str = "") -> OrderAction:
    """Store the action, send it to Klarna, settle it and read the order back; the action."""
    sent = start_action(order, request, requested_by)
    return run(sent)


def run(sent: SentAction) -> OrderAction:
    """Send a started action and settle it; raises the OrderActionError for a failure."""
    try:
        answer = send(sent)
    except KlarnaError as error:
        fail(sent, error)
    action = settle(sent, *answer)
    read_back(sent.order_id)
    return action


def start_action(order: Order, request: ActionRequest, requested_by: str) -> SentAction:
    """Commit the action as PENDING with its key; or take over the same unconfirmed action."""
    if not hold_unchanged(order):
        raise ActionInProgress("This order changed meanwhile: reload it and look again.")
    pending = pending_action(order.id)
    if pending is not None:
        if same_intent(pending, request):
            return take_over(order, pending)
        raise ActionNeedsRetry(
            f"Klarna has not confirmed an earlier {pending.kind} of this order yet: "
            "retry that first."
        )
    sequence = (
        db.session.scalar(
            sa.select(sa.func.max(OrderAction.sequence)).where(OrderAction.order_id == order.id)
        )
        or 0
    ) + 1
    action = OrderAction(
        order_id=order.id,
        sequence=sequence,
        kind=request.kind,
        state=OrderActionState.PENDING,
        idempotency_key=idempotency_key(order.number, f"{request.kind}-{sequence}"),
        amount_minor=request.amount_minor,
        request_body=request.body,
        line_quantities={
            str(index): units for index, units in (request.line_quantities or {}).items()
        },
        target_klarna_id=request.target_klarna_id,
        lease_expires_at=utcnow() + action_lease(),
        requested_by=requested_by[:99],
    )
    try:
        db.session.add(action)
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise ActionInProgress("Another action on this order was just started: reload.") from None
    sent = sent_action(order, action)
    db.session.commit()
    return sent


def hold_unchanged(order: Order) -> bool:
    """Take the order's row if it still has the status and amounts the shop's checks read.

    The no-op guarded UPDATE is the transaction's first write: it holds the row (on SQLite,
    the database) until the action is committed, and fails if another action settled since
    the checks, so an action is never started on what the order no longer is.
    """
    written = cast(
        sa.CursorResult[Any],
        db.session.execute(
            sa.update(Order)
            .where(
                Order.id == order.id,
                Order.status == order.status,
                Order.captured_minor == order.captured_minor,
                Order.refunded_minor == order.refunded_minor,
                Order.released_minor == order.released_minor,
                Order.authorization_expires_at.is_not_distinct_from(order.authorization_expires_at),
            )
            .values(status=Order.status)
            .execution_options(synchronize_session=False),
        ),
    )
    if written.rowcount != 1:
        db.session.rollback()
        return False
    return True


def pending_action(order_id: int) -> OrderAction | None:
    """The order's action Klarna has not confirmed yet, if any (there is at most one)."""
    return db.session.scalars(
        sa.select(OrderAction).where(
            OrderAction.order_id == order_id, OrderAction.state == OrderActionState.PENDING
        )
    ).first()


def same_intent(action: OrderAction, request: ActionRequest) -> bool:
    """Whether a request asks for exactly what a pending action sends (then it is its retry)."""
    return (action.kind, action.request_body, action.target_klarna_id) == (
        request.kind,
        request.body,
        request.target_klarna_id,
    )


def retry_pending_action(number: str) -> OrderAction:
    """Send the order's unconfirmed action again, with its key; raises if there is none."""
    order = manageable_order(number)
    pending = pending_action(order.id)
    if pending is None:
        raise ActionNeedsRetry("This order has no unconfirmed action to retry.")
    return run(take_over(order, pending))


def take_over(order: Order, action: OrderAction) -> SentAction:
    """Hold a pending action nobody is sending (its lease ran out or was given back)."""
    now = utcnow()
    free = sa.or_(OrderAction.lease_expires_at.is_(None), OrderAction.lease_expires_at <= now)
    if not write_pending(action.id, free, lease_expires_at=now + action_lease()):
        db.session.rollback()
        raise ActionInProgress(f"Klarna is being sent this {action.kind} right now: reload.")
    sent = sent_action(order, action)
    db.session.commit()
    return sent


def sent_action(order: Order, action: OrderAction) -> SentAction:
    """The plain values sending the action needs."""
    assert order.klarna_order_id is not None
    return SentAction(
        action_id=action.id,
        order_id=order.id,
        kind=OrderActionKind(action.kind),
        klarna_order_id=order.klarna_order_id,
        country=MARKETS[order.market].country,
        idempotency_key=action.idempotency_key,
        body=action.request_body,
        target_klarna_id=action.target_klarna_id,
    )


def action_lease() -> timedelta:
    """How long a request holds an action: longer than the slowest call Klarna still answers."""
    klarna = get_klarna()
    connect_seconds, read_seconds = klarna.timeout
    policy = klarna.retry_policy
    waits = sum(policy.delay_before(attempt) for attempt in range(2, policy.attempts + 1))
    calls = policy.attempts * (connect_seconds + read_seconds)
    return timedelta(seconds=calls + waits + LEASE_MARGIN_SECONDS)


def send(sent: SentAction) -> tuple[str | None, str | None]:
    """Make the Klarna call; (Klarna's capture or refund id, correlation id) for a 2xx."""
    klarna = OrderManagement(get_klarna(sent.country))
    order_id, key, body = sent.klarna_order_id, sent.idempotency_key, dict(sent.body or {})
    if sent.kind is OrderActionKind.CAPTURE:
        created = klarna.capture_order(
            order_id,
            body["captured_amount"],
            idempotency_key=key,
            order_lines=body.get("order_lines"),
            shipping_info=body.get("shipping_info"),
        )
        return created.resource_id, created.correlation_id
    if sent.kind is OrderActionKind.REFUND:
        created = klarna.refund_order(
            order_id,
            body["refunded_amount"],
            idempotency_key=key,
            order_lines=body.get("order_lines"),
            description=body.get("description"),
        )
        return created.resource_id, created.correlation_id
    if sent.kind is OrderActionKind.SHIPPING_INFO:
        assert sent.target_klarna_id is not None
        klarna.add_capture_shipping_info(
            order_id, sent.target_klarna_id, body["shipping_info"], idempotency_key=key
        )
    elif sent.kind is OrderActionKind.REFERENCES:
        klarna.update_merchant_references(order_id, idempotency_key=key, **body)
    else:
        BODILESS_WRITES[sent.kind](klarna, order_id, idempotency_key=key)
    return None, None


BODILESS_WRITES = {
    OrderActionKind.CANCEL: OrderManagement.cancel_order,
    OrderActionKind.RELEASE: OrderManagement.release_remaining_authorization,
    OrderActionKind.EXTEND: OrderManagement.extend_authorization_time,
}


def settle(sent: SentAction, resource_id: str | None, correlation_id: str | None) -> OrderAction:
    """Record what Klarna did: DONE, and its effect on the order; once, whoever gets here first."""
    done = write_pending(
        sent.action_id,
        state=OrderActionState.DONE,
        klarna_resource_id=resource_id,
        correlation_id=correlation_id,
        lease_expires_at=None,
        finished_at=utcnow(),
    )
    action = db.session.get_one(OrderAction, sent.action_id, populate_existing=True)
    if done:
        apply_effect(db.session.get_one(Order, sent.order_id), action)
    db.session.commit()
    return action


def fail(sent: SentAction, error: KlarnaError) -> NoReturn:
    """Record a failed call and raise what it means for the merchant.

    Klarna may have acted (a 5xx, no answer): the action stays PENDING for its retry.
    Otherwise it is FAILED, with Klarna's correlation id, and a new request gets a new key.
    """
    what = sent.kind.replace("_", " ")
    order = db.session.get_one(Order, sent.order_id)
    unknown = isinstance(error, KlarnaUnavailableError) and error.outcome_unknown
    log.warning("order %s: %s failed: %s", order.number, sent.kind, error)
    if unknown:
        write_pending(sent.action_id, lease_expires_at=None, correlation_id=error.correlation_id)
    else:
        write_pending(
            sent.action_id,
            state=OrderActionState.FAILED,
            lease_expires_at=None,
            correlation_id=error.correlation_id,
            failure=str(error)[:255],
            finished_at=utcnow(),
        )
    kind = PaymentEventKind.ACTION_OUTCOME_UNKNOWN if unknown else PaymentEventKind.ACTION_REFUSED
    record(order.payment, kind, correlation_id=error.correlation_id, detail=f"{sent.kind}: {error}")
    db.session.commit()
    if not unknown:
        read_back(sent.order_id)  # whatever Klarna did before it refused, the shop shows too
    if unknown:
        raise ActionOutcomeUnknown(
            UNKNOWN_MESSAGE.format(what=what), reference=error.correlation_id
        )
    if isinstance(error, KlarnaUnavailableError):
        raise KlarnaUnavailableForAction(UNAVAILABLE_MESSAGE, reference=error.correlation_id)
    said = "; ".join(error.error_messages) or error.error_code or f"HTTP {error.status}"
    raise KlarnaRefusedAction(
        REFUSED_MESSAGE.format(what=what, said=said), reference=error.correlation_id
    )


def write_pending(action_id: int, *conditions: sa.ColumnElement[bool], **values: Any) -> bool:
    """Write `values` to the action if it is still PENDING (and `conditions` hold)."""
    # An UPDATE's result is a CursorResult, which counts the rows it matched.
    written = cast(
        sa.CursorResult[Any],
        db.session.execute(
            sa.update(OrderAction)
            .where(
                OrderAction.id == action_id,
                OrderAction.state == OrderActionState.PENDING,
                *conditions,
            )
            .values(**values)
            .execution_options(synchronize_session=False),
        ),
    )
    return written.rowcount == 1
