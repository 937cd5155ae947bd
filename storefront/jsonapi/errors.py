"""JSON:API error documents: `errors[]` with status, code, title, detail and source.pointer.

Every refusal of the door is an `ApiProblem`; the shop's own refusals (ShopError) are mapped
to one here, so a resource handler only raises.
"""

from __future__ import annotations

from flask import Response, jsonify
from werkzeug.exceptions import HTTPException

from storefront.services.api_clients import (
    InvalidClient,
    InvalidScope,
    InvalidToken,
    ResourceNotFound,
)
from storefront.services.api_klarna_payments import PaymentSourceDetached
from storefront.services.api_orders import OrderNotEditable
from storefront.services.api_placement import MissingPaymentSource
from storefront.services.errors import (
    AuthorizeAgain,
    CartChanged,
    CheckoutIncomplete,
    CouponRefused,
    InvalidDetails,
    KlarnaSwitchedOff,
    NotInCart,
    OrderBeingConfirmed,
    OrderInProgress,
    PaymentDeclined,
    PaymentOutcomeUnknown,
    PaymentUnavailable,
    QuantityOutOfRange,
    ShopError,
    UnknownProduct,
    UnknownShippingMethod,
)

MEDIA_TYPE = "application/vnd.api+json"
ATTRIBUTES = "/data/attributes"


class ApiProblem(Exception):
    """A refused request, as one JSON:API error object."""

    def __init__(
        self, status: int, code: str, title: str, detail: str = "", pointer: str | None = None
    ) -> None:
        super().__init__(detail or title)
        self.status, self.code, self.title = status, code, title
        self.detail, self.pointer = detail or title, pointer

    def as_error(self) -> dict[str, object]:
        """The error object."""
        error: dict[str, object] = {
            "status": str(self.status),
            "code": self.code,
            "title": self.title,
            "detail": self.detail,
        }
        if self.pointer is not None:
            error["source"] = {"pointer": self.pointer}
        return error


# ShopError -> (HTTP status, code, title, pointer): what each of the shop's refusals means here.
SHOP_ERRORS: dict[type[ShopError], tuple[int, str, str, str | None]] = {
    InvalidClient: (401, "INVALID_CLIENT", "Invalid client", None),
    InvalidScope: (400, "INVALID_SCOPE", "Invalid scope", "/scope"),
    InvalidToken: (401, "INVALID_TOKEN", "Invalid access token", None),
    UnknownProduct: (422, "INVALID_SKU", "Unknown sku_code", f"{ATTRIBUTES}/sku_code"),
    QuantityOutOfRange: (
        422,
        "INVALID_QUANTITY",
        "Quantity out of range",
        f"{ATTRIBUTES}/quantity",
    ),
    NotInCart: (404, "NOT_FOUND", "Line item not found", None),
    CouponRefused: (422, "INVALID_COUPON", "Coupon refused", f"{ATTRIBUTES}/coupon_code"),
    UnknownShippingMethod: (
        422,
        "INVALID_SHIPPING_METHOD",
        "Unknown shipping method",
        f"{ATTRIBUTES}/shipping_method",
    ),
    CheckoutIncomplete: (422, "ORDER_INCOMPLETE", "Order incomplete", "/data/relationships/order"),
    CartChanged: (409, "CONFLICT", "Changed at the same time", None),
    OrderNotEditable: (422, "ORDER_PLACED", "Order placed", None),
    OrderBeingConfirmed: (409, "ORDER_BEING_PLACED", "Order being placed", None),
    OrderInProgress: (409, "ORDER_BEING_PLACED", "Order being placed", None),
    MissingPaymentSource: (422, "MISSING_PAYMENT_SOURCE", "No payment source", None),
    PaymentSourceDetached: (422, "PAYMENT_SOURCE_DETACHED", "Payment source detached", None),
    AuthorizeAgain: (422, "AUTHORIZE_AGAIN", "Authorize again", f"{ATTRIBUTES}/auth_token"),
    PaymentDeclined: (422, "PAYMENT_DECLINED", "Declined by Klarna", None),
    KlarnaSwitchedOff: (422, "KLARNA_UNAVAILABLE", "Klarna not offered", None),
    PaymentUnavailable: (503, "KLARNA_UNAVAILABLE", "Klarna unavailable", None),
    PaymentOutcomeUnknown: (502, "OUTCOME_UNKNOWN", "Outcome unknown", None),
}
# InvalidDetails' field names (the checkout's and the API's) -> JSON:API pointers.
DETAIL_POINTERS = {"email": f"{ATTRIBUTES}/customer_email", "country": f"{ATTRIBUTES}/country_code"}


def problems_of(error: ShopError) -> list[ApiProblem]:
    """The error objects a refusal of the shop's services becomes."""
    if isinstance(error, InvalidDetails):
        return [
            ApiProblem(422, "VALIDATION_ERROR", "Invalid value", problem, detail_pointer(field))
            for field, problem in error.problems.items()
        ]
    for kind, (status, code, title, pointer) in SHOP_ERRORS.items():
        if isinstance(error, kind):
            return [ApiProblem(status, code, title, error.user_message, pointer)]
    return [ApiProblem(422, "UNPROCESSABLE", "Refused", error.user_message)]


def detail_pointer(field: str) -> str:
    """The pointer of a field InvalidDetails names."""
    if field in DETAIL_POINTERS:
        return DETAIL_POINTERS[field]
    if field.startswith(("billing-", "shipping-")):
        return f"/data/relationships/{field.split('-', 1)[0]}_address"
    if field in ("billing_address", "shipping_address"):
        return f"/data/relationships/{field}"
    return f"{ATTRIBUTES}/{field}"


def not_found(kind: str) -> ApiProblem:
    """The answer for an id this token cannot see (unknown, or another client's or market's)."""
    return ApiProblem(404, "NOT_FOUND", "Not found", f"No {kind} with that id for this token.")


def error_response(problems: list[ApiProblem]) -> Response:
    """An error document; its status is the first problem's."""
    response = jsonify(errors=[problem.as_error() for problem in problems])
    response.status_code = problems[0].status
    response.content_type = MEDIA_TYPE
    if problems[0].status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def http_problem(error: HTTPException) -> ApiProblem:
    """A Werkzeug HTTP error (404 route, 405 method, 413 body) as an error object."""
    status = error.code or 500
    code = (error.name or "error").upper().replace(" ", "_")
    return ApiProblem(status, code, error.name or "Error", error.description or "")


def is_api_path(path: str) -> bool:
    """Whether a path is the door's (its errors are JSON:API documents, never pages)."""
    return path == "/oauth/token" or path == "/api" or path.startswith("/api/")


def handled(error: Exception) -> list[ApiProblem] | None:
    """The error objects for an exception the door expects; None for one it does not."""
    if isinstance(error, ApiProblem):
        return [error]
    if isinstance(error, ResourceNotFound):
        return [not_found("resource")]
    if isinstance(error, ShopError):
        return problems_of(error)
    if isinstance(error, HTTPException):
        return [http_problem(error)]
    return None
