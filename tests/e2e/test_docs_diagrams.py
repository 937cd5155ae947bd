"""Every Mermaid diagram in README.md and docs/*.md parses with the pinned Mermaid.

GitHub renders a ```mermaid block that does not parse as an error box, so a diagram is checked
by the parser itself: package-lock.json pins `mermaid`, `npm ci` installs it (as `make test`
does), and its browser bundle runs in Chromium on a blank page.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.support.markdown import ROOT, documentation_files, mermaid_blocks

MERMAID = ROOT / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
# Each diagram's parse error, or null; parse() rejects a diagram it cannot read.
PARSE_ALL = """async diagrams => {
  mermaid.initialize({ startOnLoad: false });
  const errors = [];
  for (const text of diagrams) {
    try {
      await mermaid.parse(text);
      errors.push(null);
    } catch (error) {
      errors.push(String(error.message || error));
    }
  }
  return errors;
}"""
BROKEN = "sequenceDiagram\n    participant B as Browser\n    B->>: no receiver\n"


def parse_errors(page: Page, diagrams: list[str]) -> list[str | None]:
    """Mermaid's error for each diagram, None for one that parses."""
    if not MERMAID.is_file():
        pytest.fail(f"{MERMAID.relative_to(ROOT)} is missing: run `npm ci` (make test does)")
    page.goto("about:blank")
    page.add_script_tag(path=MERMAID)
    return page.evaluate(PARSE_ALL, diagrams)


def all_diagrams() -> list[tuple[Path, str]]:
    """(document, diagram text) for every Mermaid block of the docs."""
    return [
        (document, block)
        for document in documentation_files()
        for block in mermaid_blocks((ROOT / document).read_text(encoding="utf-8"))
    ]


def test_every_diagram_in_the_docs_parses(page: Page) -> None:
    diagrams = all_diagrams()
    assert {str(document) for document, _ in diagrams} >= {"README.md", "docs/architecture.md"}
    errors = parse_errors(page, [text for _, text in diagrams])
    failures = [
        f"{document}, diagram starting {text.splitlines()[0]!r}: {error}"
        for (document, text), error in zip(diagrams, errors, strict=True)
        if error is not None
    ]
    assert failures == []


def test_a_broken_diagram_is_reported(page: Page) -> None:
    [error] = parse_errors(page, [BROKEN])
    assert error is not None
