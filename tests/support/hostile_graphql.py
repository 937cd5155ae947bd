"""Hypothesis strategies for hostile GraphQL requests: real operations with junk variables,
junk documents, junk bodies, other content types and stores.

`hostile_graphql(known)` draws `GraphQLAttack`s. `known` maps a variable name to values of the
scene (the attacker's masked cart id, SKUs, coupon codes, a forged token, another shopper's
session token and order number), so many requests reach the resolvers and the services.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st
from werkzeug.test import TestResponse

from tests.support.client import ShopClient
from tests.support.graphql_shopper import address_input

Known = Mapping[str, tuple[Any, ...]]

# Every operation of the door, with the variables it reads.
OPERATIONS = (
    "query($c: String!) { cart(cart_id: $c) { id email total_quantity items { uid quantity }"
    " prices { grand_total { value value_minor } } available_payment_methods { code title }"
    " selected_payment_method { code } klarna_authorize_data } }",
    "mutation($c: String!, $i: [CartItemInput!]!) { addProductsToCart(cartId: $c,"
    " cartItems: $i) { cart { total_quantity } user_errors { code message } } }",
    "mutation($c: String!, $u: ID!, $q: Float!) { updateCartItems(input: {cart_id: $c,"
    " cart_items: [{cart_item_uid: $u, quantity: $q}]}) { cart { total_quantity } } }",
    "mutation($c: String!, $u: ID!) { removeItemFromCart(input: {cart_id: $c,"
    " cart_item_uid: $u}) { cart { id } } }",
    "mutation($c: String!, $code: String!) { applyCouponToCart(input: {cart_id: $c,"
    " coupon_code: $code}) { cart { applied_coupons { code } } } }",
    "mutation($c: String!) { removeCouponFromCart(input: {cart_id: $c}) { cart { id } } }",
    "mutation($c: String!, $e: String!) { setGuestEmailOnCart(input: {cart_id: $c,"
    " email: $e}) { cart { email } } }",
    "mutation($c: String!, $a: CartAddressInput!) { setShippingAddressesOnCart(input:"
    " {cart_id: $c, shipping_addresses: [{address: $a}]}) { cart { id } } }",
    "mutation($c: String!, $a: CartAddressInput, $b: Boolean) { setBillingAddressOnCart(input:"
    " {cart_id: $c, billing_address: {address: $a, same_as_shipping: $b}}) { cart { id } } }",
    "mutation($c: String!, $m: String!) { setShippingMethodsOnCart(input: {cart_id: $c,"
    " shipping_methods: [{carrier_code: $m, method_code: $m}]}) { cart { id } } }",
    "mutation($c: String!) { createKlarnaPaymentsSession(input: {cart_id: $c}) {"
    " client_token payment_method_categories { identifier name } } }",
    "mutation($c: String!, $code: String!, $t: String!) { setPaymentMethodOnCart(input: {"
    " cart_id: $c, payment_method: {code: $code, klarna: {authorization_token: $t}}})"
    " { cart { selected_payment_method { code } } } }",
    "mutation($c: String!) { placeOrder(input: {cart_id: $c}) { order { order_number } } }",
    "mutation { createGuestCart { cart { id } } }",
    "{ storeConfig { store_code klarna_sdk_url } }",
)
CONTENT_TYPES = ("application/json", "application/json; charset=utf-8", "text/plain", "")
STORES = (None, "gb", "us", "de", "se", "xx", "GB", "")


@dataclass(frozen=True)
class GraphQLAttack:
    """One POST to /graphql as a hostile client could send it."""

    body: Any  # a JSON value, or bytes sent as they are
    content_type: str
    store: str | None

    def send(self, client: ShopClient) -> TestResponse:
        """Send it with the test client."""
        data = self.body if isinstance(self.body, bytes) else json.dumps(self.body)
        headers = {"Content-Type": self.content_type} if self.content_type else {}
        if self.store is not None:
            headers["Store"] = self.store
        return client.post("/graphql", data=data, headers=headers)

    def __repr__(self) -> str:
        """Short enough for an assertion message."""
        return f"GraphQLAttack({str(self.body)[:300]!r}, {self.content_type!r}, {self.store!r})"


def hostile_text() -> st.SearchStrategy[str]:
    """Strings a client should not send: controls, NUL, huge, unicode, near-misses."""
    return st.one_of(
        st.text(max_size=12),
        st.text(max_size=4).map(lambda text: f"{text}\x00"),
        st.just("x" * 5000),
        st.sampled_from(["", " ", "'; DROP TABLE cart; --", "{{7*7}}", "<script>", "\u202e"]),
    )


def json_values(text: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    """Any JSON value, built of `text` and small numbers."""
    leaves = st.one_of(
        st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=False), text
    )
    return st.recursive(
        leaves,
        lambda children: (
            st.lists(children, max_size=3)
            | st.dictionaries(st.text(max_size=5), children, max_size=3)
        ),
        max_leaves=8,
    )


def variables(known: Known) -> st.SearchStrategy[dict[str, Any]]:
    """Variables: the scene's real values, hostile ones, and values of the wrong type."""
    text = hostile_text()
    address = st.builds(
        lambda base, changes: {**base, **changes},
        st.sampled_from([address_input(market) for market in ("GB", "US", "DE")]),
        st.dictionaries(
            st.sampled_from(sorted(address_input("GB"))), json_values(text), max_size=2
        ),
    )
    items = st.lists(
        st.fixed_dictionaries(
            {"sku": st.sampled_from(known["sku"]) | text, "quantity": st.sampled_from(known["q"])}
        ),
        max_size=3,
    )
    by_name = {
        "a": address,
        "i": items,
        "b": st.sampled_from([True, False, None]),
        **{name: mostly(st.sampled_from(values), text) for name, values in known.items()},
    }
    # Mostly a value of the right type, so most requests pass GraphQL's checks and reach the
    # resolvers and services; the cart id is always sent.
    typed = {name: mostly(strategy, json_values(text)) for name, strategy in by_name.items()}
    return st.fixed_dictionaries({"c": typed.pop("c")} if "c" in typed else {}, optional=typed)


def mostly(usual: st.SearchStrategy[Any], rare: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """`usual` about five times in six, else `rare` (one_of would draw each about as often)."""
    return st.sampled_from((True,) * 5 + (False,)).flatmap(lambda use: usual if use else rare)


def documents() -> st.SearchStrategy[str]:
    """The door's operations, often as they are, else cut short, doubled or junk."""
    operation = st.sampled_from(OPERATIONS)
    return mostly(
        operation,
        st.one_of(
            st.tuples(operation, st.integers(0, 400)).map(lambda cut: cut[0][: cut[1]]),
            st.tuples(operation, operation).map(lambda pair: pair[0] + " " + pair[1]),
            hostile_text(),
        ),
    )


def hostile_graphql(known: Known) -> st.SearchStrategy[GraphQLAttack]:
    """Hostile GraphQL requests: mostly real operations with drawn variables."""
    text = hostile_text()
    request = st.fixed_dictionaries({"query": documents(), "variables": variables(known)})
    body = mostly(request, st.one_of(json_values(text), st.binary(max_size=64)))
    return st.builds(
        GraphQLAttack,
        body,
        mostly(st.just(CONTENT_TYPES[0]), st.sampled_from(CONTENT_TYPES)),
        mostly(st.just(None), st.sampled_from(STORES)),
    )
