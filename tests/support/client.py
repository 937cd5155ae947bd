"""A Flask test client that keeps CSRF on and submits the token the pages render."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


class ShopClient(FlaskClient):
    """Posts forms the way a browser would: with the CSRF token from the rendered page."""

    def csrf_token(self) -> str:
        """Read the CSRF token from the home page's meta tag, as the page's scripts do."""
        page = self.get("/")
        match = CSRF_META.search(page.get_data(as_text=True))
        assert match, "the home page renders no csrf-token meta tag"
        return match.group(1)

    def post_form(
        self, url: str, data: dict[str, Any] | None = None, **kwargs: Any
    ) -> TestResponse:
        """POST form data with a valid CSRF token added."""
        return self.post(url, data={"csrf_token": self.csrf_token(), **(data or {})}, **kwargs)
