"""Limits on a GraphQL request: its size, its tokens, its depth and its cost.

A GraphQL endpoint answers whatever document it is sent, so a small request can ask for a lot:
deep nesting, thousands of aliased fields, or many Klarna-calling fields at once. Each limit
refuses such a document before any resolver runs, with a GraphQL error and nothing changed.
"""

from __future__ import annotations

from typing import Any

from ariadne.validation import cost_validator
from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
)

# The largest request body the door reads: Magento's whole checkout is well under 4 kB.
MAX_REQUEST_BYTES = 16 * 1024
# Tokens in one document: about a full checkout's queries at once.
MAX_TOKENS = 2000
# Selection sets inside one another: the deepest field the schema has is 5 levels down.
MAX_DEPTH = 8
# Every field costs 1; these cost more, for the work (and Klarna calls) behind them.
MAX_COST = 300
COST_MAP: dict[str, dict[str, Any]] = {
    "Cart": {"available_payment_methods": {"complexity": 25}},
    "Mutation": {
        "createKlarnaPaymentsSession": {"complexity": 25},
        "placeOrder": {"complexity": 50},
        "addProductsToCart": {"complexity": 10},
    },
}


def parse_document(_context: Any, data: dict[str, Any]) -> DocumentNode:
    """Parse the request's query, refusing one with more than MAX_TOKENS tokens."""
    return parse(data["query"], max_tokens=MAX_TOKENS)


def validation_rules(variables: dict[str, Any] | None) -> list[type[ASTValidationRule]]:
    """The depth and cost rules for one request (the cost reads the request's variables)."""
    return [
        DepthLimit,
        cost_validator(MAX_COST, default_cost=1, variables=variables, cost_map=COST_MAP),
    ]


class DepthLimit(ASTValidationRule):
    """Refuse an operation whose selections nest deeper than MAX_DEPTH (fragments followed)."""

    def enter_operation_definition(self, node: OperationDefinitionNode, *_args: Any) -> None:
        """Measure the operation once, when the validator reaches it."""
        depth = self.depth_of(node.selection_set, set())
        if depth > MAX_DEPTH:
            self.report_error(
                GraphQLError(
                    f"The query is nested {depth} levels deep; at most {MAX_DEPTH} are allowed.",
                    node,
                )
            )

    def depth_of(self, selections: SelectionSetNode | None, seen: set[str]) -> int:
        """How deep a selection set nests; a fragment is entered once per path (no cycles)."""
        if selections is None:
            return 0
        deepest = 0
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                deepest = max(deepest, 1 + self.depth_of(selection.selection_set, seen))
            elif isinstance(selection, InlineFragmentNode):
                deepest = max(deepest, self.depth_of(selection.selection_set, seen))
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.context.get_fragment(name)
                if fragment is not None and name not in seen:
                    deepest = max(deepest, self.depth_of(fragment.selection_set, seen | {name}))
            if deepest > MAX_DEPTH:
                break  # deep enough to refuse: stop before a crafted document costs more
        return deepest
