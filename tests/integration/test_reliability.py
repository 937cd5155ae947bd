"""Every Klarna call the shop makes, under every fault: a defined outcome, nothing lost or doubled.

For each fault (a 500, a 503, an answer slower than the shop's timeout, a connection dropped
before Klarna acted, an answer lost after Klarna acted, an outage of three calls) and each
Klarna operation the shop calls, one checkout is driven through
the emulator with that fault on that operation, then continued the way a shopper (reload, try
again, look at the order page) or Klarna (repeat its callback) would. Afterwards the shop's
orders are checked against Klarna's: a Klarna order without a settled shop order is lost, a
second order for one cart is a duplicate; both must be 0, and no page may answer 500. The
module prints the table; docs/reliability.md ("Every fault, every Klarna call") copies it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask, Response

from klarna_emulator.domain.authorizations import AuthorizationStatus
from storefront.extensions import db
from storefront.models import Order, OrderStatus, Payment
from storefront.seed import seed_demo_data
from tests.support.client import ShopClient
from tests.support.live_server import LiveServer
from tests.support.payment_flow import (
    JSON_HEADERS,
    add_fault,
    authorize,
    callback,
    callback_body,
    decide_pending_orders,
    emulator_of,
    last_request_id,
    place,
    widget_state,
)
from tests.support.report import markdown_table, print_after_tests
from tests.support.shopping import add, complete_checkout, details_form, switch_market

# The shop's read timeout here, and an emulated answer that takes longer than it.
TIMEOUT_SECONDS = 0.5
SLOW_ANSWER_MS = 1500
FAULTS: dict[str, dict[str, Any]] = {
    "HTTP 500": {"status": 500},
    "HTTP 503": {"status": 503},
    "answer after the timeout": {"delay_ms": SLOW_ANSWER_MS},
    "connection dropped": {"drop": True},
    "answer lost (Klarna acted, then the connection dropped)": {"drop_answer": True},
    "down for 3 calls (HTTP 503)": {"status": 503, "count": 3},
}
SETTLED = (OrderStatus.PAID, OrderStatus.ON_HOLD)
MARKET = "GB"
ITEM = "TEE-ORG"
RECOVERY_ROUNDS = 4


@dataclass(frozen=True)
class Row:
    """One cell of the table: what happened, and the ledger afterwards."""

    operation: str
    fault: str
    outcome: str
    lost: int
    duplicates: int
    server_errors: int


ROWS: list[Row] = []


@pytest.fixture(scope="module", autouse=True)
def print_table(request: pytest.FixtureRequest) -> Iterator[None]:
    """After the module: print the fault x operation table (docs/reliability.md copies it)."""
    yield
    if ROWS:
        print_after_tests(request, table_lines(ROWS))


def table_lines(rows: list[Row]) -> list[str]:
    """The table as Markdown lines, in operation then fault order."""
    ordered = sorted(rows, key=lambda row: (OPERATIONS.index(row.operation), row.fault))
    return markdown_table(
        ["Klarna call", "Fault", "Outcome", "Lost orders", "Duplicate orders", "500 pages"],
        [
            [f"`{r.operation}`", r.fault, r.outcome, r.lost, r.duplicates, r.server_errors]
            for r in ordered
        ],
    )


class Shop:
    """A storefront with a short Klarna timeout, its shopper, and every status it answered."""

    def __init__(self, app: Flask, emulator: LiveServer) -> None:
        self.app = app
        self.emulator = emulator
        self.statuses: list[int] = []
        app.after_request(self._count)
        self.shopper: ShopClient = app.test_client()  # type: ignore[assignment]

    def _count(self, response: Response) -> Response:
        self.statuses.append(response.status_code)
        return response

    def fault_next(self, operation: str, fault: dict[str, Any]) -> int:
        """Make the next call of `operation` fail; the request-log position before it."""
        add_fault(self.emulator, operation, **fault)
        return last_request_id(self.emulator)

    def fill_cart(self, **details: str) -> None:
        """Add an item and complete the checkout steps (persona `details` replaced)."""
        switch_market(self.shopper, MARKET)
        add(self.shopper, ITEM)
        complete_checkout(self.shopper, MARKET)
        if details:
            self.shopper.post_form("/checkout/details", details_form(MARKET, **details))

    def payment_page(self) -> str:
        """Open the payment page; its HTML."""
        page = self.shopper.get("/checkout/payment")
        assert page.status_code == 200
        return page.get_data(as_text=True)

    def widget(self) -> dict[str, Any]:
        """Open the payment page, reloading while it says Klarna is unavailable; its state."""
        return widget_state(self.shopper.get(f"/checkout/payment?reloads={self.reloads()}"))

    def reloads(self) -> int:
        """Reload the payment page until it shows the widget; how many loads said try again."""
        for load in range(RECOVERY_ROUNDS):
            if "klarna-widget-state" in self.payment_page():
                return load
        raise AssertionError(f"no widget after {RECOVERY_ROUNDS} loads")

    def edit_quantity(self, quantity: int) -> dict[str, Any]:
        """Change the item's quantity on the payment page, as checkout.js does."""
        response = self.shopper.post_form(
            f"/checkout/payment/items/{ITEM}/quantity",
            {"quantity": str(quantity)},
            headers=JSON_HEADERS,
        )
        assert response.status_code == 200
        answer: dict[str, Any] = response.get_json()
        return answer

    def buy(self, state: dict[str, Any]) -> tuple[dict[str, Any], str]:
        """Authorize in the widget and press Buy; the authorization and where Buy landed."""
        authorized = authorize(self.emulator, state)
        response = place(self.shopper, state, authorized["authorization_token"])
        assert response.status_code == 303
        return authorized, response.headers["Location"]

    def order(self) -> Order | None:
        """The shop's only order, if any, detached."""
        with self.app.app_context():
            order = db.session.scalars(sa.select(Order)).one_or_none()
            if order is not None:
                db.session.expunge(order)
            return order

    def revisit_order_page_until_settled(self, number: str) -> int:
        """Look at the order page as its refresh does, letting the hand-over delay pass."""
        for visit in range(1, RECOVERY_ROUNDS + 1):
            order = self.order()
            if order is None or order.status != OrderStatus.PLACING:
                return visit - 1
            with self.app.app_context():
                past = datetime.now(UTC) - timedelta(seconds=1)
                db.session.execute(sa.update(Order).values(claim_expires_at=past))
                db.session.commit()
            assert self.shopper.get(f"/orders/{number}").status_code == 200
        return RECOVERY_ROUNDS

    def callback_key(self) -> str:
        """The payment's callback secret (in the URL Klarna was given)."""
        with self.app.app_context():
            key = db.session.scalars(sa.select(Payment.callback_secret)).one()
            assert key
            return key


def create_session_under(shop: Shop, fault: dict[str, Any]) -> str:
    """The payment page opens while create session fails."""
    shop.fill_cart()
    shop.fault_next("create_session", fault)
    told = shop.reloads()
    shop.buy(shop.widget())
    if told:
        return f"payment page says Klarna is unavailable, try again; shown after {told} reload(s)"
    return "absorbed (the shop retried the call)"


def session_edit_under(operation: str) -> Callable[[Shop, dict[str, Any]], str]:
    """A quantity change on the payment page while update or read session fails."""

    def scenario(shop: Shop, fault: dict[str, Any]) -> str:
        shop.fill_cart()
        shop.widget()
        shop.fault_next(operation, fault)
        answer = shop.edit_quantity(2)
        if answer["payment"] is None:
            assert "Klarna is not available right now" in answer["fragments"]["klarna"]
            outcome = "edit saved, widget says Klarna is unavailable; reload syncs the session"
        else:
            outcome = "absorbed (the shop retried the call)"
        state = shop.widget()
        shop.buy(state)
        klarna_order = next(iter(emulator_of(shop.emulator).store.orders.values()))
        order = shop.order()
        assert order is not None
        assert klarna_order.order_amount == order.total_minor  # Klarna charged the new cart
        return outcome

    return scenario


def create_order_under(shop: Shop, fault: dict[str, Any]) -> str:
    """Buy is pressed while create order fails."""
    shop.fill_cart()
    state = shop.widget()
    shop.fault_next("create_order", fault)
    authorized, landed = shop.buy(state)
    order = shop.order()
    if order is None:
        assert landed == "/checkout/payment"
        assert "Klarna is not available right now" in shop.payment_page()
        shop.buy(shop.widget())
        return "shopper told nothing was charged, try again; new authorization placed"
    if order.status != OrderStatus.PLACING:
        return "absorbed (create order sent again, same order)"
    # The shopper is on the order page ("confirming"), Klarna's callback arrives meanwhile.
    key = shop.callback_key()
    callback(shop.app.test_client(), key, callback_body(authorized, state))
    rounds = shop.revisit_order_page_until_settled(order.number)
    return f"order page confirming; settled after {rounds} resend(s)"


def cancel_authorization_under(shop: Shop, fault: dict[str, Any]) -> str:
    """The cart changed after authorize(): the unused authorization is cancelled, and fails."""
    shop.fill_cart()
    state = shop.widget()
    authorized = authorize(shop.emulator, state)
    shop.edit_quantity(2)
    shop.fault_next("cancel_authorization", fault)
    landed = place(shop.shopper, state, authorized["authorization_token"])
    assert landed.headers["Location"] == "/checkout/payment"
    assert "Your order changed after you confirmed it" in shop.payment_page()
    unused = emulator_of(shop.emulator).store.authorizations[authorized["authorization_token"]]
    released = unused.status is AuthorizationStatus.CANCELLED
    shop.buy(shop.widget())
    if released:
        return "shopper asked to confirm again; unused authorization released (retried)"
    return "shopper asked to confirm again; unused authorization lapses (60 min)"


def get_order_under(shop: Shop, fault: dict[str, Any]) -> str:
    """Klarna's pending-order notification arrives while reading the order back fails."""
    shop.fill_cart(email="customer+pend-accept-05@email.uk")
    shop.buy(shop.widget())
    order = shop.order()
    assert order is not None and order.status == OrderStatus.ON_HOLD
    decide_pending_orders(shop.emulator)
    notice = {"order_id": order.klarna_order_id, "event_type": "FRAUD_RISK_ACCEPTED"}
    shop.fault_next("get_order", fault)
    first = callback(shop.app.test_client(), shop.callback_key(), notice, "notification")
    if first.status_code == 503:
        # Klarna sends the notification again (every 10 minutes for 24 hours) until a 200.
        again = callback(shop.app.test_client(), shop.callback_key(), notice, "notification")
        assert again.status_code == 200
        outcome = "503 to Klarna; its repeated notification applies the decision"
    else:
        assert first.status_code == 200
        outcome = "absorbed (the shop retried the call)"
    settled = shop.order()
    assert settled is not None and settled.status == OrderStatus.PAID
    return outcome


SCENARIOS: dict[str, Callable[[Shop, dict[str, Any]], str]] = {
    "create_session": create_session_under,
    "update_session": session_edit_under("update_session"),
    "read_session": session_edit_under("read_session"),
    "create_order": create_order_under,
    "cancel_authorization": cancel_authorization_under,
    "get_order": get_order_under,
}
OPERATIONS = tuple(SCENARIOS)


def ledger(shop: Shop) -> tuple[int, int]:
    """(lost, duplicates): Klarna orders without a settled shop order; orders beyond one."""
    klarna_orders = emulator_of(shop.emulator).store.orders
    with shop.app.app_context():
        rows = db.session.execute(sa.select(Order.klarna_order_id, Order.status)).all()
    settled = {klarna_id for klarna_id, status in rows if status in SETTLED}
    lost = len(set(klarna_orders) - settled) + sum(
        1 for _, status in rows if status == OrderStatus.PLACING
    )
    duplicates = max(len(klarna_orders) - 1, 0) + max(len(rows) - 1, 0)
    return lost, duplicates


@pytest.fixture
def shop(make_app: Callable[..., Flask], emulator_server: LiveServer) -> Shop:
    """A seeded storefront whose Klarna calls time out after TIMEOUT_SECONDS."""
    app = make_app(KLARNA_TIMEOUT_SECONDS=TIMEOUT_SECONDS)
    with app.app_context():
        seed_demo_data()
    return Shop(app, emulator_server)


@pytest.mark.parametrize("fault", list(FAULTS))
@pytest.mark.parametrize("operation", OPERATIONS)
def test_fault_on_a_klarna_call_loses_and_doubles_nothing(
    shop: Shop, operation: str, fault: str
) -> None:
    outcome = SCENARIOS[operation](shop, FAULTS[fault])

    lost, duplicates = ledger(shop)
    server_errors = shop.statuses.count(500)
    ROWS.append(Row(operation, fault, outcome, lost, duplicates, server_errors))
    assert (lost, duplicates, server_errors) == (0, 0, 0)
    assert len(emulator_of(shop.emulator).store.orders) == 1
    placed = shop.order()
    assert placed is not None and placed.status == OrderStatus.PAID
