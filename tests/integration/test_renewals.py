"""Renewals: every due period of every subscription is charged exactly once, with equal amounts,
however often `subscriptions renew` runs, and when two runs start at the same instant."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from klarna_emulator.domain.customer_tokens import TokenStatus
from storefront.extensions import db
from storefront.klarna.customer_tokens import CustomerTokens
from storefront.klarna.errors import error_for_response
from storefront.plans import Plan
from storefront.subscription_models import Subscription
from tests.support.concurrency import run_together
from tests.support.live_server import LiveServer
from tests.support.outbox import capture_mail
from tests.support.payment_flow import control_client, emulator_of
from tests.support.subscriptions import ledger, renew, subscribe

CHECKOUTS = (
    ("GB", (("COF-BEAN", "WEEK:2"),)),
    ("DE", (("MAG-FLD", "MONTH:1"),)),
    ("US", (("COF-BEAN", "WEEK:4"), ("MAG-FLD", "MONTH:1"))),
    ("SE", (("TEA-CLUB", "MONTH:1"),)),
)
ROOT = Path(__file__).resolve().parents[2]
# Three renewal rounds, each past one more month: every plan has at least one period due.
ROUNDS = (31, 62, 93)


def due_periods(app: Flask, until: datetime) -> Counter[int]:
    """How many periods of each subscription fall due by `until`."""
    with app.app_context():
        due: Counter[int] = Counter()
        for subscription in db.session.scalars(sa.select(Subscription)):
            plan = Plan.parse(subscription.plan)
            period = 1
            while plan.renewal_date(subscription.starts_on, period) <= until.date():
                due[subscription.id] += 1
                period += 1
        return due


def check_ledger(app: Flask, server: LiveServer, until: datetime) -> None:
    """One placed renewal per due period, each a shop order equal to exactly one Klarna order."""
    found = ledger(app)
    store = emulator_of(server).store
    renewals = found["renewals"]
    per_subscription = Counter(row["subscription_id"] for row in renewals)
    assert per_subscription == due_periods(app, until)
    assert all(row["status"] == "placed" for row in renewals)
    periods = [(row["subscription_id"], row["period"]) for row in renewals]
    assert len(periods) == len(set(periods))
    orders = {row["id"]: row for row in found["orders"]}
    for row in renewals:
        order = orders[row["order_id"]]
        klarna_order = store.orders[order["klarna_order_id"]]
        assert klarna_order.order_amount == order["total_minor"] == row["amount_minor"]
    # No Klarna order without its shop order, none charged twice.
    shop_ids = Counter(order["klarna_order_id"] for order in found["orders"])
    assert set(store.orders) == set(shop_ids) and max(shop_ids.values()) == 1
    # Today's prices did not change: each subscription's renewals cost the same.
    amounts: dict[int, set[int]] = {}
    for row in renewals:
        amounts.setdefault(row["subscription_id"], set()).add(row["amount_minor"])
    assert all(len(values) == 1 for values in amounts.values())


def test_renewing_twice_per_period_and_twice_at_once_charges_each_period_once(
    seeded: Flask, make_app, emulator_server: LiveServer
) -> None:
    for market, items in CHECKOUTS:
        subscribe(seeded.test_client(), emulator_server, market, items)  # type: ignore[arg-type]
    other = make_app()
    start = datetime.now(UTC)
    for days in ROUNDS:
        until = start + timedelta(days=days)
        run_together([partial(renew, seeded, until), partial(renew, other, until)])
        renew(seeded, until)  # and once more afterwards: nothing left to charge
        check_ledger(seeded, emulator_server, until)
    assert sum(due_periods(seeded, start + timedelta(days=ROUNDS[-1])).values()) >= 15


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("TOKEN_SUSPENDED", "suspended"),
        ("TOKEN_CANCELED", "cancelled"),
        ("PAYMENT_METHOD_FAILED", "could not charge"),
    ],
)
def test_a_refused_renewal_pauses_the_subscription_and_tells_the_shopper(
    seeded: Flask, emulator_server: LiveServer, monkeypatch, code: str, reason: str
) -> None:
    subscribe(seeded.test_client(), emulator_server, "GB", (("COF-BEAN", "WEEK:2"),))
    [subscription] = ledger(seeded)["subscriptions"]
    token = subscription["customer_token"]
    control = control_client(emulator_server)
    if code == "TOKEN_SUSPENDED":
        assert (
            control.post(f"/_emulator/customer-tokens/{token}/suspend", json={}).status_code < 300
        )
    elif code == "TOKEN_CANCELED":
        store = emulator_of(emulator_server).store
        with store.lock:
            store.customer_tokens[token].set_status(TokenStatus.CANCELLED)
    else:
        # The emulator has no persona whose renewal fails yet: Klarna's answer, as typed.
        refused = error_for_response(
            operation="create_token_order",
            api_url=emulator_server.url,
            status=403,
            error_code=code,
            error_messages=["Payment method failed"],
            correlation_id="c-1",
        )

        def refuse(*args: object, **kwargs: object) -> None:
            raise refused

        monkeypatch.setattr(CustomerTokens, "create_order", refuse)
    until = datetime.now(UTC) + timedelta(days=40)
    outbox = capture_mail(seeded)
    first = renew(seeded, until)
    again = renew(seeded, until)  # no unbounded retries: a paused subscription is left alone
    [paused] = ledger(seeded)["subscriptions"]
    assert paused["status"] == "paused" and reason in paused["pause_reason"]
    assert sum(first.counts.values()) == 1 and sum(again.counts.values()) == 0
    assert [row["status"] for row in ledger(seeded)["renewals"]] == ["declined"]
    [message] = outbox
    body = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "paused" in message["Subject"] and reason in body


def test_the_renew_command_charges_due_periods_and_says_what_it_did(
    seeded: Flask, emulator_server: LiveServer
) -> None:
    subscribe(seeded.test_client(), emulator_server, "SE", (("COF-BEAN", "WEEK:4"),))
    until = (datetime.now(UTC) + timedelta(days=60)).strftime("%Y-%m-%d")
    runner = seeded.test_cli_runner()
    first = runner.invoke(args=["subscriptions", "renew", "--until", until])
    again = runner.invoke(args=["subscriptions", "renew", "--until", until])
    assert first.exit_code == again.exit_code == 0, first.output
    assert "order placed: 2" in first.output
    assert "0 handled" in again.output
    assert [row["period"] for row in ledger(seeded)["renewals"]] == [1, 2]
    refused = runner.invoke(args=["subscriptions", "renew", "--until", "next tuesday"])
    assert refused.exit_code == 2 and "Traceback" not in refused.output


def test_two_renew_processes_at_once_charge_each_period_once(
    seeded: Flask, emulator_server: LiveServer
) -> None:
    for market, items in CHECKOUTS[:3]:
        subscribe(seeded.test_client(), emulator_server, market, items)  # type: ignore[arg-type]
    until = datetime.now(UTC) + timedelta(days=45)
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith("KLARNA_")},
        "DATABASE_URL": seeded.config["DATABASE_URL"],
        "KLARNA_API_URL": seeded.config["KLARNA_API_URL"],
        "KLARNA_USERNAME": seeded.config["KLARNA_USERNAME"],
        "KLARNA_PASSWORD": seeded.config["KLARNA_PASSWORD"],
        "SECRET_KEY": "k" * 40,
        "PUBLIC_URL": "http://127.0.0.1:5000/",
    }
    command = [sys.executable, "-m", "flask", "--app", "storefront", "subscriptions", "renew"]
    command += ["--until", until.strftime("%Y-%m-%dT%H:%M:%S")]
    runs = [
        subprocess.Popen(  # noqa: S603 - the test's own interpreter and arguments
            command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    check_ledger(seeded, emulator_server, until)
    assert len(ledger(seeded)["renewals"]) >= 4, outputs
