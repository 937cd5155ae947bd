"""The purchase dialog of a subscription sign-up: what the shopper agrees to, and its token."""

from __future__ import annotations

from playwright.sync_api import expect

from klarna_emulator.emulator import Emulator
from tests.e2e.emulator.sdk_page import SdkPage
from tests.e2e.emulator.test_sdk_purchase import PAY_LATER, ready_to_buy
from tests.support.emulator_merchant import EmulatorMerchant
from tests.support.klarna_examples import gb_free_trial_cart, gb_subscription_cart, shopper_gb


def test_a_free_trial_sign_up_charges_nothing_and_names_the_subscription(
    sdk: SdkPage, merchant: EmulatorMerchant, emulator: Emulator, console_errors: list[str]
) -> None:
    ready_to_buy(sdk, merchant, gb_free_trial_cart(), "pay_later")
    expect(sdk.widget().get_by_text("Nothing to pay now")).to_be_visible()

    sdk.buy("authorize", PAY_LATER, {"billing_address": shopper_gb()})

    dialog = sdk.dialog
    expect(dialog.get_by_text("Nothing to pay now")).to_be_visible()
    expect(dialog.get_by_text("£0.00", exact=True)).to_be_hidden()
    expect(dialog.get_by_role("listitem")).to_have_text(["Monthly socks {{S-1}}, every month"])
    sdk.confirm()
    token = sdk.next_callback()["authorization_token"]
    assert emulator.store.authorizations[token].intent == "tokenize"
    assert console_errors == []


def test_a_paid_sign_up_shows_the_amount_and_the_subscription(
    sdk: SdkPage, merchant: EmulatorMerchant
) -> None:
    ready_to_buy(sdk, merchant, gb_subscription_cart("buy_and_tokenize"), "pay_later")

    sdk.buy("authorize", PAY_LATER, {"billing_address": shopper_gb()})

    dialog = sdk.dialog
    expect(dialog.get_by_text("£24.99", exact=True)).to_be_visible()
    expect(dialog.get_by_role("listitem")).to_have_text(["Monthly socks {{S-1}}, every month"])
    expect(dialog.get_by_role("button", name="Confirm and pay £24.99")).to_be_visible()
