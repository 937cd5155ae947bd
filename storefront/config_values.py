"""Setting values: the parsers that read one setting each, and the `Setting` row itself."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit


def parse_text(value: object) -> str:
    """Accept any non-empty string."""
    # The environment only holds strings, but instance/config.py can hold any Python value.
    if not isinstance(value, str):
        raise ValueError(f"expected a string, got {value!r}")
    if not value.strip():
        raise ValueError("must not be empty")
    return value


def parse_http_url(value: object) -> str:
    """Accept an absolute http(s) URL with a host; return it unchanged."""
    url = parse_text(value)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"expected an http:// or https:// URL with a host, got {url!r}")
    return url


def parse_positive_float(value: object) -> float:
    """Accept a number of seconds greater than zero."""
    problem = f"expected a number of seconds, got {value!r}"
    # bool is an int to Python, but `True` seconds is a slip, not a timeout.
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(problem)
    try:
        number = float(value)
    except ValueError:
        raise ValueError(problem) from None
    if not number > 0:
        raise ValueError(f"expected a number greater than 0, got {value!r}")
    return number


def whole_number(unit: str, minimum: int) -> Callable[[object], int]:
    """A parser accepting a whole number of `unit`, `minimum` or more."""

    def parse(value: object) -> int:
        """Accept a whole number (or its digits in a string) of at least `minimum`."""
        problem = f"expected a whole number of {unit}, got {value!r}"
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ValueError(problem)
        try:
            number = int(value)
        except ValueError:
            raise ValueError(problem) from None
        if number < minimum:
            raise ValueError(f"expected {minimum} or more, got {value!r}")
        return number

    return parse


parse_proxy_count = whole_number("proxies", 0)
parse_minutes = whole_number("minutes", 1)


def parse_bool(value: object) -> bool:
    """Accept True/False, or true/false spelled the usual ways in environment variables."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("1", "true", "yes", "on"):
            return True
        if lowered in ("0", "false", "no", "off"):
            return False
    raise ValueError(f"expected true or false, got {value!r}")


@dataclass(frozen=True)
class Setting:
    """One configurable value: its name, default, parser and what it is for."""

    name: str
    default: Any
    parse: Callable[[Any], Any]
    help: str
