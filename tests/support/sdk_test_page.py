"""A minimal merchant page for the JS SDK's browser tests, served by the tests (not the shop).

It loads the emulator's SDK under the strict CSP the storefront uses (script-src 'self' plus
the emulator; frame-src the emulator; no inline scripts or styles), records every callback
payload and SDK event in `window.callbacks` / `window.events`, and receives the emulator's
server-to-server authorization callbacks.
"""

from __future__ import annotations

import threading
from typing import Any

from flask import Flask, Response, request

PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>SDK test page</title>
  <script src="/page.js"></script>
  <script async src="{emulator}/kp/lib/v1/api.js"></script>
</head>
<body>
  <h1>SDK test page</h1>
  <div id="klarna-container"></div>
  <div id="second-container"></div>
  <button id="buy" type="button">Buy</button>
</body>
</html>
"""

# Runs before the SDK: the hook Klarna's script calls, recorders, and a Buy button that calls
# `window.purchase.method` with `window.purchase.args` from a real click, as a shop does.
PAGE_SCRIPT = """
window.sdkReady = false;
window.events = [];
window.callbacks = [];
window.record = (payload) => window.callbacks.push(payload);
window.klarnaAsyncCallback = () => {
  window.sdkReady = true;
  for (const name of ["heightChanged", "fullscreenOverlayShown", "fullscreenOverlayHidden"]) {
    Klarna.Payments.on(name, (...args) => window.events.push([name, ...args]));
  }
};
document.addEventListener("click", (event) => {
  if (event.target.id !== "buy") return;
  const { method, args } = window.purchase;
  Klarna.Payments[method](...args, window.record);
});
"""

OTHER_ORIGIN_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Another origin</title></head>
<body><p>A page of another origin.</p></body></html>
"""


def strict_csp(emulator_url: str, other_origin: str) -> str:
    """The storefront's checkout policy, with the emulator as the Klarna origin (and frames
    of `other_origin`, where the tests forge messages from)."""
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' {emulator_url}",
            f"frame-src {emulator_url} {other_origin}",
            "style-src 'self'",
            "img-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
        ]
    )


def other_origin_app() -> Flask:
    """A site of another origin: one blank page at `/`."""
    app = Flask(__name__)

    @app.get("/")
    def blank() -> Response:
        """A page with nothing on it."""
        return Response(OTHER_ORIGIN_PAGE, mimetype="text/html")

    return app


def sdk_test_page_app(emulator_url: str, other_origin: str) -> Flask:
    """The test merchant: `/` (the page), `/page.js` and `/authorization-callback`.

    Authorization callbacks it received are in `app.extensions["authorization_callbacks"]`.
    """
    app = Flask(__name__)
    received: list[dict[str, Any]] = []
    lock = threading.Lock()
    app.extensions["authorization_callbacks"] = received

    @app.get("/")
    def page() -> Response:
        """The merchant page, under the strict policy."""
        response = Response(PAGE.format(emulator=emulator_url), mimetype="text/html")
        response.headers["Content-Security-Policy"] = strict_csp(emulator_url, other_origin)
        return response

    @app.get("/page.js")
    def page_script() -> Response:
        """The page's own script."""
        return Response(PAGE_SCRIPT, mimetype="text/javascript")

    @app.post("/authorization-callback")
    def authorization_callback() -> Response:
        """Klarna's server-to-server callback after an approval: record it, answer 200."""
        with lock:
            received.append(request.get_json(force=True))
        return Response(status=200)

    return app
