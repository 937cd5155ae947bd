"""The playground's magic e-mail table."""

from __future__ import annotations

import pytest

from klarna_emulator.scenarios import Decision, FraudEvent, PendingDecision, scenario_for


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
        ("customer+pend-accept-5@email.us", Decision.APPROVE, None),  # NN is two digits
        ("customer+new_user@email.de", Decision.APPROVE, None),
        ("someone+newsletter@email.de", Decision.APPROVE, None),
    ],
)
def test_scenario_for_email(
    email: str | None, decision: Decision, pending: PendingDecision | None
) -> None:
    scenario = scenario_for(email)

    assert (scenario.decision, scenario.pending) == (decision, pending)
