"""End-to-end tests: Playwright drives Chromium against live storefront and emulator servers."""
