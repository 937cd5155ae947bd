"""Errors the JS SDK throws (by their JavaScript names), raised by the domain for the SDK layer.

Klarna docs: https://docs.klarna.com/payments/web-payments/additional-resources/klarna-payments-sdk-reference
"""

from __future__ import annotations


class SdkError(Exception):
    """An error the JS SDK reports to the page; `js_name` is the JavaScript error's name."""

    js_name = "Error"


class InvalidClientToken(SdkError):
    """`init()` got a token that is not a JWT this emulator issued."""

    js_name = "InvalidClientTokenError"


class PaymentMethodCategoryNotSupported(SdkError):
    """`authorize()` named a category the session does not offer."""

    js_name = "PaymentMethodCategoryNotSupportedError"


class FinalizeNotRequired(SdkError):
    """`finalize()` without an authorization that answered `finalize_required` (emulator's name)."""

    js_name = "FinalizeNotRequiredError"
