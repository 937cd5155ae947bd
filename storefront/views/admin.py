"""The merchant's admin area: dashboard, orders list, one order, and Klarna's switch per market.

Every page here needs a signed-in admin: the blueprint's `before_request` refuses anyone else
before a view runs (deny by default), so a new view cannot forget it. Sign-in itself is
storefront.views.admin_auth; the order page's actions are storefront.views.admin_order_actions.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from storefront.admin_forms import KlarnaSwitchForm, OrderFilterForm
from storefront.admin_login import admin_template_context, require_admin
from storefront.markets import MARKETS
from storefront.models import OrderStatus
from storefront.services import admin_orders
from storefront.services.captures import SHIPPING_METHODS
from storefront.services.klarna_switch import market_switches, switch_klarna
from storefront.views.responses import flash_form_errors, run_service

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.context_processor(admin_template_context)
bp.before_request(require_admin)


@bp.get("")
def dashboard() -> str:
    """Orders whose Klarna authorization expires soon: capture or extend them in time."""
    return render_template(
        "admin/dashboard.html",
        expiring=admin_orders.expiring_authorizations(),
        notice_days=admin_orders.EXPIRY_NOTICE.days,
        markets=MARKETS,
    )


@bp.get("/orders")
def orders() -> str:
    """Every order, filtered by status, market, date or a search, a page at a time."""
    form = OrderFilterForm(request.args)
    filters = order_filter(form, page=request.args.get("page", 1, type=int) or 1)
    return render_template(
        "admin/orders.html",
        form=form,
        listing=admin_orders.list_orders(filters),
        markets=MARKETS,
        # The page links keep the filters (only the form's own fields: url_for reads keys
        # such as _external and _scheme as instructions).
        query={name: request.args[name] for name in form.data if name in request.args},
    )


def order_filter(form: OrderFilterForm, *, page: int) -> admin_orders.OrderFilter:
    """The filters the form asks for; none if it is invalid (its errors show on the page)."""
    if not form.validate():
        return admin_orders.OrderFilter(page=page)
    return admin_orders.OrderFilter(
        status=form.status.data or "",
        market=form.market.data or "",
        placed_from=form.placed_from.data,
        placed_to=form.placed_to.data,
        search=form.search.data or "",
        page=page,
    )


@bp.get("/orders/<number>")
def order(number: str) -> str:
    """One order: the shop's record, Klarna's copy read back now, and the action forms."""
    view = admin_orders.order_for_admin(number)
    if view is None:
        abort(404, description=f"There is no order {number}.")
    return render_template(
        "admin/order.html",
        view=view,
        order=view.order,
        order_market=MARKETS[view.order.market],
        statuses=OrderStatus,
        shipping_methods=SHIPPING_METHODS,
    )


@bp.get("/settings")
def settings() -> str:
    """Klarna on or off in each market."""
    return render_template(
        "admin/settings.html", switches=market_switches(), form=KlarnaSwitchForm(formdata=None)
    )


@bp.post("/settings/klarna")
def switch() -> Response:
    """Turn Klarna on or off in one market (POST with CSRF)."""
    form = KlarnaSwitchForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for("admin.settings"))
    market, enabled = form.market.data or "", form.enabled.data == "on"
    run_service(
        switch_klarna,
        market,
        enabled=enabled,
        by=current_user.username,
        done=f"Klarna is now {'on' if enabled else 'off'} in {MARKETS[market].name}.",
    )
    return redirect(url_for("admin.settings"))
