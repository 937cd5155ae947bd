"""The control plane under /_emulator/: reset, clock, request log, state, faults, and a
browserless shopper (authorize / finalize / load a session as the JS SDK would).

Never under Klarna's paths; disabled with CONTROL_PLANE_ENABLED = False. Every request passes
`access.guard_control_plane` (the token, if configured; JSON-only writes).
"""

from __future__ import annotations

from typing import Any, NoReturn

from flask import Blueprint, Response, current_app, jsonify, request

from klarna_emulator.access import guard_control_plane
from klarna_emulator.api import operations
from klarna_emulator.api.common import json_object, no_content
from klarna_emulator.clock import iso_millis
from klarna_emulator.domain.sessions import Session
from klarna_emulator.emulator import current_emulator
from klarna_emulator.errors import klarna_error
from klarna_emulator.faults import parse_fault

bp = Blueprint("control", __name__, url_prefix="/_emulator")
bp.before_request(guard_control_plane)


def bad_input(message: str) -> NoReturn:
    """A control-plane request that makes no sense: 400 naming the problem."""
    raise klarna_error(400, "BAD_REQUEST", message)


@bp.post("/reset")
def reset() -> Response:
    """Forget everything."""
    current_emulator().reset()
    return no_content()


@bp.get("/state")
def state() -> Response:
    """A JSON snapshot of sessions, authorizations, orders, tokens, pending work, callbacks."""
    return jsonify(current_emulator().snapshot())


@bp.get("/requests")
def requests_log() -> Response:
    """The API-call log; `?since=<id>` lists only calls after that entry."""
    since = request.args.get("since", "0")
    if not since.isdigit():
        bad_input("since: expected the id of a logged request")
    store = current_emulator().store
    with store.lock:
        entries = [vars(record).copy() for record in store.requests if record.id > int(since)]
    return jsonify(requests=entries)


@bp.get("/clock")
def clock() -> Response:
    """The emulated time."""
    return jsonify(now=iso_millis(current_emulator().store.now()))


@bp.post("/clock")
def advance_clock() -> Response:
    """Move the emulated time forward: `{"advance_seconds": N}`."""
    seconds = json_object().get("advance_seconds")
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0:
        bad_input("advance_seconds: expected a number of seconds >= 0")
    return jsonify(now=iso_millis(current_emulator().store.advance_clock(seconds)))


@bp.get("/faults")
def list_faults() -> Response:
    """The faults still queued."""
    return jsonify(faults=current_emulator().snapshot()["faults"])


@bp.post("/faults")
def add_fault() -> Response:
    """Queue a fault: `{"operation", "status", "delay_ms", "drop", "drop_answer", "count"}`."""
    emulator = current_emulator()
    try:
        fault, count = parse_fault(json_object(), operations(current_app))
    except ValueError as error:
        bad_input(str(error))
    emulator.store.add_fault(fault, count)
    return no_content(201)


@bp.delete("/faults")
def clear_faults() -> Response:
    """Drop every queued fault."""
    store = current_emulator().store
    with store.lock:
        store.faults.clear()
    return no_content()


def _shopper_session(session_id: str) -> tuple[Session, dict[str, Any], str]:
    """The live session, the shopper's data, and the category (default: the first offered)."""
    payments = current_emulator().payments
    session = payments.live_session(session_id)
    body = json_object()
    category = body.pop("payment_method_category", None)
    if category is None:
        offered = payments.offered_categories(session)
        category = offered[0] if offered else ""
    if not isinstance(category, str):
        bad_input("payment_method_category: expected a string")
    return session, body, category


@bp.post("/sessions/<session_id>/authorize")
def authorize(session_id: str) -> Response:
    """Do what the JS SDK's authorize() does; answer its callback payload.

    Body: the shopper's data (at least `billing_address.email`), optionally
    `payment_method_category` (default: the first offered) and `auto_finalize` (default true).
    """
    session, data, category = _shopper_session(session_id)
    auto_finalize = data.pop("auto_finalize", True)
    if not isinstance(auto_finalize, bool):
        bad_input("auto_finalize: expected true or false")
    return jsonify(current_emulator().payments.authorize(session, data, category, auto_finalize))


@bp.post("/sessions/<session_id>/finalize")
def finalize(session_id: str) -> Response:
    """Do what the JS SDK's finalize() does; answer its callback payload."""
    session, data, category = _shopper_session(session_id)
    return jsonify(current_emulator().payments.finalize(session, data, category))


@bp.post("/sessions/<session_id>/load")
def load(session_id: str) -> Response:
    """Do what the JS SDK's load() does; answer `{show_form}`."""
    session, data, category = _shopper_session(session_id)
    return jsonify(current_emulator().payments.load(session, category, data))


@bp.post("/customer-tokens/<token_id>/suspend")
def suspend_customer_token(token_id: str) -> Response:
    """Suspend a customer token, as Klarna may (its orders then answer TOKEN_SUSPENDED)."""
    current_emulator().customer_tokens.suspend(token_id)
    return no_content()


@bp.post("/customer-tokens/<token_id>/decline")
def decline_token_orders(token_id: str) -> Response:
    """Make a token's next `count` orders (default 1) answer PAYMENT_METHOD_FAILED."""
    count = json_object().get("count", 1)
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        bad_input("count: expected a whole number >= 0")
    current_emulator().customer_tokens.decline_next_orders(token_id, count)
    return no_content()
