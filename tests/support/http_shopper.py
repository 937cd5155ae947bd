"""A shopper over real HTTP (requests), for benchmarks and multi-process tests: fills a cart
and the checkout as a browser would, CSRF token included."""

from __future__ import annotations

import requests

from tests.support.client import CSRF_META
from tests.support.shopping import FIRST_SHIPPING_METHOD, details_form


class HttpShopper:
    """One shopper's browser session against a shop at `base_url`."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.http = requests.Session()
        self._csrf_token: str | None = None

    def get(self, path: str) -> requests.Response:
        """GET a page of the shop."""
        return self.http.get(self.base_url + path, timeout=30)

    def csrf_token(self) -> str:
        """The session's CSRF token, read once from the home page's meta tag."""
        if self._csrf_token is None:
            match = CSRF_META.search(self.get("/").text)
            assert match, "the home page renders no csrf-token meta tag"
            self._csrf_token = match.group(1)
        return self._csrf_token

    def post_form(self, path: str, data: dict[str, str]) -> requests.Response:
        """POST a form with the CSRF token, without following the redirect."""
        body = {"csrf_token": self.csrf_token(), **data}
        return self.http.post(self.base_url + path, data=body, allow_redirects=False, timeout=30)

    def add(self, sku: str, quantity: int = 1) -> None:
        """Add a product to the cart."""
        answer = self.post_form("/cart/add", {"sku": sku, "quantity": str(quantity)})
        assert answer.status_code == 302, answer.status_code

    def fill_checkout(self, market: str) -> None:
        """Enter the market's approved persona and its first shipping method."""
        for path, data in (
            ("/checkout/details", details_form(market)),
            ("/checkout/shipping", {"method": FIRST_SHIPPING_METHOD[market]}),
        ):
            answer = self.post_form(path, data)
            assert answer.status_code == 302, (path, answer.status_code)

    def cookie_header(self) -> str:
        """The session's cookies as one Cookie header value (for a load tool)."""
        return "; ".join(f"{name}={value}" for name, value in self.http.cookies.items())
