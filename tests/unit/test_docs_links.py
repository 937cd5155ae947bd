"""Every relative link and #anchor in the shop's and the emulator's README.md and docs/*.md
leads somewhere that exists."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.markdown import anchors, broken_links, documentation_files


@pytest.mark.parametrize("document", documentation_files(), ids=str)
def test_every_relative_link_resolves(document: Path) -> None:
    assert broken_links(document) == []


def test_a_missing_file_or_heading_is_reported(tmp_path: Path) -> None:
    document = tmp_path / "doc.md"
    document.write_text(
        "# Title\n\n## Two words\n\n"
        "[fine](#two-words) [file](doc.md#title) [web](https://docs.klarna.com/)\n"
        "[gone](missing.md) [wrong](#no-such-heading) `[code](ignored.md)`\n\n"
        "```sh\n# not a heading\n[not a link](nowhere.md)\n```\n",
        encoding="utf-8",
    )
    # An absolute path stays itself under ROOT / path.
    assert [line.split(": ", 1)[1] for line in broken_links(document)] == [
        "missing.md (no such file)",
        "#no-such-heading (no such heading)",
    ]


def test_anchors_are_numbered_as_github_numbers_repeated_headings() -> None:
    text = "# Notes\n## Pay Now and `finalize()`\n## Notes\n```\n# shell comment\n```\n"
    assert anchors(text) == {"notes", "pay-now-and-finalize", "notes-1"}
