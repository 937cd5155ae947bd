"""Customer tokens: generate one from an authorization (Payments API), then read, charge and
cancel it (Customer Token API v1).

Klarna docs: https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/integrate-via-sdk/step-3-create-an-order
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from klarna_emulator.domain import categories
from klarna_emulator.domain.authorizations import (
    Authorization,
    AuthorizationStatus,
    canonical_json,
)
from klarna_emulator.domain.customer_tokens import CustomerToken, TokenStatus
from klarna_emulator.domain.ids import new_id
from klarna_emulator.domain.intents import TOKENIZE, TOKENIZING, subscription_lines_stage
from klarna_emulator.domain.markets import market_for
from klarna_emulator.domain.order_management import OrderManagement
from klarna_emulator.domain.order_placement import session_redirect_url
from klarna_emulator.domain.orders import FraudStatus
from klarna_emulator.domain.sessions import Session
from klarna_emulator.errors import (
    InvalidAuthorizationToken,
    InvalidOperation,
    TokenConsumed,
    TokenNotFound,
)
from klarna_emulator.scenarios import token_persona
from klarna_emulator.store import Store
from klarna_emulator.validation import (
    addresses_stage,
    currency_problems,
    locale_problems,
    market_stage,
    order_lines_stage,
    order_totals_stage,
    require_valid,
    schema_stage,
)

API = "customer-token"


def _subscriptions(snapshot: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The `subscription` objects of the authorized order lines."""
    return [
        copy.deepcopy(line["subscription"])
        for line in snapshot.get("order_lines", [])
        if "subscription" in line
    ]


def _other_country_problems(
    body: Mapping[str, Any], billing: Mapping[str, Any], session_country: str
) -> list[str]:
    """`purchase_country` when the body's or the billing address's country is not the session's.

    Klarna: "Bad value: purchase_country: The billing address country is different from that of
    the country specified for this session" (create-a-customer-token errors, step-3 doc above).
    """
    countries = {body["purchase_country"], billing.get("country", session_country)}
    return [] if {c.upper() for c in countries} == {session_country} else ["purchase_country"]


class CustomerTokenApi:
    """Customer Token v1 over the store."""

    def __init__(self, store: Store, order_management: OrderManagement) -> None:
        self.store = store
        self.order_management = order_management

    def generate(
        self, authorization_token: str, body: Mapping[str, Any], base_url: str
    ) -> dict[str, Any]:
        """Generate a customer token from an authorization of a tokenizing session.

        Not for intent `buy` (403 INVALID_OPERATION); one token per authorization: the same
        body again answers the same token (a shop that lost the answer can ask again), another
        body 403 `Authorization token already consumed`; for the session's own country only
        (400 `Bad value: purchase_country`). A `tokenize` session is complete once its token
        exists (docs/fidelity.md, *Intents*).
        """
        with self.store.lock:
            authorization, session = self._tokenizable(authorization_token)
            if authorization.customer_token_response is not None:
                if canonical_json(body) == authorization.customer_token_request:
                    return copy.deepcopy(authorization.customer_token_response)
                raise TokenConsumed()
            snapshot_billing = authorization.snapshot.get("billing_address") or {}
            billing = body.get("billing_address") or snapshot_billing
            country = session.data["purchase_country"].upper()
            require_valid(
                schema_stage("payments", "customer_token_creation_request", body),
                # Before the market stage, whose billing-country override would blame the currency.
                lambda: _other_country_problems(body, billing, country),
                market_stage(body),
            )
            customer = body.get("customer") or session.data.get("customer") or {}
            customer_token = self._new_token(authorization, session, body, billing, customer)
            self.store.customer_tokens[customer_token.token_id] = customer_token
            session.customer_token_ids.append(customer_token.token_id)
            response: dict[str, Any] = {
                "token_id": customer_token.token_id,
                "payment_method_reference": new_id(),
                "billing_address": copy.deepcopy(billing),
                "customer": {k: v for k, v in customer.items() if k in ("date_of_birth", "gender")},
            }
            if (session.data.get("merchant_urls") or {}).get("confirmation"):
                response["redirect_url"] = session_redirect_url(base_url, session.session_id)
            authorization.customer_token_id = customer_token.token_id
            authorization.customer_token_request = canonical_json(body)
            authorization.customer_token_response = copy.deepcopy(response)
            if authorization.intent == TOKENIZE:
                session.complete()
            return response

    def _new_token(
        self,
        authorization: Authorization,
        session: Session,
        body: Mapping[str, Any],
        billing: Mapping[str, Any],
        customer: Mapping[str, Any],
    ) -> CustomerToken:
        """The customer token an authorization makes, with the persona of its billing e-mail."""
        return CustomerToken(
            token_id=new_id(),
            payment_method_type=categories.INITIAL_PAYMENT_METHODS[
                authorization.payment_method_category
            ]["type"],
            purchase_country=session.data["purchase_country"].upper(),
            purchase_currency=body["purchase_currency"].upper(),
            locale=body["locale"],
            billing_address=copy.deepcopy(dict(billing)),
            customer=copy.deepcopy(dict(customer)),
            category=authorization.payment_method_category,
            created_at=self.store.now(),
            session_id=session.session_id,
            authorization_token=authorization.token,
            intent=authorization.intent,
            subscriptions=_subscriptions(authorization.snapshot),
            persona=token_persona(billing.get("email")),
        )

    def _tokenizable(self, authorization_token: str) -> tuple[Authorization, Session]:
        """The authorization and its session, if a customer token may be generated from them."""
        authorization = self.store.authorizations.get(authorization_token)
        session = self.store.sessions.get(authorization.session_id) if authorization else None
        if (
            authorization is None
            or session is None
            or self.store.now() >= authorization.expires_at
            or authorization.status
            not in (AuthorizationStatus.ACTIVE, AuthorizationStatus.ORDER_PLACED)
        ):
            raise InvalidAuthorizationToken()
        if authorization.intent not in TOKENIZING:
            raise InvalidOperation(
                f"Not allowed to create customer tokens for intent {authorization.intent}."
            )
        return authorization, session

    def token(self, token_id: str) -> CustomerToken:
        """The token, or 404 TOKEN_NOT_FOUND."""
        with self.store.lock:
            customer_token = self.store.customer_tokens.get(token_id)
            if customer_token is None:
                raise TokenNotFound()
            return customer_token

    def read(self, token_id: str) -> dict[str, Any]:
        """The body of a read-token response."""
        with self.store.lock:
            return self.token(token_id).view()

    def create_order(self, token_id: str, body: Mapping[str, Any], base_url: str) -> dict[str, Any]:
        """Charge an ACTIVE token: validate like a purchase, open the order, return its summary.

        The token fixes the market, so the currency and a locale, if sent, must be the token's
        market's (Klarna's market table:
        https://docs.klarna.com/payments/web-payments/before-you-start/data-requirements/puchase-countries-currencies-locales).
        """
        with self.store.lock:
            customer_token = self.token(token_id)
            customer_token.ensure_chargeable()
            market = market_for(customer_token.purchase_country)
            assert market is not None  # a token is generated only for a session's market
            require_valid(
                lambda: (
                    currency_problems(body.get("purchase_currency"), market)
                    + locale_problems(body, market)
                ),
                schema_stage(
                    API, "customer_token_order", body, skip=frozenset({"purchase_currency"})
                ),
                order_lines_stage(body),
                order_totals_stage(body),
                addresses_stage({**body, "purchase_country": customer_token.purchase_country}),
                subscription_lines_stage(body),
            )
            customer_token.ensure_payment_succeeds()
            purchase = {
                **copy.deepcopy(dict(body)),
                "purchase_country": customer_token.purchase_country,
                "locale": body.get("locale", customer_token.locale),
                "billing_address": copy.deepcopy(customer_token.billing_address),
                "customer": copy.deepcopy(customer_token.customer),
            }
            purchase.setdefault("shipping_address", copy.deepcopy(customer_token.billing_address))
            order = self.order_management.open_order(
                purchase,
                customer_token.category,
                FraudStatus.ACCEPTED,
                body.get("merchant_urls") or {},
                None,
            )
            customer_token.record_order(order.order_id)
            return {
                "order_id": order.order_id,
                "fraud_status": order.fraud_status.value,
                # This API's schema always has a redirect URL; the emulator's redirect for the
                # order sends the shopper to the merchant's confirmation URL, if one was given.
                "redirect_url": f"{base_url.rstrip('/')}/v1/orders/{order.order_id}/redirect",
                "authorized_payment_method": copy.deepcopy(
                    categories.AUTHORIZED_PAYMENT_METHODS[customer_token.category]
                ),
            }

    def change_status(self, token_id: str, body: Mapping[str, Any]) -> None:
        """PATCH the status (Klarna allows only CANCELLED)."""
        require_valid(schema_stage(API, "customer_token_status_update_request", body))
        with self.store.lock:
            self.token(token_id).set_status(TokenStatus(body["status"]))

    def suspend(self, token_id: str) -> None:
        """Suspend a token (control plane only: Klarna suspends tokens on its side)."""
        with self.store.lock:
            self.token(token_id).set_status(TokenStatus.SUSPENDED)

    def decline_next_orders(self, token_id: str, count: int) -> None:
        """Make the token's next `count` orders answer PAYMENT_METHOD_FAILED (control plane)."""
        with self.store.lock:
            self.token(token_id).queued_declines = count
