"""Emulator create-session and the pre-flight check agree on Klarna's documented cases."""

from __future__ import annotations

import pytest
import requests

from storefront.config import EMULATOR_PASSWORD, EMULATOR_USERNAME
from storefront.klarna.preflight import payload_problems
from tests.support.klarna_cases import KLARNA_CASES, KlarnaCase
from tests.support.live_server import LiveServer


def rejected_fields(response: requests.Response) -> set[str]:
    """The fields a 400 BAD_VALUE names: 'Bad value: a, b' -> {'a', 'b'}."""
    body = response.json()
    assert body["error_code"] == "BAD_VALUE"
    return {
        field.strip()
        for message in body["error_messages"]
        for field in message.removeprefix("Bad value:").split(",")
    }


@pytest.mark.parametrize("case", KLARNA_CASES, ids=lambda case: case.name)
def test_emulator_and_preflight_agree_on_documented_case(
    emulator_server: LiveServer, case: KlarnaCase
) -> None:
    response = requests.post(
        f"{emulator_server.url}/payments/v1/sessions",
        json=case.payload,
        auth=(EMULATOR_USERNAME, EMULATOR_PASSWORD),
        timeout=10,
    )
    preflight_fields = {problem.split(":")[0] for problem in payload_problems(case.payload)}
    if case.rejected_fields:
        assert response.status_code == 400
        assert set(case.rejected_fields) <= rejected_fields(response)
        assert set(case.rejected_fields) <= preflight_fields
    else:
        assert response.status_code == 200, response.text
        assert preflight_fields == set()
