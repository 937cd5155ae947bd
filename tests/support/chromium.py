"""Find (or install) a Chromium for Playwright: its own download, else the system's.

Run as a script by tests/suite.py before the suite; read by tests/e2e/conftest.py.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.support.system_packages import apt_install, can_apt_install

# Keep a headless run quiet on a machine without internet.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SYSTEM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def playwright_chromium() -> str | None:
    """Path of Playwright's own downloaded Chromium, if it is installed."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        path = playwright.chromium.executable_path
    return path if path and Path(path).exists() else None


def system_chromium() -> str | None:
    """Path of a Chromium installed by the system's package manager, if any."""
    explicit = os.environ.get("CHROMIUM_EXECUTABLE")
    if explicit:
        return explicit
    for name in SYSTEM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def executable_path() -> str | None:
    """The Chromium to launch: None means Playwright's own; a path means the system's."""
    if os.environ.get("CHROMIUM_EXECUTABLE"):
        return os.environ["CHROMIUM_EXECUTABLE"]
    if playwright_chromium():
        return None
    return system_chromium()


def have_chromium() -> bool:
    """True when some Chromium is available to Playwright."""
    return bool(playwright_chromium() or system_chromium())


def ensure_chromium() -> bool:
    """Make a Chromium available: Playwright's download, else apt's `chromium` when root."""
    if have_chromium():
        return True
    print("Trying Playwright's own Chromium download ...", flush=True)
    try:
        subprocess.run(
            [sys.executable, "-m", "playwright", "install", "chromium"], check=True, timeout=300
        )
    except (subprocess.SubprocessError, OSError):
        print("Playwright's download failed.", flush=True)
    if have_chromium():
        return True
    if can_apt_install():
        apt_install("chromium")
    return have_chromium()


if __name__ == "__main__":
    found = ensure_chromium()
    print(f"Chromium: {executable_path() or 'Playwright build'}" if found else "No Chromium found.")
    sys.exit(0 if found else 1)
