"""Absolute URLs of the shop's pages, for Klarna (product links, images, callbacks)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

from flask import current_app, url_for


def absolute_url(endpoint: str, **values: Any) -> str:
    """The public URL of an endpoint: under PUBLIC_URL if set, else the request's own host."""
    public_url = current_app.config.get("PUBLIC_URL")
    if public_url:
        return urljoin(public_url, url_for(endpoint, **values).lstrip("/"))
    return url_for(endpoint, _external=True, **values)
