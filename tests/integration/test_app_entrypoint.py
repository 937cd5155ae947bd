"""`python app.py` and `gunicorn --preload`: flags, one-line config errors, servers answering."""

from __future__ import annotations

import os
import re
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.support.http_shopper import HttpShopper
from tests.support.payment_flow import widget_state_in

REPO_ROOT = Path(__file__).resolve().parents[2]
CLEAN_ENV_KEYS = (
    "SECRET_KEY",
    "DATABASE_URL",
    "KLARNA_API_URL",
    "KLARNA_USERNAME",
    "KLARNA_PASSWORD",
    "KLARNA_SDK_URL",
)
REAL_KLARNA = {
    "KLARNA_API_URL": "https://api.playground.klarna.com/",
    "KLARNA_USERNAME": "PK1_x",
    "KLARNA_PASSWORD": "secret",
}


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
        ([], {"DATABASE_URL": "foo://bar"}, "DATABASE_URL"),
        ([], {"DATABASE_URL": "postgresql+asyncpg://root@127.0.0.1/test"}, "DATABASE_URL"),
        # A 64-character label fails before any lookup (no DNS in an offline test).
        (["--host", "a" * 64], {}, "--host"),
        (["--emulator-host", "a" * 64, "--expose-emulator"], {}, "--emulator-host"),
        # The emulator's control plane stays off the network unless exposed on purpose.
        (["--emulator-host", "0.0.0.0"], {}, "--expose-emulator"),  # noqa: S104
        (["--emulator-host", "192.0.2.1"], {}, "--emulator-host 192.0.2.1 is not a loopback"),
    ],
)
def test_bad_configuration_is_one_line_and_exit_2(
    tmp_path: Path, args: list[str], settings: dict[str, str], named: str
) -> None:
    # Free ports first (a case's own flags come later and win): a shop already running on
    # 5000 on this machine must not answer for the setting under test.
    result = run_app(["--port", "0", "--emulator-port", "0", *args], app_env(tmp_path, **settings))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert named in lines[0]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "shop.sqlite").exists()


@pytest.mark.parametrize("flag", ["--port", "--emulator-port"])
def test_port_in_use_is_named_and_nothing_is_started(tmp_path: Path, flag: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        ports = {"--port": "0", "--emulator-port": "0", flag: str(port)}
        result = run_app([part for pair in ports.items() for part in pair], app_env(tmp_path))
    assert result.returncode == 2
    assert result.stderr == (
        f"app.py: configuration error: {flag}: 127.0.0.1:{port} is already in use\n"
    )
    assert not (tmp_path / "shop.sqlite").exists()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout: float = 30) -> requests.Response:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return requests.get(url, timeout=10)
        except (requests.ConnectionError, requests.Timeout):  # not up yet, or busy starting
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def start_app(args: list[str], tmp_path: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(  # noqa: S603
        [sys.executable, "app.py", *args],
        cwd=REPO_ROOT,
        env=app_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_app_serves_shop_and_emulator_on_given_ports(tmp_path: Path) -> None:
    port, emulator_port = free_port(), free_port()
    process = start_app(["--port", str(port), "--emulator-port", str(emulator_port)], tmp_path)
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


PROC_NET_TCP = Path("/proc/net/tcp")


def listening_address(port: int) -> str | None:
    """The IPv4 address some socket of this machine listens on at `port` (Linux's table)."""
    for line in PROC_NET_TCP.read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, hex_port = local.split(":")
        if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
            return socket.inet_ntoa(struct.pack("<I", int(address, 16)))
    return None


@pytest.mark.skipif(not PROC_NET_TCP.exists(), reason="needs Linux's /proc/net/tcp")
def test_host_0_0_0_0_keeps_the_emulator_on_loopback(tmp_path: Path) -> None:
    port, emulator_port = free_port(), free_port()
    everywhere = "0.0.0.0"  # noqa: S104
    process = start_app(
        ["--host", everywhere, "--port", str(port), "--emulator-port", str(emulator_port)],
        tmp_path,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/")
        health = wait_for(f"http://127.0.0.1:{emulator_port}/_emulator/health")
        bound = (listening_address(port), listening_address(emulator_port))
        control = requests.get(f"http://127.0.0.1:{emulator_port}/_emulator/state", timeout=5)
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=10)
    assert health.status_code == 200
    assert bound == (everywhere, "127.0.0.1")
    # app.py's emulator has a control token, and never prints it.
    assert control.status_code == 403
    assert f"Klarna emulator: http://127.0.0.1:{emulator_port}/" in output
    assert "token" not in output.lower()


@pytest.mark.skipif(not PROC_NET_TCP.exists(), reason="needs Linux's /proc/net/tcp")
def test_an_exposed_emulator_listens_everywhere_and_still_guards_itself(tmp_path: Path) -> None:
    emulator_port = free_port()
    everywhere = "0.0.0.0"  # noqa: S104
    process = start_app(
        [
            "--port",
            "0",
            "--emulator-port",
            str(emulator_port),
            "--emulator-host",
            everywhere,
            "--expose-emulator",
        ],
        tmp_path,
    )
    try:
        health = wait_for(f"http://127.0.0.1:{emulator_port}/_emulator/health")
        bound = listening_address(emulator_port)
        control = requests.get(f"http://127.0.0.1:{emulator_port}/_emulator/state", timeout=5)
        rebound = requests.get(
            f"http://127.0.0.1:{emulator_port}/_emulator/health",
            headers={"Host": "rebinding.example"},
            timeout=5,
        )
    finally:
        process.terminate()
        process.communicate(timeout=10)
    assert bound == everywhere
    assert (health.status_code, control.status_code, rebound.status_code) == (200, 403, 421)


def test_production_entrypoint_refuses_to_start_without_secret_key(tmp_path: Path) -> None:
    env = app_env(tmp_path, **REAL_KLARNA)
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


def run_gunicorn_preloaded(tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Start the shop as the README's Production section does, with a bad DATABASE_URL."""
    env = app_env(tmp_path, **REAL_KLARNA, SECRET_KEY="s", DATABASE_URL="foo://bar")
    env["XDG_RUNTIME_DIR"] = str(tmp_path)  # where gunicorn puts its control socket, not ~
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--preload",
            "--bind",
            "127.0.0.1:0",
            "storefront.wsgi:app",
        ],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_gunicorn_preload_stops_at_bad_configuration_with_one_line_and_exit_2(
    tmp_path: Path,
) -> None:
    result = run_gunicorn_preloaded(tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("storefront: configuration error: DATABASE_URL: ")


CONTROL_TOKEN = "app-test-control-token"
KLARNA_CALL_LINE = re.compile(
    r"INFO Klarna (?P<operation>\w+) (?P<status>\d{3}) \d+ ms correlation_id=(?P<id>[\w-]+)$",
    re.MULTILINE,
)


def test_app_prints_a_readable_line_per_klarna_call_and_shows_the_panel(tmp_path: Path) -> None:
    port, emulator_port = free_port(), free_port()
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "app.py", "--port", str(port), "--emulator-port", str(emulator_port)],
        cwd=REPO_ROOT,
        env={**app_env(tmp_path), "EMULATOR_CONTROL_TOKEN": CONTROL_TOKEN},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/")
        shopper = HttpShopper(f"http://127.0.0.1:{port}")
        assert shopper.post_form("/market", {"market": "GB"}).status_code == 302
        shopper.add("TEE-ORG")
        shopper.fill_checkout("GB")
        state = widget_state_in(shopper.get("/checkout/payment").text)
        authorized = requests.post(
            f"http://127.0.0.1:{emulator_port}/_emulator/sessions/{state['session_id']}/authorize",
            json={"payment_method_category": state["categories"][0], **state["authorize_data"]},
            headers={"X-Emulator-Token": CONTROL_TOKEN},
            timeout=30,
        )
        placed = shopper.post_form(
            "/checkout/payment/place",
            {
                "authorization_token": authorized.json()["authorization_token"],
                "klarna_session_id": state["session_id"],
                "purchase_fingerprint": state["purchase_fingerprint"],
            },
        )
        # Klarna's redirect_url, which leads to the order page.
        order_page = shopper.http.get(placed.headers["Location"], timeout=30).text
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=10)
    calls = [(m["operation"], m["status"]) for m in KLARNA_CALL_LINE.finditer(output)]
    assert calls == [("create_session", "200"), ("create_order", "200")], output
    assert "klarna_call {" not in output  # the JSON line stays on the record, for handlers
    assert 'data-operation="create_order"' in order_page  # the panel is on in demo mode
