"""In Chromium, the payment page with Klarna's widget breaks none of its Content-Security-Policy.

Every frame (the shop's page, the widget and the purchase dialog) reports each
`securitypolicyviolation` event to the test through a binding, and the console is watched for
Chromium's "Content Security Policy" messages. The second test breaks the policy on purpose, in
the page and in the widget, to show both ways of noticing work.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from tests.e2e.pages.checkout import CheckoutPage
from tests.support.polling import playwright_sleep, wait_until

# Runs in every frame before its own scripts; injected by the browser, so the CSP allows it.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation({
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    document: event.documentURI,
  });
}, true);
"""
# A different port is a different origin: not this shop's, nor the emulator's.
FOREIGN_IMAGE = "http://127.0.0.1:9/pixel.png"


@dataclass
class CspReports:
    """Violations reported by any frame of the page, and console lines about the CSP."""

    violations: list[dict[str, Any]] = field(default_factory=list)
    console: list[str] = field(default_factory=list)


@pytest.fixture
def csp_reports(page: Page) -> CspReports:
    """Collect every CSP violation of the page and its frames for the whole test."""
    reports = CspReports()

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            reports.console.append(message.text)

    page.expose_binding(
        "reportCspViolation", lambda source, violation: reports.violations.append(violation)
    )
    page.add_init_script(REPORT_VIOLATIONS)
    page.on("console", on_console)
    return reports


def test_payment_page_with_the_widget_and_dialog_has_no_csp_violations(
    page: Page, csp_reports: CspReports
) -> None:
    checkout = CheckoutPage(page)
    checkout.reach_payment("GB", ["Organic Cotton Tee"])
    checkout.ready_to_buy()
    total = page.locator("#order-total")
    one_tee = total.inner_text()
    checkout.set_quantity("Organic Cotton Tee", 3)  # the widget reloads with the new amount
    expect(total).not_to_have_text(one_tee)
    expect(checkout.widget.locator("#plan")).to_contain_text(total.inner_text())
    checkout.pay()
    checkout.expect_order_placed()
    assert csp_reports.violations == []
    assert csp_reports.console == []


def test_a_violation_in_the_page_or_the_widget_is_caught(
    page: Page, csp_reports: CspReports
) -> None:
    checkout = CheckoutPage(page)
    checkout.reach_payment("GB", ["Organic Cotton Tee"])
    checkout.ready_to_buy()
    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.inlineScriptRan = true";
          document.head.append(script);
        }"""
    )
    checkout.widget.locator("body").evaluate(
        "(body, src) => { const image = new Image(); image.src = src; body.append(image); }",
        FOREIGN_IMAGE,
    )
    wait_until(
        lambda: len(csp_reports.violations) >= 2 and len(csp_reports.console) >= 2,
        sleep=playwright_sleep(page),
    )
    by_directive = {v["directive"]: v for v in csp_reports.violations}
    assert by_directive["script-src-elem"]["blocked"] == "inline"
    assert by_directive["img-src"]["blocked"] == FOREIGN_IMAGE
    assert page.evaluate("() => window.inlineScriptRan") is None
