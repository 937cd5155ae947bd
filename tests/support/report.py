"""Print a test module's summary table where the person running the suite sees it."""

from __future__ import annotations

import sys

import pytest


def print_after_tests(request: pytest.FixtureRequest, lines: list[str]) -> None:
    """Print `lines` past pytest's capture, on stderr: pytest-xdist's workers relay only that.

    The suite hands each test file to one worker (`--dist loadfile`), so a module's table is
    whole.
    """
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if capture is None or not lines:
        return
    with capture.global_and_fixture_disabled():
        print("\n" + "\n".join(lines), file=sys.stderr, flush=True)


def markdown_table(headers: list[str], rows: list[list[object]]) -> list[str]:
    """A Markdown table's lines: the header row, its rule, then one line per row."""
    return [
        "| " + " | ".join(headers) + " |",
        "|" + "---|" * len(headers),
        *("| " + " | ".join(str(cell) for cell in row) + " |" for row in rows),
    ]
