"""The JS SDK at Klarna's CDN path, its two iframe pages, and the JSON calls those pages make.

Only the frames (on this origin) call the JSON endpoints; the shop's page talks to the frames
with postMessage, never to these endpoints, so they need no CORS.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, jsonify, request

from klarna_emulator.emulator import current_emulator
from klarna_emulator.sdk.fields import frame_call, shopper_data, text
from klarna_emulator.sdk.pages import frame_page
from klarna_emulator.sdk.purchase import PurchaseCall, confirm_purchase, review_purchase
from klarna_emulator.sdk.widget import load_widget

# The same path as on Klarna's CDN (https://x.klarnacdn.net/kp/lib/v1/api.js), so a shop
# switches between Klarna and the emulator by changing the origin only.
SDK_PATH = "/kp/lib/v1/api.js"
SDK_SCRIPT = Path(__file__).resolve().parent.parent / "static" / "sdk" / "api.js"
FRAMES = "/kp/sdk/v1"

bp = Blueprint("sdk", __name__)


@bp.get(SDK_PATH)
def api_js() -> Response:
    """The SDK script; revalidated on every load (ETag) so a restarted emulator is never stale."""
    response = Response(SDK_SCRIPT.read_bytes(), mimetype="text/javascript")
    response.cache_control.no_cache = True
    response.add_etag()
    response.make_conditional(request)  # in place: a 304 when the ETag still matches
    return response


@bp.get(f"{FRAMES}/widget")
def widget_page() -> Response:
    """The widget iframe (filled in by its script after the SDK's `load`)."""
    return frame_page("sdk/widget.html")


@bp.get(f"{FRAMES}/purchase")
def purchase_page() -> Response:
    """The purchase dialog iframe (filled in by its script after the SDK's `authorize`)."""
    return frame_page("sdk/purchase.html")


@bp.post(f"{FRAMES}/load")
def load() -> Response:
    """`load()`: `{client_token, payment_method_category, data?}` -> `{result, offered, widget}`."""
    body = frame_call()
    return jsonify(
        load_widget(
            current_emulator().payments,
            text(body, "client_token"),
            text(body, "payment_method_category"),
            shopper_data(body),
        )
    )


@bp.post(f"{FRAMES}/purchase/review")
def review() -> Response:
    """The dialog's first step: `{review}` to show, or `{result}` when it must not open."""
    emulator = current_emulator()
    call = PurchaseCall.from_json(frame_call())
    return jsonify(review_purchase(emulator.payments, emulator.settings, call))


@bp.post(f"{FRAMES}/purchase/confirm")
def confirm() -> Response:
    """The shopper confirmed with a code: `{result}`, or `{verification_error}` to retry."""
    body = frame_call()
    call = PurchaseCall.from_json(body)
    return jsonify(
        confirm_purchase(current_emulator().payments, call, body.get("verification_code"))
    )
