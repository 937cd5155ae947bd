"""Admin sign-in and sign-out: the only admin pages open without signing in.

Failed passwords are rate-limited per client (services.rate_limits.ADMIN_LOGINS): the
eleventh miss in a quarter of an hour is answered 429, whatever the username.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from storefront.admin_forms import AdminActionForm, AdminLoginForm
from storefront.admin_login import admin_template_context, sign_in, sign_out
from storefront.services.admin_accounts import authenticate
from storefront.services.rate_limits import ADMIN_LOGINS, give_back, spend_attempt
from storefront.views.responses import is_local_path

bp = Blueprint("admin_auth", __name__, url_prefix="/admin")
bp.context_processor(admin_template_context)


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str:
    """Sign in with username and password, then go where the admin was headed."""
    form = AdminLoginForm()
    if form.validate_on_submit():
        attempt = spend_attempt(ADMIN_LOGINS, request.remote_addr)
        admin = authenticate(form.username.data or "", form.password.data or "")
        if admin is not None:
            give_back(attempt)
            sign_in(admin)
            return redirect(next_admin_page())
        # One message for a wrong name and a wrong password: no hint which accounts exist.
        flash("Wrong username or password.", "error")
    return render_template("admin/login.html", form=form)


@bp.post("/logout")
def logout() -> Response:
    """Sign out, here and in every other browser of the account (POST with CSRF)."""
    form = AdminActionForm()
    if form.validate_on_submit():
        sign_out(current_user if current_user.is_authenticated else None)
        flash("You are signed out.", "success")
    return redirect(url_for("admin_auth.login"))


def next_admin_page() -> str:
    """The admin page the sign-in interrupted (`?next=`), if it is one; else the dashboard."""
    target = request.args.get("next", "")
    if is_local_path(target) and target.startswith("/admin/"):
        return target
    return url_for("admin.dashboard")
