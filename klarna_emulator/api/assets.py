"""Payment method badges, at the path Klarna's CDN uses, so shop pages never leave the machine."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response

from klarna_emulator.domain.categories import BADGE_PATH

BADGE = Path(__file__).resolve().parent.parent / "static" / "badges" / "klarna.svg"

bp = Blueprint("assets", __name__)


@bp.get(BADGE_PATH)
def badge() -> Response:
    """The generic Klarna badge every category's `asset_urls` point at."""
    response = Response(BADGE.read_bytes(), content_type="image/svg+xml")
    response.cache_control.max_age = 86400
    return response
