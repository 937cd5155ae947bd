"""`python -m klarna_emulator`: serves the API with the credentials given on the command line."""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import requests

from tests.support.klarna_examples import gb_cart

REPO_ROOT = Path(__file__).resolve().parents[3]


def client_token_claims(token: str) -> dict[str, Any]:
    """The payload of a client token (a JWT), unverified."""
    payload = token.split(".")[1]
    claims: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return claims


def test_command_line_serves_the_api_with_the_given_credentials() -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "klarna_emulator",
            "--port",
            "0",
            "--username",
            "PK1_cli",
            "--password",
            "cli-secret",
            "--merchant-name",
            "Fjord & Field",
        ],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = re.search(r"http://127\.0\.0\.1:\d+", process.stdout.readline())
        assert url, "the emulator did not print its address"
        sessions = f"{url.group(0)}/payments/v1/sessions"
        accepted = requests.post(
            sessions, json=gb_cart(), auth=("PK1_cli", "cli-secret"), timeout=10
        )
        refused = requests.post(
            sessions,
            json=gb_cart(),
            auth=("PK00000_emulator", "emulator-shared-secret"),
            timeout=10,
        )
        example = re.search(r"http://\S+/_emulator/example", process.stdout.readline())
        assert example, "the emulator did not print its example page"
        example_page = requests.get(example.group(0), timeout=10)
    finally:
        process.terminate()
        process.communicate(timeout=10)

    assert accepted.status_code == 200
    assert client_token_claims(accepted.json()["client_token"])["merchant_name"] == "Fjord & Field"
    assert refused.status_code == 401
    assert example_page.status_code == 200


def test_command_line_sets_the_control_token_and_allowed_hosts() -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "klarna_emulator",
            "--port",
            "0",
            "--control-token",
            "cli-token",
            "--allowed-host",
            "emulator.test",
        ],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = re.search(r"http://127\.0\.0\.1:\d+", process.stdout.readline())
        assert url, "the emulator did not print its address"
        state = f"{url.group(0)}/_emulator/state"
        without = requests.get(state, timeout=10)
        with_token = requests.get(state, headers={"X-Emulator-Token": "cli-token"}, timeout=10)
        health = f"{url.group(0)}/_emulator/health"
        named = requests.get(health, headers={"Host": "emulator.test"}, timeout=10)
        other = requests.get(health, headers={"Host": "other.test"}, timeout=10)
    finally:
        process.terminate()
        process.communicate(timeout=10)

    assert (without.status_code, with_token.status_code) == (403, 200)
    assert (named.status_code, other.status_code) == (200, 421)
