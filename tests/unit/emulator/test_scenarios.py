"""The playground's magic e-mail table."""

from __future__ import annotations

import pytest

from klarna_emulator.clock import Clock
from klarna_emulator.config import Settings
from klarna_emulator.emulator import Emulator
from klarna_emulator.scenarios import (
    Decision,
    FraudEvent,
    PendingDecision,
    TokenPersona,
    scenario_for,
    token_persona,
)
from storefront.klarna.playground_shoppers import SAMPLE_EMAILS, Outcome, playground_shoppers
from tests.support.emulator_flows import FROZEN_AT, TEST_SETTINGS
from tests.support.klarna_examples import gb_cart, shopper_gb


@pytest.mark.parametrize(
    ("email", "decision", "pending"),
    [
        ("customer@email.us", Decision.APPROVE, None),
        (None, Decision.APPROVE, None),
        ("customer+denied@email.us", Decision.DENY, None),
        ("Customer+DENIED@email.us", Decision.DENY, None),
        ("customer+red@email.uk", Decision.HIDE_FORM, None),
        ("customer+reject_reason_under_age@email.us", Decision.DENY, None),
        (
            "customer+pend-accept-05@email.us",
            Decision.APPROVE,
            PendingDecision(FraudEvent.ACCEPTED, 5),
        ),
        (
            "customer+pend-reject-99@email.uk",
            Decision.APPROVE,
            PendingDecision(FraudEvent.REJECTED, 99),
        ),
        # One digit means the same minutes as two: -5 is -05.
        (
            "customer+pend-accept-5@email.us",
            Decision.APPROVE,
            PendingDecision(FraudEvent.ACCEPTED, 5),
        ),
        (
            "customer+pend-reject-5@email.uk",
            Decision.APPROVE,
            PendingDecision(FraudEvent.REJECTED, 5),
        ),
        (
            "customer+pend-reject-00@email.uk",
            Decision.APPROVE,
            PendingDecision(FraudEvent.REJECTED, 0),
        ),
        ("customer+new_user@email.de", Decision.APPROVE, None),
        ("someone+newsletter@email.de", Decision.APPROVE, None),
    ],
)
def test_scenario_for_email(
    email: str | None, decision: Decision, pending: PendingDecision | None
) -> None:
    scenario = scenario_for(email)

    assert (scenario.decision, scenario.pending) == (decision, pending)


@pytest.mark.parametrize(
    "tag",
    ["pend-accept-x", "pend-maybe-05", "pend-accept-100", "pend-accept-", "pend-acept-05", "pend-"],
)
def test_a_malformed_pending_tag_is_unreadable_not_a_normal_shopper(tag: str) -> None:
    assert scenario_for(f"customer+{tag}@email.us").decision is Decision.UNREADABLE


@pytest.mark.parametrize(
    ("email", "persona"),
    [
        ("customer@email.uk", TokenPersona()),
        (None, TokenPersona()),
        ("customer+suspend-after-03@email.uk", TokenPersona(suspend_after=3)),
        ("customer+suspend-after-0@email.uk", TokenPersona(suspend_after=0)),
        ("customer+renewal-declined@email.uk", TokenPersona(declines_renewals=True)),
        ("Customer+RENEWAL-DECLINED@email.uk", TokenPersona(declines_renewals=True)),
        (
            "customer+renewal-declined+suspend-after-12@email.uk",
            TokenPersona(suspend_after=12, declines_renewals=True),
        ),
    ],
)
def test_token_persona_for_email(email: str | None, persona: TokenPersona) -> None:
    assert token_persona(email) == persona


@pytest.mark.parametrize(
    "email",
    ["customer+suspend-after-03@email.uk", "customer+renewal-declined+pend-accept-05@email.uk"],
)
def test_token_tags_approve_the_checkout(email: str) -> None:
    assert scenario_for(email).decision is Decision.APPROVE


@pytest.mark.parametrize(
    "tag", ["suspend-after-x", "suspend-after-100", "suspend-after-", "suspend-after"]
)
def test_a_malformed_suspend_tag_is_unreadable_not_a_normal_shopper(tag: str) -> None:
    assert scenario_for(f"customer+{tag}@email.uk").decision is Decision.UNREADABLE


def test_the_purchase_flow_refuses_an_unreadable_tag_as_an_invalid_email() -> None:
    emulator = Emulator(Settings.from_config(TEST_SETTINGS), Clock(frozen_at=FROZEN_AT))
    session_id = emulator.payments.create_session(gb_cart(), "http://127.0.0.1:5001")["session_id"]
    session = emulator.payments.live_session(session_id)
    shopper = {**shopper_gb(), "email": "customer+pend-reject-x5@email.uk"}

    result = emulator.payments.authorize(session, {"billing_address": shopper}, "pay_later")

    assert result == {
        "approved": False,
        "show_form": True,
        "error": {"invalid_fields": ["billing_address.email"]},
    }
    assert emulator.store.authorizations == {}


@pytest.mark.parametrize("country", sorted(SAMPLE_EMAILS))
def test_every_shopper_the_shop_lists_gets_its_outcome_from_the_emulator(country: str) -> None:
    # The shop's "Test data" box (storefront/klarna/playground_shoppers.py) promises what the
    # emulator's table decides; the two must not drift apart.
    no_persona = TokenPersona()
    expected = {
        Outcome.APPROVED: (Decision.APPROVE, None, no_persona),
        Outcome.DECLINED: (Decision.DENY, None, no_persona),
        Outcome.HELD_THEN_ACCEPTED: (
            Decision.APPROVE,
            PendingDecision(FraudEvent.ACCEPTED, 5),
            no_persona,
        ),
        Outcome.HELD_THEN_REJECTED: (
            Decision.APPROVE,
            PendingDecision(FraudEvent.REJECTED, 5),
            no_persona,
        ),
        Outcome.FORM_HIDDEN: (Decision.HIDE_FORM, None, no_persona),
        # Approved today; the saved payment method is suspended after the first renewal.
        Outcome.TOKEN_SUSPENDED: (Decision.APPROVE, None, TokenPersona(suspend_after=1)),
        Outcome.RENEWALS_DECLINED: (Decision.APPROVE, None, TokenPersona(declines_renewals=True)),
    }
    shoppers = playground_shoppers(country, subscriptions=True)
    listed = {shopper.outcome for shopper in shoppers}
    assert {Outcome.TOKEN_SUSPENDED, Outcome.RENEWALS_DECLINED} <= listed
    for shopper in shoppers:
        scenario = scenario_for(shopper.email)
        found = (scenario.decision, scenario.pending, token_persona(shopper.email))
        assert found == expected[shopper.outcome], shopper.email


@pytest.mark.parametrize("country", sorted(SAMPLE_EMAILS))
def test_the_subscription_shoppers_are_listed_only_for_a_cart_with_a_subscription(
    country: str,
) -> None:
    plain = {shopper.outcome for shopper in playground_shoppers(country)}
    subscribing = {shopper.outcome for shopper in playground_shoppers(country, subscriptions=True)}
    assert subscribing - plain == {Outcome.TOKEN_SUSPENDED, Outcome.RENEWALS_DECLINED}
