"""Klarna's region routing by purchase country (docs/klarna-notes.md#region-routing)."""

from __future__ import annotations

import pytest

from storefront.klarna.regions import region_for


@pytest.mark.parametrize(
    ("country", "region"),
    [
        ("US", "NA"),
        ("ca", "NA"),
        ("MX", "NA"),
        ("AU", "OC"),
        ("NZ", "OC"),
        ("GB", "EU"),
        ("DE", "EU"),
        ("se", "EU"),
    ],
)
def test_region_for_routes_countries_like_klarnas_plugins(country: str, region: str) -> None:
    assert region_for(country) == region
