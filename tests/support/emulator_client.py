"""A test client for the emulator app: merchant credentials on, every response checked."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.support.openapi import api_of, assert_valid_response


class KlarnaApiClient(FlaskClient):
    """Sends the merchant's Basic credentials unless `auth` is given (None: no credentials),
    and fails the test when a Klarna API response breaks Klarna's OpenAPI files."""

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        """Send the request, then validate the response against OpenAPI."""
        if "auth" not in kwargs:
            settings = self.application.extensions["klarna_emulator"].settings
            kwargs["auth"] = (settings.username, settings.password)
        response = super().open(*args, **kwargs)
        request = response.request
        if api_of(request.path):
            assert_valid_response(
                request.method,
                request.path,
                response.status_code,
                response.content_type,
                response.get_data(),
            )
        return response
