"""`python app.py`: flags, one-line config errors, and both servers answering."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

REPO_ROOT = Path(__file__).resolve().parents[2]
CLEAN_ENV_KEYS = (
    "SECRET_KEY",
    "DATABASE_URL",
    "KLARNA_API_URL",
    "KLARNA_USERNAME",
    "KLARNA_PASSWORD",
    "KLARNA_SDK_URL",
)


def app_env(tmp_path: Path, **settings: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in CLEAN_ENV_KEYS}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'shop.sqlite'}"
    env.update(settings)
    return env


def run_app(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        [sys.executable, "app.py", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("args", "settings", "named"),
    [
        (["--port", "abc"], {}, "--port"),
        (["--emulator-port", "70000"], {}, "--emulator-port"),
        ([], {"DATABASE_URL": "nonsense"}, "DATABASE_URL"),
        ([], {"KLARNA_USERNAME": "PK1_x"}, "KLARNA_PASSWORD"),
        ([], {"KLARNA_API_URL": "ftp://klarna"}, "KLARNA_API_URL"),
    ],
)
def test_bad_configuration_is_one_line_and_exit_2(
    tmp_path: Path, args: list[str], settings: dict[str, str], named: str
) -> None:
    result = run_app(args, app_env(tmp_path, **settings))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert named in lines[0]
    assert "Traceback" not in result.stderr


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout: float = 30) -> requests.Response:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return requests.get(url, timeout=2)
        except requests.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_app_serves_shop_and_emulator_on_given_ports(tmp_path: Path) -> None:
    port, emulator_port = free_port(), free_port()
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "app.py", "--port", str(port), "--emulator-port", str(emulator_port)],
        cwd=REPO_ROOT,
        env=app_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        home = wait_for(f"http://127.0.0.1:{port}/")
        emulator = wait_for(f"http://127.0.0.1:{emulator_port}/_emulator/health")
        assert home.status_code == 200
        assert "Organic Cotton Tee" in home.text
        assert emulator.json() == {"status": "ok"}
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=10)
    assert f"http://127.0.0.1:{port}/" in output
    assert f"http://127.0.0.1:{emulator_port}/" in output


def test_production_entrypoint_refuses_to_start_without_secret_key(tmp_path: Path) -> None:
    env = app_env(
        tmp_path,
        KLARNA_API_URL="https://api.playground.klarna.com/",
        KLARNA_USERNAME="PK1_x",
        KLARNA_PASSWORD="secret",
    )
    result = subprocess.run(
        [sys.executable, "-c", "import storefront.wsgi"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "SECRET_KEY" in lines[0]
