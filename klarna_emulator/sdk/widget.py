"""The widget's `load()`: the domain's answer plus what the widget iframe shows for it.

Klarna docs: https://docs.klarna.com/payments/web-payments/additional-resources/klarna-payments-sdk-reference
(`load(options, data?, callback)` answers `{show_form}`; `data` updates the session first).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from klarna_emulator.domain.categories import category_view
from klarna_emulator.domain.payments import Payments
from klarna_emulator.domain.sessions import Session
from klarna_emulator.sdk.plans import purchase_plan


def widget_view(session: Session, category: str) -> dict[str, str]:
    """The category's name, badge and plan for the session's current amount and currency."""
    view = category_view(category, "")
    return {
        "name": view["name"],
        # The badge is served by the emulator, so a path relative to the frame's origin.
        "badge_url": view["asset_urls"]["standard"],
        "plan": purchase_plan(category, session.data),
    }


def load_widget(
    payments: Payments, client_token: str, category: str, data: Mapping[str, Any] | None
) -> dict[str, Any]:
    """`{result, offered, widget}`: the `load()` callback payload, whether the session offers
    the category (the SDK refuses to authorize one it does not), and the widget's content
    (None when the form is hidden)."""
    with payments.store.lock:
        session = payments.session_from_client_token(client_token)
        result = payments.load(session, category, data)
        offered = category in payments.offered_categories(session)
        return {
            "result": result,
            "offered": offered,
            "widget": widget_view(session, category) if result["show_form"] else None,
        }
