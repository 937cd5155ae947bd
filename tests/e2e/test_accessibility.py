"""axe-core (WCAG 2.1 A and AA) on every shopper page and state, in every market and language at a
desktop and a phone width: no serious or critical violation.

The pages are reached without reading their text, so the check holds in every language: forms
are posted with the page's CSRF token through the browser's own cookies, and Klarna's
authorize() is done through the emulator's control plane. axe-core is pinned by
package-lock.json (`npm ci`, which `make test` runs) and runs in the page and in the Klarna
widget's frame.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Frame, Page, expect

from storefront.klarna.playground_shoppers import Outcome, sample_email
from tests.support.browser_shopper import choose_market, place_authorized, post_form, reach_payment
from tests.support.live_server import LiveServer
from tests.support.markdown import ROOT

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
BLOCKING = {"serious", "critical"}
# Runs axe on the document it is injected into; frames are audited one by one instead.
RUN_AXE = """() => axe.run(document, {
  iframes: false,
  runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
}).then(result => result.violations.map(v => ({
  id: v.id, impact: v.impact, targets: v.nodes.map(n => n.target.join(" ")).slice(0, 3),
})))"""


def violations_in(frame: Frame) -> list[dict[str, Any]]:
    """axe's violations in one frame (its script is evaluated, not loaded, so CSP allows it)."""
    if not frame.evaluate("() => typeof axe !== 'undefined'"):
        frame.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    found: list[dict[str, Any]] = frame.evaluate(RUN_AXE)
    return found


def audit(page: Page, state: str, findings: list[str]) -> None:
    """Record the serious and critical violations of the page and its frames."""
    page.wait_for_load_state("load")
    for frame in page.frames:
        if frame.url.startswith("http"):
            for violation in violations_in(frame):
                if violation["impact"] in BLOCKING:
                    where = "" if frame is page.main_frame else f" (frame {frame.url[:60]})"
                    findings.append(
                        f"{state}{where}: {violation['id']} [{violation['impact']}] "
                        f"{violation['targets']}"
                    )


def submit_details_empty(page: Page) -> None:
    """Send the details form with nothing filled in (the browser's own checks switched off)."""
    with page.expect_navigation():
        page.locator("form[action$='/checkout/details']").evaluate(
            "form => { form.noValidate = true; form.requestSubmit(); }"
        )


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize(
    ("market", "language"),
    # Each market in its own language (US and GB English, DE German, SE Swedish), and the two
    # markets whose pages can also be read in English.
    [("US", None), ("GB", None), ("DE", None), ("SE", None), ("DE", "en"), ("SE", "en")],
)
def test_shopper_pages_have_no_serious_accessibility_violations(
    page: Page, emulator_server: LiveServer, market: str, language: str | None, width: str
) -> None:
    if not AXE.is_file():
        pytest.fail(f"{AXE.relative_to(ROOT)} is missing: run `npm ci` (make test does)")
    page.set_viewport_size(dict(zip(("width", "height"), WIDTHS[width], strict=True)))
    findings: list[str] = []
    choose_market(page, market, language)
    expected = language or {"DE": "de", "SE": "sv"}.get(market, "en")
    expect(page.locator("html")).to_have_attribute("lang", expected)
    audit(page, "home", findings)
    page.locator("a[href^='/products/']").first.click()
    audit(page, "product", findings)
    post_form(page, "/cart/add", {"sku": "MUG-STN", "quantity": "2"})
    page.goto("/cart")
    audit(page, "cart", findings)
    page.goto("/checkout/details")
    audit(page, "details", findings)
    submit_details_empty(page)
    audit(page, "details with errors", findings)
    state = reach_payment(page, market)
    audit(page, "payment", findings)
    place_authorized(page, emulator_server, state)
    audit(page, "confirmation", findings)
    page.goto("/orders/lookup")
    audit(page, "order lookup", findings)

    place_authorized(
        page,
        emulator_server,
        reach_payment(page, market, email=sample_email(market, Outcome.HELD_THEN_ACCEPTED)),
    )
    audit(page, "confirmation, pending", findings)

    reach_payment(page, market, email=sample_email(market, Outcome.DECLINED))
    post_form(page, "/checkout/payment/declined", {})
    page.goto("/checkout/payment")
    expect(page.locator("#klarna-problem")).to_be_visible()
    audit(page, "payment, declined", findings)
    assert findings == [], "\n".join(findings)
