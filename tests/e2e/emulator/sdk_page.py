"""Page object: the test merchant page driving the emulator's Klarna.Payments in Chromium."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import FrameLocator, Locator, Page, Route

DIALOG_FRAME = "iframe[title='Klarna purchase']"
# A well-formed origin the emulator refuses to frame into (its host has an underscore).
REFUSED_ORIGIN = "http%3A%2F%2Fshop_1.example"


class SdkPage:
    """Calls Klarna.Payments as a shop's script does and reads what the shopper sees."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.seen_callbacks = 0

    def open(self, url: str) -> SdkPage:
        """Load the page at `url` and wait for the SDK to call `klarnaAsyncCallback`."""
        self.page.goto(url)
        self.page.wait_for_function("() => window.sdkReady === true")
        return self

    def thrown(self, method: str, *args: Any) -> dict[str, str] | None:
        """Call `Klarna.Payments[method](...args, callback)`; the error it throws, if any."""
        return self.page.evaluate(
            """([method, args]) => {
                try {
                    Klarna.Payments[method](...args, window.record);
                    return null;
                } catch (error) {
                    return { name: error.name, message: error.message };
                }
            }""",
            [method, list(args)],
        )

    def init(self, client_token: str) -> None:
        """`Klarna.Payments.init({client_token})`."""
        self.page.evaluate("token => Klarna.Payments.init({ client_token: token })", client_token)

    def load(
        self,
        category: str,
        data: dict[str, Any] | None = None,
        container: str = "#klarna-container",
    ) -> dict[str, Any]:
        """`load({container, payment_method_category}, data?, callback)`; the callback payload
        (the 2-argument form when there is no data)."""
        return self.page.evaluate(
            """([options, data]) => new Promise((resolve) => {
                if (data === null) Klarna.Payments.load(options, resolve);
                else Klarna.Payments.load(options, data, resolve);
            })""",
            [{"container": container, "payment_method_category": category}, data],
        )

    def refuse_frames(self, page: str) -> re.Pattern[str]:
        """Have the emulator refuse its `page` frame ("widget" or "purchase") to this page, as
        it does for an origin it cannot embed into: the real 400, an error page that never
        starts. The route's pattern, for `page.unroute`."""

        def refused(route: Route) -> None:
            url = re.sub(r"origin=[^&]*", f"origin={REFUSED_ORIGIN}", route.request.url)
            answer = route.fetch(url=url)
            assert answer.status == 400, answer.text()
            route.fulfill(response=answer)

        pattern = re.compile(rf"/kp/sdk/v1/{page}\?")
        self.page.route(pattern, refused)
        return pattern

    def buy(self, method: str, *args: Any) -> None:
        """Click Buy, whose handler calls `Klarna.Payments[method](...args, callback)`."""
        self.page.evaluate(
            "purchase => { window.purchase = purchase; }", {"method": method, "args": list(args)}
        )
        self.page.get_by_role("button", name="Buy").click()

    def next_callback(self) -> dict[str, Any]:
        """The next callback payload, waiting for it."""
        self.page.wait_for_function(
            "seen => window.callbacks.length > seen", arg=self.seen_callbacks
        )
        payload: dict[str, Any] = self.page.evaluate(
            "seen => window.callbacks[seen]", self.seen_callbacks
        )
        self.seen_callbacks += 1
        return payload

    def callbacks_so_far(self) -> int:
        """How many callbacks have fired."""
        count: int = self.page.evaluate("() => window.callbacks.length")
        return count

    def events(self) -> list[list[Any]]:
        """The SDK events seen so far, as `[name, ...args]`."""
        events: list[list[Any]] = self.page.evaluate("() => window.events")
        return events

    def widget(self, container: str = "#klarna-container") -> FrameLocator:
        """The widget iframe in a container."""
        return self.page.frame_locator(f"{container} iframe")

    @property
    def dialog(self) -> Locator:
        """The purchase dialog, by its role."""
        return self.page.frame_locator(DIALOG_FRAME).get_by_role("dialog")

    def confirm(self, code: str = "123456") -> None:
        """Type the one-time code into the dialog and confirm."""
        self.dialog.get_by_label("Verification code").fill(code)
        self.dialog.get_by_role("button", name=re.compile(r"^Confirm")).click()
