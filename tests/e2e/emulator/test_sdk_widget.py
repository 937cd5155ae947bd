"""The widget: `load()` renders an iframe from the emulator showing the category and its plan."""

from __future__ import annotations

import base64
import json

import requests
from playwright.sync_api import expect

from klarna_emulator.emulator import Emulator
from tests.e2e.emulator.sdk_page import SdkPage
from tests.support.emulator_client import control_headers
from tests.support.emulator_merchant import EmulatorMerchant
from tests.support.klarna_examples import gb_cart, gb_cart_with_tees, se_session, shopper_gb
from tests.support.live_server import LiveServer


def test_load_renders_an_offered_category_with_its_plan(
    sdk: SdkPage, merchant: EmulatorMerchant, console_errors: list[str]
) -> None:
    session = merchant.create_session(gb_cart())
    sdk.init(session["client_token"])

    payload = sdk.load("pay_later")

    assert payload == {"show_form": True}
    widget = sdk.widget()
    expect(widget.get_by_text("Pay later.")).to_be_visible()
    expect(widget.get_by_text("Pay in 30 days: £24.99")).to_be_visible()
    assert console_errors == []


def test_load_reports_the_widget_height(sdk: SdkPage, merchant: EmulatorMerchant) -> None:
    sdk.init(merchant.create_session(gb_cart())["client_token"])

    sdk.load("pay_later")

    sdk.page.wait_for_function(
        "() => window.events.some(([name, height]) => name === 'heightChanged' && height > 0)"
    )
    heights = [args[0] for name, *args in sdk.events() if name == "heightChanged"]
    assert heights[0] > 0
    box = sdk.page.locator("#klarna-container iframe").bounding_box()
    assert box is not None
    assert round(box["height"]) == heights[-1]


def test_the_widget_has_its_height_when_loads_callback_runs(
    sdk: SdkPage, merchant: EmulatorMerchant
) -> None:
    """A page enables its Buy button in load()'s callback: the widget must not be 0 px then."""
    sdk.init(merchant.create_session(gb_cart())["client_token"])

    height = sdk.page.evaluate(
        """() => new Promise((resolve) => Klarna.Payments.load(
            { container: "#klarna-container", payment_method_category: "pay_later" },
            () => resolve(document.querySelector("#klarna-container iframe")
                .getBoundingClientRect().height),
        ))"""
    )

    assert height > 0


def test_load_hides_the_form_for_a_category_the_session_does_not_offer(
    sdk: SdkPage, merchant: EmulatorMerchant
) -> None:
    sdk.init(merchant.create_session(gb_cart())["client_token"])

    payload = sdk.load("pay_now")  # direct debit is not offered in GB

    assert payload == {"show_form": False}
    expect(sdk.widget().get_by_text("not available for this purchase")).to_be_visible()


def test_load_hides_the_form_for_the_red_shopper(sdk: SdkPage, merchant: EmulatorMerchant) -> None:
    sdk.init(merchant.create_session(gb_cart())["client_token"])

    payload = sdk.load(
        "pay_later", {"billing_address": {**shopper_gb(), "email": "customer+red@email.uk"}}
    )

    assert payload == {"show_form": False}


def test_load_answers_invalid_fields_in_its_data(sdk: SdkPage, merchant: EmulatorMerchant) -> None:
    sdk.init(merchant.create_session(gb_cart())["client_token"])

    payload = sdk.load("pay_later", {"billing_address": {**shopper_gb(), "email": "nobody"}})

    assert payload == {"show_form": True, "error": {"invalid_fields": ["billing_address.email"]}}


def test_load_with_data_updates_the_session(sdk: SdkPage, merchant: EmulatorMerchant) -> None:
    session = merchant.create_session(gb_cart())
    sdk.init(session["client_token"])

    sdk.load("pay_later", {**gb_cart_with_tees(3), "merchant_reference1": "ORDER-17"})

    stored = merchant.read_session(session["session_id"])
    assert (stored["order_amount"], stored["merchant_reference1"]) == (3499, "ORDER-17")
    expect(sdk.widget().get_by_text("Pay in 30 days: £34.99")).to_be_visible()


def test_load_again_after_a_server_side_update_shows_the_new_amount(
    sdk: SdkPage, merchant: EmulatorMerchant
) -> None:
    session = merchant.create_session(gb_cart_with_tees(2))
    sdk.init(session["client_token"])
    assert sdk.load("pay_later") == {"show_form": True}
    expect(sdk.widget().get_by_text("Pay in 30 days: £24.99")).to_be_visible()
    # pay_over_time starts at £50 in GB: the cart is under it.
    assert sdk.load("pay_over_time", container="#second-container") == {"show_form": False}

    merchant.update_session(session["session_id"], gb_cart_with_tees(6))
    first = sdk.load("pay_later")
    second = sdk.load("pay_over_time", container="#second-container")

    assert (first, second) == ({"show_form": True}, {"show_form": True})
    expect(sdk.widget().get_by_text("Pay in 30 days: £64.99")).to_be_visible()
    plan = "3 interest-free payments: £21.67 today, then 2 of £21.66"
    expect(sdk.widget("#second-container").get_by_text(plan)).to_be_visible()


def test_load_formats_the_amount_for_the_session_locale(
    sdk: SdkPage, merchant: EmulatorMerchant
) -> None:
    sdk.init(merchant.create_session(se_session())["client_token"])

    sdk.load("pay_now")

    # en-SE (Babel's CLDR data) writes a decimal comma and kronor after the amount.
    expect(sdk.widget().get_by_text("Pay now: 95,00\u00a0kr")).to_be_visible()


def test_load_takes_the_container_as_an_element(sdk: SdkPage, merchant: EmulatorMerchant) -> None:
    sdk.init(merchant.create_session(gb_cart())["client_token"])

    payload = sdk.page.evaluate(
        """() => new Promise((resolve) => Klarna.Payments.load(
            {container: document.getElementById("second-container"),
             payment_method_category: "pay_later"},
            resolve,
        ))"""
    )

    assert payload == {"show_form": True}
    expect(sdk.widget("#second-container").get_by_text("Pay later.")).to_be_visible()


def test_load_throws_for_a_container_that_does_not_exist(
    sdk: SdkPage, merchant: EmulatorMerchant
) -> None:
    sdk.init(merchant.create_session(gb_cart())["client_token"])

    for container in ("#missing", "<not a selector>", None):
        error = sdk.thrown("load", {"container": container, "payment_method_category": "pay_later"})
        assert error is not None
        assert error["name"] == "InvalidContainerSelectorError"


def test_load_throws_without_a_category(sdk: SdkPage, merchant: EmulatorMerchant) -> None:
    sdk.init(merchant.create_session(gb_cart())["client_token"])

    error = sdk.thrown("load", {"container": "#klarna-container"})

    assert error is not None
    assert error["name"] == "PaymentMethodCategoryNotProvidedError"


def forged_token(real_token: str) -> str:
    """A token shaped like the emulator's, for the same session, with a made-up signature."""
    header, payload, _signature = real_token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["merchant_name"] = "Someone else"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.c2lnbmF0dXJl"


def test_load_with_a_forged_token_hides_the_form_and_says_why(
    sdk: SdkPage, merchant: EmulatorMerchant, console_errors: list[str]
) -> None:
    sdk.init(forged_token(merchant.create_session(gb_cart())["client_token"]))

    payload = sdk.load("pay_later")

    assert payload == {"show_form": False}
    assert any("load() failed: InvalidClientTokenError" in error for error in console_errors)


def test_init_takes_an_expired_sessions_token_and_load_hides_the_form(
    sdk: SdkPage,
    merchant: EmulatorMerchant,
    emulator: Emulator,
    emulator_server: LiveServer,
    console_errors: list[str],
) -> None:
    token = merchant.create_session(gb_cart())["client_token"]
    lifetime = emulator.settings.session_lifetime_seconds
    expired = requests.post(
        f"{emulator_server.url}/_emulator/clock",
        json={"advance_seconds": lifetime},
        headers=control_headers(emulator_server.app),
        timeout=10,
    )
    assert expired.status_code == 200

    # init() is synchronous, as Klarna's: it checks the token's shape, not its session's life.
    assert sdk.thrown("init", {"client_token": token}) is None
    payload = sdk.load("pay_later")

    assert payload == {"show_form": False}
    assert any("load() failed: NOT_FOUND: Invalid session id" in e for e in console_errors)


def test_load_gives_up_on_a_widget_frame_the_emulator_refused(
    sdk: SdkPage, merchant: EmulatorMerchant, console_errors: list[str]
) -> None:
    sdk.init(merchant.create_session(gb_cart())["client_token"])
    refused = sdk.refuse_frames("widget")

    # Recorded rather than awaited: a load() that never calls back fails the wait.
    sdk.thrown("load", {"container": "#klarna-container", "payment_method_category": "pay_later"})

    assert sdk.next_callback() == {"show_form": False}
    assert any("load() failed: FrameNotStartedError" in error for error in console_errors)
    expect(sdk.page.locator("#klarna-container iframe")).to_have_count(0)
    # The next load() tries a new frame.
    sdk.page.unroute(refused)
    assert sdk.load("pay_later") == {"show_form": True}
