"""What create-order must repeat from the authorization, compared field by field."""

from __future__ import annotations

from klarna_emulator.domain.authorizations import mismatched_fields, purchase_snapshot
from tests.support.klarna_examples import gb_cart, shopper_gb


def test_the_snapshot_defaults_the_shipping_address_to_the_billing_address() -> None:
    snapshot = purchase_snapshot({**gb_cart(), "billing_address": shopper_gb()})

    assert snapshot["shipping_address"] == shopper_gb()
    assert "purchase_country" not in snapshot


def test_an_omitted_address_matches() -> None:
    snapshot = purchase_snapshot({**gb_cart(), "billing_address": shopper_gb()})

    assert mismatched_fields(snapshot, gb_cart()) == []


def test_an_address_field_left_out_of_a_sent_address_is_a_difference() -> None:
    snapshot = purchase_snapshot({**gb_cart(), "billing_address": shopper_gb()})
    partial = {key: value for key, value in shopper_gb().items() if key != "phone"}

    assert mismatched_fields(snapshot, {**gb_cart(), "billing_address": partial}) == [
        "billing_address.phone"
    ]


def test_differences_are_listed_in_klarnas_order() -> None:
    snapshot = purchase_snapshot({**gb_cart(), "billing_address": shopper_gb()})
    changed = {
        **shopper_gb(),
        "city": "Leeds",
        "attention": "Ms X",
        "given_name": "Tess",
        "zzz": "1",
    }

    fields = mismatched_fields(snapshot, {**gb_cart(), "shipping_address": changed})

    assert fields == [
        "shipping_address.given_name",
        "shipping_address.city",
        "shipping_address.attention",
        "shipping_address.zzz",
    ]
