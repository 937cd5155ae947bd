"""Order Management over HTTP: read, capture, refund, cancel, release, extend, update, ship."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from klarna_emulator.emulator import Emulator
from tests.support.emulator_client import KlarnaApiClient
from tests.support.emulator_flows import error_of, place_order
from tests.support.klarna_examples import shopper_gb

SHOPPER = shopper_gb()

ORDERS = "/ordermanagement/v1/orders"
UNKNOWN_ORDER = "f3392f8b-6116-4073-ab96-e330819e2c07"
TRACKING = {
    "shipping_company": "DHL US",
    "shipping_method": "Home",
    "tracking_number": "63456415674545679874",
}
RETURN_TRACKING = {
    "return_shipping_company": "DHL US",
    "return_tracking_number": "93456415674545679888",
    "return_tracking_uri": "http://shipping.example/findmypackage?93456415674545679888",
}
IDEMPOTENCY_KEY = {"Klarna-Idempotency-Key": "0b9e4c7e-5d1f-4b8e-9a43-7f2d0c6a1e55"}
# Every Order Management operation with a body it accepts: (method, path after the order id,
# body). The order is then the only thing a call can find wrong.
CALLS: dict[str, tuple[str, str, dict[str, Any] | None]] = {
    "get_order": ("GET", "", None),
    "acknowledge_order": ("POST", "/acknowledge", None),
    "update_authorization": ("PATCH", "/authorization", {"order_amount": 100}),
    "create_capture": ("POST", "/captures", {"captured_amount": 100}),
    "list_captures": ("GET", "/captures", None),
    "get_capture": ("GET", f"/captures/{UNKNOWN_ORDER}", None),
    "create_refund": ("POST", "/refunds", {"refunded_amount": 100}),
    "get_refund": ("GET", f"/refunds/{UNKNOWN_ORDER}", None),
    "cancel_order": ("POST", "/cancel", None),
    "release_remaining_authorization": ("POST", "/release-remaining-authorization", None),
    "extend_authorization_time": ("POST", "/extend-authorization-time", None),
    "update_merchant_references": ("PATCH", "/merchant-references", {"merchant_reference1": "A"}),
    "update_customer_details": ("PATCH", "/customer-details", {"shipping_address": SHOPPER}),
    "add_shipping_info": ("POST", "/shipping-info", {"shipping_info": [TRACKING]}),
    "add_capture_shipping_info": (
        "POST",
        f"/captures/{UNKNOWN_ORDER}/shipping-info",
        {"shipping_info": [TRACKING]},
    ),
    "trigger_send_out": ("POST", f"/captures/{UNKNOWN_ORDER}/trigger-send-out", None),
}
# The operations that follow up one capture: (operation, path after the capture id, body).
CAPTURE_FOLLOW_UPS = {
    "add_capture_shipping_info": ("/shipping-info", {"shipping_info": [TRACKING]}),
    "trigger_send_out": ("/trigger-send-out", None),
}
# Every body that carries shipping_info, by the path after the order id.
SHIPPING_INFO_PATHS = ("/captures", "/shipping-info", "/captures/{capture_id}/shipping-info")


@pytest.fixture
def order_id(api: KlarnaApiClient) -> str:
    """A placed, accepted order of the GB cart (2499)."""
    return place_order(api)


def order(api: KlarnaApiClient, order_id: str) -> dict[str, Any]:
    """The order as Order Management shows it."""
    response = api.get(f"{ORDERS}/{order_id}")
    assert response.status_code == 200
    return dict(response.json)


def capture(api: KlarnaApiClient, order_id: str, amount: int, **extra: Any) -> Any:
    """POST a capture."""
    return api.post(f"{ORDERS}/{order_id}/captures", json={"captured_amount": amount, **extra})


def refund(api: KlarnaApiClient, order_id: str, amount: int) -> Any:
    """POST a refund."""
    return api.post(f"{ORDERS}/{order_id}/refunds", json={"refunded_amount": amount})


def capture_id_of(response: Any) -> str:
    """The id a successful capture answered with."""
    assert response.status_code == 201, response.get_data()
    return str(response.headers["Capture-Id"])


def follow_up(api: KlarnaApiClient, operation: str, order_id: str, capture_id: str) -> Any:
    """Make one of CAPTURE_FOLLOW_UPS for a capture."""
    suffix, body = CAPTURE_FOLLOW_UPS[operation]
    return api.post(f"{ORDERS}/{order_id}/captures/{capture_id}{suffix}", json=body)


def call(api: KlarnaApiClient, operation: str, order_id: str) -> Any:
    """Make one of CALLS for `order_id`."""
    method, suffix, body = CALLS[operation]
    return api.open(f"{ORDERS}/{order_id}{suffix}", method=method, json=body)


def test_the_table_has_every_order_management_operation(emulator_app: Flask) -> None:
    endpoints = [rule.endpoint for rule in emulator_app.url_map.iter_rules()]
    served = {e.split(".", 1)[1] for e in endpoints if e.startswith("ordermanagement_v1.")}

    assert served == set(CALLS)


@pytest.mark.parametrize("operation", CALLS)
def test_every_operation_on_an_unknown_order_answers_no_such_order(
    api: KlarnaApiClient, operation: str
) -> None:
    response = call(api, operation, UNKNOWN_ORDER)

    assert error_of(response) == (
        404,
        "NO_SUCH_ORDER",
        [f"The order with id {UNKNOWN_ORDER} does not exist."],
    )


@pytest.mark.parametrize("operation", CALLS)
def test_every_operation_on_a_malformed_order_id_answers_invalid_order_id(
    api: KlarnaApiClient, operation: str
) -> None:
    response = call(api, operation, "not-a-uuid")

    assert error_of(response) == (400, "INVALID_ORDER_ID", ["Order ID must be a valid UUID."])


def test_get_order_shows_the_authorized_order(api: KlarnaApiClient, order_id: str) -> None:
    body = order(api, order_id)

    assert body["status"] == "AUTHORIZED"
    assert (body["order_amount"], body["original_order_amount"]) == (2499, 2499)
    assert (body["captured_amount"], body["refunded_amount"]) == (0, 0)
    assert body["remaining_authorized_amount"] == 2499
    assert len(body["klarna_reference"]) == 7
    assert body["expires_at"] == "2025-03-31T12:00:00Z"
    assert body["initial_payment_method"]["type"] == "INVOICE"


def test_capture_answers_201_with_capture_id_and_location(
    api: KlarnaApiClient, order_id: str
) -> None:
    response = capture(api, order_id, 1000, description="First parcel", reference="P-1")

    assert response.status_code == 201
    assert response.get_data() == b""
    capture_id = response.headers["Capture-Id"]
    assert (
        response.headers["Location"] == f"http://localhost{ORDERS}/{order_id}/captures/{capture_id}"
    )
    shown = api.get(response.headers["Location"]).json
    assert (shown["captured_amount"], shown["description"], shown["reference"]) == (
        1000,
        "First parcel",
        "P-1",
    )
    assert shown["klarna_reference"].endswith("-1")
    body = order(api, order_id)
    assert (body["status"], body["remaining_authorized_amount"]) == ("PART_CAPTURED", 1499)


def test_captures_up_to_the_order_amount_make_it_captured(
    api: KlarnaApiClient, order_id: str
) -> None:
    capture(api, order_id, 1000)
    capture(api, order_id, 1499)

    listed = api.get(f"{ORDERS}/{order_id}/captures").json
    body = order(api, order_id)

    assert [c["captured_amount"] for c in listed] == [1000, 1499]
    assert (body["status"], body["captured_amount"], body["remaining_authorized_amount"]) == (
        "CAPTURED",
        2499,
        0,
    )


def test_capture_above_the_remaining_amount_is_not_allowed(
    api: KlarnaApiClient, order_id: str
) -> None:
    capture(api, order_id, 2000)

    response = capture(api, order_id, 500)

    assert error_of(response) == (
        403,
        "CAPTURE_NOT_ALLOWED",
        ["Captured amount is higher than the remaining authorized amount. Capture not possible."],
    )
    assert order(api, order_id)["captured_amount"] == 2000


def test_capture_of_a_cancelled_order_is_not_allowed(api: KlarnaApiClient, order_id: str) -> None:
    api.post(f"{ORDERS}/{order_id}/cancel")

    response = capture(api, order_id, 100)

    assert error_of(response)[:2] == (403, "CAPTURE_NOT_ALLOWED")


def test_capture_after_28_days_finds_the_order_expired(api: KlarnaApiClient, order_id: str) -> None:
    api.post("/_emulator/clock", json={"advance_seconds": 28 * 86400})

    response = capture(api, order_id, 100)

    assert error_of(response) == (
        403,
        "CAPTURE_NOT_ALLOWED",
        [f"Order {order_id} is expired. Capture not possible."],
    )
    assert order(api, order_id)["status"] == "EXPIRED"


def test_capture_without_an_amount_is_a_bad_value(api: KlarnaApiClient, order_id: str) -> None:
    response = api.post(f"{ORDERS}/{order_id}/captures", json={"description": "x"})

    assert error_of(response) == (400, "BAD_VALUE", ["Bad value: captured_amount"])


def test_get_capture_answers_no_such_capture(api: KlarnaApiClient, order_id: str) -> None:
    response = api.get(f"{ORDERS}/{order_id}/captures/{UNKNOWN_ORDER}")

    assert error_of(response)[:2] == (404, "NO_SUCH_CAPTURE")


def test_refund_answers_201_with_refund_id_and_location(
    api: KlarnaApiClient, order_id: str
) -> None:
    capture(api, order_id, 2499)

    response = refund(api, order_id, 499)

    assert response.status_code == 201
    refund_id = response.headers["Refund-Id"]
    shown = api.get(response.headers["Location"]).json
    assert (shown["refund_id"], shown["refunded_amount"]) == (refund_id, 499)
    body = order(api, order_id)
    assert (body["refunded_amount"], body["captures"][0]["refunded_amount"]) == (499, 499)


def test_refund_of_everything_closes_a_captured_order(api: KlarnaApiClient, order_id: str) -> None:
    capture(api, order_id, 2499)

    refund(api, order_id, 2499)

    assert order(api, order_id)["status"] == "CLOSED"


def test_refund_above_the_captured_amount_is_not_allowed(
    api: KlarnaApiClient, order_id: str
) -> None:
    capture(api, order_id, 1000)

    response = refund(api, order_id, 1001)

    assert error_of(response) == (
        403,
        "REFUND_NOT_ALLOWED",
        ["Over refund is not allowed. Refund not possible."],
    )


def test_refund_without_captures_is_not_allowed(api: KlarnaApiClient, order_id: str) -> None:
    response = refund(api, order_id, 100)

    assert error_of(response) == (
        403,
        "REFUND_NOT_ALLOWED",
        ["Order has no captures. Refund not possible"],
    )


@pytest.mark.parametrize(
    ("body", "messages"),
    [
        ({}, ["Bad value: refunded_amount"]),
        ({"refunded_amount": "100"}, ["Bad value: refunded_amount"]),
        ({"refunded_amount": 0}, ["Bad value: refunded_amount"]),
        ({"refunded_amount": 100, "description": "x" * 256}, ["Bad value: description"]),
    ],
)
def test_refund_with_a_bad_body_is_a_bad_value(
    api: KlarnaApiClient, order_id: str, body: dict[str, Any], messages: list[str]
) -> None:
    capture(api, order_id, 2499)

    response = api.post(f"{ORDERS}/{order_id}/refunds", json=body)

    assert error_of(response) == (400, "BAD_VALUE", messages)
    assert order(api, order_id)["refunded_amount"] == 0


def test_refund_with_a_body_that_is_not_json_is_a_bad_request(
    api: KlarnaApiClient, order_id: str
) -> None:
    capture(api, order_id, 2499)

    response = api.post(
        f"{ORDERS}/{order_id}/refunds", data=b"refunded_amount=1", content_type="application/json"
    )

    assert error_of(response) == (400, "BAD_REQUEST", [])


def test_get_refund_answers_not_found(api: KlarnaApiClient, order_id: str) -> None:
    response = api.get(f"{ORDERS}/{order_id}/refunds/{UNKNOWN_ORDER}")

    assert error_of(response) == (
        404,
        "NOT_FOUND",
        [f"Refund {UNKNOWN_ORDER} cannot be found for order {order_id}"],
    )


def test_cancel_answers_204_and_the_order_is_cancelled(api: KlarnaApiClient, order_id: str) -> None:
    response = api.post(f"{ORDERS}/{order_id}/cancel")

    assert response.status_code == 204
    body = order(api, order_id)
    assert (body["status"], body["remaining_authorized_amount"]) == ("CANCELLED", 0)


def test_cancel_after_a_capture_is_not_allowed(api: KlarnaApiClient, order_id: str) -> None:
    capture(api, order_id, 100)

    response = api.post(f"{ORDERS}/{order_id}/cancel")

    assert error_of(response) == (
        403,
        "CANCEL_NOT_ALLOWED",
        ["Order has previous captures. Cancel not possible."],
    )


def test_release_remaining_authorization_ends_a_part_captured_order(
    api: KlarnaApiClient, order_id: str
) -> None:
    capture(api, order_id, 1000)

    response = api.post(f"{ORDERS}/{order_id}/release-remaining-authorization")

    assert response.status_code == 204
    body = order(api, order_id)
    assert (body["status"], body["order_amount"], body["remaining_authorized_amount"]) == (
        "CAPTURED",
        1000,
        0,
    )


@pytest.mark.parametrize(
    ("captured", "message"), [(0, "has no captures"), (2499, "fully captured")]
)
def test_release_remaining_authorization_needs_a_part_capture(
    api: KlarnaApiClient, order_id: str, captured: int, message: str
) -> None:
    if captured:
        capture(api, order_id, captured)

    response = api.post(f"{ORDERS}/{order_id}/release-remaining-authorization")

    assert error_of(response)[:2] == (403, "NOT_ALLOWED")
    assert message in response.json["error_messages"][0]


def advance_days(api: KlarnaApiClient, days: int) -> None:
    """Move the emulator's clock forward."""
    assert api.post("/_emulator/clock", json={"advance_seconds": days * 86400}).status_code == 200


def extend(api: KlarnaApiClient, order_id: str) -> Any:
    """POST extend-authorization-time."""
    return api.post(f"{ORDERS}/{order_id}/extend-authorization-time")


def test_extend_authorization_time_adds_28_days_to_the_day_of_the_call(
    api: KlarnaApiClient, order_id: str
) -> None:
    advance_days(api, 10)

    statuses = [extend(api, order_id).status_code for _ in range(2)]

    assert statuses == [204, 204]
    # Placed 3 March: due 31 March; extended twice on 13 March: due 10 April both times.
    assert order(api, order_id)["expires_at"] == "2025-04-10T12:00:00Z"


def test_extend_authorization_time_the_day_the_order_is_placed_changes_nothing(
    api: KlarnaApiClient, order_id: str
) -> None:
    response = extend(api, order_id)

    assert response.status_code == 204
    assert order(api, order_id)["expires_at"] == "2025-03-31T12:00:00Z"


def test_extend_authorization_time_stops_180_days_after_creation(
    api: KlarnaApiClient, order_id: str
) -> None:
    statuses = []
    for _ in range(6):
        advance_days(api, 27)
        statuses.append(extend(api, order_id).status_code)

    assert statuses == [204] * 6
    assert order(api, order_id)["expires_at"] == "2025-08-30T12:00:00Z"  # day 162 + 28 > 180
    assert extend(api, order_id).status_code == 204
    assert order(api, order_id)["expires_at"] == "2025-08-30T12:00:00Z"


def test_extend_authorization_time_of_an_expired_order_is_not_allowed(
    api: KlarnaApiClient, order_id: str
) -> None:
    advance_days(api, 28)

    response = extend(api, order_id)

    assert error_of(response) == (
        403,
        "NOT_ALLOWED",
        ["Order is expired. Authorization time cannot be extended."],
    )


def test_extend_authorization_time_of_an_overdue_part_captured_order_is_not_allowed(
    api: KlarnaApiClient, order_id: str
) -> None:
    capture(api, order_id, 1000)
    advance_days(api, 28)

    response = extend(api, order_id)

    assert error_of(response) == (
        403,
        "NOT_ALLOWED",
        ["Order is expired. Authorization time cannot be extended."],
    )
    assert order(api, order_id)["expires_at"] == "2025-03-31T12:00:00Z"


def test_extend_authorization_time_of_a_cancelled_order_is_not_allowed(
    api: KlarnaApiClient, order_id: str
) -> None:
    api.post(f"{ORDERS}/{order_id}/cancel")

    response = api.post(f"{ORDERS}/{order_id}/extend-authorization-time")

    assert error_of(response)[:2] == (403, "NOT_ALLOWED")


def test_update_authorization_sets_amount_and_lines(api: KlarnaApiClient, order_id: str) -> None:
    lines = [order(api, order_id)["order_lines"][0]]

    response = api.patch(
        f"{ORDERS}/{order_id}/authorization", json={"order_amount": 2000, "order_lines": lines}
    )

    assert response.status_code == 204
    body = order(api, order_id)
    assert (body["order_amount"], body["original_order_amount"], len(body["order_lines"])) == (
        2000,
        2499,
        1,
    )


def test_update_authorization_to_zero_leaves_an_uncaptured_order_cancellable(
    api: KlarnaApiClient, order_id: str
) -> None:
    updated = api.patch(f"{ORDERS}/{order_id}/authorization", json={"order_amount": 0})

    assert updated.status_code == 204
    body = order(api, order_id)
    assert (body["status"], body["remaining_authorized_amount"]) == ("AUTHORIZED", 0)
    assert api.post(f"{ORDERS}/{order_id}/cancel").status_code == 204


def test_update_authorization_below_the_captured_amount_is_not_allowed(
    api: KlarnaApiClient, order_id: str
) -> None:
    capture(api, order_id, 1500)

    response = api.patch(f"{ORDERS}/{order_id}/authorization", json={"order_amount": 1000})

    assert error_of(response) == (
        403,
        "NOT_ALLOWED",
        [
            "Resulting authorization amount 1000 cannot be less than the captured amount 1500 "
            "for order. Order authorization cannot be updated"
        ],
    )


def test_update_authorization_with_lines_that_do_not_add_up_is_a_bad_value(
    api: KlarnaApiClient, order_id: str
) -> None:
    lines = order(api, order_id)["order_lines"]

    response = api.patch(
        f"{ORDERS}/{order_id}/authorization", json={"order_amount": 100, "order_lines": lines}
    )

    assert error_of(response) == (400, "BAD_VALUE", ["Bad value: order_amount"])


def test_update_customer_details_replaces_the_shipping_address(
    api: KlarnaApiClient, order_id: str
) -> None:
    moved = {**shopper_gb(), "street_address": "1 New Road"}

    response = api.patch(f"{ORDERS}/{order_id}/customer-details", json={"shipping_address": moved})

    assert response.status_code == 204
    body = order(api, order_id)
    assert body["shipping_address"]["street_address"] == "1 New Road"
    assert body["billing_address"] == shopper_gb()


def test_update_customer_details_of_a_cancelled_order_is_not_allowed(
    api: KlarnaApiClient, order_id: str
) -> None:
    api.post(f"{ORDERS}/{order_id}/cancel")

    response = api.patch(
        f"{ORDERS}/{order_id}/customer-details", json={"shipping_address": shopper_gb()}
    )

    assert error_of(response)[:2] == (403, "NOT_ALLOWED")


def test_update_customer_details_cannot_change_the_billing_address(
    api: KlarnaApiClient, order_id: str
) -> None:
    moved = {**shopper_gb(), "street_address": "1 New Road"}

    response = api.patch(
        f"{ORDERS}/{order_id}/customer-details",
        json={"billing_address": moved, "shipping_address": moved},
    )

    assert error_of(response) == (403, "NOT_ALLOWED", ["Billing address cannot be updated."])
    assert order(api, order_id)["shipping_address"] == shopper_gb()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"shipping_address": "1 New Road"}, "Bad value: shipping_address"),
        (
            {"shipping_address": {**SHOPPER, "postal_code": "W1S 3BE 123"}},
            "Bad value: shipping_address.postal_code",
        ),
        (
            {"shipping_address": {**SHOPPER, "given_name": 7, "email": "x" * 101}},
            "Bad value: shipping_address.email, shipping_address.given_name",
        ),
    ],
)
def test_update_customer_details_with_a_bad_body_is_a_bad_value(
    api: KlarnaApiClient, order_id: str, body: dict[str, Any], message: str
) -> None:
    response = api.patch(f"{ORDERS}/{order_id}/customer-details", json=body)

    assert error_of(response) == (400, "BAD_VALUE", [message])
    assert order(api, order_id)["shipping_address"] == shopper_gb()


def test_update_customer_details_with_a_body_that_is_not_an_object_is_a_bad_request(
    api: KlarnaApiClient, order_id: str
) -> None:
    response = api.patch(f"{ORDERS}/{order_id}/customer-details", json=[SHOPPER])

    assert error_of(response) == (400, "BAD_REQUEST", [])


def test_update_merchant_references_sets_and_clears(api: KlarnaApiClient, order_id: str) -> None:
    api.patch(
        f"{ORDERS}/{order_id}/merchant-references",
        json={"merchant_reference1": "A", "merchant_reference2": "B"},
    )

    response = api.patch(
        f"{ORDERS}/{order_id}/merchant-references", json={"merchant_reference2": ""}
    )

    assert response.status_code == 204
    body = order(api, order_id)
    assert (body["merchant_reference1"], "merchant_reference2" in body) == ("A", False)


def test_update_merchant_references_refuses_an_overlong_reference(
    api: KlarnaApiClient, order_id: str
) -> None:
    response = api.patch(
        f"{ORDERS}/{order_id}/merchant-references", json={"merchant_reference1": "x" * 256}
    )

    assert error_of(response) == (400, "BAD_VALUE", ["Bad value: merchant_reference1"])


def test_update_merchant_references_of_a_cancelled_order_is_not_allowed(
    api: KlarnaApiClient, order_id: str
) -> None:
    api.post(f"{ORDERS}/{order_id}/cancel")

    response = api.patch(
        f"{ORDERS}/{order_id}/merchant-references", json={"merchant_reference1": "A"}
    )

    assert error_of(response) == (403, "NOT_ALLOWED", ["Can not update a cancelled order."])
    assert "merchant_reference1" not in order(api, order_id)


def test_add_shipping_info_appends_tracking(api: KlarnaApiClient, order_id: str) -> None:
    response = api.post(f"{ORDERS}/{order_id}/shipping-info", json={"shipping_info": [TRACKING]})

    assert response.status_code == 204
    assert order(api, order_id)["shipping_info"] == [TRACKING]


def test_add_shipping_info_needs_at_least_one_entry(api: KlarnaApiClient, order_id: str) -> None:
    response = api.post(f"{ORDERS}/{order_id}/shipping-info", json={"shipping_info": []})

    assert error_of(response) == (400, "BAD_VALUE", ["Bad value: shipping_info"])


def test_acknowledge_answers_204_every_time(api: KlarnaApiClient, order_id: str) -> None:
    responses = [api.post(f"{ORDERS}/{order_id}/acknowledge") for _ in range(2)]

    assert [r.status_code for r in responses] == [204, 204]


def test_refund_with_order_lines_and_a_description_shows_them(
    api: KlarnaApiClient, order_id: str
) -> None:
    capture(api, order_id, 2499)
    lines = [order(api, order_id)["order_lines"][0]]
    body = {
        "refunded_amount": lines[0]["total_amount"],
        "description": "Returned by the customer",
        "reference": "R-1",
        "order_lines": lines,
    }

    response = api.post(f"{ORDERS}/{order_id}/refunds", json=body)

    shown = api.get(response.headers["Location"]).json
    assert (shown["description"], shown["reference"], shown["order_lines"]) == (
        "Returned by the customer",
        "R-1",
        lines,
    )


def test_capture_with_shipping_info_shows_it_on_the_capture_only(
    api: KlarnaApiClient, order_id: str
) -> None:
    capture_id = capture_id_of(capture(api, order_id, 1000, shipping_info=[TRACKING]))

    shown = api.get(f"{ORDERS}/{order_id}/captures/{capture_id}").json
    body = order(api, order_id)

    assert shown["shipping_info"] == [TRACKING]
    assert (body["captures"][0]["shipping_info"], body["shipping_info"]) == ([TRACKING], [])


def test_capture_shipping_info_is_appended_to_that_capture(
    api: KlarnaApiClient, order_id: str
) -> None:
    first = capture_id_of(capture(api, order_id, 1000, shipping_info=[TRACKING]))
    capture(api, order_id, 1499)

    response = api.post(
        f"{ORDERS}/{order_id}/captures/{first}/shipping-info",
        json={"shipping_info": [RETURN_TRACKING]},
    )

    assert (response.status_code, response.get_data()) == (204, b"")
    shown = api.get(f"{ORDERS}/{order_id}/captures/{first}").json
    assert shown["shipping_info"] == [TRACKING, RETURN_TRACKING]
    body = order(api, order_id)
    assert [c["shipping_info"] for c in body["captures"]] == [[TRACKING, RETURN_TRACKING], []]
    assert body["shipping_info"] == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "Bad value: shipping_info"),
        ({"shipping_info": []}, "Bad value: shipping_info"),
        ({"shipping_info": TRACKING}, "Bad value: shipping_info"),
        (
            {"shipping_info": [{**TRACKING, "tracking_number": "9" * 101}]},
            "Bad value: shipping_info[0].tracking_number",
        ),
        (
            {"shipping_info": [TRACKING, {"shipping_method": "Home delivery"}]},
            "Bad value: shipping_info[1].shipping_method",
        ),
    ],
)
def test_capture_shipping_info_with_a_bad_body_is_a_bad_value(
    api: KlarnaApiClient, order_id: str, body: dict[str, Any], message: str
) -> None:
    capture_id = capture_id_of(capture(api, order_id, 1000))

    response = api.post(f"{ORDERS}/{order_id}/captures/{capture_id}/shipping-info", json=body)

    assert error_of(response) == (400, "BAD_VALUE", [message])
    assert order(api, order_id)["captures"][0]["shipping_info"] == []


@pytest.mark.parametrize("path", SHIPPING_INFO_PATHS)
@pytest.mark.parametrize("method", ["Homeless", "Home delivery", " Home", "home"])
def test_shipping_method_must_be_one_of_klarnas_names(
    api: KlarnaApiClient, order_id: str, path: str, method: str
) -> None:
    capture_id = capture_id_of(capture(api, order_id, 1000))
    body: dict[str, Any] = {"shipping_info": [{**TRACKING, "shipping_method": method}]}
    if path == "/captures":
        body["captured_amount"] = 100

    response = api.post(f"{ORDERS}/{order_id}{path.format(capture_id=capture_id)}", json=body)

    assert error_of(response) == (400, "BAD_VALUE", ["Bad value: shipping_info[0].shipping_method"])


@pytest.mark.parametrize("method", ["PickUpPoint", "DHLPackstation", "PalletDelivery"])
def test_each_of_klarnas_shipping_methods_is_accepted(
    api: KlarnaApiClient, order_id: str, method: str
) -> None:
    response = capture(api, order_id, 100, shipping_info=[{**TRACKING, "shipping_method": method}])

    assert response.status_code == 201


def test_trigger_send_out_answers_204_and_is_recorded_on_the_capture(
    api: KlarnaApiClient, emulator: Emulator, order_id: str
) -> None:
    capture_id = capture_id_of(capture(api, order_id, 1000))

    response = api.post(f"{ORDERS}/{order_id}/captures/{capture_id}/trigger-send-out")

    assert (response.status_code, response.get_data()) == (204, b"")
    (recorded,) = emulator.snapshot()["orders"]
    assert recorded["captures"][0]["send_outs"] == ["2025-03-03T12:00:00Z"]
    assert "send_outs" not in api.get(f"{ORDERS}/{order_id}/captures/{capture_id}").json


@pytest.mark.parametrize("operation", CAPTURE_FOLLOW_UPS)
def test_a_capture_follow_up_on_an_order_without_captures_is_not_allowed(
    api: KlarnaApiClient, order_id: str, operation: str
) -> None:
    response = follow_up(api, operation, order_id, UNKNOWN_ORDER)

    assert error_of(response) == (403, "NOT_ALLOWED", ["Order has no captures."])


@pytest.mark.parametrize("operation", CAPTURE_FOLLOW_UPS)
def test_a_capture_follow_up_on_an_unknown_capture_answers_no_such_capture(
    api: KlarnaApiClient, order_id: str, operation: str
) -> None:
    capture(api, order_id, 1000)

    response = follow_up(api, operation, order_id, UNKNOWN_ORDER)

    assert error_of(response) == (
        404,
        "NO_SUCH_CAPTURE",
        [f"The capture with id {UNKNOWN_ORDER} does not exist."],
    )


@pytest.mark.parametrize(
    ("operation", "shipping_info", "send_outs"),
    [("add_capture_shipping_info", [TRACKING], 0), ("trigger_send_out", [], 1)],
)
def test_a_capture_follow_up_repeated_with_its_key_happens_once(
    api: KlarnaApiClient,
    emulator: Emulator,
    order_id: str,
    operation: str,
    shipping_info: list[dict[str, str]],
    send_outs: int,
) -> None:
    capture_id = capture_id_of(capture(api, order_id, 1000))
    suffix, body = CAPTURE_FOLLOW_UPS[operation]
    path = f"{ORDERS}/{order_id}/captures/{capture_id}{suffix}"

    responses = [api.post(path, json=body, headers=IDEMPOTENCY_KEY) for _ in range(2)]

    assert [r.status_code for r in responses] == [204, 204]
    (recorded,) = emulator.snapshot()["orders"]
    assert recorded["captures"][0]["shipping_info"] == shipping_info
    assert len(recorded["captures"][0]["send_outs"]) == send_outs
