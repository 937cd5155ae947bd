"""The emulator's example checkout: a person can create a session, buy, and read the token."""

from __future__ import annotations

import json
import re

from playwright.sync_api import Page, expect

from klarna_emulator.emulator import Emulator
from tests.support.live_server import LiveServer


def test_example_page_takes_a_person_from_cart_to_authorization_token(
    page: Page, emulator_server: LiveServer, emulator: Emulator, console_errors: list[str]
) -> None:
    page.goto(f"{emulator_server.url}/_emulator/example")
    page.get_by_label("Wool beanies").fill("3")
    page.get_by_role("button", name="Create session").click()
    pay_later = page.get_by_role("radio", name="Pay later.")
    expect(pay_later).to_be_checked()
    expect(page.get_by_role("radio", name="Slice it.")).to_be_enabled()

    page.get_by_role("button", name="Buy").click()
    dialog = page.frame_locator("iframe[title='Klarna purchase']").get_by_role("dialog")
    dialog.get_by_label("Verification code").fill("424242")
    dialog.get_by_role("button", name=re.compile(r"^Confirm and pay")).click()

    expect(page.get_by_role("status")).to_contain_text("Approved")
    payload = json.loads(page.locator("#result").inner_text())
    assert payload["approved"] is True
    assert payload["authorization_token"] in emulator.store.authorizations
    assert console_errors == []


def test_example_page_reloads_the_widgets_after_a_cart_update(
    page: Page, emulator_server: LiveServer
) -> None:
    page.goto(f"{emulator_server.url}/_emulator/example")
    page.get_by_role("button", name="Create session").click()
    widget = page.frame_locator(".widget iframe").first
    expect(widget.get_by_text("Pay in 30 days: £25.00")).to_be_visible()

    page.get_by_label("Wool beanies").fill("4")
    page.get_by_role("button", name="Update cart").click()

    expect(page.frame_locator(".widget iframe").first.get_by_text("£100.00")).to_be_visible()
    expect(page.get_by_role("radio", name="Slice it.")).to_be_enabled()
