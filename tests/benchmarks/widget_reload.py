"""Time the payment page as a shopper sees it in Chromium: from opening the page to a visible
Klarna widget, and from typing a new quantity to the widget showing the new amount.

    .venv/bin/python -m tests.benchmarks.widget_reload [--edits 30] [--opens 15]

The shop and the emulator run in this process on a temporary SQLite database (as `python
app.py` serves them); the browser is Chromium, headless. A quantity edit is typed into the
field (the page sends it after its debounce), the shop updates the Klarna session and answers,
and the page loads the widget again: the time runs until the widget's plan shows the page's new
total. It prints the median, p95 and slowest of each, in ms.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import FrameLocator, Page, sync_playwright

from klarna_emulator import create_app as create_emulator
from storefront import SHOP_NAME, create_app
from storefront.config import EMULATOR_PASSWORD, EMULATOR_USERNAME
from storefront.extensions import db
from storefront.seed import seed_demo_data
from tests.conftest import storefront_config
from tests.support.browser_shopper import choose_market, reach_payment
from tests.support.chromium import CHROMIUM_ARGS, system_chromium
from tests.support.live_server import LiveServer

WIDGET_FRAME = "#klarna-payments-container iframe"
POLL_SECONDS = 0.005
TIMEOUT_SECONDS = 10.0


def wait_until(condition: Callable[[], bool], timeout: float = TIMEOUT_SECONDS) -> None:
    """Poll `condition()` until it is true; fail after `timeout` seconds."""
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the widget did not show the expected state")
        time.sleep(POLL_SECONDS)


def plan_text(widget: FrameLocator) -> str:
    """The widget's plan text, or '' while the widget is (re)loading."""
    plan = widget.locator("#plan")
    return plan.inner_text(timeout=1000) if plan.count() else ""


def time_opens(page: Page, count: int) -> list[float]:
    """ms from navigating to the payment page to the widget showing its plan, `count` times."""
    widget = page.frame_locator(WIDGET_FRAME)
    timings = []
    for _ in range(count):
        started = time.perf_counter()
        page.goto("/checkout/payment", wait_until="commit")
        wait_until(lambda: bool(plan_text(widget)) and page.locator("#buy-button").is_enabled())
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def time_edits(page: Page, count: int) -> list[float]:
    """ms from typing a quantity to the widget showing the new total, `count` times."""
    widget = page.frame_locator(WIDGET_FRAME)
    field = page.locator(".quantity-input").first
    timings = []
    for edit in range(count):
        before_total = page.locator("#order-total").inner_text()
        started = time.perf_counter()
        field.fill(str(2 + edit % 2))

        def shows_new_total(before: str = before_total) -> bool:
            total = page.locator("#order-total").inner_text()
            return total != before and total in plan_text(widget)

        wait_until(shows_new_total)
        timings.append((time.perf_counter() - started) * 1000)
        wait_until(lambda: page.locator("#buy-button").is_enabled())  # settled
    return timings


def summary(name: str, timings: list[float]) -> str:
    """One table row: count, median, p95 and slowest, in ms."""
    ordered = sorted(timings)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * len(ordered)) - 1)]
    return (
        f"| {name} | {len(ordered)} | {statistics.median(ordered):.0f} | {p95:.0f} | "
        f"{ordered[-1]:.0f} |"
    )


def main() -> None:
    """Run the shop and the emulator, drive Chromium, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=30, help="quantity edits to time")
    parser.add_argument("--opens", type=int, default=15, help="page openings to time")
    parser.add_argument("--market", default="GB")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    emulator = LiveServer(
        create_emulator(
            {
                "USERNAME": EMULATOR_USERNAME,
                "PASSWORD": EMULATOR_PASSWORD,
                "MERCHANT_NAME": SHOP_NAME,
                "CALLBACK_RETRIES": 0,
            }
        )
    ).start()
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            storefront_config(f"sqlite:///{Path(folder) / 'widget.sqlite'}", emulator.url)
        )
        with app.app_context():
            db.create_all()
            seed_demo_data()
        shop = LiveServer(app).start()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=system_chromium(), args=CHROMIUM_ARGS
            )
            page = browser.new_page(base_url=shop.url)
            choose_market(page, args.market)
            reach_payment(page, args.market)
            opens = time_opens(page, args.opens)
            edits = time_edits(page, args.edits)
            browser.close()
        shop.stop()
        with app.app_context():
            db.engine.dispose()
    emulator.stop()
    print(f"\nPayment page in Chromium ({args.market}), ms\n")
    print("| Measure | Count | Median | p95 | Slowest |\n|---|---:|---:|---:|---:|")
    print(summary("open the page → widget shows the plan", opens))
    print(summary("type a quantity → widget shows the new total", edits))


if __name__ == "__main__":
    main()
