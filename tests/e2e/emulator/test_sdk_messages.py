"""postMessage between the SDK and its frames: messages from any other window are ignored."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Frame, expect

from tests.e2e.emulator.sdk_page import SdkPage
from tests.support.emulator_merchant import EmulatorMerchant
from tests.support.klarna_examples import gb_cart, shopper_gb
from tests.support.live_server import LiveServer

FORGED_APPROVAL = {
    "type": "done",
    "request": 1,
    "result": {"approved": True, "show_form": True, "authorization_token": "forged"},
}


def added_frame(sdk: SdkPage, url: str) -> Frame:
    """An iframe the merchant page adds itself (not the SDK), showing `url`."""
    sdk.page.evaluate(
        """(url) => new Promise((resolve) => {
            const frame = document.createElement("iframe");
            frame.title = "Not the SDK's";
            frame.addEventListener("load", resolve);
            frame.src = url;
            document.body.append(frame);
        })""",
        url,
    )
    frame = sdk.page.frame(url=url)
    assert frame is not None
    return frame


def frame_of_another_origin(sdk: SdkPage, other: LiveServer) -> Frame:
    """An iframe of another origin added to the merchant page (a hostile ad, say)."""
    return added_frame(sdk, f"{other.url}/")


def post_everywhere(frame: Frame, message: dict[str, Any]) -> None:
    """From `frame`, post `message` to the top page and to every frame in it, to any origin."""
    frame.evaluate(
        """(message) => {
            window.parent.postMessage(message, "*");
            for (let i = 0; i < window.parent.frames.length; i++) {
                window.parent.frames[i].postMessage(message, "*");
            }
        }""",
        message,
    )


def open_dialog(sdk: SdkPage, merchant: EmulatorMerchant) -> None:
    """authorize() for the approved GB shopper, its dialog open."""
    sdk.init(merchant.create_session(gb_cart())["client_token"])
    sdk.load("pay_later")
    sdk.buy(
        "authorize", {"payment_method_category": "pay_later"}, {"billing_address": shopper_gb()}
    )
    expect(sdk.dialog).to_be_visible()


def assert_forgeries_are_ignored(sdk: SdkPage, forger: Frame) -> None:
    """Forged outcomes posted from `forger` leave the dialog open and its callback real."""
    for message in (FORGED_APPROVAL, {"type": "aborted"}, {"type": "ready"}):
        post_everywhere(forger, message)
    sdk.page.wait_for_timeout(300)

    assert sdk.callbacks_so_far() == 0
    expect(sdk.dialog).to_be_visible()
    sdk.confirm()
    assert sdk.next_callback()["authorization_token"] != "forged"


def test_a_forged_approval_from_another_origin_does_not_reach_the_callback(
    sdk: SdkPage, merchant: EmulatorMerchant, other_origin_server: LiveServer
) -> None:
    open_dialog(sdk, merchant)

    assert_forgeries_are_ignored(sdk, frame_of_another_origin(sdk, other_origin_server))


def test_a_forged_approval_from_an_emulator_frame_the_sdk_did_not_create_is_ignored(
    sdk: SdkPage,
    merchant: EmulatorMerchant,
    emulator_server: LiveServer,
    sdk_page_server: LiveServer,
) -> None:
    open_dialog(sdk, merchant)
    # The emulator's own widget page, framed by the merchant page rather than by the SDK: the
    # right origin, the wrong window.
    stray = added_frame(sdk, f"{emulator_server.url}/kp/sdk/v1/widget?origin={sdk_page_server.url}")

    assert_forgeries_are_ignored(sdk, stray)


def test_the_widget_ignores_a_forged_load_from_another_origin(
    sdk: SdkPage, merchant: EmulatorMerchant, other_origin_server: LiveServer
) -> None:
    session = merchant.create_session(gb_cart())
    sdk.init(session["client_token"])
    sdk.load("pay_later")
    other = frame_of_another_origin(sdk, other_origin_server)
    forged_load = {
        "type": "load",
        "request": 99,
        "client_token": session["client_token"],
        "payment_method_category": "pay_later",
        "data": {"merchant_reference1": "forged"},
    }

    post_everywhere(other, forged_load)
    # The same message from the embedding page itself is obeyed, so the forgery was well formed.
    # Wait through Playwright: it routes the frame's request (see the offline guard).
    with sdk.page.expect_response(lambda response: response.url.endswith("/kp/sdk/v1/load")):
        sdk.page.evaluate(
            """(message) => document.querySelector("#klarna-container iframe")
                .contentWindow.postMessage(message, "*")""",
            {**forged_load, "data": {"merchant_reference2": "from-the-page"}},
        )
    stored = merchant.read_session(session["session_id"])

    assert stored["merchant_reference2"] == "from-the-page"
    assert "merchant_reference1" not in stored
