"""Where Klarna's JS SDK is loaded from.

The SDK lives at the same URL for playground and production; the client token decides the
environment. Klarna docs: https://docs.klarna.com/payments/web-payments/additional-resources/klarna-payments-sdk-reference
"""

from __future__ import annotations

# The script's path on Klarna's CDN (the bundled emulator serves it at the same path).
SDK_PATH = "/kp/lib/v1/api.js"
CDN_SDK_URL = f"https://x.klarnacdn.net{SDK_PATH}"
