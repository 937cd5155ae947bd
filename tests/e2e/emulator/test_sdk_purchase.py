"""The purchase dialog: authorize(), reauthorize() and finalize() and every callback outcome."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from klarna_emulator.emulator import Emulator
from tests.e2e.emulator.sdk_page import DIALOG_FRAME, SdkPage
from tests.support.emulator_merchant import EmulatorMerchant
from tests.support.klarna_examples import (
    gb_cart,
    gb_cart_with_tees,
    se_session,
    shopper_gb,
    shopper_se,
    shopper_us,
    us_sales_tax,
)
from tests.support.live_server import LiveServer
from tests.support.polling import wait_until

PAY_LATER = {"payment_method_category": "pay_later"}
PAY_NOW = {"payment_method_category": "pay_now"}

# Klarna's approved AU persona (sample customer data page) and a one-line AU cart, prices
# including 10 % GST: 4000 - 4000 * 10000 / 11000 = 363.6 -> 364.
SHOPPER_AU = {
    "given_name": "Test",
    "family_name": "Person-au",
    "email": "customer@email.au",
    "street_address": "4 Wharf St",
    "postal_code": "4877",
    "city": "Port Douglas",
    "region": "QLD",
    "phone": "+61473752244",
    "country": "AU",
}
AU_CART = {
    "purchase_country": "AU",
    "purchase_currency": "AUD",
    "locale": "en-AU",
    "order_amount": 4000,
    "order_tax_amount": 364,
    "order_lines": [
        {
            "type": "physical",
            "reference": "TS-1",
            "name": "T-shirt",
            "quantity": 2,
            "unit_price": 2000,
            "tax_rate": 1000,
            "total_amount": 4000,
            "total_tax_amount": 364,
        }
    ],
}


def ready_to_buy(
    sdk: SdkPage, merchant: EmulatorMerchant, cart: dict[str, Any], category: str
) -> str:
    """A session for `cart`, initialised and loaded for `category`; its id."""
    session = merchant.create_session(cart)
    sdk.init(session["client_token"])
    assert sdk.load(category) == {"show_form": True}
    return str(session["session_id"])


def shopper(**changes: Any) -> dict[str, Any]:
    """The approved GB persona, changed."""
    return {**shopper_gb(), **changes}


def test_authorize_shows_the_purchase_and_approves_with_a_code(
    sdk: SdkPage, merchant: EmulatorMerchant, emulator: Emulator, console_errors: list[str]
) -> None:
    session_id = ready_to_buy(sdk, merchant, gb_cart(), "pay_later")

    sdk.buy("authorize", PAY_LATER, {"billing_address": shopper_gb()})

    dialog = sdk.dialog
    expect(dialog).to_have_accessible_name("Complete your purchase")
    expect(dialog.get_by_text(emulator.settings.merchant_name)).to_be_visible()
    expect(dialog.get_by_text("£24.99", exact=True)).to_be_visible()
    expect(dialog.get_by_label("Email")).to_have_value("customer@email.uk")
    expect(dialog.get_by_label("Mobile number")).to_have_value("+447755564318")
    sdk.confirm("123456")
    payload = sdk.next_callback()

    token = payload["authorization_token"]
    assert payload == {
        "approved": True,
        "show_form": True,
        "authorization_token": token,
        "finalize_required": False,
    }
    authorization = emulator.store.authorizations[token]
    assert authorization.session_id == session_id
    assert authorization.snapshot["billing_address"] == shopper_gb()
    expect(sdk.page.locator(DIALOG_FRAME)).to_have_count(0)
    assert console_errors == []


def test_authorize_approval_sends_the_authorization_callback(
    sdk: SdkPage,
    merchant: EmulatorMerchant,
    sdk_page_server: LiveServer,
    authorization_callbacks: list[dict[str, Any]],
) -> None:
    cart = {
        **gb_cart(),
        "merchant_urls": {"authorization": f"{sdk_page_server.url}/authorization-callback"},
    }
    session_id = ready_to_buy(sdk, merchant, cart, "pay_later")

    sdk.buy("authorize", PAY_LATER, {"billing_address": shopper_gb()})
    sdk.confirm()
    token = sdk.next_callback()["authorization_token"]

    wait_until(lambda: authorization_callbacks)
    assert authorization_callbacks == [{"authorization_token": token, "session_id": session_id}]


def test_authorize_merges_its_data_into_the_session_and_the_snapshot(
    sdk: SdkPage, merchant: EmulatorMerchant, emulator: Emulator
) -> None:
    session_id = ready_to_buy(sdk, merchant, gb_cart(), "pay_later")
    shipping = shopper(given_name="Other", street_address="1 Other Street")
    bigger_cart = gb_cart_with_tees(3)

    sdk.buy(
        "authorize",
        PAY_LATER,
        {"billing_address": shopper_gb(), "shipping_address": shipping, **bigger_cart},
    )
    expect(sdk.dialog.get_by_text("£34.99", exact=True)).to_be_visible()
    sdk.confirm()
    token = sdk.next_callback()["authorization_token"]

    snapshot = emulator.store.authorizations[token].snapshot
    assert snapshot["shipping_address"] == shipping
    assert (snapshot["order_amount"], snapshot["order_lines"]) == (
        3499,
        bigger_cart["order_lines"],
    )
    stored = merchant.read_session(session_id)
    assert (stored["order_amount"], stored["shipping_address"]) == (3499, shipping)


@pytest.mark.parametrize(
    ("cart", "billing", "invalid_fields"),
    [
        (
            gb_cart(),
            {k: v for k, v in shopper_gb().items() if k != "email"},
            ["billing_address.email"],
        ),
        (gb_cart(), shopper(email="not-an-email"), ["billing_address.email"]),
        (gb_cart(), shopper(phone="1234"), ["billing_address.phone"]),
        (gb_cart(), shopper(given_name="7"), ["billing_address.given_name"]),
        (
            us_sales_tax(),
            {k: v for k, v in shopper_us().items() if k != "region"},
            ["billing_address.region"],
        ),
        (
            AU_CART,
            {k: v for k, v in SHOPPER_AU.items() if k != "region"},
            ["billing_address.region"],
        ),
    ],
)
def test_authorize_with_invalid_data_answers_the_fields_without_a_dialog(
    sdk: SdkPage,
    merchant: EmulatorMerchant,
    cart: dict[str, Any],
    billing: dict[str, Any],
    invalid_fields: list[str],
) -> None:
    ready_to_buy(sdk, merchant, cart, "pay_later")

    sdk.buy("authorize", PAY_LATER, {"billing_address": billing})

    assert sdk.next_callback() == {
        "approved": False,
        "show_form": True,
        "error": {"invalid_fields": invalid_fields},
    }
    assert [name for name, *_ in sdk.events() if name.startswith("fullscreen")] == []


def test_closing_the_dialog_is_the_shopper_aborting(
    sdk: SdkPage, merchant: EmulatorMerchant, emulator: Emulator
) -> None:
    ready_to_buy(sdk, merchant, gb_cart(), "pay_later")

    sdk.buy("authorize", PAY_LATER, {"billing_address": shopper_gb()})
    sdk.dialog.get_by_role("button", name="Close").click()

    assert sdk.next_callback() == {"approved": False, "show_form": True}
    assert emulator.store.authorizations == {}


def test_closing_the_reauthorize_dialog_answers_approved_false_only(
    sdk: SdkPage, merchant: EmulatorMerchant, emulator: Emulator
) -> None:
    sdk.init(merchant.create_session(gb_cart())["client_token"])

    sdk.buy("reauthorize", PAY_LATER, {"billing_address": shopper_gb()})
    sdk.dialog.get_by_role("button", name="Close").click()

    # reauthorize() answers without show_form, which Klarna deprecated for it.
    assert sdk.next_callback() == {"approved": False}
    assert emulator.store.authorizations == {}


def test_escape_closes_the_dialog_as_an_abort_and_returns_focus(
    sdk: SdkPage, merchant: EmulatorMerchant
) -> None:
    ready_to_buy(sdk, merchant, gb_cart(), "pay_later")

    sdk.buy("authorize", PAY_LATER, {"billing_address": shopper_gb()})
    expect(sdk.dialog.get_by_label("Verification code")).to_be_focused()
    sdk.page.keyboard.press("Escape")

    assert sdk.next_callback() == {"approved": False, "show_form": True}
    expect(sdk.page.get_by_role("button", name="Buy")).to_be_focused()
    events = [name for name, *_ in sdk.events() if name.startswith("fullscreen")]
    assert events == ["fullscreenOverlayShown", "fullscreenOverlayHidden"]


def test_dialog_is_keyboard_operable_and_keeps_focus_inside(
    sdk: SdkPage, merchant: EmulatorMerchant
) -> None:
    ready_to_buy(sdk, merchant, gb_cart(), "pay_later")
    sdk.buy("authorize", PAY_LATER, {"billing_address": shopper_gb()})
    dialog = sdk.dialog
    code = dialog.get_by_label("Verification code")
    expect(code).to_be_focused()
    frame = sdk.page.frame_locator(DIALOG_FRAME)
    focus_order = ["close", "email", "phone", "code", "confirm"]

    seen = []
    for _ in range(len(focus_order) * 2):
        sdk.page.keyboard.press("Tab")
        seen.append(frame.locator(":focus").get_attribute("id"))
    sdk.page.keyboard.press("Shift+Tab")
    backwards = frame.locator(":focus").get_attribute("id")

    # From the code field: confirm, then round again from the top, never leaving the dialog.
    assert seen == ["confirm", *focus_order, *focus_order[:-1]]
    assert backwards == "phone"
    code.focus()
    sdk.page.keyboard.type("123456")
    sdk.page.keyboard.press("Enter")
    assert sdk.next_callback()["approved"] is True


def is_inert(sdk: SdkPage, selector: str) -> bool:
    """Whether the page's element is inert (out of reach of screen readers, pointer and keys)."""
    inert: bool = sdk.page.evaluate(
        "(selector) => document.querySelector(selector).closest('[inert]') !== null", selector
    )
    return inert


def test_the_page_behind_the_open_dialog_is_inert_until_it_closes(
    sdk: SdkPage, merchant: EmulatorMerchant
) -> None:
    ready_to_buy(sdk, merchant, gb_cart(), "pay_later")
    sdk.page.evaluate("() => { document.querySelector('h1').inert = true; }")

    sdk.buy("authorize", PAY_LATER, {"billing_address": shopper_gb()})
    expect(sdk.dialog).to_be_visible()
    while_open = {
        selector: is_inert(sdk, selector)
        for selector in ("#buy", "#klarna-container", DIALOG_FRAME)
    }
    sdk.dialog.get_by_role("button", name="Close").click()
    sdk.next_callback()

    assert while_open == {
        "#buy": True,
        "#klarna-container": True,
        DIALOG_FRAME: False,
    }
    assert is_inert(sdk, "#buy") is False
    assert is_inert(sdk, "#klarna-container") is False
    # What the page had made inert itself stays so.
    assert is_inert(sdk, "h1") is True


@pytest.mark.parametrize(
    ("method", "failed"),
    [
        ("authorize", {"approved": False, "show_form": False}),
        ("reauthorize", {"approved": False}),
    ],
)
def test_a_purchase_frame_the_emulator_refused_fails_the_call(
    sdk: SdkPage,
    merchant: EmulatorMerchant,
    console_errors: list[str],
    method: str,
    failed: dict[str, Any],
) -> None:
    ready_to_buy(sdk, merchant, gb_cart(), "pay_later")
    sdk.refuse_frames("purchase")

    sdk.buy(method, PAY_LATER, {"billing_address": shopper_gb()})

    assert sdk.next_callback() == failed
    assert any(f"{method}() failed: FrameNotStartedError" in error for error in console_errors)
    expect(sdk.page.locator(DIALOG_FRAME)).to_have_count(0)
    assert [name for name, *_ in sdk.events() if name.startswith("fullscreen")] == []
    assert sdk.thrown(method, PAY_LATER, {"billing_address": shopper_gb()}) is None


def test_the_failing_code_shows_an_error_and_lets_the_shopper_retry(
    sdk: SdkPage, merchant: EmulatorMerchant
) -> None:
    ready_to_buy(sdk, merchant, gb_cart(), "pay_later")
    sdk.buy("authorize", PAY_LATER, {"billing_address": shopper_gb()})

    sdk.confirm("999999")

    expect(sdk.dialog.get_by_text("That code is not valid")).to_be_visible()
    expect(sdk.dialog.get_by_label("Verification code")).to_have_attribute("aria-invalid", "true")
    assert sdk.callbacks_so_far() == 0
    sdk.confirm("000001")
    assert sdk.next_callback()["approved"] is True


def test_a_code_that_is_not_six_digits_is_refused_in_the_dialog(
    sdk: SdkPage, merchant: EmulatorMerchant
) -> None:
    ready_to_buy(sdk, merchant, gb_cart(), "pay_later")
    sdk.buy("authorize", PAY_LATER, {"billing_address": shopper_gb()})

    sdk.confirm("12a4")

    expect(sdk.dialog.get_by_text("Enter the 6-digit code.")).to_be_visible()
    assert sdk.callbacks_so_far() == 0


def test_a_denied_shopper_sees_the_decline_and_gets_show_form_false(
    sdk: SdkPage, merchant: EmulatorMerchant, emulator: Emulator
) -> None:
    ready_to_buy(sdk, merchant, gb_cart(), "pay_later")
    sdk.buy("authorize", PAY_LATER, {"billing_address": shopper(email="customer+denied@email.uk")})

    sdk.confirm()
    expect(sdk.dialog).to_have_accessible_name("Purchase not approved")
    sdk.dialog.get_by_role("button", name="Back to the shop").click()

    assert sdk.next_callback() == {"approved": False, "show_form": False}
    assert emulator.store.authorizations == {}


def test_authorize_without_auto_finalize_then_finalize(
    sdk: SdkPage, merchant: EmulatorMerchant, emulator: Emulator
) -> None:
    ready_to_buy(sdk, merchant, se_session(), "pay_now")

    sdk.buy("authorize", {**PAY_NOW, "auto_finalize": False}, {"billing_address": shopper_se()})
    sdk.confirm()
    first = sdk.next_callback()
    sdk.buy("finalize", PAY_NOW, {})
    expect(sdk.dialog).to_have_accessible_name("Confirm your payment")
    sdk.confirm()
    finalized = sdk.next_callback()

    assert first == {"approved": True, "show_form": True, "finalize_required": True}
    assert finalized["approved"] is True
    assert finalized["authorization_token"] in emulator.store.authorizations


def test_finalize_without_a_pending_authorization_fails_and_says_why(
    sdk: SdkPage, merchant: EmulatorMerchant, console_errors: list[str]
) -> None:
    ready_to_buy(sdk, merchant, gb_cart(), "pay_later")

    sdk.buy("finalize", PAY_LATER, {"billing_address": shopper_gb()})

    assert sdk.next_callback() == {"approved": False, "show_form": False}
    assert any("finalize() failed: FinalizeNotRequiredError" in error for error in console_errors)


def test_reauthorize_answers_without_show_form(
    sdk: SdkPage, merchant: EmulatorMerchant, emulator: Emulator
) -> None:
    session = merchant.create_session(gb_cart())
    sdk.init(session["client_token"])  # reauthorize() needs no widget

    sdk.buy("reauthorize", PAY_LATER, {"billing_address": shopper_gb()})
    expect(sdk.dialog).to_have_accessible_name("Confirm your updated purchase")
    sdk.confirm()
    approved = sdk.next_callback()
    sdk.buy("reauthorize", PAY_LATER, {"billing_address": shopper(phone="12")})
    invalid = sdk.next_callback()

    assert approved == {"approved": True, "authorization_token": approved["authorization_token"]}
    assert invalid == {"approved": False, "error": {"invalid_fields": ["billing_address.phone"]}}


def test_two_argument_authorize_uses_the_session_billing_address(
    sdk: SdkPage, merchant: EmulatorMerchant
) -> None:
    ready_to_buy(sdk, merchant, {**gb_cart(), "billing_address": shopper_gb()}, "pay_later")

    sdk.buy("authorize", PAY_LATER)
    expect(sdk.dialog.get_by_label("Email")).to_have_value("customer@email.uk")
    sdk.confirm()

    assert sdk.next_callback()["approved"] is True


def test_two_argument_reauthorize_uses_the_session_billing_address(
    sdk: SdkPage, merchant: EmulatorMerchant
) -> None:
    session = merchant.create_session({**gb_cart(), "billing_address": shopper_gb()})
    sdk.init(session["client_token"])

    sdk.buy("reauthorize", PAY_LATER)
    expect(sdk.dialog.get_by_label("Email")).to_have_value("customer@email.uk")
    sdk.confirm()
    payload = sdk.next_callback()

    assert payload == {"approved": True, "authorization_token": payload["authorization_token"]}


@pytest.mark.parametrize(
    "first_argument", [PAY_NOW, {"billing_address": shopper_se()}], ids=["options", "data"]
)
def test_two_argument_finalize_completes_the_authorization(
    sdk: SdkPage, merchant: EmulatorMerchant, emulator: Emulator, first_argument: dict[str, Any]
) -> None:
    ready_to_buy(sdk, merchant, se_session(), "pay_now")
    sdk.buy("authorize", {**PAY_NOW, "auto_finalize": False}, {"billing_address": shopper_se()})
    sdk.confirm()
    assert sdk.next_callback()["finalize_required"] is True

    sdk.buy("finalize", first_argument)
    expect(sdk.dialog).to_have_accessible_name("Confirm your payment")
    sdk.confirm()
    finalized = sdk.next_callback()

    assert finalized["approved"] is True
    authorization = emulator.store.authorizations[finalized["authorization_token"]]
    assert authorization.payment_method_category == "pay_now"


def test_authorize_with_data_first_and_no_category_uses_the_loaded_one(
    sdk: SdkPage, merchant: EmulatorMerchant, emulator: Emulator
) -> None:
    ready_to_buy(sdk, merchant, gb_cart(), "pay_later")

    sdk.buy("authorize", {"billing_address": shopper_gb()})
    sdk.confirm()
    token = sdk.next_callback()["authorization_token"]

    assert emulator.store.authorizations[token].payment_method_category == "pay_later"


def test_a_second_authorize_while_the_dialog_is_open_throws(
    sdk: SdkPage, merchant: EmulatorMerchant
) -> None:
    ready_to_buy(sdk, merchant, gb_cart(), "pay_later")
    sdk.buy("authorize", PAY_LATER, {"billing_address": shopper_gb()})
    expect(sdk.dialog).to_be_visible()

    error = sdk.thrown("authorize", PAY_LATER, {"billing_address": shopper_gb()})

    assert error is not None
    assert error["name"] == "PurchaseInProgressError"


def test_the_dialog_fits_a_phone_screen(sdk: SdkPage, merchant: EmulatorMerchant) -> None:
    sdk.page.set_viewport_size({"width": 390, "height": 844})
    ready_to_buy(sdk, merchant, gb_cart(), "pay_later")

    sdk.buy("authorize", PAY_LATER, {"billing_address": shopper_gb()})

    confirm = sdk.dialog.get_by_role("button", name="Confirm and pay £24.99")
    expect(confirm).to_be_in_viewport()
    box = sdk.dialog.bounding_box()
    assert box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
