"""The emulator's pages for a person: the home page at `/` and the HTML request log, state and
docs it links to, under the control plane's guards."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.support.emulator_client import KlarnaApiClient
from tests.support.emulator_flows import authorize, create_session, emulator_app
from tests.support.html_elements import page_elements
from tests.support.klarna_examples import gb_cart

TOKEN = "a-control-token"
HTML_VIEWS = ["/_emulator/requests.html", "/_emulator/state.html", "/_emulator/docs"]


def links_on(client: FlaskClient, path: str) -> list[str]:
    """The href of every link on a page."""
    page = client.get(path).get_data(as_text=True)
    return [element.attrs["href"] for element in page_elements(page) if element.tag == "a"]


def assert_strict_html(response: object) -> None:
    """An HTML page under a CSP that allows no inline script or style."""
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert response.mimetype == "text/html"  # type: ignore[attr-defined]
    policy = response.headers["Content-Security-Policy"]  # type: ignore[attr-defined]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    elements = page_elements(response.get_data(as_text=True))  # type: ignore[attr-defined]
    assert not [e for e in elements if e.tag == "script" and "src" not in e.attrs]
    assert not [e for e in elements if "style" in e.attrs or e.tag == "style"]


def test_home_page_links_everything_and_every_link_answers(api: KlarnaApiClient) -> None:
    authorize(api, create_session(api))  # something to show in the log and the state
    home = api.get("/")
    assert_strict_html(home)
    links = links_on(api, "/")
    assert {
        "/_emulator/example",
        "/_emulator/requests",
        "/_emulator/requests.html",
        "/_emulator/state",
        "/_emulator/state.html",
        "/_emulator/docs",
        "/kp/lib/v1/api.js",
    } <= set(links)
    for link in links:
        assert api.get(link).status_code == 200, link
    for view in HTML_VIEWS:
        assert_strict_html(api.get(view))
        assert "/" in links_on(api, view)  # back to the home page


def test_json_stays_the_default_for_api_clients(api: KlarnaApiClient) -> None:
    assert api.get("/_emulator/state", headers={"Accept": "text/html"}).mimetype == (
        "application/json"
    )


def test_with_a_control_token_the_views_need_it_and_take_it_as_a_query_parameter() -> None:
    app: Flask = emulator_app(CONTROL_TOKEN=TOKEN)
    anyone = FlaskClient(app)
    home = anyone.get("/")
    assert home.status_code == 200  # the home page shows no data
    assert "?token=" in home.get_data(as_text=True)
    assert TOKEN not in home.get_data(as_text=True)
    for view in [*HTML_VIEWS, "/_emulator/state", "/_emulator/requests"]:
        assert anyone.get(view).status_code == 403, view
        assert anyone.get(f"{view}?token=wrong").status_code == 403, view
        assert anyone.get(f"{view}?token={TOKEN}").status_code == 200, view
    # A write still needs the header: a link cannot reset the emulator.
    assert anyone.post(f"/_emulator/reset?token={TOKEN}", json={}).status_code == 403


@pytest.mark.parametrize("view", HTML_VIEWS)
def test_views_answer_only_the_hosts_the_emulator_serves(api: KlarnaApiClient, view: str) -> None:
    assert api.get(view, headers={"Host": "rebinding.example:5001"}).status_code == 421


def test_state_and_log_escape_what_shoppers_typed(api: KlarnaApiClient) -> None:
    hostile = "<script>alert(1)</script>"
    create_session(api, {**gb_cart(), "merchant_reference2": hostile})
    for view in ["/_emulator/state.html", "/_emulator/requests.html"]:
        page = api.get(view).get_data(as_text=True)
        assert hostile not in page, view
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, view


def test_without_the_control_plane_the_home_page_stays_and_the_views_are_gone() -> None:
    app = emulator_app(CONTROL_PLANE_ENABLED=False)
    client = app.test_client()
    links = links_on(client, "/")
    assert links == ["/kp/lib/v1/api.js"]
    for view in HTML_VIEWS:
        assert client.get(view).status_code == 404
