"""Every shop string is translated: extracted afresh from the code and templates, each one must
have a German and a Swedish translation that is neither empty nor fuzzy, with the same
placeholders; and the committed messages.pot is what extraction gives now."""

from __future__ import annotations

import pytest
from babel.messages.catalog import Catalog

from tests.support.translations import TRANSLATIONS, extract_messages, po_files, read_catalog

LANGUAGES = ("de", "sv")


@pytest.fixture(scope="module")
def extracted() -> Catalog:
    """The strings in the code and templates now, as `make translations` extracts them."""
    return extract_messages()


def test_there_is_a_catalog_for_each_language() -> None:
    assert [path.parent.parent.name for path in po_files()] == sorted(LANGUAGES)


def test_extraction_finds_the_shops_strings(extracted: Catalog) -> None:
    # A guard against a babel.cfg that matches nothing: the comparisons below would pass.
    ids = {message.id for message in extracted if message.id}
    assert {
        "Add to cart",
        "Your cart is empty.",
        "Enter a 5-digit Postleitzahl, e.g. 10178.",
    } <= ids
    assert "Quantity" in ids  # a lazy_gettext form label
    assert len(ids) > 200


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_has_a_translation(extracted: Catalog, language: str) -> None:
    catalog = read_catalog(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po")
    problems = []
    for message in extracted:
        if not message.id:
            continue
        translated = catalog.get(message.id)
        strings = (
            (translated.string if isinstance(translated.string, tuple) else (translated.string,))
            if translated is not None
            else ()
        )
        if translated is None:
            problems.append(f"missing: {message.id!r}")
        elif translated.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        elif not strings or not all(strings):
            problems.append(f"empty: {message.id!r}")
    assert not problems, f"{language}: run `make translations` and translate:\n" + "\n".join(
        problems
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders(language: str) -> None:
    catalog = read_catalog(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po")
    errors = [f"{message.id!r}: {problems}" for message, problems in catalog.check()]
    assert not errors, "\n".join(errors)


def test_the_committed_template_is_up_to_date(extracted: Catalog) -> None:
    committed = read_catalog(TRANSLATIONS / "messages.pot")
    now = {message.id for message in extracted if message.id}
    assert {message.id for message in committed if message.id} == now, "run `make translations`"
