"""The admin pages: orders list and filters, one order with Klarna's copy, the Klarna switch."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from storefront.clock import as_utc, utcnow
from storefront.extensions import db
from storefront.markets import MARKETS
from storefront.models import Order
from storefront.services import admin_orders
from storefront.services.admin_accounts import find_admin
from tests.support.admin import ADMIN_PASSWORD, create_account, sign_in
from tests.support.client import ShopClient
from tests.support.live_server import LiveServer
from tests.support.payment_flow import (
    add_fault,
    authorize,
    emulator_of,
    klarna_operations,
    last_request_id,
    open_payment_page,
    pay,
    place,
)
from tests.support.shopping import add, complete_checkout, switch_market


@pytest.fixture
def admin(seeded: Flask) -> ShopClient:
    """A browser signed in as an admin (the shop has the demo catalog)."""
    create_account(seeded)
    browser: ShopClient = seeded.test_client()  # type: ignore[assignment]
    assert sign_in(browser).status_code == 302
    return browser


def order_numbers(app: Flask) -> dict[str, str]:
    """Market -> order number, for every order."""
    with app.app_context():
        rows = db.session.execute(sa.select(Order.market, Order.number))
        return {market: number for market, number in rows}


def listed(page: str, numbers: dict[str, str]) -> set[str]:
    """The markets whose order number the page shows."""
    return {market for market, number in numbers.items() if number in page}


def test_orders_list_filters_by_status_market_date_and_search(
    seeded: Flask, admin: ShopClient, client: ShopClient, emulator_server: LiveServer
) -> None:
    pay(client, emulator_server, "GB")
    pay(client, emulator_server, "DE")
    numbers = order_numbers(seeded)
    today = utcnow().date().isoformat()
    tomorrow = (utcnow().date() + timedelta(days=1)).isoformat()
    cases = {
        "": {"GB", "DE"},
        "?market=DE": {"DE"},
        "?status=paid": {"GB", "DE"},
        "?status=on_hold": set(),
        f"?search={numbers['GB'].lower()}": {"GB"},
        "?search=EMAIL.UK": {"GB"},
        f"?placed_from={today}&placed_to={today}": {"GB", "DE"},
        f"?placed_from={tomorrow}": set(),
    }
    for query, expected in cases.items():
        response = admin.get(f"/admin/orders{query}")
        assert response.status_code == 200, query
        assert listed(response.get_data(as_text=True), numbers) == expected, query


@pytest.mark.parametrize(
    "query",
    ["?placed_from=yesterday", "?status=nonsense", "?search=%00", "?page=-3", "?page=" + "9" * 40],
)
def test_bad_filters_show_an_error_not_a_500(admin: ShopClient, query: str) -> None:
    assert admin.get(f"/admin/orders{query}").status_code == 200


def test_orders_list_pages_keep_the_filters(
    seeded: Flask,
    admin: ShopClient,
    client: ShopClient,
    emulator_server: LiveServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(admin_orders, "PAGE_SIZE", 1)
    pay(client, emulator_server, "GB")
    pay(client, emulator_server, "GB")
    first = admin.get("/admin/orders?market=GB").get_data(as_text=True)
    assert "page 1 of 2" in first
    assert 'href="/admin/orders?page=2&amp;market=GB"' in first
    second = admin.get("/admin/orders?page=2&market=GB").get_data(as_text=True)
    with seeded.app_context():
        numbers = list(db.session.scalars(sa.select(Order.number)))
    on_first = {number for number in numbers if number in first}
    on_second = {number for number in numbers if number in second}
    assert len(on_first) == len(on_second) == 1
    assert on_first != on_second


def test_order_page_reads_klarnas_order_back_and_keeps_its_expiry(
    seeded: Flask, admin: ShopClient, client: ShopClient, emulator_server: LiveServer
) -> None:
    pay(client, emulator_server, "GB")
    number = order_numbers(seeded)["GB"]
    page = admin.get(f"/admin/orders/{number}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="klarna-status">AUTHORIZED<' in html
    assert "order created" in html  # the payment timeline
    with seeded.app_context():
        order = db.session.scalars(sa.select(Order)).one()
        klarna_order = emulator_of(emulator_server).store.orders[order.klarna_order_id or ""]
        assert order.authorization_expires_at is not None
        assert as_utc(order.authorization_expires_at) == klarna_order.expires_at.replace(
            microsecond=0
        )
        remaining = klarna_order.order_amount
    assert f'id="klarna-remaining">{MARKETS["GB"].format_amount(remaining)}<' in html


def test_dashboard_lists_authorizations_expiring_within_7_days(
    seeded: Flask, admin: ShopClient, client: ShopClient, emulator_server: LiveServer
) -> None:
    pay(client, emulator_server, "GB")
    pay(client, emulator_server, "DE")
    numbers = order_numbers(seeded)
    with seeded.app_context():
        for market, days in (("GB", 6), ("DE", 8)):
            db.session.execute(
                sa.update(Order)
                .where(Order.market == market)
                .values(authorization_expires_at=utcnow() + timedelta(days=days))
            )
        db.session.commit()
    page = admin.get("/admin").get_data(as_text=True)
    assert listed(page, numbers) == {"GB"}
    assert f'href="/admin/orders/{numbers["GB"]}#capture"' in page


def test_a_klarna_failure_while_reading_shows_its_correlation_id(
    seeded: Flask, admin: ShopClient, client: ShopClient, emulator_server: LiveServer
) -> None:
    pay(client, emulator_server, "GB")
    number = order_numbers(seeded)["GB"]
    add_fault(emulator_server, "get_order", status=500)
    page = admin.get(f"/admin/orders/{number}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "could not be read" in html
    correlation_id = emulator_of(emulator_server).store.requests[-1].correlation_id
    assert correlation_id and correlation_id in html
    assert number in html  # the shop's own record is still shown


def test_an_unknown_order_is_404(admin: ShopClient) -> None:
    assert admin.get("/admin/orders/FF-NONE-0000").status_code == 404


def test_with_klarna_off_in_gb_the_payment_page_calls_no_klarna_and_says_why(
    seeded: Flask, admin: ShopClient, client: ShopClient, emulator_server: LiveServer
) -> None:
    response = admin.post_form("/admin/settings/klarna", {"market": "GB", "enabled": "off"})
    assert response.status_code == 302
    settings = admin.get("/admin/settings").get_data(as_text=True)
    assert "Klarna is now off in United Kingdom." in settings
    before = last_request_id(emulator_server)
    switch_market(client, "GB")
    add(client, "TEE-ORG")
    complete_checkout(client, "GB")
    page = client.get("/checkout/payment")
    assert page.status_code == 200
    assert "Paying with Klarna is not available for United Kingdom" in page.get_data(as_text=True)
    assert 'id="klarna-widget-state"' not in page.get_data(as_text=True)
    assert klarna_operations(emulator_server, since=before) == []
    # Switched on again, the same cart gets its Klarna session.
    admin.post_form("/admin/settings/klarna", {"market": "GB", "enabled": "on"})
    assert 'id="klarna-widget-state"' in client.get("/checkout/payment").get_data(as_text=True)
    assert klarna_operations(emulator_server, since=before) == ["create_session"]


@pytest.mark.parametrize("form", [{"market": "XX", "enabled": "off"}, {"market": "GB"}])
def test_a_bad_switch_changes_nothing(seeded: Flask, admin: ShopClient, form: dict) -> None:
    admin.post_form("/admin/settings/klarna", form)
    assert admin.get("/admin/settings").get_data(as_text=True).count(">On<") == 4


def test_flask_admin_create_prompts_for_a_hidden_confirmed_password(app: Flask) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["admin", "create", "alice"], input=f"{ADMIN_PASSWORD}\n" * 2)
    assert result.exit_code == 0, result.output
    assert "Repeat for confirmation" in result.output
    assert ADMIN_PASSWORD not in result.output
    with app.app_context():
        assert find_admin("alice") is not None
    again = runner.invoke(args=["admin", "create", "alice"], input=f"{ADMIN_PASSWORD}\n" * 2)
    assert again.exit_code == 1
    assert "already exists" in again.output
    short = runner.invoke(args=["admin", "create", "bob"], input="short\nshort\n")
    assert short.exit_code == 1
    assert "at least 12 characters" in short.output


def test_with_klarna_switched_off_after_authorize_no_order_is_placed_and_klarna_is_not_called(
    seeded: Flask, admin: ShopClient, client: ShopClient, emulator_server: LiveServer
) -> None:
    state = open_payment_page(client, "GB")
    token = authorize(emulator_server, state)["authorization_token"]
    admin.post_form("/admin/settings/klarna", {"market": "GB", "enabled": "off"})
    before = last_request_id(emulator_server)
    response = place(client, state, token)
    assert response.status_code == 303
    assert response.headers["Location"] == "/checkout/payment"
    recheck = client.post_form("/checkout/payment/session", headers={"Accept": "application/json"})
    assert "Paying with Klarna is not available for United Kingdom" in recheck.get_data(
        as_text=True
    )
    page = client.get("/checkout/payment").get_data(as_text=True)
    assert "Paying with Klarna is not available for United Kingdom" in page
    assert klarna_operations(emulator_server, since=before) == []
    with seeded.app_context():
        assert db.session.scalars(sa.select(Order)).all() == []
