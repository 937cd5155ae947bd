"""A test client for the emulator app: merchant credentials on, every response checked."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from klarna_emulator.access import CONTROL_TOKEN_HEADER
from tests.support.openapi import api_of, assert_valid_response


def control_headers(app: Flask) -> dict[str, str]:
    """The header that opens an emulator app's control plane: its token, if it has one."""
    token = app.extensions["klarna_emulator"].settings.control_token
    return {CONTROL_TOKEN_HEADER: token} if token else {}


class KlarnaApiClient(FlaskClient):
    """Sends the merchant's Basic credentials unless `auth` is given (None: no credentials)
    and the control-plane token if the app has one (a request's own header wins), and fails
    the test when a Klarna API response breaks Klarna's OpenAPI files."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, value in control_headers(self.application).items():
            self.environ_base[f"HTTP_{name.upper().replace('-', '_')}"] = value

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
