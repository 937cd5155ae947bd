"""Page parts, and whole catalog pages, every shopper sees alike, served from the shared cache.

A part may hold forms, and a form's CSRF token is the shopper's own: the cached copy has a
random placeholder where the token was rendered, and each request puts in its own token (the
cache's "hole punching"), so no shopper's token is ever stored or shown to another.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Hashable, Mapping
from typing import Any

from flask import current_app, request
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from storefront.i18n import request_language
from storefront.shared_cache import shared_cache

# Random per process, so no text a page shows (a product name, say) can ever match it.
CSRF_PLACEHOLDER = f"csrf-placeholder-{secrets.token_hex(16)}"


def shared_fragment(
    template: str, key: tuple[Hashable, ...], context: Callable[[], Mapping[str, Any]]
) -> Markup:
    """`template` rendered with `context()` once per `key`, holding this shopper's CSRF token.

    `key` must name everything the part's text depends on besides the template (the market,
    the day, ...); the app's path prefix and the page's language are added here, so no part
    is ever served in another language. `context` is only called to render.
    """
    html = shared_cache().get(
        ("fragment", template, request.script_root, request_language(), *key),
        lambda: render_shared(template, context()),
    )
    return with_token(html)


def shared_page(shared: bool, key: tuple[Hashable, ...], render: Callable[[], str]) -> str:
    """The page `render()` makes, rendered once per `key` and path when `shared`, else each time.

    `shared` must be true only when nothing on the page is the shopper's own but the CSRF
    token: no cart in the header, no message to flash (`shopper.header_is_generic`). `key`
    names what else the page depends on (the market, the day, ...). A path with a query
    string is not cached, so no visitor can fill the cache with variants of one page.
    """
    if not shared or request.query_string:
        return render()
    html = shared_cache().get(
        ("page", request.script_root, request.path, *key),
        lambda: render().replace(generate_csrf(), CSRF_PLACEHOLDER),
    )
    return with_token(html)


def with_token(html: str) -> Markup:
    """The cached text with this shopper's CSRF token where the placeholder is."""
    # Safe: the text is Jinja's autoescaped output, and the token is escaped going in.
    return Markup(html.replace(CSRF_PLACEHOLDER, escape(generate_csrf())))  # noqa: S704


def render_shared(template: str, context: Mapping[str, Any]) -> str:
    """Render a part for the cache, with the placeholder where the CSRF token is."""
    # Rendered without the context processors, so only what `key` names reaches the part
    # (never the shopper's cart count or session). Forms render the token through csrf_token()
    # or a CSRF field, both from generate_csrf(): random and URL-safe, so it cannot match
    # other text and needs no escaping.
    html = current_app.jinja_env.get_template(template).render(**context)
    return html.replace(generate_csrf(), CSRF_PLACEHOLDER)
