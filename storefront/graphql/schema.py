"""The executable schema: Magento's SDL (schema.graphql) bound to the shop's resolvers."""

from __future__ import annotations

from pathlib import Path

from ariadne import load_schema_from_path, make_executable_schema
from graphql import GraphQLSchema

from storefront.graphql import cart_fields, cart_mutations, klarna_mutations

SDL_PATH = Path(__file__).with_name("schema.graphql")


def build_schema() -> GraphQLSchema:
    """Load the SDL and bind every resolver to it."""
    return make_executable_schema(
        load_schema_from_path(str(SDL_PATH)),
        *cart_fields.OBJECT_TYPES,
        cart_mutations.mutation,
        klarna_mutations.mutation,
    )
