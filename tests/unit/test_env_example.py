""".env.example names only settings the shop reads, so a copy of it configures what it says."""

from __future__ import annotations

import re
from pathlib import Path

from storefront.config import SETTING_NAMES

ENV_EXAMPLE = Path(__file__).resolve().parents[2] / ".env.example"
# NAME=value, set or commented out ("# NAME=value").
ASSIGNMENT = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=", flags=re.MULTILINE)


def test_every_variable_in_env_example_is_a_setting() -> None:
    names = ASSIGNMENT.findall(ENV_EXAMPLE.read_text(encoding="utf-8"))
    assert {"KLARNA_API_URL", "KLARNA_USERNAME", "KLARNA_PASSWORD", "PUBLIC_URL"} <= set(names)
    assert [name for name in names if name not in SETTING_NAMES] == []
