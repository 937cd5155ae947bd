"""The SDK's surface: loading, init, Klarna's error names, events, and what is not emulated."""

from __future__ import annotations

import base64
import json

import pytest

from tests.e2e.emulator.sdk_page import SdkPage
from tests.support.emulator_merchant import EmulatorMerchant
from tests.support.klarna_examples import gb_cart


def segment(value: dict) -> str:
    """One base64url JWT segment."""
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def test_sdk_defines_klarna_payments_then_calls_klarna_async_callback(sdk: SdkPage) -> None:
    methods = sdk.page.evaluate(
        "() => ['init', 'load', 'authorize', 'reauthorize', 'finalize', 'on', 'off']"
        ".filter((name) => typeof Klarna.Payments[name] === 'function')"
    )

    assert sdk.page.evaluate("() => window.sdkReady") is True
    assert methods == ["init", "load", "authorize", "reauthorize", "finalize", "on", "off"]


def test_init_accepts_a_client_token_the_emulator_issued(
    sdk: SdkPage, merchant: EmulatorMerchant
) -> None:
    token = merchant.create_session(gb_cart())["client_token"]

    assert sdk.thrown("init", {"client_token": token}) is None


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        "",
        None,
        "a.b",
        "!!!.???.***",
        f"{segment({'alg': 'none'})}.bm90IGpzb24.c2ln",
        # Klarna's own playground token shape: a real JWT, not issued by the emulator.
        f"{segment({'alg': 'RS256', 'kid': '82305ebc'})}.{segment({'session_id': 'x'})}.c2ln",
        f"{segment({'alg': 'HS256', 'kid': 'klarna-emulator'})}.{segment({'no': 'id'})}.c2ln",
    ],
)
def test_init_throws_invalid_client_token_error_for_a_bad_token(
    sdk: SdkPage, token: str | None
) -> None:
    error = sdk.page.evaluate(
        """(token) => {
            try { Klarna.Payments.init({ client_token: token }); return null; }
            catch (error) { return { name: error.name, isError: error instanceof Error }; }
        }""",
        token,
    )

    assert error == {"name": "InvalidClientTokenError", "isError": True}


@pytest.mark.parametrize(
    ("method", "args"),
    [
        ("load", [{"container": "#klarna-container", "payment_method_category": "pay_later"}]),
        ("authorize", [{"payment_method_category": "pay_later"}, {}]),
        ("reauthorize", [{"payment_method_category": "pay_later"}]),
        ("finalize", [{"payment_method_category": "pay_later"}]),
    ],
)
def test_methods_before_init_throw_application_not_initialized(
    sdk: SdkPage, method: str, args: list
) -> None:
    error = sdk.thrown(method, *args)

    assert error is not None
    assert error["name"] == "ApplicationNotInitializedError"


def test_authorize_before_load_throws_application_not_loaded(
    sdk: SdkPage, merchant: EmulatorMerchant
) -> None:
    sdk.init(merchant.create_session(gb_cart())["client_token"])

    error = sdk.thrown("authorize", {"payment_method_category": "pay_later"}, {})

    assert error is not None
    assert error["name"] == "ApplicationNotLoadedError"


def test_authorize_of_a_category_not_offered_throws_not_supported(
    sdk: SdkPage, merchant: EmulatorMerchant
) -> None:
    sdk.init(merchant.create_session(gb_cart())["client_token"])
    sdk.load("pay_now")

    error = sdk.thrown("authorize", {"payment_method_category": "pay_now"}, {})

    assert error is not None
    assert error["name"] == "PaymentMethodCategoryNotSupportedError"


@pytest.mark.parametrize("method", ["loadPaymentReview", "somethingElse"])
def test_methods_klarna_has_but_the_emulator_lacks_throw_naming_the_method(
    sdk: SdkPage, method: str
) -> None:
    error = sdk.thrown(method, {"container": "#klarna-container"})

    assert error is not None
    assert error["name"] == "NotEmulatedError"
    assert f"Klarna.Payments.{method}() is not emulated" in error["message"]


def test_several_categories_in_one_widget_are_not_emulated(
    sdk: SdkPage, merchant: EmulatorMerchant
) -> None:
    sdk.init(merchant.create_session(gb_cart())["client_token"])

    error = sdk.thrown(
        "load",
        {"container": "#klarna-container", "payment_method_categories": ["pay_later"]},
    )

    assert error is not None
    assert error["name"] == "NotEmulatedError"


def test_klarna_payments_is_not_mistaken_for_a_promise(sdk: SdkPage) -> None:
    kind = sdk.page.evaluate(
        """async () => {
            const resolved = await Promise.resolve(Klarna.Payments);
            return `${typeof Klarna.Payments.then} ${typeof resolved.init}`;
        }"""
    )

    assert kind == "undefined function"


def test_on_rejects_an_event_it_does_not_have(sdk: SdkPage) -> None:
    error = sdk.page.evaluate(
        """() => {
            try { Klarna.Payments.on("loaded", () => {}); return null; }
            catch (error) { return error.name; }
        }"""
    )

    assert error == "EventNotSupportedError"


def test_off_stops_an_event_handler(sdk: SdkPage, merchant: EmulatorMerchant) -> None:
    sdk.init(merchant.create_session(gb_cart())["client_token"])
    sdk.page.evaluate(
        """() => {
            window.heights = [];
            window.onHeight = (height) => window.heights.push(height);
            Klarna.Payments.on("heightChanged", window.onHeight);
            Klarna.Payments.off("heightChanged", window.onHeight);
        }"""
    )

    sdk.load("pay_later")
    sdk.page.wait_for_function("() => window.events.some(([name]) => name === 'heightChanged')")

    assert sdk.page.evaluate("() => window.heights") == []
