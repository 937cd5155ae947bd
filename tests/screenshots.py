"""Refresh the README's screenshots in static/docs/ from a real browser run.

.venv/bin/python -m tests.screenshots
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "static" / "docs"

if __name__ == "__main__":
    os.environ["SCREENSHOT_DIR"] = str(DOCS)
    sys.exit(pytest.main(["-q", str(Path(__file__).parent / "e2e" / "test_docs_screenshots.py")]))
