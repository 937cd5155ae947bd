"""How the emulator serves its own HTML pages: a strict CSP, and who may embed its iframes.

The widget and the purchase dialog are iframes that the SDK creates in the shop's page. The SDK
names the shop's origin in the frame URL (`?origin=`); the server turns it into the page's
`frame-ancestors`, so the browser itself refuses the frame to any other embedder, and the frame's
script then accepts messages only from that origin.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Response, render_template, request

from klarna_emulator.errors import klarna_error

# scheme://host[:port] exactly as a browser writes `location.origin` (lower case, no path).
ORIGIN = re.compile(r"https?://(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:[0-9]{1,5})?")

# No inline scripts or styles anywhere: every page loads its code and CSS from this origin.
STRICT_SOURCES = {
    "default-src": "'none'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "connect-src": "'self'",
    "base-uri": "'none'",
    "form-action": "'none'",
}


def embedder_origin() -> str:
    """The embedding page's origin from `?origin=`; 400 if it is not an http(s) origin."""
    origin = request.args.get("origin", "")
    # fullmatch: `$` would also match before a final line break, which then breaks the header.
    if not ORIGIN.fullmatch(origin):
        raise klarna_error(
            400,
            "BAD_REQUEST",
            "origin: expected the embedding page's origin, e.g. https://shop.example",
        )
    return origin


def content_security_policy(**extra: str) -> str:
    """The strict policy plus `extra` directives (underscores in names become dashes)."""
    directives = {**STRICT_SOURCES, **{k.replace("_", "-"): v for k, v in extra.items()}}
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def render_page(template: str, policy: str, **context: Any) -> Response:
    """A rendered page under `policy`, never cached (it is built per embedder)."""
    response = Response(render_template(template, **context), mimetype="text/html")
    response.headers["Content-Security-Policy"] = policy
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def frame_page(template: str) -> Response:
    """An iframe page only the declared embedder may frame (`frame-ancestors`)."""
    origin = embedder_origin()
    return render_page(template, content_security_policy(frame_ancestors=origin), origin=origin)
