"""Klarna Payments v1 sessions and the widget's load / authorize / finalize.

The REST blueprint, the control plane and the JS SDK all call these methods, so a purchase
behaves the same whichever way it is driven. (Create-order: order_placement.py; customer
tokens: customer_token_api.py.) Klarna docs:
https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/integrate-via-sdk/step-1-initiate-a-payment
https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/integrate-via-sdk/step-2-checkout
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from klarna_emulator.callbacks import Courier
from klarna_emulator.config import Settings
from klarna_emulator.domain import categories
from klarna_emulator.domain.authorizations import (
    Authorization,
    AuthorizationStatus,
    purchase_snapshot,
)
from klarna_emulator.domain.client_token import (
    decode_client_token,
    encode_client_token,
    token_payload,
)
from klarna_emulator.domain.ids import new_id
from klarna_emulator.domain.intents import intent_of, session_stages
from klarna_emulator.domain.markets import market_for
from klarna_emulator.domain.sdk_errors import FinalizeNotRequired, PaymentMethodCategoryNotSupported
from klarna_emulator.domain.sessions import Session, SessionStatus, without_read_only
from klarna_emulator.errors import (
    AuthorizationCannotBeDeleted,
    InvalidAuthorizationToken,
    InvalidSessionId,
    SessionCompleted,
)
from klarna_emulator.scenarios import Decision, Scenario, scenario_for
from klarna_emulator.store import Store
from klarna_emulator.validation import first_problems, require_valid


def shopper_email(data: Mapping[str, Any]) -> str | None:
    """The e-mail of the data's billing address, which selects the playground's scenario."""
    billing = data.get("billing_address")
    email = billing.get("email") if isinstance(billing, Mapping) else None
    return email if isinstance(email, str) else None


def _authorize_problems(data: Mapping[str, Any]) -> list[str]:
    # The purchase flow needs the shopper's e-mail to decide, and a scenario it can read.
    email = shopper_email(data)
    if not email or scenario_for(email).decision is Decision.UNREADABLE:
        return ["billing_address.email"]
    return []


def _approved(token: str) -> dict[str, Any]:
    return {
        "approved": True,
        "show_form": True,
        "authorization_token": token,
        "finalize_required": False,
    }


class Payments:
    """Klarna Payments v1 over the store; every public method is safe to call from any thread."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        courier: Courier,
        token_secret: bytes,
    ) -> None:
        self.store = store
        self.settings = settings
        self.courier = courier
        self._token_secret = token_secret

    # Sessions -------------------------------------------------------------------------------

    def create_session(self, body: Mapping[str, Any], base_url: str) -> dict[str, Any]:
        """Create a session; answer `{session_id, client_token, payment_method_categories}`."""
        require_valid(*session_stages(body))
        data = without_read_only(body)
        market = market_for(data["purchase_country"])
        assert market is not None  # the market stage has checked it
        # No locale: the market's first (the schema's default en-US is wrong in most markets).
        data.setdefault("locale", market.locales[0])
        data.setdefault("intent", "buy")
        data.setdefault("acquiring_channel", "ECOMMERCE")
        session_id = new_id()
        client_token = encode_client_token(
            token_payload(
                session_id, base_url, market.country, data["locale"], self.settings.merchant_name
            ),
            self._token_secret,
        )
        with self.store.lock:
            self.store.purge_expired()
            now = self.store.now()
            session = Session(
                session_id=session_id,
                data=data,
                client_token=client_token,
                base_url=base_url,
                created_at=now,
                updated_at=now,
                lifetime=timedelta(seconds=self.settings.session_lifetime_seconds),
            )
            self.store.sessions[session_id] = session
            return {
                "session_id": session_id,
                "client_token": client_token,
                "payment_method_categories": self.category_views(session),
            }

    def live_session(self, session_id: str) -> Session:
        """The session if it exists and has not expired; else Klarna's 404 `Invalid session id`."""
        with self.store.lock:
            session = self.store.sessions.get(session_id)
            if session is None or session.is_expired(self.store.now()):
                raise InvalidSessionId()
            return session

    def read_session(self, session_id: str) -> dict[str, Any]:
        """The body of a read-session response."""
        with self.store.lock:
            session = self.live_session(session_id)
            return session.read_view(self.category_views(session))

    def update_session(self, session_id: str, body: Mapping[str, Any]) -> None:
        """Apply a (partial) update; the whole resulting session is validated again.

        Klarna docs: https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/other-actions/update-the-cart
        """
        with self.store.lock:
            session = self._open_session(session_id)
            data = session.merged(body)
            require_valid(*session_stages(data))
            session.apply(data, self.store.now())

    def _open_session(self, session_id: str) -> Session:
        session = self.live_session(session_id)
        if session.status is SessionStatus.COMPLETE:
            raise SessionCompleted()
        return session

    def session_from_client_token(self, client_token: str) -> Session:
        """The live session a client token belongs to (InvalidClientToken, InvalidSessionId)."""
        claims = decode_client_token(client_token, self._token_secret)
        return self.live_session(claims["session_id"])

    # Payment method categories ---------------------------------------------------------------

    def offered_categories(self, session: Session) -> list[str]:
        """The category identifiers the session offers now (market, amount and configuration)."""
        data = session.data
        return categories.offered_categories(
            self.settings.category_mode,
            self.settings.pay_over_time_minimum_minor,
            data["purchase_country"],
            data["purchase_currency"],
            data["order_amount"],
        )

    def category_views(self, session: Session) -> list[dict[str, Any]]:
        """The offered categories as Klarna's responses show them."""
        return [
            categories.category_view(c, session.base_url) for c in self.offered_categories(session)
        ]

    # The widget: load, authorize, finalize ---------------------------------------------------

    def load(
        self, session: Session, payment_method_category: str, data: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """What the widget's `load()` answers: `{show_form}` (plus `error` for bad `data`).

        `data` updates the session first, as `load(options, data, cb)` does. The form is hidden
        (`show_form: false`) for a category the session does not offer and for a `+red` e-mail.
        """
        with self.store.lock:
            session = self._open_session(session.session_id)
            if data:
                merged = session.merged(data)
                problems = first_problems(*session_stages(merged))
                if problems:
                    return {"show_form": True, "error": {"invalid_fields": problems}}
                session.apply(merged, self.store.now())
            hidden = (
                payment_method_category not in self.offered_categories(session)
                or scenario_for(shopper_email(session.data)).decision is Decision.HIDE_FORM
            )
            return {"show_form": not hidden}

    def authorize(
        self,
        session: Session,
        data: Mapping[str, Any] | None,
        payment_method_category: str,
        auto_finalize: bool = True,
    ) -> dict[str, Any]:
        """Run the shopper's purchase flow; return the `authorize()` callback payload.

        `data` (billing/shipping address, customer, even order lines) is merged into the session
        and the result validated; bad fields answer `{approved: false, show_form: true, error:
        {invalid_fields}}`. The e-mail's scenario decides: a decline answers `{approved: false,
        show_form: false}`; an approval freezes what was authorized (for create-order's
        comparison), supersedes the session's previous token, answers `{approved: true,
        show_form: true, authorization_token}` and POSTs the authorization callback. With
        `auto_finalize` false, `klarna`/`pay_now` answer `finalize_required: true` and no token
        until `finalize()`. Raises InvalidSessionId, SessionCompleted and
        PaymentMethodCategoryNotSupported.
        """
        with self.store.lock:
            session = self._open_session(session.session_id)
            problems_or_scenario = self._merge_purchase_data(session, data, payment_method_category)
            if isinstance(problems_or_scenario, dict):
                return problems_or_scenario
            if not auto_finalize and payment_method_category in categories.FINALIZE_CATEGORIES:
                session.pending_finalization = payment_method_category
                return {"approved": True, "show_form": True, "finalize_required": True}
            return _approved(
                self._issue_token(session, payment_method_category, problems_or_scenario)
            )

    def finalize(
        self, session: Session, data: Mapping[str, Any] | None, payment_method_category: str
    ) -> dict[str, Any]:
        """Complete an authorization that answered `finalize_required`; same payloads as authorize.

        Raises FinalizeNotRequired when no authorization of that category awaits finalizing.
        """
        with self.store.lock:
            session = self._open_session(session.session_id)
            self.require_pending_finalization(session, payment_method_category)
            problems_or_scenario = self._merge_purchase_data(session, data, payment_method_category)
            if isinstance(problems_or_scenario, dict):
                return problems_or_scenario
            return _approved(
                self._issue_token(session, payment_method_category, problems_or_scenario)
            )

    def require_pending_finalization(self, session: Session, payment_method_category: str) -> None:
        """Raise FinalizeNotRequired unless an authorization of that category awaits finalize()."""
        if session.pending_finalization != payment_method_category:
            raise FinalizeNotRequired(
                f"no authorization of {payment_method_category!r} awaits finalize()"
            )

    def review_purchase(
        self, session: Session, data: Mapping[str, Any] | None, payment_method_category: str
    ) -> tuple[dict[str, Any], list[str]]:
        """The session data with the shopper's `data` merged in, and the fields authorize()
        would call invalid (none: the purchase flow may start). Changes nothing.

        The JS SDK's purchase dialog shows the merged purchase before the shopper confirms.
        Raises InvalidSessionId, SessionCompleted and PaymentMethodCategoryNotSupported.
        """
        with self.store.lock:
            session = self._open_session(session.session_id)
            if payment_method_category not in self.offered_categories(session):
                raise PaymentMethodCategoryNotSupported(
                    f"{payment_method_category!r} is not offered by this session"
                )
            merged = session.merged(data or {})
            problems = first_problems(*session_stages(merged), lambda: _authorize_problems(merged))
            return merged, problems

    def _merge_purchase_data(
        self, session: Session, data: Mapping[str, Any] | None, category: str
    ) -> Scenario | dict[str, Any]:
        """Validate and merge the shopper's data; a refusal payload, or the approving scenario."""
        merged, problems = self.review_purchase(session, data, category)
        if problems:
            return {"approved": False, "show_form": True, "error": {"invalid_fields": problems}}
        session.apply(merged, self.store.now())
        scenario = scenario_for(shopper_email(merged))
        if scenario.decision is not Decision.APPROVE:
            session.pending_finalization = None
            return {"approved": False, "show_form": False}
        return scenario

    def _issue_token(self, session: Session, category: str, scenario: Scenario) -> str:
        now = self.store.now()
        previous = self.store.authorizations.get(session.authorization_token or "")
        if previous is not None and previous.status is AuthorizationStatus.ACTIVE:
            previous.move_to(AuthorizationStatus.SUPERSEDED)
        authorization = Authorization(
            token=new_id(),
            session_id=session.session_id,
            payment_method_category=category,
            scenario=scenario,
            intent=intent_of(session.data),
            snapshot=purchase_snapshot(session.data),
            created_at=now,
            expires_at=now + timedelta(seconds=self.settings.authorization_token_lifetime_seconds),
        )
        self.store.authorizations[authorization.token] = authorization
        session.authorization_token = authorization.token
        session.authorized = True
        session.pending_finalization = None
        self._send_authorization_callback(session, authorization.token)
        return authorization.token

    def _send_authorization_callback(self, session: Session, token: str) -> None:
        url = (session.data.get("merchant_urls") or {}).get("authorization")
        if not url:
            return
        payload = {"authorization_token": token, "session_id": session.session_id}
        for key in ("merchant_reference1", "merchant_reference2"):
            if key in session.data:
                payload[key] = session.data[key]
        self.courier.deliver(
            "authorization", url, payload, self.settings.authorization_callback_delay_seconds
        )

    def cancel_authorization(self, token: str) -> None:
        """Release an authorization that did not become an order."""
        with self.store.lock:
            authorization = self.store.authorizations.get(token)
            if (
                authorization is not None
                and authorization.status is AuthorizationStatus.ORDER_PLACED
            ):
                raise AuthorizationCannotBeDeleted()
            if authorization is None or not authorization.is_live(self.store.now()):
                raise InvalidAuthorizationToken()
            authorization.move_to(AuthorizationStatus.CANCELLED)
