"""The emulator's pages for a person's browser: a home page at `/` linking everything, and the
request log, the state and the control plane's documentation as HTML.

The JSON at /_emulator/requests and /_emulator/state stays what API clients and tests read. The
HTML views show shoppers' data, so they sit behind the control plane's guard like the JSON
(a browser cannot add the token header: they also take it as `?token=`), and every value goes
through Jinja's autoescaping.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, url_for

from klarna_emulator.access import guard_control_plane
from klarna_emulator.emulator import Emulator, current_emulator
from klarna_emulator.sdk.pages import content_security_policy, render_page
from klarna_emulator.sdk.routes import SDK_PATH

CONTROL_PLANE_DOCS = Path(__file__).resolve().parent / "docs" / "control-plane.md"
# The newest calls the request log page shows (the JSON log has them all).
REQUEST_PAGE_SIZE = 200
# Scripts and styles from this origin only; no site may frame these pages.
PAGE_POLICY = content_security_policy(frame_ancestors="'none'")

home_bp = Blueprint("home", __name__)
views_bp = Blueprint("control_pages", __name__, url_prefix="/_emulator")
views_bp.before_request(guard_control_plane)


@home_bp.get("/")
def home() -> Response:
    """Links to the example checkout, the request log, the state, the docs and the JS SDK."""
    settings = current_emulator().settings
    return render_page(
        "pages/home.html",
        PAGE_POLICY,
        control_plane=settings.control_plane_enabled,
        needs_token=settings.control_token is not None,
        sdk_path=SDK_PATH,
    )


@views_bp.get("/requests.html")
def requests_page() -> Response:
    """The newest API calls as a table, newest first."""
    store = current_emulator().store
    with store.lock:
        records = [vars(record).copy() for record in store.requests][-REQUEST_PAGE_SIZE:]
    for record in records:
        record["body"] = compact(record["body"])
    return render_page(
        "pages/requests.html",
        PAGE_POLICY,
        records=records[::-1],
        json_url=url_for("control.requests_log"),
    )


@views_bp.get("/state.html")
def state_page() -> Response:
    """Everything the emulator remembers, one table per kind (sessions, orders, ...)."""
    snapshot = current_emulator().snapshot()
    now = snapshot.pop("now")
    sections = [(name, table(items)) for name, items in snapshot.items()]
    return render_page(
        "pages/state.html",
        PAGE_POLICY,
        now=now,
        sections=sections,
        json_url=url_for("control.state"),
    )


@views_bp.get("/docs")
def docs_page() -> Response:
    """The control plane's documentation (docs/control-plane.md), as its Markdown text."""
    text = CONTROL_PLANE_DOCS.read_text(encoding="utf-8").rstrip()
    return render_page("pages/docs.html", PAGE_POLICY, text=text)


def compact(value: Any) -> str:
    """A value as a table cell shows it: text as is, nothing as blank, the rest as JSON."""
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def table(items: list[dict[str, Any]]) -> tuple[list[str], list[list[str]]]:
    """Column names (every key, in first-seen order) and one row of cells per item."""
    columns = list(dict.fromkeys(key for item in items for key in item))
    rows = [[compact(item.get(column, "")) for column in columns] for item in items]
    return columns, rows


def register_pages(app: Flask) -> None:
    """Serve the home page; the HTML views only where the control plane is on."""
    app.register_blueprint(home_bp)
    emulator: Emulator = app.extensions["klarna_emulator"]
    if emulator.settings.control_plane_enabled:
        app.register_blueprint(views_bp)
