"""Smoke: the home page loads in Chromium with the right title and a clean console."""

from __future__ import annotations

from playwright.sync_api import Page, expect


def test_home_page_loads_without_console_errors(page: Page, console_errors: list[str]) -> None:
    page.goto("/")
    expect(page).to_have_title("Shop · Fjord & Field")
    hero = page.get_by_role("heading", name="Slow-made goods for everyday life", level=1)
    expect(hero).to_be_visible()
    expect(page.get_by_role("link", name="Organic Cotton Tee")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert console_errors == []


def test_browser_requests_to_the_internet_are_aborted(
    page: Page, blocked_requests: list[str]
) -> None:
    page.goto("about:blank")  # no CSP here: only the browser guard stands in the way
    outcome = page.evaluate(
        """url => fetch(url).then(() => "reached", () => "blocked")""",
        "https://x.klarnacdn.net/kp/lib/v1/api.js",
    )
    assert outcome == "blocked"
    assert blocked_requests == ["https://x.klarnacdn.net/kp/lib/v1/api.js"]
    blocked_requests.clear()  # seen and expected: the offline_browser check need not fail
