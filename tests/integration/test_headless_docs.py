"""docs/headless.md's GraphQL session runs as written: every request, in order, gets its answer.

Values that differ from run to run (the cart id, the client token, the authorization token,
the order number) are matched by their place in the answer; the documented ones are replaced
by this run's in the requests that follow. The authorization token is what the widget's
authorize() gives: the test authorizes through the emulator, as the widget would.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Flask

from tests.contract.test_headless_docs import SECTION as CURL_SECTION
from tests.contract.test_headless_docs import section_blocks as curl_blocks
from tests.support.client import ShopClient
from tests.support.graphql_shopper import authorize_headless
from tests.support.live_server import LiveServer
from tests.support.markdown import ROOT

DOC = ROOT / "docs" / "headless.md"
SECTION = "## GraphQL"
PAIR = re.compile(r"```graphql\n(.*?)\n```\s*```json\n(.*?)\n```", re.DOTALL)
# Answer fields whose value is this run's own.
RUN_VALUES = {"id", "client_token", "order_number"}
TOKEN = re.compile(r'authorization_token: "([^"]+)"')


def documented_exchanges() -> list[tuple[str, Any]]:
    """The GraphQL section's (request, answer) pairs, in order."""
    text = DOC.read_text(encoding="utf-8").split(SECTION, 1)[1].split("\n## ", 1)[0]
    return [(query, json.loads(answer)) for query, answer in PAIR.findall(text)]


def matches(documented: Any, actual: Any, run_values: dict[str, str], key: str = "") -> bool:
    """Whether the answer is the documented one; this run's values are noted in `run_values`."""
    if key in RUN_VALUES and isinstance(documented, str) and isinstance(actual, str):
        run_values.setdefault(documented, actual)
        return run_values[documented] == actual
    if isinstance(documented, str) and isinstance(actual, str):
        return actual == replaced(documented, run_values)
    if isinstance(documented, dict) and isinstance(actual, dict):
        return documented.keys() == actual.keys() and all(
            matches(documented[name], actual[name], run_values, name) for name in documented
        )
    if isinstance(documented, list) and isinstance(actual, list):
        return len(documented) == len(actual) and all(
            matches(doc, act, run_values, key) for doc, act in zip(documented, actual, strict=True)
        )
    return bool(documented == actual)


def replaced(text: str, run_values: dict[str, str]) -> str:
    """A documented text with this run's values in place of the documented ones."""
    for documented, actual in run_values.items():
        text = text.replace(documented, actual)
    return text


def test_the_documented_graphql_session_runs_as_written(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    exchanges = documented_exchanges()
    assert len(exchanges) >= 11
    run_values: dict[str, str] = {}
    for query, documented in exchanges:
        token = TOKEN.search(query)
        if token:
            cart_id = next(iter(run_values.values()))  # the first run value is the cart's id
            run_values[token.group(1)] = authorize_headless(
                seeded, emulator_server, client, cart_id, "pay_later"
            )
        response = client.post(
            "/graphql", json={"query": replaced(query, run_values)}, headers={"Store": "gb"}
        )
        actual = response.get_json()
        assert matches(documented, actual, run_values), f"{query}\nanswered\n{actual}"


def test_a_changed_answer_does_not_match() -> None:
    documented = {"data": {"cart": {"id": "A", "prices": {"value": 1}}}}
    assert matches(documented, {"data": {"cart": {"id": "B", "prices": {"value": 1}}}}, {})
    assert not matches(documented, {"data": {"cart": {"id": "B", "prices": {"value": 2}}}}, {})
    assert not matches(documented, {"data": {"cart": {"id": "B"}}}, {})


def fenced_blocks(text: str) -> list[tuple[str, str]]:
    """(section heading, language) of every fenced block in the text; an unclosed one fails."""
    blocks, section, fence = [], "", None
    for line in text.splitlines():
        if fence is None and line.startswith("## "):
            section = line
        elif line.startswith("```"):
            if fence is None:
                fence = line[3:].strip()
                blocks.append((section, fence))
            else:
                fence = None
    assert fence is None, "an example's code block is never closed"
    return blocks


def test_every_example_in_the_document_is_run() -> None:
    """Each block of docs/headless.md is a step one of the two docs tests runs; none elsewhere."""
    blocks = fenced_blocks(DOC.read_text(encoding="utf-8"))
    graphql = [language for section, language in blocks if section == SECTION]
    json_api = [language for section, language in blocks if section == CURL_SECTION]

    assert graphql == ["graphql", "json"] * len(documented_exchanges())
    assert json_api == ["sh", "http"] * (len(curl_blocks()) // 2)
    assert len(graphql) + len(json_api) == len(blocks), blocks
