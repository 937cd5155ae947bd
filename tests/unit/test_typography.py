"""A number and its unit or percent sign never break across lines; text is still escaped."""

from __future__ import annotations

import pytest

from storefront.typography import keep_units_together


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dark Chocolate 72 %", "Dark Chocolate 72\u00a0%"),
        ("Coffee Beans 500 g", "Coffee Beans 500\u00a0g"),
        ("350 ml, 40 °C, 6 W", "350\u00a0ml, 40\u00a0°C, 6\u00a0W"),
        ("130 x 170 cm", "130\u00a0x 170\u00a0cm"),
        ("Three pairs of 3 great socks", "Three pairs of 3 great socks"),
        ("2 gardens", "2 gardens"),
        ("<b>5 g</b>", "&lt;b&gt;5\u00a0g&lt;/b&gt;"),
    ],
)
def test_units_stay_with_their_numbers(text: str, expected: str) -> None:
    assert str(keep_units_together(text)) == expected
