"""The shop as production runs it, for tests and benchmarks: gunicorn processes on a migrated,
seeded database, started and stopped around a block."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
START_SECONDS = 30


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_listening(port: int, process: subprocess.Popen[bytes], output: Path) -> None:
    """Return once something accepts connections on the port; raise if the process ended."""
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {output.read_text(errors='replace')}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port} after {START_SECONDS} s")


@contextmanager
def running(command: list[str], env: dict[str, str], port: int) -> Iterator[None]:
    """Run a server listening on `port` until the block ends.

    Its output goes to a temporary file, not a pipe: a pipe nobody reads fills after 64 KiB of
    access log, and the server then blocks on its next log line.
    """
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "output.log"
        with output.open("wb") as sink:
            process = subprocess.Popen(  # noqa: S603
                command, cwd=REPO_ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT
            )
        try:
            wait_until_listening(port, process, output)
            yield
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def shop_env(
    database_url: str,
    public_url: str,
    klarna_url: str | None = None,
    secret_key: str | None = None,
) -> dict[str, str]:
    """A production environment for the shop (instances that share a session share the key).

    Without `klarna_url` the Klarna settings point at Klarna's playground, for pages that call
    no Klarna; with it, at that emulator.
    """
    from storefront.config import EMULATOR_PASSWORD, EMULATOR_USERNAME
    from storefront.klarna.sdk import SDK_PATH

    env = {key: value for key, value in os.environ.items() if not key.startswith("KLARNA_")}
    env.update(
        SECRET_KEY=secret_key or secrets.token_hex(32),
        DATABASE_URL=database_url,
        PUBLIC_URL=public_url,
        KLARNA_API_URL=klarna_url or "https://api.playground.klarna.com/",
        KLARNA_USERNAME=EMULATOR_USERNAME,
        KLARNA_PASSWORD=EMULATOR_PASSWORD,
        SESSION_COOKIE_SECURE="false",
        TRUSTED_PROXIES="1",
    )
    if klarna_url:
        env["KLARNA_SDK_URL"] = klarna_url.rstrip("/") + SDK_PATH
    return env


def prepare_database(env: dict[str, str]) -> None:
    """Migrate and seed the database of a shop environment, as a deployment does."""
    for command in (["db", "upgrade"], ["seed"]):
        flask = [sys.executable, "-m", "flask", "--app", "storefront", *command]
        subprocess.run(flask, cwd=REPO_ROOT, env=env, check=True, capture_output=True)  # noqa: S603


def gunicorn(port: int, *flags: str, app: str = "storefront.wsgi:app") -> list[str]:
    """The gunicorn command line for an app on a loopback port."""
    bind = ["--bind", f"127.0.0.1:{port}"]
    return [sys.executable, "-m", "gunicorn", *flags, *bind, app]
