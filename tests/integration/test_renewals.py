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
    """One placed renewal per due period, each a shop order equal to exactly one token order."""
    found = ledger(app)
    store = emulator_of(server).store
    renewals = found["renewals"]
    per_subscription = Counter(row["subscription_id"] for row in renewals)
    assert per_subscription == due_periods(app, until)
    assert all(row["status"] == "placed" for row in renewals)
    periods = [(row["subscription_id"], row["period"]) for row in renewals]
    assert len(periods) == len(set(periods))
    orders = {row["id"]: row for row in found["orders"]}
    tokens = {row["id"]: row["customer_token"] for row in found["subscriptions"]}
    for row in renewals:
        order = orders[row["order_id"]]
        klarna_order = store.orders[order["klarna_order_id"]]
        assert klarna_order.order_amount == order["total_minor"] == row["amount_minor"]
        # Charged on the subscription's own token.
        token = store.customer_tokens[tokens[row["subscription_id"]]]
        assert order["klarna_order_id"] in token.order_ids
    # Each token made exactly one order per renewal of its subscriptions: none charged twice.
    for token_id, token in store.customer_tokens.items():
        charged = [row for row in renewals if tokens[row["subscription_id"]] == token_id]
        assert len(token.order_ids) == len(set(token.order_ids)) == len(charged)
    # No Klarna order without its shop order, none charged twice.
    shop_ids = Counter(order["klarna_order_id"] for order in found["orders"])
    assert set(store.orders) == set(shop_ids) and max(shop_ids.values()) == 1
    # Today's prices did not change: each subscription's renewals cost the same.
    amounts: dict[int, set[int]] = {}
    for row in renewals:
        amounts.setdefault(row["subscription_id"], set()).add(row["amount_minor"])
    assert all(len(values) == 1 for values in amounts.values())


def renew_in_processes(app: Flask, until: datetime, processes: int = 2) -> list[str]:
    """Start `processes` `flask subscriptions renew --until` commands at once; their outputs."""
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith("KLARNA_")},
        "DATABASE_URL": app.config["DATABASE_URL"],
        "KLARNA_API_URL": app.config["KLARNA_API_URL"],
        "KLARNA_USERNAME": app.config["KLARNA_USERNAME"],
        "KLARNA_PASSWORD": app.config["KLARNA_PASSWORD"],
        "SECRET_KEY": "k" * 40,
        "PUBLIC_URL": "http://127.0.0.1:5000/",
    }
    command = [sys.executable, "-m", "flask", "--app", "storefront", "subscriptions", "renew"]
    command += ["--until", until.strftime("%Y-%m-%dT%H:%M:%S")]
    runs = [
        subprocess.Popen(  # noqa: S603 - the test's own interpreter and arguments
            command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        for _ in range(processes)
    ]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert [run.returncode for run in runs] == [0] * processes, outputs
    return outputs


def move_clocks_to(server: LiveServer, moment: datetime) -> datetime:
    """Advance Klarna's (the emulator's) clock to `moment`; the shop's `renew --until` time."""
    store = emulator_of(server).store
    store.advance_clock(max((moment - store.now()).total_seconds(), 0))
    assert abs((store.now() - moment).total_seconds()) < 60
    return moment


def test_three_periods_renewed_twice_and_by_two_processes_at_once_charge_each_once(
    seeded: Flask, make_app, emulator_server: LiveServer
) -> None:
    for market, items in CHECKOUTS:
        subscribe(seeded.test_client(), emulator_server, market, items)  # type: ignore[arg-type]
    other = make_app()
    store = emulator_of(emulator_server).store
    seen = set(store.orders)
    start = datetime.now(UTC)
    for number, days in enumerate(ROUNDS):
        until = move_clocks_to(emulator_server, start + timedelta(days=days))
        if number == 0:  # two processes start the same instant, as two cron hosts would
            renew_in_processes(seeded, until)
        else:  # two app instances on two threads, released by one barrier
            run_together([partial(renew, seeded, until), partial(renew, other, until)])
        again = renew(seeded, until)  # and once more afterwards: nothing left to charge
        assert sum(again.counts.values()) == 0, again.counts
        check_ledger(seeded, emulator_server, until)
        # Klarna made this round's orders on its own (advanced) day, the shop's `until`.
        made = set(store.orders) - seen
        assert made and {store.orders[order].created_at.date() for order in made} == {until.date()}
        seen |= made
    assert sum(due_periods(seeded, start + timedelta(days=ROUNDS[-1])).values()) >= 15


def refuse_by_control(server: LiveServer, token: str, action: str, body: dict[str, int]) -> None:
    """Ask the emulator's control plane to suspend a token or decline its next orders."""
    response = control_client(server).post(
        f"/_emulator/customer-tokens/{token}/{action}", json=body
    )
    assert response.status_code == 204, response.get_json()


def cancel_at_klarna(server: LiveServer, token: str) -> None:
    """Klarna cancelled the token behind the shop's back (the shopper did, in Klarna's app)."""
    store = emulator_of(server).store
    with store.lock:
        store.customer_tokens[token].set_status(TokenStatus.CANCELLED)


# How Klarna comes to refuse the first renewal: a persona's e-mail, or the control plane.
REFUSALS = {
    "suspended at creation (persona)": ("customer+suspend-after-00@email.uk", None, "suspended"),
    "suspended later (control plane)": (
        None,
        partial(refuse_by_control, action="suspend", body={}),
        "suspended",
    ),
    "cancelled at Klarna": (None, cancel_at_klarna, "cancelled"),
    "every renewal declined (persona)": (
        "customer+renewal-declined@email.uk",
        None,
        "could not charge",
    ),
    "next renewal declined (control plane)": (
        None,
        partial(refuse_by_control, action="decline", body={"count": 1}),
        "could not charge",
    ),
}


@pytest.mark.parametrize("refusal", list(REFUSALS))
def test_a_refused_renewal_pauses_the_subscription_and_tells_the_shopper(
    seeded: Flask, emulator_server: LiveServer, refusal: str
) -> None:
    email, before_renewal, reason = REFUSALS[refusal]
    subscribe(seeded.test_client(), emulator_server, "GB", (("COF-BEAN", "WEEK:2"),), email)
    [subscription] = ledger(seeded)["subscriptions"]
    if before_renewal:
        before_renewal(emulator_server, subscription["customer_token"])
    until = datetime.now(UTC) + timedelta(days=40)
    outbox = capture_mail(seeded)
    first = renew(seeded, until)
    again = renew(seeded, until)  # no unbounded retries: a paused subscription is left alone
    [paused] = ledger(seeded)["subscriptions"]
    assert paused["status"] == "paused" and reason in paused["pause_reason"]
    assert sum(first.counts.values()) == 1 and sum(again.counts.values()) == 0
    assert [row["status"] for row in ledger(seeded)["renewals"]] == ["declined"]
    assert (
        not emulator_of(emulator_server).store.customer_tokens[paused["customer_token"]].order_ids
    )
    [message] = outbox
    body = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "paused" in message["Subject"] and reason in body


def test_a_token_klarna_suspends_after_one_renewal_pauses_and_the_shopper_reads_why(
    seeded: Flask, emulator_server: LiveServer
) -> None:
    email = "customer+suspend-after-01@email.uk"
    subscribe(seeded.test_client(), emulator_server, "GB", (("COF-BEAN", "WEEK:2"),), email)
    store = emulator_of(emulator_server).store
    start = datetime.now(UTC)
    first = renew(seeded, move_clocks_to(emulator_server, start + timedelta(days=15)))
    assert dict(first.counts) == {"order placed": 1}, first.counts
    [token] = store.customer_tokens.values()
    assert token.status is TokenStatus.SUSPENDED and len(token.order_ids) == 1
    renew(seeded, move_clocks_to(emulator_server, start + timedelta(days=29)))
    [paused] = ledger(seeded)["subscriptions"]
    assert paused["status"] == "paused" and "suspended" in paused["pause_reason"]
    assert [row["status"] for row in ledger(seeded)["renewals"]] == ["placed", "declined"]
    # The shopper finds it through order lookup: paused, and why.
    [checkout_order, _renewal_order] = ledger(seeded)["orders"]
    shopper = seeded.test_client()
    found = shopper.post_form(  # type: ignore[attr-defined]
        "/orders/lookup", {"number": checkout_order["number"], "email": email}
    )
    assert found.status_code == 302
    page = shopper.get(f"/subscriptions/{checkout_order['number']}").get_data(as_text=True)
    assert "Paused: Klarna has suspended the saved payment method." in page
    assert "Skip next delivery" not in page


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
