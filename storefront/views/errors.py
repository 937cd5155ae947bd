"""Error pages: every error a shopper can hit renders a page, never a traceback."""

from __future__ import annotations

from flask import (
    Flask,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext, lazy_gettext
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from storefront.extensions import db
from storefront.jsonapi.errors import error_response, http_problem, is_api_path
from storefront.services.errors import OrderBeingConfirmed
from storefront.services.rate_limits import RateLimited
from storefront.views.responses import as_json, wants_json
from storefront.views.shopper import leave_database_out_of_header, remember_order

# Seconds a shopper (or Klarna's callback) is asked to wait when the database is overloaded.
BUSY_RETRY_AFTER_SECONDS = "5"
BUSY_MESSAGE = lazy_gettext(
    "The shop is very busy right now and could not finish your request. Nothing was lost: "
    "please try again in a few seconds."
)


def init_app(app: Flask) -> None:
    """Register the error handlers on the app."""

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int]:
        message = gettext("Your form expired. Please go back, reload the page and try again.")
        return render_template("errors/error.html", code=400, message=message), 400

    @app.errorhandler(RateLimited)
    def rate_limited(error: RateLimited) -> Response:
        # checkout.js shows an edit's `messages` and leaves the widget as it is.
        if wants_json():
            response = jsonify(messages=as_json([("error", error.user_message)]))
        else:
            page = render_template("errors/error.html", code=429, message=error.user_message)
            response = make_response(page)
        response.status_code = 429
        response.headers["Retry-After"] = str(error.retry_after_seconds)
        return response

    @app.errorhandler(OrderBeingConfirmed)
    def order_being_confirmed(error: OrderBeingConfirmed) -> Response:
        # The cart's owner placed this order (its cart cookie proves it): show them its page.
        remember_order(error.number)
        order_page = url_for("orders.confirmation", number=error.number)
        if wants_json():
            # checkout.js shows the messages, then follows `redirect` to the order page.
            answer = jsonify(messages=as_json([("error", error.user_message)]), redirect=order_page)
            answer.status_code = 409
            return answer
        flash(error.user_message, "error")
        return redirect(order_page, 303)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int] | Response:
        if is_api_path(request.path):  # no route there: the API answers in its own format
            return error_response([http_problem(error)])
        code = error.code or 500
        # Werkzeug's own descriptions are English: the page says what it means in its words.
        own = error.description != type(error).description
        message = error.description if own else None
        return render_template("errors/error.html", code=code, message=message), code

    @app.errorhandler(PoolTimeout)
    @app.errorhandler(OperationalError)
    def database_busy(error: Exception) -> tuple[str, int, dict[str, str]]:
        # Every write is one transaction, rolled back here, so trying again is safe.
        app.logger.error("Database busy: %s", error)
        db.session.rollback()
        leave_database_out_of_header()
        page = render_template("errors/error.html", code=503, message=BUSY_MESSAGE)
        return page, 503, {"Retry-After": BUSY_RETRY_AFTER_SECONDS}

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception) -> tuple[str, int]:
        app.logger.exception("Unhandled error")
        return render_template("errors/error.html", code=500, message=None), 500
