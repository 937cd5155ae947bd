"""The GraphQL door: Magento's storefront GraphQL names and shapes over the shop's services.

Ariadne (schema-first) runs it, so the SDL in schema.graphql reads like Magento's. Resolvers
are thin: each finds the cart by its masked id and calls one service the pages also call.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Build the schema once and register POST /graphql."""
    from storefront.graphql.schema import build_schema
    from storefront.graphql.view import bp

    app.extensions["graphql_schema"] = build_schema()
    app.register_blueprint(bp)
