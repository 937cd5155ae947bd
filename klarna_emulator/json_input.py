"""JSON sent by clients, parsed so no input can crash the emulator: bad input is a ValueError."""

from __future__ import annotations

import json
from typing import Any

# Klarna's bodies nest a few levels (an order line's product identifiers, an attachment's
# EMD). Deeper input is refused: Python's parser gives up near 1,000 levels with a
# RecursionError, and copying or serializing a value some hundreds deep fails the same way.
MAX_DEPTH = 32


def nesting_depth(value: Any) -> int:
    """How many arrays and objects deep `value` goes (0 for a scalar); iterative, so any depth."""
    deepest, pending = 0, [(value, 1)]
    while pending:
        node, depth = pending.pop()
        children = list(node.values()) if isinstance(node, dict) else node
        if isinstance(children, list):
            deepest = max(deepest, depth)
            pending.extend((child, depth + 1) for child in children)
    return deepest


def parse_json(text: str | bytes) -> Any:
    """The JSON value of `text`; ValueError if it is not JSON or nests deeper than MAX_DEPTH."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise ValueError(f"JSON nested deeper than {MAX_DEPTH} levels") from None
    if nesting_depth(value) > MAX_DEPTH:
        raise ValueError(f"JSON nested deeper than {MAX_DEPTH} levels")
    return value
