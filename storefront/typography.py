"""Typography for shop texts: a number stays on one line with its unit or percent sign."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

# A number, a space, then a unit: "72 %", "500 g", "350 ml", "40 °C", "130 x 170 cm".
NUMBER_AND_UNIT = re.compile(
    r"(?<=\d) (?=(?:%|°C|g|kg|g/m²|ml|l|cm|mm|m|km|W|K|h|x|\u00d7|micron|Mikron|mikron)(?!\w))"
)
NO_BREAK_SPACE = "\u00a0"


def keep_units_together(text: str) -> Markup:
    """The text, escaped, with a no-break space between each number and its unit."""
    return Markup(NUMBER_AND_UNIT.sub(NO_BREAK_SPACE, str(escape(text))))  # noqa: S704
