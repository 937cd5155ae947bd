"""The Payments domain without HTTP: what the JS SDK calls (token, load, authorize, finalize)."""

from __future__ import annotations

import base64
import json

import pytest

from klarna_emulator.clock import Clock
from klarna_emulator.config import Settings
from klarna_emulator.domain.sdk_errors import InvalidClientToken, PaymentMethodCategoryNotSupported
from klarna_emulator.emulator import Emulator
from klarna_emulator.errors import InvalidSessionId, SessionCompleted
from tests.support.emulator_flows import FROZEN_AT, TEST_SETTINGS
from tests.support.klarna_examples import gb_cart, se_session, shopper_gb

BASE_URL = "http://127.0.0.1:5001"


@pytest.fixture
def emulator() -> Emulator:
    """An emulator with no Flask app around it."""
    return Emulator(Settings.from_config(TEST_SETTINGS), Clock(frozen_at=FROZEN_AT))


def test_client_token_carries_the_session_and_leads_back_to_it(emulator: Emulator) -> None:
    created = emulator.payments.create_session(gb_cart(), BASE_URL)

    session = emulator.payments.session_from_client_token(created["client_token"])

    assert session.session_id == created["session_id"]
    payload = created["client_token"].split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert claims == {
        "session_id": created["session_id"],
        "base_url": BASE_URL,
        "design": "klarna",
        "language": "en",
        "purchase_country": "GB",
        "environment": "playground",
        "merchant_name": "Emulator Demo Merchant",
        "session_type": "PAYMENTS",
        "trace_flow": False,
        "experiments": [],
    }


@pytest.mark.parametrize("token", ["not-a-jwt", "a.b.c", ""])
def test_foreign_client_tokens_are_refused(emulator: Emulator, token: str) -> None:
    with pytest.raises(InvalidClientToken):
        emulator.payments.session_from_client_token(token)


def test_a_tampered_client_token_is_refused(emulator: Emulator) -> None:
    token = emulator.payments.create_session(gb_cart(), BASE_URL)["client_token"]
    header, payload, signature = token.split(".")

    with pytest.raises(InvalidClientToken):
        emulator.payments.session_from_client_token(f"{header}.{payload}x.{signature}")


def test_a_client_token_of_an_expired_session_leads_nowhere(emulator: Emulator) -> None:
    token = emulator.payments.create_session(gb_cart(), BASE_URL)["client_token"]
    emulator.store.advance_clock(48 * 3600)

    with pytest.raises(InvalidSessionId):
        emulator.payments.session_from_client_token(token)


def test_a_second_authorization_supersedes_the_first(emulator: Emulator) -> None:
    payments = emulator.payments
    session = payments.session_from_client_token(
        payments.create_session(gb_cart(), BASE_URL)["client_token"]
    )

    first = payments.authorize(session, {"billing_address": shopper_gb()}, "pay_later")
    second = payments.authorize(session, {}, "pay_later")

    tokens = emulator.store.authorizations
    assert tokens[first["authorization_token"]].status == "superseded"
    assert tokens[second["authorization_token"]].status == "active"
    assert session.authorization_token == second["authorization_token"]


def test_authorize_refuses_a_category_the_session_does_not_offer(emulator: Emulator) -> None:
    payments = emulator.payments
    session = payments.live_session(payments.create_session(gb_cart(), BASE_URL)["session_id"])

    with pytest.raises(PaymentMethodCategoryNotSupported):
        payments.authorize(session, {"billing_address": shopper_gb()}, "pay_now")


def test_offered_categories_follow_market_amount_and_mode(emulator: Emulator) -> None:
    payments = emulator.payments
    small = payments.live_session(payments.create_session(gb_cart(), BASE_URL)["session_id"])
    swedish = payments.live_session(payments.create_session(se_session(), BASE_URL)["session_id"])
    single = Emulator(Settings.from_config({"CATEGORY_MODE": "klarna"}))
    modern = single.payments.live_session(
        single.payments.create_session(gb_cart(), BASE_URL)["session_id"]
    )

    assert payments.offered_categories(small) == ["pay_later"]
    assert payments.offered_categories(swedish) == ["pay_now", "pay_later"]
    assert single.payments.offered_categories(modern) == ["klarna"]


def test_finalize_turns_a_finalize_required_answer_into_a_token(emulator: Emulator) -> None:
    payments = emulator.payments
    session = payments.live_session(payments.create_session(se_session(), BASE_URL)["session_id"])
    shopper = {"billing_address": {"email": "customer@email.se", "country": "SE"}}

    pending = payments.authorize(session, shopper, "pay_now", auto_finalize=False)
    finalized = payments.finalize(session, {}, "pay_now")

    assert pending == {"approved": True, "show_form": True, "finalize_required": True}
    assert finalized["authorization_token"] in emulator.store.authorizations


def test_load_and_authorize_refuse_a_completed_session(emulator: Emulator) -> None:
    payments = emulator.payments
    session = payments.live_session(payments.create_session(gb_cart(), BASE_URL)["session_id"])
    token = payments.authorize(session, {"billing_address": shopper_gb()}, "pay_later")[
        "authorization_token"
    ]
    emulator.order_placement.create_order(token, gb_cart(), BASE_URL)

    with pytest.raises(SessionCompleted):
        payments.load(session, "pay_later")
    with pytest.raises(SessionCompleted):
        payments.authorize(session, {}, "pay_later")
