"""Every merchant action under every fault: applied once, and the shop's totals equal Klarna's.

For each Order Management write the back office sends (capture, refund, cancel, release,
extend) and each fault (a 500, a 503, an answer slower than the timeout, a connection dropped
before Klarna acted, an answer lost after Klarna acted, once or on every attempt), one order
is placed, the fault is set on that Klarna operation, and the action is asked for, then asked
for again if Klarna left its outcome unknown, as the merchant would. Afterwards Klarna's
order must show each capture and refund once, and the shop the same totals. Runs on SQLite,
and on PostgreSQL with TEST_DATABASE_URL. The module prints the table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask

from storefront.seed import seed_demo_data
from storefront.services import authorization_actions, captures, refunds
from storefront.services.order_action_errors import ActionOutcomeUnknown
from tests.support.live_server import LiveServer
from tests.support.order_management import (
    in_app,
    klarna_order_of,
    klarna_totals,
    placed_order,
    shop_settlements,
    shop_totals,
)
from tests.support.payment_flow import add_fault
from tests.support.report import print_after_tests

TIMEOUT_SECONDS = 0.5
SLOW_ANSWER_MS = 1500
FAULTS: dict[str, dict[str, Any]] = {
    "HTTP 500": {"status": 500},
    "HTTP 503": {"status": 503},
    "answer after the timeout": {"delay_ms": SLOW_ANSWER_MS},
    "connection dropped": {"drop": True},
    "answer lost (Klarna acted, then the connection dropped)": {"drop_answer": True},
    # The client gives up (3 attempts): only the stored key keeps the merchant's retry single.
    "answer lost on all 3 attempts": {"drop_answer": True, "count": 3},
}


@dataclass(frozen=True)
class Scenario:
    """How to bring an order to the action, the emulator operation to fault, and the action."""

    operation: str
    prepare: Callable[[str], Any]
    act: Callable[[str], Any]
    captures: int  # how many captures Klarna's order must show afterwards
    refunds: int


SCENARIOS = {
    "capture": Scenario("create_capture", lambda n: None, captures.capture, 1, 0),
    "refund": Scenario("create_refund", captures.capture, refunds.refund, 1, 1),
    "cancel": Scenario("cancel_order", lambda n: None, authorization_actions.cancel, 0, 0),
    "release": Scenario(
        "release_remaining_authorization",
        lambda n: captures.capture(n, {0: 1}),
        authorization_actions.release_remaining_authorization,
        1,
        0,
    ),
    "extend": Scenario(
        "extend_authorization_time",
        lambda n: None,
        authorization_actions.extend_authorization_time,
        0,
        0,
    ),
}


@dataclass(frozen=True)
class Row:
    """One cell of the table."""

    action: str
    fault: str
    outcome: str
    double_captures: int
    double_refunds: int
    totals_equal: bool


ROWS: list[Row] = []


@pytest.fixture(scope="module", autouse=True)
def print_table(request: pytest.FixtureRequest) -> Iterator[None]:
    """After the module: print the action x fault table."""
    yield
    if not ROWS:
        return
    lines = [
        "| Action | Fault | Outcome | Double captures | Double refunds | Totals equal Klarna's |",
        "|---|---|---|---|---|---|",
    ]
    order = list(SCENARIOS)
    lines += [
        f"| {row.action} | {row.fault} | {row.outcome} | {row.double_captures} "
        f"| {row.double_refunds} | {'yes' if row.totals_equal else 'NO'} |"
        for row in sorted(ROWS, key=lambda row: (order.index(row.action), row.fault))
    ]
    print_after_tests(request, lines)


@pytest.fixture
def shop(make_app: Callable[..., Flask]) -> Flask:
    """A seeded storefront whose Klarna calls time out after TIMEOUT_SECONDS."""
    app = make_app(KLARNA_TIMEOUT_SECONDS=TIMEOUT_SECONDS)
    with app.app_context():
        seed_demo_data()
    return app


@pytest.mark.parametrize("fault", list(FAULTS))
@pytest.mark.parametrize("action", list(SCENARIOS))
def test_fault_on_an_order_action_moves_money_once(
    shop: Flask, emulator_server: LiveServer, action: str, fault: str
) -> None:
    scenario = SCENARIOS[action]
    number = placed_order(shop, emulator_server)
    in_app(shop, scenario.prepare, number)
    add_fault(emulator_server, scenario.operation, **FAULTS[fault])

    try:
        in_app(shop, scenario.act, number)
        outcome = "absorbed (the client retried with the same key)"
    except ActionOutcomeUnknown:
        in_app(shop, scenario.act, number)  # the merchant presses the button again
        outcome = "merchant told to retry; the retry sent the same key"

    klarna = klarna_order_of(shop, emulator_server, number)
    doubles = (len(klarna.captures) - scenario.captures, len(klarna.refunds) - scenario.refunds)
    equal = shop_totals(shop, number) == klarna_totals(shop, emulator_server, number)
    ROWS.append(Row(action, fault, outcome, *doubles, equal))
    assert doubles == (0, 0)
    assert equal
    assert shop_settlements(shop, number) == (scenario.captures, scenario.refunds)
