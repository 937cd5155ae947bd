"""Customer-token calls under every fault: no token lost unnoticed, no period charged twice.

For each fault (as in test_reliability: a 500, a 503, an answer after the timeout, a
connection dropped before Klarna acted, an answer lost after Klarna acted, three 503s) on
create-customer-token (at checkout) and on the token order (a renewal), a subscription is
bought or renewed through the emulator, then continued as the shop would (the next
`subscriptions renew` run settles what was left). Afterwards the shop is checked against
Klarna: a Klarna token the shop neither stored nor flagged is lost; a second Klarna order
for one period is a double charge; a Klarna order without a shop order is an orphan. All
three must be 0. A token Klarna made whose answer never arrived cannot be read back
(Klarna has no lookup by authorization); the shop would pause the subscription and tell the
shopper, and the table counts those as "unknown". The emulator answers the identical repeat
of create-customer-token with the token it made, so that count must be 0 too. The module
prints the table.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from storefront.extensions import db
from storefront.seed import seed_demo_data
from storefront.subscription_models import Renewal, TokenClaim
from tests.integration.test_reliability import FAULTS, TIMEOUT_SECONDS
from tests.support.live_server import LiveServer
from tests.support.outbox import capture_mail
from tests.support.payment_flow import add_fault, emulator_of
from tests.support.report import markdown_table, print_after_tests
from tests.support.subscriptions import ledger, renew, subscribe

ITEMS = (("COF-BEAN", "WEEK:2"),)
OPERATIONS = ("create_customer_token", "create_token_order")
ONE_PERIOD = timedelta(days=15)


@dataclass(frozen=True)
class Row:
    """One cell of the table."""

    operation: str
    fault: str
    outcome: str
    lost: int
    unknown: int
    double_charges: int
    orphans: int


ROWS: list[Row] = []


@pytest.fixture(scope="module", autouse=True)
def print_table(request: pytest.FixtureRequest) -> Iterator[None]:
    """After the module: print the fault x operation table."""
    yield
    ordered = sorted(ROWS, key=lambda r: (OPERATIONS.index(r.operation), r.fault))
    headers = ["Klarna call", "Fault", "Outcome", "Lost tokens"]
    headers += ["Unknown tokens (shopper told)", "Double charges", "Orphan orders"]
    lines = markdown_table(
        headers,
        [
            [f"`{r.operation}`", r.fault, r.outcome, r.lost, r.unknown, r.double_charges, r.orphans]
            for r in ordered
        ],
    )
    if ROWS:
        print_after_tests(request, lines)


@pytest.fixture
def shop(make_app: Callable[..., Flask]) -> Flask:
    """A seeded storefront whose Klarna calls time out after TIMEOUT_SECONDS."""
    app = make_app(KLARNA_TIMEOUT_SECONDS=TIMEOUT_SECONDS)
    with app.app_context():
        seed_demo_data()
    return app


def let_leases_run_out(app: Flask) -> None:
    """Let the time pass after which the next run may send a held claim again."""
    past = datetime.now(UTC) - timedelta(seconds=1)
    with app.app_context():
        db.session.execute(sa.update(TokenClaim).values(claim_expires_at=past))
        db.session.execute(sa.update(Renewal).values(claim_expires_at=past))
        db.session.commit()


def token_under(app: Flask, server: LiveServer, fault: dict[str, Any]) -> str:
    """Buy a subscription while create-customer-token fails; later runs settle it."""
    outbox = capture_mail(app)
    add_fault(server, "create_customer_token", **fault)
    subscribe(app.test_client(), server, "GB", ITEMS)  # type: ignore[arg-type]
    runs = 0
    while ledger(app)["subscriptions"][0]["status"] == "pending" and runs < 4:
        let_leases_run_out(app)
        renew(app, datetime.now(UTC))  # a run settles stalled token claims first
        runs += 1
    [subscription] = ledger(app)["subscriptions"]
    # The identical repeat gets the token Klarna made: nothing paused, nobody e-mailed.
    assert subscription["status"] == "active", subscription
    assert not any("paused" in message["Subject"] for message in outbox)
    return "absorbed (sent again at once)" if runs == 0 else f"settled by {runs} later run(s)"


def renewal_under(app: Flask, server: LiveServer, fault: dict[str, Any]) -> str:
    """Renew a subscription while the token order fails; later runs settle the period."""
    subscribe(app.test_client(), server, "GB", ITEMS)  # type: ignore[arg-type]
    until = datetime.now(UTC) + ONE_PERIOD
    add_fault(server, "create_token_order", **fault)
    report = renew(app, until)
    runs = 0
    while any(row["status"] == "placing" for row in ledger(app)["renewals"]) and runs < 6:
        let_leases_run_out(app)
        renew(app, until)
        runs += 1
    [renewal] = ledger(app)["renewals"]
    assert renewal["status"] == "placed", renewal
    if runs == 0:
        return "absorbed (retried with the same idempotency key)"
    return f"{next(iter(report.counts))}; placed by run {runs + 1} (same key)"


def counts(app: Flask, server: LiveServer) -> tuple[int, int, int, int]:
    """(lost tokens, unknown tokens, double charges, orphan orders) against Klarna."""
    store = emulator_of(server).store
    found = ledger(app)
    stored = {row["customer_token"] for row in found["subscriptions"]} - {None}
    with app.app_context():
        flagged = db.session.scalar(
            sa.select(sa.func.count()).where(TokenClaim.detail == "token made, answer lost")
        )
    unknown_tokens = len(set(store.customer_tokens) - stored)
    lost = max(unknown_tokens - (flagged or 0), 0)
    shop_orders = {row["klarna_order_id"] for row in found["orders"]}
    orphans = len(set(store.orders) - shop_orders)
    # One order number per checkout and per renewal period: Klarna orders beyond one are doubles.
    per_number = Counter(order.purchase["merchant_reference1"] for order in store.orders.values())
    double = sum(count - 1 for count in per_number.values())
    return lost, min(unknown_tokens, flagged or 0), double, orphans


SCENARIOS = {"create_customer_token": token_under, "create_token_order": renewal_under}


@pytest.mark.parametrize("fault", list(FAULTS))
@pytest.mark.parametrize("operation", OPERATIONS)
def test_fault_on_a_token_call_loses_and_doubles_nothing(
    shop: Flask, emulator_server: LiveServer, operation: str, fault: str
) -> None:
    outcome = SCENARIOS[operation](shop, emulator_server, FAULTS[fault])
    lost, unknown, double, orphans = counts(shop, emulator_server)
    ROWS.append(Row(operation, fault, outcome, lost, unknown, double, orphans))
    assert (lost, unknown, double, orphans) == (0, 0, 0, 0)
