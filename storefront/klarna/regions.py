"""Klarna's API regions: which region's API and credentials serve a purchase country.

A merchant has separate credentials per region, and a call to the wrong region's API answers
401. Klarna docs: https://docs.klarna.com/api/api-urls/ (routing as in Klarna's SFCC cartridge
and the WooCommerce plugin; docs/klarna-notes.md#region-routing).
"""

from __future__ import annotations

# Every region has its own API URL and credentials.
REGIONS = ("EU", "NA", "OC")

REGION_BY_COUNTRY = {
    **dict.fromkeys(("US", "CA", "MX"), "NA"),
    **dict.fromkeys(("AU", "NZ"), "OC"),
}


def region_for(country: str) -> str:
    """The Klarna region of a purchase country (every European market is EU)."""
    return REGION_BY_COUNTRY.get(country.upper(), "EU")
