"""Property: any sequence of captures and refunds of any order sends Klarna nothing it refuses.

Hypothesis generates orders (every market, 1-4 lines of 1-5 units, free and discounted
lines, each VAT rate, US sales tax) and action sequences: capture by lines or all, refund by
lines, by amount or all, release and cancel, with units and amounts often too large. The
shop's own code (captures.capture_request, refunds.refund_request, release_request,
cancel_request) decides whether to refuse and builds what it sends; Klarna's side is the
emulator's Order Management in process (tests/support/order_pairs.py), so "Klarna would
refuse" is judged by the emulator's own schema checks and rules. Klarna must accept every
action the shop sends; after each step the shop's captured, refunded and still authorized
amounts equal Klarna's, nothing is captured beyond the order nor refunded beyond the
captures, and the parts of a line sent in any steps add up to the line exactly. The example
count is the Hypothesis profile's (tests/support/hypothesis_profiles.py: 1,000 under `ci`).
tests/integration/test_order_management_properties.py runs a few through the real shop.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from klarna_emulator.errors import KlarnaApiError
from storefront.services.authorization_actions import cancel_request, release_request
from storefront.services.captures import capture_request
from storefront.services.order_action_errors import ActionNotAllowed
from storefront.services.order_actions import ActionRequest
from storefront.services.order_rules import remaining_authorized
from storefront.services.refunds import refund_request
from storefront.services.settlement_lines import LineState, klarna_lines
from tests.support.order_pairs import OrderPair, klarna_orders

MAX_STEPS = 8
STEP_KINDS = (
    "capture_lines",
    "capture_all",
    "refund_lines",
    "refund_amount",
    "refund_all",
    "release",
    "cancel",
)
SETUP_CAPTURE = "capture_one_unit"
AFTER_A_CAPTURE = frozenset({"refund_lines", "refund_amount", "refund_all", "release"})
LINE_AMOUNTS = ("total_amount", "total_discount_amount", "total_tax_amount")


def wanted_units(data: st.DataObject, states: list[LineState], *, refund: bool) -> dict[int, int]:
    """Units per line index to capture (or refund): mostly what is left, a quarter a mistake.

    The mistake is an unknown line, no units, or one unit more than is left.
    """
    left = {state.index: state.refundable if refund else state.capturable for state in states}
    open_lines = sorted(index for index, units in left.items() if units > 0)
    chosen = (
        data.draw(st.lists(st.sampled_from(open_lines), min_size=1, unique=True))
        if open_lines
        else []
    )
    wanted = {index: data.draw(st.integers(1, left[index])) for index in chosen}
    if not wanted or data.draw(st.integers(0, 3), label="mistake") == 3:
        index = data.draw(st.integers(-1, len(states)), label="line")
        wanted[index] = data.draw(st.integers(-1, left.get(index, 0) + 1), label="units")
    return wanted


def action_kinds(data: st.DataObject) -> list[str]:
    """One featured kind set up so it can be done, then any kinds in any order.

    Steered so every kind is done often in any run: a release or a refund can only be done
    after a capture (of lines, so a part may be left), a cancel only before one; the random
    steps after it try every kind in every state, the refused ones too. The setup captures
    one unit of a line with a price, so there is something to refund and usually to release.
    """
    featured = data.draw(st.sampled_from(STEP_KINDS), label="featured")
    setup = [SETUP_CAPTURE] if featured in AFTER_A_CAPTURE else []
    rest = data.draw(st.lists(st.sampled_from(STEP_KINDS), max_size=MAX_STEPS), label="then")
    return [*setup, featured, *rest]


def shop_request(kind: str, data: st.DataObject, pair: OrderPair) -> ActionRequest:
    """Draw one back-office action of `kind`; the shop's code builds what it would send."""
    order, states = pair.shop, pair.states()
    now = pair.klarna.store.now()
    if kind == "capture_lines":
        return capture_request(order, states, wanted_units(data, states, refund=False), None, now)
    if kind == SETUP_CAPTURE:
        priced = [state.index for state in states if state.capturable and state.total_minor]
        wanted = {data.draw(st.sampled_from(priced)): 1} if priced else {}
        return capture_request(order, states, wanted, None, now)
    if kind == "capture_all":
        return capture_request(order, states, None, None, now)
    if kind == "refund_lines":
        return refund_request(order, states, wanted_units(data, states, refund=True), None)
    if kind == "refund_amount":
        left = order.captured_minor - order.refunded_minor  # to draw around, not to decide
        amount = data.draw(st.integers(-1, left + 1), label="amount")
        return refund_request(order, states, None, amount)
    if kind == "refund_all":
        return refund_request(order, states, None, None)
    return release_request(order) if kind == "release" else cancel_request(order)


def check_body(request: ActionRequest) -> None:
    """A capture's or refund's lines add up to its amount and keep Klarna's line arithmetic."""
    lines: list[Mapping[str, Any]] = (request.body or {}).get("order_lines", [])
    amount = (request.body or {}).get(
        "captured_amount", (request.body or {}).get("refunded_amount")
    )
    if lines:
        assert sum(line["total_amount"] for line in lines) == amount
    for line in lines:
        assert line["total_amount"] == (
            line["quantity"] * line["unit_price"] - line["total_discount_amount"]
        )


def check_same_as_klarna(pair: OrderPair, sent: list[ActionRequest]) -> None:
    """The shop's amounts equal Klarna's, within what was authorized; every line adds up."""
    klarna, shop = pair.klarna_order(), pair.shop
    assert (shop.captured_minor, shop.refunded_minor) == (
        klarna.captured_amount,
        klarna.refunded_amount,
    )
    assert remaining_authorized(shop) == klarna.remaining_authorized_amount
    assert 0 <= shop.refunded_minor <= shop.captured_minor <= klarna.original_order_amount
    for index, line in enumerate(klarna_lines(shop)):
        captured, refunded = pair.captured_units[index], pair.refunded_units[index]
        assert 0 <= refunded <= captured <= line["quantity"]
        whole = tuple(line[name] for name in LINE_AMOUNTS)
        if captured == line["quantity"]:
            assert line_sums(sent, "captured_amount", index) == whole, f"line {index} captured"
        if refunded == line["quantity"]:
            assert line_sums(sent, "refunded_amount", index) == whole, f"line {index} refunded"


def line_sums(sent: list[ActionRequest], amount_field: str, index: int) -> tuple[int, ...]:
    """The total, discount and tax of every part of line `index` sent as captures (or refunds)."""
    parts = [
        line
        for request in sent
        if amount_field in (request.body or {})
        for position, line in zip(
            sorted(request.line_quantities or {}),
            (request.body or {}).get("order_lines", []),
            strict=True,
        )
        if position == index
    ]
    return tuple(sum(part[name] for part in parts) for name in LINE_AMOUNTS)


def test_generated_captures_and_refunds_are_never_refused() -> None:
    tally: Counter[str] = Counter()

    @given(klarna_orders(), st.data())
    def check(order: tuple[str, dict[str, Any]], data: st.DataObject) -> None:
        pair = OrderPair.opened(*order)
        sent: list[ActionRequest] = []
        for kind in action_kinds(data):
            try:
                request = shop_request(kind, data, pair)
            except ActionNotAllowed:
                tally[f"{kind} refused by the shop"] += 1
                continue
            check_body(request)
            try:
                pair.send(request)
            except KlarnaApiError as error:
                raise AssertionError(f"Klarna refused a {kind}: {error}") from error
            sent.append(request)
            tally[f"{kind} done"] += 1
            check_same_as_klarna(pair, sent)

    check()
    print(dict(tally))
    for kind in STEP_KINDS:
        assert tally[f"{kind} done"] > 0, f"no generated {kind} was ever done: {tally}"
        assert tally[f"{kind} refused by the shop"] > 0, f"every {kind} was done: {tally}"
