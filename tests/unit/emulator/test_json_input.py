"""Parsing clients' JSON: depth is measured without recursion and capped."""

from __future__ import annotations

from typing import Any

import pytest

from klarna_emulator.json_input import MAX_DEPTH, nesting_depth, parse_json


@pytest.mark.parametrize(
    ("value", "depth"),
    [(1, 0), ("x", 0), ([], 1), ({}, 1), ({"a": [1, {"b": "x"}]}, 3), ([[], [[[]]]], 4)],
)
def test_nesting_depth_counts_arrays_and_objects(value: Any, depth: int) -> None:
    assert nesting_depth(value) == depth


def test_parse_json_accepts_the_maximum_depth() -> None:
    text = "[" * MAX_DEPTH + "]" * MAX_DEPTH

    assert nesting_depth(parse_json(text)) == MAX_DEPTH


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 900, 50_000])
def test_parse_json_refuses_deeper_input_with_a_value_error(depth: int) -> None:
    with pytest.raises(ValueError, match="nested deeper"):
        parse_json("[" * depth + "]" * depth)


def test_parse_json_refuses_malformed_json_with_a_value_error() -> None:
    with pytest.raises(ValueError):
        parse_json(b"{not json")
