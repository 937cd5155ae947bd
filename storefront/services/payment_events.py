"""The payment's event log: one append-only row per thing that happened to it."""

from __future__ import annotations

from storefront.models import Payment, PaymentEvent, PaymentEventKind


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
